import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Db, openDb } from '../db'
import { createLive, type Live, MAX_BATCH, MAX_LIVE_BODY, type Message } from './index'
import { readSse, type SseReader } from './sse-client'
import { VISIT_GAP_MS } from './store'

const TOKEN = 'test-token'
const conv = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'bot1', customerId: 'cust1' }
const other = { ...conv, uuid: '0d4f4a52-52a8-4d43-9a52-2f1f0c1c9a10' }
const sam = { id: 'agent-sam', name: 'Sam' }

let db: Db
let live: Live
let clock: number
const readers: SseReader[] = []

const start = (opts: { heartbeatMs?: number; maxQueue?: number } = {}) => {
  live = createLive({ db, token: TOKEN, now: () => clock, ...opts })
}

beforeEach(() => {
  clock = Date.parse('2024-05-01T09:00:00.000Z')
  db = openDb(':memory:')
  start()
})

afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.close()))
  live.close()
  db.close()
})

let n = 0
/** A visitor or bot message with a fresh UUID v4, one second after the previous one. */
const msg = (text: string, by: 'visitor' | 'bot' = 'visitor') => ({
  id: randomUUID(),
  by,
  text,
  at: new Date(Date.parse('2024-05-01T09:00:00.000Z') + 1000 * ++n).toISOString(),
})

const req = (
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {},
) =>
  live.app.request(`${path}${opts.query ? `?${new URLSearchParams(opts.query)}` : ''}`, {
    method,
    headers: {
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...opts.headers,
    },
    body:
      opts.body === undefined
        ? undefined
        : typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body),
  })
const visitor = { 'x-bp-token': TOKEN }
const agentSide = { 'x-bot-token': TOKEN }

const post = (messages: unknown[], extra: Record<string, unknown> = {}, c = conv) =>
  req('POST', '/inbox/direct/messages', {
    body: { ...c, messages, ...extra },
    headers: visitor,
  })
const history = async (c = conv, after?: string) => {
  const res = await req('GET', '/inbox/direct/messages', {
    query: { ...c, ...(after === undefined ? {} : { after }) },
    headers: visitor,
  })
  expect(res.status).toBe(200)
  return ((await res.json()) as { data: Message[] }).data
}
const reply = (text: string, c = conv, agent: Record<string, unknown> = sam) =>
  req('POST', '/inbox/direct/reply', { body: { ...c, text, agent }, headers: agentSide })

const open = async (
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
) => {
  const res = await req('GET', path, { query, headers })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const r = readSse(res)
  readers.push(r)
  return r
}
const visitorStream = (c = conv, lastEventId?: string) =>
  open('/inbox/direct/stream', c, {
    ...visitor,
    ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
  })
const agentStream = (query: Record<string, string> = {}, lastEventId?: string) =>
  open(
    '/inbox/direct/agent-stream',
    { botId: conv.botId, customerId: conv.customerId, ...query },
    { ...agentSide, ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }) },
  )
/** Events of one type, data parsed. */
const of = <T = Record<string, unknown>>(r: SseReader, type: string) =>
  r.events.filter((e) => e.event === type).map((e) => JSON.parse(e.data) as T)
const texts = (r: SseReader) => of<Message>(r, 'message').map((m) => m.text)

describe('POST /inbox/direct/messages', () => {
  it('answers the lead PUT envelope and keeps the order it received, not the order of `at`', async () => {
    const late = { ...msg('second'), at: '2024-05-01T10:00:00.000Z' }
    const early = { ...msg('first reply'), at: '2024-05-01T08:00:00.000Z' }
    const res = await post([late, early])
    expect(res.status).toBe(200)
    expect(await res.json()).toStrictEqual({ success: true, message: 'ok', code: 200 })
    const res2 = await post([msg('third', 'bot')])
    expect(res2.status).toBe(200)
    expect((await history()).map((m) => m.text)).toEqual(['second', 'first reply', 'third'])
  })

  it('returns each message as posted, `at` normalised to milliseconds', async () => {
    const m = { ...msg('Hi'), at: '2024-05-01T09:30:00Z' }
    await post([m])
    expect(await history()).toStrictEqual([{ ...m, at: '2024-05-01T09:30:00.000Z' }])
  })

  it('stores a retried message once, within a batch and across batches', async () => {
    const a = msg('a')
    const b = msg('b')
    expect((await post([a, a])).status).toBe(200)
    expect((await post([a, b])).status).toBe(200)
    expect((await post([a, b])).status).toBe(200)
    expect((await history()).map((m) => m.id)).toEqual([a.id, b.id])
  })

  it('keeps the first copy when a retry carries the same id with other text', async () => {
    const a = msg('original')
    await post([a])
    await post([{ ...a, text: 'changed' }])
    expect((await history()).map((m) => m.text)).toEqual(['original'])
  })

  it(`accepts ${MAX_BATCH} messages and answers 413 with a clear message above, storing none`, async () => {
    const ok = await post(Array.from({ length: MAX_BATCH }, (_, i) => msg(`m${i}`)))
    expect(ok.status).toBe(200)
    const res = await post(Array.from({ length: MAX_BATCH + 1 }, (_, i) => msg(`x${i}`)))
    expect(res.status).toBe(413)
    const json = (await res.json()) as { success: boolean; message: string; code: number }
    expect(json.success).toBe(false)
    expect(json.code).toBe(413)
    expect(json.message).toContain(`at most ${MAX_BATCH}`)
    expect(await history()).toHaveLength(MAX_BATCH)
  })

  it.each([
    ['an agent message', { by: 'agent' }, 'by'],
    ['an id that is not a UUID v4', { id: 'abc' }, 'id'],
    ['a UUID of another version', { id: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }, 'id'],
    ['a time with an offset', { at: '2024-05-01T09:00:00+02:00' }, 'at'],
    ['a day that does not exist', { at: '2024-02-30T09:00:00Z' }, 'at'],
    ['blank text', { text: '  \n' }, 'text'],
    ['text over 5000 characters', { text: 'a'.repeat(5001) }, 'text'],
  ])('answers 400 naming the field for %s, and stores none of the batch', async (_, bad, field) => {
    const res = await post([msg('good'), { ...msg('bad'), ...bad }])
    expect(res.status).toBe(400)
    const json = (await res.json()) as { success: boolean; message: string; code: number }
    expect(json).toMatchObject({ success: false, code: 400 })
    expect(json.message).toMatch(new RegExp(`^messages\\.1\\.${field}: `))
    expect(await history()).toEqual([])
  })

  it('answers 400 for a batch without messages and without handoff', async () => {
    const res = await post([])
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toMatch(/^messages: /)
  })

  it('answers 413 for a body over 1 MiB, storing nothing', async () => {
    const res = await post([msg('hi')], { padding: 'x'.repeat(MAX_LIVE_BODY) })
    expect(res.status).toBe(413)
    expect(await res.json()).toStrictEqual({
      success: false,
      message: `body larger than ${MAX_LIVE_BODY} bytes`,
      code: 413,
    })
    expect(await history()).toEqual([])
  })

  it('answers 400 for a body that is not JSON and for a missing uuid', async () => {
    const bad = await req('POST', '/inbox/direct/messages', { body: '{', headers: visitor })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toBe('body is not JSON')
    const { uuid: _, ...noUuid } = conv
    const res = await req('POST', '/inbox/direct/messages', {
      body: { ...noUuid, messages: [msg('x')] },
      headers: visitor,
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toMatch(/uuid/)
  })

  it('accepts a hand-off without messages and shows it to the agent console', async () => {
    const console_ = await agentStream()
    const res = await post([], { handoff: true })
    expect(res.status).toBe(200)
    await console_.until(() => of(console_, 'conversation').length > 0)
    expect(of(console_, 'conversation')[0]).toMatchObject({
      uuid: conv.uuid,
      handoffAt: '2024-05-01T09:00:00.000Z',
      status: 'OPEN',
    })
  })

  it('creates the chat of the listing on the first message', async () => {
    expect(db.count(conv.botId, conv.customerId)).toBe(0)
    await post([msg('hello')])
    await post([msg('again')])
    expect(db.count(conv.botId, conv.customerId)).toBe(1)
  })
})

describe('GET /inbox/direct/messages', () => {
  it('returns what followed `after`, and the whole conversation without it', async () => {
    const [a, b, c] = [msg('a'), msg('b'), msg('c')]
    await post([a, b, c])
    expect((await history(conv, a.id)).map((m) => m.text)).toEqual(['b', 'c'])
    expect((await history(conv, c.id)).map((m) => m.text)).toEqual([])
    expect((await history()).map((m) => m.text)).toEqual(['a', 'b', 'c'])
  })

  it('answers 400 for an unknown `after`, and for an id of another conversation', async () => {
    const mine = msg('mine')
    const theirs = msg('theirs')
    await post([mine])
    await post([theirs], {}, other)
    for (const after of [randomUUID(), theirs.id, '']) {
      const res = await req('GET', '/inbox/direct/messages', {
        query: { ...conv, after },
        headers: visitor,
      })
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ success: false, code: 400 })
    }
  })

  it('returns an empty conversation for a visitor who has written nothing', async () => {
    expect(await history()).toEqual([])
  })

  it('answers 400 naming a missing query parameter', async () => {
    const res = await req('GET', '/inbox/direct/messages', {
      query: { botId: 'b', customerId: 'c' },
      headers: visitor,
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toBe('uuid is required')
  })

  it('tells the status and the assigned agent too, so a client that polls sees the conversation closed', async () => {
    const answer = async () => {
      const res = await req('GET', '/inbox/direct/messages', { query: conv, headers: visitor })
      return (await res.json()) as { data: Message[]; status: string; agent?: unknown }
    }
    await post([msg('hi')])
    const first = await answer()
    expect(first.status).toBe('OPEN')
    expect(first).not.toHaveProperty('agent')
    await reply('Sam here', conv, { ...sam, picture: 'https://cdn.example/sam.png' })
    expect(await answer()).toMatchObject({
      status: 'OPEN',
      agent: { ...sam, picture: 'https://cdn.example/sam.png' },
    })
    db.upsert({ ...conv, status: 'CLOSED' })
    const closed = await answer()
    expect(closed.status).toBe('CLOSED')
    expect(closed.data.map((m) => m.text)).toEqual(['hi', 'Sam here'])
    // With `after` as well: the status does not depend on what is new.
    const res = await req('GET', '/inbox/direct/messages', {
      query: { ...conv, after: closed.data[1]?.id as string },
      headers: visitor,
    })
    expect(await res.json()).toMatchObject({ data: [], status: 'CLOSED' })
  })

  it('lets the agent console read the transcript with x-bot-token', async () => {
    await post([msg('hi')])
    const res = await req('GET', '/inbox/direct/messages', { query: conv, headers: agentSide })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { data: Message[] }).data.map((m) => m.text)).toEqual(['hi'])
  })
})

describe('authentication', () => {
  const cases: [string, 'GET' | 'POST', string, Record<string, unknown> | undefined][] = [
    ['POST messages', 'POST', '/inbox/direct/messages', { ...conv, messages: [] }],
    ['GET messages', 'GET', '/inbox/direct/messages', undefined],
    ['the visitor stream', 'GET', '/inbox/direct/stream', undefined],
    ['typing', 'POST', '/inbox/direct/typing', conv],
    ['availability', 'GET', '/inbox/direct/availability', undefined],
  ]
  it.each(cases)(
    'answers 401 for %s without, or with a wrong, x-bp-token',
    async (_, m, path, body) => {
      for (const headers of [
        {},
        { 'x-bp-token': 'nope' },
        { 'x-bp-token': TOKEN.toUpperCase() },
      ] as Record<string, string>[]) {
        const res = await req(m, path, { body, query: conv, headers })
        expect(res.status).toBe(401)
        expect(await res.json()).toStrictEqual({
          success: false,
          message: 'missing or wrong x-bp-token',
          code: 401,
        })
      }
    },
  )

  const agentCases: [string, 'GET' | 'POST', string, Record<string, unknown> | undefined][] = [
    ['reply', 'POST', '/inbox/direct/reply', { ...conv, text: 'x', agent: sam }],
    ['agent-typing', 'POST', '/inbox/direct/agent-typing', { ...conv, agent: sam }],
    ['read', 'POST', '/inbox/direct/read', { ...conv, upTo: randomUUID() }],
    ['the agent stream', 'GET', '/inbox/direct/agent-stream', undefined],
  ]
  it.each(agentCases)(
    'answers 401 for %s without x-bot-token, or with the visitor header instead',
    async (_, m, path, body) => {
      for (const headers of [{}, { 'x-bot-token': 'nope' }, { 'x-bp-token': TOKEN }] as Record<
        string,
        string
      >[]) {
        const res = await req(m, path, { body, query: conv, headers })
        expect(res.status).toBe(401)
        expect(await res.json()).toMatchObject({ success: false, code: 401 })
      }
    },
  )

  it('does not take the token from the URL', async () => {
    const res = await req('GET', '/inbox/direct/stream', { query: { ...conv, token: TOKEN } })
    expect(res.status).toBe(401)
  })
})

describe('GET /inbox/direct/stream', () => {
  it('replays nothing on a first connection, then carries new messages with the id as SSE id', async () => {
    await post([msg('old')])
    const s = await visitorStream()
    const fresh = msg('new')
    await post([fresh])
    await s.until((e) => e.length > 0)
    expect(s.events).toHaveLength(1)
    expect(s.events[0]).toMatchObject({ event: 'message', id: fresh.id })
    expect(JSON.parse(s.events[0]!.data)).toStrictEqual(fresh)
  })

  it('replays exactly what followed a known Last-Event-ID, then goes on live', async () => {
    const [a, b, c] = [msg('a'), msg('b'), msg('c')]
    await post([a, b, c])
    const s = await visitorStream(conv, a.id)
    await s.until(() => texts(s).length === 2)
    await post([msg('d')])
    await s.until(() => texts(s).length === 3)
    expect(texts(s)).toEqual(['b', 'c', 'd'])
    expect(s.events.map((e) => e.id)).toEqual([b.id, c.id, expect.any(String)])
  })

  it('replays the whole conversation for an unknown Last-Event-ID', async () => {
    await post([msg('a'), msg('b')])
    await post([msg('theirs')], {}, other)
    const s = await visitorStream(conv, randomUUID())
    await s.until(() => texts(s).length === 2)
    await post([msg('c')])
    await s.until(() => texts(s).length === 3)
    expect(texts(s)).toEqual(['a', 'b', 'c'])
  })

  it('treats an empty Last-Event-ID as a first connection', async () => {
    await post([msg('a')])
    const s = await visitorStream(conv, '')
    await post([msg('b')])
    await s.until(() => texts(s).length > 0)
    expect(texts(s)).toEqual(['b'])
  })

  it('fans each message out to every tab of the visitor and to the agent console, once', async () => {
    const tab1 = await visitorStream()
    const tab2 = await visitorStream()
    const elsewhere = await visitorStream(other)
    const console_ = await agentStream()
    const mine = msg('from tab 1')
    await post([mine])
    await post([mine]) // a retry: not sent again
    const r = await reply('Hello, I am Sam')
    const sent = ((await r.json()) as { data: Message }).data
    for (const s of [tab1, tab2, console_]) await s.until(() => texts(s).length === 2)
    expect(texts(tab1)).toEqual(['from tab 1', 'Hello, I am Sam'])
    expect(texts(tab2)).toEqual(['from tab 1', 'Hello, I am Sam'])
    expect(of(console_, 'message')).toStrictEqual([
      { ...mine, uuid: conv.uuid },
      { ...sent, uuid: conv.uuid },
    ])
    await post([msg('to the other visitor')], {}, other)
    await elsewhere.until(() => texts(elsewhere).length === 1)
    expect(texts(elsewhere)).toEqual(['to the other visitor'])
    expect(texts(tab1)).toHaveLength(2)
  })

  it('sends a heartbeat comment at the configured interval', async () => {
    live.close()
    start({ heartbeatMs: 20 })
    const s = await visitorStream()
    await s.until((_, c) => c.filter((x) => x === 'heartbeat').length >= 2, 3000)
    expect(s.comments[0]).toBe('connected')
    expect(s.events).toEqual([])
  })

  it('closes a stream whose reader falls behind, and the visitor resumes with Last-Event-ID', async () => {
    live.close()
    start({ maxQueue: 5 })
    const res = await req('GET', '/inbox/direct/stream', { query: conv, headers: visitor })
    const batch = Array.from({ length: 20 }, (_, i) => msg(`m${i}`))
    await post(batch)
    // Nothing read so far: the server gave up on this reader and keeps no queue for it.
    expect(live.counts().visitorStreams).toBe(0)
    const s = readSse(res)
    readers.push(s)
    await s.ended
    const got = of<Message>(s, 'message')
    expect(got.length).toBeLessThan(batch.length)
    const again = await visitorStream(conv, got.at(-1)?.id ?? randomUUID())
    await again.until(() => got.length + texts(again).length === batch.length)
    expect([...got.map((m) => m.text), ...texts(again)]).toEqual(batch.map((m) => m.text))
  })

  it('answers the CORS preflight with x-bp-token and Last-Event-ID allowed', async () => {
    const res = await live.app.request('/inbox/direct/stream', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-bp-token,last-event-id',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    const allowed = res.headers.get('access-control-allow-headers')?.toLowerCase() ?? ''
    expect(allowed).toContain('x-bp-token')
    expect(allowed).toContain('last-event-id')
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
  })
})

describe('typing, read and status', () => {
  it('sends visitor typing to the console and agent typing to the visitor', async () => {
    await post([msg('hi')])
    const s = await visitorStream()
    const console_ = await agentStream()
    expect(
      (await req('POST', '/inbox/direct/typing', { body: conv, headers: visitor })).status,
    ).toBe(200)
    await console_.until(() => of(console_, 'typing').length === 1)
    expect(of(console_, 'typing')[0]).toStrictEqual({
      uuid: conv.uuid,
      at: new Date(clock).toISOString(),
    })
    const res = await req('POST', '/inbox/direct/agent-typing', {
      body: { ...conv, agent: sam },
      headers: agentSide,
    })
    expect(res.status).toBe(200)
    await s.until(() => of(s, 'typing').length === 1)
    expect(of(s, 'typing')[0]).toStrictEqual({ agent: { ...sam, picture: null } })
    expect(of(s, 'typing')).toHaveLength(1) // the visitor's own typing is not echoed
  })

  it('sends the read mark to the visitor, and again when the stream reconnects', async () => {
    const [a, b] = [msg('a'), msg('b')]
    await post([a, b])
    const s = await visitorStream()
    const res = await req('POST', '/inbox/direct/read', {
      body: { ...conv, upTo: b.id },
      headers: agentSide,
    })
    expect(res.status).toBe(200)
    await s.until(() => of(s, 'read').length === 1)
    expect(of(s, 'read')).toEqual([{ upTo: b.id }])
    // Reading an earlier message does not move the mark back.
    await req('POST', '/inbox/direct/read', { body: { ...conv, upTo: a.id }, headers: agentSide })
    const later = await visitorStream(conv, b.id)
    await later.until(() => of(later, 'read').length === 1)
    expect(of(later, 'read')).toEqual([{ upTo: b.id }])
    expect(of(s, 'read')).toHaveLength(1)
  })

  it('answers 400 for a read mark on a message not in the conversation', async () => {
    await post([msg('a')])
    const theirs = msg('theirs')
    await post([theirs], {}, other)
    const res = await req('POST', '/inbox/direct/read', {
      body: { ...conv, upTo: theirs.id },
      headers: agentSide,
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toMatch(/^upTo:/)
  })

  it('sends a status from the lead hook to the visitor, and the current one on reconnect', async () => {
    await post([msg('hi')])
    await reply('Anything else?', conv, { ...sam, picture: 'https://cdn.example/sam.png' })
    const s = await visitorStream()
    const console_ = await agentStream()
    db.upsert({ ...conv, status: 'CLOSED' })
    live.onLeadStatus(conv.botId, conv.customerId, conv.uuid, 'CLOSED', { id: sam.id })
    await s.until(() => of(s, 'status').length === 1)
    expect(of(s, 'status')[0]).toStrictEqual({
      status: 'CLOSED',
      agent: { ...sam, picture: 'https://cdn.example/sam.png' },
    })
    await console_.until(() => of(console_, 'conversation').some((c) => c.status === 'CLOSED'))
    const again = await visitorStream()
    await again.until(() => of(again, 'status').length === 1)
    expect(of(again, 'status')[0]).toStrictEqual({ status: 'CLOSED' })
  })
})

describe('POST /inbox/direct/reply', () => {
  it('stores the agent message with a server-made UUID v4 and time, and returns it', async () => {
    await post([msg('hi')])
    const res = await reply('Hello', conv, { ...sam, picture: 'https://cdn.example/sam.png' })
    expect(res.status).toBe(200)
    const json = (await res.json()) as { success: boolean; data: Message }
    expect(json.success).toBe(true)
    expect(json.data).toStrictEqual({
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      by: 'agent',
      text: 'Hello',
      at: new Date(clock).toISOString(),
      agent: { ...sam, picture: 'https://cdn.example/sam.png' },
    })
    expect((await history()).at(-1)).toStrictEqual(json.data)
  })

  it('answers 404 for a conversation that does not exist', async () => {
    const res = await reply('Hello?', other)
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ success: false, code: 404 })
  })

  it('answers 400 for an agent picture that is not an http(s) URL', async () => {
    await post([msg('hi')])
    const res = await reply('x', conv, { ...sam, picture: 'javascript:alert(1)' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toMatch(/^agent\.picture:/)
  })
})

describe('GET /inbox/direct/availability', () => {
  const availability = async () => {
    const res = await req('GET', '/inbox/direct/availability', {
      query: { botId: conv.botId, customerId: conv.customerId },
      headers: visitor,
    })
    expect(res.status).toBe(200)
    return res.json()
  }
  const override = (body: unknown) => req('POST', '/demo/api/agents', { body })

  it('is online exactly while an agent console of the bot is connected', async () => {
    expect(await availability()).toStrictEqual({ online: false, agents: [] })
    const console_ = await agentStream({ agentId: 'a1', agentName: 'Sam' })
    expect(await availability()).toStrictEqual({
      online: true,
      agents: [{ id: 'a1', name: 'Sam', picture: null }],
    })
    const res = await req('GET', '/inbox/direct/availability', {
      query: { botId: 'another-bot', customerId: conv.customerId },
      headers: visitor,
    })
    expect(await res.json()).toStrictEqual({ online: false, agents: [] })
    await console_.close()
    expect(await availability()).toStrictEqual({ online: false, agents: [] })
  })

  it('follows the demo override, and the consoles again after `online: null`', async () => {
    const agents = [{ id: 'a2', name: 'Kim', picture: 'https://cdn.example/kim.png' }]
    expect((await override({ online: true, agents })).status).toBe(200)
    expect(await availability()).toStrictEqual({ online: true, agents })
    await agentStream({ agentId: 'a1', agentName: 'Sam' })
    await override({ online: false })
    expect(await availability()).toStrictEqual({ online: false, agents: [] })
    await override({ online: null })
    expect(await availability()).toStrictEqual({
      online: true,
      agents: [{ id: 'a1', name: 'Sam', picture: null }],
    })
  })

  it('applies an override with a botId to that bot only', async () => {
    await override({ online: true, botId: 'other-bot' })
    expect(await availability()).toStrictEqual({ online: false, agents: [] })
  })

  it('answers 400 for an override that is not true, false or null', async () => {
    const res = await override({ online: 'yes' })
    expect(res.status).toBe(400)
  })
})

describe('agent stream', () => {
  it('replays the bot’s messages after a known Last-Event-ID', async () => {
    const a = msg('a')
    await post([a])
    await post([msg('b')])
    await post([msg('c')], {}, other)
    const s = await agentStream({}, a.id)
    await s.until(() => texts(s).length === 2)
    expect(of(s, 'message').map((m) => [m.uuid, m.text])).toEqual([
      [conv.uuid, 'b'],
      [other.uuid, 'c'],
    ])
  })

  it('sends the conversation summary when the visitor comes and goes', async () => {
    await post([msg('hi')])
    const console_ = await agentStream()
    const tab = await visitorStream()
    await console_.until(() => of(console_, 'conversation').some((c) => c.isOnline === true))
    await tab.close()
    await console_.until(() => of(console_, 'conversation').at(-1)?.isOnline === false)
    expect(of(console_, 'conversation').at(-1)).toMatchObject({
      uuid: conv.uuid,
      unread: 1,
      lastMessage: { by: 'visitor', text: 'hi' },
    })
  })

  it('answers 400 for a console that announces a bad agent picture', async () => {
    const res = await req('GET', '/inbox/direct/agent-stream', {
      query: { ...conv, agentId: 'a1', agentPicture: 'ftp://x' },
      headers: agentSide,
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toMatch(/^agentPicture:/)
  })
})

describe('summary (the chats listing fields)', () => {
  it('fills lastMessage, isOnline, lastSeenAt, websiteVisits and _agentAssigned', async () => {
    await post([msg('hi'), msg('Welcome!', 'bot')])
    expect(live.summary(conv.botId, conv.customerId, conv.uuid)).toStrictEqual({
      lastMessage: { at: expect.any(String), by: 'bot', text: 'Welcome!' },
      isOnline: false,
      lastSeenAt: '2024-05-01T09:00:00.000Z',
      websiteVisits: 1,
      _agentAssigned: null,
    })
    const tab = await visitorStream()
    clock += 60_000
    expect(live.summary(conv.botId, conv.customerId, conv.uuid)).toMatchObject({
      isOnline: true,
      lastSeenAt: '2024-05-01T09:01:00.000Z',
    })
    await reply('Sam here')
    await reply('Kim here', conv, { id: 'agent-kim', name: 'Kim' })
    await tab.close()
    clock += VISIT_GAP_MS + 1
    await post([msg('back tomorrow')])
    expect(live.summary(conv.botId, conv.customerId, conv.uuid)).toMatchObject({
      isOnline: false,
      lastMessage: { by: 'visitor', text: 'back tomorrow' },
      websiteVisits: 2,
      _agentAssigned: 'agent-sam',
    })
  })

  it('prefers the agent the lead PUT assigned', async () => {
    await post([msg('hi')])
    await reply('Sam here')
    db.upsert({ ...conv, agentId: 'agent-lee' })
    expect(live.summary(conv.botId, conv.customerId, conv.uuid)._agentAssigned).toBe('agent-lee')
  })

  it('does not count a new visit while a stream stays open for hours', async () => {
    await post([msg('hi')])
    const tab = await visitorStream()
    clock += 3 * VISIT_GAP_MS
    await post([msg('still here')])
    await tab.close()
    expect(live.summary(conv.botId, conv.customerId, conv.uuid).websiteVisits).toBe(1)
  })
})

describe('agentFields (the console fields of a listing row)', () => {
  it('counts the visitor messages after the read mark, and none once read', async () => {
    const [a, b] = [msg('hi'), msg('anyone there?')]
    await post([a, msg('Welcome!', 'bot'), b], { handoff: true })
    expect(live.agentFields(conv.botId, conv.customerId, conv.uuid)).toStrictEqual({
      handoffAt: '2024-05-01T09:00:00.000Z',
      readUpTo: null,
      unread: 2,
    })
    await req('POST', '/inbox/direct/read', { body: { ...conv, upTo: b.id }, headers: agentSide })
    expect(live.agentFields(conv.botId, conv.customerId, conv.uuid)).toMatchObject({
      readUpTo: b.id,
      unread: 0,
    })
  })
})

describe('restart', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reekolect-live-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps every message, its order and the resume point across a restart', async () => {
    live.close()
    db.close()
    const file = join(dir, 'live.db')
    db = openDb(file)
    start()
    const [a, b] = [msg('before restart'), msg('bot answer', 'bot')]
    await post([a, b], { handoff: true })
    await reply('agent reply')
    live.close()
    db.close()

    db = openDb(file)
    start()
    expect((await history()).map((m) => m.text)).toEqual([
      'before restart',
      'bot answer',
      'agent reply',
    ])
    await post([b, msg('after restart')]) // a retry of b after the restart: still once
    const s = await visitorStream(conv, a.id)
    await s.until(() => texts(s).length === 3)
    expect(texts(s)).toEqual(['bot answer', 'agent reply', 'after restart'])
  })
})
