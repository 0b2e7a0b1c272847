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
  uuidOf,
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

/**
 * Counts the page's uses of `sessionStorage` made by the loader (`/Reekolect.js` on
 * the stack) and by the widget's chunks (`/assets/`): the first use in a document
 * is synchronous IPC that blocks the host's main thread (loader/visitor.ts
 * mayHaveSession). Installed before any page script runs.
 */
async function countSessionStorage(page: Page) {
  await page.addInitScript(() => {
    const uses = { loader: 0, widget: 0 }
    ;(window as unknown as { __ssUses: typeof uses }).__ssUses = uses
    const own = Object.getOwnPropertyDescriptor(window, 'sessionStorage')
      ? window
      : Window.prototype
    const d = Object.getOwnPropertyDescriptor(own, 'sessionStorage')
    if (!d?.get) throw new Error('no sessionStorage getter to wrap')
    const get = d.get
    Object.defineProperty(own, 'sessionStorage', {
      ...d,
      get() {
        const stack = new Error().stack ?? ''
        if (stack.includes('/Reekolect.js')) uses.loader++
        else if (stack.includes('/assets/')) uses.widget++
        return get.call(this)
      },
    })
  })
  return () =>
    page.evaluate(
      () => (window as unknown as { __ssUses: { loader: number; widget: number } }).__ssUses,
    )
}

/** Opens the host page, then the chat, and answers the name question: the chat is in use. */
async function chatAs(page: Page, ids: { bot: string; customer: string }, name: string) {
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await answerName(page, name)
}

/** The chat is open again with no click, at the question after the name. */
async function expectReopened(page: Page, name: string) {
  await expect(chat(page)).toBeVisible()
  await expect(transcript(page)).toContainText(TEXT.askEmail(name))
}

test('a visitor browsing the site costs its pages no sessionStorage read until they reach for the chat', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const uses = await countSessionStorage(page)
  const ids = uniqueIds('landing')
  // A new tab: the first page of the visit, then the next page of the site and a
  // reload of it, the chat never opened.
  await page.goto(hostUrl(ids))
  await expect(launcher(page)).toBeVisible()
  await page.waitForLoadState('networkidle')
  expect(await uses()).toEqual({ loader: 0, widget: 0 })
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  await expect(launcher(page)).toBeVisible()
  await page.waitForLoadState('networkidle')
  expect(await uses()).toEqual({ loader: 0, widget: 0 })
  await page.reload()
  await expect(launcher(page)).toBeVisible()
  await page.waitForLoadState('networkidle')
  expect(await uses()).toEqual({ loader: 0, widget: 0 })

  // The chat reads the visitor's UUID from the tab's session when it opens: the
  // counter sees it (so the zeros above are not a counter that never counts).
  await launcher(page).click()
  await expect(transcript(page)).toContainText(TEXT.askName)
  await expect.poll(async () => (await uses()).loader + (await uses()).widget).toBeGreaterThan(0)

  // Closed again: the next page still reads the session (it cannot know the chat
  // was closed without it) and finds nothing to do; the page after it reads nothing.
  await chat(page).getByRole('button', { name: 'Close chat' }).click()
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  await expect(launcher(page)).toBeVisible()
  await expect(chat(page)).toHaveCount(0)
  expect((await uses()).loader).toBeGreaterThan(0)
  await page.goto(hostUrl(ids))
  await expect(launcher(page)).toBeVisible()
  await page.waitForLoadState('networkidle')
  expect(await uses()).toEqual({ loader: 0, widget: 0 })
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('an open chat survives the host rewriting history: pushState and replaceState, then a reload', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await chatAs(page, uniqueIds('rewrite'), 'Route Changer')
  // A single-page app's router: a new entry, then its state replaced (which clears
  // the entry's Navigation API state: the widget marks it again).
  await page.evaluate(() => {
    history.pushState(
      { route: 'pricing' },
      '',
      `${location.pathname}${location.search}&route=pricing`,
    )
    history.replaceState({ route: 'pricing', scrollY: 0 }, '')
  })
  await page.reload()
  await expectReopened(page, 'Route Changer')
  expect(await page.evaluate(() => history.state)).toEqual({ route: 'pricing', scrollY: 0 })
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('the host’s own history state is left alone, and its pages still reopen the chat', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('hoststate')
  await page.goto(hostUrl(ids))
  await expect(launcher(page)).toBeVisible()
  type Nav = { currentEntry: { getState(): unknown }; updateCurrentEntry(o: object): void }
  await page.evaluate(() => {
    history.replaceState({ cart: 2 }, '')
    ;(window as unknown as { navigation: Nav }).navigation.updateCurrentEntry({
      state: { checkout: 'step-1' },
    })
  })
  await launcher(page).click()
  await answerName(page, 'State Keeper')
  const states = await page.evaluate(() => ({
    history: history.state,
    navigation: (window as unknown as { navigation: Nav }).navigation.currentEntry.getState(),
  }))
  expect(states).toEqual({ history: { cart: 2 }, navigation: { checkout: 'step-1' } })
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  await expectReopened(page, 'State Keeper')
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('an open chat reopens after a page of the site without the widget, and after a page left before its chat loaded', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('chain')
  await chatAs(page, ids, 'Chain Walker')
  // A page of the same site without the tag (a checkout, say), then a page with it.
  await page.goto('/demo/bench/blank.html')
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  await expectReopened(page, 'Chain Walker')

  // A page left while its chat chunk is still on the way (its widget never
  // marked it): the page after it still reopens the chat.
  const slow = WIDGET
  await page.route(slow, async (route) => {
    await new Promise((r) => setTimeout(r, 3000))
    await route.continue().catch(() => {})
  })
  await page.goto(hostUrl(ids))
  await expect(page.locator('div[data-reekolect]')).toHaveCount(1)
  await expect(chat(page)).toHaveCount(0)
  await page.unroute(slow)
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  await expectReopened(page, 'Chain Walker')
  expect(errors.pageErrors).toEqual([])
})

test('the next page of the site reopens an open chat; coming back through another site starts closed, same visitor', async ({
  page,
  baseURL,
}) => {
  const errors = watchErrors(page)
  const uses = await countSessionStorage(page)
  const ids = uniqueIds('nextpage')
  await chatAs(page, ids, 'Page Hopper')
  const uuid = await uuidOf(page)
  expect(uuid).toBeTruthy()

  // The next page of the same site in this tab: the loader reads the session and
  // the chat is open again at the same question, with no click.
  await page.goto(hostUrl(ids, undefined, { page: 'second.html' }))
  await expectReopened(page, 'Page Hopper')
  expect((await uses()).loader).toBeGreaterThan(0)

  // Another site, then a link back to this one: nothing of this site ran just
  // before, so the loader reads no session and the chat starts closed …
  const other = new URL(baseURL ?? 'http://127.0.0.1')
  other.hostname = 'localhost'
  await page.goto(new URL('/demo/bench/blank.html', other).href)
  await page.goto(hostUrl(ids))
  // The launcher is drawn in the same idle task that would have read the session.
  await expect(launcher(page)).toBeVisible()
  await expect(chat(page)).toHaveCount(0)
  expect((await uses()).loader).toBe(0)
  // … and opening it continues the same visitor's conversation.
  await launcher(page).click()
  await expect(transcript(page)).toContainText(TEXT.askEmail('Page Hopper'))
  expect(await uuidOf(page)).toBe(uuid)
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})
