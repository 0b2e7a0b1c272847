/**
 * `npm run demo`: the demo platform on one port. Environment:
 * `PORT` (default 8787), `HOST` (default 127.0.0.1), `REEKOLECT_DB` (default
 * `demo/.data/reekolect.db`), `REEKOLECT_TOKEN` (default `demo-token`),
 * `REEKOLECT_FAULT` (default `none`, see FAULTS in app.ts).
 */
import { serve } from '@hono/node-server'
import { createApp, type Fault } from './app'
import { openDb } from './db'

const port = Number(process.env.PORT ?? 8787)
const hostname = process.env.HOST ?? '127.0.0.1'
const db = openDb(process.env.REEKOLECT_DB ?? 'demo/.data/reekolect.db')
const { app, live } = createApp({
  db,
  token: process.env.REEKOLECT_TOKEN ?? 'demo-token',
  fault: (process.env.REEKOLECT_FAULT as Fault | undefined) ?? 'none',
})

serve({ fetch: app.fetch, port, hostname }, (info) => {
  console.log(`Reekolect demo running: open http://${hostname}:${info.port}/`)
  console.log(`  landing page: http://${hostname}:${info.port}/page/demo-bot/demo-customer`)
  console.log(
    `  API token (x-bp-token, x-bot-token): ${process.env.REEKOLECT_TOKEN ?? 'demo-token'}`,
  )
})

const stop = () => {
  live.close()
  db.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
