/**
 * Business hours and offline hand-offs (docs/platform-api.md, "Offline hand-offs"),
 * on the built bundle: when the visitor asks for a person and nobody can answer
 * (outside the bot's `settings.hours`, or no agent online), the bot says when the
 * team is back, asks an email when it has none, and the visitor leaves a message;
 * the message reaches the inbox after the request for a person, the lead has the
 * email and the `offline` attribute, and a late agent reply still arrives live.
 */
import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import {
  ADA,
  axeViolations,
  bubble,
  chat,
  completeFlow,
  conversation,
  hostUrl,
  launcher,
  lines,
  seenLines as seen,
  setAvailability,
  TEXT,
  TOKEN,
  transcript,
  uniqueIds,
  uuidOf,
  visitorLead,
  watchErrors,
} from './helpers'

// The visitor reads when the team is back in their own time zone and language.
test.use({ locale: 'en-US', timezoneId: 'UTC' })

const DAY = 86_400_000
const ALL_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
const AWAY = 'The team is away. Leave a message.'
const ASK_EMAIL = 'Leave your email address and we’ll reply there.'
const leave = (email: string) => `Write your message below and we’ll reply to ${email}.`
const SOON = 'Our team is away right now. We’ll reply as soon as we can.'

type Ids = { bot: string; customer: string }
type Hours = { timeZone: string; weekly: unknown[]; closed?: string[] }

/** Saves a bot whose one flow offers "Talk to a person" (a hand-off node), with these business hours. */
async function saveBot(request: APIRequestContext, ids: Ids, hours: Hours) {
  const doc = {
    version: 1,
    settings: { hours },
    flows: [
      {
        id: 'help',
        nodes: [
          {
            id: 'hi',
            type: 'ask',
            input: 'choice',
            text: 'Hi! How can we help?',
            options: [{ label: TEXT.talk, next: 'person' }],
          },
          { id: 'person', type: 'handoff' },
        ],
      },
    ],
  }
  const res = await request.put(`/demo/api/config/${ids.bot}`, { data: doc })
  expect(res.status()).toBe(200)
}

/** Opens the configured bot's chat and asks for a person. */
async function talkToAPerson(page: Page, ids: Ids) {
  await page.goto(hostUrl(ids, TOKEN, { config: `/widget/${ids.bot}/config.json` }))
  await launcher(page).click()
  await chat(page).getByRole('button', { name: TEXT.talk }).click()
  await expect(transcript(page)).toContainText(TEXT.handoff)
}

/** The agent side's row of the visitor's chat: when they asked for a person (`handoffAt`). */
async function handoffAt(request: APIRequestContext, ids: Ids, uuid: string) {
  for (const type of ['lead', 'non-lead']) {
    const q = new URLSearchParams({ botId: ids.bot, customerId: ids.customer, page: '1', type })
    const res = await request.get(`/inbox/direct/chats?${q}`, { headers: { 'x-bot-token': TOKEN } })
    const rows = ((await res.json()) as { data: { uuid: string; handoffAt?: string | null }[] })
      .data
    const row = rows.find((r) => r.uuid === uuid)
    if (row) return row.handoffAt ?? null
  }
  return null
}

const attributes = (c: {
  profile: { userDetails: { attributes: { key: string; value: string }[] } }
}) => Object.fromEntries(c.profile.userDetails.attributes.map((a) => [a.key, a.value]))

test('outside business hours: when the team is back, an email, a message left, all in the inbox', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('offline')
  // Open every day, but today and the days around it are closed dates (UTC): closed now,
  // whatever the time, back at midnight UTC three days on. An agent is online: the hours decide.
  const today = Date.now()
  const date = (t: number) => new Date(t).toISOString().slice(0, 10)
  const closed = [-1, 0, 1, 2].map((d) => date(today + d * DAY))
  await saveBot(request, ids, {
    timeZone: 'UTC',
    weekly: [{ days: ALL_WEEK, from: '00:00', to: '24:00' }],
    closed,
  })
  await setAvailability(request, ids.bot, true)
  const weekday = new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone: 'UTC' }).format(
    today + 3 * DAY,
  )

  await talkToAPerson(page, ids)
  // Midnight as this browser writes it ("12:00 AM": its ICU picks the space before AM).
  const midnight = await page.evaluate(() =>
    new Intl.DateTimeFormat('en-US', { timeStyle: 'short', timeZone: 'UTC' }).format(0),
  )
  const back = `Our team is away right now. We’re back ${weekday} at ${midnight}.`
  await expect.poll(() => bubble(page, -2)).toBe(`Bot: ${back}`)
  await expect.poll(() => bubble(page, -1)).toBe(`Bot: ${ASK_EMAIL}`)
  await expect(chat(page).getByRole('status').filter({ hasText: AWAY })).toBeVisible()
  await expect(chat(page).getByText('Waiting for a person to join…')).toHaveCount(0)
  // The email question first, with the flow's checks; the message box waits for it.
  const email = chat(page).getByRole('textbox', { name: ASK_EMAIL })
  await expect(email).toBeFocused()
  await expect(chat(page).getByRole('textbox', { name: 'Your message' })).toHaveCount(0)
  expect(await axeViolations(page), 'away, email question').toEqual([])
  await email.fill('not an email')
  await chat(page).getByRole('button', { name: 'Send' }).click()
  await expect(chat(page).getByText(TEXT.errEmail)).toBeVisible()
  await email.fill('Ada@Example.com')
  await chat(page).getByRole('button', { name: 'Send' }).click()
  await expect.poll(() => bubble(page, -1)).toBe(`Bot: ${leave('ada@example.com')}`)

  // Then the message, in the live composer.
  const box = chat(page).getByRole('textbox', { name: 'Your message' })
  await expect(box).toBeFocused()
  await expect(chat(page).getByRole('status').filter({ hasText: AWAY })).toBeVisible()
  expect(await axeViolations(page), 'away, leave a message').toEqual([])
  const uuid = (await uuidOf(page)) as string
  // The request for a person reached the inbox before the message is written.
  await expect.poll(() => handoffAt(request, ids, uuid)).not.toBeNull()
  const asked = Date.parse((await handoffAt(request, ids, uuid)) as string)
  await box.fill('My order is late. Please call me back.')
  await box.press('Enter')
  await expect.poll(() => bubble(page, -1)).toBe('You: My order is late. Please call me back.')

  // The inbox has the whole conversation in order, once: the message after the request.
  const expected = await seen(page)
  expect(expected.slice(-6)).toEqual([
    `bot: ${TEXT.handoff}`,
    `bot: ${back}`,
    `bot: ${ASK_EMAIL}`,
    'visitor: Ada@Example.com',
    `bot: ${leave('ada@example.com')}`,
    'visitor: My order is late. Please call me back.',
  ])
  await expect.poll(async () => lines(await conversation(request, ids, uuid))).toEqual(expected)
  const stored = await conversation(request, ids, uuid)
  expect(new Set(stored.map((m) => m.id)).size).toBe(stored.length)
  expect(Date.parse(stored.at(-1)?.at as string)).toBeGreaterThanOrEqual(asked)
  expect(await handoffAt(request, ids, uuid)).toBe(new Date(asked).toISOString())
  // The lead has the email, and is marked as an offline message.
  const lead = await visitorLead(page, request, ids, (c) => !!c.profile.userDetails.contact.email)
  expect(lead.profile.userDetails.contact.email).toBe('ada@example.com')
  expect(attributes(lead)).toMatchObject({ offline: 'outside-hours' })

  // A reload keeps the away chat: the status line and the message box come back.
  await page.reload()
  await expect(chat(page)).toBeVisible()
  await expect(chat(page).getByRole('status').filter({ hasText: AWAY })).toBeVisible()
  await expect(chat(page).getByRole('textbox', { name: 'Your message' })).toBeVisible()
  expect(await seen(page)).toEqual(expected)

  // The stream stayed open: an agent's late reply arrives live.
  const reply = await request.post('/inbox/direct/reply', {
    headers: { 'x-bot-token': TOKEN },
    data: {
      ...{ botId: ids.bot, customerId: ids.customer },
      uuid,
      text: 'Sam here, calling you now.',
      agent: { id: 'sam', name: 'Sam' },
    },
  })
  expect(reply.status()).toBe(200)
  await expect.poll(() => bubble(page, -1)).toBe('Sam: Sam here, calling you now.')
  await expect(chat(page).getByText('You’re talking to Sam')).toBeVisible()
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('within business hours, no agent online: away, the team replies as soon as it can', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('offline-agents')
  await saveBot(request, ids, {
    timeZone: 'UTC',
    weekly: [{ days: ALL_WEEK, from: '00:00', to: '24:00' }],
  })
  await setAvailability(request, ids.bot, false)
  await talkToAPerson(page, ids)
  await expect.poll(() => bubble(page, -2)).toBe(`Bot: ${SOON}`)
  await expect(chat(page).getByRole('status').filter({ hasText: AWAY })).toBeVisible()
  const email = chat(page).getByRole('textbox', { name: ASK_EMAIL })
  await expect(email).toBeVisible()
  expect(await axeViolations(page), 'away, no agent online').toEqual([])
  await email.fill('bo@example.com')
  await email.press('Enter')
  const box = chat(page).getByRole('textbox', { name: 'Your message' })
  await box.fill('Is the shop open on Sunday?')
  await box.press('Enter')
  const uuid = (await uuidOf(page)) as string
  await expect
    .poll(async () => lines(await conversation(request, ids, uuid)).slice(-4))
    .toEqual([
      `bot: ${ASK_EMAIL}`,
      'visitor: bo@example.com',
      `bot: ${leave('bo@example.com')}`,
      'visitor: Is the shop open on Sunday?',
    ])
  const lead = await visitorLead(page, request, ids, (c) => !!attributes(c).offline)
  expect(attributes(lead).offline).toBe('no-agent')
  expect(lead.profile.userDetails.contact.email).toBe('bo@example.com')
})

test('the built-in flow with no agent online: the email it has is not asked again', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('offline-builtin')
  await setAvailability(request, ids.bot, false)
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await completeFlow(page, ADA)
  await chat(page).getByRole('button', { name: TEXT.talk }).click()
  await expect.poll(() => bubble(page, -1)).toBe(`Bot: ${leave('ada@example.com')}`)
  expect((await seen(page)).slice(-3)).toEqual([
    `bot: ${TEXT.handoff}`,
    `bot: ${SOON}`,
    `bot: ${leave('ada@example.com')}`,
  ])
  await expect(chat(page).getByRole('status').filter({ hasText: AWAY })).toBeVisible()
  await expect(chat(page).getByRole('textbox', { name: 'Your message' })).toBeFocused()
  expect(await axeViolations(page), 'away, built-in flow').toEqual([])
})
