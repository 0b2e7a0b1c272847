/**
 * `npm run loadtest`: live chat under load, on loopback only, bounded in time.
 * Starts the live chat server (bench/loadtest-server.ts) in a child process with a
 * throw-away database, gives `LOADTEST_STREAMS` visitors (default 1000) one
 * conversation each, opens one visitor stream per conversation (node fetch +
 * eventsource-parser) and one agent console stream, then posts `LOADTEST_ROUNDS`
 * (default 5) rounds of agent replies, one per conversation per round, at most
 * `LOADTEST_CONCURRENCY` (default 10: agents answering at once) requests at a
 * time. In the middle round one stream in ten is disconnected first and resumes
 * with `Last-Event-ID` after it.
 *
 * Reports (markdown table, and `bench/results/loadtest.json`): delivery latency
 * from the reply's POST starting to the visitor's stream parsing it (p50, p99,
 * max; live deliveries only, not the resumed ones) and to the console's stream;
 * the server's RSS growth per open stream (after a GC); the reply throughput.
 * Asserts that every visitor stream got every reply of its conversation exactly
 * once and in order, that the console got every message once, and that the stored
 * transcripts hold every message once, in order. Exit code 0 when all hold, 1 when
 * one fails, 2 when the run exceeds `LOADTEST_DEADLINE_MS` (default 300000).
 * `LOADTEST_SYNC` (e.g. `NORMAL`) sets SQLite's `synchronous` on the server, for
 * comparison runs; by default the server runs the demo's own setting.
 * `LOADTEST_CPU_PROF=<folder>` writes the server's CPU profile there. `LOADTEST_PORT`
 * puts the server on that port of 127.0.0.1 (default: a free one).
 *
 * The clients share one process and the machine with the server: on a small shared
 * machine, latency includes the clients' own event-loop delay.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Message } from '../demo/live'
import { readSse, type SseReader } from '../demo/live/sse-client'
import { percentile, sleep, withTimeout } from './util'

const N = Number(process.env.LOADTEST_STREAMS ?? 1000)
const ROUNDS = Math.max(3, Number(process.env.LOADTEST_ROUNDS ?? 5))
const CONCURRENCY = Number(process.env.LOADTEST_CONCURRENCY ?? 10)
const DEADLINE_MS = Number(process.env.LOADTEST_DEADLINE_MS ?? 300_000)
/** A folder for the server's V8 CPU profile (`.cpuprofile`), when set. */
const PROFILE = process.env.LOADTEST_CPU_PROF
const TOKEN = 'loadtest-token'
const ids = { botId: 'load-bot', customerId: 'load-customer' }
const agent = { id: 'agent-load', name: 'Load Agent' }

interface Stats {
  rss: number
  heapUsed: number
  cpuMicros: number
  visitorStreams: number
  agentStreams: number
}

/** Runs `task(i)` for i in [0, n) with at most `limit` running at once. */
async function pool(n: number, limit: number, task: (i: number) => Promise<void>) {
  let next = 0
  const worker = async () => {
    while (next < n) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker))
}

/** Resolves once `test()` holds, polling every 20 ms; rejects after `ms`. */
const waitFor = (test: () => boolean, ms: number, label: string) =>
  withTimeout(
    (async () => {
      while (!test()) await sleep(20)
    })(),
    ms,
    label,
  )

function startServer(db: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${resolve(PROFILE)}`] : []),
      '--import',
      'tsx',
      resolve('bench', 'loadtest-server.ts'),
    ],
    {
      env: { ...process.env, LOADTEST_DB: db, LOADTEST_TOKEN: TOKEN },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  return withTimeout(
    new Promise((res, rej) => {
      child.once('exit', (code) => rej(new Error(`server exited with ${code}`)))
      child.on('message', (m: { type?: string; port?: number }) => {
        if (m.type === 'listening') res({ child, base: `http://127.0.0.1:${m.port}` })
      })
    }),
    30_000,
    'server start',
  )
}

function serverStats(child: ChildProcess): Promise<Stats> {
  return withTimeout(
    new Promise((res) => {
      const on = (m: Stats & { type?: string }) => {
        if (m.type !== 'stats') return
        child.off('message', on)
        res(m)
      }
      child.on('message', on)
      child.send({ type: 'stats' })
    }),
    10_000,
    'server stats',
  )
}

const started = Date.now()
/** A progress line on stderr, with the seconds since the start. */
const log = (line: string) =>
  console.error(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`)

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'reekolect-loadtest-'))
  const { child, base } = await startServer(join(dir, 'live.db'))
  const deadline = setTimeout(() => {
    console.error(`[Reekolect] E_LOADTEST: over ${DEADLINE_MS} ms — stopping`)
    child.kill('SIGKILL')
    process.exit(2)
  }, DEADLINE_MS)
  deadline.unref()
  const visitors: SseReader[] = []
  let console_: SseReader | undefined
  try {
    const api = async (method: string, path: string, body?: unknown, agentSide = false) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          [agentSide ? 'x-bot-token' : 'x-bp-token']: TOKEN,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
      return res.json() as Promise<unknown>
    }
    const convs = Array.from({ length: N }, () => ({ ...ids, uuid: randomUUID() }))
    const first = convs.map(() => ({
      id: randomUUID(),
      by: 'visitor' as const,
      text: 'hello',
      at: new Date().toISOString(),
    }))
    await pool(N, CONCURRENCY, (i) =>
      api('POST', '/inbox/direct/messages', { ...convs[i], messages: [first[i]] }).then(() => {}),
    )
    const before = await serverStats(child)
    log(`${N} conversations created`)

    // --- open the streams
    /** Per conversation: message ids in the order its visitor streams delivered them. */
    const got: string[][] = convs.map(() => [])
    const sentAt = new Map<string, number>()
    const live: number[] = []
    const consoleLatency: number[] = []
    const consoleIds: string[] = []
    let resuming = new Set<number>()
    const openVisitor = async (i: number, lastEventId?: string) => {
      const res = await fetch(
        `${base}/inbox/direct/stream?${new URLSearchParams(convs[i] as Record<string, string>)}`,
        {
          headers: {
            'x-bp-token': TOKEN,
            ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
          },
        },
      )
      if (res.status !== 200) throw new Error(`stream ${i}: ${res.status}`)
      const r = readSse(res, (e) => {
        if (e.event !== 'message') return
        const m = JSON.parse(e.data) as Message
        got[i]?.push(m.id)
        const t = sentAt.get(m.text)
        if (t !== undefined && !resuming.has(i)) live.push(performance.now() - t)
      })
      await r.until((_, c) => c.includes('connected'), 30_000)
      return r
    }
    const consoleRes = await fetch(
      `${base}/inbox/direct/agent-stream?${new URLSearchParams({ ...ids, agentId: agent.id })}`,
      { headers: { 'x-bot-token': TOKEN } },
    )
    console_ = readSse(consoleRes, (e) => {
      if (e.event !== 'message') return
      const m = JSON.parse(e.data) as Message
      consoleIds.push(m.id)
      const t = sentAt.get(m.text)
      if (t !== undefined) consoleLatency.push(performance.now() - t)
    })
    const openStart = performance.now()
    await pool(N, 100, async (i) => {
      visitors[i] = await openVisitor(i)
    })
    const openMs = performance.now() - openStart
    const opened = await serverStats(child)
    log(`${N} visitor streams open`)
    if (opened.visitorStreams !== N || opened.agentStreams !== 1)
      throw new Error(`server counts ${opened.visitorStreams} visitor streams, expected ${N}`)

    // --- replies
    const replies: string[][] = convs.map(() => [])
    const round = async (r: number) => {
      await pool(N, CONCURRENCY, async (i) => {
        const text = `round ${r} to ${i}`
        sentAt.set(text, performance.now())
        const { data } = (await api(
          'POST',
          '/inbox/direct/reply',
          { ...convs[i], text, agent },
          true,
        )) as { data: Message }
        replies[i]?.push(data.id)
      })
    }
    const replyStart = performance.now()
    const cpuStart = (await serverStats(child)).cpuMicros
    const clientCpuStart = process.cpuUsage()
    const dropped = convs.map((_, i) => i).filter((i) => i % 10 === 0)
    const middle = Math.floor(ROUNDS / 2)
    for (let r = 0; r < ROUNDS; r++) {
      if (r === middle) {
        // One stream in ten goes away; its round is replayed on reconnect.
        await Promise.all(dropped.map((i) => visitors[i]?.close()))
        for (;;) {
          const s = await serverStats(child)
          if (s.visitorStreams === N - dropped.length) break
          await sleep(50)
        }
      }
      await round(r)
      log(`round ${r + 1} of ${ROUNDS} posted`)
      if (r === middle) {
        resuming = new Set(dropped)
        await pool(dropped.length, 100, async (k) => {
          const i = dropped[k]!
          visitors[i] = await openVisitor(i, got[i]?.at(-1))
        })
        await waitFor(
          () => dropped.every((i) => got[i]?.length === replies[i]?.length),
          30_000,
          'resumed streams catching up',
        )
        resuming = new Set()
      }
    }
    const replyMs = performance.now() - replyStart
    const replyCpu = (await serverStats(child)).cpuMicros - cpuStart
    const clientCpu = process.cpuUsage(clientCpuStart)
    log(`${N * ROUNDS} replies posted`)
    const total = N * ROUNDS
    await waitFor(
      () =>
        got.every((g, i) => g.length >= (replies[i]?.length ?? 0)) && consoleIds.length >= total,
      30_000,
      'every reply delivered',
    )
    await sleep(200) // a late duplicate would show up here

    // --- checks
    const problems: string[] = []
    got.forEach((g, i) => {
      const want = replies[i] ?? []
      if (new Set(g).size !== g.length) problems.push(`stream ${i}: a message delivered twice`)
      if (g.join() !== want.join())
        problems.push(`stream ${i}: got ${g.length} of ${want.length}, or out of order`)
    })
    if (new Set(consoleIds).size !== consoleIds.length) problems.push('console: a message twice')
    if (consoleIds.length !== total) problems.push(`console: ${consoleIds.length} of ${total}`)
    await pool(N, CONCURRENCY, async (i) => {
      const { data } = (await api(
        'GET',
        `/inbox/direct/messages?${new URLSearchParams(convs[i] as Record<string, string>)}`,
      )) as { data: Message[] }
      const want = [first[i]?.id, ...(replies[i] ?? [])].join()
      if (data.map((m) => m.id).join() !== want) problems.push(`transcript ${i}: wrong`)
    })
    const after = await serverStats(child)

    // --- report
    const p = (xs: number[], q: number) => (percentile(xs, q) ?? Number.NaN).toFixed(1)
    const perStream = (opened.rss - before.rss) / (N + 1)
    const result = {
      streams: N,
      rounds: ROUNDS,
      concurrency: CONCURRENCY,
      replies: total,
      deliveries: { visitorLive: live.length, console: consoleLatency.length },
      latencyMs: {
        visitor: { p50: +p(live, 50), p99: +p(live, 99), max: +p(live, 100) },
        console: {
          p50: +p(consoleLatency, 50),
          p99: +p(consoleLatency, 99),
          max: +p(consoleLatency, 100),
        },
      },
      openAllStreamsMs: Math.round(openMs),
      repliesPerSecond: Math.round(total / (replyMs / 1000)),
      // Store + fan-out to one visitor stream and the console, resumes included.
      serverCpuPerReplyMicros: Math.round(replyCpu / total),
      clientCpuPerReplyMicros: Math.round((clientCpu.user + clientCpu.system) / total),
      loadAverage: loadavg()[0] ?? 0,
      serverRss: { before: before.rss, withStreams: opened.rss, atEnd: after.rss },
      rssPerStreamBytes: Math.round(perStream),
      heapPerStreamBytes: Math.round((opened.heapUsed - before.heapUsed) / (N + 1)),
      lostOrDuplicated: problems.length,
      problems: problems.slice(0, 20),
      seconds: (Date.now() - started) / 1000,
    }
    const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`
    console.log(
      [
        `| live chat load test (${N} visitor streams + 1 console, ${ROUNDS} rounds, ${total} replies) | value |`,
        '| --- | --- |',
        `| delivery to visitor, p50 / p99 / max | ${result.latencyMs.visitor.p50} / ${result.latencyMs.visitor.p99} / ${result.latencyMs.visitor.max} ms |`,
        `| delivery to console, p50 / p99 / max | ${result.latencyMs.console.p50} / ${result.latencyMs.console.p99} / ${result.latencyMs.console.max} ms |`,
        `| server RSS per open stream | ${kib(perStream)} (heap ${kib(result.heapPerStreamBytes)}) |`,
        `| server RSS before / with streams / end | ${(before.rss / 2 ** 20).toFixed(0)} / ${(opened.rss / 2 ** 20).toFixed(0)} / ${(after.rss / 2 ** 20).toFixed(0)} MiB |`,
        `| open ${N} streams | ${result.openAllStreamsMs} ms |`,
        `| replies stored and fanned out | ${result.repliesPerSecond} /s; CPU per reply: server ${(result.serverCpuPerReplyMicros / 1000).toFixed(2)} ms, clients ${(result.clientCpuPerReplyMicros / 1000).toFixed(2)} ms |`,
        `| machine load average (1 min) at the end | ${result.loadAverage.toFixed(1)} |`,
        `| resumed with Last-Event-ID | ${dropped.length} streams |`,
        `| lost or duplicated | ${problems.length} |`,
      ].join('\n'),
    )
    mkdirSync('bench/results', { recursive: true })
    writeFileSync('bench/results/loadtest.json', `${JSON.stringify(result, null, 2)}\n`)
    if (problems.length) {
      console.error(problems.slice(0, 20).join('\n'))
      process.exitCode = 1
    }
  } finally {
    await Promise.all([...visitors, console_].map((r) => r?.close()))
    child.send({ type: 'stop' })
    await withTimeout(
      new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null))),
      5000,
      'server stop',
    ).catch(() => child.kill('SIGKILL'))
    clearTimeout(deadline)
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : ''
  console.error(`[Reekolect] E_LOADTEST: ${e instanceof Error ? e.message : String(e)}${cause}`)
  process.exit(1)
})
