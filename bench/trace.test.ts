import { describe, expect, it } from 'vitest'
import { CPU_KINDS, cpuByKind, idleCost, type TraceEvent } from './trace'

const PAGE = 'http://127.0.0.1:1/demo/bench/with.html'
/** A complete event on the page's main thread (pid 1, tid 1) unless told; times in µs. */
const x = (name: string, ts: number, dur: number, tdur = dur, at = { pid: 1, tid: 1 }) =>
  ({ name, ph: 'X', ts, dur, tdur, ...at }) as TraceEvent

describe('cpuByKind', () => {
  // One parser task, a script task that forces style and layout, a paint, and an
  // unnamed scheduler event; plus work on another thread that must not count.
  const events: TraceEvent[] = [
    { ...x('ParseHTML', 1000, 2000, 1500), args: { beginData: { url: PAGE } } },
    x('RunTask', 900, 2200, 1700),
    x('RunTask', 5000, 6000, 5000),
    x('EvaluateScript', 5100, 5000, 4200),
    x('UpdateLayoutTree', 6000, 1000, 800),
    x('Layout', 7000, 2000, 1500),
    x('RunTask', 12000, 1000, 1000),
    x('Paint', 12100, 500, 400),
    x('SomethingNew', 12700, 100, 100),
    x('Layout', 5000, 9000, 9000, { pid: 2, tid: 7 }),
  ]

  it("splits the page's main-thread CPU time into each event's own time, by kind", () => {
    const cpu = cpuByKind(events, '/demo/bench/with.html')
    // EvaluateScript 4.2 ms less the 0.8 + 1.5 ms of style and layout it forced.
    expect(cpu.script).toBeCloseTo(1.9)
    expect(cpu['style+layout']).toBeCloseTo(2.3)
    expect(cpu.paint).toBeCloseTo(0.4)
    expect(cpu['parse+load']).toBeCloseTo(1.5)
    expect(cpu.ipc).toBe(0)
    // Tasks' own time (0.2 + 0.8 + 0.5 ms) and the event no kind names (0.1 ms).
    expect(cpu.other).toBeCloseTo(1.6)
    // The tasks' CPU time in all (1.7 + 5.0 + 1.0 ms), nothing from the other thread.
    expect(cpu.total).toBeCloseTo(7.7)
    expect(CPU_KINDS.reduce((a, k) => a + cpu[k], 0)).toBeCloseTo(cpu.total)
  })

  it('gives NaN, not 0, when the page was not parsed in the trace', () => {
    const cpu = cpuByKind(events, '/demo/bench/without.html')
    expect(cpu.total).toBeNaN()
    expect(cpu.script).toBeNaN()
  })
})

describe('idleCost', () => {
  const T = 'ThreadControllerImpl::RunTask'
  const mark = (message: string, ts: number, at = { pid: 1, tid: 1 }) =>
    ({ name: 'TimeStamp', ph: 'I', ts, ...at, args: { data: { message } } }) as TraceEvent
  // Times in µs. The start marker runs in a task at 0–500, the end marker in one at
  // 60,000,000 (a minute later). Between them: a heartbeat's two back-to-back tasks
  // (one wake-up), a timer 100 ms later, a task with a nested task, and work on
  // another thread.
  const events: TraceEvent[] = [
    x(T, 0, 500, 400),
    mark('idle-start', 200),
    x(T, 800, 100, 50), // 0.3 ms after the marker's task: the thread had not slept
    x(T, 25_000_000, 300, 250),
    x(T, 25_000_400, 200, 150), // 0.1 ms after the previous: the same wake-up
    x(T, 25_100_000, 50, 40),
    x(T, 40_000_000, 1000, 900),
    x(T, 40_000_100, 200, 200), // nested in the previous task: not counted again
    x('MajorGC', 40_000_300, 600, 500), // garbage collection in it, with a phase nested
    x('V8.GC_MC_MARK', 40_000_400, 100, 100),
    x('MinorGC', 20_000_000, 300, 300), // outside any task of the window
    x(T, 30_000_000, 5000, 5000, { pid: 2, tid: 7 }),
    x(T, 60_000_000, 700, 600),
    mark('idle-end', 60_000_300),
  ]

  it('counts wake-ups and CPU time of the main thread between the markers, not their own tasks', () => {
    const c = idleCost(events, 'idle-start', 'idle-end')
    expect(c.windowMs).toBeCloseTo(59_999.5)
    expect(c.tasks).toBe(5)
    expect(c.wakeUps).toBe(3)
    expect(c.cpuMs).toBeCloseTo(0.05 + 0.25 + 0.15 + 0.04 + 0.9)
    expect(c.wallMs).toBeCloseTo(0.1 + 0.3 + 0.2 + 0.05 + 1)
    expect(c.gcMs).toBeCloseTo(0.5)
  })

  it('merges tasks closer than the gap into one wake-up', () => {
    expect(idleCost(events, 'idle-start', 'idle-end', 0.05).wakeUps).toBe(5)
    expect(idleCost(events, 'idle-start', 'idle-end', 200).wakeUps).toBe(2)
  })

  it('throws when a marker is missing or on another thread', () => {
    expect(() => idleCost(events, 'idle-start', 'nope')).toThrow(/no console.timeStamp\('nope'\)/)
    const elsewhere = [...events, mark('other-end', 61_000_000, { pid: 2, tid: 7 })]
    expect(() => idleCost(elsewhere, 'idle-start', 'other-end')).toThrow(/two threads/)
  })
})
