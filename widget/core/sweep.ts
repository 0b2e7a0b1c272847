/**
 * The retention sweep (retention.ts): removes saved conversations past the
 * retention. A lazy chunk, imported when the page is idle after the chat window
 * mounted, so it costs the chat's first open no byte.
 */

import { promisifyRequest } from 'idb-keyval'
import { DAY } from './retention'
import { type Kv, openStore } from './storage'

/** Storage key of the time (ms) of the last sweep: {@link sweep} runs at most once a day. */
export const SWEPT_KEY = 'swept'

/** Prefix of the saved conversations' keys (`chat:<uuid>`, actions.ts chatKey). */
const CHAT = 'chat:'

/**
 * When a saved conversation last changed (ms since the epoch): its `at`, else (a
 * record of a version without it) its newest message's time, else 0, which a
 * sweep treats as long expired. Never throws on any value.
 */
export function lastChange(x: unknown): number {
  if (!x || typeof x !== 'object') return 0
  const { at, messages } = x as { at?: unknown; messages?: unknown }
  if (typeof at === 'number') return at
  let newest = 0
  if (Array.isArray(messages))
    for (const m of messages) if (typeof m?.at === 'number' && m.at > newest) newest = m.at
  return newest
}

/**
 * Every key of the widget's IndexedDB store, through idb-keyval's custom-store
 * hook (`getAllKeys`, in every browser the widget supports). Rejects when
 * IndexedDB cannot be opened.
 */
export const storedKeys = (): Promise<IDBValidKey[]> =>
  openStore()('readonly', (store) => promisifyRequest(store.getAllKeys()))

/**
 * Removes every saved conversation unchanged for longer than `keepMs`
 * ({@link lastChange}), at most once per {@link DAY} per browser (the time of the
 * last sweep is stored under {@link SWEPT_KEY}). The current visitor's is removed
 * too when it is that old: the chat then starts over, as it would with a new UUID.
 *
 * Resolves with the number of conversations removed (0 when the last sweep was
 * less than a day ago). Never rejects: a store fault ends the sweep (the next page
 * tries again).
 *
 * @param kv the store to read and delete through (its timeouts and fallback).
 * @param keepMs retention in ms, e.g. `RETENTION_DAYS * DAY`.
 * @param now the current time in ms. Default `Date.now()`.
 * @param list lists the stored keys. Default {@link storedKeys}.
 */
export async function sweep(
  kv: Kv,
  keepMs: number,
  now = Date.now(),
  list: () => Promise<IDBValidKey[]> = storedKeys,
): Promise<number> {
  try {
    const last = await kv.get<number>(SWEPT_KEY)
    if (typeof last === 'number' && now - last < DAY && last <= now) return 0
    await kv.set(SWEPT_KEY, now)
    let removed = 0
    for (const key of await list()) {
      if (typeof key !== 'string' || !key.startsWith(CHAT)) continue
      if (now - lastChange(await kv.get(key)) > keepMs) {
        await kv.del(key)
        removed++
      }
    }
    return removed
  } catch {
    return 0
  }
}
