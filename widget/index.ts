/**
 * The chat window chunk's composition root. Importing it does nothing
 *; the loader calls {@link warm} once the chunk has loaded at
 * intent, and {@link mount} to open the chat.
 */
import { effect, signal } from '@preact/signals-core'
import { h, render } from 'preact'
import { ASSETS, report } from '../loader/log'
import {
  type HostBridge,
  type Mount,
  type MountedWidget,
  SESSION_KEY,
  type TagOptions,
  UUID_KEY,
  type WidgetChunk,
  type WidgetConfig,
} from '../loader/protocol'
import type { BotConfig } from './config/schema'
import type { LoadedConfig } from './config/settings'
import { chatKey, createActions } from './core/actions'
import { createLeadSender } from './core/api'
import { builtinFlow, graph } from './core/flow'
import { type Catalogue, dirOf, loadCatalogue, type Translate, translator } from './core/i18n'
import { createOutbox, type OutboxEvents } from './core/outbox'
import { DAY } from './core/retention'
import { markEntry, type NavigationLike } from './core/session'
import { createState } from './core/state'
import { createKv, type Kv } from './core/storage'
import { widgetConfig } from './core/tag'
import { roughPhone } from './core/validate'
import type { Rich } from './rich'
import { ChatWindow, type ChatWindowProps } from './ui/ChatWindow'
import css from './ui/chat.css?inline'

/** The loader's bridge, with the configuration document as the settings chunk validated it. */
type Host = HostBridge<BotConfig>

/**
 * Shows the chat's state on the loader's launcher: `aria-expanded`, its accessible
 * name in the visitor's language (`label`, which carries the unread count), and
 * `unread` (0 while open, capped at 99 by the caller) on its badge (`data-unread`).
 * Focus returns to it when the chat closes with focus inside (WCAG 2.4.3).
 */
function launcher(root: ShadowRoot, open: boolean, unread: number, label: string): void {
  const button = root.querySelector('.launcher')
  if (!button) return
  const was = button.getAttribute('aria-expanded') === 'true'
  button.setAttribute('aria-expanded', String(open))
  button.setAttribute('aria-label', label)
  // Drawn by the chat's sheet (chat.css, [data-unread]::after) on the loader's button.
  if (unread) button.setAttribute('data-unread', String(unread))
  else button.removeAttribute('data-unread')
  if (was && !open && root.activeElement) (button as HTMLElement).focus()
}

/**
 * Mounts the chat window into the loader's shadow root.
 *
 * It first waits for the bot's configuration document (fetched by the loader at
 * page load) and, where needed, the visitor's catalogue and the configured-bot
 * chunk; commands dispatched meanwhile are kept and run in order once mounted.
 *
 * @param host what the loader provides (shadow root, visitor UUID, launcher state, styling).
 * @param tag the script tag's ids, mode and `data-*` attributes ({@link widgetConfig});
 *   `data-locale`, else the browser's language, picks the catalogue.
 * @returns `dispatch` for host commands and `unmount`, which removes everything it added.
 */
export const mount: Mount<BotConfig> = (host: Host, tag: TagOptions): MountedWidget => {
  const config = widgetConfig(tag)
  let widget: MountedWidget | undefined
  let stopped = false
  const early: [string, unknown[]][] = []
  void prepare(host, config).then((ready) => {
    if (stopped) return
    widget = start(host, config, ready)
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

/** What {@link start} needs that may take a request: the bot's document, its chunk, the catalogue. */
interface Ready {
  locale: string
  t: Translate
  loaded: LoadedConfig | undefined
  rich: Rich | undefined
}

/**
 * The translator of `locale`: its catalogue chunk (none for English), under a
 * configured bot's strings, under the document's window texts.
 */
const translate = async (locale: string, rich?: Rich) =>
  translator({
    ...rich?.strings(locale),
    ...(await loadCatalogue(locale)),
    ...rich?.texts,
  } as Catalogue)

/**
 * Waits for the configuration document the loader fetched (already settled when
 * the visitor clicks), loads the configured-bot chunk for a configured bot, then
 * the visitor's catalogue. English with the built-in flow needs no request at all.
 * Any failure degrades: English, built-in flow.
 */
async function prepare(host: Host, config: WidgetConfig): Promise<Ready> {
  const loaded = await host.config.catch(() => undefined)
  const ids = () => ({ uuid: host.uuid(), botId: config.botId, customerId: config.customerId })
  const rich =
    loaded &&
    (await import('./rich').then(
      (m) => m.createRich(loaded.config, ids),
      () => report('E_LOAD', 'the configured-bot chunk could not load', ASSETS),
    ))
  const locale = config.locale || rich?.language || navigator.language || 'en'
  return { locale, t: await translate(locale, rich || undefined), loaded, rich: rich || undefined }
}

/**
 * Whether the visitor's UUID will be created on this page: the tab's
 * `sessionStorage` holds none yet (none of this page's, nor of another page or
 * frame of the tab). Asked before the first `host.uuid()` of a chat, which
 * creates and stores one. Unreadable storage answers false, the safe side: the
 * saved chat is then looked for as usual.
 */
function isFresh(): boolean {
  return storedUuid() === ''
}

/** The UUID the tab's `sessionStorage` holds: '' when none, undefined when storage cannot be read. */
function storedUuid(): string | undefined {
  try {
    return sessionStorage.getItem(UUID_KEY) ?? ''
  } catch {
    return undefined
  }
}

/**
 * The store and the saved chat of a returning visitor, read by {@link warm};
 * taken by the first {@link start} after it.
 */
let early: { kv: Kv; key: string; saved: Promise<unknown> } | undefined

/**
 * Does at intent what the first open would otherwise wait for (the loader calls
 * it when the chunk has loaded; see {@link WidgetChunk.warm}). Never throws.
 *
 * - The page's first use of `sessionStorage`, which makes synchronous IPCs to the
 *   browser (loader/visitor.ts, mayHaveSession): in the click's task it took 5 ms
 *   at 1x (CPU profile of warm opens, Chromium 150), a seventh of the task.
 * - For a returning visitor (the tab holds a UUID), opening IndexedDB and reading
 *   the saved chat, which the open otherwise waits for before it shows anything.
 *   Nothing on this page writes that chat before the widget mounts, so the read
 *   is still current at the click.
 */
export const warm: WidgetChunk['warm'] = () => {
  const uuid = storedUuid()
  if (uuid && !early) {
    const kv = createKv()
    const key = chatKey(uuid)
    early = { kv, key, saved: kv.get(key) }
  }
}

/** The store for {@link start}: the one {@link warm} opened, whose first read of the saved chat is already under way. */
function takeKv(): Kv {
  const e = early
  early = undefined
  if (!e) return createKv()
  let saved: Promise<unknown> | undefined = e.saved
  return {
    ...e.kv,
    get<T>(k: string) {
      const s = k === e.key ? saved : undefined
      if (s) saved = undefined
      return (s as Promise<T | undefined> | undefined) ?? e.kv.get<T>(k)
    },
  }
}

/** The origin of `data-api-url` (relative to the page), for console lines; the URL itself when it cannot be parsed. */
function apiOrigin(url: string): string {
  try {
    return new URL(url, location.href).origin
  } catch {
    return url
  }
}

function start(host: Host, config: WidgetConfig, ready: Ready): MountedWidget {
  const { locale, t, loaded, rich } = ready
  const state = createState()
  const kv = takeKv()
  const waiting = signal(false)
  // Outbox events → state (the UI only reads state). `synced`/`error` are filled in
  // by the commands chunk, which owns host events.
  const relay: OutboxEvents = {
    pending: (w) => {
      waiting.value = w
    },
    trouble: (kind) => {
      state.delivery.value = kind
    },
    rejected: (uuid, keys) => {
      const now = state.rejected.value
      // Most records have none: only then ask for the UUID (which creates one).
      if ((keys.length || now.length) && uuid === host.uuid() && keys.join('\n') !== now.join('\n'))
        state.rejected.value = keys
    },
  }
  const keep = config.retentionDays * DAY
  const outbox = createOutbox(kv, createLeadSender(config), relay, {
    api: apiOrigin(config.apiUrl),
    keep,
  })
  const ids = () => ({ uuid: host.uuid(), botId: config.botId, customerId: config.customerId })
  /** libphonenumber-js, imported once (one E_LOAD line when it cannot load). */
  let phoneChunk: Promise<typeof import('./ui/phone') | undefined> | undefined
  const actions = createActions(state, {
    fresh: isFresh,
    graph: rich?.graph ?? graph([builtinFlow(t)]),
    ext: rich?.ext,
    kv,
    keep,
    ids,
    sync: outbox.put,
    // No country yet (no configured default, sent before the picker loaded): the
    // picker's guess from the locale and time zone. The phone chunk failing to load
    // (a network blip) must not strand the visitor at the question: a rough check
    // keeps the number (validate.ts roughPhone).
    phone: async (raw, country) => {
      phoneChunk ??= import('./ui/phone').catch(() => {
        report('E_LOAD', 'the phone chunk could not load; numbers are not checked', ASSETS)
        return undefined
      })
      const m = await phoneChunk
      return m ? m.parsePhone(raw, country || m.guessCountry(locale)) : roughPhone(raw)
    },
  })

  host.style(css)
  if (rich) host.style(rich.css)
  const container = document.createElement('div')
  host.root.append(container)
  let props: ChatWindowProps = {
    state,
    actions,
    t,
    locale,
    dir: dirOf(locale),
    country: rich?.country,
    mode: config.mode,
    rich: rich?.ui,
  }
  const label = signal(t)
  const draw = (change: Partial<ChatWindowProps>) => {
    props = { ...props, ...change }
    label.value = props.t
    render(h(ChatWindow, props), container)
  }
  draw({})
  // The Navigation API, where the browser has it (Chromium 102+, Safari 26.2+, Firefox 147+).
  const nav = (window as { navigation?: NavigationLike & EventTarget }).navigation
  /** What the next page's loader must do: '1' reopen, 'sync' deliver a lead, '' nothing. */
  let session = ''
  // Tells the loader of the next page in this tab to reopen the chat, or to load
  // it closed to deliver a waiting lead (loader/visitor.ts SESSION_KEY), and marks
  // this page's history entry so that it reads the session at all (markEntry).
  // Again on pageshow: a page back from the back/forward cache says what it shows.
  const save = () => {
    try {
      if (session) sessionStorage.setItem(SESSION_KEY, session)
      else sessionStorage.removeItem(SESSION_KEY)
    } catch {
      /* without sessionStorage the next page simply starts closed */
    }
    if (session) markEntry(nav)
  }
  // State → launcher and session. Host events live in the commands chunk: no one
  // can listen before `Reekolect('on')` loads it.
  const effects = [
    effect(() => {
      const open = state.open.value
      const unread = open || rich?.badge === false ? 0 : Math.min(state.unread.value, 99)
      const t = label.value
      // The badge is visual: the count is in the accessible name too (WCAG 1.1.1, 4.1.2).
      const name = t(open ? 'close' : 'open') + (unread ? `, ${t('unread', { n: unread })}` : '')
      launcher(host.root, open, unread, name)
    }),
    effect(() => {
      session = state.open.value ? '1' : waiting.value ? 'sync' : ''
      save()
    }),
  ]

  // Deliver pending leads now, when the network returns, and on page hide
  // (keepalive fetch: sendBeacon cannot send the x-bp-token header).
  const flushNow = () => void outbox.flush(false, true)
  // Both hide events send: the outbox sends each waiting version once.
  const onVisibility = () =>
    document.visibilityState === 'hidden' ? void outbox.flush(true) : flushNow()
  const listeners: [EventTarget, string, () => void][] = [
    [window, 'online', () => void outbox.online()],
    [
      window,
      'pageshow',
      () => {
        save()
        flushNow()
      },
    ],
    [window, 'pagehide', () => void outbox.flush(true)],
    [document, 'visibilitychange', onVisibility],
  ]
  // The host's pushState makes a new entry, its replaceState clears the entry's
  // state: mark it again (the write fires one more currententrychange, same URL).
  if (nav) listeners.push([nav, 'currententrychange', () => session && markEntry(nav)])
  for (const [target, type, fn] of listeners) target.addEventListener(type, fn)
  // Leads left waiting by an earlier page: in a task of their own, after the one that
  // renders the window (opening IndexedDB and taking the Web Lock cost the click's
  // task about 1.5 ms at 1x; the first paint need not wait for them).
  setTimeout(() => void outbox.flush())
  // Conversations past the retention go when the page is idle (at most once a day);
  // a chunk that cannot load is tried again on the next page.
  ;(window.requestIdleCallback ?? setTimeout)(() =>
    import('./core/sweep').then(
      (m) => m.sweep(kv, keep),
      () => undefined,
    ),
  )
  if (config.mode === 'page') actions.open()

  const stopAlerts = rich?.alerts(state)
  let stopEvents: (() => void) | undefined
  const unmount = () => {
    stopAlerts?.()
    stopEvents?.()
    for (const stop of effects) stop()
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
  let chained = false
  const lazy = () =>
    (table ||= import('./core/commands').then((m): Record<string, (...args: unknown[]) => void> => {
      const c = m.createCommands({
        actions,
        state,
        relay,
        uuid: host.uuid,
        async setLocale(next: string) {
          const nt = await translate(next, rich)
          if (!rich) actions.setGraph(graph([builtinFlow(nt)]))
          draw({ t: nt, locale: next, dir: dirOf(next) })
        },
        reset() {
          const previous = host.uuid()
          host.newVisitor()
          void actions.reset(previous)
          void m.forgetDelivered(kv, previous)
        },
        shutdown() {
          unmount()
          // The next page starts closed, as if the chat had never opened in this tab.
          session = ''
          save()
          loaded?.dispose()
          host.observer.disconnect()
          host.root.host.remove()
          delete window.Reekolect
        },
      })
      stopEvents = c.dispose
      return { ...basic, ...c.commands }
    }))
  const unknown = (command: unknown) =>
    report(
      'E_COMMAND',
      `unknown command "${String(command)}"`,
      'see the JavaScript API in the README',
    )
  return {
    dispatch(command, ...args) {
      const run = Object.hasOwn(basic, command) ? basic[command] : undefined
      // Inline only while nothing is chained: once a command waits for the chunk,
      // open/close/toggle queue behind it, so calls keep the order they were made in.
      if (run && !chained) return run()
      chained = true
      chain = chain
        .then(lazy)
        .then((t) => (Object.hasOwn(t, command) ? t[command]?.(...args) : unknown(command)))
        .catch(() => report('E_LOAD', 'the command chunk could not load', ASSETS))
    },
    unmount,
  }
}
