/**
 * The conversation as a visitor sees it (issue 21, items 1 and 2) in the built
 * bundle with the built-in flow: the bot's messages come after a short typing
 * indicator (none under reduced motion, none for history), consecutive messages
 * of one sender are grouped under its name, each message reveals its time on
 * hover and focus, a conversation that spans days gets day dividers, and the
 * visitor's message shows whether it was sent.
 */
import { expect, type Page, test } from '@playwright/test'
import {
  answer,
  axeViolations,
  chat,
  hostUrl,
  launcher,
  message,
  savedBot,
  TEXT,
  transcript,
  uniqueIds,
  watchErrors,
} from './helpers'

const DAY = 86_400_000

/**
 * Counts, from the page's start, every typing indicator (`.tb`) the widget adds
 * to its shadow root (`window.__typing`), and every entry added to the
 * transcript's messages (`window.__added`, the texts of the `.msg` elements, each
 * once when it is added: what the live region announces).
 */
async function watchWidget(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __typing: number; __added: string[] }
    w.__typing = 0
    w.__added = []
    const attach = Element.prototype.attachShadow
    Element.prototype.attachShadow = function (init) {
      const root = attach.call(this, init)
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes) {
            if (!(n instanceof Element)) continue
            if (n.matches('.tb')) w.__typing++
            if (n.matches('.msg')) w.__added.push(n.textContent ?? '')
          }
      }).observe(root, { childList: true, subtree: true })
      return root
    }
  })
}
const typingShown = (page: Page) =>
  page.evaluate(() => (window as unknown as { __typing: number }).__typing)
const added = (page: Page) =>
  page.evaluate(() => (window as unknown as { __added: string[] }).__added)

const typing = (page: Page) => transcript(page).locator('.tb')
/** The bubbles' parts have come (the conversation chunk, at idle): each message has its time. */
const bubblesReady = (page: Page) =>
  expect(transcript(page).locator('.msg time').first()).toBeAttached()

/** Opens the chat of a new visitor and waits for the greeting and the bubbles' parts. */
async function openChat(page: Page, prefix: string) {
  const ids = uniqueIds(prefix)
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await expect(message(page, 'bot', TEXT.askName)).toBeVisible()
  await bubblesReady(page)
  return ids
}

test('the bot types before its next message, and its question comes after it; the indicator is never announced, each message once', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await watchWidget(page)
  await openChat(page, 'pace')
  // The greeting came with the window, at once.
  expect(await typingShown(page)).toBe(0)
  await answer(page, 'Ada')
  // The dots, in a bubble hidden from screen readers, while the question waits.
  await expect(typing(page)).toBeVisible()
  await expect(typing(page)).toHaveAttribute('aria-hidden', 'true')
  await expect(message(page, 'bot', TEXT.askEmail('Ada'))).toHaveCount(0)
  await expect(chat(page).getByRole('textbox')).toHaveCount(0)
  expect(await axeViolations(page), 'the bot typing').toEqual([])
  // Then the message, and the email question's box with focus, soon after.
  await expect(message(page, 'bot', TEXT.askEmail('Ada'))).toBeVisible({ timeout: 3000 })
  await expect(typing(page)).toHaveCount(0)
  await expect(chat(page).getByRole('textbox')).toBeFocused()
  expect(await typingShown(page)).toBe(1)
  // Each message was added to the log once.
  const texts = await added(page)
  expect(texts.filter((t) => t.startsWith(`Bot: ${TEXT.askEmail('Ada')}`))).toHaveLength(1)
  expect(texts.filter((t) => t.startsWith('You: Ada'))).toHaveLength(1)
  expect(errors.pageErrors).toEqual([])
})

test('with prefers-reduced-motion: reduce, no typing indicator: every message at once', async ({
  page,
}) => {
  await page.emulateMedia({ reducedMotion: 'reduce' })
  await watchWidget(page)
  await openChat(page, 'calm')
  await answer(page, 'Ada')
  await expect(message(page, 'bot', TEXT.askEmail('Ada'))).toBeVisible()
  await answer(page, 'ada@example.com')
  await expect(message(page, 'bot', TEXT.askPhone)).toBeVisible()
  expect(await typingShown(page)).toBe(0)
})

test('a reload shows the conversation at once: history is never paced', async ({ page }) => {
  await watchWidget(page)
  await openChat(page, 'again')
  await answer(page, 'Ada')
  await expect(message(page, 'bot', TEXT.askEmail('Ada'))).toBeVisible()
  await page.reload()
  await expect(message(page, 'bot', TEXT.askEmail('Ada'))).toBeVisible()
  await bubblesReady(page)
  await expect(chat(page).getByRole('textbox')).toBeVisible()
  expect(await typingShown(page)).toBe(0)
})

test('consecutive bot messages are one group under one name; the time shows on hover and on focus', async ({
  page,
}) => {
  await openChat(page, 'group')
  // The greeting and the name question: one group, "Bot" read before each (the
  // built-in bot has no name or avatar of its own to show).
  await expect(message(page, 'bot', TEXT.greet)).toBeVisible()
  await expect(transcript(page).locator('.msg.bot .sr')).toHaveText(['Bot:', 'Bot:'])
  await expect(transcript(page).locator('.msg.g')).toHaveCount(1)
  await answer(page, 'Ada')
  await expect(message(page, 'bot', TEXT.askEmail('Ada'))).toBeVisible()
  // The visitor's answer ended the bot's group: its next message starts a new one.
  await expect(transcript(page).locator('.msg.g')).toHaveCount(3)

  const time = transcript(page).locator('.msg.bot').first().locator('time')
  const clock = new Intl.DateTimeFormat('en-US', { timeStyle: 'short' })
  await expect(time).toBeHidden()
  await transcript(page).locator('.msg.bot').first().hover()
  await expect(time).toBeVisible()
  await expect(time).toHaveText(
    clock.format(Date.parse((await time.getAttribute('datetime')) ?? '')),
  )
  await chat(page).getByRole('textbox').hover()
  await expect(time).toBeHidden()
  // The keyboard: Shift+Tab from the email box to the transcript shows every time.
  await chat(page).getByRole('textbox').focus()
  await page.keyboard.press('Shift+Tab')
  await expect(transcript(page)).toBeFocused()
  await expect(transcript(page).locator('time')).toHaveCount(4)
  for (const t of await transcript(page).locator('time').all()) await expect(t).toBeVisible()
  expect(await axeViolations(page), 'times shown').toEqual([])
})

test('a conversation from yesterday, continued today, has a divider for each day', async ({
  page,
}) => {
  // The page's clock a day behind until the visitor comes back.
  await page.addInitScript((day) => {
    const real = Date.now
    const shift = Number(sessionStorage.getItem('e2e-shift') ?? -day)
    Date.now = () => real() + shift
  }, DAY)
  await openChat(page, 'days')
  // A conversation of one day has no divider.
  await expect(transcript(page).locator('.day')).toHaveCount(0)
  await answer(page, 'Ada')
  await expect(message(page, 'bot', TEXT.askEmail('Ada'))).toBeVisible()
  await page.evaluate(() => sessionStorage.setItem('e2e-shift', '0'))
  await page.reload()
  await expect(message(page, 'bot', TEXT.askEmail('Ada'))).toBeVisible()
  await bubblesReady(page)
  await expect(transcript(page).locator('.day')).toHaveText(['Yesterday'])
  await answer(page, 'ada@example.com')
  await expect(message(page, 'bot', TEXT.askPhone)).toBeVisible()
  await expect(transcript(page).locator('.day')).toHaveText(['Yesterday', 'Today'])
  // "Today" comes before the visitor's answer, the first message of today.
  await expect(transcript(page).locator('.day + .msg').last()).toHaveClass(/visitor/)
  // Yesterday's times carry their date.
  const first = transcript(page).locator('.msg time').first()
  await expect(first).not.toHaveText(/^\d{1,2}:\d{2} [AP]M$/)
  expect(await axeViolations(page), 'day dividers').toEqual([])
})

test('a visitor message whose sending fails shows “Not sent yet, retrying…”, then that it was delivered', async ({
  page,
}) => {
  const errors = watchErrors(page)
  // The inbox refuses every transcript POST for now (as an overloaded platform would).
  await page.route('**/inbox/direct/messages', (route) =>
    route.request().method() === 'POST' ? route.fulfill({ status: 503 }) : route.continue(),
  )
  await openChat(page, 'fail')
  await answer(page, 'Ada')
  const state = transcript(page).locator('.msg.visitor').last().locator('.ack')
  await expect(state).toHaveText('Not sent yet, retrying…')
  await expect(state).toHaveAttribute('aria-live', 'off')
  expect(await axeViolations(page), 'not sent yet').toEqual([])
  // The inbox is back: the outbox's next attempt delivers it.
  await page.unroute('**/inbox/direct/messages')
  await expect(state).toHaveText('Delivered', { timeout: 15_000 })
  expect(errors.pageErrors).toEqual([])
})

test('a configured bot shows its name and avatar once over each group of its messages', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('named')
  const avatar = 'https://example.com/fern.png'
  const doc = {
    version: 1,
    settings: { design: { botName: 'Fernhill Outdoor', avatar } },
    flows: [
      {
        id: 'main',
        nodes: [
          { id: 'hi', type: 'message', text: 'Hello!' },
          { id: 'name', type: 'ask', input: 'name', text: 'What is your name?' },
          { id: 'bye', type: 'end', text: 'Thanks, we will be in touch.' },
        ],
      },
    ],
  }
  await page.route(avatar, (r) => r.fulfill({ status: 404 }))
  await page.goto(await savedBot(request, ids, doc))
  await launcher(page).click()
  // The chat window is named after the bot, and so is its header.
  const window = page.getByRole('dialog', { name: 'Fernhill Outdoor' })
  await expect(window.getByRole('heading', { name: 'Fernhill Outdoor' })).toBeVisible()
  const log = window.getByRole('log')
  await expect(log.getByText('What is your name?')).toBeVisible()
  const names = log.locator('.msg.bot .who')
  // One name over the greeting and the question, drawn from the configured name.
  await expect(names).toHaveCount(1)
  await expect(names.first()).toBeVisible()
  expect(await names.first().evaluate((e) => getComputedStyle(e, '::after').content)).toBe(
    '"Fernhill Outdoor"',
  )
  await expect(names.first().locator('img')).toHaveAttribute('src', avatar)
  // Screen readers hear the name before every message, and not twice.
  await expect(log.locator('.msg.bot .sr')).toHaveText(['Fernhill Outdoor:', 'Fernhill Outdoor:'])
  await window.getByRole('textbox').fill('Ada')
  await window.getByRole('button', { name: 'Send' }).click()
  await expect(log.getByText('Thanks, we will be in touch.')).toBeVisible()
  await expect(names).toHaveCount(2)
  expect(await axeViolations(page), 'named groups').toEqual([])
})
