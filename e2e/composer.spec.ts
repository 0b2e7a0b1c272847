/**
 * The multi-line text box (widget/more/TextBox.tsx) on the built bundle: a
 * configured bot's text question that expects long text, the free-question box and
 * the live chat's composer. Shift+Enter starts a new line, Enter sends, the box
 * grows with its text up to a maximum and then scrolls, its font is 16 px (iOS does
 * not zoom in), a counter shows from 80 % of the limit and is announced politely,
 * and emoji reach the transcript, the lead and the inbox as typed. Short fields
 * (name, email, phone) stay one-line inputs.
 */
import { expect, type Locator, type Page, test } from '@playwright/test'
import {
  axeViolations,
  chat,
  conversation,
  handOffAsAda,
  hostUrl,
  launcher,
  lines,
  savedBot,
  setAvailability,
  TOKEN,
  transcript,
  uniqueIds,
  uuidOf,
  visitorLead,
  watchErrors,
} from './helpers'

const STORY = 'Tell us in a sentence or two what you need.'
const DOC = {
  version: 1,
  flows: [
    {
      id: 'main',
      nodes: [
        { id: 'hi', type: 'message', text: 'Hello!' },
        { id: 'name', type: 'ask', input: 'name', text: 'What is your name?' },
        { id: 'story', type: 'ask', input: 'text', text: STORY, attribute: 'story' },
        { id: 'bye', type: 'end', text: 'Thanks, we will be in touch.' },
      ],
    },
  ],
}

/**
 * The visitor's latest message as they read it, without its time and state
 * (`.meta`), in the one chat window whatever its name (a bot's name names it).
 */
const lastSent = (page: Page) =>
  page
    .getByRole('dialog')
    .getByRole('log')
    .locator('.msg.visitor')
    .last()
    .evaluate((el) => {
      const copy = el.cloneNode(true) as Element
      copy.querySelector('.meta')?.remove()
      return copy.textContent
    })
const height = (l: Locator) => l.evaluate((e) => e.getBoundingClientRect().height)
const counter = (page: Page) => chat(page).locator('.count')
/** The counter's polite status, as a screen reader hears it once the visitor pauses. */
const said = (page: Page, text: string) => chat(page).getByRole('status').filter({ hasText: text })

test('a text question: Shift+Enter adds a line, the box grows then scrolls, a counter near the limit, Enter sends emoji intact', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('compose')
  await page.goto(await savedBot(request, ids, DOC))
  await launcher(page).click()
  // A short field stays a one-line input.
  const name = chat(page).getByRole('textbox', { name: 'What is your name?' })
  expect(await name.evaluate((e) => e.tagName)).toBe('INPUT')
  await name.fill('Grace')
  await name.press('Enter')

  const box = chat(page).getByRole('textbox', { name: STORY })
  await expect(box).toBeFocused()
  expect(await box.evaluate((e) => e.tagName)).toBe('TEXTAREA')
  expect(await box.evaluate((e) => getComputedStyle(e).fontSize)).toBe('16px')
  const one = await height(box)

  await box.pressSequentially('Hello 👋🏽')
  await box.press('Shift+Enter')
  await box.pressSequentially('second line 🇬🇧 ünïcödé')
  // Still waiting: Shift+Enter sent nothing.
  const answers = transcript(page).locator('.msg.visitor')
  await expect(answers).toHaveCount(1)
  await expect(box).toHaveValue('Hello 👋🏽\nsecond line 🇬🇧 ünïcödé')
  const two = await height(box)
  expect(two).toBeGreaterThan(one)
  // An Enter that an input method is composing with is the input method's.
  await box.evaluate((e) =>
    e.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true }),
    ),
  )
  await expect(answers).toHaveCount(1)

  // Ten lines: it stops growing and scrolls.
  const typed = await box.inputValue()
  await box.fill(`${typed}\n3\n4\n5\n6\n7\n8\n9\n10`)
  const tall = await height(box)
  expect(tall).toBeGreaterThan(two)
  expect(tall).toBeLessThan(150)
  expect(await box.evaluate((e) => e.scrollHeight > e.clientHeight)).toBe(true)

  // The counter: nothing under 80 % of the 1000 characters, then what is left, then too many.
  await box.fill('x'.repeat(799))
  await expect(counter(page)).toHaveCount(0)
  await box.press('x')
  await expect(counter(page)).toHaveText('200 characters left')
  await expect(said(page, '200 characters left')).toHaveCount(1)
  expect(await axeViolations(page), 'counter shown').toEqual([])
  await box.fill('x'.repeat(1005))
  await expect(counter(page)).toHaveText('5 characters too many')
  await expect(said(page, '5 characters too many')).toHaveCount(1)
  await box.press('Enter')
  await expect(chat(page).getByText('That is too long (at most 1000 characters).')).toBeVisible()
  expect(await axeViolations(page), 'over the limit').toEqual([])

  await box.fill(typed)
  await expect(counter(page)).toHaveCount(0)
  await box.press('Enter')
  await expect.poll(() => lastSent(page)).toBe(`You: ${typed}`)
  await expect(transcript(page)).toContainText('Thanks, we will be in touch.')
  // The lead and the inbox have it as typed.
  const lead = await visitorLead(page, request, ids, (c) =>
    c.profile.userDetails.attributes.some((a) => a.key === 'story'),
  )
  expect(lead.profile.userDetails.attributes).toContainEqual({ key: 'story', value: typed })
  const uuid = (await uuidOf(page)) as string
  await expect
    .poll(async () => lines(await conversation(request, ids, uuid)))
    .toContain(`visitor: ${typed}`)
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('the free-question box: Shift+Enter adds a line, Enter asks', async ({ page }) => {
  // The free-question box of the outdoor-shop template.
  const ids = uniqueIds('compfree')
  await page.goto(hostUrl(ids, TOKEN, { config: '/demo/templates/outdoor-shop.json' }))
  await launcher(page).click()
  const free = page.getByRole('dialog').getByRole('textbox', { name: 'Ask a question' })
  await expect(free).toBeVisible()
  expect(await free.evaluate((e) => [e.tagName, getComputedStyle(e).fontSize])).toEqual([
    'TEXTAREA',
    '16px',
  ])
  await free.pressSequentially('How much is delivery?')
  await free.press('Shift+Enter')
  await free.pressSequentially('To Leeds 🚲')
  await free.press('Enter')
  await expect.poll(() => lastSent(page)).toBe('You: How much is delivery?\nTo Leeds 🚲')
})

test('the live composer after a hand-off: it grows, Shift+Enter adds a line, Enter sends it to the inbox intact', async ({
  page,
  request,
}) => {
  const live = uniqueIds('complive')
  await handOffAsAda(page, request, live, true)
  const box = chat(page).getByRole('textbox', { name: 'Your message' })
  await expect(box).toBeFocused()
  expect(await box.evaluate((e) => getComputedStyle(e).fontSize)).toBe('16px')
  const one = await height(box)
  await box.pressSequentially('My order 🧾')
  await box.press('Shift+Enter')
  await box.pressSequentially('has not arrived')
  expect(await height(box)).toBeGreaterThan(one)
  await box.press('Enter')
  await expect(box).toHaveValue('')
  const uuid = (await uuidOf(page)) as string
  await expect
    .poll(async () => lines(await conversation(request, live, uuid)))
    .toContain('visitor: My order 🧾\nhas not arrived')
  await setAvailability(request, live.bot, null)
})
