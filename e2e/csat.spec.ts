/**
 * The conversation rating (CSAT, widget/csat/) on the built bundle: once an agent
 * closes a live conversation, the bot asks "How was your conversation with Sam?"
 * (one message of the transcript, so its live region announces it once), five
 * faces answer in one tap, an optional comment follows, then "Thanks for your
 * feedback". The lead in the demo API carries the attributes `csat` and
 * `csat_comment` and one note (docs/platform-api.md, "Conversation rating"); the
 * agent console shows the rating. axe finds nothing in the rating and thanks
 * states, in the light and the dark theme.
 */
import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import { DARK, darkInk } from '../widget/config/settings'
import {
  ADA,
  agentConsole,
  axeViolations,
  type Chat,
  chat,
  chatsOf,
  completeFlow,
  hostUrl,
  lastLine,
  launcher,
  setAvailability,
  TEXT,
  TOKEN,
  transcript,
  uniqueIds,
  uuidOf,
  visitorLead,
  watchErrors,
} from './helpers'

test.use({ locale: 'en-US' })

type Ids = { bot: string; customer: string }

const ASK = 'How was your conversation with Sam?'
const THANKS = 'Thanks for your feedback'
const FACES = ['Very bad', 'Bad', 'OK', 'Good', 'Very good']

/** The bot's question in the transcript (a visitor who comes back may see an earlier one above). */
const asked = (page: Page, text = ASK) => transcript(page).locator('.msg.bot', { hasText: text })
/** The faces: a group named by the question. */
const faces = (page: Page, text = ASK) => chat(page).getByRole('group', { name: text })
/** The face named `name` ("Good" is not "Very good"). */
const face = (page: Page, name: string, text = ASK) =>
  faces(page, text).getByRole('button', { name, exact: true })
const comment = (page: Page) => chat(page).getByRole('textbox', { name: 'Tell us more (optional)' })

/** The lead's attribute `key`, or `undefined`. */
const attr = (c: Chat, key: string) =>
  c.profile.userDetails.attributes.find((a) => a.key === key)?.value
/** The lead's rating notes, as their descriptions. */
const ratings = (c: Chat) =>
  c.profile.notes.filter((n) => n.title === 'Conversation rating').map((n) => n.description)

/** The five faces are there, named worst to best, each a target of at least 44 × 44 px. */
async function expectFaces(page: Page, text = ASK) {
  const buttons = faces(page, text).getByRole('button')
  await expect(buttons).toHaveCount(5)
  for (const [i, name] of FACES.entries()) {
    await expect(buttons.nth(i)).toHaveAccessibleName(name)
    await expect(buttons.nth(i)).toHaveAttribute('aria-pressed', 'false')
    const box = await buttons.nth(i).boundingBox()
    expect(box?.width).toBeGreaterThanOrEqual(44)
    expect(box?.height).toBeGreaterThanOrEqual(44)
  }
}

test('the agent closes in the console; the visitor rates 4 with a comment; the lead and the console carry it, once', async ({
  page,
  browser,
  request,
}) => {
  const ids = uniqueIds('csat')
  const agentContext = await browser.newContext({ locale: 'en-US' })
  try {
    const console_ = await agentConsole(await agentContext.newPage(), ids)
    const errors = watchErrors(page)
    await page.goto(hostUrl(ids))
    await launcher(page).click()
    await completeFlow(page, ADA)
    await chat(page).getByRole('button', { name: TEXT.talk }).click()

    // Sam takes the conversation in the console, answers, and closes it.
    await console_.getByRole('button', { name: /Ada Lovelace/ }).click()
    const reply = console_.getByLabel('Reply to the visitor')
    await reply.fill('Hi Ada, your refund is on its way.')
    await reply.press('Enter')
    await expect(chat(page).getByText('You’re talking to Sam')).toBeVisible()
    await console_.getByLabel('Status').selectOption('CLOSED')
    await expect(chat(page).getByText('This conversation was closed.')).toBeVisible()

    // The bot asks once; the faces follow, and "New conversation" stays.
    await expect(asked(page)).toHaveCount(1)
    await expectFaces(page)
    await expect(comment(page)).toHaveCount(0)
    await expect(chat(page).getByRole('button', { name: 'New conversation' })).toBeVisible()
    expect(await axeViolations(page), 'rating').toEqual([])

    // One tap: the face is pressed, and the score is on the lead already.
    await face(page, 'Good').click()
    await expect(face(page, 'Good')).toHaveAttribute('aria-pressed', 'true')
    await visitorLead(page, request, ids, (c) => attr(c, 'csat') === '4')
    expect(await axeViolations(page), 'rating, a face chosen').toEqual([])

    await comment(page).fill('Quick, and kind.')
    await chat(page).getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => lastLine(page)).toBe(`bot: ${THANKS}`)
    await expect(faces(page)).toHaveCount(0)
    await expect(chat(page).getByRole('button', { name: 'New conversation' })).toBeFocused()
    expect(await axeViolations(page), 'thanks').toEqual([])

    const lead = await visitorLead(page, request, ids, (c) => ratings(c).length > 0)
    expect(attr(lead, 'csat')).toBe('4')
    expect(attr(lead, 'csat_comment')).toBe('Quick, and kind.')
    expect(ratings(lead)).toEqual(['4/5 — Quick, and kind.'])
    // The agent sees the rating beside the conversation.
    await expect(console_.getByText('★★★★☆ 4/5 — Quick, and kind.')).toBeVisible()

    // Coming back: the question and the thanks once each, no faces, and the note
    // still once after the lead's next snapshot.
    await page.reload()
    await expect(chat(page)).toBeVisible()
    await expect.poll(() => lastLine(page)).toBe(`bot: ${THANKS}`)
    await expect(asked(page)).toHaveCount(1)
    await expect(faces(page)).toHaveCount(0)
    await page.evaluate(() =>
      (window as unknown as { Reekolect(c: string, v: object): void }).Reekolect('identify', {
        name: 'Ada King',
      }),
    )
    const later = await visitorLead(
      page,
      request,
      ids,
      (c) => c.profile.userDetails.name === 'Ada King',
    )
    expect(ratings(later)).toEqual(['4/5 — Quick, and kind.'])
    expect(errors.widget()).toEqual([])
    expect(errors.pageErrors).toEqual([])
  } finally {
    await agentContext.close()
  }
})

/** A call of the platform from the agent's side: `POST /inbox/direct/reply` (`x-bot-token`), or the lead PUT that closes (`x-bp-token`). */
async function inbox(
  request: APIRequestContext,
  ids: Ids,
  uuid: string,
  what: { reply: string } | 'close',
) {
  const key = { botId: ids.bot, customerId: ids.customer, uuid }
  const res =
    what === 'close'
      ? await request.put('/inbox/direct/lead', {
          headers: { 'x-bp-token': TOKEN },
          data: { ...key, status: 'CLOSED' },
        })
      : await request.post('/inbox/direct/reply', {
          headers: { 'x-bot-token': TOKEN },
          data: { ...key, text: what.reply, agent: { id: 'sam', name: 'Sam' } },
        })
  expect(res.status()).toBe(200)
}

/** `#rrggbb` as getComputedStyle writes it. */
const rgb = (hex: string) =>
  `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`
const colour = (page: Page, selector: string, prop: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((e, p) => getComputedStyle(e).getPropertyValue(p), prop)

test('dark theme, the document’s own question: "Very good" without a comment stores 5 and "5/5"; axe in both states', async ({
  page,
  request,
}) => {
  const primary = '#0f766e'
  const ids = uniqueIds('csat-dark')
  const question = 'How did {agent} do today?'
  const saved = await request.put(`/demo/api/config/${ids.bot}`, {
    data: {
      version: 1,
      settings: { design: { primaryColor: primary, theme: 'dark' }, csat: { question } },
      flows: [
        {
          id: 'main',
          nodes: [
            { id: 'hi', type: 'message', text: 'Hi! Let me find you a person.' },
            { id: 'person', type: 'handoff' },
          ],
        },
      ],
    },
  })
  expect(saved.status()).toBe(200)
  await setAvailability(request, ids.bot, true)
  const errors = watchErrors(page)
  await page.goto(hostUrl(ids, TOKEN, { config: `/widget/${ids.bot}/config.json` }))
  await launcher(page).click()
  await expect(chat(page).getByText('Waiting for a person to join…')).toBeVisible()
  const uuid = (await uuidOf(page)) as string
  await inbox(request, ids, uuid, { reply: 'All sorted, Ada.' })
  await expect(chat(page).getByText('You’re talking to Sam')).toBeVisible()
  await inbox(request, ids, uuid, 'close')

  const ask = 'How did Sam do today?'
  await expect(asked(page, ask)).toHaveCount(1)
  await expectFaces(page, ask)
  // The rating is drawn in the dark window's colours, the faces in its ink.
  expect(await colour(page, '.csat', 'background-color')).toBe(rgb(DARK.surface))
  expect(await colour(page, '.csat .face', 'background-color')).toBe(rgb(DARK.surface))
  expect(await colour(page, '.csat .face', 'color')).toBe(rgb(darkInk(primary)))
  expect(await axeViolations(page), 'dark, rating').toEqual([])

  await face(page, 'Very good', ask).click()
  await expect(comment(page)).toBeVisible()
  expect(await colour(page, '.csat .face[aria-pressed="true"]', 'background-color')).toBe(
    rgb(primary),
  )
  expect(await colour(page, '.csat .input', 'background-color')).toBe(rgb(DARK.field))
  expect(await axeViolations(page), 'dark, a face chosen').toEqual([])
  await chat(page).getByRole('button', { name: 'Send' }).click()
  await expect.poll(() => lastLine(page)).toBe(`bot: ${THANKS}`)
  expect(await axeViolations(page), 'dark, thanks').toEqual([])

  // No name, email or phone: a chat of the listing's `non-lead` type, with the rating.
  let lead: Chat | undefined
  await expect
    .poll(async () => {
      lead = (await chatsOf(request, ids.bot, ids.customer, uuid))[0]
      return lead && ratings(lead)
    })
    .toEqual(['5/5'])
  if (!lead) throw new Error('no chat')
  expect(attr(lead, 'csat')).toBe('5')
  expect(attr(lead, 'csat_comment')).toBeUndefined()
  expect(ratings(lead)).toEqual(['5/5'])
  expect(errors.widget()).toEqual([])
  expect(errors.pageErrors).toEqual([])
})
