/**
 * The teaser (widget/teaser/): a message preview beside the launcher that a
 * trigger of the bot configuration document, or the host's
 * `Reekolect('showMessage', text)`, shows instead of opening the chat window, as
 * a visitor meets it: on a desktop and on a phone, with the keyboard, with a
 * screen reader (one polite announcement), dismissed for the tab.
 */
import { expect, type Page, test } from '@playwright/test'
import {
  axeViolations,
  chat,
  hostUrl,
  launcher,
  message,
  seenLines,
  TEXT,
  uniqueIds,
  watchErrors,
} from './helpers'

/** The first message of demo/e2e/config/trigger-time.json, which its 1 s trigger previews. */
const FIRST = 'Opened by a trigger.'

/** A trigger after 1 s, on every page of the tab (so a dismissal is what keeps it away). */
const EVERY_PAGE = {
  version: 1,
  settings: { triggers: { afterSeconds: 1, oncePerSession: false } },
  flows: [
    {
      id: 'main',
      nodes: [
        { id: 'hello', type: 'message', text: FIRST },
        { id: 'q', type: 'ask', input: 'text', text: 'How can we help?' },
      ],
    },
  ],
}

/** The teaser's message: a button named by its text. */
const teaser = (page: Page, text: string) => page.getByRole('button', { name: text, exact: true })
const dismiss = (page: Page) => page.getByRole('button', { name: 'Dismiss message' })

/** The texts of the live regions in the widget's shadow root that say something. */
const announcements = (page: Page) =>
  page.evaluate(() =>
    [
      ...(document.querySelector('[data-reekolect]')?.shadowRoot?.querySelectorAll('[aria-live]') ??
        []),
    ]
      .map((e) => e.textContent?.trim())
      .filter(Boolean),
  )

/** Records the chat window chunk's requests: the teaser must not need it. */
function chatRequests(page: Page): string[] {
  const seen: string[] = []
  page.on('request', (r) => {
    if (/\/assets\/widget-[0-9a-f]+\.js/.test(r.url())) seen.push(r.url())
  })
  return seen
}

/** Serves `doc` as the configuration document at `path` of the demo site. */
async function serve(page: Page, path: string, doc: unknown) {
  await page.route(`**${path}`, (route) => route.fulfill({ json: doc }))
}

test.describe('a trigger shows the teaser', () => {
  test('after 1 s, beside the launcher; the window stays closed and the chat chunk unloaded', async ({
    page,
  }) => {
    const errors = watchErrors(page)
    const chunk = chatRequests(page)
    await page.goto(
      hostUrl(uniqueIds('teaser-time'), undefined, {
        config: '/demo/e2e/config/trigger-time.json',
      }),
    )
    await expect(teaser(page, FIRST)).toBeVisible()
    await expect(dismiss(page)).toBeVisible()
    await page.waitForTimeout(1500)
    await expect(page.getByRole('dialog')).toHaveCount(0)
    expect(chunk).toEqual([])
    // Above the launcher, on its side.
    const card = await teaser(page, FIRST).boundingBox()
    const button = await launcher(page).boundingBox()
    expect(card && button).toBeTruthy()
    if (card && button) {
      expect(card.y + card.height).toBeLessThanOrEqual(button.y)
      expect(Math.abs(card.x + card.width - (button.x + button.width))).toBeLessThan(2)
    }
    expect(await axeViolations(page)).toEqual([])
    expect(errors.widget()).toEqual([])
    expect(errors.pageErrors).toEqual([])
  })

  test('at 375×667: a compact card, smaller than the screen, the launcher still in view', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 375, height: 667 })
    await page.goto(
      hostUrl(uniqueIds('teaser-phone'), undefined, {
        config: '/demo/e2e/config/trigger-time.json',
      }),
    )
    await expect(teaser(page, FIRST)).toBeVisible()
    await page.waitForTimeout(1000)
    await expect(page.getByRole('dialog')).toHaveCount(0)
    const card = await page.locator('[data-reekolect] .teaser').boundingBox()
    const button = await launcher(page).boundingBox()
    expect(card && button).toBeTruthy()
    if (card && button) {
      expect(card.width).toBeLessThan(375)
      expect(card.height).toBeLessThan(667 / 3)
      expect(card.x).toBeGreaterThanOrEqual(0)
      expect(card.x + card.width).toBeLessThanOrEqual(375)
      expect(card.y).toBeGreaterThanOrEqual(0)
      // The launcher is not covered: the card ends above it.
      expect(card.y + card.height).toBeLessThanOrEqual(button.y)
      expect(button.y + button.height).toBeLessThanOrEqual(667)
    }
    await expect(launcher(page)).toBeVisible()
    // Touch targets of at least 44 px, as the chat's.
    for (const target of [teaser(page, FIRST), dismiss(page)]) {
      const box = await target.boundingBox()
      expect(box?.width).toBeGreaterThanOrEqual(44)
      expect(box?.height).toBeGreaterThanOrEqual(44)
    }
    expect(await axeViolations(page)).toEqual([])
  })

  test('is announced once, in one polite live region', async ({ page }) => {
    await page.goto(
      hostUrl(uniqueIds('teaser-live'), undefined, {
        config: '/demo/e2e/config/trigger-time.json',
      }),
    )
    await expect(teaser(page, FIRST)).toBeVisible()
    await expect.poll(() => announcements(page)).toEqual([`New message: ${FIRST}`])
    await page.waitForTimeout(1000)
    expect(await announcements(page)).toEqual([`New message: ${FIRST}`])
    expect(
      await page
        .locator('[data-reekolect] [aria-live]')
        .evaluateAll((l) => l.map((e) => e.getAttribute('aria-live'))),
    ).toEqual(['polite'])
  })

  test('Tab reaches it after the launcher; Enter opens the chat, which says the message once', async ({
    page,
  }) => {
    await page.goto(
      hostUrl(uniqueIds('teaser-enter'), undefined, {
        config: '/demo/e2e/config/trigger-time.json',
      }),
    )
    await expect(teaser(page, FIRST)).toBeVisible()
    await launcher(page).focus()
    await page.keyboard.press('Tab')
    await expect(teaser(page, FIRST)).toBeFocused()
    await page.keyboard.press('Tab')
    await expect(dismiss(page)).toBeFocused()
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Enter')
    await expect(chat(page)).toBeVisible()
    await expect(message(page, 'bot', 'How can we help?')).toBeVisible()
    expect(await seenLines(page)).toEqual([`bot: ${FIRST}`, 'bot: How can we help?'])
    await expect(page.locator('[data-reekolect] .teaser')).toHaveCount(0)
  })

  test('with triggers.message, the chat says it first, then the flow, each once', async ({
    page,
  }) => {
    const pricing = 'Questions about pricing? We are here.'
    await serve(page, '/demo/e2e/teaser-pricing.json', {
      ...EVERY_PAGE,
      settings: { triggers: { afterSeconds: 1, message: pricing } },
    })
    await page.goto(
      hostUrl(uniqueIds('teaser-msg'), undefined, { config: '/demo/e2e/teaser-pricing.json' }),
    )
    await expect(teaser(page, pricing)).toBeVisible()
    await teaser(page, pricing).click()
    await expect(message(page, 'bot', 'How can we help?')).toBeVisible()
    expect(await seenLines(page)).toEqual([
      `bot: ${pricing}`,
      `bot: ${FIRST}`,
      'bot: How can we help?',
    ])
  })

  test('dismissed, it stays away for the tab: not on the next page', async ({ page }) => {
    await serve(page, '/demo/e2e/teaser-every-page.json', EVERY_PAGE)
    const ids = uniqueIds('teaser-dismiss')
    const url = (p: 'host.html' | 'second.html') =>
      hostUrl(ids, undefined, { config: '/demo/e2e/teaser-every-page.json', page: p })
    await page.goto(url('host.html'))
    await expect(teaser(page, FIRST)).toBeVisible()
    // Not dismissed: the next page shows it again (oncePerSession is off).
    await page.goto(url('second.html'))
    await expect(teaser(page, FIRST)).toBeVisible()
    await dismiss(page).click()
    await expect(page.locator('[data-reekolect] .teaser')).toHaveCount(0)
    await expect(launcher(page)).toBeFocused()
    await page.goto(url('host.html'))
    await expect(launcher(page)).toBeVisible()
    await page.waitForTimeout(2500)
    await expect(page.locator('[data-reekolect] .teaser')).toHaveCount(0)
    await expect(page.getByRole('dialog')).toHaveCount(0)
  })

  test('follows the launcher: on its side (design.position), and hidden with it (access)', async ({
    page,
  }) => {
    await serve(page, '/demo/e2e/teaser-left.json', {
      ...EVERY_PAGE,
      settings: {
        ...EVERY_PAGE.settings,
        design: { position: 'left', offsetX: 24 },
        access: { hideOn: ['*/second.html'] },
      },
    })
    await page.goto(
      hostUrl(uniqueIds('teaser-left'), undefined, { config: '/demo/e2e/teaser-left.json' }),
    )
    await expect(teaser(page, FIRST)).toBeVisible()
    const card = await page.locator('[data-reekolect] .teaser').boundingBox()
    expect(card?.x).toBe(24)
    // A route change to a page where the launcher is hidden hides the teaser too.
    await page.evaluate(() => history.pushState({}, '', '/demo/e2e/second.html'))
    await expect(launcher(page)).toBeHidden()
    await expect(teaser(page, FIRST)).toBeHidden()
  })

  test('Escape dismisses it and gives focus back to the launcher', async ({ page }) => {
    await page.goto(
      hostUrl(uniqueIds('teaser-esc'), undefined, { config: '/demo/e2e/config/trigger-time.json' }),
    )
    await teaser(page, FIRST).focus()
    await page.keyboard.press('Escape')
    await expect(page.locator('[data-reekolect] .teaser')).toHaveCount(0)
    await expect(launcher(page)).toBeFocused()
    await expect(page.getByRole('dialog')).toHaveCount(0)
  })
})

test.describe("Reekolect('showMessage', text)", () => {
  test('shows the host’s text in a teaser; opened, the chat says it first, once', async ({
    page,
  }) => {
    const errors = watchErrors(page)
    await page.goto(hostUrl(uniqueIds('teaser-cmd')))
    await expect(launcher(page)).toBeVisible()
    await page.evaluate(() => window.Reekolect?.('showMessage', 'Hi!'))
    await expect(teaser(page, 'Hi!')).toBeVisible()
    await expect(page.getByRole('dialog')).toHaveCount(0)
    await expect.poll(() => announcements(page)).toEqual(['New message: Hi!'])
    expect(await axeViolations(page)).toEqual([])
    await teaser(page, 'Hi!').press('Enter')
    await expect(message(page, 'bot', TEXT.askName)).toBeVisible()
    expect(await seenLines(page)).toEqual([
      'bot: Hi!',
      `bot: ${TEXT.greet}`,
      `bot: ${TEXT.askName}`,
    ])
    expect(errors.widget()).toEqual([])
  })

  test('under a strict CSP with Trusted Types: styled, and no violation', async ({ page }) => {
    const errors = watchErrors(page)
    const res = await page.goto('/demo/csp/strict.html')
    expect(res?.headers()['content-security-policy']).toContain('require-trusted-types-for')
    await expect(launcher(page)).toBeVisible()
    await page.evaluate(() => window.Reekolect?.('showMessage', 'Hi!'))
    await expect(teaser(page, 'Hi!')).toBeVisible()
    const radius = await page
      .locator('[data-reekolect] .teaser')
      .evaluate((el) => getComputedStyle(el).borderRadius)
    expect(radius).toBe('14px')
    expect(
      await page.evaluate(() => (window as unknown as { violations: string[] }).violations),
    ).toEqual([])
    expect(errors.pageErrors).toEqual([])
  })

  test('shows text, never HTML', async ({ page }) => {
    const errors = watchErrors(page)
    await page.goto(hostUrl(uniqueIds('teaser-xss')))
    await expect(launcher(page)).toBeVisible()
    const text = '<img src=x onerror="window.__xss=1">Hello'
    await page.evaluate((t) => window.Reekolect?.('showMessage', t), text)
    await expect(teaser(page, text)).toBeVisible()
    expect(await page.locator('[data-reekolect] img').count()).toBe(0)
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined()
    expect(errors.pageErrors).toEqual([])
  })

  for (const [what, args] of [
    ['a number', [42]],
    ['an empty text', ['  ']],
    ['a text over 300 characters', ['x'.repeat(301)]],
    ['options that are not an object', ['Hi!', 'open']],
  ] as const) {
    test(`refuses ${what} with one console line and shows nothing`, async ({ page }) => {
      const errors = watchErrors(page)
      await page.goto(hostUrl(uniqueIds('teaser-bad')))
      await expect(launcher(page)).toBeVisible()
      await page.evaluate(
        (a) => (window.Reekolect as unknown as (...x: unknown[]) => void)('showMessage', ...a),
        [...args],
      )
      await expect.poll(() => errors.widget().length).toBe(1)
      expect(errors.widget()[0]).toMatch(
        /^\[Reekolect\] E_ARGS: Reekolect\('showMessage'\) got bad arguments — pass a non-empty string of at most 300 characters/,
      )
      await page.waitForTimeout(500)
      expect(errors.widget()).toHaveLength(1)
      await expect(page.locator('[data-reekolect] .teaser')).toHaveCount(0)
      await expect(page.getByRole('dialog')).toHaveCount(0)
      expect(errors.pageErrors).toEqual([])
    })
  }
})
