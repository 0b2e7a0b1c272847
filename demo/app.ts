/**
 * The demo platform: the lead API of the platform (docs/platform-api.md) and the contact APIs of the platform's contacts API
 * (`POST /inbox/users`, `POST /inbox/users/import`) on a real SQLite database, plus the
 * playground, the landing page and the built widget, all from one origin. The
 * Hono app is built by {@link createApp}, so unit tests can call it without a port.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join, normalize, resolve } from 'node:path'
import { type Context, Hono } from 'hono'
import { cors } from 'hono/cors'
import { streamSSE } from 'hono/streaming'
import * as v from 'valibot'
import { parseConfig } from '../widget/config/schema'
import type { Db } from './db'
import { describeIssue, parseImport, UsersBody } from './inbox/schema'

/**
 * Fault modes the demo API can simulate on `PUT /inbox/direct/lead`, for tests and
 * the playground. `cors` answers the CORS preflight without allowing `x-bp-token`
 * (a platform origin misconfigured for the site), so only a page of another
 * origin sees it; it is server-wide only: a preflight carries no body to tell the bot.
 */
export const FAULTS = [
  'none',
  '500',
  '503',
  '429',
  '401',
  '413',
  'slow',
  'hang',
  'drop',
  'cors',
] as const
export type Fault = (typeof FAULTS)[number]

/** Options of {@link createApp}. */
export interface AppOptions {
  db: Db
  /** Accepted value of `x-bp-token` and `x-bot-token`. Default `demo-token`. */
  token?: string
  /** Folder of the built widget (`npm run build`). Default `dist`. */
  dist?: string
  /** Folder of the demo pages. Default `demo`. */
  demo?: string
  /** Initial fault mode. Default `none`. */
  fault?: Fault
  /** Delay of the `slow` fault (ms). Default 3000. */
  slowMs?: number
}

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

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
}

/**
 * Content Security Policies of the demo's CSP host pages (demo/csp/NAME.html): the
 * strictest a site may set with the widget embedded. docs/architecture.md, "Security, CSP and privacy", lists them.
 */
export const CSP_POLICIES: Record<string, string> = {
  strict:
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; require-trusted-types-for 'script'; trusted-types 'none'",
  nonce:
    "script-src 'nonce-demo-nonce' 'strict-dynamic'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'",
}

/** Largest accepted PUT body (bytes of UTF-8); bigger answers 413 like a real gateway would. */
export const MAX_BODY = 64 * 1024
/** Largest accepted `POST /inbox/users/import` body (bytes). */
export const MAX_IMPORT_BODY = 1024 * 1024

const fail = (c: Context, code: 400 | 401 | 413 | 429 | 500 | 503, message: string) =>
  c.json({ success: false, message, code }, code)

/** Builds the demo platform app. Returns the Hono app and a `setFault` control. */
export function createApp(opts: AppOptions) {
  const { db } = opts
  const token = opts.token ?? 'demo-token'
  const dist = resolve(opts.dist ?? 'dist')
  const demo = resolve(opts.demo ?? 'demo')
  let fault: Fault = opts.fault ?? 'none'
  /** Faults for one bot only, so tests that use them can run in parallel with others. */
  const byBot = new Map<string, Fault>()
  const listeners = new Set<(e: string) => void>()
  const emit = (e: string) => {
    for (const l of listeners) l(e)
  }
  /** `Retry-After` (seconds) of a bot's 429 or 503 fault, when not the default. */
  const retryAfter = new Map<string, number>()
  /**
   * Counters, so tests and the playground can see how often the widget called:
   * every PUT, accepted ones, and PUTs by bot (keepalive requests included, which a
   * test cannot see from the page).
   */
  const stats = { put: 0, accepted: 0, bots: {} as Record<string, number> }

  const app = new Hono()
  // The `cors` fault: a preflight answered without x-bp-token among the allowed headers.
  app.options('/inbox/direct/lead', async (c, next) => {
    if (fault !== 'cors') return next()
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
    const f = (typeof botId === 'string' && byBot.get(botId)) || fault
    const wait = (typeof botId === 'string' && retryAfter.get(botId)) || undefined
    if (f === 'hang') return new Promise<Response>(() => {})
    if (f === 'drop') {
      // Close the socket without an answer, as a flaky network would.
      ;(
        c.env as { incoming?: { socket?: { destroy(): void } } } | undefined
      )?.incoming?.socket?.destroy()
      return new Promise<Response>(() => {})
    }
    if (f === 'slow') await new Promise((r) => setTimeout(r, opts.slowMs ?? 3000))
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
    stats.accepted++
    emit(`${parsed.output.botId}/${parsed.output.customerId}`)
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
      data: db.list(botId, customerId, type, n),
      code: 200,
    })
  })

  // Contacts, the agent side (the platform's help centre): `Authorization: Bearer <token>`.
  const bearer = (c: Context) => {
    if (/^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] === token) return null
    c.header('www-authenticate', 'Bearer')
    return fail(c, 401, 'missing or wrong Authorization: Bearer token')
  }
  /** The JSON body, `{}` when empty, or `undefined` when it is not JSON. */
  const jsonBody = (raw: string): unknown => {
    if (!raw.trim()) return {}
    try {
      return JSON.parse(raw)
    } catch {
      return undefined
    }
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

  // Playground controls (not part of the platform contract).
  // --- Bot configuration documents (our extension; docs/configuration.md, "Bot configuration document").
  // GET {api}/widget/:botId/config.json, the URL the playground's tags give as
  // data-config-url (the document is opt-in): a saved document, else the template
  // of the same name (demo/templates/<botId>.json), else 204 No Content ("this bot
  // has none": the widget runs its built-in flow quietly).
  const templates = join(demo, 'templates')
  const template = (name: string, origin: string) => {
    const path = join(templates, `${name}.json`)
    return /^[\w-]+$/.test(name) && existsSync(path)
      ? readFileSync(path, 'utf8').replaceAll('{origin}', origin)
      : undefined
  }
  app.use('/widget/*', cors({ origin: '*', allowMethods: ['GET'], maxAge: 600 }))
  app.get('/widget/:botId/config.json', (c) => {
    const botId = c.req.param('botId')
    const doc = opts.db.getConfig(botId) ?? template(botId, new URL(c.req.url).origin)
    if (!doc) return c.body(null, 204)
    c.header('cache-control', 'no-cache')
    return c.body(doc, 200, { 'content-type': 'application/json; charset=utf-8' })
  })
  app.get('/demo/templates/:name{[\\w-]+\\.json}', (c) => {
    const doc = template(c.req.param('name').replace(/\.json$/, ''), new URL(c.req.url).origin)
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
    opts.db.setConfig(c.req.param('botId'), JSON.stringify(doc))
    emit('config')
    return c.json({ success: true })
  })
  app.delete('/demo/api/config/:botId', (c) => {
    opts.db.deleteConfig(c.req.param('botId'))
    emit('config')
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
    c.json({ fault, faults: FAULTS, byBot: Object.fromEntries(byBot), stats }),
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
      byBot.set(body.botId, body.fault as Fault)
      if (typeof seconds === 'number') retryAfter.set(body.botId, seconds)
      else retryAfter.delete(body.botId)
    } else fault = body.fault as Fault
    return c.json({ fault: body.fault, botId: body.botId ?? null })
  })
  app.get('/demo/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const send = (e: string) => void stream.writeSSE({ event: 'lead', data: e })
      listeners.add(send)
      stream.onAbort(() => {
        listeners.delete(send)
      })
      while (!stream.aborted)
        await stream.sleep(15_000).then(() => stream.writeSSE({ event: 'ping', data: '' }))
    }),
  )

  const file = (c: Context, path: string, cache = 'no-cache') => {
    if (!existsSync(path)) return c.text('not found', 404)
    c.header('content-type', TYPES[extname(path)] ?? 'application/octet-stream')
    c.header('cache-control', cache)
    return c.body(readFileSync(path))
  }
  const inside = (root: string, rel: string) => {
    const p = normalize(join(root, rel))
    return p.startsWith(root) ? p : join(root, '__none__')
  }
  app.get('/', (c) => file(c, join(demo, 'index.html')))
  app.get('/favicon.ico', (c) => c.body(null, 204))
  // The shipped landing page, pointed at this demo API, token and the bot's
  // configuration document (the one the playground saves; 204 while there is none),
  // as a deployment would configure its tag.
  app.get('/page/*', (c) => {
    const path = join(dist, 'page.html')
    if (!existsSync(path)) return c.text('run npm run build first', 404)
    const bot = c.req.path.split('/').filter(Boolean).at(-2) ?? ''
    // encodeURIComponent leaves no " < > & in it: safe inside the double-quoted attribute.
    const config = `/widget/${encodeURIComponent(bot)}/config.json`
    return c.html(
      readFileSync(path, 'utf8').replace(
        'data-mode="page"',
        `data-mode="page" data-api-url="/" data-token="${token}" data-config-url="${config}"`,
      ),
    )
  })
  app.get('/Reekolect.js', (c) => file(c, join(dist, 'Reekolect.js')))
  app.get('/page.css', (c) => file(c, join(dist, 'page.css')))
  // Hashed names never change content: cache them for a year.
  app.get('/assets/*', (c) =>
    file(c, inside(dist, c.req.path), 'public, max-age=31536000, immutable'),
  )
  app.get('/demo/csp/:name{[a-z]+\\.html}', (c) => {
    const policy = CSP_POLICIES[c.req.param('name').replace('.html', '')]
    if (policy) c.header('content-security-policy', policy)
    return file(c, inside(demo, c.req.path.slice('/demo'.length)))
  })
  app.get('/demo/*', (c) => file(c, inside(demo, c.req.path.slice('/demo'.length))))

  return {
    app,
    setFault(f: Fault) {
      fault = f
    },
    stats,
  }
}
