/** Chrome traces over CDP and the main-thread times the benchmark reads from them. */
import type { CDPSession } from '@playwright/test'
import { withTimeout } from './util'

/** One Chrome trace event (the fields used here). */
export interface TraceEvent {
  name: string
  ph: string
  ts: number
  dur?: number
  /** Thread (CPU) time of the event, µs. */
  tdur?: number
  pid: number
  tid: number
  args?: { name?: string; data?: { url?: string }; beginData?: { url?: string } }
}

/** The path of an absolute URL, or '' (trace events carry empty and odd URLs too). */
function pathOf(url: string | undefined): string {
  try {
    return url ? new URL(url).pathname : ''
  } catch {
    return ''
  }
}

/** Trace events that run a script's own code, attributed by `args.data.url`. */
const SCRIPT_EVENTS = new Set(['EvaluateScript', 'FunctionCall', 'v8.compile', 'TimerFire'])

/**
 * Main-thread time of the script at `path` in a trace: the outermost renderer
 * main-thread events attributed to its URL (evaluation with its nested compile,
 * forced style/layout and DOM work; later callbacks). Wall time and thread CPU time, ms.
 */
export function scriptTime(events: TraceEvent[], path: string): { wall: number; cpu: number } {
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  )
  const own = events
    .filter(
      (e) =>
        e.ph === 'X' &&
        SCRIPT_EVENTS.has(e.name) &&
        mains.has(`${e.pid}:${e.tid}`) &&
        pathOf(e.args?.data?.url) === path,
    )
    .sort((a, b) => a.ts - b.ts)
  return outermost(own)
}

/** Sums wall and CPU time (ms) of the events not nested in an earlier one; `events` sorted by `ts`. */
function outermost(events: TraceEvent[]): { wall: number; cpu: number } {
  let wall = 0
  let cpu = 0
  let end = -1
  for (const e of events) {
    if (e.ts < end) continue
    wall += e.dur ?? 0
    cpu += e.tdur ?? 0
    end = e.ts + (e.dur ?? 0)
  }
  return { wall: wall / 1000, cpu: cpu / 1000 }
}

const TASKS = new Set(['RunTask', 'ThreadControllerImpl::RunTask'])

/**
 * All main-thread tasks of the renderer that parsed `path` (category `toplevel`):
 * the page's whole main-thread cost during the trace, wall and CPU, ms.
 */
export function mainThreadTime(events: TraceEvent[], path: string): { wall: number; cpu: number } {
  const parse = events.find(
    (e) => e.name === 'ParseHTML' && pathOf(e.args?.beginData?.url) === path,
  )
  if (!parse) return { wall: Number.NaN, cpu: Number.NaN }
  return outermost(
    events
      .filter(
        (e) => e.ph === 'X' && TASKS.has(e.name) && e.pid === parse.pid && e.tid === parse.tid,
      )
      .sort((a, b) => a.ts - b.ts),
  )
}

/** Records a Chrome trace (categories `devtools.timeline`, `toplevel`) around `fn`. */
export async function traced(cdp: CDPSession, fn: () => Promise<void>): Promise<TraceEvent[]> {
  const events: TraceEvent[] = []
  const collect = (e: { value: object[] }) => {
    events.push(...(e.value as TraceEvent[]))
  }
  cdp.on('Tracing.dataCollected', collect)
  const complete = new Promise<void>((resolve) =>
    cdp.once('Tracing.tracingComplete', () => resolve()),
  )
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['devtools.timeline', 'toplevel'] },
    transferMode: 'ReportEvents',
  })
  try {
    await fn()
  } finally {
    await cdp.send('Tracing.end')
    await withTimeout(complete, 10_000, 'trace')
    cdp.off('Tracing.dataCollected', collect)
  }
  return events
}
