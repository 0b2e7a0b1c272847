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
import {
  type Command,
  type QueuedCall,
  SESSION_KEY,
  UUID_KEY,
  type WidgetEvents,
} from '../../loader/protocol'
import { isRecord } from './jsontext'
import type { PlaygroundMessage, PreviewMessage } from './preview'

const query = new URLSearchParams(location.search)
const ORIGIN = location.origin
const embedded = window.parent !== window

if (query.get('visitor') === 'new') {
  try {
    sessionStorage.removeItem(UUID_KEY)
    if (query.get('open') === '1') sessionStorage.setItem(SESSION_KEY, '1')
    else sessionStorage.removeItem(SESSION_KEY)
  } catch {
    /* no storage: every load is a new visitor anyway */
  }
  for (const k of ['visitor', 'open', 'n']) query.delete(k)
  history.replaceState(history.state, '', `${location.pathname}?${query}`)
}

const post = (message: Omit<PreviewMessage, 'source'>) => {
  if (!embedded) return
  try {
    const full: PreviewMessage = { source: 'reekolect-preview', ...message }
    window.parent.postMessage(full, ORIGIN)
  } catch {
    /* a payload that cannot be cloned is not worth breaking the page for */
  }
}

// The stub of docs/javascript-api.md: calls made before the loader has run are queued and replayed.
if (!window.Reekolect) {
  const q: QueuedCall[] = []
  window.Reekolect = Object.assign((...args: QueuedCall) => void q.push(args), { q })
}

/**
 * `window.Reekolect(command, ...args)` for a command and arguments known only at
 * run time (the playground's messages): the widget checks them itself and names a
 * bad one in a console line (`E_COMMAND`, `E_ARGS`), which the log shows.
 */
const call = (command: string, args: unknown[]) =>
  (window.Reekolect as ((command: string, ...args: unknown[]) => void) | undefined)?.(
    command,
    ...args,
  )

/** Every event of the JavaScript API (loader/protocol.ts, WidgetEvents): the log shows each. */
const EVENTS = {
  ready: true,
  open: true,
  close: true,
  message: true,
  'lead:synced': true,
  'lead:error': true,
  'flow:end': true,
  unread: true,
} satisfies Record<keyof WidgetEvents, true>
for (const name of Object.keys(EVENTS) as (keyof WidgetEvents)[])
  window.Reekolect?.('on', name, (payload) =>
    post({ kind: 'event', name, payload: payload === undefined ? null : payload }),
  )

// The widget's diagnostics are console lines: show them in the playground's log too.
for (const level of ['error', 'warn'] as const) {
  const original = console[level].bind(console)
  console[level] = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('[Reekolect]'))
      post({ kind: 'console', name: level, payload: args[0] })
    original(...args)
  }
}

/**
 * Commands the playground may send (loader/protocol.ts, Commands): all but the
 * ones that take a function (`on`, `off`) and `shutdown`, which would leave the
 * preview without a widget until it is restarted.
 */
const COMMANDS = new Set<string>(
  Object.keys({
    open: true,
    close: true,
    toggle: true,
    identify: true,
    addTags: true,
    removeTags: true,
    setAttributes: true,
    startFlow: true,
    sendMessage: true,
    showMessage: true,
    setLocale: true,
    handoff: true,
    reset: true,
  } satisfies Record<Exclude<Command, 'on' | 'off' | 'shutdown'>, true>),
)
const isCommand = (d: unknown): d is PlaygroundMessage =>
  isRecord(d) &&
  d.source === 'reekolect-playground' &&
  typeof d.command === 'string' &&
  COMMANDS.has(d.command) &&
  Array.isArray(d.args)
window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (e.origin !== ORIGIN || e.source !== window.parent) return
  if (isCommand(e.data)) call(e.data.command, e.data.args)
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
