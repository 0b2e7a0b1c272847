/**
 * The lead outbox: every lead change is stored before it is sent, coalesced into
 * the latest full snapshot per visitor UUID, and sent one request at a time until
 * the platform accepts it. The outbox, not ky, owns the retry policy
 * (ky does not retry timeouts and its defaults retry 413).
 */
import type { LeadPayload } from './lead'
import { report } from './log'
import type { Kv } from './storage'

/** What one send attempt returned: the HTTP status and the `Retry-After` header, if any. */
export interface SendResult {
  status: number
  retryAfter?: string | null
}

/** Sends one snapshot; rejects on network failure or timeout. `keepalive` is set on page hide. */
export type Send = (payload: LeadPayload, keepalive: boolean) => Promise<SendResult>

/** A snapshot waiting in storage: the payload and a version that grows with each change. */
interface Item {
  payload: LeadPayload
  v: number
}

/** Storage key of the pending snapshots, a record by visitor UUID. */
export const OUTBOX_KEY = 'outbox'

/** Name of the Web Lock that serialises lead sends across the site's tabs. */
export const LOCK = 'reekolect-outbox'

/** Statuses that will not succeed by sending the same body again: the item is parked. */
const PARK = new Set([400, 401, 403, 413])

/** First retry delay (ms), doubled per attempt up to {@link MAX_DELAY}. */
export const BASE_DELAY = 1000
/** Longest wait between attempts, and the cap on `Retry-After` (ms). */
export const MAX_DELAY = 60_000

/** Site-owner messages for parked statuses. */
const WHY: Record<number, [string, string]> = {
  400: ['E_LEAD_INVALID', 'the platform rejected the lead as a bad request (400)'],
  401: ['E_TOKEN', 'lead sync rejected with 401 — check data-token'],
  403: ['E_FORBIDDEN', 'lead sync rejected with 403 — allow this site’s origin for the token'],
  413: ['E_LEAD_TOO_LARGE', 'the lead is larger than the platform accepts (413)'],
}

/** Events of the outbox, for the widget's `lead:synced` / `lead:error` events. */
export interface OutboxEvents {
  synced?(payload: LeadPayload): void
  error?(code: string, status: number): void
  /** Whether snapshots wait to be sent (parked ones do not count); called when it may have changed. */
  pending?(waiting: boolean): void
}

/**
 * Delay before retry `attempt` (1-based): exponential from {@link BASE_DELAY}, capped
 * at {@link MAX_DELAY}, with jitter in [50 %, 100 %] so that many visitors of a
 * recovering server do not retry in step.
 */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const d = Math.min(MAX_DELAY, BASE_DELAY * 2 ** (attempt - 1))
  return Math.round(d / 2 + (random() * d) / 2)
}

/** `Retry-After` in ms (delta-seconds or HTTP date), capped at {@link MAX_DELAY}; `undefined` when absent or unreadable. */
export function retryAfterMs(
  header: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!header) return undefined
  const s = Number(header)
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(header) - now
  return Number.isFinite(ms) ? Math.min(MAX_DELAY, Math.max(0, ms)) : undefined
}

/**
 * Creates the outbox.
 *
 * - `put(payload)` stores the snapshot (replacing the visitor's previous one), then flushes.
 * - `flush(keepalive)` sends what is pending, one request in flight at a time.
 *   Called on start, on `online`, `pageshow`, and on page hide with `keepalive`.
 * - 2xx: the snapshot is removed unless a newer one arrived meanwhile (then that is sent).
 * - 400/401/403/413: parked, one `[Reekolect] E_…` line. 401/403 park the outbox for
 *   the page's life (a wrong token does not become right); 400/413 wait for a new snapshot.
 * - anything else, network errors and timeouts: retried after {@link backoff}, or after
 *   `Retry-After` on 429/503.
 */
export function createOutbox(kv: Kv, send: Send, events: OutboxEvents = {}, random = Math.random) {
  /** True while a flush holds the single in-flight slot, from reading the store to handling the answer. */
  let busy = false
  /** Ends the Web Lock callback of the flush in progress early (page hide). */
  let release: (() => void) | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let attempts = 0
  let blocked = false
  const parked = new Map<string, number>()
  let disposed = false
  // Every read-modify-write of the stored record runs in this chain, so a put() that
  // lands while a flush deletes an accepted snapshot is never overwritten.
  let chain: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn)
    chain = p.catch(() => undefined)
    return p
  }
  // The stored snapshots as last read or written: page hide must start its
  // keepalive fetch at once, and an IndexedDB read would finish after the unload.
  const memory = new Map<string, Item>()
  const read = async () => {
    const all = (await kv.get<Record<string, Item>>(OUTBOX_KEY)) ?? {}
    memory.clear()
    for (const [uuid, item] of Object.entries(all)) memory.set(uuid, item)
    return all
  }
  const tell = () => events.pending?.([...memory].some(([u, i]) => parked.get(u) !== i.v))

  /**
   * `keepalive` is for page hide: it starts a keepalive fetch of every waiting
   * snapshot at once, from memory, even while another request is in flight (that
   * one may be cancelled by the unload; sending a snapshot twice is harmless); it
   * handles no answer and schedules nothing, so what it sent stays stored until a
   * later flush sees it accepted. `now` skips a pending backoff wait (on `online`).
   */
  async function flush(keepalive = false, now = keepalive): Promise<void> {
    if (keepalive) release?.()
    if (keepalive && !blocked && !disposed) {
      for (const [uuid, item] of memory) {
        if (parked.get(uuid) !== item.v) void send(item.payload, true).catch(() => undefined)
      }
      return
    }
    if (blocked || disposed || busy || (timer && !now)) return
    clearTimeout(timer)
    timer = undefined
    busy = true
    // Set inside attempt(); the cast keeps TypeScript from narrowing it to 'stop'.
    let next = 'stop' as 'again' | 'wait' | 'stop'
    let wait = 0
    // One request in flight per visitor across the tabs of the site too: the whole
    // read-send-record step holds a Web Lock where the browser has them.
    const attempt = async () => {
      const entry = Object.entries(await serial(read)).find(([u, i]) => parked.get(u) !== i.v)
      tell()
      if (!entry) return
      const [uuid, item] = entry
      const res = await send(item.payload, keepalive).catch(() => undefined)
      if (disposed) return
      if (res && res.status >= 200 && res.status < 300) {
        attempts = 0
        await serial(async () => {
          const all = await read()
          if (all[uuid]?.v !== item.v) return
          delete all[uuid]
          memory.delete(uuid)
          await kv.set(OUTBOX_KEY, all)
        })
        events.synced?.(item.payload)
        next = 'again'
      } else if (res && PARK.has(res.status)) {
        const [code, what] = WHY[res.status] ?? ['E_LEAD', `lead sync failed (${res.status})`]
        const [w, fix] = what.split(' — ')
        report(code, w ?? what, fix ?? 'check the lead fields sent by the chat flow')
        events.error?.(code, res.status)
        if (res.status === 401 || res.status === 403) blocked = true
        else parked.set(uuid, item.v)
        next = 'again'
      } else {
        attempts++
        wait =
          (res && (res.status === 429 || res.status === 503) && retryAfterMs(res.retryAfter)) ||
          backoff(attempts, random)
        next = 'wait'
      }
    }
    try {
      const locks = globalThis.navigator?.locks
      // Page hide lets the lock go at once (the request goes on): a page that holds
      // a lock another page of the site asks for is evicted from the back/forward
      // cache (Chrome's "weblocks-contention").
      const held = () =>
        new Promise<void>((done) => {
          release = done
          void attempt().then(done, done)
        })
      await (locks ? locks.request(LOCK, held) : attempt())
    } finally {
      release = undefined
      busy = false
    }
    if (next === 'again') return flush()
    if (next === 'wait' && !timer) {
      timer = setTimeout(() => {
        timer = undefined
        void flush()
      }, wait)
    }
  }

  return {
    /** Stores `payload` as its visitor's latest snapshot, then flushes. Resolves once stored. */
    async put(payload: LeadPayload): Promise<void> {
      await serial(async () => {
        const all = await read()
        const item = { payload, v: (all[payload.uuid]?.v ?? 0) + 1 }
        all[payload.uuid] = item
        memory.set(payload.uuid, item)
        await kv.set(OUTBOX_KEY, all)
      })
      tell()
      void flush()
    },
    flush,
    /** Snapshots not yet accepted, by UUID (for tests and the playground). */
    pending: async () =>
      Object.fromEntries(Object.entries(await serial(read)).map(([k, i]) => [k, i.payload])),
    /** Stops timers; pending snapshots stay stored for the next page. */
    dispose() {
      disposed = true
      clearTimeout(timer)
    },
  }
}

/** The outbox as returned by {@link createOutbox}. */
export type Outbox = ReturnType<typeof createOutbox>
