/**
 * The visitor's real-time live chat client: what agents write reaches the chat as
 * it happens, through one stream per visitor per browser. Framework-free (a lazy
 * chunk); the chat window subscribes to `status` and passes callbacks.
 *
 * The contract (our extension, docs/platform-api.md, "Our extensions: live chat"): the same API
 * origin and `x-bp-token` header as the lead PUT, the token never in a URL;
 * `GET …/inbox/direct/stream` (server-sent events), `GET …/inbox/direct/messages`
 * (history and catch-up), `POST …/inbox/direct/typing`.
 *
 * ```ts
 * const live = createLiveConnection({
 *   api: config.apiUrl,
 *   token: config.token,
 *   ids: () => ({ uuid, botId, customerId }),
 *   lastId: saved.at(-1)?.id,
 *   seen: saved.map((m) => m.id),
 *   onMessage: (m) => show(m),
 *   onTyping: (agent) => showTyping(agent),
 *   onRead: (upTo) => markRead(upTo),
 *   onStatus: (status, agent) => setConversation(status, agent),
 * })
 * effect(() => banner(live.status.value)) // 'reconnecting' → "Reconnecting…"
 * composer.oninput = () => live.typing()
 * live.close() // on a new conversation or unmount
 * ```
 */
import { type ReadonlySignal, signal } from '@preact/signals-core'
import { report } from '../../loader/log'
import {
  type Agent,
  type ConversationStatus,
  createEngine,
  endpoint,
  getMessages,
  hostTimers,
  type LiveEvent,
  type LiveIds,
  type LiveMessage,
  type LiveStatus,
  type Net,
  type Timers,
  toEvent,
} from './connection'

export type {
  Agent,
  Author,
  ConversationStatus,
  LiveIds,
  LiveMessage,
  LiveStatus,
  Timers,
} from './connection'
export { STATUSES } from './connection'

/** Message ids remembered for de-duplication; the oldest are forgotten first. */
export const SEEN_MAX = 2000

/** Least time between two typing notices (ms), as the contract asks. */
export const TYPING_EVERY = 3000

/** The part of the Web Locks API (`navigator.locks`) the connection uses. */
export interface LocksLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => unknown,
  ): Promise<unknown>
}

/** The part of a `BroadcastChannel` the connection uses. */
export interface ChannelLike {
  postMessage(message: unknown): void
  close(): void
  onmessage: ((event: MessageEvent) => void) | null
}

/** The part of `document` the connection uses: the page visibility. */
export interface VisibilityLike {
  readonly visibilityState: DocumentVisibilityState
  addEventListener(type: 'visibilitychange', listener: () => void): void
  removeEventListener(type: 'visibilitychange', listener: () => void): void
}

/** The part of `window` the connection uses: `pagehide` and `pageshow` (the back/forward cache), `online` and `offline`. */
export interface PageLike {
  addEventListener(type: PageEvent, listener: () => void): void
  removeEventListener(type: PageEvent, listener: () => void): void
}

/** The `window` events the connection listens to. */
type PageEvent = 'pagehide' | 'pageshow' | 'online' | 'offline'

/** Options of {@link createLiveConnection}. Times are in ms. */
export interface LiveOptions {
  /** The API base URL (the tag's `data-api-url`), as for the lead PUT; a trailing `/` is ignored. */
  api: string
  /** The `x-bp-token` header value (the tag's `data-token`). Sent as a header only. */
  token: string
  /**
   * The ids of the conversation, read at each request. The lock and the channel
   * are named by the UUID at creation: a new conversation (a new UUID) is a new connection.
   */
  ids: () => LiveIds
  /**
   * The id of the newest message the chat already has (saved history): the resume
   * point of the first catch-up and `Last-Event-ID`. Without it, the first catch-up
   * delivers the whole conversation.
   */
  lastId?: string
  /** Ids of messages the chat already shows; they are never delivered. */
  seen?: Iterable<string>
  /**
   * A message new to this tab, in the conversation's order, each id once. The
   * stream carries every message, so those the visitor and the bot posted come
   * back too (the sign that the server has them).
   */
  onMessage?(message: LiveMessage): void
  /** An agent is typing (a notice each time the agent types, at most every few seconds). */
  onTyping?(agent: Agent): void
  /** The agent has read the visitor's messages up to the message with id `upTo`. */
  onRead?(upTo: string): void
  /** The conversation's status changed (e.g. `INPROGRESS` with the assigned agent, `CLOSED`). */
  onStatus?(status: ConversationStatus, agent: Agent | undefined): void
  /** Hidden this long, the tab stops streaming (`paused`). Default 60 000. */
  hiddenAfter?: number
  /** The server's heartbeat interval; no byte for twice this long reconnects. Default 25 000. */
  heartbeat?: number
  /** First reconnect delay before jitter; doubles per failed attempt. Default 1 000. */
  baseDelay?: number
  /** Longest reconnect delay before jitter. Default 30 000. */
  maxDelay?: number
  /** Polling interval while streaming is blocked and messages arrive. Default 3 000. */
  pollEvery?: number
  /** Longest polling interval (it doubles while nothing new arrives). Default 15 000. */
  pollMax?: number
  /** While polling, the stream is tried again after this long. Default 300 000. */
  streamRetry?: number
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch
  /** Default the host's `setTimeout`/`clearTimeout`. */
  timers?: Timers
  /** Uniform in [0, 1), for the backoff's jitter. Default `Math.random`. */
  random?: () => number
  /** Clock for the typing throttle (epoch ms). Default `Date.now`. */
  now?: () => number
  /** Default `navigator.locks`; `null`: every tab streams on its own. */
  locks?: LocksLike | null
  /** Opens a channel by name. Default `new BroadcastChannel(name)`; `null`: every tab streams on its own. */
  channel?: ((name: string) => ChannelLike) | null
  /** Default `document`; `null`: the stream never pauses for a hidden tab. */
  document?: VisibilityLike | null
  /** Default `window`; `null`: the stream stays open on `pagehide`. */
  window?: PageLike | null
}

/** A live connection, from {@link createLiveConnection}. */
export interface LiveConnection {
  /** The state of the connection ({@link LiveStatus}); a tab that does not stream shows the streaming tab's. */
  readonly status: ReadonlySignal<LiveStatus>
  /** The id of the newest message delivered (or `lastId`): what a saved transcript resumes from. */
  lastId(): string | undefined
  /**
   * Tells the agent the visitor is typing: `POST {api}/inbox/direct/typing`
   * `{uuid, botId, customerId}`, at most once per {@link TYPING_EVERY} ms (calls in
   * between are dropped). Call it on every keystroke; failures are ignored.
   */
  typing(): void
  /** Ends everything: the stream or polling, every timer, the lock and the channel. Idempotent. */
  close(): void
}

/** The relayed states a tab that does not stream shows. */
const RELAYED: readonly unknown[] = ['connecting', 'open', 'reconnecting', 'polling']

/**
 * Opens the visitor's live connection and keeps it up until `close()`. Never
 * throws, and neither do its methods; a callback that throws is skipped.
 *
 * - One stream per visitor UUID per browser: the tab holding the Web Lock
 *   `reekolect-live:<uuid>` (W3C Web Locks API) streams and relays every event to
 *   the other tabs of the UUID (a duplicated tab) over the `BroadcastChannel` of
 *   the same name; when it closes or hides, a waiting tab takes the lock and
 *   streams from its own newest message. Without Web Locks or BroadcastChannel,
 *   every tab streams on its own.
 * - Every (re)start catches up with `GET …/messages?after=<lastId>`; messages
 *   arriving meanwhile wait, so the chat gets them in order; each id once (a
 *   set of the last {@link SEEN_MAX} ids).
 * - Reconnects, the heartbeat watchdog and the polling fallback: see `createEngine`;
 *   the `offline` event drops the stream (`reconnecting`), the `online` event
 *   (the network is back) ends a backoff wait at once.
 * - Hidden for `hiddenAfter` ms, or `pagehide` (the page may enter the
 *   back/forward cache): `paused` (the stream closes, the lock is released);
 *   visible again, or `pageshow`: catches up and streams.
 * - 401 or 403 (stream or messages): `closed`, with one console line `E_TOKEN` or
 *   `E_FORBIDDEN`; another 4xx but 408 and 429 (404: the platform has no live chat
 *   endpoints): `closed`, with one `W_LIVE` line. Network errors and 5xx: retried.
 */
export function createLiveConnection(options: LiveOptions): LiveConnection {
  const o = options
  const timers = o.timers ?? hostTimers
  const net: Net = {
    fetch: o.fetch ?? ((input, init) => fetch(input, init)),
    timers,
    api: o.api.replace(/\/+$/, ''),
    token: o.token,
    ids: o.ids,
  }
  const status = signal<LiveStatus>('connecting')
  const life = new AbortController()
  const seen = new Set<string>()
  let last = o.lastId
  let closed = false
  let paused = false
  let leader = false
  /** Catch-ups under way; live messages wait in `held` meanwhile. */
  let hold = 0
  let held: LiveMessage[] = []
  let typedAt = Number.NEGATIVE_INFINITY

  const remember = (id: string) => {
    seen.add(id)
    if (seen.size > SEEN_MAX) seen.delete(seen.values().next().value as string)
  }
  for (const id of o.seen ?? []) remember(id)
  if (last) remember(last)

  const call = <A extends unknown[]>(fn: ((...a: A) => void) | undefined, ...args: A) => {
    try {
      fn?.(...args)
    } catch {
      /* the chat's bug must not stop the connection */
    }
  }

  const locks = o.locks === undefined ? (globalThis.navigator?.locks as LocksLike) : o.locks
  const open =
    o.channel === undefined
      ? globalThis.BroadcastChannel && ((name: string) => new BroadcastChannel(name))
      : o.channel
  const name = `reekolect-live:${o.ids().uuid}`
  let channel: ChannelLike | undefined
  try {
    channel = locks && open ? open(name) : undefined
  } catch {
    /* no channel: this tab streams on its own */
  }
  const post = (type: string, data?: unknown) => {
    if (leader) channel?.postMessage({ type, data })
  }

  /** Hands a message to the chat unless it has had it; true when it was new. */
  function deliver(m: LiveMessage): boolean {
    if (closed || seen.has(m.id)) return false
    remember(m.id)
    last = m.id
    call(o.onMessage, m)
    post('message', m)
    return true
  }

  /** The last status told to the chat (`status agentId`), and how many status events came so far. */
  let told = ''
  let statuses = 0

  function handle(e: LiveEvent) {
    if (closed) return
    if (e.type === 'message') {
      if (hold) held.push(e.message)
      else deliver(e.message)
      return
    }
    if (e.type === 'typing') call(o.onTyping, e.agent)
    else if (e.type === 'read') call(o.onRead, e.upTo)
    else {
      statuses++
      told = `${e.status} ${e.agent?.id ?? ''}`
      call(o.onStatus, e.status, e.agent)
    }
    post(e.type, e)
  }

  /**
   * `GET …/messages?after=<last>`, delivered in order, then what arrived meanwhile.
   * `drop`: on failure, what arrived meanwhile is dropped (the stream reconnects
   * from `last` and gets it again, after the gap), else delivered. The status the
   * answer names goes to `onStatus` (and the other tabs) when it differs from the
   * last one told, unless a `status` event came while the request was under way
   * (newer than the answer): so polling, too, sees the conversation closed.
   */
  async function catchUp(drop: boolean): Promise<number | 'error' | 'stop'> {
    hold++
    const before = statuses
    const page = await getMessages(net, last, life.signal)
    hold--
    if (closed) return 'stop'
    if (typeof page === 'number') {
      fail(page, 'messages request')
      return 'stop'
    }
    let fresh = 0
    for (const m of page === 'error' ? [] : page.messages) fresh += +deliver(m)
    if (!hold) {
      const late = held
      held = []
      if (!(drop && page === 'error')) for (const m of late) fresh += +deliver(m)
    }
    if (page === 'error') return 'error'
    const { status, agent } = page
    if (status && statuses === before && `${status} ${agent?.id ?? ''}` !== told)
      handle({ type: 'status', status, agent })
    return fresh
  }

  const engine = createEngine({
    net,
    random: o.random ?? Math.random,
    tuning: {
      baseDelay: o.baseDelay ?? 1000,
      maxDelay: o.maxDelay ?? 30_000,
      heartbeat: o.heartbeat ?? 25_000,
      pollEvery: o.pollEvery ?? 3000,
      pollMax: o.pollMax ?? 15_000,
      streamRetry: o.streamRetry ?? 300_000,
    },
    lastId: () => last,
    catchUp: () => catchUp(true),
    event: handle,
    state: (s) => {
      if (closed || paused) return
      status.value = s
      post('state', s)
    },
    stop: (code) => fail(code, 'stream'),
  })

  function fail(code: number, what: string) {
    if (closed) return
    if (code === 401)
      report('E_TOKEN', `the live chat ${what} was rejected with 401`, 'check data-token')
    else if (code === 403)
      report(
        'E_FORBIDDEN',
        `the live chat ${what} was rejected with 403`,
        'allow this site’s origin for the token',
      )
    else
      report(
        'W_LIVE',
        `the live chat ${what} answered ${code}, so agents’ replies cannot arrive`,
        'serve the live chat endpoints of docs/platform-api.md on the API origin',
      )
    close()
  }

  let asking: AbortController | undefined
  let release: (() => void) | undefined

  /** Holds the lock: streams until released (paused, closed). */
  function lead(): Promise<void> {
    if (closed || paused || leader) return Promise.resolve()
    leader = true
    engine.start()
    return new Promise((resolve) => {
      release = () => {
        release = undefined
        leader = false
        engine.stop()
        resolve()
      }
    })
  }

  /** Starts streaming, or, when another tab of the UUID streams, follows it and waits for the lock. */
  function join() {
    if (!channel || !locks) {
      engine.start()
      return
    }
    const ask = new AbortController()
    asking = ask
    status.value = 'connecting'
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (asking !== ask) return
        if (lock) return lead()
        // Another tab streams: ask it for its state, catch up, queue for the lock.
        channel.postMessage({ type: 'hello' })
        void catchUp(false)
        locks.request(name, { signal: ask.signal }, lead).catch(() => undefined)
      })
      .catch(() => {
        // Refused (a sandboxed frame's opaque origin): this tab streams on its own.
        if (asking === ask) engine.start()
      })
  }

  /** Stops streaming and leaves the lock (and its queue) to the other tabs. */
  function leave() {
    asking?.abort()
    asking = undefined
    if (release) release()
    else engine.stop()
  }

  if (channel)
    channel.onmessage = (e: MessageEvent) => {
      const { type, data } = (e.data ?? {}) as { type?: unknown; data?: unknown }
      if (closed) return
      if (type === 'hello') post('state', status.value)
      else if (type === 'state') {
        if (!leader && !paused && RELAYED.includes(data)) status.value = data as LiveStatus
      } else if (!leader && typeof type === 'string') {
        const event = toEvent(type, data)
        if (event) handle(event)
      }
    }

  /** Why the tab does not stream: bit 1, hidden for `hiddenAfter`; bit 2, in the back/forward cache. */
  let away = 0
  const setAway = (bit: number, on: boolean) => {
    const was = away
    away = on ? away | bit : away & ~bit
    if (closed || !was === !away) return
    paused = !!away
    if (paused) {
      leave()
      status.value = 'paused'
    } else join()
  }

  const doc = o.document === undefined ? globalThis.document : o.document
  let hideTimer: unknown
  const onVisibility = () => {
    if (doc?.visibilityState === 'hidden') {
      if (!(away & 1) && hideTimer === undefined)
        hideTimer = timers.setTimeout(() => {
          hideTimer = undefined
          setAway(1, true)
        }, o.hiddenAfter ?? 60_000)
      return
    }
    timers.clearTimeout(hideTimer)
    hideTimer = undefined
    setAway(1, false)
  }
  // A page that holds a lock another page asks for, or an open request, is
  // evicted from the back/forward cache: leave both on pagehide, back on pageshow.
  const win = o.window === undefined ? globalThis.window : o.window
  const onPageHide = () => setAway(2, true)
  const onPageShow = () => setAway(2, false)
  // The network is back: reconnect now rather than at the end of the backoff. It
  // went away: the stream is gone (reconnecting) even if the socket lingers.
  const onOnline = () => engine.wake()
  const onOffline = () => engine.drop()

  function close() {
    if (closed) return
    closed = true
    leave()
    life.abort()
    channel?.close()
    doc?.removeEventListener('visibilitychange', onVisibility)
    win?.removeEventListener('pagehide', onPageHide)
    win?.removeEventListener('pageshow', onPageShow)
    win?.removeEventListener('online', onOnline)
    win?.removeEventListener('offline', onOffline)
    timers.clearTimeout(hideTimer)
    status.value = 'closed'
  }

  try {
    doc?.addEventListener('visibilitychange', onVisibility)
    win?.addEventListener('pagehide', onPageHide)
    win?.addEventListener('pageshow', onPageShow)
    win?.addEventListener('online', onOnline)
    win?.addEventListener('offline', onOffline)
    join()
    onVisibility()
  } catch {
    close()
  }

  return {
    status,
    lastId: () => last,
    typing() {
      const now = (o.now ?? Date.now)()
      if (closed || now - typedAt < TYPING_EVERY) return
      typedAt = now
      try {
        const { uuid, botId, customerId } = net.ids()
        net
          .fetch(endpoint(net, 'typing'), {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-bp-token': net.token },
            body: JSON.stringify({ uuid, botId, customerId }),
          })
          .catch(() => undefined)
      } catch {
        /* never throw to the page */
      }
    },
    close,
  }
}
