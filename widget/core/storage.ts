/**
 * Key-value storage for the transcript and the lead outbox: IndexedDB through
 * idb-keyval, in a dedicated database (`reekolect`, store `kv`), never the default
 * `keyval-store` a host page may also use.
 *
 * Storage never throws into the widget: if IndexedDB is missing, errors, or does
 * not answer within `timeoutMs` (`indexedDB.open` can hang), this store switches
 * to memory for the rest of the page and logs one `W_STORAGE` warning.
 */
import { createStore, del, get, set, type UseStore } from 'idb-keyval'
import { report } from './log'

/** The async key-value interface the widget's core uses. */
export interface Kv {
  get<T>(key: string): Promise<T | undefined>
  set(key: string, value: unknown): Promise<void>
  del(key: string): Promise<void>
}

/** A Kv in memory only; also the fallback of {@link createKv}. */
export function memoryKv(map = new Map<string, unknown>()): Kv {
  return {
    get: async <T>(k: string) => map.get(k) as T | undefined,
    set: async (k, v) => void map.set(k, v),
    del: async (k) => void map.delete(k),
  }
}

/**
 * @param timeoutMs how long one IndexedDB operation may take before the store
 *   falls back to memory. Default 2000 ms.
 * @param open opens the idb-keyval store; a test may pass one that fails or hangs.
 */
export function createKv(
  timeoutMs = 2000,
  open: () => UseStore = () => createStore('reekolect', 'kv'),
): Kv {
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
        async (s) => (await get<T>(k, s)) ?? (await memory.get<T>(k)),
        () => memory.get<T>(k),
      ),
    set: (k, v) =>
      guard(
        (s) => set(k, v, s),
        () => memory.set(k, v),
      ),
    del: (k) =>
      guard(
        (s) => del(k, s),
        () => memory.del(k),
      ),
  }
}

function warnFallback() {
  report(
    'W_STORAGE',
    'IndexedDB is not available',
    'the chat keeps its state in memory until the page is closed',
  )
}
