/**
 * Skeleton, done-when 5 and 6: mistakes in the site owner's tag are reported once
 * on the console with a stable code, and never break the host page.
 */
import { expect, test } from '@playwright/test'
import {
  chat,
  completeFlow,
  fetchLeads,
  hostUrl,
  launcher,
  TEXT,
  transcript,
  uniqueIds,
  watchErrors,
} from './helpers'

test('a wrong token logs one E_TOKEN line and the visitor can still finish the chat', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('token')
  const rejected: number[] = []
  page.on('response', (r) => {
    if (r.url().endsWith('/inbox/direct/lead') && r.request().method() === 'PUT')
      rejected.push(r.status())
  })
  await page.goto(hostUrl(ids, 'wrong'))
  await launcher(page).click()
  await expect(chat(page)).toBeVisible()
  await expect.poll(() => errors.lines('[Reekolect] E_TOKEN:').length).toBe(1)

  await completeFlow(page, {
    name: 'Wrong Token',
    email: `token.${ids.suffix}@example.com`,
    phone: '07400 123456',
    country: 'GB',
    topic: 'Pricing and sales',
  })
  await expect(transcript(page)).toContainText(TEXT.thanks)
  // Give any late send time to happen (there should be none: 401 stops the outbox for the page).
  await page.waitForTimeout(500)

  const lines = errors.lines('[Reekolect] E_TOKEN:')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toBe('[Reekolect] E_TOKEN: lead sync rejected with 401 — check data-token')
  expect(errors.widget()).toEqual(lines)
  expect(errors.pageErrors).toEqual([])
  // A wrong token does not become right: one rejected request, no retry storm.
  expect(rejected).toEqual([401])
  // Nothing reached the platform.
  expect(await fetchLeads(request, ids.bot, ids.customer, 'lead')).toEqual([])
  expect(await fetchLeads(request, ids.bot, ids.customer, 'non-lead')).toEqual([])
})

for (const [page_, text] of [
  ['tag-empty', ''],
  ['tag-onlyone', 'onlyone'],
  ['tag-three', 'a,b,c'],
] as const) {
  test(`a malformed tag text ${JSON.stringify(text)} logs one E_TAG line, draws nothing, throws nothing`, async ({
    page,
  }) => {
    const errors = watchErrors(page)
    const assets: string[] = []
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/assets/')) assets.push(r.url())
    })
    const loader = page.waitForResponse((r) => new URL(r.url()).pathname === '/Reekolect.js')
    await page.goto(`/demo/e2e/${page_}.html`)
    expect((await loader).status()).toBe(200)
    expect(
      await page.locator('script#Reekolect-messenger-widget').evaluate((s) => s.textContent),
    ).toBe(text)

    await expect.poll(() => errors.lines('[Reekolect] E_TAG:').length).toBe(1)
    await page.waitForTimeout(300)
    const lines = errors.lines('[Reekolect] E_TAG:')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('BotId,CustomerId')
    expect(errors.widget()).toHaveLength(1)
    expect(errors.pageErrors).toEqual([])

    // No launcher, no host element, no widget chunk; the host page is untouched.
    await expect(page.locator('[data-reekolect]')).toHaveCount(0)
    await expect(launcher(page)).toHaveCount(0)
    await expect(
      page.getByRole('heading', { name: 'Host page with a malformed embed tag' }),
    ).toBeVisible()
    expect(assets).toEqual([])
  })
}

test('a settings chunk that cannot load logs one E_LOAD line; the bot runs the built-in flow', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.route('**/assets/settings-*.js', (r) => r.fulfill({ status: 404, body: '' }))
  await page.goto(
    hostUrl(uniqueIds('load'), undefined, { config: '/demo/templates/lead-capture.json' }),
  )
  await expect(launcher(page)).toBeVisible()
  await expect
    .poll(() => errors.widget())
    .toEqual([
      '[Reekolect] E_LOAD: the settings chunk could not load — serve assets/ next to Reekolect.js',
    ])
  await launcher(page).click()
  // The template's own welcome never shows: its settings and flows could not be read.
  await expect(transcript(page)).toContainText(TEXT.greet)
  await expect(transcript(page)).not.toContainText('Sunny Roofs')
  expect(errors.pageErrors).toEqual([])
})

test('a chat chunk that cannot load logs one E_LOAD line per attempt; the next click opens the chat once it can load', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.route('**/assets/widget-*.js*', (r) => r.fulfill({ status: 404, body: '' }))
  await page.goto(hostUrl(uniqueIds('load')))
  await launcher(page).click()
  const line = '[Reekolect] E_LOAD: the chat could not load — serve assets/ next to Reekolect.js'
  await expect.poll(() => errors.widget()).toEqual([line])
  await expect(chat(page)).toHaveCount(0)
  // Still unreachable: the next click tries again and says so again, once.
  await launcher(page).click()
  await expect.poll(() => errors.widget()).toEqual([line, line])
  await expect(chat(page)).toHaveCount(0)
  // Reachable again: the next click, in the same page view, opens the chat and the flow runs.
  await page.unroute('**/assets/widget-*.js*')
  await launcher(page).click()
  await expect(chat(page)).toBeVisible()
  await expect(transcript(page)).toContainText(TEXT.askName)
  expect(errors.widget()).toEqual([line, line])
  expect(errors.pageErrors).toEqual([])
})

test('Reekolect("open") after a failed chat chunk opens the chat once it can load', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.route('**/assets/widget-*.js*', (r) => r.fulfill({ status: 503, body: '' }))
  await page.goto(hostUrl(uniqueIds('load')))
  await expect(launcher(page)).toBeVisible()
  await page.evaluate(() => window.Reekolect?.('open'))
  await expect.poll(() => errors.widget().length).toBe(1)
  await page.unroute('**/assets/widget-*.js*')
  await page.evaluate(() => window.Reekolect?.('open'))
  await expect(chat(page)).toBeVisible()
  await expect(transcript(page)).toContainText(TEXT.greet)
  expect(errors.pageErrors).toEqual([])
})
