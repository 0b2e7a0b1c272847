/**
 * The back/forward cache stays usable (issue #7): the widget adds no `unload`
 * handler and holds nothing that blocks it, so going back restores the page, chat
 * open, without a reload.
 */
import { expect, test } from '@playwright/test'
import { chromiumArgs, chromiumPath } from './browser'
import { hostUrl, uniqueIds } from './helpers'

// Playwright turns the cache off by default; a real browser has it on.
test.use({
  launchOptions: {
    executablePath: chromiumPath,
    args: chromiumArgs,
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  },
})

test('the back/forward cache keeps the page: no unload handler, the chat is still there', async ({
  page,
}) => {
  const ids = uniqueIds('bfcache')
  await page.goto(hostUrl(ids))
  const synced = page.waitForResponse((r) => r.url().includes('/inbox/direct/lead'))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(page.getByRole('dialog')).toBeVisible()
  // Once the chat's first sync has answered (a request still in flight when the
  // visitor leaves is the browser's own reason not to cache the page).
  await synced
  await page.evaluate(() => {
    window.addEventListener('pageshow', (e) => {
      ;(window as unknown as { __restored: boolean }).__restored = e.persisted
    })
  })
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  // A restore from the cache fires no load event: wait for the commit only.
  await page.goBack({ waitUntil: 'commit' })
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __restored?: boolean }).__restored))
    .toBeDefined()
  const restored = await page.evaluate(() => ({
    persisted: (window as unknown as { __restored?: boolean }).__restored,
    reasons: JSON.stringify(
      (
        performance.getEntriesByType('navigation')[0] as unknown as {
          notRestoredReasons?: unknown
        }
      )?.notRestoredReasons ?? null,
    ),
  }))
  expect(restored, restored.reasons).toMatchObject({ persisted: true })
  await expect(page.getByRole('dialog')).toBeVisible()
})

test('a page back from the cache with the chat open makes the next page open it too', async ({
  page,
}) => {
  const ids = uniqueIds('bfcache-state')
  const chat = page.getByRole('dialog', { name: 'Chat with us' })
  await page.goto(hostUrl(ids))
  const synced = page.waitForResponse((r) => r.url().includes('/inbox/direct/lead'))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(chat).toBeVisible()
  await synced
  await page.waitForLoadState('networkidle')
  await page.evaluate(() => {
    window.addEventListener('pageshow', (e) => {
      ;(window as unknown as { __restored: boolean }).__restored = e.persisted
    })
  })
  // The next page reopens the chat; the visitor closes it there.
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  await expect(chat).toBeVisible()
  await chat.getByRole('button', { name: 'Close chat' }).click()
  await expect(chat).toBeHidden()
  await page.waitForLoadState('networkidle')
  // Back: the first page comes from the cache, chat open as it was left …
  await page.goBack({ waitUntil: 'commit' })
  const restored = await expect
    .poll(() => page.evaluate(() => (window as unknown as { __restored?: boolean }).__restored))
    .toBeDefined()
    .then(() => page.evaluate(() => (window as unknown as { __restored?: boolean }).__restored))
    .catch(() => false)
  // Whether to use the cache is the browser's call (a request in flight, memory):
  // a page loaded afresh says nothing about a restored one.
  test.skip(!restored, 'the browser loaded the page afresh instead of restoring it')
  await expect(chat).toBeVisible()
  // … and the page after it continues what the visitor sees: open.
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  await expect(chat).toBeVisible()
})
