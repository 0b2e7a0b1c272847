/**
 * The demo server for the benchmark: `tsx demo/server.ts` on a free port (or
 * `BENCH_PORT`) with a throw-away database, in its own process group so it can
 * always be stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve, sep } from 'node:path'
import { sleep } from './util'

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

// ---------------------------------------------------------------- demo server

/** A running demo server. */
export interface Server {
  base: string
  child: ChildProcess
  stop(): Promise<void>
}

/**
 * Starts `tsx demo/server.ts` in its own process group, resolves when it answers.
 * It runs in `dir`, which holds a snapshot of dist/ and demo/: the server serves
 * both relative to its working directory, and a snapshot keeps a rebuild of dist/
 * during the benchmark (another terminal, a watcher) from changing what is measured.
 */
export async function startServer(dir: string): Promise<Server> {
  cpSync('dist', join(dir, 'dist'), { recursive: true })
  cpSync('demo', join(dir, 'demo'), {
    recursive: true,
    filter: (src) => !src.split(sep).includes('.data'),
  })
  // with-config.html: with.html plus data-config-url (a configured bot), made here
  // so the two pages cannot drift apart.
  const withTag = readFileSync(join(dir, 'demo/bench/with.html'), 'utf8')
  const configured = withTag.replace(
    ' defer>bench-bot',
    ' data-config-url="/demo/templates/lead-capture.json" defer>bench-bot',
  )
  if (configured === withTag) throw new Error('demo/bench/with.html: the widget tag was not found')
  writeFileSync(join(dir, 'demo/bench/with-config.html'), configured)
  // preact.html: with.html with the widget tag replaced by the reference Preact
  // launcher (bench/fixtures/preact-launcher.tsx, built by run.ts for the host scenario).
  const tag = /<script id="Reekolect-messenger-widget"[^>]*>[^<]*<\/script>/
  const preact = withTag.replace(
    tag,
    '<script src="/demo/bench/preact-launcher.js" defer></script>',
  )
  if (preact === withTag) throw new Error('demo/bench/with.html: the widget tag was not found')
  writeFileSync(join(dir, 'demo/bench/preact.html'), preact)
  // live.html: with.html with the tag built from the query instead (`?bot=&customer=`,
  // by the e2e host page's demo/e2e/host.js), so each live-chat run has a bot of its own.
  writeFileSync(
    join(dir, 'demo/bench/live.html'),
    withTag.replace(tag, '<script src="/demo/e2e/host.js" defer></script>'),
  )
  const port = Number(process.env.BENCH_PORT) || (await freePort())
  const base = `http://127.0.0.1:${port}`
  const child = spawn(resolve('node_modules', '.bin', 'tsx'), [resolve('demo', 'server.ts')], {
    cwd: dir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      REEKOLECT_DB: join(dir, 'bench.db'),
      REEKOLECT_TOKEN: 'demo-token',
      REEKOLECT_FAULT: 'none',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout?.on('data', (d: Buffer) => {
    log += d
  })
  child.stderr?.on('data', (d: Buffer) => {
    log += d
  })
  let exited = false
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      resolve()
    }),
  )
  const signal = (sig: NodeJS.Signals) => {
    if (exited || !child.pid) return
    try {
      process.kill(-child.pid, sig) // the whole group: tsx runs node as a child
    } catch {
      /* already gone */
    }
  }
  const stop = async () => {
    signal('SIGTERM')
    await Promise.race([gone, sleep(3000)])
    signal('SIGKILL')
  }
  const deadline = Date.now() + 30_000
  for (;;) {
    if (exited) throw new Error(`demo server exited early:\n${log}`)
    try {
      const res = await fetch(`${base}/demo/api/fault`, { signal: AbortSignal.timeout(2000) })
      if (res.ok) break
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`demo server did not answer within 30 s:\n${log}`)
    }
    await sleep(150)
  }
  return { base, child, stop }
}
