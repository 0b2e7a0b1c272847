/**
 * The demo's own API, not part of the platform contract: what the playground and
 * the tests use to drive the demo platform. Bot configuration templates and the
 * editor's saves (`/demo/templates/*`, `/demo/api/templates`, `/demo/api/config/*`),
 * the lead API's fault modes (`/demo/api/fault`), a sample external API for the
 * "call an external API" node (`/demo/webhook/triage`), and a server-sent event
 * stream of lead and configuration changes (`/demo/api/events`).
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { streamSSE } from 'hono/streaming'
import { parseConfig } from '../../widget/config/schema'
import { type DemoState, FAULTS, type Fault } from '../state'

/** The demo API's routes, under `/demo/`. */
export function demoApi(state: DemoState): Hono {
  const { db, stats } = state
  const templates = join(state.demo, 'templates')
  const app = new Hono()

  app.get('/demo/templates/:name{[\\w-]+\\.json}', (c) => {
    const doc = state.template(
      c.req.param('name').replace(/\.json$/, ''),
      new URL(c.req.url).origin,
    )
    return doc
      ? c.body(doc, 200, { 'content-type': 'application/json; charset=utf-8' })
      : c.notFound()
  })
  app.get('/demo/api/templates', (c) =>
    c.json(
      readdirSync(templates)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5)),
    ),
  )
  // The playground's editor saves here; the document is validated with the widget's own schema.
  app.put('/demo/api/config/:botId', async (c) => {
    let doc: unknown
    try {
      doc = await c.req.json()
    } catch {
      return c.json({ success: false, issues: [{ path: '', message: 'not JSON' }] }, 400)
    }
    const parsed = parseConfig(doc)
    if ('issues' in parsed) return c.json({ success: false, issues: parsed.issues }, 400)
    db.setConfig(c.req.param('botId'), JSON.stringify(doc))
    state.emit('config')
    return c.json({ success: true })
  })
  app.delete('/demo/api/config/:botId', (c) => {
    db.deleteConfig(c.req.param('botId'))
    state.emit('config')
    return c.json({ success: true })
  })

  // A sample external API for the "call an external API" node (support-triage template):
  // a ticket whose priority follows the visitor's urgency rating.
  app.use(
    '/demo/webhook/*',
    cors({ origin: '*', allowMethods: ['POST'], allowHeaders: ['content-type'] }),
  )
  app.post('/demo/webhook/triage', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as {
      uuid?: string
      lead?: { attributes?: { key: string; value: string }[] }
    }
    if (!body.uuid) return c.json({ error: 'uuid missing' }, 400)
    const urgency = Number(body.lead?.attributes?.find((a) => a.key === 'urgency')?.value ?? 0)
    const id = `T-${body.uuid
      .replace(/[^0-9a-f]/gi, '')
      .slice(0, 6)
      .toUpperCase()}`
    return c.json({ ticket: { id, priority: urgency >= 4 ? 'high' : 'normal' } })
  })

  app.get('/demo/api/fault', (c) =>
    c.json({
      fault: state.fault,
      faults: FAULTS,
      byBot: Object.fromEntries(state.byBot),
      stats,
    }),
  )
  // {fault} for every bot, or {fault, botId} for one bot only; `retryAfter`
  // (whole seconds) replaces the Retry-After of a bot's 429 or 503.
  app.post('/demo/api/fault', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as {
      fault?: string
      botId?: string
      retryAfter?: unknown
    }
    if (!FAULTS.includes(body.fault as Fault))
      return c.json({ error: `fault must be one of ${FAULTS.join(', ')}` }, 400)
    if (body.fault === 'cors' && body.botId)
      return c.json({ error: 'cors is server-wide only: a preflight carries no bot id' }, 400)
    const seconds = body.retryAfter
    if (seconds !== undefined && !(Number.isInteger(seconds) && (seconds as number) >= 0))
      return c.json({ error: 'retryAfter must be a whole number of seconds' }, 400)
    if (body.botId) {
      state.byBot.set(body.botId, body.fault as Fault)
      if (typeof seconds === 'number') state.retryAfter.set(body.botId, seconds)
      else state.retryAfter.delete(body.botId)
    } else state.fault = body.fault as Fault
    return c.json({ fault: body.fault, botId: body.botId ?? null })
  })

  // Server-sent events: `lead` (data `botId/customerId`, or `config`) on each
  // change, a `ping` every 15 s to keep the connection open.
  app.get('/demo/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const send = (e: string) => void stream.writeSSE({ event: 'lead', data: e })
      state.listeners.add(send)
      stream.onAbort(() => {
        state.listeners.delete(send)
      })
      while (!stream.aborted)
        await stream.sleep(15_000).then(() => stream.writeSSE({ event: 'ping', data: '' }))
    }),
  )

  return app
}
