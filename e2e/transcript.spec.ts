/**
 * The conversation reaches the inbox: every bot and visitor message of the chat is
 * posted to `POST /inbox/direct/messages` (our extension, docs/platform-api.md) and
 * the business reads it back with `GET /inbox/direct/messages`, whole, in order,
 * without duplicates, across a reload and a network that drops requests.
 */
import { expect, test } from '@playwright/test'
import {
  answerEmail,
  answerName,
  answerPhone,
  chooseTopic,
  completeFlow,
  conversation,
  hostUrl,
  launcher,
  lines,
  seenLines as seen,
  TEXT,
  transcript,
  uniqueIds,
  uuidOf,
  watchErrors,
} from './helpers'

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
