/**
 * Issue "Never lose a lead, never break the host page", host half: whatever the
 * host page does (hostile CSS, Prototype.js's Array#toJSON, the tag pasted twice,
 * any way of loading the tag, a wrapped `fetch`), the widget looks and works the
 * same, and the widget changes nothing on the host page.
 */
import { type Browser, expect, type Page, type TestInfo, test } from '@playwright/test'
import {
  chat,
  completeFlow,
  hostUrl,
  launcher,
  leadFields,
  TEXT,
  TOKEN,
  transcript,
  uniqueIds,
  visitorLead,
  watchErrors,
  watchWarnings,
} from './helpers'

// The dial-code picker defaults to the region of the browser locale (en-US → US).
test.use({ locale: 'en-US' })

const query = (ids: { bot: string; customer: string }, extra: Record<string, string> = {}) =>
  new URLSearchParams({ bot: ids.bot, customer: ids.customer, token: TOKEN, ...extra }).toString()

/** Computed styles that make the widget look the way it does. */
const WIDGET_PROPS = [
  'display',
  'position',
  'visibility',
  'opacity',
  'width',
  'height',
  'box-sizing',
  'padding-top',
  'padding-left',
  'border-top-width',
  'border-top-color',
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'line-height',
  'letter-spacing',
  'word-spacing',
  'text-transform',
  'text-align',
  'text-indent',
  'text-shadow',
  'color',
  'background-color',
  'cursor',
] as const
const WIDGET_PARTS = [
  '.launcher',
  '.win',
  '.head',
  '.head h2',
  '.sub',
  '.x',
  '.x svg',
  '.log',
  '.msg.bot',
  '.msg .sr',
  '.composer',
  '.input',
  '.send',
] as const

/** The computed look of the widget's parts (piercing its shadow root), by selector. */
function widgetLook(page: Page) {
  return page.evaluate(
    ([parts, props]) => {
      const root = document.querySelector('[data-reekolect]')?.shadowRoot
      const out: Record<string, Record<string, string> | null> = {}
      for (const sel of parts) {
        const el = root?.querySelector(sel)
        if (!el) {
          out[sel] = null
          continue
        }
        const cs = getComputedStyle(el)
        const box = el.getBoundingClientRect()
        out[sel] = {
          ...Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)])),
          'box-width': box.width.toFixed(2),
          'box-height': box.height.toFixed(2),
        }
      }
      return out
    },
    [WIDGET_PARTS, WIDGET_PROPS] as const,
  )
}

/** Computed styles of the host page's own elements. */
const HOST_PROPS = [
  'display',
  'position',
  'overflow',
  'width',
  'height',
  'margin-top',
  'padding-top',
  'font-size',
  'font-family',
  'line-height',
  'color',
  'background-color',
  'border-top-width',
  'box-sizing',
] as const
function hostLook(page: Page) {
  return page.evaluate((props) => {
    const out: Record<string, Record<string, string>> = {}
    for (const sel of ['html', 'body', 'h1', 'p', 'button', '.box']) {
      const el = document.querySelector(sel)
      if (!el) throw new Error(`no ${sel}`)
      const cs = getComputedStyle(el)
      const box = el.getBoundingClientRect()
      out[sel] = {
        ...Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)])),
        rect: [box.x, box.y, box.width, box.height].map((n) => n.toFixed(2)).join(','),
      }
    }
    out.document = {
      styleSheets: String(document.styleSheets.length),
      adoptedStyleSheets: String(document.adoptedStyleSheets.length),
      bodyStyle: document.body.getAttribute('style') ?? '',
      htmlStyle: document.documentElement.getAttribute('style') ?? '',
      htmlClass: document.documentElement.className,
      bodyClass: document.body.className,
    }
    return out
  }, HOST_PROPS)
}

/** Opens the chat and waits for the name question, with focus and animation settled. */
async function openAtNameQuestion(page: Page) {
  await launcher(page).click()
  await expect(chat(page)).toBeVisible()
  await expect(transcript(page)).toContainText(TEXT.askName)
  await expect(chat(page).getByRole('textbox')).toBeFocused()
  // The window's opening animation (chat.css `rk-in`) has run to its end.
  await chat(page).evaluate((el) =>
    Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)),
  )
}

/**
 * A screenshot of the closed launcher inside its circle (the host page shows around
 * it), taken before the widget chunk is loaded.
 */
async function launcherShot(page: Page): Promise<Buffer> {
  await expect(launcher(page)).toBeVisible()
  const b = await launcher(page).boundingBox()
  if (!b) throw new Error('the launcher is not on screen')
  const inset = 10 // inside the 60 px circle (launcher.css)
  return page.screenshot({
    clip: {
      x: b.x + inset,
      y: b.y + inset,
      width: b.width - 2 * inset,
      height: b.height - 2 * inset,
    },
    animations: 'disabled',
  })
}

/**
 * A screenshot of the chat window inside its rounded corners: the corners show the
 * host page behind them, which differs from host to host by design.
 */
async function innerShot(page: Page): Promise<Buffer> {
  const b = await chat(page).boundingBox()
  if (!b) throw new Error('the chat window is not on screen')
  const r = 16 // chat.css .win border-radius
  return page.screenshot({
    clip: { x: b.x + r, y: b.y + r, width: b.width - 2 * r, height: b.height - 2 * r },
    animations: 'disabled',
  })
}

/**
 * Opens the chat at the name question on the plain host page and on `hostilePage`
 * (demo/e2e/, which adds the tag when told), and compares the widget part by part
 * and pixel for pixel, and the host page before and after the widget.
 */
async function compareWithPlainHost(
  page: Page,
  browser: Browser,
  testInfo: TestInfo,
  hostilePage: string,
): Promise<void> {
  const ids = uniqueIds('hostile')
  const viewport = page.viewportSize() ?? { width: 1280, height: 720 }

  // The reference: the same widget on the plain host page.
  await page.goto(hostUrl(ids))
  const plainLauncher = await launcherShot(page)
  await openAtNameQuestion(page)
  const plainLook = await widgetLook(page)
  const plainShot = await innerShot(page)

  // The hostile page, in its own browser context (its own visitor).
  const context = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    viewport,
    locale: 'en-US',
  })
  try {
    const hostile = await context.newPage()
    const errors = watchErrors(hostile)
    await hostile.goto(`/demo/e2e/${hostilePage}?${query(ids, { manual: '1' })}`)
    // The stylesheet is in force on the host's own elements.
    expect(await hostile.locator('h1').evaluate((e) => getComputedStyle(e).color)).toBe(
      'rgb(255, 0, 0)',
    )
    const before = await hostLook(hostile)
    await hostile.evaluate(() => (window as unknown as { addReekolect(): void }).addReekolect())
    // The launcher, before the chat window (and its full reset of inherited styles)
    // exists: drawn by the loader's sheet alone, it looks the same.
    expect((await launcherShot(hostile)).equals(plainLauncher), 'the closed launcher').toBe(true)
    await openAtNameQuestion(hostile)

    // The widget looks the same, part by part and pixel for pixel.
    const hostileLook = await widgetLook(hostile)
    for (const part of WIDGET_PARTS) expect(plainLook[part], part).not.toBeNull()
    expect(hostileLook).toEqual(plainLook)
    const hostileShot = await innerShot(hostile)
    if (!hostileShot.equals(plainShot)) {
      await testInfo.attach('plain.png', { body: plainShot, contentType: 'image/png' })
      await testInfo.attach('hostile.png', { body: hostileShot, contentType: 'image/png' })
    }
    expect(hostileShot.equals(plainShot), 'screenshots of the chat window are identical').toBe(true)

    // The host page is exactly as it was before the widget existed.
    expect(await hostLook(hostile)).toEqual(before)
    expect(errors.pageErrors).toEqual([])
    expect(errors.widget()).toEqual([])
  } finally {
    await context.close()
  }
}

test('a hostile host stylesheet changes nothing in the widget, and the widget changes nothing on the host', async ({
  page,
  browser,
}, testInfo) => {
  await compareWithPlainHost(page, browser, testInfo, 'hostile.html')
})

// Regression: a host `* { letter-spacing: 3px !important }` once beat `:host { all:
// initial }` and inherited into the whole widget; now `all: initial !important`.
test('hostile !important rules on inherited text properties change nothing in the widget', async ({
  page,
  browser,
}, testInfo) => {
  await compareWithPlainHost(page, browser, testInfo, 'hostile-text.html')
})

test('Prototype.js-style Array.prototype.toJSON: tags are sent and stored as a JSON array', async ({
  page,
  request,
}) => {
  // What Prototype.js 1.6 does (enumerable, returns a string): native JSON.stringify double-encodes arrays.
  await page.addInitScript(() => {
    // biome-ignore lint/suspicious/noExplicitAny: patching a builtin prototype on purpose
    ;(Array.prototype as any).toJSON = function toJSON(this: unknown[]) {
      return `[${this.map((v) => JSON.stringify(v)).join(',')}]`
    }
  })
  const errors = watchErrors(page)
  const ids = uniqueIds('proto')
  // The bodies as sent (read at the route: ky streams the body, so request events do not carry it).
  const raw: string[] = []
  await page.route('**/inbox/direct/lead', (route) => {
    if (route.request().method() === 'PUT') raw.push(route.request().postData() ?? '')
    return route.fallback()
  })
  await page.goto(hostUrl(ids))
  // The host's patch is in force: the page's own JSON.stringify double-encodes arrays.
  expect(await page.evaluate(() => JSON.stringify({ a: ['x'] }))).toBe('{"a":"[\\"x\\"]"}')
  await launcher(page).click()
  const v = {
    name: `Proto ${ids.suffix}`,
    email: `proto.${ids.suffix}@example.com`,
    phone: '07400 123456',
    country: 'GB',
    topic: 'Support',
  }
  await completeFlow(page, v)
  await page.evaluate(() =>
    window.Reekolect?.('identify', { tags: ['vip', 'from-host'], attributes: { plan: 'pro' } }),
  )

  const lead = await visitorLead(page, request, ids, (c) => c.profile.userDetails.tags.length === 3)
  expect(leadFields(lead).tags).toEqual([v.topic, 'vip', 'from-host'])
  expect(lead.profile.userDetails.attributes).toEqual([{ key: 'plan', value: 'pro' }])

  const bodies = raw.map((r) => JSON.parse(r) as Record<string, unknown>)
  const withTags = bodies.filter((b) => 'tags' in b)
  expect(withTags.length).toBeGreaterThan(0)
  for (const b of withTags) {
    expect(Array.isArray(b.tags)).toBe(true)
    expect((b.tags as unknown[]).every((t) => typeof t === 'string')).toBe(true)
  }
  expect(bodies.at(-1)).toMatchObject({
    tags: [v.topic, 'vip', 'from-host'],
    attributes: [{ key: 'plan', value: 'pro' }],
  })
  expect(raw.some((r) => r.includes('"tags":"'))).toBe(false)
  expect(errors.widget()).toEqual([])
  expect(errors.pageErrors).toEqual([])
})

test('the tag pasted twice: one launcher, one W_TWICE warning, a working chat', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const warnings = watchWarnings(page)
  await page.goto('/demo/e2e/twice.html')
  await expect(page.locator('script#Reekolect-messenger-widget')).toHaveCount(2)
  await expect(launcher(page)).toBeVisible()
  await expect.poll(() => warnings.length).toBe(1)
  expect(warnings[0]).toMatch(/^\[Reekolect\] W_TWICE: /)
  await expect(page.locator('[data-reekolect]')).toHaveCount(1)
  await expect(launcher(page)).toHaveCount(1)

  await launcher(page).click()
  await expect(chat(page)).toHaveCount(1)
  await expect(transcript(page)).toContainText(TEXT.askName)
  await page.waitForTimeout(200)
  expect(warnings).toHaveLength(1)
  expect(errors.widget()).toEqual([])
  expect(errors.pageErrors).toEqual([])
})

const LOAD_MODES = [
  { name: 'async attribute', url: '/demo/e2e/load-async.html' },
  { name: 'defer attribute', url: '/demo/e2e/load-defer.html' },
  {
    name: 'injected after DOMContentLoaded',
    url: `/demo/e2e/load-late.html?${query({ bot: 'load-late-bot', customer: 'load-late-customer' })}`,
  },
  { name: 'blocking tag in <head>, before <body> exists', url: '/demo/e2e/load-head.html' },
] as const

for (const mode of LOAD_MODES) {
  test(`load mode, ${mode.name}: one launcher that opens the chat`, async ({ page }) => {
    const errors = watchErrors(page)
    await page.goto(mode.url)
    await expect(launcher(page)).toBeVisible()
    await expect(launcher(page)).toHaveCount(1)
    if (mode.name.startsWith('injected'))
      expect(await page.evaluate(() => (window as unknown as { addedAt: string }).addedAt)).toBe(
        'complete',
      )
    await launcher(page).click()
    await expect(chat(page)).toBeVisible()
    await expect(transcript(page)).toContainText(TEXT.askName)
    await expect(page.locator('[data-reekolect]')).toHaveCount(1)
    expect(errors.widget()).toEqual([])
    expect(errors.pageErrors).toEqual([])
  })
}

/** A host's logging wrapper around `fetch` that calls the original (as analytics and APM tools do). */
function wrapFetch() {
  const w = window as unknown as { fetched: string[] }
  w.fetched = []
  const original = window.fetch
  window.fetch = async function fetch(input: RequestInfo | URL, init?: RequestInit) {
    const method = input instanceof Request ? input.method : (init?.method ?? 'GET')
    const url = input instanceof Request ? input.url : String(input)
    w.fetched.push(`${method} ${new URL(url, location.href).pathname}`)
    return original.call(window, input, init)
  }
}

for (const when of ['before', 'after'] as const) {
  test(`a host that wraps window.fetch (${when} the widget loads): the lead is delivered`, async ({
    page,
    request,
  }) => {
    const errors = watchErrors(page)
    if (when === 'before') await page.addInitScript(wrapFetch)
    const ids = uniqueIds('fetchwrap')
    await page.goto(hostUrl(ids))
    await launcher(page).click()
    await expect(transcript(page)).toContainText(TEXT.askName)
    if (when === 'after') await page.evaluate(wrapFetch)
    const v = {
      name: `Wrapped ${ids.suffix}`,
      email: `wrapped.${ids.suffix}@example.com`,
      phone: '07400 123456',
      country: 'GB',
      topic: 'Pricing and sales',
    }
    await completeFlow(page, v)
    const lead = await visitorLead(page, request, ids, (c) => c.profile.userDetails.tags.length > 0)
    expect(leadFields(lead)).toEqual({
      name: v.name,
      email: v.email,
      number: '7400123456',
      prefix: '44',
      tags: [v.topic],
    })
    // The lead requests went through the host's wrapper.
    const fetched = await page.evaluate(() => (window as unknown as { fetched: string[] }).fetched)
    expect(fetched).toContain('PUT /inbox/direct/lead')
    expect(errors.widget()).toEqual([])
    expect(errors.pageErrors).toEqual([])
  })
}
