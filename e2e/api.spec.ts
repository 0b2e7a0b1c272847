/**
 * The JavaScript API as a host page uses it: calls queued before the loader ran,
 * identify/tags/attributes reaching the platform as lead fields, reset, shutdown,
 * bad arguments.
 */
import { expect, test } from '@playwright/test'
import { fetchLeads, uniqueIds } from './helpers'

const apiUrl = (ids: { bot: string; customer: string }, pre = true) =>
  `/demo/e2e/api.html?${new URLSearchParams({ bot: ids.bot, customer: ids.customer, pre: pre ? '1' : '0' })}`

test('calls made before the loader ran take effect in order and reach the lead', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('api')
  await page.goto(apiUrl(ids))
  // Queued calls load the chat window at once, without a click.
  await expect
    .poll(
      async () =>
        (await fetchLeads(request, ids.bot, ids.customer, 'lead'))[0]?.profile.userDetails,
    )
    .toMatchObject({
      name: 'Early Bird',
      contact: { email: 'early@example.com' },
      tags: ['second'],
      attributes: [{ key: 'plan', value: 'pro' }],
    })
  const seen = await page.evaluate(() => (window as unknown as { seen: [string, unknown][] }).seen)
  expect(seen.map(([e]) => e)).toContain('ready')
  expect(seen.find(([e]) => e === 'lead:synced')).toBeTruthy()
})

test('bad arguments and unknown commands log one error each and change nothing', async ({
  page,
}) => {
  const ids = uniqueIds('api-bad')
  const errors: string[] = []
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  const pageErrors: Error[] = []
  page.on('pageerror', (e) => pageErrors.push(e))
  await page.goto(apiUrl(ids, false))
  await page.evaluate(() => {
    const R = window.Reekolect as unknown as (...a: unknown[]) => void
    R('identify', { email: 'not an email' })
    R('addTags', 'not-an-array')
    R('fly')
  })
  await expect.poll(() => errors.length).toBe(3)
  expect(errors[0]).toMatch(/^\[Reekolect\] E_ARGS: Reekolect\('identify'\)/)
  expect(errors[1]).toMatch(/^\[Reekolect\] E_ARGS: Reekolect\('addTags'\)/)
  expect(errors[2]).toMatch(/^\[Reekolect\] E_COMMAND: unknown command "fly"/)
  expect(pageErrors).toEqual([])
})

test('reset starts a new visitor with a new UUID and an empty transcript', async ({ page }) => {
  const ids = uniqueIds('api-reset')
  await page.goto(apiUrl(ids, false))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await page.getByRole('textbox').fill('First Visitor')
  await page.keyboard.press('Enter')
  await expect(page.getByText('Thanks, First Visitor!')).toBeVisible()
  const before = await page.evaluate(() => sessionStorage.getItem('reekolect:uuid'))
  await page.evaluate(() => window.Reekolect?.('reset'))
  await expect(page.getByText('Thanks, First Visitor!')).toHaveCount(0)
  await expect(page.getByText('What is your name?')).toBeVisible()
  const after = await page.evaluate(() => sessionStorage.getItem('reekolect:uuid'))
  expect(after).toMatch(/^[0-9a-f-]{36}$/)
  expect(after).not.toBe(before)
})

test('shutdown leaves the host DOM and globals as they were before the widget loaded', async ({
  page,
}) => {
  const ids = uniqueIds('api-shutdown')
  await page.goto(apiUrl(ids, false))
  const snapshot = () =>
    page.evaluate(() => ({
      body: [...document.body.children]
        .filter((e) => e.tagName !== 'SCRIPT')
        .map((e) => e.outerHTML)
        .join(''),
      head: document.head.children.length,
    }))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(page.getByRole('dialog')).toBeVisible()
  await page.evaluate(() => window.Reekolect?.('shutdown'))
  await expect(page.locator('[data-reekolect]')).toHaveCount(0)
  expect(await page.evaluate(() => typeof window.Reekolect)).toBe('undefined')
  const after = await snapshot()
  expect(after.body).toBe(
    '<h1>API host page</h1><p id="before">Host content that must be unchanged by shutdown.</p>',
  )
  // Replacing the body after shutdown does not bring the widget back.
  await page.evaluate(() => document.body.replaceWith(document.createElement('body')))
  await page.waitForTimeout(100)
  await expect(page.locator('[data-reekolect]')).toHaveCount(0)
})

test('the launcher comes back when the host replaces document.body', async ({ page }) => {
  const ids = uniqueIds('api-body')
  await page.goto(apiUrl(ids, false))
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
  await page.evaluate(() => document.body.replaceWith(document.createElement('body')))
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
})
