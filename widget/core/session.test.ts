import { describe, expect, it, vi } from 'vitest'
import { ENTRY_MARK } from '../../loader/protocol'
import { markEntry, type NavigationLike } from './session'

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
