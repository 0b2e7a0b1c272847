import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import type { LeadPayload } from './lead'
import {
  BASE_DELAY,
  backoff,
  createOutbox,
  LOCK,
  MAX_DELAY,
  OUTBOX_KEY,
  retryAfterMs,
  type Send,
  type SendResult,
} from './outbox'
import { type Kv, memoryKv } from './storage'

// Captured before fake timers are installed: a real macrotask lets every pending promise settle.
const realSetImmediate = setImmediate
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => realSetImmediate(r))
}

const ids = { uuid: '11111111-1111-4111-8111-111111111111', botId: 'bot', customerId: 'cust' }
const snap = (name: string, uuid = ids.uuid): LeadPayload => ({ ...ids, uuid, name })

/** A fake platform: every request waits until the test answers it. */
function fakeServer() {
  const calls: {
    payload: LeadPayload
    keepalive: boolean
    answer(r: SendResult): Promise<void>
    fail(e?: Error): Promise<void>
  }[] = []
  let inFlight = 0
  let maxInFlight = 0
  const send = vi.fn<Send>(
    (payload, keepalive) =>
      new Promise<SendResult>((resolve, reject) => {
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        calls.push({
          payload,
          keepalive,
          async answer(r) {
            inFlight--
            resolve(r)
            await settle()
          },
          async fail(e = new TypeError('Failed to fetch')) {
            inFlight--
            reject(e)
            await settle()
          },
        })
      }),
  )
  return {
    send,
    calls,
    last: () => calls[calls.length - 1]!,
    get maxInFlight() {
      return maxInFlight
    },
  }
}

let errorSpy: MockInstance<typeof console.error>
const errorLines = (code: string) =>
  errorSpy.mock.calls.filter((c) => String(c[0]).startsWith(`[Reekolect] ${code}:`))

beforeEach(() => {
  vi.useFakeTimers()
  errorSpy = vi.spyOn(console, 'error').mockImplementation(() => {})
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('createOutbox: delivery', () => {
  it('stores a snapshot, sends it, and forgets it once accepted', async () => {
    const kv = memoryKv()
    const server = fakeServer()
    const synced = vi.fn()
    const outbox = createOutbox(kv, server.send, { synced })
    await outbox.put(snap('Ada'))
    // Stored before it is sent: a closed tab does not lose it.
    expect(await outbox.pending()).toEqual({ [ids.uuid]: snap('Ada') })
    await settle()
    expect(server.calls).toHaveLength(1)
    expect(server.last().payload).toEqual(snap('Ada'))
    expect(server.last().keepalive).toBe(false)
    await server.last().answer({ status: 200 })
    expect(await outbox.pending()).toEqual({})
    expect(synced).toHaveBeenCalledWith(snap('Ada'))
    expect(server.calls).toHaveLength(1)
  })

  it('treats any 2xx as accepted', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send)
    await outbox.put(snap('Ada'))
    await settle()
    await server.last().answer({ status: 204 })
    expect(await outbox.pending()).toEqual({})
  })

  it('coalesces changes made during a request: the server ends with the latest, one request at a time', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send)
    await outbox.put(snap('A'))
    await settle()
    await outbox.put(snap('AB'))
    await settle()
    await outbox.put(snap('ABC'))
    await settle()
    expect(server.calls).toHaveLength(1)
    await server.calls[0]!.answer({ status: 200 })
    // The in-flight answer was for an old version: the latest is still pending and sent next.
    expect(server.calls).toHaveLength(2)
    expect(server.last().payload.name).toBe('ABC')
    await server.last().answer({ status: 200 })
    expect(server.calls).toHaveLength(2)
    expect(server.maxInFlight).toBe(1)
    expect(await outbox.pending()).toEqual({})
  })

  it('sends the snapshots of several visitors one after the other', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send)
    const other = '22222222-2222-4222-8222-222222222222'
    await outbox.put(snap('Ada'))
    await settle()
    await outbox.put(snap('Bo', other))
    await settle()
    expect(server.calls).toHaveLength(1)
    await server.last().answer({ status: 200 })
    expect(server.calls).toHaveLength(2)
    expect(server.last().payload).toEqual(snap('Bo', other))
    await server.last().answer({ status: 200 })
    expect(server.maxInFlight).toBe(1)
    expect(await outbox.pending()).toEqual({})
  })

  it('delivers on the next page what the last page could not send', async () => {
    const kv = memoryKv()
    const first = fakeServer()
    const page1 = createOutbox(kv, first.send)
    await page1.put(snap('Ada'))
    await settle()
    page1.dispose() // the tab navigates away before the answer
    const second = fakeServer()
    const page2 = createOutbox(kv, second.send)
    void page2.flush()
    await settle()
    expect(second.calls).toHaveLength(1)
    expect(second.last().payload).toEqual(snap('Ada'))
    await second.last().answer({ status: 200 })
    expect(await page2.pending()).toEqual({})
  })

  it('on page hide sends the waiting snapshot with keepalive at once, even while a request hangs', async () => {
    const kv = memoryKv()
    await kv.set(OUTBOX_KEY, { [ids.uuid]: { payload: snap('Ada'), v: 1 } })
    const server = fakeServer()
    const outbox = createOutbox(kv, server.send)
    void outbox.flush() // page load: reads the store, the request hangs
    await settle()
    expect(server.calls).toHaveLength(1)
    expect(server.last().keepalive).toBe(false)
    // pagehide: no storage read may come first, the fetch must start synchronously.
    void outbox.flush(true)
    expect(server.calls).toHaveLength(2)
    expect(server.last().keepalive).toBe(true)
    expect(server.last().payload).toEqual(snap('Ada'))
  })
})

describe('createOutbox: rejected leads', () => {
  it('401: sends once, logs one E_TOKEN line, then sends nothing more this page', async () => {
    const server = fakeServer()
    const error = vi.fn()
    const outbox = createOutbox(memoryKv(), server.send, { error })
    await outbox.put(snap('Ada'))
    await settle()
    await server.last().answer({ status: 401 })
    expect(errorLines('E_TOKEN')).toHaveLength(1)
    expect(errorSpy).toHaveBeenCalledTimes(1)
    expect(error).toHaveBeenCalledWith('E_TOKEN', 401)

    await vi.advanceTimersByTimeAsync(10 * MAX_DELAY)
    await outbox.put(snap('Ada Lovelace'))
    await settle()
    await outbox.flush(false, true)
    await settle()
    expect(server.calls).toHaveLength(1)
    expect(errorSpy).toHaveBeenCalledTimes(1)
    // Kept for a later page (with a fixed token).
    expect(await outbox.pending()).toEqual({ [ids.uuid]: snap('Ada Lovelace') })
  })

  it('403: blocks like 401 with its own code', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send)
    await outbox.put(snap('Ada'))
    await settle()
    await server.last().answer({ status: 403 })
    expect(errorLines('E_FORBIDDEN')).toHaveLength(1)
    await outbox.put(snap('Ada L'))
    await vi.advanceTimersByTimeAsync(10 * MAX_DELAY)
    expect(server.calls).toHaveLength(1)
  })

  it.each([
    [400, 'E_LEAD_INVALID'],
    [413, 'E_LEAD_TOO_LARGE'],
  ])('%i: parks the snapshot until a new one arrives', async (status, code) => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send)
    await outbox.put(snap('bad'))
    await settle()
    await server.last().answer({ status })
    expect(errorLines(code)).toHaveLength(1)

    // Sending the same body again cannot help: no retry, however long we wait.
    await vi.advanceTimersByTimeAsync(10 * MAX_DELAY)
    await outbox.flush(false, true)
    await settle()
    expect(server.calls).toHaveLength(1)

    // A changed lead is a new chance.
    await outbox.put(snap('good'))
    await settle()
    expect(server.calls).toHaveLength(2)
    expect(server.last().payload.name).toBe('good')
    await server.last().answer({ status: 200 })
    expect(await outbox.pending()).toEqual({})
  })

  it('a parked visitor does not hold up another visitor', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send)
    const other = '22222222-2222-4222-8222-222222222222'
    await outbox.put(snap('bad'))
    await settle()
    await outbox.put(snap('Bo', other))
    await server.calls[0]!.answer({ status: 400 })
    expect(server.calls).toHaveLength(2)
    expect(server.last().payload.uuid).toBe(other)
  })
})

describe('createOutbox: retries', () => {
  it('retries a 500 after an exponential backoff until accepted', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send, {}, () => 1)
    await outbox.put(snap('Ada'))
    await settle()
    await server.last().answer({ status: 500 })

    await vi.advanceTimersByTimeAsync(BASE_DELAY - 1)
    expect(server.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(server.calls).toHaveLength(2)

    await server.last().answer({ status: 500 })
    await vi.advanceTimersByTimeAsync(2 * BASE_DELAY - 1)
    expect(server.calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(server.calls).toHaveLength(3)

    await server.last().answer({ status: 200 })
    expect(await outbox.pending()).toEqual({})
    expect(errorSpy).not.toHaveBeenCalled()
  })

  it('retries after a network failure or timeout', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send, {}, () => 0)
    await outbox.put(snap('Ada'))
    await settle()
    await server.last().fail(new TypeError('Failed to fetch'))
    expect(server.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(BASE_DELAY)
    await settle()
    expect(server.calls).toHaveLength(2)
    expect(server.last().payload).toEqual(snap('Ada'))
    await server.last().fail(new DOMException('timed out', 'TimeoutError'))
    await vi.advanceTimersByTimeAsync(2 * BASE_DELAY)
    await settle()
    expect(server.calls).toHaveLength(3)
    await server.last().answer({ status: 200 })
    expect(await outbox.pending()).toEqual({})
  })

  it('starts the backoff again from the first delay after a success', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send, {}, () => 1)
    await outbox.put(snap('A'))
    await settle()
    await server.last().answer({ status: 500 })
    await vi.advanceTimersByTimeAsync(BASE_DELAY)
    await settle()
    await server.last().answer({ status: 200 })
    await outbox.put(snap('B'))
    await settle()
    await server.last().answer({ status: 500 })
    const before = server.calls.length
    await vi.advanceTimersByTimeAsync(BASE_DELAY)
    await settle()
    expect(server.calls.length).toBe(before + 1)
  })

  it('503 with Retry-After: 2 waits about 2000 ms, not the shorter backoff', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send, {}, () => 0)
    await outbox.put(snap('Ada'))
    await settle()
    await server.last().answer({ status: 503, retryAfter: '2' })
    await vi.advanceTimersByTimeAsync(1999)
    await settle()
    expect(server.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(server.calls).toHaveLength(2)
  })

  it('429 with an HTTP-date Retry-After waits until that date', async () => {
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'))
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send, {}, () => 0)
    await outbox.put(snap('Ada'))
    await settle()
    await server.last().answer({ status: 429, retryAfter: 'Tue, 01 Jan 2030 00:00:05 GMT' })
    await vi.advanceTimersByTimeAsync(4990)
    await settle()
    expect(server.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(10)
    await settle()
    expect(server.calls).toHaveLength(2)
  })

  it('a put during a backoff wait does not jump the wait, but is what gets retried', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send, {}, () => 1)
    await outbox.put(snap('A'))
    await settle()
    await server.last().answer({ status: 500 })
    await outbox.put(snap('AB'))
    await settle()
    expect(server.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(BASE_DELAY)
    await settle()
    expect(server.calls).toHaveLength(2)
    expect(server.last().payload.name).toBe('AB')
  })

  it('flush(false, true) skips a pending backoff wait; plain flush() does not', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send, {}, () => 1)
    await outbox.put(snap('Ada'))
    await settle()
    await server.last().answer({ status: 500 })
    await outbox.flush()
    await settle()
    expect(server.calls).toHaveLength(1)
    void outbox.flush(false, true)
    await settle()
    expect(server.calls).toHaveLength(2)
    await server.last().answer({ status: 200 })
    // The skipped timer does not fire a stray request later.
    await vi.advanceTimersByTimeAsync(10 * MAX_DELAY)
    expect(server.calls).toHaveLength(2)
  })

  it('dispose() stops retrying and keeps the snapshot stored', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send)
    await outbox.put(snap('Ada'))
    await settle()
    await server.last().answer({ status: 500 })
    outbox.dispose()
    await vi.advanceTimersByTimeAsync(10 * MAX_DELAY)
    expect(server.calls).toHaveLength(1)
    expect(await outbox.pending()).toEqual({ [ids.uuid]: snap('Ada') })
  })
})

describe('createOutbox: concurrency', () => {
  // Regression: the in-flight guard was once set only after `await read()`, so two
  // un-awaited puts in the same tick (as actions.ts makes them) sent in parallel.
  it('never has two requests in flight, even for puts made in the same tick', async () => {
    const server = fakeServer()
    const outbox = createOutbox(memoryKv(), server.send)
    void outbox.put(snap('A'))
    void outbox.put(snap('AB'))
    await settle()
    expect(server.maxInFlight).toBe(1)
    expect(server.calls).toHaveLength(1)
  })

  // Regression: the 2xx branch once did a read-modify-write of the whole record
  // (`const all = await read(); delete all[uuid]; await kv.set(OUTBOX_KEY, all)`)
  // races put()'s own read-modify-write. With a storage whose operations take time
  // (IndexedDB), a snapshot stored by put() between the two is deleted unsent.
  it('never drops a newer snapshot stored while the success of an older one is recorded', async () => {
    const map = new Map<string, unknown>()
    const later = <T>(f: () => T) => new Promise<T>((r) => setTimeout(() => r(f()), 10))
    const slowKv: Kv = {
      get: <T>(k: string) => later(() => structuredClone(map.get(k)) as T | undefined),
      set: (k, v) => later(() => void map.set(k, structuredClone(v))),
      del: (k) => later(() => void map.delete(k)),
    }
    const server = fakeServer()
    const outbox = createOutbox(slowKv, server.send)
    void outbox.put(snap('A'))
    await vi.advanceTimersByTimeAsync(100)
    expect(server.calls).toHaveLength(1)
    void outbox.put(snap('AB')) // the visitor answers again…
    await vi.advanceTimersByTimeAsync(5)
    void server.last().answer({ status: 200 }) // …as the platform accepts "A"
    await vi.advanceTimersByTimeAsync(1000)
    if (server.calls.length > 1) void server.last().answer({ status: 200 })
    await vi.advanceTimersByTimeAsync(1000)
    const received = server.calls.map((c) => c.payload.name)
    expect(received[received.length - 1]).toBe('AB')
  })
})

describe('backoff', () => {
  it('doubles from BASE_DELAY per attempt at full jitter', () => {
    expect(backoff(1, () => 1)).toBe(BASE_DELAY)
    expect(backoff(2, () => 1)).toBe(2 * BASE_DELAY)
    expect(backoff(3, () => 1)).toBe(4 * BASE_DELAY)
  })

  it('keeps jitter between 50 % and 100 % of the delay', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const full = Math.min(MAX_DELAY, BASE_DELAY * 2 ** (attempt - 1))
      expect(backoff(attempt, () => 0)).toBe(full / 2)
      expect(backoff(attempt, () => 1)).toBe(full)
      for (let i = 0; i < 50; i++) {
        const d = backoff(attempt)
        expect(d).toBeGreaterThanOrEqual(full / 2)
        expect(d).toBeLessThanOrEqual(full)
      }
    }
  })

  it('never waits longer than MAX_DELAY', () => {
    for (const attempt of [7, 10, 30, 100, 2000]) {
      expect(backoff(attempt, () => 1)).toBe(MAX_DELAY)
      expect(backoff(attempt, () => 0)).toBe(MAX_DELAY / 2)
    }
    expect(MAX_DELAY).toBeLessThanOrEqual(5 * 60_000)
  })
})

describe('retryAfterMs', () => {
  const now = Date.parse('2015-10-21T07:28:00Z')

  it('reads delta-seconds', () => {
    expect(retryAfterMs('2', now)).toBe(2000)
    expect(retryAfterMs('0', now)).toBe(0)
    expect(retryAfterMs('30', now)).toBe(30_000)
  })

  it('reads an HTTP date relative to now', () => {
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000)
  })

  it('does not wait for a date in the past', () => {
    expect(retryAfterMs('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0)
  })

  it('caps long waits at MAX_DELAY', () => {
    expect(retryAfterMs('3600', now)).toBe(MAX_DELAY)
    expect(retryAfterMs('Thu, 22 Oct 2015 07:28:00 GMT', now)).toBe(MAX_DELAY)
  })

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(null, now)).toBeUndefined()
    expect(retryAfterMs(undefined, now)).toBeUndefined()
    expect(retryAfterMs('', now)).toBeUndefined()
    expect(retryAfterMs('soon', now)).toBeUndefined()
  })
})

describe('createOutbox: across tabs', () => {
  it('sends while holding the Web Lock reekolect-outbox, so two tabs never send at once', async () => {
    const held: string[] = []
    let inside = 0
    let most = 0
    const locks = {
      chain: Promise.resolve() as Promise<unknown>,
      request(name: string, fn: () => Promise<unknown>) {
        held.push(name)
        const run = this.chain.then(async () => {
          most = Math.max(most, ++inside)
          try {
            return await fn()
          } finally {
            inside--
          }
        })
        this.chain = run.catch(() => undefined)
        return run
      },
    }
    vi.stubGlobal('navigator', { locks })
    try {
      const kv = memoryKv()
      await kv.set(OUTBOX_KEY, { [ids.uuid]: { payload: snap('Ada'), v: 1 } })
      const server = fakeServer()
      // Two tabs of the same visitor over the same storage.
      const tab1 = createOutbox(kv, server.send)
      const tab2 = createOutbox(kv, server.send)
      void tab1.flush()
      void tab2.flush()
      await settle()
      expect(held).toEqual([LOCK, LOCK])
      expect(server.calls).toHaveLength(1)
      await server.last().answer({ status: 200 })
      await settle()
      // The second tab got the lock after the first was done, and found nothing to send.
      expect(server.calls).toHaveLength(1)
      expect(most).toBe(1)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
