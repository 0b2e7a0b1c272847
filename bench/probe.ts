/**
 * The in-page probe of the benchmark, installed with `context.addInitScript`, so
 * it runs before any script of the page. It is plain JavaScript in a string on
 * purpose: tsx (esbuild with keepNames) wraps functions in `__name(...)`, which
 * does not exist in the page when Playwright serialises a function.
 *
 * Everything it records lives on `window.__bench` (see {@link Probe}); times are
 * `performance.now()` / `Event.timeStamp` values, i.e. ms since navigation start.
 */

/** One measured keystroke of the typing test. */
export interface KeySample {
  key: string
  /** keydown `Event.timeStamp`: when the browser received the key. */
  t0: number
  /** When the `input` event reached the window (value already changed). */
  input?: number
  /** The next animation frame after the input. */
  frame?: number
  /** Right after that frame was rendered (a message posted from the rAF callback). */
  painted?: number
  /** The input's value in that frame. */
  value?: string
}

/** What the probe recorded, as read back with `JSON.parse`. */
export interface Probe {
  longtasks: { start: number; duration: number }[]
  cls: number
  /**
   * The part of `cls` from shifts with a source in the widget: its host element, or
   * a node Chromium hides (`node` null: inside a shadow tree, and on the bench pages
   * only the widget has one).
   */
  ownCls: number
  shifts: number
  fp: number | null
  fcp: number | null
  /** Launcher host element appended to the document. */
  launcherInDom: number | null
  /** First animation frame in which the launcher button has a box and is visible. */
  launcher: number | null
  /** First pointerover / pointerdown on the launcher (`Event.timeStamp`). */
  over: number | null
  down: number | null
  /** The chat window (`section.win`) in the shadow root. */
  winInDom: number | null
  /** First `.msg.bot` in the shadow root, and two animation frames later (painted). */
  botInDom: number | null
  opened: number | null
  messages: number
  /** Event Timing entries of interactions (pointer, click, key): start, duration (8 ms granularity). */
  events: { name: string; start: number; duration: number; id: number }[]
  keys: KeySample[]
  dcl: number
  load: number
}

/** Source of the probe (an init script). */
export const PROBE_SCRIPT = `(() => {
  if (window.top !== window || window.__bench) return
  const b = {
    longtasks: [], cls: 0, ownCls: 0, shifts: 0, fp: null, fcp: null,
    launcherInDom: null, launcher: null, over: null, down: null,
    winInDom: null, botInDom: null, opened: null, messages: 0, events: [], keys: [], dcl: 0, load: 0,
  }
  Object.defineProperty(window, '__bench', { value: b, enumerable: false })
  const observe = (type, fn) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(fn)).observe({ type, buffered: true })
    } catch (e) {}
  }
  observe('longtask', (e) => b.longtasks.push({ start: e.startTime, duration: e.duration }))
  try {
    new PerformanceObserver((list) => list.getEntries().forEach((e) => {
      if (e.interactionId) b.events.push({ name: e.name, start: e.startTime, duration: e.duration, id: e.interactionId })
    })).observe({ type: 'event', durationThreshold: 16, buffered: true })
  } catch (e) {}
  observe('layout-shift', (e) => {
    if (e.hadRecentInput) return
    b.cls += e.value
    b.shifts++
    // Chromium hides a source node inside a shadow tree (node null); on the bench
    // pages only the widget has one.
    const h = document.querySelector('div[data-reekolect]')
    if (h && (e.sources || []).some((s) => !s.node || s.node === h)) b.ownCls += e.value
  })
  observe('paint', (e) => {
    if (e.name === 'first-paint') b.fp = e.startTime
    if (e.name === 'first-contentful-paint') b.fcp = e.startTime
  })
  const host = () => document.querySelector('div[data-reekolect]')
  const root = () => { const h = host(); return h ? h.shadowRoot : null }
  const button = () => { const r = root(); return r ? r.querySelector('button.launcher') : null }

  // Launcher: found by a MutationObserver, then checked once per frame until it has a box.
  const tick = () => {
    const el = button()
    if (el) {
      const r = el.getBoundingClientRect()
      const shown = !el.checkVisibility || el.checkVisibility({ opacityProperty: true, visibilityProperty: true })
      if (r.width > 0 && r.height > 0 && shown) { b.launcher = performance.now(); return }
    }
    requestAnimationFrame(tick)
  }
  const mo = new MutationObserver(() => {
    if (!host()) return
    b.launcherInDom = performance.now()
    mo.disconnect()
    requestAnimationFrame(tick)
  })
  mo.observe(document, { childList: true, subtree: true })
  document.addEventListener('DOMContentLoaded', () => { b.dcl = performance.now() })
  window.addEventListener('load', () => { b.load = performance.now() })

  // Open latency: pointer on the launcher -> first bot message -> two frames (painted).
  // whenOpened() resolves then, so the driver need not poll the page while it measures.
  let openedResolve = null
  const opened = new Promise((resolve) => { openedResolve = resolve })
  Object.defineProperty(b, 'whenOpened', { enumerable: false, value: () => opened })
  const onLauncher = (e) => e.target === host()
  const armOpen = () => {
    const r = root()
    if (!r || b.botInDom !== null) return
    const check = () => {
      if (b.winInDom === null && r.querySelector('section.win')) b.winInDom = performance.now()
      if (b.botInDom !== null || !r.querySelector('.msg.bot')) return false
      b.botInDom = performance.now()
      requestAnimationFrame(() => requestAnimationFrame(() => {
        b.opened = performance.now()
        b.messages = r.querySelectorAll('.msg').length
        if (openedResolve) openedResolve(true)
      }))
      return true
    }
    if (check()) return
    const seen = new MutationObserver(() => { if (check()) seen.disconnect() })
    seen.observe(r, { childList: true, subtree: true })
  }
  window.addEventListener('pointerover', (e) => {
    if (b.over === null && onLauncher(e)) b.over = e.timeStamp
  }, true)
  window.addEventListener('pointerdown', (e) => {
    if (b.down === null && onLauncher(e)) { b.down = e.timeStamp; armOpen() }
  }, true)

  // Typing latency: keydown -> input event -> next frame -> after that frame rendered.
  // keyPainted(i) resolves when key i is measured, so the driver need not poll the page.
  let pending = null
  let waiter = null
  const settle = () => {
    if (waiter && b.keys[waiter.i] && b.keys[waiter.i].painted !== undefined) {
      const w = waiter
      waiter = null
      w.resolve(true)
    }
  }
  Object.defineProperty(b, 'keyPainted', {
    enumerable: false,
    value: (i) => new Promise((resolve) => { waiter = { i, resolve }; settle() }),
  })
  window.addEventListener('keydown', (e) => {
    pending = { key: e.key, t0: e.timeStamp }
    b.keys.push(pending)
  }, true)
  window.addEventListener('input', (e) => {
    const k = pending
    if (!k || k.input !== undefined) return
    k.input = performance.now()
    const target = e.composedPath()[0]
    requestAnimationFrame(() => {
      k.frame = performance.now()
      k.value = target && 'value' in target ? String(target.value) : ''
      const ch = new MessageChannel()
      ch.port1.onmessage = () => { k.painted = performance.now(); settle() }
      ch.port2.postMessage(0)
    })
  }, true)
})()`

/**
 * The `host` scenario's probe: a buffered long-task observer and nothing else, so
 * the measured pages run no probe code but its callbacks. Entries land on
 * `window.__benchLong` as `[startTime, duration]`, ms.
 */
export const HOST_PROBE_SCRIPT = `(() => {
  if (window.top !== window || window.__benchLong) return
  const long = []
  Object.defineProperty(window, '__benchLong', { value: long, enumerable: false })
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) long.push([e.startTime, e.duration])
    }).observe({ type: 'longtask', buffered: true })
  } catch (e) {}
})()`
