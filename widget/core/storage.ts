/**
 * Key-value storage for the transcript and the lead outbox: IndexedDB through
 * idb-keyval, in a dedicated database (`reekolect`, store `kv`), never the default
 * `keyval-store` a host page may also use.
 *
 * Storage never throws into the widget: if IndexedDB is missing, errors, or does
 * not answer within `timeoutMs` (`indexedDB.open` can hang), this store switches
 * to memory for the rest of the page and logs one `W_STORAGE` warning.
 */
import { createStore, del, get, set, type UseStore, update } from 'idb-keyval'
import { report } from '../../loader/log'

/** The async key-value interface the widget's core uses. */
export interface Kv {
  get<T>(key: string): Promise<T | undefined>
  set(key: string, value: unknown): Promise<void>
  del(key: string): Promise<void>
  /**
   * Replaces the value of `key` with `fn(current)` and resolves with it. In
   * IndexedDB the read and the write run in one readwrite transaction
   * (idb-keyval's `update`), so two tabs updating the same key at once never lose
   * either change. `fn` must be synchronous; if it throws, the value is left as it
   * was and the promise rejects with that error (the store stays in IndexedDB).
   */
  update<T>(key: string, fn: (current: T | undefined) => T): Promise<T>
}

/** A Kv in memory only; also the fallback of {@link createKv}. */
export function memoryKv(map = new Map<string, unknown>()): Kv {
  return {
    get: async <T>(k: string) => map.get(k) as T | undefined,
    set: async (k, v) => void map.set(k, v),
    del: async (k) => void map.delete(k),
    update: async <T>(k: string, fn: (current: T | undefined) => T) => {
      const v = fn(map.get(k) as T | undefined)
      map.set(k, v)
      return v
    },
  }
}

/** Opens the widget's own IndexedDB store: database `reekolect`, object store `kv`. */
export const openStore = (): UseStore => createStore('reekolect', 'kv')

/**
 * A key-value store over IndexedDB that never throws and never loses what it was
 * given: every value read from or written to IndexedDB is also kept in memory, so
 * when IndexedDB fails or stalls mid-session (an operation longer than
 * `timeoutMs`: a busy disk, a browser bug, a tab frozen and thawed) the store
 * carries on in memory from the same data, not from an empty one, and a lead
 * stored before the stall is still delivered on this page.
 * @param timeoutMs how long one IndexedDB operation may take before the store
 *   falls back to memory. Default 2000 ms.
 * @param open opens the idb-keyval store; a test may pass one that fails or hangs.
 */
export function createKv(timeoutMs = 2000, open: () => UseStore = openStore): Kv {
  const memory = memoryKv()
  let store: UseStore | undefined
  try {
    store = open()
  } catch {
    /* no IndexedDB at all */
  }
  if (!store) warnFallback()
  const guard = async <T>(
    op: (s: UseStore) => Promise<T>,
    fallback: () => Promise<T>,
  ): Promise<T> => {
    if (!store) return fallback()
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      return await Promise.race([
        op(store),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)
        }),
      ])
    } catch {
      store = undefined
      warnFallback()
      return fallback()
    } finally {
      clearTimeout(timer)
    }
  }
  return {
    get: <T>(k: string) =>
      guard(
        async (s) => {
          // IndexedDB is the truth while it answers (another tab may have changed it).
          const v = await get<T>(k, s)
          await (v === undefined ? memory.del(k) : memory.set(k, v))
          return v
        },
        () => memory.get<T>(k),
      ),
    set: (k, v) => {
      void memory.set(k, v)
      return guard(
        (s) => set(k, v, s),
        async () => {},
      )
    },
    del: (k) => {
      void memory.del(k)
      return guard(
        (s) => del(k, s),
        async () => {},
      )
    },
    async update<T>(k: string, fn: (current: T | undefined) => T) {
      // An error of fn is the caller's, not the store's: it must not switch the store to memory.
      let failed: { error: unknown } | undefined
      let out: T | undefined
      const wrapped = (v: T | undefined) => {
        try {
          out = fn(v)
          return out
        } catch (error) {
          failed = { error }
          return v
        }
      }
      await guard(
        async (s) => {
          await update<T | undefined>(k, wrapped, s)
          if (!failed) await (out === undefined ? memory.del(k) : memory.set(k, out))
        },
        async () => {
          failed = undefined
          out = await memory.update<T | undefined>(k, wrapped)
        },
      )
      if (failed) throw failed.error
      return out as T
    },
  }
}

function warnFallback() {
  report(
    'W_STORAGE',
    'IndexedDB is not available',
    'the chat keeps its state in memory until the page is closed',
  )
}
