/**
 * The measured runs: each gets a fresh browser context with the in-page probe,
 * CDP Network/Performance enabled and CPU throttling set (see run.ts for the why).
 */
import type { Browser, CDPSession, Page } from '@playwright/test'
import { NetLog } from './net'
import { HOST_PROBE_SCRIPT, type KeySample, PROBE_SCRIPT, type Probe } from './probe'
import { type CpuKind, cpuByKind, mainThreadTime, scriptTime, traced } from './trace'
import { percentile, sleep, stats, withTimeout } from './util'

/** Idle time after the `load` event before the host-impact numbers are read. */
const IDLE_AFTER_LOAD_MS = 1000

/** What a run works with. */
export interface Ctx {
  page: Page
  cdp: CDPSession
  net: NetLog
}

async function readProbe(page: Page): Promise<Probe> {
  return JSON.parse((await page.evaluate('JSON.stringify(window.__bench)')) as string) as Probe
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics')
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]))
}

/**
 * Runs `fn` (at most `timeoutMs`) in a fresh context with an in-page probe (init
 * script, default the full {@link PROBE_SCRIPT}), CDP domains and CPU throttling set up.
 */
export async function inFreshContext<T>(
  browser: Browser,
  throttle: number,
  label: string,
  timeoutMs: number,
  fn: (c: Ctx) => Promise<T>,
  probe: string = PROBE_SCRIPT,
): Promise<T> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  try {
    await context.addInitScript(probe)
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    const cdp = await context.newCDPSession(page)
    const net = new NetLog(cdp)
    await cdp.send('Network.enable')
    await cdp.send('Performance.enable')
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle })
    return await withTimeout(fn({ page, cdp, net }), timeoutMs, label)
  } finally {
    await context.close().catch(() => {})
  }
}

/**
 * The bench host pages (demo/bench/): `without` the tag, `with` the documented tag,
 * `with-config` the tag plus `data-config-url` (a configured bot: the loader
 * fetches the document and imports the settings chunk at page load). Each is the
 * next page of a visit: a page of the same site was open before it in the tab.
 * `with-landing` is with.html as the first page of a visit, arriving from another
 * site (the warm-up page is on `localhost`, the host pages on 127.0.0.1: another
 * site, so another renderer process, as after a search engine's results page);
 * `without-landing` is its pair without the tag.
 */
export type LoadVariant = 'with' | 'without' | 'with-config' | 'with-landing' | 'without-landing'

/** The warm-up page of a variant: same site, or another site for the `-landing` pair. */
function warmUpUrl(base: string, variant: LoadVariant): string {
  const u = new URL('/demo/bench/blank.html', base)
  if (variant.endsWith('-landing')) u.hostname = 'localhost'
  return u.href
}

export interface LoadSample {
  /** Main-thread time of the loader and its chunks from the trace, microtasks included (0 on the page without it). */
  loader: { wall: number; cpu: number }
  /** All main-thread tasks of the page's renderer during the trace (warm-up page idle). */
  main: { wall: number; cpu: number }
  taskMs: number
  scriptMs: number
  layoutMs: number
  styleMs: number
  heapBytes: number
  longtasks: number
  longtaskMs: number
  cls: number
  /** CLS from shifts of the widget's own elements (see Probe.ownCls). */
  ownCls: number
  fcp: number | null
  launcher: number | null
  launcherInDom: number | null
  dcl: number
  load: number
  js: { wire: number; raw: number; br: number; urls: string[] }
}

/**
 * Loads a host page and idles 1 s after `load`; reads Performance.getMetrics, the
 * page's main-thread tasks and the loader's own time from a trace, and the heap
 * after GC. A warm-up page is loaded first in the same fresh context: of the same
 * site, so renderer start-up and font loading are not part of the numbers, or of
 * another site for the `-landing` pair (see {@link LoadVariant}).
 *
 * Performance.getMetrics' durations (TaskDuration, ScriptDuration, …) count per
 * document in Chromium 156 — after a navigation they restart from zero (checked:
 * a 300 ms busy warm-up page does not show up in the next page's TaskDuration), so
 * the values read after load are this page's own. They are wall-clock sums, so
 * they grow when other processes take the CPU; the trace's thread CPU time does not.
 */
export async function loadRun(c: Ctx, base: string, variant: LoadVariant): Promise<LoadSample> {
  const { page, cdp, net } = c
  await page.goto(warmUpUrl(base, variant), { waitUntil: 'load' })
  await sleep(200)
  const since = Date.now()
  const file = variant.replace('-landing', '')
  let m1: Record<string, number> = {}
  const trace = await traced(cdp, async () => {
    await page.goto(`${base}/demo/bench/${file}.html`, { waitUntil: 'load' })
    await sleep(IDLE_AFTER_LOAD_MS)
    m1 = await metrics(cdp)
  })
  const ms = (k: string) => (m1[k] ?? 0) * 1000
  const m = {
    TaskDuration: ms('TaskDuration'),
    ScriptDuration: ms('ScriptDuration'),
    LayoutDuration: ms('LayoutDuration'),
    RecalcStyleDuration: ms('RecalcStyleDuration'),
  }
  const probe = await readProbe(page)
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('HeapProfiler.collectGarbage')
  const heap = await metrics(cdp)
  if (!variant.startsWith('without') && probe.launcher === null)
    throw new Error('launcher never became visible')
  return {
    taskMs: m.TaskDuration,
    scriptMs: m.ScriptDuration,
    layoutMs: m.LayoutDuration,
    styleMs: m.RecalcStyleDuration,
    loader: scriptTime(trace, ours),
    main: mainThreadTime(trace, `/demo/bench/${file}.html`),
    heapBytes: heap.JSHeapUsedSize ?? 0,
    longtasks: probe.longtasks.length,
    longtaskMs: probe.longtasks.reduce((a, t) => a + t.duration, 0),
    cls: probe.cls,
    ownCls: probe.ownCls,
    fcp: probe.fcp,
    launcher: probe.launcher,
    launcherInDom: probe.launcherInDom,
    dcl: probe.dcl,
    load: probe.load,
    js: await net.jsBytes(since),
  }
}

/**
 * The pages of the `host` scenario, all of the same site and after the same
 * warm-up page as `with`/`without`: `bare` is without.html, `tag` with.html,
 * `preact` preact.html (the reference Preact + signals launcher instead of the
 * tag, bench/fixtures/preact-launcher.tsx), `bare-again` without.html once more,
 * measured like the others: the difference between the two bare loads is the
 * noise floor of a difference.
 */
export type HostPage = 'bare' | 'tag' | 'preact' | 'bare-again'

const HOST_FILES: Record<HostPage, string> = {
  bare: 'without',
  tag: 'with',
  preact: 'preact',
  'bare-again': 'without',
}

/** One load of a host page, read after `load` + 1 s idle, untraced. */
export interface HostSample {
  /** Performance.getMetrics TaskDuration: wall-clock sum of the renderer main thread's tasks for this document, ms. */
  taskMs: number
  /** ScriptDuration, V8CompileDuration, LayoutDuration and RecalcStyleDuration of the same (wall, ms). */
  scriptMs: number
  compileMs: number
  layoutMs: number
  styleMs: number
  /**
   * Performance.getMetrics ThreadTime: main-thread CPU time since this document's
   * inspector agent started (at the navigation's commit), ms; under CPU throttling
   * it includes the throttler's busy-wait.
   */
  threadMs: number
  /** Long tasks (> 50 ms) of the whole page until the read (PerformanceObserver, buffered). */
  longtasks: number
  longtaskMs: number
  /** `load` event, ms after navigation start. */
  load: number
  /** Navigation start → the metrics read, ms (what ThreadTime at 4x follows). */
  elapsedMs: number
  /**
   * ThreadTime gained over the idle second after `load`, per second: ~0 unthrottled;
   * under throttling rate r, (r − 1) / r when the throttler got all the CPU it asked
   * for (0.75 at 4x), less when the machine's load kept its thread from running.
   */
  idleCpuShare: number
  /** Traced runs only: the page's main-thread CPU time by kind of work (trace.ts cpuByKind), ms. */
  cpu?: Record<CpuKind, number> & { total: number }
}

/**
 * Loads `page` after the same-site warm-up page and reads the whole page's cost
 * from outside, as a site owner would with DevTools: Performance.getMetrics after
 * `load` + 1 s idle, and long tasks from {@link HOST_PROBE_SCRIPT}, an observer and
 * nothing else. Untraced unless `trace` (a trace adds its own work to every task:
 * traced runs are for {@link HostSample.cpu}, where the time goes). On `tag` and
 * `preact` the launcher must be drawn by then, or the run fails.
 */
export async function hostRun(
  c: Ctx,
  base: string,
  page: HostPage,
  trace = false,
): Promise<HostSample> {
  const { page: p, cdp } = c
  await p.goto(`${base}/demo/bench/blank.html`, { waitUntil: 'load' })
  await sleep(200)
  const path = `/demo/bench/${HOST_FILES[page]}.html`
  let m: Record<string, number> = {}
  let atLoad: Record<string, number> = {}
  const visit = async () => {
    await p.goto(`${base}${path}`, { waitUntil: 'load' })
    atLoad = await metrics(cdp)
    await sleep(IDLE_AFTER_LOAD_MS)
    m = await metrics(cdp)
  }
  let cpu: HostSample['cpu']
  if (trace) cpu = cpuByKind(await traced(cdp, visit), path)
  else await visit()
  const ms = (k: string) => (m[k] ?? Number.NaN) * 1000
  const seen = JSON.parse(
    (await p.evaluate(`JSON.stringify({
      long: window.__benchLong || [],
      load: performance.getEntriesByType('navigation')[0]?.loadEventStart ?? 0,
      drawn: (() => {
        const h = document.querySelector('div[data-reekolect], div[data-bench-launcher]')
        const b = h && h.shadowRoot && h.shadowRoot.querySelector('button.launcher')
        const r = b && b.getBoundingClientRect()
        return !!r && r.width > 0 && r.height > 0
      })(),
    })`)) as string,
  ) as { long: [number, number][]; load: number; drawn: boolean }
  if ((page === 'tag' || page === 'preact') && !seen.drawn)
    throw new Error('launcher not drawn 1 s after load')
  if (page.startsWith('bare') && seen.drawn) throw new Error('a launcher on the bare page')
  return {
    taskMs: ms('TaskDuration'),
    scriptMs: ms('ScriptDuration'),
    compileMs: ms('V8CompileDuration'),
    layoutMs: ms('LayoutDuration'),
    styleMs: ms('RecalcStyleDuration'),
    threadMs: ms('ThreadTime'),
    longtasks: seen.long.length,
    longtaskMs: seen.long.reduce((a, [, d]) => a + d, 0),
    load: seen.load,
    elapsedMs: ms('Timestamp') - ms('NavigationStart'),
    idleCpuShare:
      ((m.ThreadTime ?? Number.NaN) - (atLoad.ThreadTime ?? Number.NaN)) /
      ((m.Timestamp ?? Number.NaN) - (atLoad.Timestamp ?? Number.NaN)),
    ...(cpu ? { cpu } : {}),
  }
}

/** The widget's scripts on the bench pages: the loader and every chunk next to it. */
const ours = (path: string) => path === '/Reekolect.js' || path.startsWith('/assets/')

const LAUNCHER = 'div[data-reekolect] button.launcher' // Playwright's CSS engine pierces open shadow roots
const WIDGET_CHUNK = /\/assets\/widget-[^/]*\.js/

export interface OpenSample {
  /** Pointer on the launcher → first bot message painted. */
  ms: number
  /** Pointer on the launcher → chat window (`section.win`) in the DOM. */
  winMs: number
  /** Pointer on the launcher → first bot message in the DOM. */
  domMs: number
  /** pointerover → pointerdown (how early the hover started the fetch). */
  hoverLeadMs: number
  /**
   * Long tasks (> 50 ms, Long Tasks API) that overlap start → painted: the page is
   * otherwise idle then, so they are the widget's (chunk evaluation, mount, render).
   */
  longTasks: number
  /**
   * The launcher click's interaction latency (Event Timing: input → the next
   * paint, ms, 8 ms granularity; what INP counts): the longest entry of an
   * interaction that started at or after pointerdown; 0 when none reached 16 ms.
   */
  clickMs: number
  messages: number
  chunkBeforeClick: boolean
  js: { wire: number; raw: number; br: number; urls: string[] }
}

/** Opens the chat on `path`; `warm` hovers first and waits for the chunk and network idle. */
export async function openRun(
  c: Ctx,
  base: string,
  path: string,
  warm: boolean,
  before?: (c: Ctx) => Promise<void>,
): Promise<OpenSample> {
  const { page, net } = c
  await page.goto(`${base}${path}`, { waitUntil: 'load' })
  if (before) await before(c)
  const launcher = page.locator(LAUNCHER)
  await launcher.waitFor({ state: 'visible' })
  await net.idle(300)
  if (warm) {
    await launcher.hover()
    const deadline = Date.now() + 10_000
    while (!net.has(WIDGET_CHUNK)) {
      if (Date.now() > deadline) throw new Error('hover did not fetch the widget chunk')
      await sleep(20)
    }
    await net.idle(500)
  }
  const chunkBeforeClick = net.has(WIDGET_CHUNK)
  if (!warm && chunkBeforeClick) throw new Error('cold run: the widget chunk was already fetched')
  const clickAt = Date.now()
  const opened = page.evaluate('window.__bench.whenOpened()')
  opened.catch(() => {}) // awaited below
  await launcher.click()
  await withTimeout(opened, 20_000, 'the chat did not open')
  // Event Timing entries arrive after the paint that ends them, in an observer task.
  await page
    .waitForFunction('window.__bench.events.some((e) => e.name === "click")', undefined, {
      timeout: 1000,
    })
    .catch(() => {}) // a click under 16 ms has no entry: clickMs 0
  const p = await readProbe(page)
  if (p.down === null || p.botInDom === null || p.opened === null)
    throw new Error('probe missed the open')
  // Cold: from the first pointer event, which starts the fetch (a tap has no hover
  // before it). Warm: from pointerdown.
  const down = p.down
  const start = warm ? down : Math.min(p.over ?? down, down)
  return {
    ms: p.opened - start,
    winMs: (p.winInDom ?? Number.NaN) - start,
    domMs: p.botInDom - start,
    hoverLeadMs: p.over === null ? 0 : p.down - p.over,
    longTasks: p.longtasks.filter(
      (t) => t.start + t.duration > start && t.start < (p.opened as number),
    ).length,
    clickMs: Math.max(0, ...p.events.filter((e) => e.start >= down - 1).map((e) => e.duration)),
    messages: p.messages,
    chunkBeforeClick,
    js: await net.jsBytes(clickAt),
  }
}

export interface TypingSample {
  open: OpenSample
  /** keydown → after the frame that shows the character, per key. */
  keysMs: number[]
  /** keydown → the input event ran, per key. */
  inputMs: number[]
  median: number
  p95: number
  messages: number
}

/**
 * Opens the chat (warm) over a saved transcript of `n` messages, then types `text`
 * one key at a time, each measured from keydown to the frame that shows it.
 */
export async function typingRun(
  c: Ctx,
  base: string,
  n: number,
  text: string,
): Promise<TypingSample> {
  const { page } = c
  // with.html plus the seeded conversation, written before the loader runs.
  await page.addInitScript({ path: 'demo/bench/seed-transcript.js' })
  const open = await openRun(c, base, `/demo/bench/with.html?n=${n}`, true, async () => {
    await page.waitForFunction('document.documentElement.dataset.seeded', undefined, {
      timeout: 10_000,
    })
    const seeded = await page.evaluate('document.documentElement.dataset.seeded')
    if (seeded !== String(n)) throw new Error(`transcript seeding failed (${seeded})`)
  })
  const input = page.locator('div[data-reekolect] #rk-input')
  await input.waitFor({ state: 'visible' })
  const focused = await page.evaluate(
    "document.querySelector('div[data-reekolect]').shadowRoot.activeElement?.id ?? ''",
  )
  if (focused !== 'rk-input') await input.focus()
  await sleep(300)
  await page.evaluate('window.__bench.keys.length = 0')
  for (let i = 0; i < text.length; i++) {
    const painted = page.evaluate(`window.__bench.keyPainted(${i})`)
    painted.catch(() => {}) // awaited below; never an unhandled rejection if typing throws first
    await page.keyboard.type(text[i]!)
    await withTimeout(painted, 5000, `key ${i + 1} not painted`)
    await sleep(10 + (i % 3) * 10) // a little spacing, varied
  }
  const keys = (await readProbe(page)).keys
  const value = await input.inputValue()
  if (value !== text) throw new Error(`typed "${text}" but the input shows "${value}"`)
  const good = keys.filter(
    (k): k is Required<KeySample> => k.painted !== undefined && k.input !== undefined,
  )
  const keysMs = good.map((k) => k.painted - k.t0)
  const inputMs = good.map((k) => k.input - k.t0)
  return {
    open,
    keysMs,
    inputMs,
    median: stats(keysMs)?.median ?? Number.NaN,
    p95: percentile(keysMs, 95) ?? Number.NaN,
    messages: open.messages,
  }
}
