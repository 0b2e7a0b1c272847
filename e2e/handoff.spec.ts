/**
 * The hand-off, on the built bundle: the visitor finishes the built-in flow, picks
 * "Talk to a person", and the whole conversation reaches the inbox in order with
 * the request for a person (docs/platform-api.md, "Our extensions: live chat");
 * the chat turns live: the visitor types freely, each message reaches the inbox,
 * a reload keeps the live chat, and axe finds nothing in the live states. An agent
 * is online in these tests; e2e/offline.spec.ts hands off while nobody is.
 */
import { expect, test } from '@playwright/test'
import {
  ADA,
  agentStream,
  axeViolations,
  chat,
  completeFlow,
  conversation,
  hostUrl,
  lastLine,
  launcher,
  lines,
  seenLines as seen,
  setAvailability,
  TEXT,
  TOKEN,
  transcript,
  uniqueIds,
  uuidOf,
  watchErrors,
} from './helpers'

test('"Talk to a person" hands the whole conversation to the inbox and the chat turns live', async ({
  page,
  request,
  baseURL,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('handoff')
  // An agent is online (the console's stream below counts too): the hand-off waits for a person.
  await setAvailability(request, ids.bot, true)
  const agents = agentStream(baseURL as string, ids)
  await agents.ready
  // The live chat chunk: none of it until the hand-off.
  const liveChunk: string[] = []
  page.on('request', (r) => {
    if (/\/assets\/live-[\w-]+\.js$/.test(r.url())) liveChunk.push(r.url())
  })
  try {
    await page.goto(hostUrl(ids))
    await launcher(page).click()
    await completeFlow(page, ADA)
    await expect(transcript(page)).toContainText(TEXT.thanks)
    expect(liveChunk).toEqual([])
    await chat(page).getByRole('button', { name: TEXT.talk }).click()
    await expect.poll(() => lastLine(page)).toBe(`bot: ${TEXT.handoff}`)
    const uuid = (await uuidOf(page)) as string

    // Live: waiting for a person, and a text box for free text.
    await expect(chat(page).getByText('Waiting for a person to join…')).toBeVisible()
    const box = chat(page).getByRole('textbox', { name: 'Your message' })
    await expect(box).toBeFocused()
    expect(liveChunk).toHaveLength(1)
    expect(await axeViolations(page), 'live, waiting').toEqual([])

    // The inbox has the whole conversation, in order, once, and the request for a person.
    const expected = await seen(page)
    expect(expected.slice(-3)).toEqual([
      `bot: ${TEXT.thanks}`,
      `visitor: ${TEXT.talk}`,
      `bot: ${TEXT.handoff}`,
    ])
    await expect.poll(async () => lines(await conversation(request, ids, uuid))).toEqual(expected)
    await expect
      .poll(() =>
        agents.events.some(
          (e) =>
            e.event === 'conversation' &&
            (e.data as { uuid: string; handoffAt: string | null }).uuid === uuid &&
            !!(e.data as { handoffAt: string | null }).handoffAt,
        ),
      )
      .toBe(true)

    // Enter sends; Shift+Enter is a new line in the same message.
    await box.fill('My order is late.')
    await box.press('Shift+Enter')
    await box.pressSequentially('Number 1234.')
    await box.press('Enter')
    await expect(box).toHaveValue('')
    await expect.poll(() => lastLine(page)).toBe('visitor: My order is late.\nNumber 1234.')
    await expect
      .poll(async () => lines(await conversation(request, ids, uuid)).at(-1))
      .toBe('visitor: My order is late.\nNumber 1234.')
    const all = await conversation(request, ids, uuid)
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length)

    // An agent replies through the inbox: the server stores it after the visitor's message.
    const reply = await request.post('/inbox/direct/reply', {
      headers: { 'x-bot-token': TOKEN },
      data: {
        botId: ids.bot,
        customerId: ids.customer,
        uuid,
        text: 'Hi Ada, Sam here. Let me check.',
        agent: { id: 'sam', name: 'Sam' },
      },
    })
    expect(reply.status()).toBe(200)
    expect(lines(await conversation(request, ids, uuid)).slice(-2)).toEqual([
      'visitor: My order is late.\nNumber 1234.',
      'agent: Hi Ada, Sam here. Let me check.',
    ])
    // The visitor's stream brings it live, with the agent's name, once.
    await expect.poll(() => lastLine(page)).toBe('Sam: Hi Ada, Sam here. Let me check.')
    await expect(chat(page).getByText('You’re talking to Sam')).toBeVisible()
    const agentLine = 'Sam: Hi Ada, Sam here. Let me check.'
    expect((await seen(page)).filter((l) => l === agentLine)).toHaveLength(1)

    // A reload keeps the live chat: the chat was open, so it opens again, with the
    // text box and the status line.
    await page.reload()
    await expect(chat(page)).toBeVisible()
    await expect(chat(page).getByRole('textbox', { name: 'Your message' })).toBeVisible()
    await expect(chat(page).getByText('You’re talking to Sam')).toBeVisible()
    expect(await seen(page)).toEqual([
      ...expected,
      'visitor: My order is late.\nNumber 1234.',
      agentLine,
    ])
    // A reply after the reload arrives too (the stream resumes after the last one shown).
    await request.post('/inbox/direct/reply', {
      headers: { 'x-bot-token': TOKEN },
      data: {
        botId: ids.bot,
        customerId: ids.customer,
        uuid,
        text: 'It ships today.',
        agent: { id: 'sam', name: 'Sam' },
      },
    })
    await expect.poll(() => lastLine(page)).toBe('Sam: It ships today.')
    expect((await seen(page)).filter((l) => l === agentLine)).toHaveLength(1)
    expect(await axeViolations(page), 'live, restored').toEqual([])
    expect(errors.pageErrors).toEqual([])
    expect(errors.widget()).toEqual([])
  } finally {
    agents.stop()
  }
})

test("Reekolect('handoff') hands off mid-flow", async ({ page, request }) => {
  const ids = uniqueIds('handoff-cmd')
  await setAvailability(request, ids.bot, true)
  await page.goto(hostUrl(ids))
  await expect(launcher(page)).toBeVisible()
  await page.evaluate(() =>
    (window as unknown as { Reekolect(c: string): void }).Reekolect('handoff'),
  )
  await expect.poll(() => lastLine(page)).toBe(`bot: ${TEXT.handoff}`)
  await expect(chat(page).getByRole('textbox', { name: 'Your message' })).toBeVisible()
  // The name question no longer waits.
  await expect(chat(page).getByRole('textbox', { name: TEXT.askName })).toHaveCount(0)
  const uuid = (await uuidOf(page)) as string
  await expect
    .poll(async () => lines(await conversation(request, ids, uuid)))
    .toEqual([`bot: ${TEXT.greet}`, `bot: ${TEXT.askName}`, `bot: ${TEXT.handoff}`])
})
