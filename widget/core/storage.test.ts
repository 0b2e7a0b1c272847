import type { UseStore } from 'idb-keyval'
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import type * as StorageModule from './storage'

let m: typeof StorageModule
let warnSpy: MockInstance<typeof console.warn>
const storageWarnings = () =>
  warnSpy.mock.calls.filter((c) => String(c[0]).startsWith('[Reekolect] W_STORAGE:'))

beforeEach(async () => {
  // "Once per page" is module state of the logger: a fresh module graph is a fresh page.
  vi.resetModules()
  m = await import('./storage')
  warnSpy = vi.spyOn(console, 'warn').mockImplementation(() => {})
})

afterEach(() => {
  vi.restoreAllMocks()
})

/** Round-trips values through a Kv: set, get, overwrite, delete. */
async function roundTrip(kv: StorageModule.Kv) {
  expect(await kv.get('missing')).toBeUndefined()
  await kv.set('chat', { messages: [{ id: 1, text: 'hi' }] })
  expect(await kv.get('chat')).toEqual({ messages: [{ id: 1, text: 'hi' }] })
  await kv.set('chat', { messages: [] })
  expect(await kv.get('chat')).toEqual({ messages: [] })
  await kv.set('other', 42)
  await kv.del('chat')
  expect(await kv.get('chat')).toBeUndefined()
  expect(await kv.get('other')).toBe(42)
}

describe('memoryKv', () => {
  it('stores, replaces and deletes values', async () => {
    await roundTrip(m.memoryKv())
  })

  it('update replaces a value with what the updater returns', async () => {
    const kv = m.memoryKv()
    expect(await kv.update<string[]>('list', (l) => [...(l ?? []), 'a'])).toEqual(['a'])
    expect(await kv.update<string[]>('list', (l) => [...(l ?? []), 'b'])).toEqual(['a', 'b'])
    expect(await kv.get('list')).toEqual(['a', 'b'])
  })

  it('shares state through the map it is given (one page, two users of the store)', async () => {
    const map = new Map<string, unknown>()
    await m.memoryKv(map).set('k', 'v')
    expect(await m.memoryKv(map).get('k')).toBe('v')
  })
})

describe('createKv', () => {
  it('falls back to memory when IndexedDB cannot be opened, warning once', async () => {
    const kv = m.createKv(50, () => {
      throw new DOMException('The user denied permission', 'SecurityError')
    })
    await roundTrip(kv)
    expect(storageWarnings()).toHaveLength(1)
  })

  it('falls back to memory when IndexedDB never answers, within the timeout', async () => {
    const hang = (() => new Promise(() => {})) as UseStore
    const kv = m.createKv(50, () => hang)
    const started = Date.now()
    await kv.set('k', 'v')
    expect(Date.now() - started).toBeLessThan(1000)
    expect(await kv.get('k')).toBe('v')
    await roundTrip(kv)
    expect(storageWarnings()).toHaveLength(1)
  })

  it('a stall mid-session loses nothing: what IndexedDB held carries on in memory', async () => {
    const { store: working } = fakeStore()
    let stalled = false
    const store = ((mode: IDBTransactionMode, cb: (s: IDBObjectStore) => unknown) =>
      stalled ? new Promise(() => {}) : working(mode, cb)) as UseStore
    const kv = m.createKv(50, () => store)
    await kv.set('outbox', { lead: 'Ada', delivered: false })
    await kv.update<number>('n', (n) => (n ?? 0) + 1)
    expect(await kv.get('read-before')).toBeUndefined()
    stalled = true
    // The next operation times out; the store carries on from the same data.
    expect(await kv.get('outbox')).toEqual({ lead: 'Ada', delivered: false })
    expect(await kv.update<number>('n', (n) => (n ?? 0) + 1)).toBe(2)
    await kv.del('outbox')
    expect(await kv.get('outbox')).toBeUndefined()
    expect(storageWarnings()).toHaveLength(1)
  })

  it('reads what IndexedDB holds, not an older copy in memory (another tab may have changed it)', async () => {
    const { data, store } = fakeStore()
    const kv = m.createKv(50, () => store)
    await kv.set('chat', 'this tab')
    data.delete('chat')
    expect(await kv.get('chat')).toBeUndefined()
    data.set('chat', 'other tab')
    expect(await kv.get('chat')).toBe('other tab')
  })

  it('stops waiting for a hung IndexedDB after the first timeout', async () => {
    const store = vi.fn(() => new Promise(() => {})) as unknown as UseStore
    const kv = m.createKv(50, () => store)
    await kv.set('a', 1)
    const started = Date.now()
    for (let i = 0; i < 10; i++) await kv.get('a')
    expect(Date.now() - started).toBeLessThan(400)
    expect(store).toHaveBeenCalledTimes(1)
  })

  it('falls back to memory when IndexedDB operations fail', async () => {
    const failing = (() =>
      Promise.reject(new DOMException('quota', 'QuotaExceededError'))) as UseStore
    const kv = m.createKv(50, () => failing)
    await roundTrip(kv)
    expect(storageWarnings()).toHaveLength(1)
  })

  it('does not warn while IndexedDB works', async () => {
    const { data, store } = fakeStore()
    const kv = m.createKv(50, () => store)
    await kv.set('k', { a: 1 })
    expect(data.get('k')).toEqual({ a: 1 })
    expect(await kv.get('k')).toEqual({ a: 1 })
    await kv.del('k')
    expect(data.has('k')).toBe(false)
    expect(storageWarnings()).toHaveLength(0)
  })

  it('update reads and writes in one step and resolves with the new value', async () => {
    const { data, store } = fakeStore()
    const kv = m.createKv(50, () => store)
    expect(await kv.update<number>('n', (n) => (n ?? 0) + 1)).toBe(1)
    expect(await kv.update<number>('n', (n) => (n ?? 0) + 1)).toBe(2)
    expect(data.get('n')).toBe(2)
    expect(storageWarnings()).toHaveLength(0)
  })

  it('update: an error of the updater rejects, keeps the value and keeps IndexedDB', async () => {
    const { data, store } = fakeStore()
    const kv = m.createKv(50, () => store)
    await kv.set('k', 'kept')
    await expect(
      kv.update('k', () => {
        throw new TypeError('bad record')
      }),
    ).rejects.toThrow('bad record')
    expect(data.get('k')).toBe('kept')
    await kv.set('k', 'still IndexedDB')
    expect(data.get('k')).toBe('still IndexedDB')
    expect(storageWarnings()).toHaveLength(0)
  })

  it('update falls back to memory like the other operations', async () => {
    const failing = (() =>
      Promise.reject(new DOMException('quota', 'QuotaExceededError'))) as UseStore
    const kv = m.createKv(50, () => failing)
    expect(await kv.update<number>('n', (n) => (n ?? 0) + 1)).toBe(1)
    expect(await kv.update<number>('n', (n) => (n ?? 0) + 1)).toBe(2)
    expect(await kv.get('n')).toBe(2)
    expect(storageWarnings()).toHaveLength(1)
  })
})

/** A minimal object store behind the idb-keyval UseStore contract, over a Map. */
function fakeStore() {
  const data = new Map<string, unknown>()
  // A minimal object store behind the idb-keyval UseStore contract.
  const request = <T>(result: T) => {
    const r = { result, onsuccess: null as null | (() => void) } as {
      result: T
      onsuccess: null | (() => void)
      oncomplete?: null | (() => void)
    }
    queueMicrotask(() => {
      r.onsuccess?.()
      r.oncomplete?.()
    })
    return r
  }
  const tx = () => request(undefined)
  const objectStore = {
    get: (k: string) => request(data.get(k)),
    put: (v: unknown, k: string) => {
      data.set(k, v)
      return request(k)
    },
    delete: (k: string) => {
      data.delete(k)
      return request(undefined)
    },
    get transaction() {
      return tx()
    },
  }
  const store = (<T>(_mode: IDBTransactionMode, cb: (s: IDBObjectStore) => T | PromiseLike<T>) =>
    Promise.resolve(cb(objectStore as unknown as IDBObjectStore))) as UseStore
  return { data, store }
}
