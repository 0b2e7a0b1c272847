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
  args?: {
    name?: string
    /** `url` of script events; `message` of `TimeStamp` (`console.timeStamp(message)`). */
    data?: { url?: string; message?: string }
    beginData?: { url?: string }
  }
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
const SCRIPT_EVENTS = new Set([
  'EvaluateScript',
  'FunctionCall',
  'v8.compile',
  'v8.compileModule',
  'TimerFire',
])

export const TASKS = new Set(['RunTask', 'ThreadControllerImpl::RunTask'])

/** `ts`..`ts + dur` of `inner` lies within `outer`'s. */
const within = (inner: TraceEvent, outer: TraceEvent) =>
  inner.ts >= outer.ts && inner.ts + (inner.dur ?? 0) <= outer.ts + (outer.dur ?? 0)

/**
 * Main-thread time of the scripts whose URL path `owns` (the loader, and any chunk
 * it loads at page load) in a trace: the outermost renderer main-thread events
 * attributed to their URLs (evaluation with its nested compile, forced style and
 * layout and DOM work; timer, idle and event callbacks), plus every microtask
 * checkpoint (`RunMicrotasks`, category v8.execute) from the first of those events
 * on: promise reactions (fetch answers, `.then()`, module evaluation after a
 * dynamic import) carry no URL in a trace and would otherwise be invisible. On the
 * bench pages no other page script makes promises; callbacks of other scripts
 * inside those checkpoints (the probe's MutationObserver) are subtracted, and
 * `scriptTime` of the page without the widget is 0. Wall and thread CPU time, ms.
 */
export function scriptTime(
  events: TraceEvent[],
  owns: (path: string) => boolean,
): { wall: number; cpu: number } {
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  )
  const onMain = events
    .filter((e) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`))
    .sort((a, b) => a.ts - b.ts)
  const url = (e: TraceEvent) => pathOf(e.args?.data?.url)
  const own = onMain.filter((e) => SCRIPT_EVENTS.has(e.name) && owns(url(e)))
  const first = own[0]
  const micro = first ? onMain.filter((e) => e.name === 'RunMicrotasks' && e.ts >= first.ts) : []
  const mine = outermost([...own, ...micro].sort((a, b) => a.ts - b.ts))
  // Other scripts' callbacks that ran inside the counted checkpoints.
  const foreign = outermost(
    onMain.filter(
      (e) =>
        e.name === 'FunctionCall' &&
        !owns(url(e)) &&
        micro.some((m) => within(e, m)) &&
        !own.some((o) => within(e, o)),
    ),
  )
  return { wall: mine.wall - foreign.wall, cpu: mine.cpu - foreign.cpu }
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

/** What the renderer main thread spent its CPU time on, by the kind of trace event (see {@link KIND_OF}). */
export type CpuKind = 'script' | 'style+layout' | 'paint' | 'parse+load' | 'ipc' | 'other'

/**
 * Trace event names by kind, for {@link cpuByKind}; an event not named here counts
 * as `other`, with the tasks' own time outside their events (scheduling, task
 * overhead). `script` is every script of the page (on the bench pages only the
 * launcher's runs), its microtasks and callbacks; `parse+load` the HTML parser and
 * its preload scanner's fetches; `ipc` the handling of messages from the browser
 * and other processes (network answers among them).
 */
const KIND_OF: Record<string, CpuKind> = {
  EvaluateScript: 'script',
  FunctionCall: 'script',
  'v8.compile': 'script',
  'v8.compileModule': 'script',
  'v8.evaluateModule': 'script',
  RunMicrotasks: 'script',
  BlinkScheduler_PerformMicrotaskCheckpoint: 'script',
  FireIdleCallback: 'script',
  TimerFire: 'script',
  EventDispatch: 'script',
  'V8.BytecodeBudgetInterrupt': 'script',
  'V8.HandleInterrupts': 'script',
  'V8.InvokeApiInterruptCallbacks': 'script',
  'V8.StackGuard': 'script',
  UpdateLayoutTree: 'style+layout',
  Layout: 'style+layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  UpdateLayer: 'paint',
  'Document::UpdateLifecyclePhases': 'paint',
  ParseHTML: 'parse+load',
  'HTMLDocumentParser::MaybeFetchQueuedPreloads': 'parse+load',
  CommitLoad: 'parse+load',
  'Receive mojo message': 'ipc',
  'Receive mojo reply': 'ipc',
  'Closed mojo endpoint': 'ipc',
  'SimpleWatcher::OnHandleReady': 'ipc',
}

/** The kinds of {@link cpuByKind}, in the order they are reported. */
export const CPU_KINDS: readonly CpuKind[] = [
  'script',
  'style+layout',
  'paint',
  'parse+load',
  'ipc',
  'other',
]

/**
 * Thread CPU time of the renderer main thread that parsed `path`, by kind of work,
 * ms: every complete event's own time (its `tdur` less that of the events nested
 * in it) added to its kind; `total` is the sum, the same as
 * {@link mainThreadTime}'s `cpu` when every event lies within a task. Chromium's
 * category `toplevel` and `devtools.timeline` events, as {@link traced} records.
 */
export function cpuByKind(
  events: TraceEvent[],
  path: string,
): Record<CpuKind, number> & { total: number } {
  const out = {
    script: 0,
    'style+layout': 0,
    paint: 0,
    'parse+load': 0,
    ipc: 0,
    other: 0,
    total: 0,
  }
  const parse = events.find(
    (e) => e.name === 'ParseHTML' && pathOf(e.args?.beginData?.url) === path,
  )
  if (!parse) {
    for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] = Number.NaN
    return out
  }
  // Parents before their children: by start, the longer first.
  const on = events
    .filter((e) => e.ph === 'X' && e.pid === parse.pid && e.tid === parse.tid)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0))
  const stack: { e: TraceEvent; end: number; nested: number }[] = []
  const close = (f: { e: TraceEvent; nested: number }) => {
    const own = Math.max(0, (f.e.tdur ?? 0) - f.nested) / 1000
    out[KIND_OF[f.e.name] ?? 'other'] += own
    out.total += own
  }
  for (const e of on) {
    while (stack.length && e.ts >= stack[stack.length - 1]!.end) close(stack.pop()!)
    const parent = stack[stack.length - 1]
    if (parent) parent.nested += e.tdur ?? 0
    stack.push({ e, end: e.ts + (e.dur ?? 0), nested: 0 })
  }
  while (stack.length) close(stack.pop()!)
  return out
}

/** Main-thread tasks that start less than this after the previous one ended belong to the same wake-up (ms). */
export const WAKE_GAP_MS = 1

/** What a quiet stretch of a page cost its renderer main thread, from a trace (see {@link idleCost}). */
export interface IdleCost {
  /** Length of the window, ms (trace clock). */
  windowMs: number
  /** Top-level tasks that started in the window. */
  tasks: number
  /**
   * Times the thread woke up: tasks that started at least `gapMs` after the
   * previous task ended (the first one counted from the end of the start marker's task).
   */
  wakeUps: number
  /** Thread (CPU) time of those tasks, ms. */
  cpuMs: number
  /** Wall time of those tasks, ms. */
  wallMs: number
  /**
   * Of `cpuMs`, the thread time of V8's and Blink's garbage collection in those
   * tasks (outermost events named `MajorGC`, `MinorGC`, `V8.GC…`, `BlinkGC…`), ms:
   * after a page's set-up, V8 finishes collecting over the following seconds, once.
   */
  gcMs: number
}

/** Garbage-collection trace events (see {@link IdleCost.gcMs}). */
const GC = /^(MajorGC|MinorGC|V8\.GC|BlinkGC)/

/**
 * The main-thread cost of a page between two `console.timeStamp()` markers (trace
 * event `TimeStamp`, `args.data.message`, category `devtools.timeline`): the
 * renderer main thread is the one that recorded `start`; the window runs from the
 * end of the top-level task that ran the `start` marker to the start of the one that
 * ran the `end` marker, so the markers' own tasks (the benchmark's CDP calls) are
 * not counted. Top-level tasks are {@link TASKS} not nested in another. Throws when
 * a marker is missing or the two are on different threads.
 */
export function idleCost(
  events: TraceEvent[],
  start: string,
  end: string,
  gapMs = WAKE_GAP_MS,
): IdleCost {
  const mark = (message: string) => {
    const m = events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === message)
    if (!m) throw new Error(`trace: no console.timeStamp('${message}') marker`)
    return m
  }
  const a = mark(start)
  const z = mark(end)
  if (a.pid !== z.pid || a.tid !== z.tid) throw new Error('trace: the markers are on two threads')
  const tasks: TraceEvent[] = []
  let last = -1
  for (const e of events
    .filter((e) => e.ph === 'X' && TASKS.has(e.name) && e.pid === a.pid && e.tid === a.tid)
    .sort((x, y) => x.ts - y.ts || (y.dur ?? 0) - (x.dur ?? 0))) {
    if (e.ts < last) continue // nested in the previous top-level task
    tasks.push(e)
    last = e.ts + (e.dur ?? 0)
  }
  const around = (m: TraceEvent) => tasks.find((t) => t.ts <= m.ts && m.ts <= t.ts + (t.dur ?? 0))
  const aTask = around(a)
  const zTask = around(z)
  const from = aTask ? aTask.ts + (aTask.dur ?? 0) : a.ts
  const to = zTask ? zTask.ts : z.ts
  if (to < from) throw new Error('trace: the end marker comes before the start marker')
  const out: IdleCost = {
    windowMs: (to - from) / 1000,
    tasks: 0,
    wakeUps: 0,
    cpuMs: 0,
    wallMs: 0,
    gcMs: 0,
  }
  const gc = events
    .filter((e) => e.ph === 'X' && GC.test(e.name) && e.pid === a.pid && e.tid === a.tid)
    .sort((x, y) => x.ts - y.ts || (y.dur ?? 0) - (x.dur ?? 0))
  let prevEnd = from
  for (const t of tasks) {
    if (t.ts < from || t.ts >= to) continue
    out.tasks++
    if (t.ts - prevEnd >= gapMs * 1000) out.wakeUps++
    out.cpuMs += (t.tdur ?? 0) / 1000
    out.wallMs += (t.dur ?? 0) / 1000
    prevEnd = Math.max(prevEnd, t.ts + (t.dur ?? 0))
    out.gcMs += outermost(gc.filter((e) => within(e, t))).cpu
  }
  return out
}

/**
 * Records a Chrome trace (categories `devtools.timeline`, `toplevel`, `v8.execute`)
 * around `fn`. The browser keeps the trace until `fn` is done and hands it over as
 * one stream afterwards (`transferMode: 'ReturnAsStream'`), so nothing is sent to
 * or parsed by this process while the page is measured: with `ReportEvents` the
 * browser serialised chunks of JSON during the load and Node parsed them, on the
 * same 2 cores the page runs on.
 */
export async function traced(cdp: CDPSession, fn: () => Promise<void>): Promise<TraceEvent[]> {
  const complete = new Promise<string | undefined>((resolve) =>
    cdp.once('Tracing.tracingComplete', (e) => resolve(e.stream)),
  )
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['devtools.timeline', 'toplevel', 'v8.execute'] },
    transferMode: 'ReturnAsStream',
    streamFormat: 'json',
    streamCompression: 'none',
  })
  try {
    await fn()
  } finally {
    await cdp.send('Tracing.end')
  }
  const stream = await withTimeout(complete, 10_000, 'trace')
  if (!stream) throw new Error('trace: the browser returned no stream')
  const chunks: string[] = []
  for (;;) {
    const r = await cdp.send('IO.read', { handle: stream, size: 4 << 20 })
    chunks.push(r.base64Encoded ? Buffer.from(r.data, 'base64').toString('utf8') : r.data)
    if (r.eof) break
  }
  await cdp.send('IO.close', { handle: stream })
  const parsed = JSON.parse(chunks.join('')) as TraceEvent[] | { traceEvents: TraceEvent[] }
  return Array.isArray(parsed) ? parsed : parsed.traceEvents
}
