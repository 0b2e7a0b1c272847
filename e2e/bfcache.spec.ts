/**
 * The back/forward cache stays usable: the widget adds no `unload`
 * handler and holds nothing that blocks it, so going back restores the page, chat
 * open, without a reload.
 */
import { expect, type Page, test } from '@playwright/test'
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

/**
 * Resolves once the chat's first lead sync and first transcript post have answered:
 * a request still in flight when the visitor leaves is the browser's own reason
 * not to cache the page, whatever the widget does.
 */
const settledRequests = (page: Page) =>
  Promise.all([
    page.waitForResponse((r) => r.url().includes('/inbox/direct/lead')),
    page.waitForResponse(
      (r) => r.url().includes('/inbox/direct/messages') && r.request().method() === 'POST',
    ),
  ])

/** Records, on the current page, whether its next pageshow is a restore from the cache. */
const watchRestore = (page: Page) =>
  page.evaluate(() => {
    window.addEventListener('pageshow', (e) => {
      ;(window as unknown as { __restored: boolean }).__restored = e.persisted
    })
  })

/**
 * After going back: `true` when the page came from the cache, `false` when it was
 * loaded afresh (no pageshow of the watched page within 5 s).
 */
const wasRestored = (page: Page) =>
  page
    .waitForFunction(
      () => (window as unknown as { __restored?: boolean }).__restored !== undefined,
      undefined,
      {
        timeout: 5000,
      },
    )
    .then(() => page.evaluate(() => (window as unknown as { __restored: boolean }).__restored))
    .catch(() => false)

test('the back/forward cache keeps the page: no unload handler, the chat is still there', async ({
  page,
}) => {
  const ids = uniqueIds('bfcache')
  await page.goto(hostUrl(ids))
  const synced = settledRequests(page)
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(page.getByRole('dialog')).toBeVisible()
  await synced
  await watchRestore(page)
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  // A restore from the cache fires no load event: wait for the commit only.
  await page.goBack({ waitUntil: 'commit' })
  const persisted = await wasRestored(page)
  const restored = await page.evaluate(() => ({
    reasons: JSON.stringify(
      (
        performance.getEntriesByType('navigation')[0] as unknown as {
          notRestoredReasons?: unknown
        }
      )?.notRestoredReasons ?? null,
    ),
  }))
  expect({ persisted }, restored.reasons).toEqual({ persisted: true })
  await expect(page.getByRole('dialog')).toBeVisible()
})

test('a page back from the cache with the chat open makes the next page open it too', async ({
  page,
}) => {
  const ids = uniqueIds('bfcache-state')
  const chat = page.getByRole('dialog', { name: 'Chat with us' })
  await page.goto(hostUrl(ids))
  const synced = settledRequests(page)
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(chat).toBeVisible()
  await synced
  await page.waitForLoadState('networkidle')
  await watchRestore(page)
  // The next page reopens the chat; the visitor closes it there.
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  await expect(chat).toBeVisible()
  await chat.getByRole('button', { name: 'Close chat' }).click()
  await expect(chat).toBeHidden()
  await page.waitForLoadState('networkidle')
  // Back: the first page comes from the cache, chat open as it was left …
  await page.goBack({ waitUntil: 'commit' })
  const restored = await wasRestored(page)
  // Whether to use the cache is the browser's call (a request in flight, memory):
  // a page loaded afresh says nothing about a restored one.
  test.skip(!restored, 'the browser loaded the page afresh instead of restoring it')
  await expect(chat).toBeVisible()
  // … and the page after it continues what the visitor sees: open.
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  await expect(chat).toBeVisible()
})
