/**
 * The contract: the one protocol between the host page, the loader (`loader/`, a
 * classic script on every page view), the lazily imported chat window (`widget/`)
 * and the npm entry (`npm/`). It holds the host API (commands, events and their
 * types), the loader↔widget types, the browser storage keys both sides read and
 * write, and the site-owner console codes. It imports nothing, so every side can
 * import it without a cycle (`scripts/imports.test.ts`); its types cost no byte at
 * run time, its few constants a handful.
 */

/**
 * `sessionStorage` key of the visitor's UUID. The platform reads the UUID "from
 * the local web session storage" (docs/platform-api.md), so it
 * lives per tab and survives reloads and navigation within the site.
 */
export const UUID_KEY = 'reekolect:uuid'

/**
 * `sessionStorage` key the widget writes and the loader reads on the next page of
 * the tab: `'1'` while the chat is open (reopen it at once), `'sync'` while a lead
 * snapshot or transcript messages wait to be delivered, or the conversation is
 * live (load the widget, closed, to send them, or to follow the live chat), else absent.
 */
export const SESSION_KEY = 'reekolect:open'

/**
 * Prefix of the storage key (IndexedDB `reekolect`/`kv`) of a bot's returning
 * visitor, `chat:back:<botId>` (widget/more/back.ts): a saved chat without
 * messages that holds the known lead fields (name, email, phone, dial code) of the
 * bot's latest conversation in this browser, and its visitor's UUID. A tab session
 * whose UUID has no saved chat starts with that lead (core/actions.ts `start`), so
 * a returning visitor is not asked again; under the `chat:` prefix, the retention
 * sweep removes it with the conversations.
 */
export const BACK_KEY = 'chat:back:'

/**
 * `localStorage` key, `'1'` while a {@link BACK_KEY} record may hold a returning visitor:
 * the first open of a new tab session then reads IndexedDB instead of starting
 * the flow at once (widget/index.ts `isFresh`). No personal data.
 */
export const BACK_FLAG = 'reekolect:back'

/**
 * Navigation API state the widget gives the current session history entry while
 * {@link SESSION_KEY} is set (widget/core/session.ts `markEntry`): the next page's
 * loader reads the session only after such an entry (loader/visitor.ts
 * `mayHaveSession`). Any state counts, so an entry that carries the host's own
 * state is read after too.
 */
export const ENTRY_MARK = { reekolect: 'session' } as const

/**
 * Most characters of a teaser's text: the argument of `Reekolect('showMessage',
 * text)` and the bot configuration document's `settings.triggers.message`.
 */
export const TEASER_MAX_LENGTH = 300

/**
 * The codes of the site owner's console lines, `[Reekolect] CODE: what happened —
 * how to fix it` (loader/log.ts; each listed in the docs' console table). `E_…`
 * are errors, `W_…` degradations the widget recovers from.
 */
export type LogCode =
  | 'E_TAG'
  | 'E_LOADER'
  | 'E_LOAD'
  | 'E_CONFIG'
  | 'E_ATTRIBUTE'
  | 'E_COMMAND'
  | 'E_ARGS'
  | 'E_LISTENER'
  | 'E_TOKEN'
  | 'E_FORBIDDEN'
  | 'E_LEAD_INVALID'
  | 'E_LEAD_TOO_LARGE'
  | 'E_NETWORK'
  | 'E_ATTACHMENT'
  | 'W_TWICE'
  | 'W_STORAGE'
  | 'W_OUTBOX'
  | 'W_SAVED_CHAT'
  | 'W_TRANSCRIPT'
  | 'W_LIVE'
  | 'W_AI'

/**
 * What the loader tells the chat window about its `<script>` tag: what the loader
 * reads itself (the ids, the mode) and a reader of the tag's other `data-*`
 * attributes, which the widget interprets ({@link WidgetConfig}). A new attribute
 * then costs the loader, which every page view downloads, no byte.
 */
export interface TagOptions {
  /** Bot id: first value of the tag text `BotId,CustomerId` (docs/platform-api.md). */
  botId: string
  /** Customer id: second value of the tag text. */
  customerId: string
  /** `data-mode`: see {@link WidgetConfig.mode}. */
  mode: 'launcher' | 'page'
  /** The tag's `data-<name>` attribute as written (`attr('api-url')`), or `null` when it has none. */
  attr(name: string): string | null
}

/** The options of the host's `<script>` tag, with their defaults (the widget reads them from {@link TagOptions}). */
export interface WidgetConfig {
  /** Bot id: first value of the tag text `BotId,CustomerId` (docs/platform-api.md). */
  botId: string
  /** Customer id: second value of the tag text. */
  customerId: string
  /**
   * Base URL of the platform API, as written in `data-api-url` (a relative URL
   * resolves against the page's base URL, like any URL attribute); default
   * `https://api.v7.express-chat.ai` (docs/platform-api.md). Paths such as
   * `inbox/direct/lead` are appended after one `/`.
   */
  apiUrl: string
  /** Sent as the `x-bp-token` header on `PUT /inbox/direct/lead`. `data-token`; default `''`. */
  token: string
  /** `launcher` (default): a bubble opens the chat. `page`: the full-page landing page at `/BotId/CustomerId`. */
  mode: 'launcher' | 'page'
  /** BCP 47 locale from `data-locale`; `undefined` means the browser's. */
  locale?: string | undefined
  /**
   * `data-retention-days`: days a visitor's saved conversation and delivered lead
   * record stay in the browser unchanged before they are removed (a whole number
   * from 1 to 3650). Default 30. An undelivered lead is kept until delivered.
   */
  retentionDays: number
}

/** Commands of `window.Reekolect(command, ...args)`; see {@link Commands}. */
export type Command = keyof Commands

/** Events a host can subscribe to with `Reekolect('on', event, listener)`, and their payloads. */
export interface WidgetEvents {
  /** The chat window is mounted and commands run at once. */
  ready: { uuid: string }
  open: undefined
  close: undefined
  /** A message was added to the transcript; `agent`: a person's reply after a hand-off. */
  message: { from: 'bot' | 'visitor' | 'agent'; text: string; at: number }
  /** The platform accepted a lead snapshot. */
  'lead:synced': { uuid: string }
  /** The platform refused a lead snapshot for good (400/401/403/413). */
  'lead:error': { code: string; status: number }
  /** The chat flow reached its end. */
  'flow:end': undefined
  /** The number of bot messages the visitor has not seen changed. */
  unread: { count: number }
}

/** Lead fields a host can set with `identify`. */
export interface Identity {
  name?: string
  email?: string
  /** National digits, without the dial code. */
  phone?: string
  /** Dial code with "+", e.g. `+44`. */
  dialCode?: string
  tags?: string[]
  /** Attributes as a record (`{plan: 'pro'}`) or the platform's `{key, value}[]`. */
  attributes?: Record<string, string> | { key: string; value: string }[]
}

/** Every command of `window.Reekolect` and its arguments. */
export interface Commands {
  open(): void
  close(): void
  toggle(): void
  /** Sets lead fields and syncs them (`PUT /inbox/direct/lead`). */
  identify(identity: Identity): void
  addTags(tags: string[]): void
  removeTags(tags: string[]): void
  setAttributes(attributes: Identity['attributes']): void
  /** Opens the chat and starts flow `flowId` of the bot configuration document. */
  startFlow(flowId: string): void
  /**
   * Sends `text` as the visitor: answers the waiting question, or is a free question
   * a bot with an FAQ or an AI endpoint answers (docs/configuration.md, "Free
   * questions"), or is added to the transcript.
   */
  sendMessage(text: string): void
  /**
   * The bot says `text` (plain text, at most {@link TEASER_MAX_LENGTH} characters,
   * never HTML). While the chat window is closed, a teaser beside the launcher
   * previews it (widget/teaser/): the visitor opens the chat from it, where the bot
   * then says it (first in a new conversation; not again when it already did), or
   * dismisses it for the tab (no teaser shows again in it). While the window is
   * open, or with `{open: true}`, the chat opens and the bot says it there at once.
   */
  showMessage(text: string, options?: { open?: boolean }): void
  /** Switches the chat's language (BCP 47). */
  setLocale(locale: string): void
  /**
   * Opens the chat and hands the conversation to a person: the bot says the
   * hand-off message, the conversation reaches the inbox with a request for a
   * person, and the chat becomes a live chat. Nothing while one is under way.
   */
  handoff(): void
  /** Subscribes to an event; `ready` fires at once for a late listener. */
  on<E extends keyof WidgetEvents>(event: E, listener: (payload: WidgetEvents[E]) => void): void
  off<E extends keyof WidgetEvents>(event: E, listener: (payload: WidgetEvents[E]) => void): void
  /** A new visitor: new UUID, empty transcript, the flow from the start. */
  reset(): void
  /** Removes every node, listener and timer the widget added, and `window.Reekolect`; the next page of the tab starts closed. */
  shutdown(): void
}

/** The type of `window.Reekolect`. */
export interface ReekolectApi {
  /** `on`/`off` keep the event's payload type for the listener (`Parameters<>` would lose it). */
  <E extends keyof WidgetEvents>(
    command: 'on' | 'off',
    event: E,
    listener: (payload: WidgetEvents[E]) => void,
  ): void
  <C extends Exclude<Command, 'on' | 'off'>>(command: C, ...args: Parameters<Commands[C]>): void
  /** Calls queued by the stub snippet before the loader ran. */
  q?: QueuedCall[]
  /** Set by the loader. */
  loaded?: boolean
}

declare global {
  interface Window {
    Reekolect?: ReekolectApi
  }
}

/** A call made before the widget was ready: `[command, ...args]`, replayed in order. */
export type QueuedCall = [command: string, ...args: unknown[]]

/**
 * A bot configuration document as the settings chunk hands it over: validated
 * (`config`, the widget's `BotConfig`) and applied to the page (design, triggers);
 * `dispose` undoes what applying it added.
 */
export interface LoadedConfig<Config = unknown> {
  config: Config
  dispose(): void
}

/** What the loader hands the widget when it mounts it; `Config` is the type of a validated configuration document. */
export interface HostBridge<Config = unknown> {
  /**
   * The bot configuration document, fetched at page load from `data-config-url`
   * (opt-in), validated and applied by the settings chunk. `undefined` when there
   * is none (no attribute, 204) or it is unusable
   * (one `E_CONFIG` line): the widget then runs the built-in flow.
   */
  config: Promise<LoadedConfig<Config> | undefined>
  /**
   * Shadow root (open) of the widget's single host element; the widget renders
   * here. In launcher mode it holds the loader's `button.launcher`, whose state
   * the widget keeps up to date (`aria-expanded`, `aria-label`, `data-unread`).
   */
  root: ShadowRoot
  /** The visitor's UUID (v4), created on first call and kept in `sessionStorage` by the loader. */
  uuid(): string
  /** Starts a new visitor: a new UUID, stored like the first. Returns it. */
  newVisitor(): string
  /** Watches for the host replacing `document.body`; `shutdown` disconnects it. */
  observer: MutationObserver
  /** Styles the shadow root with `css` (a constructable stylesheet: no nonce needed under strict CSP). */
  style(css: string): void
}

/** What `mount()` resolves with. */
export interface MountedWidget {
  /**
   * Runs a host command (see {@link Command}, arguments unchecked; a bad call logs
   * `[Reekolect] E_ARGS`, an unknown command `E_COMMAND`). Returns `undefined` when
   * it ran at once, or a promise, which never rejects, when it waits for a chunk:
   * the loader's queue (loader/queue.ts) then holds later calls back until it
   * settles, so that commands run in the order they were made.
   */
  dispatch(command: string, ...args: unknown[]): Promise<void> | undefined
  /** Removes every node, listener and timer the widget added. */
  unmount(): void
}

/**
 * The widget chunk's entry point, imported by URL by the loader. It resolves once
 * the chat window is ready for commands (the bot's configuration document and the
 * visitor's catalogue have arrived); it never rejects. The loader queues every call
 * until then.
 */
export type Mount<Config = unknown> = (
  host: HostBridge<Config>,
  tag: TagOptions,
) => Promise<MountedWidget>

/**
 * A command table: a handler, taking the raw unchecked arguments, for every
 * {@link Command} and for nothing else (checked with `satisfies` on an object
 * literal, so a missing command and an unknown one both fail to compile).
 */
export type CommandTable = { [C in Command]: (...args: unknown[]) => void }

/** The widget chunk's exports the loader uses. */
export interface WidgetChunk<Config = unknown> {
  mount: Mount<Config>
  /**
   * Called once, when the chunk has loaded (at intent: pointer over or focus on the
   * launcher), to do ahead of the click what the first open would otherwise pay in
   * the click's task. Never throws.
   */
  warm(): void
}
