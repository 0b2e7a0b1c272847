/**
 * A clock shared by the benchmark's processes (Node, and each Chromium renderer):
 * the system's wall clock, read to a fraction of a millisecond.
 *
 * `Date.now()` is that clock in every process but ticks in whole milliseconds;
 * `performance.now()` is finer but counts from each document's own time origin,
 * and `performance.timeOrigin + performance.now()` is not shared either: each
 * process converts its monotonic clock to wall time with an offset of its own,
 * taken once, which drifts from the wall clock as the system adjusts it. So each
 * side measures, right before a sample, the offset from its `performance.now()` to
 * the wall clock at the moment `Date.now()` ticks ({@link wallOffset}), and states
 * its times as `performance.now() + offset`. The error is one iteration of the
 * loop plus `performance.now()`'s resolution: 0.1 ms in a page that is not
 * cross-origin isolated (Chromium coarsens it), microseconds in Node.
 */

/**
 * Offset (ms) from `mono` to `wall`: `mono() + offset` is the wall-clock time, ms
 * since the epoch. Spins until `wall()` ticks over to the next millisecond (at most
 * about 1 ms) and takes the `mono()` read just before that tick. Throws after
 * `maxSpins` reads without a tick (a frozen or faked wall clock).
 */
export function wallOffset(
  wall: () => number = Date.now,
  mono: () => number = () => performance.now(),
  maxSpins = 10_000_000,
): number {
  const t = wall()
  for (let i = 0; i < maxSpins; i++) {
    const m = mono()
    const w = wall()
    if (w !== t) return w - m
  }
  throw new Error(`wallOffset: the wall clock did not tick in ${maxSpins} reads`)
}

/**
 * {@link wallOffset} as page JavaScript (an expression that defines `window.__wallOffset()`),
 * for an init script: Playwright cannot serialise a function compiled by tsx (see probe.ts).
 */
export const WALL_OFFSET_JS = `Object.defineProperty(window, '__wallOffset', {
  enumerable: false,
  value: () => {
    const t = Date.now()
    for (let i = 0; i < 1e7; i++) {
      const m = performance.now()
      const w = Date.now()
      if (w !== t) return w - m
    }
    throw new Error('__wallOffset: the wall clock did not tick')
  },
})`
