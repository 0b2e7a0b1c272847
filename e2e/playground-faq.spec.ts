/**
 * The playground's FAQ editor (demo/playground/faq.ts): the outdoor-shop template's
 * entries listed, a question tested against them (the match, its score and the
 * runner-up, or why the bot does not know), an entry added and edited that the
 * preview's chat then answers with, and an entry removed from the document.
 */
import { createRequire } from 'node:module'
import { expect, type Page, test } from '@playwright/test'
import { uniqueIds, watchErrors } from './helpers'

test.use({ locale: 'en-US' })

const status = (page: Page) => page.locator('#apply-status')
const faq = (page: Page) => page.locator('#faq')
const entries = (page: Page) => faq(page).locator('.faq-item')
const tester = (page: Page) => page.getByRole('searchbox', { name: 'Test a question' })
const verdict = (page: Page) => page.locator('#faq-result')
const json = (page: Page) => page.getByLabel('Document (JSON)')
const preview = (page: Page) => page.frameLocator('#preview-frame')

async function openWithShop(page: Page) {
  const ids = uniqueIds('pgfaq')
  await page.goto(`/?${new URLSearchParams({ bot: ids.bot, customer: ids.customer })}`)
  await page.getByLabel('Document', { exact: true }).selectOption('outdoor-shop')
  await expect(status(page)).toContainText('Applied at')
  return ids
}

test('lists the template’s entries and tests a question: the match with its score and the runner-up, or why it does not know', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await openWithShop(page)
  await expect(entries(page)).toHaveCount(26)
  await expect(page.getByLabel('When no entry answers')).toHaveValue('message')
  const first = entries(page).first()
  // Each entry is folded under its summary.
  await expect(first.locator('summary')).toHaveText('1. opening-hours: When is your shop open?')
  await expect(first.getByLabel('Question', { exact: true })).toBeHidden()
  await first.locator('summary').click()
  await expect(first.getByLabel('Id', { exact: true })).toHaveValue('opening-hours')
  await expect(first.getByLabel('Question', { exact: true })).toHaveValue('When is your shop open?')
  await expect(first.getByLabel('Other ways to ask', { exact: true })).toHaveValue(
    'What are your opening hours?\nAre you open on Sunday?\nWhat time do you close?',
  )

  await tester(page).fill('how much is postage')
  await expect(verdict(page)).toContainText(
    'Answers with “delivery-cost” (How much is delivery?): score 0.75 (at least 0.40), 0.29 ahead of the next (at least 0.01).',
  )
  await expect(verdict(page)).toContainText('Runner-up: “price-match” (Do you price match?), 0.46.')
  await tester(page).fill('whats the postage')
  await expect(verdict(page)).toContainText(
    'Did you mean…? Offers “delivery-cost” (How much is delivery?) 0.36, “international” (Do you ship abroad?) 0.35, “delivery-time” (How long does delivery take?) 0.32 (each at least 0.28), then “Something else”: the best is under the threshold of 0.40.',
  )
  await expect(verdict(page)).toContainText('Runner-up: “international”')
  await tester(page).fill('can you reproof my jacket')
  await expect(verdict(page)).toContainText(
    'I don’t know: the best is “warranty” (Do your products have a warranty?) with 0.19, under 0.28, the least score of a suggestion.',
  )
  await tester(page).fill('hello')
  await expect(verdict(page)).toContainText(
    'I don’t know: no word of the question is one the FAQ knows.',
  )

  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') })
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(el: Element | null, o: object): Promise<{ violations: { id: string }[] }> }
      }
    ).axe
    const r = await axe.run(document.getElementById('faq'), {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    })
    return r.violations.map((v) => v.id)
  })
  expect(violations).toEqual([])
  expect(errors.pageErrors).toEqual([])
})

test('an entry added and edited in the form goes into the document, and the preview’s chat answers with it; a removed one leaves the document', async ({
  page,
}) => {
  await openWithShop(page)
  await tester(page).fill('do you sell mountain bikes')
  await expect(verdict(page)).toContainText('I don’t know')

  await page.getByRole('button', { name: 'Add an entry' }).click()
  await expect(entries(page)).toHaveCount(27)
  const added = entries(page).last()
  // The new entry's question has focus, selected, ready to be typed over.
  await expect(added.getByLabel('Question', { exact: true })).toBeFocused()
  await expect(added.getByLabel('Id', { exact: true })).toHaveValue('question-27')
  await added.getByLabel('Id', { exact: true }).fill('bikes')
  await added.getByLabel('Question', { exact: true }).fill('Do you sell bikes?')
  await added
    .getByLabel('Other ways to ask', { exact: true })
    .fill('do you have bicycles\nmountain bikes')
  await added.getByLabel('Answer', { exact: true }).fill('No: we sell **clothing and gear** only.')
  await expect(verdict(page)).toContainText('Answers with “bikes” (Do you sell bikes?)')
  const doc = async () => JSON.parse(await json(page).inputValue())
  expect((await doc()).faq.items.at(-1)).toEqual({
    id: 'bikes',
    question: 'Do you sell bikes?',
    answer: 'No: we sell **clothing and gear** only.',
    alternatives: ['do you have bicycles', 'mountain bikes'],
  })
  await expect(status(page)).toContainText('Applied at', { timeout: 10_000 })

  // The preview runs the applied document: its chat answers with the new entry.
  await preview(page).getByRole('button', { name: 'Open chat' }).click()
  const chat = preview(page).getByRole('dialog')
  const box = chat.getByRole('textbox', { name: 'Ask a question' })
  await box.fill('do you sell mountain bikes')
  await box.press('Enter')
  await expect(chat.getByRole('log')).toContainText('No: we sell clothing and gear only.')
  await expect(chat.getByRole('group', { name: 'Did that help?' })).toBeVisible()

  // The summary follows the edits.
  await expect(added.locator('summary')).toHaveText('27. bikes: Do you sell bikes?')
  // Removing the first entry takes it out of the document.
  await entries(page).first().locator('summary').click()
  await entries(page)
    .first()
    .getByRole('button', { name: 'Remove entry 1: When is your shop open?' })
    .click()
  await expect(entries(page)).toHaveCount(26)
  expect((await doc()).faq.items.map((i: { id: string }) => i.id)).not.toContain('opening-hours')
  await expect(entries(page).first().locator('summary')).toHaveText(
    '1. shop-location: Where is your shop?',
  )
  await expect(entries(page).first().locator('summary')).toBeFocused()
})

test('the built-in flow has no FAQ: the form says so and is off', async ({ page }) => {
  const ids = uniqueIds('pgfaq0')
  await page.goto(`/?${new URLSearchParams({ bot: ids.bot, customer: ids.customer })}`)
  await expect(faq(page).locator('#faq-off')).toContainText('The built-in flow has no FAQ')
  await expect(page.getByRole('button', { name: 'Add an entry' })).toBeDisabled()
})
