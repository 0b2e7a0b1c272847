/**
 * The live chat runs of `npm run bench` (run.ts; `BENCH_ONLY=live`, `BENCH_ONLY=idle`),
 * on the built bundle and the demo server, over loopback, unthrottled:
 *
 * - {@link replyRun}: an agent's reply (`POST /inbox/direct/reply`, header
 *   `x-bot-token`, docs/platform-api.md "Our extensions: live chat"), sent by the
 *   benchmark's own process as the platform's inbox would, → painted in the
 *   visitor's open chat window;
 * - {@link enterRun}: the visitor presses Enter in the live composer → the message
 *   painted in the playground's agent console (demo/playground/console.ts), a page
 *   in another browser context;
 * - {@link idleRun}: what a page costs its main thread while nothing happens, with a
 *   handed-off chat and its stream open, with a bot chat only, and without the widget.
 *
 * Each run has a bot of its own (`bench-live-…` on demo/bench/live.html, made by
 * server.ts), so no run sees another's conversations, and forces the demo's agent
 * availability for it with `POST /demo/api/agents` (demo/live/index.ts): a hand-off
 * goes to a person only while one is online. Times that cross processes are on the
 * system's wall clock, read to ~0.1 ms (clock.ts).
 */
import { performance } from 'node:perf_hooks'
import type { Browser, BrowserContext, Page } from '@playwright/test'
import { WALL_OFFSET_JS, wallOffset } from './clock'
import { sizeOf } from './net'
import { idleCost, traced } from './trace'
import { sleep, withTimeout } from './util'

/** The bench server's token (server.ts `REEKOLECT_TOKEN`), sent as `x-bot-token` and `x-bp-token`. */
const TOKEN = 'demo-token'
const CUSTOMER = 'bench-customer'
/** The agent as the playground's console names one called Sam (console.ts `agent()`). */
const AGENT = { id: 'agent-sam', name: 'Sam' }
const VIEWPORT = { width: 1280, height: 800 }
const HOST = 'div[data-reekolect]'
const LAUNCHER = `${HOST} button.launcher` // Playwright's CSS engine pierces open shadow roots
const COMPOSER = `${HOST} #rk-live`
/** Longest wait for one message to show (ms): a sample that takes longer fails its run. */
const SHOWN_TIMEOUT_MS = 10_000

/**
 * The live runs' in-page probe (an init script; plain JavaScript, see probe.ts):
 * `window.__wallOffset()` (clock.ts), and `window.__live`:
 * - `enter`: `Event.timeStamp` of every Enter keydown (without Shift), in order;
 * - `arm(where, text)`: starts watching for a message with this text, `visitor`
 *   (an agent message, `.msg.agent` in the widget's shadow root, whose text ends
 *   with `text`) or `console` (a `#transcript-list .msg-text` whose text is `text`);
 * - `wait()`: resolves with `{dom, frame, painted}` (performance.now(), ms) for the
 *   armed message: when a MutationObserver saw it (in the task that rendered it), in
 *   the next animation frame, and right after that frame was rendered (a message
 *   posted from the rAF callback), as the typing rows measure "painted".
 */
export const LIVE_PROBE_SCRIPT = `(() => {
  if (window.top !== window || window.__live) return
  ${WALL_OFFSET_JS}
  const live = { enter: [] }
  Object.defineProperty(window, '__live', { value: live, enumerable: false })
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) live.enter.push(e.timeStamp)
  }, true)
  let pending = null
  live.arm = (where, text) => {
    const root = where === 'visitor'
      ? (document.querySelector('${HOST}') || {}).shadowRoot
      : document.getElementById('transcript-list')
    if (!root) throw new Error('arm: nothing to watch in ' + where)
    const find = () => {
      if (where === 'visitor') {
        for (const el of root.querySelectorAll('.msg.agent')) if ((el.textContent || '').endsWith(text)) return true
        return false
      }
      for (const el of root.querySelectorAll('.msg-text')) if (el.textContent === text) return true
      return false
    }
    if (find()) throw new Error('arm: the message is already shown')
    pending = new Promise((resolve) => {
      const mo = new MutationObserver(() => {
        if (!find()) return
        mo.disconnect()
        const dom = performance.now()
        requestAnimationFrame(() => {
          const frame = performance.now()
          const ch = new MessageChannel()
          ch.port1.onmessage = () => resolve({ dom, frame, painted: performance.now() })
          ch.port2.postMessage(0)
        })
      })
      mo.observe(root, { childList: true, subtree: true, characterData: true })
    })
    return true
  }
  live.wait = () => pending
})()`

/** What the probe's `wait()` resolves with (performance.now() of that page, ms). */
interface Shown {
  dom: number
  frame: number
  painted: number
}

/** A bot id no other run uses. */
const botId = (label: string) =>
  `bench-live-${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

/** `POST /demo/api/agents`: `online: true` with `AGENT` for `bot`, or `null` to drop the override. */
async function setAgents(base: string, bot: string, online: true | null): Promise<void> {
  const res = await fetch(`${base}/demo/api/agents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(online ? { online, agents: [AGENT], botId: bot } : { online, botId: bot }),
  })
  if (!res.ok) throw new Error(`POST /demo/api/agents: HTTP ${res.status}`)
  await res.arrayBuffer()
}

/** The demo server's word on whether the visitor `uuid` of `bot` has a stream open (chats listing `isOnline`). */
async function streamOpen(base: string, bot: string, uuid: string): Promise<boolean> {
  for (const type of ['lead', 'non-lead']) {
    const q = new URLSearchParams({ botId: bot, customerId: CUSTOMER, page: '1', type })
    const res = await fetch(`${base}/inbox/direct/chats?${q}`, {
      headers: { 'x-bot-token': TOKEN },
    })
    const body = (await res.json()) as { data?: { uuid: string; isOnline?: boolean }[] }
    const row = body.data?.find((r) => r.uuid === uuid)
    if (row) return !!row.isOnline
  }
  return false
}

/** Polls `check` every 100 ms until it holds; throws `label` after `ms`. */
async function until(check: () => Promise<boolean>, ms: number, label: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(label)
    await sleep(100)
  }
}

/**
 * Runs `fn` with `n` fresh contexts (each with the live probe), at most `timeoutMs`;
 * the contexts are closed whatever happens, a timeout included (which also ends
 * whatever `fn` still waits for).
 */
async function withContexts<T>(
  browser: Browser,
  n: number,
  timeoutMs: number,
  label: string,
  fn: (contexts: BrowserContext[]) => Promise<T>,
): Promise<T> {
  const contexts: BrowserContext[] = []
  try {
    for (let i = 0; i < n; i++) {
      const c = await browser.newContext({ viewport: VIEWPORT })
      await c.addInitScript(LIVE_PROBE_SCRIPT)
      contexts.push(c)
    }
    return await withTimeout(fn(contexts), timeoutMs, label)
  } finally {
    for (const c of contexts) await c.close().catch(() => {})
  }
}

/** Script URLs of the widget (`/assets/…`) the page requested, in order. */
function assetLog(page: Page): string[] {
  const urls: string[] = []
  page.on('request', (r) => {
    if (r.resourceType() === 'script' && new URL(r.url()).pathname.startsWith('/assets/'))
      urls.push(r.url())
  })
  return urls
}

/**
 * Loads live.html for `bot`, hands off with the documented `Reekolect('handoff')`
 * command (the chat opens in live mode), and waits until the live composer shows
 * and the server has the visitor's stream open. Returns the visitor's UUID.
 */
async function handOff(page: Page, base: string, bot: string): Promise<string> {
  await page.goto(
    `${base}/demo/bench/live.html?${new URLSearchParams({ bot, customer: CUSTOMER })}`,
    {
      waitUntil: 'load',
    },
  )
  await page.locator(LAUNCHER).waitFor({ state: 'visible' })
  await page.evaluate("Reekolect('handoff')")
  await page.locator(COMPOSER).waitFor({ state: 'visible' })
  const uuid = (await page.evaluate("sessionStorage.getItem('reekolect:uuid')")) as string | null
  if (!uuid) throw new Error('hand-off: the visitor has no UUID')
  await until(
    () => streamOpen(base, bot, uuid),
    15_000,
    'hand-off: the visitor stream did not open',
  )
  return uuid
}

/** Bytes of the live chat's scripts as served (brotli quality 11 of the file, and raw). */
export interface LiveBytes {
  /** The lazy live chunk, `assets/live-*.js`. */
  live: { raw: number; br: number }
  /** The chat entry, `assets/widget-*.js`. */
  entry: { raw: number; br: number }
  /** Every script of the widget the handed-off page fetched (loader excluded), brotli. */
  allBr: number
  urls: string[]
}

async function bytesOf(urls: string[]): Promise<LiveBytes> {
  const pick = async (re: RegExp) => {
    const u = urls.find((x) => re.test(new URL(x).pathname))
    if (!u) throw new Error(`bytes: the page fetched no ${re.source}`)
    return sizeOf(u)
  }
  let allBr = 0
  for (const u of new Set(urls)) allBr += (await sizeOf(u)).br
  return {
    live: await pick(/^\/assets\/live-[^/]+\.js$/),
    entry: await pick(/^\/assets\/widget-[^/]+\.js$/),
    allBr,
    urls: [...new Set(urls)].map((u) => new URL(u).pathname),
  }
}

/** One agent reply of {@link replyRun}, ms from the POST's start (wall clock). */
export interface ReplySample {
  /** → after the frame that shows it was rendered (the row's number). */
  painted: number
  /** → the message in the widget's DOM. */
  dom: number
  /** → the POST's answer reached the benchmark. */
  answered: number
}

/**
 * One visitor, `n` measured agent replies (after one warm-up reply, not counted:
 * it also turns "Waiting for a person" into "You're talking to Sam"). Each reply is
 * POSTed by this process; its start is `performance.now()` here plus this process's
 * offset to the wall clock, its end the page's `performance.now()` plus the page's
 * offset, both measured right before the reply (clock.ts).
 */
export async function replyRun(
  browser: Browser,
  base: string,
  n: number,
  timeoutMs: number,
): Promise<{ samples: ReplySample[]; bytes: LiveBytes }> {
  const bot = botId('reply')
  await setAgents(base, bot, true)
  try {
    return await withContexts(browser, 1, timeoutMs, 'live reply', async ([context]) => {
      const page = await (context as BrowserContext).newPage()
      const scripts = assetLog(page)
      const uuid = await handOff(page, base, bot)
      const samples: ReplySample[] = []
      for (let k = 0; k <= n; k++) {
        const text = `Reply ${k} from the bench, ${bot}.`
        await page.evaluate(`window.__live.arm('visitor', ${JSON.stringify(text)})`)
        const pageOffset = (await page.evaluate('window.__wallOffset()')) as number
        const offset = wallOffset()
        const t0 = performance.now() + offset
        const res = fetch(`${base}/inbox/direct/reply`, {
          method: 'POST',
          headers: { 'x-bot-token': TOKEN, 'content-type': 'application/json' },
          body: JSON.stringify({ botId: bot, customerId: CUSTOMER, uuid, text, agent: AGENT }),
        }).then(async (r) => {
          const at = performance.now() + offset
          if (!r.ok) throw new Error(`POST /inbox/direct/reply: HTTP ${r.status}`)
          await r.arrayBuffer()
          return at
        })
        res.catch(() => {}) // awaited below
        const shown = (await withTimeout(
          page.evaluate('window.__live.wait()'),
          SHOWN_TIMEOUT_MS,
          `reply ${k} not shown`,
        )) as Shown
        const answered = await res
        if (k > 0)
          samples.push({
            painted: shown.painted + pageOffset - t0,
            dom: shown.dom + pageOffset - t0,
            answered: answered - t0,
          })
        await sleep(200 + Math.random() * 300) // independent samples, not a burst
      }
      return { samples, bytes: await bytesOf(scripts) }
    })
  } finally {
    await setAgents(base, bot, null).catch(() => {})
  }
}

/** One visitor message of {@link enterRun}, ms from the Enter keydown's `Event.timeStamp` (wall clock). */
export interface EnterSample {
  /** → after the console's frame that shows it was rendered (the row's number). */
  painted: number
  /** → the message in the console's DOM. */
  dom: number
  /**
   * → the widget's `POST /inbox/direct/messages` carrying it was sent (CDP
   * `Network.requestWillBeSent` `wallTime`): the widget's part (the transcript
   * outbox stores the message in IndexedDB before it posts it).
   */
  posted: number
}

/**
 * One visitor and the playground's agent console (`/?bot=…&customer=…`, in its own
 * context, online as Sam), `n` measured messages after one warm-up: the console
 * opens the visitor's conversation; the visitor types a message into the live
 * composer and presses Enter (Playwright's keyboard, CDP input events); the end is
 * the message painted in the console's transcript. Start and end are in two
 * renderer processes: each page's `performance.now()` plus its own offset to the
 * wall clock, measured right before the key press.
 */
export async function enterRun(
  browser: Browser,
  base: string,
  n: number,
  timeoutMs: number,
): Promise<EnterSample[]> {
  const bot = botId('enter')
  await setAgents(base, bot, true)
  try {
    return await withContexts(
      browser,
      2,
      timeoutMs,
      'live enter',
      async ([agentContext, visitorContext]) => {
        const agent = await (agentContext as BrowserContext).newPage()
        await agent.goto(`${base}/?${new URLSearchParams({ bot, customer: CUSTOMER })}`, {
          waitUntil: 'load',
        })
        await agent
          .locator('#console-presence[data-state="online"]')
          .waitFor({ state: 'attached', timeout: 15_000 })
        const visitor = await (visitorContext as BrowserContext).newPage()
        const cdp = await (visitorContext as BrowserContext).newCDPSession(visitor)
        const posts: number[] = []
        cdp.on('Network.requestWillBeSent', (e) => {
          if (e.request.method === 'POST' && e.request.url.includes('/inbox/direct/messages'))
            posts.push(e.wallTime * 1000)
        })
        await cdp.send('Network.enable')
        const uuid = await handOff(visitor, base, bot)
        const item = agent.locator(`button.conversation-item[data-uuid="${uuid}"]`)
        await item.click({ timeout: 15_000 })
        await agent.locator('#transcript-list li').first().waitFor({ timeout: 15_000 })
        const box = visitor.locator(COMPOSER)
        const samples: EnterSample[] = []
        for (let k = 0; k <= n; k++) {
          const text = `Message ${k} from the visitor, ${bot}.`
          await box.fill(text)
          await agent.evaluate(`window.__live.arm('console', ${JSON.stringify(text)})`)
          const before = (await visitor.evaluate('window.__live.enter.length')) as number
          const postsBefore = posts.length
          const visitorOffset = (await visitor.evaluate('window.__wallOffset()')) as number
          const agentOffset = (await agent.evaluate('window.__wallOffset()')) as number
          await box.press('Enter')
          const shown = (await withTimeout(
            agent.evaluate('window.__live.wait()'),
            SHOWN_TIMEOUT_MS,
            `message ${k} not shown in the console`,
          )) as Shown
          const down = (await visitor.evaluate(`window.__live.enter[${before}]`)) as number | null
          if (typeof down !== 'number') throw new Error(`message ${k}: no Enter keydown seen`)
          const t0 = down + visitorOffset
          if ((await box.inputValue()) !== '') throw new Error(`message ${k}: the composer kept it`)
          const posted = posts[postsBefore]
          if (posted === undefined) throw new Error(`message ${k}: the widget posted nothing`)
          if (k > 0)
            samples.push({
              painted: shown.painted + agentOffset - t0,
              dom: shown.dom + agentOffset - t0,
              posted: posted - t0,
            })
          await sleep(200 + Math.random() * 300)
        }
        return samples
      },
    )
  } finally {
    await setAgents(base, bot, null).catch(() => {})
  }
}

/**
 * The pages of the idle rows: `bare` without.html (no widget); `bot` live.html
 * whose visitor opened the chat (the built-in flow asks for a name) and closed it;
 * `handoff` live.html whose visitor handed off and closed the chat, the stream
 * left open (agent messages then raise the unread badge).
 */
export type IdleVariant = 'bare' | 'bot' | 'handoff'

/** One idle window of one page, scaled to a minute (trace.ts {@link idleCost}). */
export interface IdleSample {
  variant: IdleVariant
  /** Length of the traced window, ms. */
  windowMs: number
  /** Main-thread wake-ups per minute: tasks that started ≥ 1 ms after the previous one ended. */
  wakeUps: number
  /** Main-thread top-level tasks per minute. */
  tasks: number
  /** Main-thread CPU (thread time of those tasks) per minute, ms. */
  cpuMs: number
  /** Wall time of those tasks per minute, ms. */
  wallMs: number
  /** Of `cpuMs`, garbage collection per minute, ms. */
  gcMs: number
}

/** Quiet time after the page is set up, before the trace starts (IndexedDB writes, the outbox, fonts). */
const SETTLE_MS = 3000
/** Time between the trace's start and the window's: tracing makes the renderer do some work of its own. */
const TRACE_LEAD_MS = 2000

/**
 * Sets up `variant`, lets it settle, then traces `windowMs` of nothing happening
 * (categories as trace.ts `traced`) between two `console.timeStamp()` markers, and
 * scales what the main thread did to a minute. Not Performance.getMetrics: each
 * read of it, like each marker, is a main-thread task of its own (0.6–3 ms of
 * TaskDuration on this machine), which the trace's window leaves out. The
 * hand-off's stream must still be open at the end, or the run fails.
 */
export async function idleRun(
  browser: Browser,
  base: string,
  variant: IdleVariant,
  windowMs: number,
  timeoutMs: number,
): Promise<IdleSample> {
  const bot = botId('idle')
  if (variant === 'handoff') await setAgents(base, bot, true)
  const context = await browser.newContext({ viewport: VIEWPORT })
  try {
    return await withTimeout(
      idleIn(context, base, bot, variant, windowMs),
      timeoutMs,
      `idle ${variant}`,
    )
  } finally {
    await context.close().catch(() => {})
    if (variant === 'handoff') await setAgents(base, bot, null).catch(() => {})
  }
}

async function idleIn(
  context: BrowserContext,
  base: string,
  bot: string,
  variant: IdleVariant,
  windowMs: number,
): Promise<IdleSample> {
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  let uuid = ''
  if (variant === 'bare') {
    await page.goto(`${base}/demo/bench/without.html`, { waitUntil: 'load' })
  } else if (variant === 'bot') {
    await page.goto(
      `${base}/demo/bench/live.html?${new URLSearchParams({ bot, customer: CUSTOMER })}`,
      { waitUntil: 'load' },
    )
    await page.locator(LAUNCHER).click()
    await page.locator(`${HOST} .msg.bot`).first().waitFor({ state: 'visible' })
  } else {
    uuid = await handOff(page, base, bot)
  }
  if (variant !== 'bare') {
    await page.locator(`${HOST} button.x`).click()
    await page.locator(`${HOST} section.win`).waitFor({ state: 'detached' })
  }
  await sleep(SETTLE_MS)
  const events = await traced(cdp, async () => {
    await sleep(TRACE_LEAD_MS)
    await page.evaluate("console.timeStamp('bench-idle-start')")
    await sleep(windowMs)
    await page.evaluate("console.timeStamp('bench-idle-end')")
  })
  if ((await page.evaluate('document.visibilityState')) !== 'visible')
    throw new Error('idle: the page was not visible')
  if (variant === 'handoff' && !(await streamOpen(base, bot, uuid)))
    throw new Error('idle: the visitor stream was closed by the end of the window')
  const cost = idleCost(events, 'bench-idle-start', 'bench-idle-end')
  const perMin = 60_000 / cost.windowMs
  return {
    variant,
    windowMs: cost.windowMs,
    wakeUps: cost.wakeUps * perMin,
    tasks: cost.tasks * perMin,
    cpuMs: cost.cpuMs * perMin,
    wallMs: cost.wallMs * perMin,
    gcMs: cost.gcMs * perMin,
  }
}
