/**
 * Single-page apps: route changes re-evaluate page rules without
 * polling, the widget stays one widget, and the back/forward cache stays usable.
 */
import { expect, test } from '@playwright/test'
import { hostUrl, uniqueIds } from './helpers'

test('20 pushState navigations keep one widget and apply the page rules each time', async ({
  page,
}) => {
  const ids = uniqueIds('spa')
  // access-hide.json: the launcher hides on */host.html and shows elsewhere.
  await page.goto(
    hostUrl(ids, undefined, { page: 'second.html', config: '/demo/e2e/config/access-hide.json' }),
  )
  const launcher = page.getByRole('button', { name: 'Open chat' })
  await expect(launcher).toBeVisible()
  const timers = await page.evaluate(() => {
    // Count intervals the widget might start: rules must not be polled.
    const w = window as unknown as { __intervals: number }
    w.__intervals = 0
    const original = window.setInterval
    window.setInterval = ((...args: Parameters<typeof setInterval>) => {
      w.__intervals++
      return original(...args)
    }) as typeof setInterval
    return w.__intervals
  })
  for (let i = 0; i < 20; i++) {
    const path = i % 2 === 0 ? '/demo/e2e/host.html' : `/demo/e2e/second.html?step=${i}`
    await page.evaluate((p) => history.pushState({}, '', p), path)
    if (i % 2 === 0) await expect(launcher).toBeHidden()
    else await expect(launcher).toBeVisible()
  }
  expect(await page.locator('[data-reekolect]').count()).toBe(1)
  // Back to a hidden page with the browser's back button (popstate / traverse).
  await page.goBack()
  await expect(page).toHaveURL(/host\.html$/)
  await expect(launcher).toBeHidden()
  await page.goBack()
  await expect(launcher).toBeVisible()
  expect(
    await page.evaluate(() => (window as unknown as { __intervals: number }).__intervals),
  ).toBe(timers)
  // Still one working widget: it opens and speaks.
  await launcher.click()
  await expect(page.getByRole('dialog')).toContainText('Opened by a trigger.')
  expect(await page.locator('[data-reekolect]').count()).toBe(1)
})
