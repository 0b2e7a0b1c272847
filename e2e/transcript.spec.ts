/**
 * The conversation reaches the inbox: every bot and visitor message of the chat is
 * posted to `POST /inbox/direct/messages` (our extension, docs/platform-api.md) and
 * the business reads it back with `GET /inbox/direct/messages`, whole, in order,
 * without duplicates, across a reload and a network that drops requests.
 */
import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import {
  answerEmail,
  answerName,
  answerPhone,
  chooseTopic,
  completeFlow,
  hostUrl,
  launcher,
  TEXT,
  TOKEN,
  transcript,
  uniqueIds,
  uuidOf,
  watchErrors,
} from './helpers'

interface Stored {
  id: string
  by: string
  text: string
  at: string
}

/** The conversation as the agent side reads it (`x-bot-token`). */
async function conversation(
  request: APIRequestContext,
  ids: { bot: string; customer: string },
  uuid: string,
): Promise<Stored[]> {
  const q = new URLSearchParams({ botId: ids.bot, customerId: ids.customer, uuid })
  const res = await request.get(`/inbox/direct/messages?${q}`, {
    headers: { 'x-bot-token': TOKEN },
  })
  expect(res.status()).toBe(200)
  return ((await res.json()) as { data: Stored[] }).data
}

/** The stored conversation as `by: text` lines. */
const lines = (list: Stored[]) => list.map((m) => `${m.by}: ${m.text}`)

/** What the visitor sees in the chat, as the same lines (each bubble starts with a hidden "Bot: " or "You: "). */
const seen = async (page: Page) =>
  (await transcript(page).locator('.msg').allTextContents()).map((t) =>
    t.replace(/^Bot: /, 'bot: ').replace(/^You: /, 'visitor: '),
  )

test('the whole built-in conversation reaches the inbox, in order, once', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('transcript')
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await completeFlow(page, {
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: '07400 123456',
    country: 'GB',
    topic: 'Sales',
  })
  const uuid = (await uuidOf(page)) as string
  // The business reads what the visitor saw: the bot's messages and the answers as shown.
  const expected = await seen(page)
  expect(expected).toHaveLength(10)
  expect(expected.slice(0, 3)).toEqual([
    `bot: ${TEXT.greet}`,
    `bot: ${TEXT.askName}`,
    'visitor: Ada Lovelace',
  ])
  await expect.poll(async () => lines(await conversation(request, ids, uuid))).toEqual(expected)
  const stored = await conversation(request, ids, uuid)
  expect(new Set(stored.map((m) => m.id)).size).toBe(stored.length)
  for (const m of stored) expect(Date.parse(m.at)).not.toBeNaN()
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('a reload mid-flow and requests that fail: nothing lost, nothing twice', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('transcript-faults')
  // Every other messages request is dropped by the network.
  let n = 0
  await page.route('**/inbox/direct/messages', (route) =>
    n++ % 2 === 0 ? route.abort('connectionreset') : route.continue(),
  )
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await answerName(page, 'Grace Hopper')
  await answerEmail(page, 'grace@example.com')
  const uuid = (await uuidOf(page)) as string

  await page.reload()
  // The chat was open: it opens again by itself, with the conversation so far.
  await expect(transcript(page)).toContainText(TEXT.askPhone)
  await answerPhone(page, '07400 654321', 'GB')
  await chooseTopic(page, 'Support')
  const expected = await seen(page)
  expect(expected).toHaveLength(10)
  expect(expected[2]).toBe('visitor: Grace Hopper')

  await expect
    .poll(async () => lines(await conversation(request, ids, uuid)), { timeout: 20_000 })
    .toEqual(expected)
  expect(n).toBeGreaterThan(1)
  expect(errors.pageErrors).toEqual([])
})
