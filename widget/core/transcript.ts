/**
 * The transcript outbox: every bot and visitor message of the conversation is
 * stored before it is sent, then posted in order to `POST {api}/inbox/direct/messages`
 * (our extension: docs/platform-api.md, "Our extensions: live chat") until the
 * platform accepts it, so the business sees the whole conversation, not only the
 * lead fields. Each message carries a UUID made here once, and the server keeps a
 * message id once: a retry after a lost answer duplicates nothing.
 *
 * A lazy chunk: the chat window loads it when the page is idle after it mounts.
 */
import { effect } from '@preact/signals-core'
import ky from 'ky'
import { report } from '../../loader/log'
import type { WidgetConfig } from '../../loader/protocol'
import { newUuid } from '../../loader/visitor'
import type { LeadIds } from './lead'
import { backoff, retryAfterMs, type SendResult } from './outbox'
import { DAY, RETENTION_DAYS } from './retention'
import type { Attachment, Message, State } from './state'
import type { Kv } from './storage'

/** A message as the messages endpoint takes it; `at` is ISO 8601 UTC. */
export interface WireMessage {
  /** UUID v4, made once when the message is stored. */
  id: string
  by: 'visitor' | 'bot'
  text: string
  at: string
  /** The file the message sends (its upload's answer; the inbox goes by its `id`). */
  attachment?: Attachment
}

/** The body of `POST {api}/inbox/direct/messages`. */
export interface MessagesBody extends LeadIds {
  /** At most {@link MAX_BATCH}, oldest first. */
  messages: WireMessage[]
  /** Asks for a person, after the messages of this batch. */
  handoff?: true
}

/** Posts one batch; resolves with the status for any HTTP answer, rejects on network errors and timeouts. */
export type PostMessages = (body: MessagesBody, keepalive: boolean) => Promise<SendResult>

/** A visitor's stored transcript record, in the map at {@link TRANSCRIPT_KEY}. */
export interface TranscriptRecord {
  s: 1
  ids: LeadIds
  /** Id ({@link Message.id}) of the newest transcript entry stored, so a restored chat is not stored twice. */
  last: number
  /** Messages not yet accepted, oldest first. */
  queue: WireMessage[]
  /** A hand-off waits to be sent, after every message queued before it. */
  handoff?: true
  /** Last change, epoch ms: an emptied record unchanged for the retention is removed. */
  at: number
}

/** Storage key of the transcript records, by visitor UUID. */
export const TRANSCRIPT_KEY = 'transcript'
/** Most messages per request (docs/platform-api.md). */
export const MAX_BATCH = 50
/** Most bytes of a keepalive request body: browsers refuse keepalive bodies over 64 KiB in flight (Fetch, "keepalive"). */
export const KEEPALIVE_BYTES = 60_000
/** Most undelivered messages kept per visitor; the oldest go first (with one W_TRANSCRIPT line). */
export const MAX_QUEUE = 1000
/** Time one request may take before it is abandoned and retried (ms). */
export const REQUEST_TIMEOUT = 10_000

/**
 * Returns the {@link PostMessages} of the widget's API: `POST {apiUrl}/inbox/direct/messages`
 * with header `x-bp-token` (never in the URL) and a JSON body.
 */
export function createMessagesSender(
  config: Pick<WidgetConfig, 'apiUrl' | 'token'>,
  timeout = REQUEST_TIMEOUT,
): PostMessages {
  const http = ky.create({ prefixUrl: config.apiUrl, timeout, retry: 0, throwHttpErrors: false })
  return async (body, keepalive) => {
    const res = await http.post('inbox/direct/messages', {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-bp-token': config.token },
      keepalive,
    })
    return { status: res.status, retryAfter: res.headers.get('retry-after') }
  }
}

/** A bot or visitor transcript entry as the endpoint takes it: its UUID ({@link Message.sid}), else a new one. */
const wire = (m: Message & { from: WireMessage['by'] }): WireMessage => ({
  id: m.sid ?? newUuid(),
  by: m.from,
  text: m.text,
  at: new Date(m.at).toISOString(),
  ...(m.attachment ? { attachment: m.attachment } : {}),
})

/** Stored records, checked; records of other shapes, and emptied ones past `keep`, are dropped. */
function parse(raw: unknown, now: number, keep: number): Record<string, TranscriptRecord> {
  const all: Record<string, TranscriptRecord> = {}
  if (!raw || typeof raw !== 'object') return all
  for (const [uuid, r] of Object.entries(raw as Record<string, TranscriptRecord>)) {
    const ok = r?.s === 1 && Array.isArray(r.queue) && typeof r.last === 'number' && r.ids
    if (ok && (r.queue.length || r.handoff || now - r.at <= keep)) all[uuid] = r
  }
  return all
}

/** What the visitor and the site owner hear about; failures retry quietly. */
const WHY: Record<number, string> = {
  400: 'the platform refused the transcript (400)',
  401: 'the transcript was refused with 401: check data-token',
  403: 'the transcript was refused with 403: allow this site’s origin for the token',
  404: 'the API has no messages endpoint (404)',
  405: 'the API has no messages endpoint (405)',
  413: 'the platform refused a transcript batch as too large (413)',
}

/** Options of {@link createTranscript}. */
export interface TranscriptOptions {
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number
  /** Retention (ms) of a delivered record unchanged since. Default RETENTION_DAYS days. */
  keep?: number
  /** Called with whether messages wait to be sent, when it may have changed. */
  pending?(waiting: boolean): void
  /**
   * Called once new messages of visitor `uuid` are stored, before they are sent:
   * the UUID each bot and visitor message got, by {@link Message.id}. The chat keeps
   * them ({@link Message.sid}) to match the stream's events to its messages.
   */
  stored?(uuid: string, sids: Map<number, string>): void
  /** Called when the platform accepted messages of visitor `uuid` (a 2xx answer), with their UUIDs. */
  delivered?(uuid: string, ids: string[]): void
  /**
   * Called with true when a request failed and will be retried (network, timeout,
   * 429, 5xx), and with false when the next one is accepted: the chat shows the
   * visitor's messages waiting meanwhile as not sent yet.
   */
  failing?(failing: boolean): void
}

/**
 * The transcript outbox over `kv`. One request in flight per tab; batches of at
 * most {@link MAX_BATCH} messages of one visitor, oldest first; a failed request
 * (network, timeout, 429, 5xx) is retried with backoff (and `Retry-After`); an
 * answer that will not change by retrying (400, 401, 403, 404, 405, 413) stops
 * sending on this page with one `W_TRANSCRIPT` line and keeps the messages
 * stored: the next page tries again. Never throws, never rejects.
 */
export function createTranscript(kv: Kv, post: PostMessages, options: TranscriptOptions = {}) {
  const { random = Math.random, now = Date.now, keep = RETENTION_DAYS * DAY } = options
  let chain: Promise<unknown> = Promise.resolve()
  /** Runs `fn` after every earlier store operation of this tab. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn)
    chain = p.catch(() => undefined)
    return p
  }
  /** The records as last read or written, for page hide (a keepalive request must start at once). */
  let memory: Record<string, TranscriptRecord> = {}
  const write = (fn: (all: Record<string, TranscriptRecord>) => void) =>
    serial(async () => {
      memory = await kv.update<Record<string, TranscriptRecord>>(TRANSCRIPT_KEY, (raw) => {
        const all = parse(raw, now(), keep)
        fn(all)
        return all
      })
      options.pending?.(Object.values(memory).some((r) => r.queue.length || r.handoff))
      return memory
    })
  let busy = false
  let stopped = false
  let disposed = false
  let attempts = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  /** The next batch of record `r`: as many messages as fit `bytes`, with the hand-off once the queue is in it. */
  const batchOf = (r: TranscriptRecord, bytes = Number.POSITIVE_INFINITY): MessagesBody => {
    const messages: WireMessage[] = []
    let size = 200
    for (const m of r.queue.slice(0, MAX_BATCH)) {
      size += JSON.stringify(m).length * 3
      if (messages.length && size > bytes) break
      messages.push(m)
    }
    const all = messages.length === r.queue.length
    return { ...r.ids, messages, ...(all && r.handoff ? { handoff: true as const } : {}) }
  }

  /** Removes what the platform accepted from the record. */
  const accepted = (body: MessagesBody) => {
    if (body.messages.length)
      options.delivered?.(
        body.uuid,
        body.messages.map((m) => m.id),
      )
    return write((all) => {
      const r = all[body.uuid]
      if (!r) return
      const ids = new Set(body.messages.map((m) => m.id))
      r.queue = r.queue.filter((m) => !ids.has(m.id))
      if (body.handoff) delete r.handoff
      r.at = now()
    })
  }

  async function flush(keepalive = false): Promise<void> {
    if (stopped || disposed) return
    if (keepalive) {
      // From memory, at once: the page is going away. Sent again next time if no answer is seen.
      for (const r of Object.values(memory)) {
        if (!r.queue.length && !r.handoff) continue
        const body = batchOf(r, KEEPALIVE_BYTES)
        post(body, true).then(
          (res) => (res.status >= 200 && res.status < 300 ? accepted(body) : undefined),
          () => undefined,
        )
      }
      return
    }
    if (busy || timer) return
    busy = true
    try {
      for (;;) {
        const all = await write(() => {})
        const r = Object.values(all).find((x) => x.queue.length || x.handoff)
        if (!r || disposed) return
        const body = batchOf(r)
        const res = await post(body, false).catch(() => undefined)
        if (disposed) return
        if (res && res.status >= 200 && res.status < 300) {
          if (attempts) options.failing?.(false)
          attempts = 0
          await accepted(body)
          continue
        }
        const why = res && WHY[res.status]
        if (why) {
          stopped = true
          report(
            'W_TRANSCRIPT',
            `${why}; the conversation is kept in this browser and not sent`,
            'the lead is still delivered; see the live chat endpoints in docs/platform-api.md',
          )
          return
        }
        attempts++
        options.failing?.(true)
        const server =
          res && (res.status === 429 || res.status === 503)
            ? retryAfterMs(res.retryAfter)
            : undefined
        timer = setTimeout(() => {
          timer = undefined
          void flush()
        }, server ?? backoff(attempts, random))
        return
      }
    } finally {
      busy = false
    }
  }

  /** The visitor's record in `all`, added empty when there is none. */
  const recordOf = (all: Record<string, TranscriptRecord>, ids: LeadIds): TranscriptRecord => {
    all[ids.uuid] ??= { s: 1, ids, last: 0, queue: [], at: now() }
    return all[ids.uuid] as TranscriptRecord
  }

  return {
    /**
     * Stores the entries of `messages` newer than what this visitor's record holds
     * (a restored conversation is not stored again), then flushes. Agent messages
     * came from the inbox and are not sent back, nor messages marked delivered
     * (another tab's, brought by the stream). A message that already has a
     * {@link Message.sid} but is not known delivered (a chat restored without its
     * record) is sent under it: the inbox keeps an id once, so that adds nothing
     * twice and loses nothing. Resolves once stored; never rejects.
     */
    add(ids: LeadIds, messages: readonly Message[]): Promise<void> {
      const sids = new Map<number, string>()
      // An answer still streaming in (the newest message, `pending`) is stored once complete.
      const done = messages.at(-1)?.pending ? messages.slice(0, -1) : messages
      return write((all) => {
        sids.clear()
        const r = recordOf(all, ids)
        const fresh = done.filter((m) => m.id > r.last)
        if (!fresh.length) return
        for (const m of fresh) {
          // From the inbox (an agent's), or delivered already (another tab's, brought by the stream).
          if (m.from === 'agent' || m.ack) continue
          const w = wire(m as Message & { from: WireMessage['by'] })
          r.queue.push(w)
          sids.set(m.id, w.id)
        }
        r.last = fresh[fresh.length - 1]?.id ?? r.last
        r.at = now()
        if (r.queue.length > MAX_QUEUE) {
          r.queue.splice(0, r.queue.length - MAX_QUEUE)
          report(
            'W_TRANSCRIPT',
            `more than ${MAX_QUEUE} messages wait to be sent; the oldest are dropped`,
            'check that the API accepts POST inbox/direct/messages',
          )
        }
      }).then(
        () => {
          // A write may run its function twice (storage.ts falls back to memory): the last run's UUIDs were stored.
          if (sids.size) options.stored?.(ids.uuid, sids)
          void flush()
        },
        () => undefined,
      )
    },
    /** Asks for a person: sent with (after) the messages stored before it. Resolves once stored. */
    handoff(ids: LeadIds): Promise<void> {
      return write((all) => {
        const r = recordOf(all, ids)
        r.handoff = true
        r.at = now()
      }).then(
        () => void flush(),
        () => undefined,
      )
    },
    flush,
    /** Ends the backoff wait and flushes (the `online` event, the tab shown again). */
    retry(): Promise<void> {
      clearTimeout(timer)
      timer = undefined
      return flush()
    },
    /** Stops timers; what waits stays stored for the next page. */
    dispose() {
      disposed = true
      clearTimeout(timer)
    },
  }
}

/** The transcript outbox as returned by {@link createTranscript}. */
export type Transcript = ReturnType<typeof createTranscript>

/**
 * Stores every new transcript entry of `state` for the current visitor (`ids` is
 * read on each change: the UUID changes on reset), and flushes on page events:
 * when the network returns or the tab is shown (`retry`), and with keepalive when
 * it is hidden or left. Also sends what earlier pages left waiting.
 * @returns a function that stops following and removes its listeners.
 */
export function follow(
  state: Pick<State, 'messages'>,
  transcript: Transcript,
  ids: () => LeadIds,
  win: Window = window,
): () => void {
  const stop = effect(() => {
    const list = state.messages.value
    if (list.length) void transcript.add(ids(), list)
  })
  void transcript.flush()
  const doc = win.document
  const retry = () => void transcript.retry()
  const leaving = () => void transcript.flush(true)
  const visibility = () => (doc.visibilityState === 'hidden' ? leaving() : retry())
  win.addEventListener('online', retry)
  win.addEventListener('pagehide', leaving)
  doc.addEventListener('visibilitychange', visibility)
  return () => {
    stop()
    transcript.dispose()
    win.removeEventListener('online', retry)
    win.removeEventListener('pagehide', leaving)
    doc.removeEventListener('visibilitychange', visibility)
  }
}
