/**
 * Skeleton, done-when 7: the facade pattern. A page view costs the loader only;
 * the chat window chunk is fetched on intent (pointer over or focus on the
 * launcher), and the phone chunk (libphonenumber-js) only when a phone question is shown.
 */
import { expect, type Page, test } from '@playwright/test'
import {
  answerEmail,
  answerName,
  chat,
  hostUrl,
  launcher,
  TEXT,
  transcript,
  uniqueIds,
  watchErrors,
} from './helpers'

const WIDGET = /\/assets\/widget-[\w-]+\.js$/
const PHONE = /\/assets\/phone-[\w-]+\.js$/

/** Records the URL path of every request the page makes from now on. */
function recordRequests(page: Page) {
  const paths: string[] = []
  page.on('request', (r) => paths.push(new URL(r.url()).pathname))
  return {
    paths,
    assets: () => paths.filter((p) => p.startsWith('/assets/')),
    count: (re: RegExp) => paths.filter((p) => re.test(p)).length,
  }
}

test('no widget chunk until hover; the phone chunk only when the phone question is shown', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const requests = recordRequests(page)
  await page.goto(hostUrl(uniqueIds('lazy')))
  await expect(launcher(page)).toBeVisible()
  // Nothing else is coming: the loaded page with the launcher closed fetched no chunk.
  await page.waitForLoadState('networkidle')
  expect(requests.paths).toContain('/Reekolect.js')
  expect(requests.assets()).toEqual([])
  // The documented tag names no configuration document (opt-in): no request for one.
  expect(requests.paths.filter((p) => p.startsWith('/widget/'))).toEqual([])

  // Hover (intent) fetches the widget chunk but does not open the chat.
  const widgetChunk = page.waitForRequest((r) => WIDGET.test(new URL(r.url()).pathname))
  await launcher(page).hover()
  await widgetChunk
  expect(requests.count(WIDGET)).toBe(1)
  expect(requests.count(PHONE)).toBe(0)
  await expect(chat(page)).toHaveCount(0)
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false')

  // Opening and answering the name and email questions still needs no phone chunk.
  await launcher(page).click()
  await expect(chat(page)).toBeVisible()
  await answerName(page, 'Lazy Visitor')
  expect(requests.count(PHONE)).toBe(0)
  expect(requests.count(WIDGET)).toBe(1)

  // The phone question brings the phone chunk (dial-code list and validation).
  const phoneChunk = page.waitForRequest((r) => PHONE.test(new URL(r.url()).pathname))
  await answerEmail(page, 'lazy@example.com')
  await phoneChunk
  await expect(transcript(page)).toContainText(TEXT.askPhone)
  await expect(chat(page).getByRole('combobox', { name: 'Country' })).toBeVisible()
  // The list is filled from the chunk: many countries, not just the default.
  await expect
    .poll(() => chat(page).getByRole('combobox', { name: 'Country' }).locator('option').count())
    .toBeGreaterThan(200)
  expect(requests.count(PHONE)).toBe(1)

  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('keyboard focus on the launcher fetches the widget chunk without opening the chat', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const requests = recordRequests(page)
  await page.goto(hostUrl(uniqueIds('focus')))
  await expect(launcher(page)).toBeVisible()
  await page.waitForLoadState('networkidle')
  expect(requests.assets()).toEqual([])

  const widgetChunk = page.waitForRequest((r) => WIDGET.test(new URL(r.url()).pathname))
  // The host page has no other focusable element: Tab lands on the launcher.
  await page.keyboard.press('Tab')
  await expect(launcher(page)).toBeFocused()
  await widgetChunk
  await expect(chat(page)).toHaveCount(0)
  expect(requests.count(PHONE)).toBe(0)

  // Enter opens it, with the chunk already there (no second request).
  await page.keyboard.press('Enter')
  await expect(chat(page)).toBeVisible()
  await expect(transcript(page)).toContainText(TEXT.askName)
  expect(requests.count(WIDGET)).toBe(1)

  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})
