/**
 * The chat window chunk's composition root. Importing it does nothing
 * (DESIGN.md §4.2); the loader calls {@link mount}.
 */
import { effect, signal } from '@preact/signals-core'
import { h, render } from 'preact'
import type { HostBridge, Mount, MountedWidget, WidgetConfig } from '../loader/protocol'
import { SESSION_KEY } from '../loader/visitor'
import { createActions } from './core/actions'
import { createLeadSender } from './core/api'
import { createEmitter } from './core/events'
import { builtinFlow } from './core/flow'
import {
  dirOf,
  LANGUAGES,
  languageOf,
  loadCatalogue,
  type Translate,
  translator,
} from './core/i18n'
import { report } from './core/log'
import { createOutbox } from './core/outbox'
import { createState } from './core/state'
import { createKv } from './core/storage'
import { ChatWindow } from './ui/ChatWindow'
import css from './ui/chat.css?inline'

/** Guesses the dial-code country from the locale's region (`en-GB` → `GB`), no network. */
function regionOf(locale: string): string {
  try {
    return new Intl.Locale(locale).maximize().region ?? 'US'
  } catch {
    return 'US'
  }
}

/**
 * Mounts the chat window into the loader's shadow root.
 *
 * English mounts synchronously. Other languages first load their catalogue chunk;
 * commands dispatched meanwhile are kept and run in order once mounted.
 *
 * @param host what the loader provides (shadow root, visitor UUID, launcher state, styling).
 * @param config the options read from the script tag; `config.locale`, else the
 *   browser's language, picks the catalogue.
 * @returns `dispatch` for host commands and `unmount`, which removes everything it added.
 */
export const mount: Mount = (host: HostBridge, config: WidgetConfig): MountedWidget => {
  const locale = config.locale || navigator.language || 'en'
  if (!LANGUAGES.includes(languageOf(locale)) || languageOf(locale) === 'en') {
    return start(host, config, locale, translator())
  }
  let widget: MountedWidget | undefined
  let stopped = false
  const early: [string, unknown[]][] = []
  void loadCatalogue(locale).then((cat) => {
    if (stopped) return
    widget = start(host, config, locale, translator(cat))
    for (const [command, args] of early.splice(0)) widget.dispatch(command, ...args)
  })
  return {
    dispatch: (command, ...args) =>
      widget ? widget.dispatch(command, ...args) : void early.push([command, args]),
    unmount() {
      stopped = true
      widget?.unmount()
    },
  }
}

function start(
  host: HostBridge,
  config: WidgetConfig,
  locale: string,
  t: Translate,
): MountedWidget {
  const state = createState()
  const kv = createKv()
  const events = createEmitter()
  const waiting = signal(false)
  const outbox = createOutbox(kv, createLeadSender(config), {
    synced: (p) => events.emit('lead:synced', { uuid: p.uuid }),
    error: (code, status) => events.emit('lead:error', { code, status }),
    pending: (w) => {
      waiting.value = w
    },
  })
  const ids = () => ({ uuid: host.uuid(), botId: config.botId, customerId: config.customerId })
  const actions = createActions(state, {
    flow: builtinFlow(t),
    kv,
    ids,
    sync: outbox.put,
    phone: async (raw, country) => (await import('./core/phone')).parsePhone(raw, country),
  })

  host.style(css)
  const container = document.createElement('div')
  host.root.append(container)
  render(
    h(ChatWindow, {
      state,
      actions,
      t,
      locale,
      dir: dirOf(locale),
      country: regionOf(locale),
      mode: config.mode,
    }),
    container,
  )
  // State → launcher and host events. Each effect first runs at mount; events start after it.
  let mounted = false
  let lastId = 0
  const effects = [
    effect(() => {
      const open = state.open.value
      host.launcher(open, state.unread.value, t(open ? 'close' : 'open'))
    }),
    effect(() => {
      const open = state.open.value
      if (mounted) events.emit(open ? 'open' : 'close', undefined)
    }),
    // Tells the loader of the next page in this tab to reopen the chat, or to load
    // it closed to deliver a waiting lead (loader/visitor.ts SESSION_KEY).
    effect(() => {
      const value = state.open.value ? '1' : waiting.value ? 'sync' : ''
      try {
        if (value) sessionStorage.setItem(SESSION_KEY, value)
        else sessionStorage.removeItem(SESSION_KEY)
      } catch {
        /* without sessionStorage the next page simply starts closed */
      }
    }),
    effect(() => {
      const count = state.unread.value
      if (mounted) events.emit('unread', { count })
    }),
    effect(() => {
      for (const m of state.messages.value) {
        if (m.id <= lastId) continue
        if (mounted) events.emit('message', { from: m.from, text: m.text, at: m.at })
        lastId = m.id
      }
    }),
    effect(() => {
      const ended = !state.ask.value && state.messages.value.length > 0
      if (mounted && ended) events.emit('flow:end', undefined)
    }),
  ]

  // Deliver pending leads now, when the network returns, and on page hide
  // (keepalive fetch: sendBeacon cannot send the x-bp-token header, DESIGN.md §5).
  const flushNow = () => void outbox.flush(false, true)
  const onVisibility = () =>
    document.visibilityState === 'hidden' ? void outbox.flush(true) : flushNow()
  const listeners: [EventTarget, string, () => void][] = [
    [window, 'online', flushNow],
    [window, 'pageshow', flushNow],
    [window, 'pagehide', () => void outbox.flush(true)],
    [document, 'visibilitychange', onVisibility],
  ]
  for (const [target, type, fn] of listeners) target.addEventListener(type, fn)
  void outbox.flush()
  if (config.mode === 'page') actions.open()

  const unmount = () => {
    for (const stop of effects) stop()
    events.clear()
    outbox.dispose()
    for (const [target, type, fn] of listeners) target.removeEventListener(type, fn)
    render(null, container)
    container.remove()
  }
  // open/close/toggle run at once. The other host commands live in their own chunk
  // (not needed to chat): once one is called, every later call is chained behind it,
  // so calls still run in the order they were made.
  const basic: Record<string, () => void> = {
    open: actions.open,
    close: actions.close,
    toggle: actions.toggle,
  }
  let table: Promise<Record<string, (...args: unknown[]) => void>> | undefined
  let chain: Promise<unknown> = Promise.resolve()
  const lazy = () =>
    (table ||= import('./core/commands').then(
      (m): Record<string, (...args: unknown[]) => void> => ({
        ...basic,
        ...m.createCommands({
          actions,
          events,
          reset() {
            const previous = host.uuid()
            host.newVisitor()
            void actions.reset(previous)
          },
          shutdown() {
            unmount()
            host.observer.disconnect()
            host.root.host.remove()
            delete window.Reekolect
          },
        }),
      }),
    ))
  mounted = true
  events.emit('ready', { uuid: host.uuid() })
  const unknown = (command: unknown) =>
    report(
      'E_COMMAND',
      `unknown command "${String(command)}"`,
      'see the JavaScript API in the README',
    )
  return {
    dispatch(command, ...args) {
      const run = Object.hasOwn(basic, command) ? basic[command] : undefined
      if (run && !table) return run()
      chain = chain
        .then(lazy)
        .then((t) => (Object.hasOwn(t, command) ? t[command]?.(...args) : unknown(command)))
        .catch(() =>
          report(
            'E_LOAD',
            'the command chunk could not load',
            'serve assets/ next to Reekolect.js',
          ),
        )
    },
    unmount,
  }
}
