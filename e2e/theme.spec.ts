/**
 * Dark mode (`settings.design.theme`, docs/configuration.md): a configured bot
 * with the dark theme draws a dark window, bubbles, composer and launcher ring
 * while keeping its primary colour; `auto` follows the system setting
 * (`prefers-color-scheme`) both ways without a reload; `light` stays light. axe
 * finds no violation (text contrast included) in the dark window at a question,
 * an error, the dial-code picker, choices and rich messages, and the full-page
 * chat's page follows the theme.
 */
import { expect, type Locator, type Page, test } from '@playwright/test'
import { DARK, darkInk } from '../widget/config/settings'
import {
  axeViolations,
  chat,
  hostUrl,
  launcher,
  TEXT,
  TOKEN,
  transcript,
  uniqueIds,
  watchErrors,
} from './helpers'

/** The bot's own primary colour, kept in every theme. */
const PRIMARY = '#0f766e'
/** Colours of the light window (widget/ui/chat.css). */
const LIGHT = { log: '#f6f7f9', surface: '#ffffff', text: '#1f2328' }

/** `#rrggbb` as getComputedStyle writes it. */
const rgb = (hex: string) =>
  `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`

/**
 * A bot like the built-in flow (greeting, name, email, phone, a choice of topic,
 * thanks), then rich messages: formatted text with a link, cards, a link button,
 * a rating and a multiple choice.
 */
const doc = (theme: 'light' | 'dark' | 'auto', more: Record<string, unknown> = {}) => ({
  version: 1,
  settings: { design: { primaryColor: PRIMARY, theme }, ...more },
  flows: [
    {
      id: 'main',
      nodes: [
        { id: 'greet', type: 'message', text: TEXT.greet },
        { id: 'name', type: 'ask', input: 'name', text: TEXT.askName },
        { id: 'email', type: 'ask', input: 'email', text: 'Thanks {name}! Your email address?' },
        { id: 'phone', type: 'ask', input: 'phone', text: TEXT.askPhone },
        {
          id: 'topic',
          type: 'ask',
          input: 'choice',
          text: TEXT.askTopic,
          attribute: 'topic',
          options: TEXT.topics.map((label) => ({ label })),
        },
        {
          id: 'thanks',
          type: 'message',
          text: 'Thank you! Our **team** will call you. Meanwhile, [our prices](https://example.com/prices).',
        },
        {
          id: 'plans',
          type: 'cards',
          text: 'Here is what we do.',
          attribute: 'plan',
          cards: [
            {
              title: 'Solar panels',
              text: 'Design, installation and grid paperwork.',
              buttons: [{ label: 'Solar', value: 'solar' }],
            },
            {
              title: 'Gutters',
              text: 'Cleaning, guards and replacement.',
              buttons: [
                { label: 'Gutters', value: 'gutters' },
                { label: 'Read our guide', url: 'https://example.com/gutters' },
              ],
            },
          ],
        },
        {
          id: 'guide',
          type: 'link',
          text: 'Our guide:',
          label: 'Open the guide',
          url: 'https://example.com/guide',
        },
        { id: 'rate', type: 'ask', input: 'rating', text: 'How did we do?', attribute: 'rating' },
        {
          id: 'extras',
          type: 'ask',
          input: 'multi',
          text: 'Anything else?',
          attribute: 'extras',
          options: [{ label: 'Skylights' }, { label: 'Chimney' }],
        },
        { id: 'bye', type: 'end', text: 'Bye!' },
      ],
    },
  ],
})

/** Saves the bot's document in the demo API; the host page then names it in `data-config-url`. */
async function configuredBot(
  page: Page,
  prefix: string,
  theme: 'light' | 'dark' | 'auto',
  more: Record<string, unknown> = {},
) {
  const ids = uniqueIds(prefix)
  const saved = await page.request.put(`/demo/api/config/${ids.bot}`, { data: doc(theme, more) })
  expect(saved.status()).toBe(200)
  return { ids, url: hostUrl(ids, TOKEN, { config: `/widget/${ids.bot}/config.json` }) }
}

/** A computed style property of the element. */
const css = (l: Locator, prop: string) =>
  l.evaluate((e, p) => getComputedStyle(e).getPropertyValue(p), prop)

const win = (page: Page) => page.locator('.win')
const botBubble = (page: Page, text: string) => page.locator('.msg.bot', { hasText: text }).first()
const input = (page: Page) => chat(page).getByRole('textbox').last()

/** Opens the chat once the settings chunk coloured the launcher. */
async function open(page: Page) {
  await expect.poll(() => css(launcher(page), 'background-color')).toBe(rgb(PRIMARY))
  await launcher(page).click()
  await expect(botBubble(page, TEXT.askName)).toBeVisible()
}

/** Expects the open window in the theme: window, transcript, a bot bubble and the composer input. */
async function expectColours(page: Page, t: { log: string; surface: string; text: string }) {
  await expect.poll(() => css(win(page), 'background-color')).toBe(rgb(t.surface))
  expect(await css(win(page), 'color')).toBe(rgb(t.text))
  expect(await css(transcript(page), 'background-color')).toBe(rgb(t.log))
  const bubble = botBubble(page, TEXT.askName)
  expect(await css(bubble, 'color')).toBe(rgb(t.text))
  expect(await css(input(page), 'color')).toBe(rgb(t.text))
}

test('a bot with the dark theme draws a dark window and keeps its primary colour', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const { url } = await configuredBot(page, 'dark', 'dark')
  await page.goto(url)
  // The launcher: the bot's colour, and a white focus ring outside a dark halo.
  await expect.poll(() => css(launcher(page), 'background-color')).toBe(rgb(PRIMARY))
  await page.keyboard.press('Tab')
  await expect(launcher(page)).toBeFocused()
  expect(await css(launcher(page), 'outline-color')).toBe(rgb('#ffffff'))
  expect(await css(launcher(page), 'box-shadow')).toContain(rgb('#111111'))
  await open(page)
  await expectColours(page, DARK)
  expect(await css(botBubble(page, TEXT.askName), 'background-color')).toBe(rgb(DARK.raised))
  expect(await css(input(page), 'background-color')).toBe(rgb(DARK.log))
  const send = chat(page).getByRole('button', { name: 'Send' })
  expect(await css(send, 'background-color')).toBe(rgb(PRIMARY))
  expect(await css(send, 'color')).toBe(rgb('#ffffff'))
  // The visitor's bubble keeps the primary colour too.
  await input(page).fill('Ada')
  await page.keyboard.press('Enter')
  const mine = page.locator('.msg.visitor', { hasText: 'Ada' })
  await expect(mine).toBeVisible()
  expect(await css(mine, 'background-color')).toBe(rgb(PRIMARY))
  // The focus ring on a dark surface is the primary colour lightened until it reads there.
  await page.keyboard.press('Shift+Tab')
  await page.keyboard.press('Tab')
  await expect(input(page)).toBeFocused()
  expect(darkInk(PRIMARY)).not.toBe(PRIMARY)
  expect(await css(input(page), 'outline-color')).toBe(rgb(darkInk(PRIMARY)))
  expect(errors.consoleErrors).toEqual([])
})

test('no axe violations in the dark window: question, error, dial code, choices, rich messages', async ({
  page,
}) => {
  const { url } = await configuredBot(page, 'darkaxe', 'dark')
  await page.goto(url)
  expect(await axeViolations(page), 'launcher').toEqual([])
  await open(page)
  expect(await axeViolations(page), 'name question').toEqual([])
  await input(page).fill('Ada')
  await page.keyboard.press('Enter')
  await expect(transcript(page)).toContainText('Your email address?')
  await input(page).fill('not-an-email')
  await page.keyboard.press('Enter')
  await expect(chat(page).getByText('Please enter a valid email')).toBeVisible()
  expect(await axeViolations(page), 'email question with an error').toEqual([])
  await input(page).fill('ada@example.com')
  await page.keyboard.press('Enter')
  const country = chat(page).getByRole('combobox', { name: 'Country' })
  await country.selectOption('GB')
  expect(await axeViolations(page), 'phone question').toEqual([])
  await input(page).fill('07400 123456')
  await page.keyboard.press('Enter')
  await expect(chat(page).getByRole('button', { name: 'Support' })).toBeVisible()
  expect(await axeViolations(page), 'choice question').toEqual([])
  await chat(page).getByRole('button', { name: 'Support' }).click()
  await expect(chat(page).getByRole('link', { name: 'Read our guide' })).toBeVisible()
  expect(await axeViolations(page), 'formatted text with a link, cards').toEqual([])
  await chat(page).getByRole('button', { name: 'Solar' }).click()
  await expect(chat(page).getByRole('button', { name: '4 of 5 stars' })).toBeVisible()
  await expect(chat(page).getByRole('link', { name: 'Open the guide' })).toBeVisible()
  expect(await axeViolations(page), 'link button, rating').toEqual([])
  await chat(page).getByRole('button', { name: '4 of 5 stars' }).click()
  await expect(chat(page).getByRole('checkbox', { name: 'Chimney' })).toBeVisible()
  await chat(page).getByRole('checkbox', { name: 'Chimney' }).check()
  expect(await axeViolations(page), 'multiple choice').toEqual([])
})

test('auto follows the system setting both ways without a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' })
  const { url } = await configuredBot(page, 'auto', 'auto')
  await page.goto(url)
  await open(page)
  await expectColours(page, LIGHT)
  await page.emulateMedia({ colorScheme: 'dark' })
  await expectColours(page, DARK)
  expect(await axeViolations(page), 'auto, dark').toEqual([])
  await page.emulateMedia({ colorScheme: 'light' })
  await expectColours(page, LIGHT)
  // The conversation went on through all of it: no reload.
  await expect(transcript(page)).toContainText(TEXT.greet)
  expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1)
})

test('the light theme stays light in a dark system setting', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  const { url } = await configuredBot(page, 'light', 'light')
  await page.goto(url)
  await expect.poll(() => css(launcher(page), 'background-color')).toBe(rgb(PRIMARY))
  await page.keyboard.press('Tab')
  await expect(launcher(page)).toBeFocused()
  expect(await css(launcher(page), 'outline-color')).toBe(rgb('#111111'))
  await open(page)
  await expectColours(page, LIGHT)
})

test('the full-page chat and the page around it follow the dark theme', async ({ page }) => {
  const { ids } = await configuredBot(page, 'darkpage', 'dark')
  await page.goto(`/page/${ids.bot}/${ids.customer}`)
  await expect(botBubble(page, TEXT.askName)).toBeVisible()
  await expectColours(page, DARK)
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
    rgb('#0b0d10'),
  )
  expect(await axeViolations(page), 'full page, dark').toEqual([])
})

test('the teaser beside the launcher is dark too, and axe finds nothing with it shown', async ({
  page,
}) => {
  const { url } = await configuredBot(page, 'theme-teaser', 'dark', {
    triggers: { afterSeconds: 1, message: 'Questions about solar? Ask us.' },
  })
  await page.goto(url)
  const teaser = page.getByRole('button', { name: /Questions about solar\? Ask us\./ })
  await expect(teaser).toBeVisible()
  const card = page.locator('.teaser')
  expect(await css(card, 'background-color')).toBe(rgb(DARK.raised))
  expect(await css(card, 'color')).toBe(rgb(DARK.text))
  expect(await axeViolations(page)).toEqual([])
})
