import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { WALL_OFFSET_JS, wallOffset } from './clock'

/** A monotonic clock that advances `step` ms per read, and a wall clock `skew` ms ahead of it, in whole ms. */
function clocks(start: number, skew: number, step: number) {
  let now = start
  const mono = () => {
    now += step
    return now
  }
  const wall = () => Math.floor(now + skew)
  return { mono, wall, now: () => now }
}

describe('wallOffset', () => {
  it('finds the offset to the wall clock to within one read, finer than its whole milliseconds', () => {
    for (const skew of [1_700_000_000_000.25, 1_700_000_000_000.9, 5.5]) {
      const c = clocks(1234.5678, skew, 0.003)
      expect(Math.abs(wallOffset(c.wall, c.mono) - skew)).toBeLessThanOrEqual(0.003)
    }
  })

  it('throws when the wall clock never ticks', () => {
    expect(() =>
      wallOffset(
        () => 5,
        () => 1,
        1000,
      ),
    ).toThrow(/did not tick in 1000 reads/)
  })

  it('matches the real clocks of this process to within a millisecond', () => {
    const offset = wallOffset()
    expect(Math.abs(performance.now() + offset - Date.now())).toBeLessThanOrEqual(1)
  })

  it('has a page version that defines window.__wallOffset', () => {
    const window = {} as { __wallOffset?: () => number }
    runInNewContext(WALL_OFFSET_JS, { window, Date, performance, Object })
    const offset = window.__wallOffset?.() ?? Number.NaN
    expect(Math.abs(performance.now() + offset - Date.now())).toBeLessThanOrEqual(1)
  })
})
