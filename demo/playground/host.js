// @ts-check
/**
 * The preview's side of the playground (demo/playground/preview.html, in an iframe
 * of the playground, same origin):
 * - adds the real embed tag from the query, `?bot=&customer=&token=`, as a site
 *   would have it (`data-api-url`, `data-token`, the text `BotId,CustomerId`);
 * - `?visitor=new` (sent by the playground after it applied a document) starts a
 *   new visitor: the UUID and the open state are cleared before the loader runs,
 *   `&open=1` reopens the chat; both are then removed from the address, so a
 *   reload of the frame keeps the visitor;
 * - subscribes to the widget's events with `Reekolect('on', …)` and relays them,
 *   and the widget's console lines (`[Reekolect] E_…`), to the playground;
 * - runs the playground's commands (`window.Reekolect(command, ...args)`).
 * Messages go to and come from the parent window of this origin only.
 */
const w = /** @type {any} */ (window)
const query = new URLSearchParams(location.search)
const ORIGIN = location.origin
const embedded = window.parent !== window

if (query.get('visitor') === 'new') {
  try {
    sessionStorage.removeItem('reekolect:uuid')
    if (query.get('open') === '1') sessionStorage.setItem('reekolect:open', '1')
    else sessionStorage.removeItem('reekolect:open')
  } catch {
    /* no storage: every load is a new visitor anyway */
  }
  for (const k of ['visitor', 'open', 'n']) query.delete(k)
  history.replaceState(history.state, '', `${location.pathname}?${query}`)
}

/** @param {Record<string, unknown>} message */
const post = (message) => {
  if (!embedded) return
  try {
    window.parent.postMessage({ source: 'reekolect-preview', ...message }, ORIGIN)
  } catch {
    /* a payload that cannot be cloned is not worth breaking the page for */
  }
}

// The stub of docs/javascript-api.md: calls made before the loader has run are queued and replayed.
w.Reekolect ||= Object.assign((/** @type {unknown[]} */ ...args) => w.Reekolect.q.push(args), {
  q: [],
})

/** Every event of the JavaScript API (loader/protocol.ts, WidgetEvents). */
const EVENTS = [
  'ready',
  'open',
  'close',
  'message',
  'lead:synced',
  'lead:error',
  'flow:end',
  'unread',
]
for (const name of EVENTS)
  w.Reekolect('on', name, (/** @type {unknown} */ payload) =>
    post({ kind: 'event', name, payload: payload === undefined ? null : payload }),
  )

// The widget's diagnostics are console lines: show them in the playground's log too.
for (const level of /** @type {const} */ (['error', 'warn'])) {
  const original = console[level].bind(console)
  console[level] = (/** @type {unknown[]} */ ...args) => {
    if (typeof args[0] === 'string' && args[0].startsWith('[Reekolect]'))
      post({ kind: 'console', name: level, payload: args[0] })
    original(...args)
  }
}

/** Commands the playground may send (loader/protocol.ts, Commands, and the commands chunk). */
const COMMANDS = new Set([
  'open',
  'close',
  'toggle',
  'identify',
  'addTags',
  'removeTags',
  'setAttributes',
  'startFlow',
  'sendMessage',
  'setLocale',
  'reset',
])
window.addEventListener('message', (e) => {
  if (e.origin !== ORIGIN || e.source !== window.parent) return
  const d = e.data
  if (d?.source !== 'reekolect-playground' || !COMMANDS.has(d.command)) return
  if (!Array.isArray(d.args)) return
  w.Reekolect(d.command, ...d.args)
})

// The tag, as the platform's docs give it (docs/platform-api.md).
const tag = document.createElement('script')
tag.id = 'Reekolect-messenger-widget'
tag.src = '/Reekolect.js'
tag.dataset.apiUrl = '/'
tag.dataset.token = query.get('token') ?? 'demo-token'
// The bot configuration document (opt-in): the demo API serves the saved one, or
// 204 (none: the built-in flow).
tag.dataset.configUrl = `/widget/${encodeURIComponent(query.get('bot') ?? '')}/config.json`
tag.defer = true
tag.textContent = `${query.get('bot') ?? ''},${query.get('customer') ?? ''}`
document.head.append(tag)
post({ kind: 'loaded', name: 'preview', payload: { url: location.pathname + location.search } })
