import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import { markEntry } from '../widget/core/session'
import { ENTRY_MARK, UUID_KEY } from './protocol'
import type * as VisitorModule from './visitor'

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** A sessionStorage stand-in backed by a Map, like one tab's storage. */
function fakeStorage(map = new Map<string, string>()) {
  return {
    map,
    getItem: vi.fn((k: string) => map.get(k) ?? null),
    setItem: vi.fn((k: string, v: string) => void map.set(k, v)),
  }
}

/** The `W_STORAGE` lines logged so far. */
const storageWarnings = (spy: MockInstance<typeof console.warn>) =>
  spy.mock.calls.filter((c) => String(c[0]).startsWith('[Reekolect] W_STORAGE:'))

let m: typeof VisitorModule
let warnSpy: MockInstance<typeof console.warn>

beforeEach(async () => {
  // "Once per page" is module state of the logger: a fresh module graph is a fresh page.
  vi.resetModules()
  m = await import('./visitor')
  warnSpy = vi.spyOn(console, 'warn').mockImplementation(() => {})
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('createVisitor', () => {
  it('creates a v4 UUID and stores it under UUID_KEY', () => {
    const s = fakeStorage()
    const id = m.createVisitor(() => s).get()
    expect(id).toMatch(V4)
    expect(s.map.get(UUID_KEY)).toBe(id)
    expect(warnSpy).not.toHaveBeenCalled()
  })

  it('returns the same UUID on every call', () => {
    const v = m.createVisitor(() => fakeStorage())
    expect(v.get()).toBe(v.get())
  })

  it('reuses the stored UUID after a reload of the same tab', () => {
    const tab = new Map<string, string>()
    const first = m.createVisitor(() => fakeStorage(tab)).get()
    const s = fakeStorage(tab)
    const second = m.createVisitor(() => s).get()
    expect(second).toBe(first)
    expect(s.setItem).not.toHaveBeenCalled()
  })

  it('gives another tab (another storage) another visitor', () => {
    const a = m.createVisitor(() => fakeStorage()).get()
    const b = m.createVisitor(() => fakeStorage()).get()
    expect(a).not.toBe(b)
  })

  it('keeps a stable UUID and warns once when getItem and setItem throw', () => {
    const broken = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError')
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError')
      },
    }
    const v = m.createVisitor(() => broken)
    const id = v.get()
    expect(id).toMatch(V4)
    expect(v.get()).toBe(id)
    expect(v.get()).toBe(id)
    expect(storageWarnings(warnSpy)).toHaveLength(1)
  })

  it('keeps a stable UUID and warns once when only setItem throws', () => {
    const s = fakeStorage()
    s.setItem.mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError')
    })
    const v = m.createVisitor(() => s)
    const id = v.get()
    expect(id).toMatch(V4)
    expect(v.get()).toBe(id)
    expect(storageWarnings(warnSpy)).toHaveLength(1)
  })

  it('keeps a stable UUID and warns once when reading sessionStorage itself throws (sandboxed frame)', () => {
    const v = m.createVisitor(() => {
      throw new DOMException('sandboxed', 'SecurityError')
    })
    const id = v.get()
    expect(id).toMatch(V4)
    expect(v.get()).toBe(id)
    v.reset()
    expect(storageWarnings(warnSpy)).toHaveLength(1)
  })

  it('reset() starts a new visitor and stores the new UUID', () => {
    const tab = new Map<string, string>()
    const v = m.createVisitor(() => fakeStorage(tab))
    const before = v.get()
    const after = v.reset()
    expect(after).toMatch(V4)
    expect(after).not.toBe(before)
    expect(v.get()).toBe(after)
    expect(tab.get(UUID_KEY)).toBe(after)
    // The next page of the tab sees the new visitor.
    expect(m.createVisitor(() => fakeStorage(tab)).get()).toBe(after)
  })
})

describe('newUuid', () => {
  it('gives distinct v4 UUIDs', () => {
    const ids = Array.from({ length: 100 }, () => m.newUuid())
    for (const id of ids) expect(id).toMatch(V4)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('gives distinct v4 UUIDs without crypto.randomUUID (plain-http pages)', () => {
    const c = globalThis.crypto as { randomUUID?: unknown }
    Object.defineProperty(c, 'randomUUID', { value: undefined, configurable: true, writable: true })
    const random = vi.spyOn(globalThis.crypto, 'getRandomValues')
    try {
      const ids = Array.from({ length: 200 }, () => m.newUuid())
      expect(random).toHaveBeenCalled()
      for (const id of ids) expect(id).toMatch(V4)
      expect(new Set(ids).size).toBe(ids.length)
    } finally {
      delete c.randomUUID
    }
    expect(typeof globalThis.crypto.randomUUID).toBe('function')
  })
})

/** A session history entry of the Navigation API: its state is `undefined` until a script sets one. */
class FakeEntry {
  constructor(public state: unknown = undefined) {}
  getState() {
    return this.state
  }
}

/** One tab's Navigation API, as far as markEntry uses it: the current entry and its writes. */
function fakeNavigation(current = new FakeEntry()) {
  return {
    currentEntry: current as FakeEntry | null,
    writes: 0,
    updateCurrentEntry(o: { state: unknown }) {
      this.writes++
      if (this.currentEntry) this.currentEntry.state = o.state
    },
  }
}

describe('mayHaveSession', () => {
  /**
   * A window as the loader sees it; `activation` undefined means no Navigation API.
   * `entries` are the tab's entries of this origin (default: only the current one).
   */
  const tab = (o: {
    opener?: unknown
    length?: number
    entries?: FakeEntry[]
    activation?: {
      from: FakeEntry | null
      navigationType: 'push' | 'replace' | 'reload' | 'traverse'
    } | null
  }) => ({
    opener: o.opener ?? null,
    history: { length: o.length ?? 1 },
    ...(o.activation === undefined
      ? {}
      : {
          navigation: {
            activation: o.activation,
            entries: () => o.entries ?? [new FakeEntry()],
          },
        }),
  })
  const kinds = ['push', 'replace', 'reload', 'traverse'] as const

  it('is false for a new tab and for a visitor arriving from another site', () => {
    expect(m.mayHaveSession(tab({ activation: { from: null, navigationType: 'push' } }))).toBe(
      false,
    )
    expect(
      m.mayHaveSession(tab({ length: 5, activation: { from: null, navigationType: 'push' } })),
    ).toBe(false)
    expect(
      m.mayHaveSession(tab({ length: 3, activation: { from: null, navigationType: 'replace' } })),
    ).toBe(false)
  })

  it('is false after a page of the site where the chat was not used, however the visitor left it', () => {
    for (const navigationType of kinds)
      expect(
        m.mayHaveSession(tab({ length: 4, activation: { from: new FakeEntry(), navigationType } })),
      ).toBe(false)
  })

  it('is true after a page the widget marked: next page, reload, back/forward', () => {
    const nav = fakeNavigation()
    markEntry(nav)
    const marked = nav.currentEntry as FakeEntry
    for (const navigationType of kinds)
      expect(m.mayHaveSession(tab({ activation: { from: marked, navigationType } }))).toBe(true)
  })

  it('is true when an earlier page of the site was marked, with a page without the widget since', () => {
    const nav = fakeNavigation()
    markEntry(nav) // page A: the chat was open
    const a = nav.currentEntry as FakeEntry
    const plain = new FakeEntry() // page B: no widget tag (a checkout, say)
    const c = new FakeEntry()
    expect(
      m.mayHaveSession(
        tab({ entries: [a, plain, c], activation: { from: plain, navigationType: 'push' } }),
      ),
    ).toBe(true)
    // The same history without the mark: nothing to read.
    expect(
      m.mayHaveSession(
        tab({
          entries: [new FakeEntry(), plain, c],
          activation: { from: plain, navigationType: 'push' },
        }),
      ),
    ).toBe(false)
  })

  it('is true after an entry that carries the host’s own state: it cannot hold our mark, so read', () => {
    for (const state of [{ route: '/pricing' }, null, 0, ''])
      expect(
        m.mayHaveSession(
          tab({ activation: { from: new FakeEntry(state), navigationType: 'push' } }),
        ),
      ).toBe(true)
  })

  it('is true on back/forward from another site: the page before the detour may have left it', () => {
    expect(m.mayHaveSession(tab({ activation: { from: null, navigationType: 'traverse' } }))).toBe(
      true,
    )
  })

  it('is true in a window opened by script, which starts with a copy of its opener’s session', () => {
    expect(
      m.mayHaveSession(tab({ opener: {}, activation: { from: null, navigationType: 'replace' } })),
    ).toBe(true)
    expect(
      m.mayHaveSession(
        tab({ opener: {}, activation: { from: new FakeEntry(), navigationType: 'push' } }),
      ),
    ).toBe(true)
  })

  it('without the Navigation API, is false only for the tab’s first history entry', () => {
    expect(m.mayHaveSession(tab({ length: 1 }))).toBe(false)
    expect(m.mayHaveSession(tab({ length: 2 }))).toBe(true)
    expect(m.mayHaveSession(tab({ length: 1, opener: {} }))).toBe(true)
  })
})

describe('markEntry', () => {
  it('gives an entry without state the mark, once', () => {
    const nav = fakeNavigation()
    markEntry(nav)
    markEntry(nav)
    expect(nav.currentEntry?.getState()).toEqual(ENTRY_MARK)
    expect(nav.writes).toBe(1)
  })

  it('leaves the host’s own state alone', () => {
    const hostState = { scrollY: 120 }
    const nav = fakeNavigation(new FakeEntry(hostState))
    markEntry(nav)
    expect(nav.writes).toBe(0)
    expect(nav.currentEntry?.getState()).toBe(hostState)
  })

  it('marks the new entry after the host’s pushState or replaceState (which leave it without state)', () => {
    const nav = fakeNavigation()
    markEntry(nav)
    nav.currentEntry = new FakeEntry() // history.pushState / replaceState
    markEntry(nav)
    expect(nav.currentEntry.getState()).toEqual(ENTRY_MARK)
    expect(nav.writes).toBe(2)
  })

  it('never throws: no Navigation API, no current entry, or a refusal', () => {
    expect(() => markEntry(undefined)).not.toThrow()
    const none = fakeNavigation()
    none.currentEntry = null
    expect(() => markEntry(none)).not.toThrow()
    expect(none.writes).toBe(0)
    const refusing = {
      currentEntry: new FakeEntry(),
      updateCurrentEntry() {
        throw new DOMException('document is not fully active', 'InvalidStateError')
      },
    }
    expect(() => markEntry(refusing)).not.toThrow()
  })
})
