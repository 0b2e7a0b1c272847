/**
 * Live chat end to end, with two browser contexts on the built bundle: a visitor
 * on a host page (the widget) and an agent in the playground's agent console
 * (docs/demo.md, "Agent console"). The visitor hands off, the agent replies, the
 * visitor answers, the agent closes the conversation; the inbox then holds the
 * whole conversation (bot, visitor, agent) in order, each message once
 * (docs/platform-api.md, "Our extensions: live chat").
 */
import { expect, type Page, test } from '@playwright/test'
import {
  bubble,
  chat,
  completeFlow,
  conversation,
  hostUrl,
  launcher,
  lines,
  seenLines,
  TEXT,
  uniqueIds,
  uuidOf,
  watchErrors,
} from './helpers'

test.use({ locale: 'en-US' })

/** What the bot asks once the agent closed the conversation (widget/csat/). */
const RATE = 'How was your conversation with Sam?'

type Ids = { bot: string; customer: string }

/** The agent console of the bot, online as Sam (the playground's default agent name). */
async function openConsole(page: Page, ids: Ids) {
  await page.goto(`/?${new URLSearchParams({ bot: ids.bot, customer: ids.customer })}`)
  const console_ = page.getByRole('region', { name: 'Agent console' })
  await expect(console_.getByRole('status').first()).toContainText('Online as Sam')
  return console_
}

test('a visitor hands off, an agent in the console replies and closes: one conversation in the inbox', async ({
  browser,
  request,
}) => {
  const ids = uniqueIds('livechat')
  const agentContext = await browser.newContext()
  const visitorContext = await browser.newContext()
  try {
    const agent = await agentContext.newPage()
    const visitor = await visitorContext.newPage()
    const errors = watchErrors(visitor)
    const consoleErrors: string[] = []
    agent.on('pageerror', (e) => consoleErrors.push(e.message))
    const console_ = await openConsole(agent, ids)

    // The visitor runs the built-in flow and asks for a person.
    await visitor.goto(hostUrl(ids))
    await launcher(visitor).click()
    await completeFlow(visitor, {
      name: 'Grace Hopper',
      email: 'grace@example.com',
      phone: '07400 123456',
      country: 'GB',
      topic: 'Support',
    })
    await chat(visitor).getByRole('button', { name: TEXT.talk }).click()
    const uuid = (await uuidOf(visitor)) as string
    const box = chat(visitor).getByRole('textbox', { name: 'Your message' })
    await expect(box).toBeFocused()

    // The conversation reaches the console live; the agent opens it.
    const item = console_.getByRole('button', { name: /Grace Hopper/ })
    await expect(item).toHaveCount(1)
    await item.click()
    const log = console_.getByRole('log')
    await expect(log.getByRole('listitem').last()).toContainText(TEXT.handoff)

    // The agent replies; the visitor sees it live, under the agent's name.
    const reply = console_.getByLabel('Reply to the visitor')
    await reply.fill('Hi Grace, Sam here. How can I help?')
    await reply.press('Enter')
    await expect.poll(() => bubble(visitor, -1)).toBe('Sam: Hi Grace, Sam here. How can I help?')
    await expect(chat(visitor).getByText('You’re talking to Sam')).toBeVisible()

    // The visitor answers; the agent sees it live.
    await box.fill('My invoice shows the wrong address.')
    await box.press('Enter')
    await expect(log.getByRole('listitem').last()).toContainText(
      'My invoice shows the wrong address.',
    )

    // The agent closes the conversation: the visitor is told and may start again.
    await console_.getByLabel('Status').selectOption('CLOSED')
    await expect(console_.getByText('Status set to Closed.')).toBeVisible()
    await expect(chat(visitor).getByText('This conversation was closed.')).toBeVisible()
    await expect(
      chat(visitor).getByRole('button', { name: 'Start a new conversation' }),
    ).toBeVisible()
    // The bot asks for a rating (widget/csat/): a message of the conversation too.
    await expect.poll(() => bubble(visitor, -1)).toBe(`Bot: ${RATE}`)

    // The inbox has what the visitor saw, in the same order, each message once.
    const shown = (await seenLines(visitor)).map((l) => l.replace(/^Sam: /, 'agent: '))
    await expect.poll(async () => lines(await conversation(request, ids, uuid))).toEqual(shown)
    const stored = await conversation(request, ids, uuid)
    expect(new Set(stored.map((m) => m.id)).size).toBe(stored.length)
    expect(lines(stored).slice(-5)).toEqual([
      `visitor: ${TEXT.talk}`,
      `bot: ${TEXT.handoff}`,
      'agent: Hi Grace, Sam here. How can I help?',
      'visitor: My invoice shows the wrong address.',
      `bot: ${RATE}`,
    ])
    expect(errors.widget()).toEqual([])
    expect(errors.pageErrors).toEqual([])
    expect(consoleErrors).toEqual([])
  } finally {
    await agentContext.close()
    await visitorContext.close()
  }
})
