/**
 * Reekolect.js: the classic script a site owner pastes. It is the only module with
 * top-level side effects (DESIGN.md §4.2) and runs on every page view, so it stays
 * tiny: no Preact, no ky, no idb-keyval. It reads its own tag, draws the launcher
 * facade in a shadow root, owns the visitor UUID and the `window.Reekolect` queue,
 * and imports the chat window chunk only when the visitor reaches for it.
 */
import { report, warn } from '../widget/core/log'
import launcherCss from './launcher.css?inline'
import { parseTag } from './parseTag'
import type { HostBridge, Mount, MountedWidget, QueuedCall, WidgetConfig } from './protocol'
import { createVisitor } from './visitor'

/** URL of the widget entry chunk relative to this script, injected at build time from the widget build's manifest. */
declare const __WIDGET_ENTRY__: string

/** `window.Reekolect`: call it like `Reekolect('open')`. A stub may have queued calls in `q` before this script ran. */
type Api = ((command: string, ...args: unknown[]) => void) & { q?: QueuedCall[]; loaded?: boolean }

const DEFAULT_API = 'https://api.v7.express-chat.ai'
const SVG = 'http://www.w3.org/2000/svg'
const CHAT_ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z'
const CLOSE_ICON =
  'M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 0 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z'

// Read synchronously: `document.currentScript` is null in callbacks (DESIGN.md §5).
const script =
  (document.currentScript as HTMLScriptElement | null) ??
  document.querySelector<HTMLScriptElement>('script[id$="-messenger-widget"]')

function icon(d: string, cls: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg')
  const path = document.createElementNS(SVG, 'path')
  svg.setAttribute('viewBox', '0 0 24 24')
  svg.setAttribute('aria-hidden', 'true')
  svg.setAttribute('class', cls)
  path.setAttribute('d', d)
  svg.append(path)
  return svg
}

function boot(w: Window & { Reekolect?: Api }, tag: HTMLScriptElement): void {
  const previous = w.Reekolect
  if (previous?.loaded) {
    warn(
      'W_TWICE',
      'Reekolect.js is loaded twice',
      'keep one script tag; the first one stays in charge',
    )
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
    report('E_TAG', ids, 'write the ids as <script …>BotId,CustomerId</script>')
    return
  }
  const config: WidgetConfig = {
    ...ids,
    apiUrl: new URL(data.apiUrl || DEFAULT_API, location.href).href.replace(/\/+$/, ''),
    token: data.token || '',
    mode,
    locale: data.locale,
    nonce: tag.nonce || undefined,
  }
  const visitor = createVisitor()
  const queue: QueuedCall[] = previous?.q ? [...previous.q] : []
  let widget: MountedWidget | undefined
  let loading: Promise<Mount> | undefined

  const host = document.createElement('div')
  host.setAttribute('data-reekolect', mode)
  const root = host.attachShadow({ mode: 'open' })
  const style = (css: string) => {
    try {
      const sheet = new CSSStyleSheet()
      sheet.replaceSync(css)
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
    } catch {
      // Old engines without constructable stylesheets: a <style> carrying the tag's nonce.
      const el = document.createElement('style')
      if (config.nonce) el.nonce = config.nonce
      el.textContent = css
      root.append(el)
    }
  }
  style(launcherCss)

  let button: HTMLButtonElement | undefined
  let badge: HTMLSpanElement | undefined
  const fetchWidget = () =>
    (loading ||= import(/* @vite-ignore */ new URL(__WIDGET_ENTRY__, tag.src).href).then(
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
        report(
          'E_LOAD',
          'the chat window could not be loaded',
          'check that the assets/ folder is served next to Reekolect.js',
        )
      },
    )
  }
  const bridge: HostBridge = {
    root,
    uuid: visitor.get,
    style,
    launcher(open, unread) {
      if (!button || !badge) return
      const was = button.getAttribute('aria-expanded') === 'true'
      button.setAttribute('aria-expanded', String(open))
      button.setAttribute('aria-label', open ? 'Close chat' : 'Open chat')
      badge.textContent = unread > 0 && !open ? String(Math.min(unread, 99)) : ''
      // Focus returns to the launcher when the chat closes with focus inside it (WCAG 2.4.3).
      if (was && !open && root.activeElement) button.focus()
    },
  }

  if (mode === 'launcher') {
    button = document.createElement('button')
    button.type = 'button'
    button.className = 'launcher'
    button.setAttribute('aria-label', 'Open chat')
    button.setAttribute('aria-expanded', 'false')
    badge = document.createElement('span')
    badge.className = 'badge'
    badge.setAttribute('aria-hidden', 'true')
    button.append(icon(CHAT_ICON, 'chat'), icon(CLOSE_ICON, 'x'), badge)
    // Intent (pointer over, focus) fetches the chunk; the click mounts it.
    button.addEventListener('pointerenter', fetchWidget, { once: true })
    button.addEventListener('focus', fetchWidget, { once: true })
    button.addEventListener('click', () => (widget ? widget.dispatch('toggle') : start(['open'])))
    root.append(button)
  }

  const api: Api = (command, ...args) =>
    widget ? widget.dispatch(command, ...args) : start([command, ...args])
  api.loaded = true
  w.Reekolect = api

  const attach = () => {
    ;(document.body ?? document.documentElement).append(host)
    if (mode === 'page' || queue.length) start()
  }
  if (document.body) attach()
  else document.addEventListener('DOMContentLoaded', attach, { once: true })
}

try {
  if (script) boot(window, script)
  else
    report(
      'E_TAG',
      'cannot find the Reekolect script tag',
      'give the tag id="Reekolect-messenger-widget"',
    )
} catch (e) {
  report('E_LOADER', `the loader failed (${String(e)})`, 'please report this with your page URL')
}
