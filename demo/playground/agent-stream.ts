/**
 * The agent console's connection to `GET /inbox/direct/agent-stream`
 * (docs/platform-api.md, "Our extensions: live chat"): read with `fetch`, because
 * an `EventSource` cannot send the `x-bot-token` header, and parsed with
 * eventsource-parser. It reconnects after a drop with capped, jittered backoff and
 * sends `Last-Event-ID`, so messages sent while it was down are replayed.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser'

/** First reconnect delay (ms); it doubles per failed attempt up to {@link MAX_DELAY_MS}. */
export const BASE_DELAY_MS = 1000
/** Longest reconnect delay (ms). */
export const MAX_DELAY_MS = 15_000
/**
 * Silence (ms) after which an open stream counts as dropped: the server sends a
 * heartbeat comment every 25 s (docs/platform-api.md), so 60 s without a byte means
 * a half-open connection that would otherwise never report an error.
 */
export const SILENCE_MS = 60_000

/**
 * Delay (ms) before reconnect attempt `attempt` (0 for the first): full backoff
 * `min(MAX_DELAY_MS, BASE_DELAY_MS × 2^attempt)`, then a random half of it is
 * taken away (so consoles that dropped together do not come back together).
 * `random` returns a number in [0, 1), default `Math.random`.
 */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const full = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt))
  return Math.round(full * (0.5 + random() / 2))
}

/** Connection state: reading, about to connect, or waiting `retryInMs` after `reason`. */
export type StreamState =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'retrying'; retryInMs: number; reason: string }

/** Options of {@link openAgentStream}. */
export interface AgentStreamOptions {
  /** The URL to connect to, asked again before each connection (it may change). */
  url: () => string
  /** Request headers (`x-bot-token`). */
  headers: Record<string, string>
  /** Each event of the stream, in order. */
  onEvent: (e: EventSourceMessage) => void
  /** Each change of the connection state; `open` follows every (re)connection. */
  onState: (s: StreamState) => void
  /** The fetch to use; default the global one. */
  fetch?: typeof fetch
  /** Random source of the jitter; default `Math.random`. */
  random?: () => number
  /** Silence (ms) that counts as a drop; default {@link SILENCE_MS}. */
  silenceMs?: number
}

/** An open agent stream; see {@link openAgentStream}. */
export interface AgentStream {
  /** Drops the connection and connects again at once (e.g. under a new agent name). */
  restart(): void
  /** Closes it for good. */
  close(): void
}

/**
 * Connects and keeps connecting until {@link AgentStream.close}: a failed request,
 * a non-2xx answer, an ended body or {@link SILENCE_MS} of silence all lead to a
 * new attempt after {@link backoff}. Never throws; failures arrive as `retrying`.
 */
export function openAgentStream(opts: AgentStreamOptions): AgentStream {
  const fetchFn = opts.fetch ?? fetch
  const random = opts.random ?? Math.random
  const silenceMs = opts.silenceMs ?? SILENCE_MS
  let closed = false
  let lastId = ''
  let attempt = 0
  let current: AbortController | null = null
  let wake: (() => void) | null = null

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wake = null
        resolve()
      }
      wake = done
    })

  async function connectOnce(ctrl: AbortController): Promise<string> {
    const headers: Record<string, string> = { ...opts.headers }
    if (lastId) headers['last-event-id'] = lastId
    const res = await fetchFn(opts.url(), { headers, signal: ctrl.signal, cache: 'no-store' })
    if (!res.ok || !res.body) {
      const body = await res.text().catch(() => '')
      let message = `HTTP ${res.status}`
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? message
      } catch {
        // Not JSON: the status says enough.
      }
      return message
    }
    attempt = 0
    opts.onState({ state: 'open' })
    const parser = createParser({
      onEvent(e) {
        if (e.id) lastId = e.id
        opts.onEvent(e)
      },
    })
    const reader = res.body.getReader()
    const decoder = new TextDecoder()
    let timer = setTimeout(() => ctrl.abort(), silenceMs)
    try {
      for (;;) {
        const { done, value } = await reader.read()
        clearTimeout(timer)
        if (done) return 'the server ended the stream'
        timer = setTimeout(() => ctrl.abort(), silenceMs)
        parser.feed(decoder.decode(value, { stream: true }))
      }
    } finally {
      clearTimeout(timer)
    }
  }

  async function run() {
    while (!closed) {
      const ctrl = new AbortController()
      current = ctrl
      opts.onState({ state: 'connecting' })
      let reason: string
      try {
        reason = await connectOnce(ctrl)
      } catch (e) {
        reason = ctrl.signal.aborted ? 'no data for too long' : String((e as Error).message ?? e)
      }
      if (closed) return
      if (ctrl.signal.reason === 'restart') continue
      const retryInMs = backoff(attempt++, random)
      opts.onState({ state: 'retrying', retryInMs, reason })
      await sleep(retryInMs)
    }
  }
  void run()

  return {
    restart() {
      if (closed) return
      attempt = 0
      if (wake) wake()
      else current?.abort('restart')
    },
    close() {
      closed = true
      current?.abort('close')
      wake?.()
    },
  }
}
