/**
 * Free questions on the built bundle (docs/configuration.md, "Free questions"),
 * with the outdoor-shop template: a visitor types a question in their own words
 * and the bot answers from its FAQ, then asks "Did that help?" with buttons a new
 * question can pass over; a question the FAQ does not cover gets "I don't know"
 * and the template's fallback (leave a message); a vague one gets "Did you
 * mean…?" with the nearest entries' questions as buttons; the host's `sendMessage` asks
 * too; an AI answer endpoint (the demo's retrieval over the FAQ) streams its
 * answer into one growing message. The inbox gets the questions and answers as
 * messages and the lead the FAQ attributes (docs/platform-api.md, "FAQ attributes").
 */
import { readFileSync } from 'node:fs'
import { expect, type Page, test } from '@playwright/test'
import {
  axeViolations,
  type Chat,
  chatsOf,
  conversation,
  hostUrl,
  lines,
  TOKEN,
  uniqueIds,
  uuidOf,
  watchErrors,
} from './helpers'

const TEMPLATE = JSON.parse(readFileSync('demo/templates/outdoor-shop.json', 'utf8'))
const WELCOME = 'Type your question below, or leave us a message.'
/** The template's bot name (Design settings): shown over its messages and read before each. */
const BOT: string = TEMPLATE.settings.design.botName
/** The delivery-cost entry's answer as the visitor reads it (its `**bold**` formatted). */
const DELIVERY =
  'Standard UK delivery is £3.95, free on orders over £50. Next-day delivery is £6.95.'
const DELIVERY_RAW = TEMPLATE.faq.items.find((i: { id: string }) => i.id === 'delivery-cost').answer
const HELPED = 'Did that help?'
const NO_IDEA = 'Sorry, I don’t know the answer to that.'
const SUGGESTED = 'Did you mean one of these?'
/** A question near several entries, none clearly: the bot offers them. */
const VAGUE = 'whats the postage'

const dialog = (page: Page) => page.getByRole('dialog', { name: 'Fernhill Outdoor' })
const log = (page: Page) => dialog(page).getByRole('log')
const box = (page: Page) => dialog(page).getByRole('textbox', { name: 'Ask a question' })
/**
 * The bubbles as a screen reader starts them ("Fernhill Outdoor: …", "You: …"),
 * without the time and state at their end (`.meta`).
 */
const shown = (page: Page) =>
  log(page)
    .locator('.msg')
    .evaluateAll((els) =>
      els.map((el) => {
        const copy = el.cloneNode(true) as Element
        copy.querySelector('.meta')?.remove()
        return copy.textContent ?? ''
      }),
    )
/** Waits until the bot has said `text`. */
const botSays = (page: Page, text: string) =>
  expect.poll(() => shown(page)).toContain(`${BOT}: ${text}`)

async function ask(page: Page, question: string) {
  await box(page).fill(question)
  await box(page).press('Enter')
  await expect.poll(() => shown(page)).toContain(`You: ${question}`)
}

/** Opens the chat of the outdoor-shop template (`config`: another document URL) and waits for its welcome. */
async function open(page: Page, ids: { bot: string; customer: string }, config?: string) {
  await page.goto(hostUrl(ids, TOKEN, { config: config ?? '/demo/templates/outdoor-shop.json' }))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await botSays(page, WELCOME)
}

const attrs = (c: Chat | undefined) =>
  Object.fromEntries(c?.profile.userDetails.attributes.map((a) => [a.key, a.value]) ?? [])

test('a covered question in other words: the answer, then "Did that help?" as buttons; a new question is answered as one; the inbox and the lead have it all', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('faq')
  const errors = watchErrors(page)
  await open(page, ids)
  // Before the flow: the welcome's button, and the box under it.
  await expect(dialog(page).getByRole('button', { name: 'Leave us a message' })).toBeVisible()
  await ask(page, 'what do you charge for postage to Leeds')
  await botSays(page, DELIVERY)
  await expect(log(page).locator('strong', { hasText: '£3.95' })).toBeVisible()
  await botSays(page, HELPED)
  const helped = dialog(page).getByRole('group', { name: HELPED })
  await expect(helped.getByRole('button')).toHaveText(['Yes', 'Talk to a person'])
  // Focus stays in the box: the visitor can ask on at once.
  await expect(box(page)).toBeFocused()
  expect(await axeViolations(page)).toEqual([])

  // A new question while "Did that help?" shows is a question, not its answer.
  await ask(page, 'can I pay with paypal')
  await expect(log(page)).toContainText('We take Visa, Mastercard, American Express, PayPal')
  await dialog(page).getByRole('button', { name: 'Yes' }).click()
  // "Yes" goes back to what waited: the welcome's button.
  await expect(dialog(page).getByRole('button', { name: 'Leave us a message' })).toBeVisible()

  const uuid = (await uuidOf(page)) as string
  await expect
    .poll(async () => lines(await conversation(request, ids, uuid)))
    .toEqual([
      "bot: Hi! I'm the Fernhill Outdoor bot. Ask me about delivery, returns, sizes or your order.",
      `bot: ${WELCOME}`,
      'visitor: what do you charge for postage to Leeds',
      `bot: ${DELIVERY_RAW}`,
      `bot: ${HELPED}`,
      'visitor: can I pay with paypal',
      `bot: ${TEMPLATE.faq.items.find((i: { id: string }) => i.id === 'payment-methods').answer}`,
      `bot: ${HELPED}`,
      'visitor: Yes',
      `bot: ${WELCOME}`,
    ])
  await expect
    .poll(async () => attrs((await chatsOf(request, ids.bot, ids.customer, uuid))[0]))
    .toEqual({
      faq_last_question: 'can I pay with paypal',
      faq_last_id: 'payment-methods',
      faq_helpful: 'yes',
    })
  expect(errors.widget()).toEqual([])
  expect(errors.pageErrors).toEqual([])
})

test('an uncovered question: "I don’t know", then the template’s fallback, a message left for the team', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('faqno')
  await open(page, ids)
  await ask(page, 'do you sell mountain bikes')
  await botSays(page, NO_IDEA)
  await botSays(page, 'Leave your email address and we’ll reply there.')
  // One text box at a time: the email question's, then the live composer's.
  await expect(box(page)).toHaveCount(0)
  const email = dialog(page).getByRole('textbox')
  await email.fill('ada@example.com')
  await email.press('Enter')
  await botSays(page, 'Write your message below and we’ll reply to ada@example.com.')
  const message = dialog(page).getByRole('textbox', { name: 'Your message' })
  await message.fill('Please stock the Trailblazer 29.')
  await message.press('Enter')
  const uuid = (await uuidOf(page)) as string
  await expect
    .poll(async () => lines(await conversation(request, ids, uuid)).slice(2))
    .toEqual([
      'visitor: do you sell mountain bikes',
      `bot: ${NO_IDEA}`,
      'bot: Leave your email address and we’ll reply there.',
      'visitor: ada@example.com',
      'bot: Write your message below and we’ll reply to ada@example.com.',
      'visitor: Please stock the Trailblazer 29.',
    ])
  await expect
    .poll(async () => attrs((await chatsOf(request, ids.bot, ids.customer, uuid))[0]))
    .toMatchObject({ faq_last_question: 'do you sell mountain bikes', faq_last_id: '(none)' })
})

test('a vague question: "Did you mean…?" with the nearest entries as buttons and "Something else"; a pick shows its answer and "Did that help?"', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('faqmean')
  const errors = watchErrors(page)
  await open(page, ids)
  await ask(page, VAGUE)
  await botSays(page, SUGGESTED)
  const offered = dialog(page).getByRole('group', { name: SUGGESTED })
  const labels = await offered.getByRole('button').allTextContents()
  expect(labels.length).toBeGreaterThanOrEqual(2)
  expect(labels.length).toBeLessThanOrEqual(4)
  expect(labels).toContain('How much is delivery?')
  expect(labels.at(-1)).toBe('Something else')
  expect(await axeViolations(page)).toEqual([])
  await offered.getByRole('button', { name: 'How much is delivery?' }).click()
  await botSays(page, DELIVERY)
  await botSays(page, HELPED)
  await dialog(page)
    .getByRole('group', { name: HELPED })
    .getByRole('button', { name: 'Yes' })
    .click()
  await expect(dialog(page).getByRole('button', { name: 'Leave us a message' })).toBeVisible()

  const uuid = (await uuidOf(page)) as string
  await expect
    .poll(async () => lines(await conversation(request, ids, uuid)).slice(2))
    .toEqual([
      `visitor: ${VAGUE}`,
      `bot: ${SUGGESTED}`,
      'visitor: How much is delivery?',
      `bot: ${DELIVERY_RAW}`,
      `bot: ${HELPED}`,
      'visitor: Yes',
      `bot: ${WELCOME}`,
    ])
  await expect
    .poll(async () => attrs((await chatsOf(request, ids.bot, ids.customer, uuid))[0]))
    .toEqual({ faq_last_question: VAGUE, faq_last_id: 'delivery-cost', faq_helpful: 'yes' })
  expect(errors.widget()).toEqual([])
  expect(errors.pageErrors).toEqual([])
})

test('Reekolect("sendMessage", …) asks a free question; bad input is one console line and changes nothing', async ({
  page,
}) => {
  const ids = uniqueIds('faqapi')
  const errors = watchErrors(page)
  await open(page, ids)
  await page.evaluate(() => window.Reekolect?.('sendMessage', 'how long does delivery take'))
  await expect(log(page)).toContainText('Standard UK delivery takes 2–4 working days.')
  await botSays(page, HELPED)
  // The button's label picks the button, as typing it does.
  await page.evaluate(() => window.Reekolect?.('sendMessage', 'yes'))
  await expect(dialog(page).getByRole('button', { name: 'Leave us a message' })).toBeVisible()
  const count = await log(page).locator('.msg').count()
  await page.evaluate(() => {
    const r = window.Reekolect as unknown as (...a: unknown[]) => void
    r('sendMessage', { text: 'hi' })
  })
  await expect.poll(() => errors.lines('[Reekolect] E_ARGS')).toHaveLength(1)
  expect(errors.lines('[Reekolect] E_ARGS')[0]).toContain(
    "Reekolect('sendMessage') got bad arguments",
  )
  await expect(log(page).locator('.msg')).toHaveCount(count)
})

test('the AI endpoint streams its answer into one message that grows, then is complete, with "Did that help?"', async ({
  page,
  request,
  baseURL,
}) => {
  const ids = uniqueIds('faqai')
  const doc = structuredClone(TEMPLATE)
  doc.ai = { url: `${baseURL}/demo/ai?delay=150` }
  const res = await request.put(`/demo/api/config/${ids.bot}`, { data: doc })
  expect(res.status(), await res.text()).toBe(200)
  const asked: unknown[] = []
  page.on('request', (r) => {
    if (r.url().includes('/demo/ai') && r.method() === 'POST') asked.push(r.postDataJSON())
  })
  await open(page, ids, `/widget/${ids.bot}/config.json`)
  // Every text the newest bot message has had, as the page shows it.
  await page.evaluate(() => {
    const root = document.querySelector('[data-reekolect]')?.shadowRoot
    const list = root?.querySelector('[role=log]')
    const seen: string[] = []
    ;(window as unknown as { seen: string[] }).seen = seen
    if (list)
      new MutationObserver(() => {
        const copy = [...list.querySelectorAll('.msg.bot')].at(-1)?.cloneNode(true) as Element
        copy?.querySelector('.meta')?.remove()
        const text = copy?.textContent ?? ''
        if (seen.at(-1) !== text) seen.push(text)
      }).observe(list, { subtree: true, childList: true, characterData: true })
  })
  await ask(page, 'what do you charge for postage')
  await botSays(page, DELIVERY)
  await botSays(page, HELPED)
  const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen)
  const growing = seen
    .map((t) => t.replace(`${BOT}: `, ''))
    .filter((t) => t.startsWith('Standard') && t !== DELIVERY && t.length < DELIVERY_RAW.length)
  // Several partial texts, each longer than the one before.
  expect(growing.length).toBeGreaterThan(2)
  expect(growing.every((t, i) => i === 0 || t.startsWith(growing[i - 1] as string))).toBe(true)
  // Complete: formatted as any bot message (while it grew it was plain text).
  await expect(log(page).locator('strong', { hasText: '£50' })).toBeVisible()
  expect(asked).toEqual([
    expect.objectContaining({
      botId: ids.bot,
      customerId: ids.customer,
      question: 'what do you charge for postage',
      // The visitor's language (the browser's here): the endpoint answers in it.
      locale: expect.stringMatching(/^en\b/),
    }),
  ])
  expect((asked[0] as { history: unknown[] }).history).toHaveLength(2)
  const uuid = (await uuidOf(page)) as string
  await expect
    .poll(async () => lines(await conversation(request, ids, uuid)).slice(2))
    .toEqual(['visitor: what do you charge for postage', `bot: ${DELIVERY_RAW}`, `bot: ${HELPED}`])
  expect(await axeViolations(page)).toEqual([])
})
