/**
 * Reekolect.js: the classic script a site owner pastes. It is the only module with
 * top-level side effects (DESIGN.md §4.2) and runs on every page view, so it stays
 * tiny: no Preact, no ky, no idb-keyval. It reads its own tag, draws the launcher
 * facade in a shadow root, owns the visitor UUID and the `window.Reekolect` queue,
 * and imports the chat window chunk only when the visitor reaches for it.
 */
import { report } from '../widget/core/log'
import launcherCss from './launcher.css?inline'
import { parseTag } from './parseTag'
import type {
  HostBridge,
  Mount,
  MountedWidget,
  QueuedCall,
  ReekolectApi,
  WidgetConfig,
} from './protocol'
import { createVisitor, SESSION_KEY } from './visitor'

/** URL of the widget entry chunk relative to this script, injected at build time from the widget build's manifest. */
declare const __WIDGET_ENTRY__: string
/** URL of the settings chunk (`widget/config/settings.ts`) relative to this script, from the settings build's manifest. */
declare const __SETTINGS_ENTRY__: string

const DEFAULT_API = 'https://api.v7.express-chat.ai'

// Read synchronously: `document.currentScript` is null in callbacks (DESIGN.md §5).
const script =
  (document.currentScript as HTMLScriptElement | null) ??
  document.querySelector<HTMLScriptElement>('script[id$="-messenger-widget"]')

function boot(w: Window, tag: HTMLScriptElement): void {
  const previous = w.Reekolect
  if (previous?.loaded) {
    report('W_TWICE', 'loaded twice', 'keep one script tag')
    return
  }
  const data = tag.dataset
  const mode = data.mode === 'page' ? 'page' : 'launcher'
  // The landing page `/BotId/CustomerId` carries the ids in its path (seed 001, "For Chatbot Page URL").
  const text =
    mode === 'page' && !tag.text.trim()
      ? location.pathname.split('/').filter(Boolean).slice(-2).join(',')
      : tag.text
  const ids = parseTag(text)
  if (typeof ids === 'string') {
    report('E_TAG', ids, 'see the embed snippet in the README')
    return
  }
  const config: WidgetConfig = {
    ...ids,
    apiUrl: new URL(data.apiUrl || DEFAULT_API, location.href).href.replace(/\/+$/, ''),
    token: data.token || '',
    mode,
    locale: data.locale,
  }
  // The bot configuration document (our extension, README): `data-config-url`, by
  // default on the API origin; "none" runs the built-in flow without a request.
  const configUrl =
    data.configUrl !== 'none' &&
    new URL(data.configUrl || `${config.apiUrl}/widget/${ids.botId}/config.json`, location.href)
      .href
  const visitor = createVisitor()
  const queue: QueuedCall[] = previous?.q ? [...previous.q] : []
  let widget: MountedWidget | undefined
  let loading: Promise<Mount> | undefined

  const host = document.createElement('div')
  host.setAttribute('data-reekolect', mode)
  const root = host.attachShadow({ mode: 'open' })
  // Constructable stylesheets: allowed by a strict `style-src` without a nonce
  // (DESIGN.md §5). Browsers without them (before Safari 16.4, Firefox 101) cannot
  // run the chat window either: there the loader stops with one E_LOADER line.
  const style = (css: string) => {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
  }
  style(launcherCss)

  const near = (file: string) => new URL(file, tag.src).href
  const fetchWidget = () =>
    (loading ||= import(/* @vite-ignore */ near(__WIDGET_ENTRY__)).then(
      (m: { mount: Mount }) => m.mount,
    ))
  const start = (call?: QueuedCall) => {
    if (call) queue.push(call)
    fetchWidget().then(
      (mount) => {
        widget ||= mount(bridge, config)
        for (const c of queue.splice(0)) widget.dispatch(...c)
      },
      () => {
        loading = undefined
        report('E_LOAD', 'the chat could not load', 'serve assets/ next to Reekolect.js')
      },
    )
  }
  // A host that replaces document.body (some SPA frameworks) takes our element with it: put it back.
  const html = document.documentElement
  const observer = new MutationObserver(() => host.isConnected || html.append(host))
  const apply = (outcome: unknown) =>
    import(/* @vite-ignore */ near(__SETTINGS_ENTRY__)).then(
      (m: typeof import('../widget/config/settings')) =>
        m.applySettings({ root, open: () => api('open') }, outcome, configUrl as string),
    )
  // Started now, in parallel with the page; 204 means "no document". The settings
  // chunk (only loaded when there is an answer to read) validates and applies it.
  const settings: HostBridge['config'] = configUrl
    ? fetch(configUrl, { signal: AbortSignal.timeout(4000) }).then(
        (r) => (r.status - 204 ? apply(r) : undefined),
        apply,
      )
    : Promise.resolve(undefined)
  const bridge: HostBridge = {
    config: settings,
    root,
    uuid: visitor.get,
    newVisitor: visitor.reset,
    observer,
    style,
  }

  if (mode === 'launcher') {
    const button = document.createElement('button')
    // No type="button" needed: a button in a shadow root has no form to submit.
    button.className = 'launcher'
    button.setAttribute('aria-label', 'Open chat')
    button.setAttribute('aria-expanded', 'false')
    const badge = document.createElement('span')
    badge.className = 'badge'
    badge.setAttribute('aria-hidden', 'true')
    const glyph = document.createElement('span')
    glyph.className = 'i' // a speech bubble, or a cross while open: drawn in CSS, no SVG bytes
    button.append(glyph, badge)
    // Intent (pointer over, focus) fetches the chunk (once: fetchWidget memoises); the click mounts it.
    button.addEventListener('pointerenter', fetchWidget)
    button.addEventListener('focus', fetchWidget)
    button.addEventListener('click', () => (widget ? widget.dispatch('toggle') : start(['open'])))
    root.append(button)
  }

  // Typed for hosts by ReekolectApi; untyped calls from plain pages are checked by the widget.
  const api = ((command: string, ...args: unknown[]) =>
    widget ? widget.dispatch(command, ...args) : start([command, ...args])) as ReekolectApi
  api.loaded = true
  w.Reekolect = api

  // Load at once for the landing page, for queued calls, to reopen a chat that was
  // open on the previous page of this tab ('1'), and to deliver a lead the previous
  // page could not send ('sync'): the widget writes this key (see SESSION_KEY).
  let session: string | null = null
  try {
    session = sessionStorage.getItem(SESSION_KEY)
  } catch {
    /* storage faults are reported by the visitor store */
  }
  const attach = () => {
    ;(document.body ?? html).append(host)
    if (session === '1') start(['open'])
    else if (session || mode === 'page' || queue.length) start()
    observer.observe(html, { childList: true })
  }
  // The launcher is drawn in its own task when the page is idle (within 1 s), so
  // the loader never lengthens the host's parsing or load tasks (no long task),
  // and once the bot's settings are applied (the fetch gives up after 4 s), so it
  // never moves or flashes a default colour. `window.Reekolect` is ready at once.
  const later = () =>
    (self.requestIdleCallback ?? setTimeout)(() => settings.then(attach, attach), { timeout: 1000 })
  if (document.body) later()
  else document.addEventListener('DOMContentLoaded', later, { once: true })
}

try {
  if (script) boot(window, script)
  else report('E_TAG', 'no Reekolect script tag', 'see the embed snippet in the README')
} catch (e) {
  report('E_LOADER', String(e), 'report this bug')
}
