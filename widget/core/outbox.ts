/**
 * The lead outbox: every lead change is stored before it is sent, and sent one
 * request at a time until the platform accepts it. The outbox, not ky, owns the
 * retry policy (ky does not retry timeouts and its defaults retry 413).
 *
 * Changes are merged per field, not per tab: the site's tabs of one visitor (a
 * duplicated tab copies `sessionStorage`, so both have the same UUID) each hand
 * over only the fields they changed, with the edit time, and the visitor's stored
 * record keeps the latest edit of each field. Every PUT carries the full snapshot
 * built from that record (the platform's body is an upsert snapshot:
 * docs/platform-api.md), so one tab's snapshot never reverts another tab's edit.
 */

import { report } from '../../loader/log'
import type { LogCode } from '../../loader/protocol'
import {
  type Fields,
  type FieldValue,
  type LeadIds,
  type LeadPayload,
  payloadOf,
  same,
  toJson,
} from './lead'
import { DAY, RETENTION_DAYS } from './retention'
import type { Kv } from './storage'

/** What one send attempt returned: the HTTP status and the `Retry-After` header, if any. */
export interface SendResult {
  status: number
  retryAfter?: string | null
}

/** Sends one snapshot; rejects on network failure or timeout. `keepalive` is set on page hide. */
export type Send = (payload: LeadPayload, keepalive: boolean) => Promise<SendResult>

/** One change of a visitor's lead, as the actions hand it to {@link Outbox.put}. */
export interface LeadChange {
  ids: LeadIds
  /** The fields that changed, by key (lead.ts `changes`). */
  set: Fields
  /** When the visitor or the host made the change, epoch ms. Per field, the latest edit wins. */
  at: number
  /**
   * The editing tab's whole lead (lead.ts `fieldsOf`), taken only for fields the
   * record lacks, as their oldest edit: it completes a record written before
   * per-field merging, or pruned, without ever overriding an edit.
   */
  base?: Fields
}

/**
 * A visitor's stored record, schema {@link SCHEMA}. It outlives delivery (until
 * {@link KEEP}): the snapshot of a later change must still carry every field.
 */
export interface OutboxRecord {
  s: typeof SCHEMA
  ids: LeadIds
  /** Each field's value and edit time (epoch ms; 0: taken from a tab's lead as `base`). */
  f: Record<string, [FieldValue, number]>
  /** Version: grows by one with every change that alters the record. */
  v: number
  /** The version the platform last accepted; 0 before the first. */
  sent: number
  /** A version the platform rejected (400, 413): not sent again, on this page or the next. */
  park?: number
  /** Fields left out of every snapshot as too large (413 or {@link MAX_BODY}); a new value of the field clears it. */
  big?: string[]
  /** The last change, epoch ms. */
  at: number
}

/** Storage key of the visitors' records, a record by visitor UUID. */
export const OUTBOX_KEY = 'outbox'

/** Name of the Web Lock that serialises lead sends across the site's tabs. */
export const LOCK = 'reekolect-outbox'

/**
 * Schema version of {@link OutboxRecord}. Version 1 was `{payload, v}` (one whole
 * snapshot per visitor): it is migrated; any other shape is discarded with one
 * `W_OUTBOX` warning.
 */
export const SCHEMA = 2

/**
 * Largest PUT body the outbox sends: 65,536 bytes of UTF-8. That is both the
 * demo platform's limit (its 413) and the browser's quota for the bodies of
 * keepalive requests in flight (Fetch standard, "keepalive"), which page hide
 * uses. A change that would make the snapshot larger leaves its largest field out
 * (one `E_LEAD_TOO_LARGE` line; the visitor sees the field flagged).
 */
export const MAX_BODY = 65_536

/**
 * Shortest time between two PUTs of one visitor (ms): the first change is sent at
 * once, changes within the next 500 ms go together in one PUT at its end (a host
 * calling `identify` on every keystroke sends about two PUTs a second, not one per
 * key). Page hide sends at once.
 */
export const MIN_GAP = 500

/** First retry delay (ms), doubled per attempt up to {@link MAX_DELAY}. */
export const BASE_DELAY = 1000
/** Longest wait between attempts that got an answer, or a timeout (ms). */
export const MAX_DELAY = 60_000
/**
 * Network failures in a row (no answer at all: offline, CORS, a blocker) after
 * which the site owner gets one `E_NETWORK` line and retries slow down: from
 * then on the wait starts at {@link MAX_DELAY} and doubles up to
 * {@link NETWORK_MAX_DELAY} (with jitter: 30–60 s, 60–120 s, … 2.5–5 min).
 */
export const NETWORK_STRIKES = 3
/** Longest wait between attempts after {@link NETWORK_STRIKES} network failures in a row (ms). */
export const NETWORK_MAX_DELAY = 5 * 60_000
/**
 * Longest `Retry-After` (429, 503) the outbox waits out on the page (ms). A longer
 * one parks the outbox until the `online` event or the next page.
 */
export const MAX_RETRY_AFTER = 10 * 60_000
/** Failed attempts in a row after which the visitor is told that sending is still being tried. */
export const TROUBLE_AFTER = 3
/** Default retention: a delivered record untouched this long (ms, 30 days, retention.ts RETENTION_DAYS) is removed. */
export const KEEP = RETENTION_DAYS * DAY

/** Statuses that will not succeed by sending the same body again: the version is parked. */
const PARK = new Set([400, 401, 403, 413])

/** Site-owner messages for parked statuses: code, what happened, how to fix it. */
const WHY: Record<number, [LogCode, string, string]> = {
  400: [
    'E_LEAD_INVALID',
    'the platform rejected the lead as a bad request (400)',
    'check the lead fields sent by the chat flow',
  ],
  401: ['E_TOKEN', 'lead sync rejected with 401', 'check data-token'],
  403: ['E_FORBIDDEN', 'lead sync rejected with 403', 'allow this site’s origin for the token'],
  413: [
    'E_LEAD_TOO_LARGE',
    'the lead is larger than the platform accepts (413)',
    'its largest field is left out and flagged in the chat; the rest goes with the next change',
  ],
}

/** Events of the outbox: host events (`lead:synced`, `lead:error`) and the chat's delivery state. */
export interface OutboxEvents {
  synced?(payload: LeadPayload): void
  error?(code: string, status: number): void
  /** Whether snapshots wait to be sent (parked ones do not count); called when it may have changed. */
  pending?(waiting: boolean): void
  /**
   * What the visitor should know about delivery: `offline` when an attempt failed
   * while the browser is offline, `retrying` after {@link TROUBLE_AFTER} failed
   * attempts in a row, `undefined` once the platform answered.
   */
  trouble?(kind: 'offline' | 'retrying' | undefined): void
  /** The keys of a visitor's fields left out as too large ({@link OutboxRecord.big}); called when they may have changed. */
  rejected?(uuid: string, keys: string[]): void
}

/** Options of {@link createOutbox}. */
export interface OutboxOptions {
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number
  /** Origin of the lead API, named by the `E_NETWORK` line. */
  api?: string
  /** How long (ms) a delivered record is kept unchanged before it is removed. Default {@link KEEP}. */
  keep?: number
}

/**
 * Delay before retry `attempt` (1-based): exponential from `base`, capped at `cap`,
 * with jitter in [50 %, 100 %] so that many visitors of a recovering server do not
 * retry in step. Defaults {@link BASE_DELAY} and {@link MAX_DELAY}.
 */
export function backoff(
  attempt: number,
  random: () => number = Math.random,
  base = BASE_DELAY,
  cap = MAX_DELAY,
): number {
  const d = Math.min(cap, base * 2 ** (attempt - 1))
  return Math.round(d / 2 + (random() * d) / 2)
}

/** `Retry-After` in ms (delta-seconds or HTTP date, never negative); `undefined` when absent or unreadable. */
export function retryAfterMs(
  header: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!header) return undefined
  const s = Number(header)
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(header) - now
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object'
const isStr = (v: unknown): v is string => typeof v === 'string'
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const idsOf = (x: unknown): LeadIds | undefined =>
  isObj(x) && isStr(x.uuid) && isStr(x.botId) && isStr(x.customerId)
    ? { uuid: x.uuid, botId: x.botId, customerId: x.customerId }
    : undefined
/** Whether `v` is a value field `k` can have (lead.ts `FieldValue`). */
const fits = (k: string, v: unknown) =>
  k[1] !== ':'
    ? isStr(v)
    : k[0] === 't'
      ? typeof v === 'boolean'
      : k[0] === 'a'
        ? isStr(v) || v === false
        : isObj(v) && isStr(v.title) && isStr(v.description)

/** Size of a PUT body in bytes of UTF-8, as api.ts encodes it. */
export const bodyBytes = (p: LeadPayload): number => new TextEncoder().encode(toJson(p)).length

/** Whether the record has a version the platform has neither accepted nor rejected. */
export const isPending = (r: OutboxRecord): boolean => r.v > r.sent && r.v !== r.park

/** The PUT body of a record: its fields, without those left out as too large. */
export function snapshotOf(r: OutboxRecord): LeadPayload {
  const fields: Fields = {}
  for (const [k, [v]] of Object.entries(r.f)) if (!r.big?.includes(k)) fields[k] = v
  return payloadOf(r.ids, fields)
}

/** Leaves the largest field of the record's snapshot out ({@link OutboxRecord.big}); returns its key. */
function leaveOutLargest(r: OutboxRecord): string | undefined {
  let key: string | undefined
  let most = 0
  for (const [k, [v]] of Object.entries(r.f)) {
    const size = v && !r.big?.includes(k) ? toJson([k, v]).length : 0
    if (size > most) [key, most] = [k, size]
  }
  if (key) r.big = [...(r.big ?? []), key]
  return key
}

/** Leaves out the largest fields until the snapshot fits {@link MAX_BODY}; returns their keys. */
function fit(r: OutboxRecord): string[] {
  const out: string[] = []
  while (bodyBytes(snapshotOf(r)) > MAX_BODY) {
    const k = leaveOutLargest(r)
    if (!k) break
    out.push(k)
  }
  return out
}

/**
 * Merges a change into a visitor's record (a new one when `r` is undefined): per
 * field, an edit at least as recent as the stored one wins. A change that alters
 * the record raises its version; a new record always gets version 1 (the chat's
 * ids-only PUT). Pure, never throws; `r` is not modified.
 * @returns the record, and the keys {@link fit} left out to keep it under {@link MAX_BODY}.
 */
export function merge(
  r: OutboxRecord | undefined,
  c: LeadChange,
): { rec: OutboxRecord; big: string[] } {
  const rec: OutboxRecord = r
    ? { ...r, ids: c.ids, f: { ...r.f } }
    : { s: SCHEMA, ids: c.ids, f: {}, v: 0, sent: 0, at: c.at }
  let changed = !r || toJson(r.ids) !== toJson(c.ids)
  for (const [k, v] of Object.entries(c.base ?? {})) {
    if (!(k in rec.f)) {
      rec.f[k] = [v, 0]
      changed = true
    }
  }
  for (const [k, v] of Object.entries(c.set)) {
    const old = rec.f[k]
    if (old && old[1] > c.at) continue
    if (!old || !same(old[0], v)) {
      changed = true
      if (rec.big?.includes(k)) rec.big = rec.big.filter((b) => b !== k)
    }
    rec.f[k] = [v, c.at]
  }
  if (!changed) return { rec, big: [] }
  rec.v++
  rec.at = Math.max(rec.at, c.at)
  return { rec, big: fit(rec) }
}

/** A stored record of schema {@link SCHEMA}, checked field by field; `undefined` when it is not one. */
function check(x: unknown): OutboxRecord | undefined {
  if (!isObj(x) || x.s !== SCHEMA || !isObj(x.f) || !isNum(x.v) || !isNum(x.sent) || !isNum(x.at))
    return undefined
  const ids = idsOf(x.ids)
  if (!ids) return undefined
  const f: OutboxRecord['f'] = {}
  for (const [k, e] of Object.entries(x.f)) {
    if (Array.isArray(e) && isNum(e[1]) && fits(k, e[0])) f[k] = [e[0] as FieldValue, e[1]]
  }
  const rec: OutboxRecord = { s: SCHEMA, ids, f, v: x.v, sent: x.sent, at: x.at }
  if (isNum(x.park)) rec.park = x.park
  if (Array.isArray(x.big)) rec.big = x.big.filter(isStr)
  return rec
}

/** A schema-1 record, `{payload, v}` (a whole pending snapshot), as a pending record of schema 2. */
function migrate(x: unknown, now: number): OutboxRecord | undefined {
  const p = isObj(x) ? x.payload : undefined
  const ids = idsOf(p)
  if (!ids || !isObj(p)) return undefined
  const f: OutboxRecord['f'] = {}
  const list = (v: unknown) => (Array.isArray(v) ? v : [])
  for (const k of ['name', 'email', 'phone', 'dialCode', 'status'])
    if (isStr(p[k])) f[k] = [p[k], 0]
  for (const t of list(p.tags)) if (isStr(t)) f[`t:${t}`] = [true, 0]
  for (const a of list(p.attributes))
    if (isObj(a) && isStr(a.key) && isStr(a.value)) f[`a:${a.key}`] = [a.value, 0]
  for (const n of list(p.notes)) {
    if (fits('n:', n))
      f[`n:${toJson([n.title, n.description])}`] = [
        { title: n.title, description: n.description },
        0,
      ]
  }
  return { s: SCHEMA, ids, f, v: 1, sent: 0, at: now }
}

/**
 * The stored records, checked: schema-1 ones migrated, pending ones kept, delivered
 * ones unchanged for longer than `keep` ms dropped, anything else discarded with
 * one `W_OUTBOX` line (an older version's or a corrupted write). Never throws.
 * `raw`: what {@link OUTBOX_KEY} holds; `now`: epoch ms.
 */
export function parse(raw: unknown, now: number, keep: number): Record<string, OutboxRecord> {
  const all: Record<string, OutboxRecord> = {}
  let bad = raw !== undefined && !isObj(raw)
  for (const [uuid, x] of Object.entries(isObj(raw) ? raw : {})) {
    const rec = check(x) ?? migrate(x, now)
    if (!rec || uuid === '__proto__') bad = true
    else if (isPending(rec) || now - rec.at < keep) all[uuid] = rec
  }
  if (bad) {
    report(
      'W_OUTBOX',
      'a stored lead record had an unexpected shape and was discarded',
      'nothing to do: the next lead change is stored and sent as usual',
    )
  }
  return all
}

/** What a field key names in a console line: `name`, `attribute "plan"`, `tag "vip"`, `a note`. */
const describe = (k: string) =>
  k[1] !== ':'
    ? k
    : k[0] === 'n'
      ? 'a note'
      : `${k[0] === 't' ? 'tag' : 'attribute'} ${JSON.stringify(k.slice(2))}`

/**
 * Creates the outbox.
 *
 * - `put(change)` merges the change into the visitor's stored record, then flushes.
 * - `flush(keepalive, now)` sends what is pending, one request in flight at a time and
 *   at most one PUT per visitor per {@link MIN_GAP}. Called on start, `pageshow`, when
 *   the tab becomes visible (`now`: skips a backoff wait), and on page hide with
 *   `keepalive`. `online()` is for the `online` event.
 * - 2xx: the version is recorded as delivered; a newer one is sent next.
 * - 400/401/403/413: one `[Reekolect] E_…` line. 401/403 stop sending for the page's
 *   life (a wrong token does not become right); 400/413 park the version (stored,
 *   so the next page does not resend it either), and 413 leaves the largest field
 *   out of later snapshots.
 * - anything else, network errors and timeouts: retried after {@link backoff}, or
 *   after `Retry-After` on 429/503 (up to {@link MAX_RETRY_AFTER}; a longer one
 *   parks until `online()` or the next page). After {@link NETWORK_STRIKES} network
 *   failures in a row: one `E_NETWORK` line per page and slower retries.
 */
export function createOutbox(
  kv: Kv,
  send: Send,
  events: OutboxEvents = {},
  { random = Math.random, api = 'the lead API', keep = KEEP }: OutboxOptions = {},
) {
  /** True while a flush holds the single in-flight slot, from reading the store to handling the answer. */
  let busy = false
  /** Ends the Web Lock callback of the flush in progress early (page hide). */
  let release: (() => void) | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  /** What the timer waits for: our backoff (skipped by `now`), the gap, or the server's Retry-After. */
  let waiting: 'backoff' | 'gap' | 'server' | undefined
  /** Failed attempts in a row, and network failures in a row among them. */
  let attempts = 0
  let strikes = 0
  let toldNetwork = false
  /** 401/403: nothing more is sent on this page. */
  let blocked = false
  /** A Retry-After beyond MAX_RETRY_AFTER: nothing more until online() or the next page. */
  let parked = false
  let disposed = false
  /** When the last PUT of each visitor started (ms), for MIN_GAP. */
  const last = new Map<string, number>()
  /** The version each visitor's keepalive PUT carried: one per version, however many hide events. */
  const kept = new Map<string, number>()
  // Every read and write of the stored records of this tab runs in this chain.
  let chain: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn)
    chain = p.catch(() => undefined)
    return p
  }
  // The records as last read or written: page hide must start its keepalive fetch
  // at once, and an IndexedDB read would finish after the unload.
  const memory = new Map<string, OutboxRecord>()
  const remember = (all: Record<string, OutboxRecord>) => {
    memory.clear()
    for (const [uuid, r] of Object.entries(all)) {
      memory.set(uuid, r)
      events.rejected?.(uuid, r.big ?? [])
    }
    return all
  }
  const read = async () => remember(parse(await kv.get(OUTBOX_KEY), Date.now(), keep))
  /** Changes the stored records in one transaction (across tabs too: Kv.update). */
  const write = (fn: (all: Record<string, OutboxRecord>) => void) =>
    serial(async () =>
      remember(
        await kv.update<Record<string, OutboxRecord>>(OUTBOX_KEY, (raw) => {
          const all = parse(raw, Date.now(), keep)
          fn(all)
          return all
        }),
      ),
    )
  const tell = () => events.pending?.([...memory.values()].some(isPending))
  /** Tells the host at once (`lead:synced`), then records the version as delivered. */
  const delivered = async (uuid: string, v: number, payload: LeadPayload) => {
    events.synced?.(payload)
    await write((all) => {
      const r = all[uuid]
      if (r && r.sent < v) r.sent = v
    })
    tell()
  }
  /** One line per snapshot that had to leave fields out. */
  const tooLarge = (keys: string[]) => {
    if (!keys.length) return
    report(
      'E_LEAD_TOO_LARGE',
      `${keys.map(describe).join(', ')} would make the lead larger than ${MAX_BODY} bytes`,
      'left out of the lead and flagged in the chat; the rest is sent',
    )
  }

  /**
   * `keepalive` is for page hide: it starts a keepalive fetch of every waiting
   * version at once, from memory, even while another request is in flight (that
   * one may be cancelled by the unload; sending a snapshot twice is harmless). A
   * version goes with keepalive once, however many hide events fire (`pagehide`
   * and `visibilitychange` both do); it stays pending until an answer is seen.
   * `now` skips a pending backoff wait, never the gap nor a server's Retry-After.
   */
  async function flush(keepalive = false, now = keepalive): Promise<void> {
    if (keepalive) {
      release?.()
      if (blocked || disposed || parked || waiting === 'server') return
      for (const [uuid, r] of memory) {
        if (!isPending(r) || kept.get(uuid) === r.v) continue
        const { v } = r
        const payload = snapshotOf(r)
        if (bodyBytes(payload) > MAX_BODY) continue
        kept.set(uuid, v)
        last.set(uuid, Date.now())
        // Still alive to see the answer (a hidden tab, not a closed one): record it.
        send(payload, true)
          .then(async (res) => {
            if (res.status >= 200 && res.status < 300 && !disposed)
              await delivered(uuid, v, payload)
          })
          .catch(() => undefined)
      }
      return
    }
    if (blocked || disposed || busy || parked) return
    if (timer) {
      if (!now || waiting !== 'backoff') return
      clearTimeout(timer)
      timer = waiting = undefined
    }
    busy = true
    // Set inside attempt(); the cast keeps TypeScript from narrowing it to 'stop'.
    let next = 'stop' as 'again' | 'wait' | 'stop'
    let wait = 0
    let why: typeof waiting
    // One request in flight per visitor across the tabs of the site too: the whole
    // read-send-record step holds a Web Lock where the browser has them.
    const attempt = async () => {
      const all = await serial(read)
      tell()
      const t = Date.now()
      let entry: [string, OutboxRecord] | undefined
      let soonest = Number.POSITIVE_INFINITY
      for (const e of Object.entries(all)) {
        if (!isPending(e[1])) continue
        const gap = (last.get(e[0]) ?? Number.NEGATIVE_INFINITY) + MIN_GAP - t
        if (gap <= 0) {
          entry = e
          break
        }
        soonest = Math.min(soonest, gap)
      }
      if (!entry) {
        if (soonest < Number.POSITIVE_INFINITY) [next, wait, why] = ['wait', soonest, 'gap']
        return
      }
      const [uuid, rec] = entry
      const payload = snapshotOf(rec)
      if (bodyBytes(payload) > MAX_BODY) {
        // Written by an older version, or by ids alone: never sent as it is.
        // `undefined`: the record was gone by the write (the site's data was cleared).
        let left = undefined as string[] | undefined
        await write((all) => {
          const r = all[uuid]
          if (!r) return
          left = fit(r)
          if (left.length) r.v++
          else r.park = r.v
        })
        if (left?.length) tooLarge(left)
        else if (left)
          report(
            'E_LEAD_TOO_LARGE',
            `the lead's ids alone exceed ${MAX_BODY} bytes`,
            'check data-bot and the script tag',
          )
        next = 'again'
        return
      }
      last.set(uuid, t)
      const res = await send(payload, false).catch((e: unknown) =>
        e instanceof Error ? e : new Error(),
      )
      if (disposed) return
      if (res instanceof Error) {
        // No answer at all. A timeout is a slow server, not an unreachable one.
        strikes = res.name === 'TimeoutError' ? 0 : strikes + 1
        return retry(undefined)
      }
      strikes = 0
      if (res.status >= 200 && res.status < 300) {
        attempts = 0
        events.trouble?.(undefined)
        await delivered(uuid, rec.v, payload)
        next = 'again'
      } else if (PARK.has(res.status)) {
        const [code, what, fix] = WHY[res.status] as [LogCode, string, string]
        report(code, what, fix)
        events.error?.(code, res.status)
        attempts = 0
        events.trouble?.(undefined)
        if (res.status === 401 || res.status === 403) blocked = true
        else {
          // The largest field of the body refused, not of what the record holds by now.
          const key = res.status === 413 ? leaveOutLargest({ ...rec }) : undefined
          await write((all) => {
            const r = all[uuid]
            if (!r) return
            if (key && !r.big?.includes(key)) r.big = [...(r.big ?? []), key]
            r.park = rec.v
          })
          tell()
        }
        next = 'again'
      } else {
        retry(res.status === 429 || res.status === 503 ? retryAfterMs(res.retryAfter) : undefined)
      }
    }
    /** After a failed attempt: tells the visitor and the site owner, then waits `server` ms or a backoff. */
    const retry = (server: number | undefined) => {
      attempts++
      const offline = globalThis.navigator?.onLine === false
      if (strikes >= NETWORK_STRIKES && !offline && !toldNetwork) {
        toldNetwork = true
        const site = globalThis.location?.origin ?? 'this site'
        report(
          'E_NETWORK',
          `lead sync cannot reach ${api} (${strikes} attempts in a row got no answer)`,
          `if the browser is online this is usually CORS or a blocker: ${api} must allow PUT from ${site} with the request headers x-bp-token and content-type; retries go on, less often`,
        )
      }
      if (offline || attempts >= TROUBLE_AFTER) events.trouble?.(offline ? 'offline' : 'retrying')
      if (server !== undefined && server > MAX_RETRY_AFTER) {
        parked = true
        return
      }
      next = 'wait'
      ;[wait, why] = server
        ? [server, 'server']
        : [
            strikes >= NETWORK_STRIKES
              ? backoff(strikes - NETWORK_STRIKES + 1, random, MAX_DELAY, NETWORK_MAX_DELAY)
              : backoff(attempts, random),
            'backoff',
          ]
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
      waiting = why
      timer = setTimeout(() => {
        timer = waiting = undefined
        void flush()
      }, wait)
    }
  }

  return {
    /**
     * Merges a change into its visitor's stored record ({@link merge}), then
     * flushes. Resolves once stored. Memory has it at once, for a page hide.
     */
    async put(change: LeadChange): Promise<void> {
      const { uuid } = change.ids
      memory.set(uuid, merge(memory.get(uuid), change).rec)
      tell()
      let big: string[] = []
      await write((all) => {
        const m = merge(all[uuid], change)
        all[uuid] = m.rec
        big = m.big
      })
      tooLarge(big)
      tell()
      void flush()
    },
    flush,
    /** The `online` event: ends a park for a long Retry-After and the network backoff, then flushes. */
    online(): Promise<void> {
      parked = false
      strikes = 0
      return flush(false, true)
    },
    /** Stops timers; pending versions stay stored for the next page. */
    dispose() {
      disposed = true
      clearTimeout(timer)
    },
  }
}

/** The outbox as returned by {@link createOutbox}. */
export type Outbox = ReturnType<typeof createOutbox>
