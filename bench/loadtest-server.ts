/**
 * The server of `npm run loadtest` (bench/loadtest.ts): live chat (demo/live/) on
 * 127.0.0.1, a free port (or `LOADTEST_PORT`) and the database file `LOADTEST_DB`, in its own process
 * so that its memory is measured apart from the clients'. It talks to the load
 * test over the IPC channel: it sends `{type: 'listening', port}`, answers
 * `{type: 'stats'}` with its memory (bytes, after a GC when run with
 * `--expose-gc`), CPU time used so far (µs) and open streams, and stops on `{type: 'stop'}` or when the load
 * test goes away.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { openDb } from '../demo/db'
import { createLive } from '../demo/live'

/** The token the load test sends as `x-bp-token` and `x-bot-token`. */
const TOKEN = process.env.LOADTEST_TOKEN ?? 'loadtest-token'
const file = process.env.LOADTEST_DB
if (!file || !process.send) {
  console.error('[Reekolect] E_LOADTEST: run by bench/loadtest.ts — use npm run loadtest')
  process.exit(2)
}
const send = (m: unknown) => process.send?.(m)

const db = openDb(file)
// For comparison runs only: SQLite's `synchronous` (e.g. NORMAL); default the demo's own.
if (process.env.LOADTEST_SYNC) db.sqlite.pragma(`synchronous = ${process.env.LOADTEST_SYNC}`)
const live = createLive({ db, token: TOKEN })
const app = new Hono()
app.route('/', live.app)

const port = Number(process.env.LOADTEST_PORT) || 0
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) =>
  send({ type: 'listening', port: info.port }),
)
// Idle keep-alive sockets are closed by the client first (undici closes before the
// server's advertised timeout); with Node's 5 s default, a loaded machine delays the
// client's timer and a request can be sent on a socket the server is closing.
if ('keepAliveTimeout' in server) server.keepAliveTimeout = 120_000

const stop = () => {
  live.close()
  server.close()
  db.close()
  process.exit(0)
}
process.on('message', (m: { type?: string }) => {
  if (m.type === 'stop') stop()
  if (m.type === 'stats') {
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const { rss, heapUsed } = process.memoryUsage()
    const { user, system } = process.cpuUsage()
    send({ type: 'stats', rss, heapUsed, cpuMicros: user + system, ...live.counts() })
  }
})
process.on('disconnect', stop)
