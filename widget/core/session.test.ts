import { signal } from '@preact/signals-core'
import { describe, expect, it, vi } from 'vitest'
import { ENTRY_MARK, SESSION_KEY } from '../../loader/protocol'
import { keepSession, markEntry, type NavigationLike } from './session'

/** A Navigation API whose current entry has `state` (`undefined`: none set). */
function navigation(state: unknown) {
  const nav = {
    currentEntry: { getState: () => state },
    updateCurrentEntry: vi.fn((o: { state: unknown }) => {
      state = o.state
    }),
  } satisfies NavigationLike
  return nav
}

describe('markEntry', () => {
  it('marks an entry without state, once, so the next page reads the session', () => {
    const nav = navigation(undefined)
    markEntry(nav)
    markEntry(nav)
    expect(nav.updateCurrentEntry.mock.calls).toEqual([[{ state: ENTRY_MARK }]])
  })

  it('leaves an entry alone that has the host’s own state', () => {
    const nav = navigation({ page: 2 })
    markEntry(nav)
    expect(nav.updateCurrentEntry).not.toHaveBeenCalled()
  })

  it('does nothing, and throws nothing, without the Navigation API, an entry, or where it refuses', () => {
    expect(() => markEntry(undefined)).not.toThrow()
    const none = { currentEntry: null, updateCurrentEntry: vi.fn() }
    markEntry(none)
    expect(none.updateCurrentEntry).not.toHaveBeenCalled()
    const refusing = {
      currentEntry: { getState: () => undefined },
      updateCurrentEntry: () => {
        throw new DOMException('The document is unloading', 'InvalidStateError')
      },
    }
    expect(() => markEntry(refusing)).not.toThrow()
  })
})

describe('keepSession', () => {
  /** A tab: sessionStorage in a Map, page events, and optionally the Navigation API. */
  function tab(withNavigation = true) {
    const store = new Map<string, string>()
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    }
    vi.stubGlobal('sessionStorage', storage)
    const nav = Object.assign(new EventTarget(), navigation(undefined))
    const win = Object.assign(new EventTarget(), withNavigation ? { navigation: nav } : {})
    return { store, nav, win: win as unknown as Window }
  }

  it('tells the next page to reopen the chat while it is open, to deliver while a lead waits, else nothing', () => {
    const { store, nav, win } = tab()
    const open = signal(false)
    const waiting = signal(false)
    const stop = keepSession({ open, waiting }, win)
    expect(store.has(SESSION_KEY)).toBe(false)
    waiting.value = true
    expect(store.get(SESSION_KEY)).toBe('sync')
    open.value = true
    expect(store.get(SESSION_KEY)).toBe('1')
    // The entry is marked so that the next page's loader reads the key.
    expect(nav.updateCurrentEntry).toHaveBeenCalledWith({ state: ENTRY_MARK })
    open.value = false
    waiting.value = false
    expect(store.has(SESSION_KEY)).toBe(false)
    stop()
    vi.unstubAllGlobals()
  })

  it('marks the new entry after the host’s pushState, and writes again on pageshow', () => {
    const { store, nav, win } = tab()
    const open = signal(true)
    const stop = keepSession({ open, waiting: signal(false) }, win)
    nav.updateCurrentEntry.mockClear()
    // A same-document navigation: a new entry without state.
    nav.currentEntry = { getState: () => undefined }
    nav.dispatchEvent(new Event('currententrychange'))
    expect(nav.updateCurrentEntry).toHaveBeenCalledTimes(1)
    store.clear()
    win.dispatchEvent(new Event('pageshow'))
    expect(store.get(SESSION_KEY)).toBe('1')
    stop()
    vi.unstubAllGlobals()
  })

  it('stop(true) forgets the session (shutdown): the next page starts closed; listeners are gone', () => {
    const { store, nav, win } = tab()
    const open = signal(true)
    const stop = keepSession({ open, waiting: signal(false) }, win)
    expect(store.get(SESSION_KEY)).toBe('1')
    stop(true)
    expect(store.has(SESSION_KEY)).toBe(false)
    open.value = false
    open.value = true
    win.dispatchEvent(new Event('pageshow'))
    nav.updateCurrentEntry.mockClear()
    nav.dispatchEvent(new Event('currententrychange'))
    expect(store.has(SESSION_KEY)).toBe(false)
    expect(nav.updateCurrentEntry).not.toHaveBeenCalled()
    vi.unstubAllGlobals()
  })

  it('works without the Navigation API', () => {
    const { store, win } = tab(false)
    const stop = keepSession({ open: signal(true), waiting: signal(false) }, win)
    expect(store.get(SESSION_KEY)).toBe('1')
    stop()
    vi.unstubAllGlobals()
  })
})
