/**
 * The platform's API as the demo implements it, on the state's SQLite database:
 * the lead API (docs/platform-api.md: `PUT /inbox/direct/lead`, `GET
 * /inbox/direct/chats`), the agent-side contacts API of the platform's help
 * centre (`POST /inbox/users`, `POST /inbox/users/import`), and the bot
 * configuration document the widget fetches (`GET /widget/:botId/config.json`, our
 * extension). `PUT /inbox/direct/lead` obeys the state's fault modes.
 */
import { type Context, Hono } from 'hono'
import { cors } from 'hono/cors'
import * as v from 'valibot'
import { describeIssue, parseImport, UsersBody } from '../inbox/schema'
import type { DemoState } from '../state'

const str = (max: number) => v.pipe(v.string(), v.maxLength(max))
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(128))

/** The PUT body schema (docs/platform-api.md); extra fields are ignored. */
export const LeadBody = v.object({
  uuid: id,
  botId: id,
  customerId: id,
  name: v.optional(str(200)),
  email: v.optional(str(320)),
  phone: v.optional(
    v.pipe(v.string(), v.regex(/^\d{0,20}$/, 'digits only, without the dial code')),
  ),
  dialCode: v.optional(v.pipe(v.string(), v.regex(/^\+\d{1,4}$/, 'a "+" and 1 to 4 digits'))),
  status: v.optional(
    v.picklist(['OPEN', 'INPROGRESS', 'REVIEW', 'ONHOLD', 'DEPENDANCY', 'CLOSED']),
  ),
  picture: v.optional(v.pipe(v.string(), v.url())),
  agentId: v.optional(str(128)),
  tags: v.optional(v.pipe(v.array(str(100)), v.maxLength(100))),
  attributes: v.optional(
    v.pipe(v.array(v.object({ key: str(100), value: str(2000) })), v.maxLength(100)),
  ),
  notes: v.optional(
    v.pipe(v.array(v.object({ title: str(200), description: str(5000) })), v.maxLength(100)),
  ),
})

/** Largest accepted PUT body (bytes of UTF-8); bigger answers 413 like a real gateway would. */
export const MAX_BODY = 64 * 1024
/** Largest accepted `POST /inbox/users/import` body (bytes). */
export const MAX_IMPORT_BODY = 1024 * 1024

/** The platform's error envelope, `{success: false, message, code}`, with `code` as the status. */
const fail = (c: Context, code: 400 | 401 | 413 | 429 | 500 | 503, message: string) =>
  c.json({ success: false, message, code }, code)

/** The JSON body, `{}` when empty, or `undefined` when it is not JSON. */
const jsonBody = (raw: string): unknown => {
  if (!raw.trim()) return {}
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}

/** The platform API's routes, at the paths the platform has them. */
export function platform(state: DemoState): Hono {
  const { db, token, stats } = state
  const app = new Hono()

  // The `cors` fault: a preflight answered without x-bp-token among the allowed headers.
  app.options('/inbox/direct/lead', async (c, next) => {
    if (state.fault !== 'cors') return next()
    const origin = c.req.header('origin') ?? '*'
    return c.body(null, 204, {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'PUT',
      'access-control-allow-headers': 'content-type',
      vary: 'origin',
    })
  })
  app.use(
    '/inbox/*',
    cors({
      origin: (origin) => origin,
      allowMethods: ['GET', 'PUT', 'POST', 'OPTIONS'],
      allowHeaders: ['content-type', 'x-bp-token', 'x-bot-token', 'authorization'],
      exposeHeaders: ['retry-after'],
      maxAge: 600,
    }),
  )

  app.put('/inbox/direct/lead', async (c) => {
    stats.put++
    const raw = await c.req.text()
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      json = undefined
    }
    const botId = (json as { botId?: unknown } | undefined)?.botId
    if (typeof botId === 'string') stats.bots[botId] = (stats.bots[botId] ?? 0) + 1
    const f = (typeof botId === 'string' && state.byBot.get(botId)) || state.fault
    const wait = (typeof botId === 'string' && state.retryAfter.get(botId)) || undefined
    if (f === 'hang') return new Promise<Response>(() => {})
    if (f === 'drop') {
      // Close the socket without an answer, as a flaky network would.
      ;(
        c.env as { incoming?: { socket?: { destroy(): void } } } | undefined
      )?.incoming?.socket?.destroy()
      return new Promise<Response>(() => {})
    }
    if (f === 'slow') await new Promise((r) => setTimeout(r, state.slowMs))
    if (f === '500') return fail(c, 500, 'simulated server error')
    if (f === '503') {
      c.header('retry-after', String(wait ?? 2))
      return fail(c, 503, `simulated outage, retry after ${wait ?? 2} s`)
    }
    if (f === '429') {
      c.header('retry-after', String(wait ?? 1))
      return fail(c, 429, `simulated rate limit, retry after ${wait ?? 1} s`)
    }
    if (f === '413') return fail(c, 413, 'simulated payload too large')
    if (f === '401' || c.req.header('x-bp-token') !== token)
      return fail(c, 401, 'missing or wrong x-bp-token')
    if (Buffer.byteLength(raw) > MAX_BODY) return fail(c, 413, `body larger than ${MAX_BODY} bytes`)
    if (json === undefined) return fail(c, 400, 'body is not JSON')
    const parsed = v.safeParse(LeadBody, json)
    if (!parsed.success) {
      const issue = parsed.issues[0]
      const path = issue?.path?.map((p) => String(p.key)).join('.') ?? ''
      return fail(c, 400, `${path || 'body'}: ${issue?.message ?? 'invalid'}`)
    }
    db.upsert(parsed.output)
    const { botId: bot, customerId, uuid, status, agentId } = parsed.output
    if (status)
      state.live.onLeadStatus(bot, customerId, uuid, status, agentId ? { id: agentId } : undefined)
    stats.accepted++
    state.emit(`${parsed.output.botId}/${parsed.output.customerId}`)
    return c.json({ success: true, message: 'ok', code: 200 })
  })

  app.get('/inbox/direct/chats', (c) => {
    if (c.req.header('x-bot-token') !== token) return fail(c, 401, 'missing or wrong x-bot-token')
    const { botId, customerId, page = '', type = '' } = c.req.query()
    if (!botId) return fail(c, 400, 'botId is required')
    if (!customerId) return fail(c, 400, 'customerId is required')
    const n = Number(page)
    if (!Number.isInteger(n) || n < 1) return fail(c, 400, 'page must be a whole number from 1')
    if (type !== 'lead' && type !== 'non-lead')
      return fail(c, 400, 'type must be "lead" or "non-lead"')
    return c.json({
      success: true,
      message: 'ok',
      // The live fields of each row (lastMessage, isOnline, …), as in the platform's sample.
      data: db.list(botId, customerId, type, n).map((row) => {
        const live = state.live.summary(botId, customerId, row.uuid)
        return {
          ...row,
          ...live,
          lastSeenAt: live.lastSeenAt ?? row.lastSeenAt,
          // Our extension: the agent console's unread count and read mark.
          ...state.live.agentFields(botId, customerId, row.uuid),
        }
      }),
      code: 200,
    })
  })

  // Contacts, the agent side (the platform's help centre): `Authorization: Bearer <token>`.
  const bearer = (c: Context) => {
    if (/^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] === token) return null
    c.header('www-authenticate', 'Bearer')
    return fail(c, 401, 'missing or wrong Authorization: Bearer token')
  }

  // Seed 002 "Get All Contacts": one page of users matching the filters (see
  // inbox/filters.ts for which filters apply and why some match nobody here).
  app.post('/inbox/users', async (c) => {
    const denied = bearer(c)
    if (denied) return denied
    const raw = await c.req.text()
    if (raw.length > MAX_BODY) return fail(c, 413, `body larger than ${MAX_BODY} bytes`)
    const json = jsonBody(raw)
    if (json === undefined) return fail(c, 400, 'body is not JSON')
    const parsed = v.safeParse(UsersBody, json)
    if (!parsed.success) return fail(c, 400, describeIssue(parsed.issues))
    const data = db.listUsers(parsed.output, parsed.output.page ?? 1)
    return c.json({ success: true, message: 'ok', data, code: 200 })
  })

  // Seed 003 "Add WhatsApp Contact": upserts profiles by email or phone, all or none.
  app.post('/inbox/users/import', async (c) => {
    const denied = bearer(c)
    if (denied) return denied
    const raw = await c.req.text()
    if (raw.length > MAX_IMPORT_BODY)
      return fail(c, 413, `body larger than ${MAX_IMPORT_BODY} bytes`)
    const json = jsonBody(raw)
    if (json === undefined) return fail(c, 400, 'body is not JSON')
    const parsed = parseImport(json)
    if (!parsed.ok) return fail(c, 400, parsed.message)
    db.importUsers(parsed.users)
    return c.json({ status: 'success', message: 'User profiles imported successfully.' })
  })

  // Bot configuration documents (our extension; docs/configuration.md, "Bot configuration document").
  // GET {api}/widget/:botId/config.json, the URL the playground's tags give as
  // data-config-url (the document is opt-in): a saved document, else the template
  // of the same name (demo/templates/<botId>.json), else 204 No Content ("this bot
  // has none": the widget runs its built-in flow quietly).
  app.use('/widget/*', cors({ origin: '*', allowMethods: ['GET'], maxAge: 600 }))
  app.get('/widget/:botId/config.json', (c) => {
    const botId = c.req.param('botId')
    const doc = db.getConfig(botId) ?? state.template(botId, new URL(c.req.url).origin)
    if (!doc) return c.body(null, 204)
    c.header('cache-control', 'no-cache')
    return c.body(doc, 200, { 'content-type': 'application/json; charset=utf-8' })
  })

  return app
}
