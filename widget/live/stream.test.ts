import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backoff, type LiveMessage } from './connection'
import {
  type ChannelLike,
  createLiveConnection,
  type LiveOptions,
  type LocksLike,
  TYPING_EVERY,
} from './stream'

const API = 'https://api.example.com/v1'
const TOKEN = 'tok-secret'
const ids = { uuid: 'visitor-1', botId: 'bot-1', customerId: 'cust-1' }
const sam = { id: 'a1', name: 'Sam', picture: 'https://cdn.example.com/sam.png' }

const msg = (id: string, text = `text ${id}`, by: LiveMessage['by'] = 'agent'): LiveMessage =>
  by === 'agent'
    ? { id, by, text, at: '2025-01-01T10:00:00.000Z', agent: sam }
    : { id, by, text, at: '2025-01-01T10:00:00.000Z' }
const sse = (m: LiveMessage) => `id: ${m.id}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`
const HEARTBEAT = ': heartbeat\n\n'

/** One request to the stream endpoint, held open until the test ends it. */
interface StreamCall {
  url: URL
  headers: Headers
  at: number
  signal: AbortSignal
  send(text: string): void
  end(): void
}

type StreamReply = 'open' | 'hang' | 'network' | 'html' | number

/**
 * The API origin of the contract, in memory: a conversation, the stream (first
 * connection replays nothing, `Last-Event-ID` replays what followed it), `GET
 * …/messages?after` (400 for an unknown id) and `POST …/typing`.
 */
function fakeApi() {
  const conversation: LiveMessage[] = []
  const streams: StreamCall[] = []
  const gets: URL[] = []
  const typing: { body: unknown; headers: Headers }[] = []
  const api = {
    conversation,
    streams,
    gets,
    typing,
    /** How the next stream requests are answered. */
    reply: 'open' as StreamReply,
    /** Whether the server replays what followed `Last-Event-ID` (false: it restarted and forgot). */
    replays: true,
    /** A status for `GET …/messages` instead of the conversation. */
    messagesStatus: 0,
    /** The stream requests whose response is open and not ended. */
    open: () => streams.filter((s) => !s.signal.aborted && !ended.has(s)),
    /** A new message of the conversation: stored and sent on every open stream. */
    add(m: LiveMessage) {
      conversation.push(m)
      for (const s of api.open()) s.send(sse(m))
    },
    fetch: vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input))
      const headers = new Headers(init?.headers)
      const signal = init?.signal ?? new AbortController().signal
      const path = url.pathname.replace('/v1/inbox/direct/', '')
      if (path === 'typing') {
        typing.push({ body: JSON.parse(String(init?.body)), headers })
        return new Response('{"success":true}')
      }
      if (path === 'messages') {
        gets.push(url)
        if (api.messagesStatus) return new Response('{}', { status: api.messagesStatus })
        const after = url.searchParams.get('after')
        const i = after === null ? -1 : conversation.findIndex((m) => m.id === after)
        if (after !== null && i < 0) return new Response('{"success":false}', { status: 400 })
        return Response.json({ success: true, data: conversation.slice(i + 1) })
      }
      const reply = api.reply
      if (reply === 'network') throw new TypeError('Failed to fetch')
      if (typeof reply === 'number') return new Response('no', { status: reply })
      if (reply === 'html')
        return new Response('<p>proxy</p>', { headers: { 'content-type': 'text/html' } })
      let ctl!: ReadableStreamDefaultController<Uint8Array>
      const body = new ReadableStream<Uint8Array>({
        start: (c) => {
          ctl = c
        },
      })
      const call: StreamCall = {
        url,
        headers,
        at: Date.now(),
        signal,
        send: (text) => ctl.enqueue(new TextEncoder().encode(text)),
        end: () => {
          ended.add(call)
          ctl.close()
        },
      }
      streams.push(call)
      const aborted = () => new DOMException('The operation was aborted.', 'AbortError')
      signal.addEventListener('abort', () => {
        try {
          ctl.error(aborted())
        } catch {
          /* already closed */
        }
      })
      if (reply === 'hang')
        return new Promise<Response>((_, reject) =>
          signal.addEventListener('abort', () => reject(aborted())),
        )
      const resume = headers.get('last-event-id')
      if (resume && api.replays) {
        const i = conversation.findIndex((m) => m.id === resume)
        for (const m of conversation.slice(i + 1)) call.send(sse(m))
      }
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
    }),
  }
  const ended = new Set<StreamCall>()
  return api
}

type Api = ReturnType<typeof fakeApi>

/** Lets pending promises (fetch bodies, stream reads) run, without moving the clock. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(0)
}

/** A connection on `api` that records what the chat would show. */
function connect(api: Api, extra: Partial<LiveOptions> = {}) {
  const got: LiveMessage[] = []
  const statuses: string[] = []
  const conn = createLiveConnection({
    api: `${API}/`,
    token: TOKEN,
    ids: () => ids,
    fetch: api.fetch as typeof fetch,
    locks: null,
    document: null,
    random: () => 0.5,
    onMessage: (m) => got.push(m),
    ...extra,
  })
  conn.status.subscribe((s) => statuses.push(s))
  return { conn, got, statuses, texts: () => got.map((m) => m.id) }
}

let errors: ReturnType<typeof vi.spyOn>
let warnings: ReturnType<typeof vi.spyOn>
const lines = (spy: ReturnType<typeof vi.spyOn>, code: string) =>
  spy.mock.calls.filter(([line]) => String(line).includes(code))

beforeEach(() => {
  vi.useFakeTimers()
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
  warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('the stream request', () => {
  it('sends the token as a header, never in a URL, and the ids in the query', async () => {
    const api = fakeApi()
    const { conn } = connect(api)
    await settle()
    const [s] = api.streams
    expect(s?.url.href).toBe(
      `${API}/inbox/direct/stream?botId=bot-1&customerId=cust-1&uuid=visitor-1`,
    )
    expect(s?.headers.get('x-bp-token')).toBe(TOKEN)
    expect(s?.headers.get('accept')).toBe('text/event-stream')
    for (const call of api.fetch.mock.calls) expect(String(call[0])).not.toContain(TOKEN)
    // A first connection without history has no resume point.
    expect(s?.headers.has('last-event-id')).toBe(false)
    conn.close()
  })

  it('resumes from the saved history: Last-Event-ID and a catch-up after it', async () => {
    const api = fakeApi()
    api.conversation.push(msg('m1'), msg('m2'), msg('m3'))
    const { conn, texts } = connect(api, { lastId: 'm1' })
    await settle()
    expect(api.streams[0]?.headers.get('last-event-id')).toBe('m1')
    expect(api.gets[0]?.searchParams.get('after')).toBe('m1')
    expect(texts()).toEqual(['m2', 'm3'])
    expect(conn.lastId()).toBe('m3')
    conn.close()
  })
})

describe('events of the stream', () => {
  it('delivers message, typing, read and status events; heartbeats and garbage do nothing', async () => {
    const api = fakeApi()
    const typing: unknown[] = []
    const read: unknown[] = []
    const status: unknown[] = []
    const { conn, got } = connect(api, {
      onTyping: (a) => typing.push(a),
      onRead: (upTo) => read.push(upTo),
      onStatus: (s, a) => status.push([s, a]),
    })
    await settle()
    expect(conn.status.value).toBe('open')
    const s = api.streams[0]!
    const m = msg('m1', 'Hi, I am Sam. How can I help?')
    // An event split across chunks, mid-line.
    const text = sse(m)
    s.send(text.slice(0, 20))
    s.send(text.slice(20))
    s.send(HEARTBEAT)
    s.send(`event: typing\ndata: ${JSON.stringify({ agent: sam })}\n\n`)
    s.send('event: read\ndata: {"upTo":"m0"}\n\n')
    s.send(`event: status\ndata: ${JSON.stringify({ status: 'INPROGRESS', agent: sam })}\n\n`)
    s.send('event: status\ndata: {"status":"CLOSED"}\n\n')
    // Malformed or unknown: ignored.
    s.send('event: message\ndata: {not json\n\n')
    s.send('event: message\ndata: {"id":"x","by":"martian","text":"?","at":"now"}\n\n')
    s.send('event: status\ndata: {"status":"EXPLODED"}\n\n')
    s.send('event: confetti\ndata: {}\n\n')
    await settle()
    expect(got).toEqual([m])
    expect(typing).toEqual([sam])
    expect(read).toEqual(['m0'])
    expect(status).toEqual([
      ['INPROGRESS', sam],
      ['CLOSED', undefined],
    ])
    expect(conn.status.value).toBe('open')
    expect(api.streams).toHaveLength(1)
    conn.close()
  })

  it('a callback that throws does not stop later messages', async () => {
    const api = fakeApi()
    const got: string[] = []
    const conn = createLiveConnection({
      api: API,
      token: TOKEN,
      ids: () => ids,
      fetch: api.fetch as typeof fetch,
      locks: null,
      document: null,
      onMessage: (m) => {
        got.push(m.id)
        throw new Error('chat bug')
      },
    })
    await settle()
    api.add(msg('m1'))
    api.add(msg('m2'))
    await settle()
    expect(got).toEqual(['m1', 'm2'])
    expect(conn.status.value).toBe('open')
    conn.close()
  })

  it('a message arriving during the catch-up comes after the caught-up ones', async () => {
    const api = fakeApi()
    api.conversation.push(msg('m1'), msg('m2'))
    let answer!: () => void
    const slow = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).includes('/messages')) await new Promise<void>((r) => (answer = r))
      return api.fetch(input, init)
    })
    const { conn, texts } = connect(api, { lastId: 'm1', fetch: slow as typeof fetch })
    await settle()
    api.add(msg('m3'))
    await settle()
    expect(texts()).toEqual([])
    answer()
    await settle()
    expect(texts()).toEqual(['m2', 'm3'])
    conn.close()
  })
})

describe('resume after a drop', () => {
  it('reconnects with Last-Event-ID: no message lost, none duplicated, order kept', async () => {
    const api = fakeApi()
    const { conn, texts, statuses } = connect(api)
    await settle()
    api.add(msg('m1'))
    await settle()
    api.streams[0]!.end()
    await settle()
    expect(conn.status.value).toBe('reconnecting')
    // The agent writes while the visitor is offline.
    api.add(msg('m2'))
    api.add(msg('m3'))
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(api.streams).toHaveLength(2)
    expect(api.streams[1]!.headers.get('last-event-id')).toBe('m1')
    // Replayed by the stream and caught up by GET …/messages: shown once each.
    expect(api.gets.at(-1)?.searchParams.get('after')).toBe('m1')
    api.add(msg('m4'))
    await settle()
    expect(texts()).toEqual(['m1', 'm2', 'm3', 'm4'])
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open'])
    conn.close()
  })

  it('a restarted server that replays nothing: the catch-up fills the gap', async () => {
    const api = fakeApi()
    const { conn, texts } = connect(api)
    await settle()
    api.add(msg('m1'))
    await settle()
    api.streams[0]!.end()
    api.replays = false
    api.add(msg('m2'))
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    api.add(msg('m3'))
    await settle()
    expect(texts()).toEqual(['m1', 'm2', 'm3'])
    conn.close()
  })

  it('an unknown resume point (400): the whole history, without what the chat has', async () => {
    const api = fakeApi()
    api.conversation.push(msg('v1', 'hello', 'visitor'), msg('b1', 'hi', 'bot'), msg('a1'))
    const { conn, texts } = connect(api, { lastId: 'gone', seen: ['v1', 'b1'] })
    await settle()
    expect(api.gets.map((u) => u.searchParams.get('after'))).toEqual(['gone', null])
    expect(texts()).toEqual(['a1'])
    // The visitor's own message comes back from the stream: not shown twice.
    api.add(msg('v2', 'more', 'visitor'))
    api.streams[0]!.send(sse(msg('a1')))
    await settle()
    expect(texts()).toEqual(['a1', 'v2'])
    conn.close()
  })

  it('a failed catch-up reconnects, so the gap before the stream opened is not lost', async () => {
    const api = fakeApi()
    api.conversation.push(msg('m1'), msg('m2'))
    api.messagesStatus = 503
    api.replays = false
    const { conn, texts } = connect(api, { lastId: 'm1' })
    await settle()
    api.add(msg('m3'))
    await settle()
    // m3 alone would hide m2 for good: nothing is shown before the gap is filled.
    expect(texts()).toEqual([])
    expect(conn.status.value).toBe('reconnecting')
    api.messagesStatus = 0
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(texts()).toEqual(['m2', 'm3'])
    conn.close()
  })
})

describe('backoff', () => {
  it('is full jitter: uniform below min(cap, base × 2^(attempt − 1))', () => {
    expect(backoff(1, () => 0.999, 1000, 30_000)).toBe(999)
    expect(backoff(3, () => 0.5, 1000, 30_000)).toBe(2000)
    expect(backoff(10, () => 0.5, 1000, 30_000)).toBe(15_000)
    expect(backoff(4, () => 0, 1000, 30_000)).toBe(0)
  })

  it('grows, is capped, follows the random source and resets after a good connection', async () => {
    const api = fakeApi()
    api.reply = 503
    const rolls = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.2, 0.9]
    const random = vi.fn(() => rolls.shift() ?? 0.9)
    let t0 = Date.now()
    const attempts: number[] = []
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).includes('/stream')) attempts.push(Date.now() - t0)
      return api.fetch(input, init)
    })
    const { conn } = connect(api, { random, fetch: fetch as typeof globalThis.fetch })
    await vi.advanceTimersByTimeAsync(200_000)
    const delays = attempts.slice(1, 10).map((t, i) => t - attempts[i]!)
    // 0.9 × 1, 2, 4, 8, 16 s, then the 30 s cap; 0.2 × 30 s; 0.9 × 30 s.
    expect(delays).toEqual([900, 1800, 3600, 7200, 14_400, 27_000, 27_000, 6000, 27_000])
    // A good connection (bytes arrived) resets the attempts.
    api.reply = 'open'
    await vi.advanceTimersByTimeAsync(30_000)
    await settle()
    const s = api.streams.at(-1)!
    s.send(HEARTBEAT)
    await settle()
    s.end()
    api.reply = 503
    t0 = Date.now()
    attempts.length = 0
    await vi.advanceTimersByTimeAsync(10_000)
    expect(attempts.slice(0, 3)).toEqual([900, 900 + 1800, 900 + 1800 + 3600])
    conn.close()
  })

  it('network errors reconnect, never throw', async () => {
    const api = fakeApi()
    api.reply = 'network'
    const { conn } = connect(api)
    await vi.advanceTimersByTimeAsync(60_000)
    const tries = api.fetch.mock.calls.filter(([u]) => String(u).includes('/stream')).length
    expect(tries).toBeGreaterThan(4)
    expect(conn.status.value).toBe('reconnecting')
    api.reply = 'open'
    await vi.advanceTimersByTimeAsync(30_000)
    expect(conn.status.value).toBe('open')
    conn.close()
  })
})
