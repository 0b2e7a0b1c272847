/**
 * `shutdown` leaves the host's listeners, history and DOM as they were before the
 * widget loaded, for configured bots whose settings chunk adds route,
 * trigger and access listeners, with and without the Navigation API, on a desktop
 * and on a phone (where the full-screen chat follows the visual viewport).
 */
import { expect, type Page, test } from '@playwright/test'
import { hostUrl, uniqueIds } from './helpers'

/** One listener as the recorder reports it. `origin` is the script that added it. */
interface Entry {
  target: string
  type: string
  capture: boolean
  origin: string
}

/** A widget timer (setTimeout, setInterval, requestIdleCallback, requestAnimationFrame) not yet run or cancelled. */
interface Timer {
  kind: string
  delay: number
  origin: string
}

/** What the recorder exposes as `window.__rec`. */
interface Recorder {
  /** Whether the pre-load snapshot was taken, and what the page looked like then. */
  snapshot: { taken: boolean; reekolectDefined: boolean; widgetListeners: number; sheets: number }
  /** Listeners live now that were not live at the snapshot. */
  added(): Entry[]
  /** Listeners live at the snapshot that are gone now. */
  removed(): Entry[]
  /** Listeners added by the widget's scripts since `mark()`. */
  addsSinceMark(): Entry[]
  mark(): void
  /** Whether history.pushState/replaceState are the page's own functions. */
  historyIntact(): boolean
  historyWrapped(): boolean
  /** Widget timers still pending. */
  timers(): Timer[]
}

/**
 * Installed with `page.addInitScript`, so it runs before any script of the page.
 *
 * Listeners: EventTarget.prototype.addEventListener/removeEventListener are wrapped
 * and every registration on window, document, <html>, navigation and visualViewport
 * is kept in a live list with the DOM's own identity rule (target, type, listener,
 * capture): a second identical add is a no-op, a remove must match the capture
 * flag, `once` listeners leave the list when they run and `signal` ones on abort.
 *
 * "Before load": the snapshot is taken when the widget's `<script
 * id="Reekolect-messenger-widget">` is inserted into the document (host.js adds it
 * after DOMContentLoaded handlers of the parser ran). A MutationObserver callback
 * runs at the microtask checkpoint right after the insertion, and an inserted
 * script only runs after its fetch, in a later task, so the snapshot always
 * precedes the loader's first line, whatever the network timing. That claim is
 * checked, not assumed: the snapshot records whether `window.Reekolect` already
 * existed and how many listeners came from the widget's files, and the test expects
 * `false` and 0.
 *
 * Each registration also records the first stack frame in the widget's files
 * (`/Reekolect.js` = loader, `/assets/<chunk>-<hash>.js` = lazy chunk), so a leak
 * names the chunk that added it.
 */
function recorder(options: { hideNavigation: boolean }) {
  const w = window as unknown as Record<string, unknown>
  if (options.hideNavigation) {
    // The settings chunk then wraps history.pushState/replaceState and listens to popstate.
    Object.defineProperty(window, 'navigation', { value: undefined, configurable: true })
  }
  const proto = EventTarget.prototype
  const nativeAdd = proto.addEventListener
  const nativeRemove = proto.removeEventListener
  const { pushState, replaceState } = history
  const origin = () => {
    const lines = (new Error().stack ?? '').split('\n').slice(1)
    for (const l of lines) {
      const m = /\/(Reekolect\.js|assets\/[\w.-]+\.js):(\d+):(\d+)/.exec(l)
      if (m) return `${m[1]}:${m[2]}:${m[3]}`
    }
    return 'host'
  }
  const labelOf = (t: EventTarget): string | undefined => {
    if (t === window) return 'window'
    if (t === document) return 'document'
    if (t === document.documentElement) return 'html'
    const nav = (window as unknown as { navigation?: EventTarget }).navigation
    if (nav && t === nav) return 'navigation'
    if (window.visualViewport && t === window.visualViewport) return 'visualViewport'
    return undefined
  }
  type Live = Omit<Entry, 'target'> & {
    target: EventTarget
    label: string
    fn: EventListenerOrEventListenerObject
  }
  const live: Live[] = []
  const captureOf = (o?: boolean | EventListenerOptions) =>
    typeof o === 'boolean' ? o : Boolean(o?.capture)
  const find = (t: EventTarget, type: string, fn: unknown, capture: boolean) =>
    live.findIndex((e) => e.target === t && e.type === type && e.fn === fn && e.capture === capture)
  const drop = (entry: Live) => {
    const i = live.indexOf(entry)
    if (i >= 0) live.splice(i, 1)
  }
  let mark = Number.POSITIVE_INFINITY
  let count = 0
  const widgetAdds: (Entry & { n: number })[] = []
  proto.addEventListener = function (
    this: EventTarget,
    type: string,
    fn: EventListenerOrEventListenerObject | null,
    o?: boolean | AddEventListenerOptions,
  ) {
    nativeAdd.call(this, type, fn, o)
    const label = labelOf(this)
    const capture = captureOf(o)
    if (!label || !fn || find(this, type, fn, capture) >= 0) return
    const opts = typeof o === 'object' ? o : {}
    if (opts.signal?.aborted) return
    const entry: Live = { target: this, label, type, fn, capture, origin: origin() }
    live.push(entry)
    if (entry.origin !== 'host') {
      widgetAdds.push({ target: label, type, capture, origin: entry.origin, n: ++count })
    }
    if (opts.once) nativeAdd.call(this, type, () => drop(entry), { once: true, capture })
    opts.signal && nativeAdd.call(opts.signal, 'abort', () => drop(entry), { once: true })
  }
  proto.removeEventListener = function (
    this: EventTarget,
    type: string,
    fn: EventListenerOrEventListenerObject | null,
    o?: boolean | EventListenerOptions,
  ) {
    nativeRemove.call(this, type, fn, o)
    const i = find(this, type, fn, captureOf(o))
    if (i >= 0) live.splice(i, 1)
  }

  // Timers created by the widget's files, until they run or are cancelled.
  type Schedule = (fn: unknown, ...rest: unknown[]) => number
  const pending = new Map<string, Timer>()
  const track = (kind: string, cancelName: string, repeats = false) => {
    const set = w[kind] as Schedule | undefined
    const clear = w[cancelName] as ((id: number) => void) | undefined
    if (!set || !clear) return
    const key = (id: number) => `${kind}:${id}`
    w[kind] = (fn: unknown, delay?: unknown, ...rest: unknown[]) => {
      const from = origin()
      if (typeof fn !== 'function' || from === 'host') return set.call(window, fn, delay, ...rest)
      const id: number = set.call(
        window,
        function (this: unknown, ...args: unknown[]) {
          if (!repeats) pending.delete(key(id))
          return (fn as (...a: unknown[]) => unknown).apply(this, args)
        },
        delay,
        ...rest,
      )
      pending.set(key(id), { kind, delay: typeof delay === 'number' ? delay : 0, origin: from })
      return id
    }
    w[cancelName] = (id: number) => {
      pending.delete(key(id))
      clear.call(window, id)
    }
  }
  track('setTimeout', 'clearTimeout')
  track('setInterval', 'clearInterval', true)
  track('requestAnimationFrame', 'cancelAnimationFrame')
  track('requestIdleCallback', 'cancelIdleCallback')

  const show = (e: Live): Entry => ({
    target: e.label,
    type: e.type,
    capture: e.capture,
    origin: e.origin,
  })
  let before: Live[] = []
  const snapshot = { taken: false, reekolectDefined: false, widgetListeners: 0, sheets: 0 }
  const take = () => {
    if (snapshot.taken) return
    before = [...live]
    snapshot.taken = true
    snapshot.reekolectDefined = 'Reekolect' in window
    snapshot.widgetListeners = live.filter((e) => e.origin !== 'host').length
    snapshot.sheets = document.adoptedStyleSheets.length
  }
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n instanceof HTMLScriptElement && n.id === 'Reekolect-messenger-widget') {
          take()
          observer.disconnect()
          return
        }
      }
    }
  })
  observer.observe(document, { childList: true, subtree: true })

  const rec: Recorder = {
    snapshot,
    added: () => live.filter((e) => !before.includes(e)).map(show),
    removed: () => before.filter((e) => !live.includes(e)).map(show),
    mark: () => {
      mark = count
    },
    addsSinceMark: () => widgetAdds.filter((e) => e.n > mark).map(({ n: _, ...e }) => e),
    historyIntact: () => history.pushState === pushState && history.replaceState === replaceState,
    historyWrapped: () => history.pushState !== pushState || history.replaceState !== replaceState,
    timers: () => [...pending.values()],
  }
  w.__rec = rec
}

/** Calls a method of the page's recorder. */
const rec = <K extends keyof Recorder>(
  page: Page,
  method: K,
): Promise<Recorder[K] extends () => infer R ? R : Recorder[K]> =>
  page.evaluate((m) => {
    const r = (window as unknown as { __rec: Recorder }).__rec
    const v = r[m as keyof Recorder]
    return typeof v === 'function' ? (v as () => unknown)() : v
  }, method) as never

/** Every trigger and alert at once; `afterSeconds` is long, so its timer is pending at shutdown. */
const EVERYTHING = {
  version: 1,
  settings: {
    triggers: { afterSeconds: 60, scrollPercent: 90, exitIntent: true, oncePerSession: false },
    access: { hideOn: ['/nowhere/*'], hideOnMobile: false },
    alerts: { tabTitle: true, sound: false },
    window: { fullScreenOnMobile: true },
  },
  flows: [
    {
      id: 'main',
      nodes: [
        { id: 'hello', type: 'message', text: 'Opened by a trigger.' },
        { id: 'q', type: 'ask', input: 'text', text: 'How can we help?' },
      ],
    },
  ],
}

const cases = [
  {
    name: 'a scroll trigger, with the Navigation API',
    config: '/demo/e2e/config/trigger-scroll.json',
    navigation: true,
    phone: false,
    expected: ['window scroll', 'navigation currententrychange'],
  },
  {
    name: 'access rules, without the Navigation API (history wrapped)',
    config: '/demo/e2e/config/access-hide.json',
    navigation: false,
    phone: false,
    expected: ['window popstate'],
  },
  {
    name: 'every trigger and alert, on a phone',
    config: '/demo/e2e/shutdown-everything.json',
    navigation: true,
    phone: true,
    expected: [
      'window scroll',
      'document mouseout',
      'navigation currententrychange',
      'visualViewport resize',
      'visualViewport scroll',
    ],
  },
]

const key = (e: Entry) => `${e.target} ${e.type}`

for (const c of cases) {
  test(`shutdown removes every listener, timer and wrapper it added: ${c.name}`, async ({
    page,
  }) => {
    const pageErrors: Error[] = []
    page.on('pageerror', (e) => pageErrors.push(e))
    await page.addInitScript(recorder, { hideNavigation: !c.navigation })
    if (c.phone) await page.setViewportSize({ width: 390, height: 700 })
    await page.route('**/demo/e2e/shutdown-everything.json', (route) =>
      route.fulfill({ json: EVERYTHING }),
    )
    const ids = uniqueIds('shutdown')
    await page.goto(hostUrl(ids, undefined, { config: c.config }))
    await expect(page.locator('[data-reekolect]')).toBeAttached()

    // The snapshot was taken before the loader ran.
    const snap = await rec(page, 'snapshot')
    expect(snap).toEqual({ taken: true, reekolectDefined: false, widgetListeners: 0, sheets: 0 })
    expect(await page.evaluate(() => document.title)).toBe('Reekolect e2e host page')

    // A route change re-evaluates the page rules (removes and re-adds their listeners).
    await page.evaluate(() => history.pushState({}, '', `${location.href}&step=1`))
    // Open, then load the commands chunk (`on`), and wait until it runs.
    await page.evaluate(() => window.Reekolect?.('open'))
    await expect(page.getByRole('dialog')).toBeVisible()
    await expect(page.getByRole('dialog')).toContainText('Opened by a trigger.')
    await page.evaluate(() => {
      const R = window.Reekolect
      R?.('on', 'open', () => {})
      R?.('on', 'ready', () => {
        ;(window as unknown as { __ready: boolean }).__ready = true
      })
    })
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __ready?: boolean }).__ready))
      .toBe(true)

    // The recorder sees what the widget added (the test is not vacuous).
    const added = await rec(page, 'added')
    const keys = added.map(key)
    for (const k of [
      'window online',
      'window pageshow',
      'window pagehide',
      'document visibilitychange',
      ...c.expected,
    ]) {
      expect(keys, `listener ${k} while running`).toContain(k)
    }
    expect(added.every((e) => e.origin !== 'host')).toBe(true)
    expect(await rec(page, 'historyWrapped')).toBe(!c.navigation)
    if (c.phone) {
      expect(await page.evaluate(() => document.adoptedStyleSheets.length)).toBeGreaterThan(0)
      // The `afterSeconds: 60` trigger's timer is pending (the timer recorder works).
      expect(await rec(page, 'timers')).toContainEqual(
        expect.objectContaining({ kind: 'setTimeout', delay: 60_000 }),
      )
    }

    await page.evaluate(() => {
      ;(window as unknown as { __rec: Recorder }).__rec.mark()
      window.Reekolect?.('shutdown')
    })

    const check = async (when: string) => {
      const still = await rec(page, 'added')
      expect(still, `listeners the widget left ${when}`).toEqual([])
      expect(await rec(page, 'removed'), `host listeners removed ${when}`).toEqual([])
      expect(await rec(page, 'addsSinceMark'), `listeners re-added ${when}`).toEqual([])
      expect(await rec(page, 'historyIntact'), `history ${when}`).toBe(true)
      await expect(page.locator('[data-reekolect]')).toHaveCount(0)
      expect(await page.evaluate(() => typeof window.Reekolect)).toBe('undefined')
      expect(await page.evaluate(() => document.adoptedStyleSheets.length)).toBe(0)
      expect(await page.evaluate(() => document.title)).toBe('Reekolect e2e host page')
    }
    await check('right after shutdown')
    // Nothing scheduled before shutdown comes back later.
    await page.waitForTimeout(1500)
    await check('1.5 s after shutdown')
    expect(await rec(page, 'timers'), 'widget timers still pending').toEqual([])
    expect(pageErrors).toEqual([])
  })
}
