import { describe, expect, it } from 'vitest'
import { CPU_KINDS, cpuByKind, type TraceEvent } from './trace'

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
