/**
 * The chat window chunk's entry. Importing it does nothing; the loader calls
 * {@link warm} once the chunk has loaded at intent, and {@link mount} to open the
 * chat.
 */
import { computed, type Signal, signal } from '@preact/signals-core'
import { h, render } from 'preact'
import { ASSETS, report } from '../loader/log'
import type {
  Command,
  CommandTable,
  HostBridge,
  Mount,
  MountedWidget,
  TagOptions,
  WidgetChunk,
  WidgetConfig,
} from '../loader/protocol'
import { BACK_FLAG, UUID_KEY } from '../loader/protocol'
import type { BotDocument } from './config/schema'
import type { LoadedConfig } from './config/settings'
import type { Conversation } from './conversation'
import { type ActionDeps, chatKey, createActions } from './core/actions'
import { createLeadSender } from './core/api'
import { builtinFlow, graph } from './core/flow'
import { type Catalogue, dirOf, loadCatalogue, type Translate, translator } from './core/i18n'
import { createOutbox, type OutboxEvents } from './core/outbox'
import { flushOnPageEvents } from './core/page'
import { DAY } from './core/retention'
import { keepSession } from './core/session'
import { createState, type State } from './core/state'
import { createKv, type Kv } from './core/storage'
import { widgetConfig } from './core/tag'
import { roughPhone } from './core/validate'
import { showLauncher } from './launcher'
import type { Rich } from './rich'
import { ChatWindow, type ChatWindowProps } from './ui/ChatWindow'
import css from './ui/chat.css?inline'
import { loadPhone } from './ui/loadPhone'

/** The loader's bridge, with the configuration document as the settings chunk validated it. */
type Host = HostBridge<BotDocument>

/**
 * Mounts the chat window into the loader's shadow root, once the bot's
 * configuration document (fetched by the loader at page load) and, where needed,
 * the visitor's catalogue and the configured-bot chunk have arrived. Never
 * rejects. Commands made meanwhile wait in the loader's queue (loader/queue.ts).
 *
 * @param host what the loader provides (shadow root, visitor UUID, launcher state, styling).
 * @param tag the script tag's ids, mode and `data-*` attributes ({@link widgetConfig});
 *   `data-locale`, else the browser's language, picks the catalogue.
 * @returns `dispatch` for host commands and `unmount`, which removes everything it added.
 */
export const mount: Mount<BotDocument> = async (host: Host, tag: TagOptions) => {
  const config = widgetConfig(tag)
  return start(host, config, await prepare(host, config))
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
 * configured bot's strings and window texts (its strings share no key with the
 * catalogue; its texts win over it).
 */
const translate = async (locale: string, rich?: Rich) =>
  translator({
    ...(await loadCatalogue(locale)),
    ...rich?.strings(locale),
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
      (m) => m.createRich(loaded.config, ids, config),
      () => report('E_LOAD', 'the configured-bot chunk could not load', ASSETS),
    ))
  const locale = config.locale || rich?.language || navigator.language || 'en'
  return { locale, t: await translate(locale, rich || undefined), loaded, rich: rich || undefined }
}

/**
 * Whether the visitor's UUID will be created on this page: the tab's
 * `sessionStorage` holds none yet (none of this page's, nor of another page or
 * frame of the tab), and no earlier tab session left a returning visitor's lead
 * (`BACK_FLAG` in `localStorage`, loader/protocol.ts). Asked before the first
 * `host.uuid()` of a chat, which creates and stores one. Unreadable storage
 * answers false, the safe side: the saved chat is then looked for as usual.
 */
function isFresh(): boolean {
  try {
    return !sessionStorage.getItem(UUID_KEY) && !localStorage.getItem(BACK_FLAG)
  } catch {
    return false
  }
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

/**
 * The outbox's events as state (the UI only reads state): `waiting` while a lead
 * snapshot waits, delivery trouble, and the lead fields the platform refused for
 * the current visitor. `synced` and `error` are set by the commands chunk, which
 * owns host events.
 */
function outboxRelay(state: State, waiting: Signal<boolean>, uuid: () => string): OutboxEvents {
  return {
    pending: (w) => {
      waiting.value = w
    },
    trouble: (kind) => {
      state.delivery.value = kind
    },
    rejected: (visitor, keys) => {
      const now = state.rejected.value
      // Most records have none: only then ask for the UUID (which creates one).
      if ((keys.length || now.length) && visitor === uuid() && keys.join('\n') !== now.join('\n'))
        state.rejected.value = keys
    },
  }
}

/**
 * Checks a phone answer with libphonenumber-js, imported on first use (one E_LOAD
 * line the first time it cannot load; the next answer tries again). No country yet (no configured default, sent
 * before the picker loaded): the picker's guess from the locale and time zone. The
 * phone chunk failing to load (a network blip) must not strand the visitor at the
 * question: a rough check keeps the number (validate.ts `roughPhone`).
 */
function phoneChecker(locale: string): ActionDeps['phone'] {
  let told = false
  return async (raw, country) => {
    const m = await loadPhone().catch(() => {
      if (!told) report('E_LOAD', 'the phone chunk could not load; numbers are not checked', ASSETS)
      told = true
    })
    return m ? m.parsePhone(raw, country || m.guessCountry(locale)) : roughPhone(raw)
  }
}

/**
 * The host command dispatcher of {@link MountedWidget.dispatch}. `instant`
 * commands run at once; the others live in the commands chunk (not needed to
 * chat), loaded by `load` on the first of them: that call returns a promise, and
 * the loader's queue holds later calls back until it settles. A chunk that cannot
 * load gives one E_LOAD line per attempt; the next command tries again.
 */
function dispatcher(
  instant: Partial<CommandTable>,
  load: () => Promise<CommandTable>,
): MountedWidget['dispatch'] {
  let table: CommandTable | undefined
  const run = (t: Partial<CommandTable>, command: string, args: unknown[]) =>
    Object.hasOwn(t, command)
      ? t[command as Command]?.(...args)
      : report('E_COMMAND', `unknown command "${command}"`, 'see docs/javascript-api.md')
  return (command, ...args) => {
    if (table || Object.hasOwn(instant, command)) return void run(table ?? instant, command, args)
    return load().then(
      (t) => {
        table = t
        run(t, command, args)
      },
      () => void report('E_LOAD', 'the command chunk could not load', ASSETS),
    )
  }
}

/**
 * The composition root: builds the chat (state, outbox, actions, window) for a
 * ready document and catalogue, wires it to the page (launcher, session hand-over,
 * delivery on page events, idle-time retention sweep), and returns its dispatcher.
 */
function start(host: Host, config: WidgetConfig, ready: Ready): MountedWidget {
  const { locale, loaded, rich } = ready
  const state = createState()
  const kv = takeKv()
  const keep = config.retentionDays * DAY
  /** A lead snapshot waits to be delivered. */
  const waiting = signal(false)
  /** Transcript messages wait to be delivered, or the chat is live (set by conversation.ts). */
  const unsent = signal(false)
  const relay = outboxRelay(state, waiting, host.uuid)
  const t = signal(ready.t)
  const outbox = createOutbox(kv, createLeadSender(config), relay, {
    api: apiOrigin(config.apiUrl),
    keep,
  })
  const actions = createActions(state, {
    fresh: isFresh,
    graph: rich?.graph ?? graph([builtinFlow(ready.t)]),
    ext: rich?.ext,
    kv,
    keep,
    ids: () => ({ uuid: host.uuid(), botId: config.botId, customerId: config.customerId }),
    sync: outbox.put,
    phone: phoneChecker(locale),
    t: (k) => t.value(k),
    handoff() {
      // After the messages of the hand-off are stored: the request for a person follows them.
      void converse().then((c) => c?.handoff())
    },
  })

  host.style(css)
  if (rich) host.style(rich.css)
  const container = document.createElement('div')
  host.root.append(container)
  let props: ChatWindowProps = {
    state,
    actions,
    t: ready.t,
    locale,
    dir: dirOf(locale),
    country: rich?.country,
    mode: config.mode,
    rich: rich?.ui,
  }
  const draw = (change: Partial<ChatWindowProps>) => {
    props = { ...props, ...change }
    t.value = props.t
    render(h(ChatWindow, props), container)
  }
  draw({})

  const endSession = keepSession({
    open: state.open,
    waiting: computed(() => waiting.value || unsent.value),
  })
  const stops = [
    showLauncher(host.root, state, t, rich?.badge !== false),
    flushOnPageEvents(outbox),
  ]
  // Leads left waiting by an earlier page: in a task of their own, after the one that
  // renders the window (opening IndexedDB and taking the Web Lock cost the click's
  // task about 1.5 ms at 1x; the first paint need not wait for them).
  setTimeout(() => void outbox.flush())
  /**
   * The conversation beyond the flow (widget/conversation.ts, a lazy chunk, started
   * once): the transcript outbox and, after a hand-off, the live chat. A chunk that
   * cannot load is tried again on the next call or page: the conversation stays
   * stored meanwhile.
   */
  let conversation: Promise<Conversation | undefined> | undefined
  const converse = () =>
    (conversation ??= import('./conversation').then(
      (m) => {
        if (ended) return undefined
        const c = m.startConversation({
          state,
          actions,
          kv,
          config,
          keep,
          unsent,
          ready,
          alerts: rich?.alerts,
          show(part, sheet) {
            host.style(sheet)
            draw(part)
          },
        })
        stops.push(c.dispose)
        return c
      },
      () => {
        conversation = undefined
        return undefined
      },
    ))
  // When the page is idle: the conversation (with it, the sweep of conversations
  // past the retention, at most once a day).
  ;(window.requestIdleCallback ?? setTimeout)(() => void converse())
  if (config.mode === 'page') actions.open()

  let ended = false
  const unmount = (forget?: boolean) => {
    ended = true
    for (const stop of stops) stop?.()
    endSession(forget)
    outbox.dispose()
    render(null, container)
    container.remove()
  }
  const dispatch = dispatcher(
    { open: actions.open, close: actions.close, toggle: actions.toggle },
    () => {
      // A listener added by this call hears of the messages added while the chunk loads.
      const since = state.messages.peek().at(-1)?.id ?? 0
      return import('./core/commands').then((m) => {
        const c = m.createCommands({
          actions,
          state,
          relay,
          since,
          uuid: host.uuid,
          root: host.root,
          locale: () => props.locale,
          async setLocale(next: string) {
            const nt = await translate(next, rich)
            rich ? rich.localize(next, actions, state) : actions.setGraph(graph([builtinFlow(nt)]))
            draw({ t: nt, locale: next, dir: dirOf(next) })
          },
          reset() {
            const previous = host.uuid()
            host.newVisitor()
            void actions.reset(previous)
            void m.forgetDelivered(kv, previous, config.botId)
          },
          shutdown() {
            // The next page starts closed, as if the chat had never opened in this tab.
            unmount(true)
            loaded?.dispose()
            host.observer.disconnect()
            host.root.host.remove()
            delete window.Reekolect
          },
        })
        stops.push(c.dispose)
        return c.commands
      })
    },
  )
  return { dispatch, unmount }
}
