/**
 * The network side of the live chat, for one tab: the wire shapes of the live
 * chat contract (docs/platform-api.md, "Our extensions: live chat"), the `GET …/messages` catch-up
 * request and the stream engine (server-sent events read with `fetch`, reconnect
 * with backoff, heartbeat watchdog, polling fallback). Which tab streams, the
 * de-duplication and the order of what reaches the chat are stream.ts's.
 */
import { createParser } from 'eventsource-parser'

/** Who wrote a message: the visitor, the bot of the chat flow, or an agent (a person). */
export type Author = 'visitor' | 'bot' | 'agent'

/** An agent (a person of the business's team) as the contract names one. */
export interface Agent {
  id: string
  name: string
  /** URL of the agent's picture, if the platform has one. */
  picture?: string
}

/** A file a message sends (docs/platform-api.md, "Attachments"): served at `url` (http or https), `size` in bytes. */
export interface LiveAttachment {
  id: string
  url: string
  name: string
  size: number
  type: string
}

/**
 * One message of the conversation, as `GET …/messages` lists it and the stream's
 * `message` event carries it. `id` is the client-made (visitor, bot) or
 * server-made (agent) UUID and the SSE event id; `at` is an ISO 8601 UTC string.
 */
export interface LiveMessage {
  id: string
  by: Author
  text: string
  at: string
  /** Set on an agent's message. */
  agent?: Agent
  /** The file the message sends, if any. */
  attachment?: LiveAttachment
}

/** The conversation statuses of the platform's lead (seed statuses). */
export const STATUSES = ['OPEN', 'INPROGRESS', 'REVIEW', 'ONHOLD', 'DEPENDANCY', 'CLOSED'] as const

/** A conversation status, as the stream's `status` event carries it. */
export type ConversationStatus = (typeof STATUSES)[number]

/**
 * The state of a tab's live connection:
 * - `connecting`: the first request of a (re)start is under way;
 * - `open`: the stream is open (events arrive as they happen);
 * - `reconnecting`: the stream dropped; waiting for the next attempt (backoff) or in it;
 * - `polling`: streaming is blocked on this network (a buffering proxy): new
 *   messages are fetched every few seconds, with the conversation's status;
 *   typing and read events do not arrive;
 * - `paused`: the tab has been hidden long enough that the stream was closed; it
 *   catches up and reopens when the tab is visible again;
 * - `closed`: `close()` was called, or the platform refused the connection (see
 *   `createLiveConnection` in stream.ts); nothing more happens.
 */
export type LiveStatus = 'connecting' | 'open' | 'reconnecting' | 'polling' | 'paused' | 'closed'

/** The ids every live chat request names: the visitor's UUID, the bot and the customer. */
export interface LiveIds {
  uuid: string
  botId: string
  customerId: string
}

/** An event of the stream (or relayed from the streaming tab), validated. */
export type LiveEvent =
  | { type: 'message'; message: LiveMessage }
  | { type: 'typing'; agent: Agent }
  | { type: 'read'; upTo: string }
  | { type: 'status'; status: ConversationStatus; agent?: Agent }

/** Timer functions (injectable for tests); ids are opaque. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(id: unknown): void
}

/** The host's timers, looked up at each call (so test fakes installed later apply). */
export const hostTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
}

/** What every request needs: the `fetch` to use, timers, the API base URL (no trailing slash), the token and the ids. */
export interface Net {
  fetch: typeof fetch
  timers: Timers
  api: string
  token: string
  ids: () => LiveIds
}

/** Time one `GET …/messages` may take before it counts as a network failure (ms). */
export const REQUEST_TIMEOUT = 10_000

const str = (v: unknown): v is string => typeof v === 'string'
const BY: readonly unknown[] = ['visitor', 'bot', 'agent'] satisfies Author[]

/** The agent in `v`, or `undefined` unless it has a string `id` and `name`. */
export function agentOf(v: unknown): Agent | undefined {
  const a = v as Record<string, unknown> | null | undefined
  if (!a || typeof a !== 'object' || !str(a.id) || !str(a.name)) return
  return str(a.picture)
    ? { id: a.id, name: a.name, picture: a.picture }
    : { id: a.id, name: a.name }
}

/** The attachment in `v`, or `undefined` unless every field is there and `url` is http(s). */
export function attachmentOf(v: unknown): LiveAttachment | undefined {
  const a = v as Record<string, unknown> | null | undefined
  if (!a || typeof a !== 'object' || !str(a.id) || !str(a.name) || !str(a.type)) return
  if (!str(a.url) || !/^https?:\/\//i.test(a.url) || typeof a.size !== 'number') return
  return { id: a.id, url: a.url, name: a.name, size: a.size, type: a.type }
}

/** The message in `v` as a fresh plain object, or `undefined` when it lacks a field of {@link LiveMessage}. */
export function messageOf(v: unknown): LiveMessage | undefined {
  const m = v as Record<string, unknown> | null | undefined
  if (!m || typeof m !== 'object' || !str(m.id) || !str(m.text) || !str(m.at) || !BY.includes(m.by))
    return
  const agent = agentOf(m.agent)
  const out: LiveMessage = { id: m.id, by: m.by as Author, text: m.text, at: m.at }
  if (agent) out.agent = agent
  const attachment = attachmentOf(m.attachment)
  if (attachment) out.attachment = attachment
  return out
}

/**
 * An event of SSE type `type` with the parsed JSON `data`, validated; `undefined`
 * for an unknown type or a malformed payload (ignored, as an `EventSource` ignores
 * events nobody listens to).
 */
export function toEvent(type: string, data: unknown): LiveEvent | undefined {
  const d = data as Record<string, unknown> | null | undefined
  if (!d || typeof d !== 'object') return
  if (type === 'message') {
    const message = messageOf(d)
    return message && { type, message }
  }
  if (type === 'typing') {
    const agent = agentOf(d.agent)
    return agent && { type, agent }
  }
  if (type === 'read') return str(d.upTo) ? { type, upTo: d.upTo } : undefined
  if (type === 'status' && (STATUSES as readonly unknown[]).includes(d.status))
    return { type, status: d.status as ConversationStatus, agent: agentOf(d.agent) }
}

/** `{api}/inbox/direct/{path}?botId&customerId&uuid[&after]`: the ids go in the query, never the token. */
export function endpoint(net: Net, path: 'stream' | 'messages' | 'typing', after?: string): string {
  const { botId, customerId, uuid } = net.ids()
  const q = new URLSearchParams({ botId, customerId, uuid })
  if (after) q.set('after', after)
  return `${net.api}/inbox/direct/${path}${path === 'typing' ? '' : `?${q}`}`
}

/** Whether an HTTP status ends the live connection: a 4xx other than 408 and 429 (retrying cannot help). */
export const stops = (status: number) =>
  status >= 400 && status < 500 && status !== 408 && status !== 429

/**
 * What one `GET …/messages` tells: the messages in the server's order (malformed
 * ones left out), and the conversation's `status` and assigned `agent` when the
 * answer names them (valid ones only).
 */
export interface History {
  messages: LiveMessage[]
  status?: ConversationStatus
  agent?: Agent
}

/**
 * One page of `GET …/messages`: its {@link History}, the HTTP status that
 * {@link stops} the connection, or `error` (network failure, timeout, 5xx, 408,
 * 429, an unreadable body): try again later.
 */
export type Page = History | number | 'error'

/**
 * `GET {api}/inbox/direct/messages?botId&customerId&uuid&after=<after>` with the
 * `x-bp-token` header: the conversation's messages after `after` (all of them
 * without it), with its status and agent (docs/platform-api.md: what a client
 * that polls learns of a closed conversation). An unknown `after` is a 400 in the contract; the whole
 * conversation is fetched instead (the caller de-duplicates). Aborted when `life`
 * aborts or after `timeout` ms ({@link REQUEST_TIMEOUT}). Never rejects.
 */
export async function getMessages(
  net: Net,
  after: string | undefined,
  life: AbortSignal,
  timeout = REQUEST_TIMEOUT,
): Promise<Page> {
  for (;;) {
    if (life.aborted) return 'error'
    const c = new AbortController()
    const abort = () => {
      net.timers.clearTimeout(timer)
      c.abort()
    }
    life.addEventListener('abort', abort)
    const timer = net.timers.setTimeout(abort, timeout)
    try {
      const res = await net.fetch(endpoint(net, 'messages', after), {
        headers: { 'x-bp-token': net.token },
        cache: 'no-store',
        signal: c.signal,
      })
      if (res.status === 400 && after) {
        after = undefined
        continue
      }
      if (!res.ok) return stops(res.status) ? res.status : 'error'
      const body = (await res.json()) as Record<string, unknown> | null
      const data = body?.data
      if (!Array.isArray(data)) return 'error'
      const page: History = { messages: data.flatMap((m) => messageOf(m) ?? []) }
      if ((STATUSES as readonly unknown[]).includes(body?.status)) {
        page.status = body?.status as ConversationStatus
        const agent = agentOf(body?.agent)
        if (agent) page.agent = agent
      }
      return page
    } catch {
      return 'error'
    } finally {
      net.timers.clearTimeout(timer)
      life.removeEventListener('abort', abort)
    }
  }
}

/**
 * Delay before reconnect `attempt` (1-based), "full jitter": uniform in
 * [0, min(cap, base × 2^(attempt − 1))) ms, so that the visitors of a restarted
 * server do not come back in step.
 */
export function backoff(attempt: number, random: () => number, base: number, cap: number): number {
  return Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)))
}

/** The timings of the engine, all in ms; defaults in stream.ts `LiveOptions`. */
export interface Tuning {
  baseDelay: number
  maxDelay: number
  heartbeat: number
  pollEvery: number
  pollMax: number
  streamRetry: number
}

/** What the engine needs from its tab (stream.ts). */
export interface EngineDeps {
  net: Net
  tuning: Tuning
  random: () => number
  /** The id of the newest message the tab has, sent as `Last-Event-ID`. */
  lastId(): string | undefined
  /**
   * Fetches what followed `lastId()` and hands it to the chat in order; resolves
   * with how many messages were new, `error` (try again later) or `stop` (the
   * connection has ended).
   */
  catchUp(): Promise<number | 'error' | 'stop'>
  /** A validated event of the stream. */
  event(e: LiveEvent): void
  /** The engine's state changed. */
  state(s: 'connecting' | 'open' | 'reconnecting' | 'polling'): void
  /** The stream answered an HTTP status that {@link stops} the connection. */
  stop(status: number): void
}

/** SSE parser buffer limit: a peer that never ends a line or an event is cut off and reconnected (characters). */
const MAX_BUFFER = 1 << 20

/**
 * The stream engine of one tab. `start()` (re)starts from the first attempt;
 * `stop()` aborts the request and clears every timer. While started:
 *
 * - `GET {api}/inbox/direct/stream?…` with `x-bp-token`, `Accept:
 *   text/event-stream` and, once the tab has a message, `Last-Event-ID` (the
 *   resume point of WHATWG HTML, "Server-sent events": the server replays what
 *   followed it). Once the response is open, `catchUp()` runs in parallel, so
 *   nothing is missed even when the server's replay is (a restarted server).
 * - Drops (network error, end of the stream, a failed catch-up, a 5xx) reconnect
 *   after {@link backoff}; the attempt count resets once bytes arrive.
 * - Watchdog: no byte (event or heartbeat comment) for 2 × `heartbeat` ms aborts
 *   and reconnects.
 * - Streaming blocked: the watchdog fires before the first byte of a response
 *   twice in a row (a proxy buffering the stream), or the response is not
 *   `text/event-stream`: polls `catchUp()` every `pollEvery` ms, doubling while
 *   nothing new arrives up to `pollMax`, and tries the stream again after
 *   `streamRetry` ms (then one silent watchdog suffices to go back to polling).
 *
 * `wake()` ends the current wait at once (the next reconnect attempt or poll):
 * the network is back (the `online` event), so the backoff would only delay.
 * `drop()` treats the open stream as dropped (the `offline` event: a connection
 * the browser keeps open may carry nothing more, and emulated offline networks
 * keep it flowing): it reconnects with the backoff.
 */
export function createEngine(d: EngineDeps): {
  start(): void
  stop(): void
  wake(): void
  drop(): void
} {
  const { net, tuning: t } = d
  const { timers } = net
  /** The run: bumped by stop(), so that a late answer of an old run does nothing. */
  let run = 0
  let ctrl: AbortController | undefined
  let wait: unknown
  let dog: unknown
  /** Failed attempts since bytes last arrived. */
  let attempt = 0
  /** Responses in a row that stayed silent until the watchdog. */
  let strikes = 0
  /** Streaming was found blocked: the next attempt is a trial that keeps polling's state. */
  let blocked = false

  /** What the pending wait runs (a reconnect, the next poll). */
  let next: (() => void) | undefined
  const later = (ms: number, fn: () => void) => {
    next = fn
    wait = timers.setTimeout(() => {
      wait = next = undefined
      fn()
    }, ms)
  }

  async function connect(r: number) {
    const trial = blocked
    const c = new AbortController()
    ctrl = c
    let bytes = false
    let silent = false
    const arm = () => {
      timers.clearTimeout(dog)
      dog = timers.setTimeout(() => {
        silent = true
        c.abort()
      }, 2 * t.heartbeat)
    }
    arm()
    try {
      const last = d.lastId()
      const headers: Record<string, string> = {
        'x-bp-token': net.token,
        accept: 'text/event-stream',
      }
      if (last) headers['last-event-id'] = last
      const res = await net.fetch(endpoint(net, 'stream'), {
        headers,
        cache: 'no-store',
        signal: c.signal,
      })
      if (r !== run) return
      const sse = /^text\/event-stream/i.test(res.headers.get('content-type') ?? '')
      if (!res.ok || !sse || !res.body) {
        res.body?.cancel().catch(() => undefined)
        if (stops(res.status)) return d.stop(res.status)
        // An answer, but not a stream (a proxy's page, a buffered body): poll.
        return res.ok ? poll(r) : retry(r)
      }
      if (!trial) d.state('open')
      void d.catchUp().then((got) => {
        if (got === 'error') c.abort()
      })
      const reader = res.body.getReader()
      const decoder = new TextDecoder()
      const parser = createParser({
        maxBufferSize: MAX_BUFFER,
        onError: (e) => {
          if (e.type === 'max-buffer-size-exceeded') c.abort()
        },
        onEvent: (e) => {
          let data: unknown
          try {
            data = JSON.parse(e.data)
          } catch {
            return
          }
          const event = toEvent(e.event ?? 'message', data)
          if (event && r === run) d.event(event)
        },
      })
      for (;;) {
        const { done, value } = await reader.read()
        if (r !== run || done) break
        if (!bytes) {
          bytes = true
          attempt = strikes = 0
          blocked = false
          if (trial) d.state('open')
        }
        arm()
        parser.feed(decoder.decode(value, { stream: true }))
      }
    } catch {
      /* a drop: reconnect below */
    }
    if (r !== run) return
    if (silent && !bytes && ++strikes >= 2) return poll(r)
    retry(r)
  }

  /** After a drop: waits {@link backoff}, then connects again; a failed trial goes back to polling. */
  function retry(r: number) {
    timers.clearTimeout(dog)
    ctrl?.abort()
    if (blocked) return poll(r)
    attempt++
    d.state('reconnecting')
    later(backoff(attempt, d.random, t.baseDelay, t.maxDelay), () => connect(r))
  }

  function poll(r: number) {
    timers.clearTimeout(dog)
    ctrl?.abort()
    blocked = true
    strikes = 0
    d.state('polling')
    let idle = 0
    let spent = 0
    const tick = async () => {
      const got = await d.catchUp()
      if (r !== run || got === 'stop') return
      if (typeof got === 'number' && got > 0) idle = 0
      const ms = Math.min(t.pollMax, t.pollEvery * 2 ** idle)
      if (got === 'error' || got === 0) idle++
      spent += ms
      later(ms, spent >= t.streamRetry ? () => connect(r) : tick)
    }
    void tick()
  }

  const stop = () => {
    run++
    timers.clearTimeout(wait)
    timers.clearTimeout(dog)
    wait = dog = next = undefined
    ctrl?.abort()
    ctrl = undefined
  }

  return {
    start() {
      stop()
      attempt = strikes = 0
      d.state('connecting')
      void connect(run)
    },
    stop,
    wake() {
      const fn = next
      if (!fn) return
      timers.clearTimeout(wait)
      wait = next = undefined
      fn()
    },
    drop() {
      // Between attempts (a backoff, a poll's wait) there is nothing to drop.
      if (!next) ctrl?.abort()
    },
  }
}
