/**
 * Live chat on the demo server (our extension; the platform documents no message
 * endpoints): messages, streams, typing, read marks, availability and the agent
 * console's stream, exactly as docs/platform-api.md "Our extensions: live chat"
 * states them. {@link createLive} builds a Hono sub-app that demo/app.ts mounts,
 * plus two hooks for routes that live there (the lead PUT and the chats listing).
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import * as v from 'valibot'
import type { Db } from '../db'
import { describeIssue } from '../inbox/schema'
import { attachmentRoutes, baseOf, openAttachments, toAttachment } from './attachments'
import { createHub } from './hub'
import {
  AgentBody,
  AgentsOverrideBody,
  AgentTypingBody,
  MAX_BATCH,
  MAX_LIVE_BODY,
  MessagesBody,
  ReadBody,
  ReplyBody,
  TypingBody,
} from './schema'
import { openSse, type SseStream } from './sse'
import {
  type Agent,
  type ConversationKey,
  type Message,
  openStore,
  publicMessage,
  type StoredMessage,
} from './store'

export { MAX_BATCH, MAX_LIVE_BODY, MAX_TEXT } from './schema'
export type { Agent, ConversationKey, Message } from './store'

/** Options of {@link createLive}. */
export interface LiveOptions {
  /** The demo database (demo/db.ts); live chat adds its tables to the same file. */
  db: Db
  /** Accepted value of `x-bp-token` (visitor side) and `x-bot-token` (agent side). Default `demo-token`. */
  token?: string
  /** Interval of the streams' heartbeat comment (ms). Default 25000. */
  heartbeatMs?: number
  /** Events a stream's reader may fall behind before the stream is closed. Default 1000. */
  maxQueue?: number
  /** The clock (ms since epoch), for tests. Default `Date.now`. */
  now?: () => number
}

/** What the chats listing (`GET /inbox/direct/chats`) takes from live chat, as in the platform's sample. */
export interface ChatSummary {
  /** The conversation's last message, `null` before the first. */
  lastMessage: { at: string; by: Message['by']; text: string } | null
  /** A stream of this visitor is open now. */
  isOnline: boolean
  /** Now while online; else the visitor's last request (ISO); else `null`. */
  lastSeenAt: string | null
  /** Visits: a request after 30 minutes without one starts a new visit (at least 1). */
  websiteVisits: number
  /** The lead's `agentId` if set, else the first agent who replied, else `null`. */
  _agentAssigned: string | null
}

/** A conversation as the agent stream's `conversation` event sends it. */
export interface ConversationSummary extends ChatSummary {
  uuid: string
  /** The lead's status (`OPEN` when the chat has none). */
  status: string
  /** When the visitor last asked for a person (ISO), or `null`. */
  handoffAt: string | null
  /** Id of the last message the agent side read, or `null`. */
  readUpTo: string | null
  /** Visitor messages after `readUpTo`. */
  unread: number
}

/** An agent as the status hook may name them: missing fields are filled from known agents. */
export interface AgentRef {
  id: string
  name?: string
  picture?: string | null
}

/** Paths of this sub-app under `/inbox/direct/`, which get its CORS rules. */
const PATHS = new Set(
  [
    'messages',
    'stream',
    'typing',
    'availability',
    'reply',
    'agent-typing',
    'read',
    'agent-stream',
    'attachments',
  ].map((p) => `/inbox/direct/${p}`),
)

type Code = 400 | 401 | 404 | 413 | 415
const fail = (c: Context, code: Code, message: string) =>
  c.json({ success: false, message, code }, code)
const ok = (c: Context) => c.json({ success: true, message: 'ok', code: 200 })

/**
 * Builds live chat. Returns:
 * - `app`: the Hono sub-app (mount with `app.route('/', live.app)`);
 * - `summary(botId, customerId, uuid)`: the live fields of a chats-listing row;
 * - `onLeadStatus(botId, customerId, uuid, status, agent?)`: call after the lead
 *   PUT stored a `status`, to send the `status` event;
 * - `counts()`: open visitor and agent streams;
 * - `close()`: ends every open stream (before closing the database).
 */
export function createLive(opts: LiveOptions) {
  const token = opts.token ?? 'demo-token'
  const heartbeatMs = opts.heartbeatMs ?? 25_000
  const maxQueue = opts.maxQueue ?? 1000
  const now = opts.now ?? Date.now
  const iso = () => new Date(now()).toISOString()
  const { sqlite } = opts.db
  const store = openStore(sqlite)
  const files = openAttachments(sqlite)
  const hub = createHub()
  /** Demo availability overrides by bot id; `''` is every bot. */
  const overrides = new Map<string, { online: boolean; agents?: Agent[] }>()

  const summary = (c: ConversationKey): ChatSummary => {
    const conv = store.conversation(c)
    const chat = store.chat(c)
    const last = store.last(c)
    const online = hub.visitorOnline(c)
    return {
      lastMessage: last ? { at: last.at, by: last.by, text: last.text } : null,
      isOnline: online,
      lastSeenAt: online ? iso() : (conv?.lastSeenAt ?? chat?.updatedAt ?? null),
      websiteVisits: Math.max(1, conv?.visits ?? 0),
      _agentAssigned: chat?.agentId ?? conv?.agentId ?? null,
    }
  }
  const conversationOf = (c: ConversationKey): ConversationSummary => {
    const conv = store.conversation(c)
    const readUpTo = conv?.readUpTo ?? 0
    return {
      uuid: c.uuid,
      status: store.chat(c)?.status ?? 'OPEN',
      handoffAt: conv?.handoffAt ?? null,
      readUpTo: readUpTo ? (store.at(readUpTo)?.id ?? null) : null,
      unread: store.unread(c, readUpTo),
      ...summary(c),
    }
  }
  const changed = (c: ConversationKey) =>
    hub.toConsoles(c.botId, c.customerId, 'conversation', conversationOf(c))
  const publish = (c: ConversationKey, stored: StoredMessage[]) => {
    for (const m of stored) {
      const msg = publicMessage(m)
      hub.toVisitor(c, 'message', msg, m.id)
      hub.toConsoles(c.botId, c.customerId, 'message', { ...msg, uuid: c.uuid }, m.id)
    }
  }
  /** Agents of the consoles connected for the bot, one per id. */
  const consoleAgents = (botId: string, customerId: string): Agent[] => {
    const byId = new Map<string, Agent>()
    for (const a of hub.consolesOf(botId, customerId)) if (a.agent) byId.set(a.agent.id, a.agent)
    return [...byId.values()]
  }
  const override = (botId: string) => overrides.get(botId) ?? overrides.get('')
  const availability = (botId: string, customerId: string) => {
    const o = override(botId)
    const online = o ? o.online : hub.consolesOf(botId, customerId).length > 0
    const agents = online ? (o?.agents ?? consoleAgents(botId, customerId)) : []
    return { online, agents }
  }
  /** Fills an agent's missing name and picture from consoles, the override, or past replies. */
  const resolveAgent = (botId: string, customerId: string, a: AgentRef): Agent => {
    const known =
      consoleAgents(botId, customerId).find((k) => k.id === a.id) ??
      override(botId)?.agents?.find((k) => k.id === a.id) ??
      store.knownAgent(botId, customerId, a.id)
    return {
      id: a.id,
      name: a.name ?? known?.name ?? a.id,
      picture: a.picture ?? known?.picture ?? null,
    }
  }
  /**
   * Notes a visitor request (lastSeenAt, visits); `online` says the visitor has been
   * here all along (a stream closing), so no new visit. Skipped once the database is closed.
   */
  const touch = (c: ConversationKey, online = hub.visitorOnline(c)) => {
    if (sqlite.open) store.touch(c, now(), online)
  }
  const exists = (c: ConversationKey) => !!(store.conversation(c) || store.chat(c))

  // --- request helpers
  const visitorAuth = (c: Context) =>
    c.req.header('x-bp-token') === token ? null : fail(c, 401, 'missing or wrong x-bp-token')
  const agentAuth = (c: Context) =>
    c.req.header('x-bot-token') === token ? null : fail(c, 401, 'missing or wrong x-bot-token')
  /** The parsed body, or the error response (413 too large, 400 not JSON or invalid). */
  const body = async <S extends v.GenericSchema>(
    c: Context,
    schema: S,
  ): Promise<{ out: v.InferOutput<S> } | { res: Response }> => {
    const tooLarge = `body larger than ${MAX_LIVE_BODY} bytes`
    if (Number(c.req.header('content-length')) > MAX_LIVE_BODY)
      return { res: fail(c, 413, tooLarge) }
    const raw = await c.req.text()
    if (Buffer.byteLength(raw) > MAX_LIVE_BODY) return { res: fail(c, 413, tooLarge) }
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      return { res: fail(c, 400, 'body is not JSON') }
    }
    const batch = (json as { messages?: unknown } | null)?.messages
    if (Array.isArray(batch) && batch.length > MAX_BATCH)
      return {
        res: fail(
          c,
          413,
          `messages: at most ${MAX_BATCH} per request (got ${batch.length}); send the rest in another request`,
        ),
      }
    const parsed = v.safeParse(schema, json)
    return parsed.success
      ? { out: parsed.output }
      : { res: fail(c, 400, describeIssue(parsed.issues)) }
  }
  /** The required query parameters, or the 400 naming the first missing one. */
  const query = <K extends string>(
    c: Context,
    ...names: K[]
  ): { q: Record<K, string> & Record<string, string | undefined> } | { res: Response } => {
    const q = c.req.query()
    for (const n of names) if (!q[n]) return { res: fail(c, 400, `${n} is required`) }
    return { q: q as Record<K, string> }
  }
  const sseHeaders = {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // Asks nginx-style proxies not to buffer the stream.
    'x-accel-buffering': 'no',
  }
  const open = (c: Context, onClose: () => void) =>
    openSse({ heartbeatMs, maxQueue, signal: c.req.raw.signal, onClose })
  /** `Last-Event-ID`, `undefined` when absent or empty (an empty id resets it, per the SSE spec). */
  const lastEventId = (c: Context) => c.req.header('last-event-id')?.trim() || undefined

  /** The state a stream may have missed while down: status (unless OPEN) and read mark. */
  const sendState = (key: ConversationKey, stream: SseStream) => {
    const status = store.chat(key)?.status
    if (status && status !== 'OPEN') stream.send('status', { status })
    const read = store.conversation(key)?.readUpTo
    const upTo = read ? store.at(read)?.id : undefined
    if (upTo) stream.send('read', { upTo })
  }

  const app = new Hono()
  const allow = cors({
    origin: (origin) => origin,
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['content-type', 'x-bp-token', 'x-bot-token', 'last-event-id'],
    maxAge: 600,
  })
  const corsLive: MiddlewareHandler = (c, next) =>
    PATHS.has(c.req.path) || c.req.path.startsWith('/inbox/direct/attachments/')
      ? allow(c, next)
      : next()
  app.use('/inbox/direct/*', corsLive)

  // --- visitor side (x-bp-token)
  app.post('/inbox/direct/messages', async (c) => {
    const denied = visitorAuth(c)
    if (denied) return denied
    const b = await body(c, MessagesBody)
    if ('res' in b) return b.res
    const { messages: batch, handoff, ...key } = b.out
    if (!batch.length && !handoff)
      return fail(c, 400, 'messages: at least one message, unless handoff is true')
    // An attachment is named by its id; what the message carries is the stored file's record.
    const messages: Message[] = []
    for (const [i, { attachment, ...m }] of batch.entries()) {
      if (!attachment) {
        messages.push(m)
        continue
      }
      const file = files.of(key, attachment.id)
      if (!file)
        return fail(
          c,
          400,
          `messages.${i}.attachment: no attachment ${attachment.id} in this conversation`,
        )
      messages.push({ ...m, attachment: toAttachment(file, baseOf(c)) })
    }
    // One transaction: one disk sync per request, and all of it or none.
    const stored = sqlite.transaction(() => {
      // The listing shows a conversation once it has a chats row (demo/db.ts).
      if (!store.chat(key)) opts.db.upsert(key)
      touch(key)
      if (handoff) store.handoff(key, iso())
      return store.append(key, messages)
    })()
    publish(key, stored)
    if (stored.length || handoff) changed(key)
    return ok(c)
  })

  app.get('/inbox/direct/messages', (c) => {
    const asAgent = c.req.header('x-bot-token') === token
    const denied = asAgent ? null : visitorAuth(c)
    if (denied) return denied
    const r = query(c, 'botId', 'customerId', 'uuid')
    if ('res' in r) return r.res
    const key = { botId: r.q.botId, customerId: r.q.customerId, uuid: r.q.uuid }
    let seq = 0
    if (r.q.after !== undefined) {
      const s = store.seqOf(key, r.q.after)
      if (s === undefined) return fail(c, 400, 'after: unknown message id in this conversation')
      seq = s
    }
    if (!asAgent) touch(key)
    // The status (and the assigned agent) too: a client that cannot stream polls
    // this endpoint and would otherwise never see the conversation closed.
    const chat = store.chat(key)
    const agentId = chat?.agentId ?? store.conversation(key)?.agentId
    return c.json({
      success: true,
      data: store.messages(key, seq).map(publicMessage),
      status: chat?.status ?? 'OPEN',
      ...(agentId ? { agent: resolveAgent(key.botId, key.customerId, { id: agentId }) } : {}),
    })
  })

  app.get('/inbox/direct/stream', (c) => {
    const denied = visitorAuth(c)
    if (denied) return denied
    const r = query(c, 'botId', 'customerId', 'uuid')
    if ('res' in r) return r.res
    const key = { botId: r.q.botId, customerId: r.q.customerId, uuid: r.q.uuid }
    touch(key)
    const first = !hub.visitorOnline(key)
    let unregister = () => {}
    const { body: out, stream } = open(c, () => {
      unregister()
      touch(key, true)
      if (!hub.visitorOnline(key) && sqlite.open) changed(key)
    })
    if (stream.closed) return c.body(out, 200, sseHeaders)
    // Subscribe and read the replay in the same tick: nothing can slip between.
    unregister = hub.addVisitor(key, stream)
    const last = lastEventId(c)
    if (last) {
      const from = store.seqOf(key, last) ?? 0
      stream.sendAll(
        store
          .messages(key, from)
          .map((m) => ({ event: 'message', data: publicMessage(m), id: m.id })),
      )
    }
    sendState(key, stream)
    if (first) changed(key)
    return c.body(out, 200, sseHeaders)
  })
  app.post('/inbox/direct/typing', async (c) => {
    const denied = visitorAuth(c)
    if (denied) return denied
    const b = await body(c, TypingBody)
    if ('res' in b) return b.res
    touch(b.out)
    hub.toConsoles(b.out.botId, b.out.customerId, 'typing', { uuid: b.out.uuid, at: iso() })
    return ok(c)
  })

  app.get('/inbox/direct/availability', (c) => {
    const denied = visitorAuth(c)
    if (denied) return denied
    const r = query(c, 'botId', 'customerId')
    if ('res' in r) return r.res
    return c.json(availability(r.q.botId, r.q.customerId))
  })

  attachmentRoutes(app, { store: files, visitorAuth, fail, iso, touch: (k) => touch(k) })

  // --- agent side (x-bot-token)
  app.post('/inbox/direct/reply', async (c) => {
    const denied = agentAuth(c)
    if (denied) return denied
    const b = await body(c, ReplyBody)
    if ('res' in b) return b.res
    const { text, agent, ...key } = b.out
    if (!exists(key)) return fail(c, 404, 'no conversation with this uuid, botId and customerId')
    const message: Message = {
      id: crypto.randomUUID(),
      by: 'agent',
      text,
      at: iso(),
      agent: resolveAgent(key.botId, key.customerId, agent),
    }
    const stored = sqlite.transaction(() => {
      store.assign(key, agent.id)
      return store.append(key, [message])
    })()
    publish(key, stored)
    changed(key)
    return c.json({ success: true, message: 'ok', code: 200, data: message })
  })

  app.post('/inbox/direct/agent-typing', async (c) => {
    const denied = agentAuth(c)
    if (denied) return denied
    const b = await body(c, AgentTypingBody)
    if ('res' in b) return b.res
    const { agent, ...key } = b.out
    if (!exists(key)) return fail(c, 404, 'no conversation with this uuid, botId and customerId')
    hub.toVisitor(key, 'typing', { agent: resolveAgent(key.botId, key.customerId, agent) })
    return ok(c)
  })

  app.post('/inbox/direct/read', async (c) => {
    const denied = agentAuth(c)
    if (denied) return denied
    const b = await body(c, ReadBody)
    if ('res' in b) return b.res
    const { upTo, ...key } = b.out
    const seq = store.seqOf(key, upTo)
    if (seq === undefined) return fail(c, 400, 'upTo: unknown message id in this conversation')
    if (store.read(key, seq)) {
      hub.toVisitor(key, 'read', { upTo })
      changed(key)
    }
    return ok(c)
  })

  app.get('/inbox/direct/agent-stream', (c) => {
    const denied = agentAuth(c)
    if (denied) return denied
    const r = query(c, 'botId', 'customerId')
    if ('res' in r) return r.res
    const { botId, customerId, agentId, agentName, agentPicture } = r.q
    let agent: Agent | null = null
    if (agentId) {
      const parsed = v.safeParse(AgentBody, {
        id: agentId,
        name: agentName ?? agentId,
        picture: agentPicture,
      })
      if (!parsed.success) {
        const field = String(parsed.issues[0]?.path?.[0]?.key ?? 'id')
        const param = `agent${field[0]?.toUpperCase()}${field.slice(1)}`
        return fail(c, 400, `${param}: ${parsed.issues[0]?.message ?? 'invalid'}`)
      }
      agent = { ...parsed.output, picture: parsed.output.picture ?? null }
    }
    let unregister = () => {}
    const { body: out, stream } = open(c, () => unregister())
    if (stream.closed) return c.body(out, 200, sseHeaders)
    unregister = hub.addConsole(botId, customerId, { stream, agent })
    const last = lastEventId(c)
    const from = last ? store.seqInBot(botId, customerId, last) : undefined
    if (from !== undefined)
      stream.sendAll(
        store.botMessages(botId, customerId, from).map((m) => ({
          event: 'message',
          data: { ...publicMessage(m), uuid: m.uuid },
          id: m.id,
        })),
      )
    return c.body(out, 200, sseHeaders)
  })

  // --- demo control (not part of the platform contract; same-origin playground and e2e)
  app.get('/demo/api/agents', (c) => {
    const { botId = '', customerId = '' } = c.req.query()
    return c.json({
      override: override(botId) ?? null,
      ...availability(botId, customerId),
      ...hub.counts(),
    })
  })
  app.post('/demo/api/agents', async (c) => {
    const b = await body(c, AgentsOverrideBody)
    if ('res' in b) return b.res
    const { online, agents, botId = '' } = b.out
    if (online === null) overrides.delete(botId)
    else
      overrides.set(botId, {
        online,
        ...(agents && { agents: agents.map((a) => ({ ...a, picture: a.picture ?? null })) }),
      })
    return c.json({ online, botId: botId || null })
  })

  return {
    app,
    /** The live fields of one chats-listing row; spread them over the row. */
    summary: (botId: string, customerId: string, uuid: string): ChatSummary =>
      summary({ botId, customerId, uuid }),
    /**
     * The agent side's fields of one chats-listing row (our extension): `handoffAt`,
     * `readUpTo` and `unread`, as the agent stream's `conversation` event has them,
     * so a console that just opened knows the unread counts without a stream event.
     */
    agentFields: (
      botId: string,
      customerId: string,
      uuid: string,
    ): Pick<ConversationSummary, 'handoffAt' | 'readUpTo' | 'unread'> => {
      const { handoffAt, readUpTo, unread } = conversationOf({ botId, customerId, uuid })
      return { handoffAt, readUpTo, unread }
    },
    /**
     * Sends `status` (one of the lead PUT's statuses) to the visitor's streams and
     * the conversation to the consoles. Call it after the lead PUT stored a status.
     */
    onLeadStatus(
      botId: string,
      customerId: string,
      uuid: string,
      status: string,
      agent?: AgentRef,
    ) {
      const key = { botId, customerId, uuid }
      hub.toVisitor(
        key,
        'status',
        agent ? { status, agent: resolveAgent(botId, customerId, agent) } : { status },
      )
      changed(key)
    },
    /** Open streams: `{visitorStreams, agentStreams}`. */
    counts: () => hub.counts(),
    /** Ends every open stream; call before closing the database. */
    close: () => hub.closeAll(),
  }
}

/** Live chat as returned by {@link createLive}. */
export type Live = ReturnType<typeof createLive>
