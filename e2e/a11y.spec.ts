/**
 * Accessibility of what a visitor meets, checked by axe-core (WCAG 2.0/2.1/2.2 A
 * and AA rules) inside the widget's shadow root, and by driving the whole flow
 * with the keyboard alone.
 */
import { expect, test } from '@playwright/test'
import {
  answerEmail,
  answerName,
  answerPhone,
  chat,
  hostUrl,
  launcher,
  setAvailability,
  uniqueIds,
  axeViolations as violations,
} from './helpers'

test('no axe violations with the chat closed, open, and at each question type', async ({
  page,
}) => {
  await page.goto(hostUrl(uniqueIds('a11y')))
  await expect(launcher(page)).toBeVisible()
  expect(await violations(page), 'launcher closed').toEqual([])
  await launcher(page).click()
  await expect(chat(page)).toBeVisible()
  expect(await violations(page), 'name question').toEqual([])
  await answerName(page, 'Ada')
  await chat(page).getByRole('textbox').fill('not-an-email')
  await chat(page).getByRole('button', { name: 'Send' }).click()
  await expect(chat(page).getByText('Please enter a valid email')).toBeVisible()
  expect(await violations(page), 'email question with an error').toEqual([])
  await answerEmail(page, 'ada@example.com')
  await expect(chat(page).getByRole('combobox', { name: 'Country' })).toBeVisible()
  expect(await violations(page), 'phone question').toEqual([])
  await answerPhone(page, '07400 123456', 'GB')
  expect(await violations(page), 'choice question').toEqual([])
})

test('the whole flow works with the keyboard alone, and focus follows open and close', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('kbd')
  // An agent is online: the hand-off at the end waits for a person.
  await setAvailability(request, ids.bot, true)
  await page.goto(hostUrl(ids))
  await expect(launcher(page)).toBeVisible()
  // Tab to the launcher: it is the only focusable element on the host page.
  await page.keyboard.press('Tab')
  await expect(launcher(page)).toBeFocused()
  await page.keyboard.press('Enter')
  const box = chat(page).getByRole('textbox')
  await expect(box).toBeFocused()
  await page.keyboard.type('Kim Keyboard')
  await page.keyboard.press('Enter')
  await expect(chat(page).getByText('Thanks, Kim Keyboard!')).toBeVisible()
  await expect(box).toBeFocused()
  await page.keyboard.type('kim@example.com')
  await page.keyboard.press('Enter')
  await expect(chat(page).getByText('And your phone number')).toBeVisible()
  // The picker comes with the phone chunk, on a line above the number: Shift+Tab reaches it.
  await expect(
    chat(page).getByRole('searchbox', { name: 'Search country or dial code' }),
  ).toBeVisible()
  await page.keyboard.press('Shift+Tab')
  await expect(chat(page).getByRole('combobox', { name: 'Country' })).toBeFocused()
  await page.keyboard.press('Tab')
  await page.keyboard.type('2025550123')
  await page.keyboard.press('Enter')
  // Focus moves to the first choice; Space activates it.
  const first = chat(page).getByRole('button', { name: 'Pricing and sales' })
  await expect(first).toBeFocused()
  await page.keyboard.press('Space')
  await expect(chat(page).getByRole('log')).toContainText('Thank you!')
  // The offer of a person takes focus; Enter hands off, and focus moves to the live text box.
  const talk = chat(page).getByRole('button', { name: 'Talk to a person' })
  await expect(talk).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(chat(page).getByRole('textbox', { name: 'Your message' })).toBeFocused()
  // Escape closes and focus returns to the launcher.
  await page.keyboard.press('Escape')
  await expect(chat(page)).toBeHidden()
  await expect(launcher(page)).toBeFocused()
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false')
})
