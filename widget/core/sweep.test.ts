import { describe, expect, it } from 'vitest'
import { DAY } from './retention'
import { memoryKv } from './storage'
import { lastChange, SWEPT_KEY, sweep } from './sweep'

const NOW = Date.UTC(2026, 11, 3)
const KEEP = 30 * DAY

/** A store holding these values, and the sweep's key lister for it. */
function store(entries: Record<string, unknown>) {
  const map = new Map<string, unknown>(Object.entries(entries))
  return { kv: memoryKv(map), map, list: async () => [...map.keys()] }
}

const chat = (at: number) => ({ v: 1, at, messages: [], lead: {}, open: false })

describe('lastChange', () => {
  it('is the saved time, else the newest message’s, else 0', () => {
    expect(lastChange(chat(5))).toBe(5)
    expect(lastChange({ messages: [{ at: 3 }, { at: 9 }, { at: 4 }] })).toBe(9)
    expect(lastChange({ messages: [] })).toBe(0)
    for (const junk of [undefined, null, 'chat', 7, { messages: 'x' }, { messages: [null] }])
      expect(lastChange(junk)).toBe(0)
  })
})

describe('sweep', () => {
  it('removes the conversations unchanged for longer than the retention, and nothing else', async () => {
    const { kv, map, list } = store({
      'chat:old': chat(NOW - KEEP - 1),
      'chat:older-version': { v: 1, messages: [{ at: NOW - 40 * DAY }], lead: {} },
      'chat:recent': chat(NOW - KEEP + DAY),
      'chat:today': chat(NOW),
      outbox: { some: 'records' },
      'someone-else': 'a value',
    })
    expect(await sweep(kv, KEEP, NOW, list)).toBe(2)
    expect([...map.keys()].sort()).toEqual(
      ['chat:recent', 'chat:today', 'outbox', 'someone-else', SWEPT_KEY].sort(),
    )
  })

  it('honours a shorter retention (data-retention-days="1")', async () => {
    const { kv, map, list } = store({ 'chat:a': chat(NOW - 2 * DAY), 'chat:b': chat(NOW - 60_000) })
    expect(await sweep(kv, DAY, NOW, list)).toBe(1)
    expect(map.has('chat:a')).toBe(false)
    expect(map.has('chat:b')).toBe(true)
  })

  it('runs at most once a day per browser', async () => {
    const { kv, map, list } = store({ 'chat:a': chat(NOW - KEEP - 1) })
    map.set(SWEPT_KEY, NOW - DAY + 60_000)
    expect(await sweep(kv, KEEP, NOW, list)).toBe(0)
    expect(map.has('chat:a')).toBe(true)
    // A day later it runs, and records when.
    expect(await sweep(kv, KEEP, NOW + 60_000, list)).toBe(1)
    expect(map.get(SWEPT_KEY)).toBe(NOW + 60_000)
    // A clock set back (a last sweep "in the future") does not stop sweeping for good.
    map.set('chat:b', chat(0))
    map.set(SWEPT_KEY, NOW + 365 * DAY)
    expect(await sweep(kv, KEEP, NOW, list)).toBe(1)
  })

  it('never rejects when the store fails', async () => {
    const { kv } = store({})
    const broken = { ...kv, get: () => Promise.reject(new Error('gone')) }
    await expect(sweep(broken, KEEP, NOW, async () => [])).resolves.toBe(0)
    await expect(
      sweep(kv, KEEP, NOW, () => Promise.reject(new Error('no IndexedDB'))),
    ).resolves.toBe(0)
  })
})
