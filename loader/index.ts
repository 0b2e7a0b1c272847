/**
 * Reekolect.js: the classic script a site owner pastes. It is the only module with
 * top-level side effects and runs on every page view, so it stays
 * tiny: no Preact, no ky, no idb-keyval. It reads its own tag, draws the launcher
 * facade in a shadow root, owns the visitor UUID and the `window.Reekolect` queue,
 * and imports the chat window chunk only when the visitor reaches for it.
 */

import launcherCss from './launcher.css?inline'
import { ASSETS, report } from './log'
import { parseTag } from './parseTag'
import {
  type HostBridge,
  type Mount,
  type QueuedCall,
  type ReekolectApi,
  SESSION_KEY,
  type WidgetChunk,
} from './protocol'
import { createQueue } from './queue'
import { createVisitor, mayHaveSession, type TabLike } from './visitor'

/** URL of the widget entry chunk relative to this script, injected at build time from the widget build's manifest. */
declare const __WIDGET_ENTRY__: string
/** URL of the settings chunk (`widget/config/settings.ts`) relative to this script, from the settings build's manifest. */
declare const __SETTINGS_ENTRY__: string

// Read synchronously: `document.currentScript` is null in callbacks.
const script =
  (document.currentScript as HTMLScriptElement | null) ??
  document.querySelector<HTMLScriptElement>('script[id$="-messenger-widget"]')

/**
 * Runs once per page view; what the host page pays for is measured by `npm run
 * bench` (docs/benchmarks.md). The script's own task only installs
 * `window.Reekolect` (calls queue); when the tag names a configuration document, a
 * timer task right after it starts fetching it. Reading the tag, building and
 * drawing the launcher and reading the tab's session happen in one task when the
 * page is idle.
 */
function boot(w: Window, tag: HTMLScriptElement): void {
  const previous = w.Reekolect
  if (previous?.loaded) {
    report('W_TWICE', 'loaded twice', 'keep one script tag')
    return
  }
  const calls: QueuedCall[] = [...(previous?.q ?? [])]
  /** Loads and mounts the chat window; set once the tag is read (`setup`). */
  let start: (() => void) | undefined
  const queue = createQueue(calls, () => start?.())
  // Typed for hosts by ReekolectApi; untyped calls from plain pages are checked by the widget.
  const api = ((...call: QueuedCall) => queue.push(call)) as ReekolectApi
  api.loaded = true
  w.Reekolect = api

  // getAttribute, not dataset, and no URL parsing before it is needed: each first
  // use of a DOM API is paid by the host page on every view (bench: ~2 ms each for
  // dataset and new URL at 4x CPU throttling).
  const attr = (name: string) => tag.getAttribute(`data-${name}`)
  const mode = attr('mode') === 'page' ? 'page' : 'launcher'
  const html = document.documentElement
  // A URL, not its href: import() and string concatenation take its string form.
  const near = (file: string) => new URL(file, tag.src)
  const visitor = createVisitor()
  let bridge: HostBridge | undefined

  // The bot configuration document (our extension, docs/configuration.md) is opt-in: the platform
  // documents no such endpoint, so the documented tag makes no request and runs the
  // built-in flow. Relative URLs resolve against the page's base URL as it is when
  // this script runs (the host may pushState before the fetch starts). Fetched
  // in parallel with the page, for at most 4 s; 204 means "no document". The
  // settings chunk (loaded only when there is an answer to read) validates and
  // applies it; when it cannot load, one E_LOAD line and the built-in flow.
  const configUrl = attr('config-url')
  const apply = (outcome: unknown) =>
    import(/* @vite-ignore */ `${near(__SETTINGS_ENTRY__)}`).then(
      (m: typeof import('../widget/config/settings')) =>
        m.applySettings(draw().root, api, outcome, configUrl as string),
      () => void report('E_LOAD', 'the settings chunk could not load', ASSETS),
    )
  // The fetch starts in a task of its own, not in the parser's task this script
  // runs in, which is the one at risk of becoming a long task: the page's first
  // fetch() took the loader's evaluation from 2.3 to 4.1 ms at 1× (bench A/B, 9
  // paired runs; the total did not grow).
  const base = configUrl && document.baseURI
  const settings: HostBridge['config'] = configUrl
    ? new Promise((go) => setTimeout(go))
        .then(() =>
          fetch(new URL(configUrl, base as string), { signal: AbortSignal.timeout(4000) }),
        )
        .then((r) => (r.status === 204 ? undefined : apply(r)), apply)
    : Promise.resolve(undefined)

  /** Builds the host element, its shadow root and the launcher, once (not yet in the page). */
  const draw = (): HostBridge => {
    if (bridge) return bridge
    const host = document.createElement('div')
    host.setAttribute('data-reekolect', mode)
    const root = host.attachShadow({ mode: 'open' })
    // Constructable stylesheets: allowed by a strict `style-src` without a nonce
    //. Browsers without them (before Safari 16.4, Firefox 101) cannot
    // run the chat window either: there the loader stops with one E_LOADER line.
    const style = (css: string) => {
      const sheet = new CSSStyleSheet()
      sheet.replaceSync(css)
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
    }
    style(launcherCss)
    if (mode === 'launcher') {
      const button = document.createElement('button')
      // No type="button" needed: a button in a shadow root has no form to submit.
      button.className = 'launcher'
      button.setAttribute('aria-label', 'Open chat')
      button.setAttribute('aria-expanded', 'false')
      // Its glyph is drawn in CSS (launcher.css), its unread badge by the chat's sheet: no child elements.
      // Intent (pointer over, focus) fetches the chunk (once: fetchWidget memoises); the click mounts it.
      button.addEventListener('pointerenter', fetchWidget)
      button.addEventListener('focus', fetchWidget)
      // The click does what the button says: the widget keeps `aria-expanded` up to date
      // once mounted; until then every click opens (a double click must not open and close).
      button.addEventListener('click', () =>
        api(button.getAttribute('aria-expanded') === 'true' ? 'close' : 'open'),
      )
      root.append(button)
    }
    // A host that replaces document.body (some SPA frameworks) takes our element with it: put it back.
    const observer = new MutationObserver(() => host.isConnected || html.append(host))
    bridge = {
      config: settings,
      root,
      uuid: visitor.get,
      newVisitor: visitor.reset,
      observer,
      style,
    }
    return bridge
  }
  let loading: Promise<Mount> | undefined
  /** Imports of the chat chunk retried with a query so far. */
  let retries = 0
  // The chunk loads at intent; warm() then does early what the first open would do
  // in the click's task (widget/index.ts). Each attempt imports the plain URL,
  // which current browsers fetch again after a failure, and if that fails, the URL
  // with a new query, which no browser's module map can hold as failed (older ones
  // keep a failed import: whatwg/html#6768). The plain URL comes first because the
  // lazy chunks import the entry by it: a second copy of the entry would not share
  // their state. An attempt that fails both ways is logged once (`start`).
  const load = (query = '') => import(/* @vite-ignore */ near(__WIDGET_ENTRY__) + query)
  const fetchWidget = () =>
    (loading ||= load()
      .catch(() => load(`?${++retries}`))
      .then((m: WidgetChunk) => {
        m.warm()
        return m.mount
      }))

  /** Reads the tag and draws the launcher; then the queue drains into the widget. */
  const setup = () => {
    // The landing page `/BotId/CustomerId` carries the ids in its path (docs/platform-api.md).
    const text =
      mode === 'page' && !tag.text.trim()
        ? location.pathname.split('/').filter(Boolean).slice(-2).join(',')
        : tag.text
    const ids = parseTag(text)
    if (typeof ids === 'string') {
      report('E_TAG', ids, 'see the embed snippet in the README')
      w.Reekolect = previous
      return
    }
    /** The chat chunk loading and mounting; unset again after a failure, so the next call retries. */
    // biome-ignore lint/correctness/noUnusedVariables: read by the `||=` below
    let mounting: Promise<void> | undefined
    start = () => {
      mounting ||= fetchWidget()
        // The widget reads the tag's other attributes itself (TagOptions).
        .then((mount) => mount(draw(), { ...ids, mode, attr }))
        .then(queue.attach, () => {
          mounting = loading = undefined
          report('E_LOAD', 'the chat could not load', ASSETS)
        })
    }
    // The chat loads at once for the landing page, for queued calls, to reopen a
    // chat that was open on the previous page of this tab ('1'), and to deliver a
    // lead the previous page could not send ('sync'): the widget writes this key.
    // Read only when an earlier page of the site may have written it: the first
    // read is synchronous IPC (mayHaveSession).
    let session: string | null = null
    try {
      if (mayHaveSession(w as TabLike)) session = sessionStorage.getItem(SESSION_KEY)
    } catch {
      /* storage faults are reported by the visitor store */
    }
    const { root, observer } = draw()
    // On <html>, not <body>: a host's `body { transform | filter | will-change }`
    // makes the body the containing block of the fixed launcher (CSS Transforms 1),
    // which would then sit at the end of a long page.
    html.append(root.host)
    if (session === '1') api('open')
    else if (session || mode === 'page' || calls.length) start()
    observer.observe(html, { childList: true })
  }
  // The launcher is drawn when the page is idle (within 1 s), so the loader never
  // lengthens the host's parsing or load tasks (no long task), and once the bot's
  // settings are applied (the fetch gives up after 4 s), so it never moves or
  // flashes a default colour.
  const run = guard(setup)
  const later = () =>
    (self.requestIdleCallback ?? setTimeout)(() => settings.then(run, run), { timeout: 1000 })
  if (document.body) later()
  else document.addEventListener('DOMContentLoaded', later)
}

/** Runs `fn`; a fault becomes one `E_LOADER` console line, never an exception on the host page. */
function guard(fn: () => void): () => void {
  return () => {
    try {
      fn()
    } catch (e) {
      report('E_LOADER', String(e), 'report this bug')
    }
  }
}

guard(() =>
  script
    ? boot(window, script)
    : report('E_TAG', 'no Reekolect script tag', 'see the embed snippet in the README'),
)()
