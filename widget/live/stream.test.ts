import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import { backoff, type LiveMessage } from './connection'
import { createLiveConnection, type LiveOptions, type LocksLike, TYPING_EVERY } from './stream'

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
  send(text: string | Uint8Array): void
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
  /** When each of `gets` was requested (fake clock, ms). */
  const getTimes: number[] = []
  const getSignals: AbortSignal[] = []
  /** The signals of the slow `GET …/messages` not answered yet. */
  const inflight = new Set<AbortSignal>()
  const typing: { body: unknown; headers: Headers }[] = []
  const api = {
    conversation,
    streams,
    gets,
    getTimes,
    getSignals,
    inflight,
    typing,
    /** How the next stream requests are answered. */
    reply: 'open' as StreamReply,
    /** Whether the server replays what followed `Last-Event-ID` (false: it restarted and forgot). */
    replays: true,
    /** A status for `GET …/messages` instead of the conversation. */
    messagesStatus: 0,
    /** A body for `GET …/messages` instead of the conversation. */
    messagesBody: undefined as string | undefined,
    /** What `GET …/messages` says of the conversation besides its messages (`status`, `agent`). */
    about: {} as Record<string, unknown>,
    /** Whether the answers of `GET …/messages` wait for {@link release} (a slow network). */
    slow: false,
    waiting: [] as (() => void)[],
    /** Lets the waiting `GET …/messages` answer, with what the server has by then. */
    release() {
      for (const go of api.waiting.splice(0)) go()
    },
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
        getTimes.push(Date.now())
        getSignals.push(signal)
        // What the server has when the request reaches it; a slow answer is late on the way back.
        const known = conversation.slice()
        if (api.slow) {
          inflight.add(signal)
          await new Promise<void>((go, fail) => {
            api.waiting.push(go)
            signal.addEventListener('abort', () => fail(new DOMException('aborted', 'AbortError')))
          }).finally(() => inflight.delete(signal))
        }
        if (api.messagesBody !== undefined) return new Response(api.messagesBody)
        if (api.messagesStatus) return new Response('{}', { status: api.messagesStatus })
        const after = url.searchParams.get('after')
        const i = after === null ? -1 : known.findIndex((m) => m.id === after)
        if (after !== null && i < 0) return new Response('{"success":false}', { status: 400 })
        return Response.json({ success: true, data: known.slice(i + 1), ...api.about })
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
        send: (text) =>
          ctl.enqueue(typeof text === 'string' ? new TextEncoder().encode(text) : text),
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

type ConsoleSpy = MockInstance<typeof console.error>
let errors: ConsoleSpy
let warnings: ConsoleSpy
/** The console lines of `spy` that name `code`. */
const lines = (spy: ConsoleSpy, code: string) =>
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
    expect(api.gets).toHaveLength(1)
    for (const call of api.fetch.mock.calls) {
      expect(String(call[0])).not.toContain(TOKEN)
      expect(new Headers(call[1]?.headers).get('x-bp-token')).toBe(TOKEN)
    }
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
    // No `event:` line: a message, as for an EventSource.
    const plain = msg('m2', 'Ça marche 👍', 'bot')
    s.send(`id: m2\ndata: ${JSON.stringify(plain)}\n\n`)
    // A character split between two network chunks.
    const bytes = new TextEncoder().encode(sse(msg('m3', 'Grüße 🙂')))
    const cut = bytes.indexOf(0xf0) + 2
    s.send(bytes.slice(0, cut))
    s.send(bytes.slice(cut))
    // Malformed or unknown: ignored.
    s.send('event: message\ndata: {not json\n\n')
    s.send('event: message\ndata: {"id":"x","by":"martian","text":"?","at":"now"}\n\n')
    s.send('event: message\ndata: {"id":"y","by":"agent","at":"now"}\n\n')
    s.send('event: message\ndata: {"id":"z","by":"agent","text":"no time"}\n\n')
    s.send('event: message\ndata: {"by":"agent","text":"no id","at":"now"}\n\n')
    s.send('event: message\ndata: null\n\n')
    s.send('event: message\ndata: "a string"\n\n')
    s.send('event: typing\ndata: {"agent":{"id":"a2"}}\n\n')
    s.send('event: typing\ndata: {}\n\n')
    s.send('event: read\ndata: {"upTo":7}\n\n')
    s.send('event: status\ndata: {"status":"EXPLODED"}\n\n')
    s.send('event: confetti\ndata: {}\n\n')
    // An agent without a picture.
    s.send(
      `event: typing\ndata: ${JSON.stringify({ agent: { id: 'a3', name: 'Kim', extra: 1 } })}\n\n`,
    )
    await settle()
    expect(got).toEqual([m, plain, msg('m3', 'Grüße 🙂')])
    expect(typing).toEqual([sam, { id: 'a3', name: 'Kim' }])
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
    api.slow = true
    const { conn, texts } = connect(api, { lastId: 'm1' })
    await settle()
    // On the stream before the catch-up's answer (which has only m2) is back.
    api.add(msg('m3'))
    await settle()
    expect(texts()).toEqual([])
    api.release()
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
    api.slow = true
    api.replays = false
    const { conn, texts } = connect(api, { lastId: 'm1' })
    await settle()
    // m3 arrives on the stream while the catch-up of m2 is under way, which then fails.
    api.add(msg('m3'))
    await settle()
    api.messagesStatus = 503
    api.release()
    await settle()
    // m3 alone would hide m2 for good: nothing is shown before the gap is filled.
    expect(texts()).toEqual([])
    expect(conn.status.value).toBe('reconnecting')
    api.slow = false
    api.messagesStatus = 0
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(texts()).toEqual(['m2', 'm3'])
    conn.close()
  })

  it('an unreadable history answer is retried like a network error', async () => {
    for (const body of ['null', '{"data":"nope"}', '<html>', '{"success":true}']) {
      const api = fakeApi()
      api.conversation.push(msg('m1'))
      api.messagesBody = body
      const { conn, texts } = connect(api)
      await settle()
      expect(conn.status.value, body).toBe('reconnecting')
      api.messagesBody = undefined
      await vi.advanceTimersByTimeAsync(1000)
      expect(texts(), body).toEqual(['m1'])
      expect(conn.status.value, body).toBe('open')
      conn.close()
    }
  })

  it('malformed entries of the history are left out, the others shown', async () => {
    const api = fakeApi()
    api.messagesBody = JSON.stringify({
      success: true,
      data: [msg('m1'), { id: 'x', by: 'agent' }, null, 'm?', msg('m2', 'ok', 'visitor')],
    })
    const { conn, texts } = connect(api)
    await settle()
    expect(texts()).toEqual(['m1', 'm2'])
    conn.close()
  })

  it('a catch-up that hangs is given up after 10 s and the stream reconnects', async () => {
    const api = fakeApi()
    api.slow = true
    const { conn } = connect(api)
    await settle()
    expect(conn.status.value).toBe('open')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(api.getSignals[0]!.aborted).toBe(true)
    expect(conn.status.value).toBe('reconnecting')
    api.slow = false
    conn.close()
  })

  it('a server that replays the Last-Event-ID message itself: not shown twice', async () => {
    const api = fakeApi()
    api.conversation.push(msg('m1'))
    const { conn, texts } = connect(api, { lastId: 'm1' })
    await settle()
    api.streams[0]!.send(sse(msg('m1')))
    api.add(msg('m2'))
    await settle()
    expect(texts()).toEqual(['m2'])
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

  it('offline drops the stream; back `online`, it reconnects at once, not at the end of the backoff', async () => {
    const api = fakeApi()
    const page = new EventTarget()
    const { conn, texts } = connect(api, { window: page, random: () => 0.99 })
    await settle()
    expect(conn.status.value).toBe('open')
    // Offline: the stream goes (even where the socket would linger), every
    // attempt fails, the waits grow (about 1, 2, 4, 8 s).
    api.reply = 'network'
    page.dispatchEvent(new Event('offline'))
    await settle()
    expect(api.streams[0]!.signal.aborted).toBe(true)
    expect(conn.status.value).toBe('reconnecting')
    // Offline again between attempts changes nothing.
    page.dispatchEvent(new Event('offline'))
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000)
    expect(conn.status.value).toBe('reconnecting')
    const tries = api.streams.length
    api.reply = 'open'
    api.conversation.push(msg('m1'))
    page.dispatchEvent(new Event('online'))
    await settle()
    expect(conn.status.value).toBe('open')
    expect(texts()).toEqual(['m1'])
    expect(api.streams.length).toBe(tries + 1)
    // Online while streaming changes nothing.
    page.dispatchEvent(new Event('online'))
    await settle()
    expect(api.streams.length).toBe(tries + 1)
    conn.close()
    // Closed: the listeners are gone.
    page.dispatchEvent(new Event('offline'))
    page.dispatchEvent(new Event('online'))
    await settle()
    expect(api.streams.length).toBe(tries + 1)
  })

  it('offline while polling: the polls go on, no stream is tried', async () => {
    const api = fakeApi()
    api.reply = 'html'
    const page = new EventTarget()
    const { conn } = connect(api, { window: page })
    await settle()
    expect(conn.status.value).toBe('polling')
    const streams = api.fetch.mock.calls.filter(([u]) => String(u).includes('/stream')).length
    page.dispatchEvent(new Event('offline'))
    await vi.advanceTimersByTimeAsync(10_000)
    expect(conn.status.value).toBe('polling')
    expect(api.fetch.mock.calls.filter(([u]) => String(u).includes('/stream')).length).toBe(streams)
    conn.close()
  })
})

describe('heartbeat watchdog', () => {
  it('keeps a stream with heartbeats; reconnects after 2 × 25 s without a byte', async () => {
    const api = fakeApi()
    const { conn, texts } = connect(api)
    await settle()
    api.add(msg('m1'))
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(25_000)
      api.streams[0]!.send(HEARTBEAT)
    }
    await settle()
    expect(api.streams).toHaveLength(1)
    // The network goes silent (a dead connection the browser does not notice).
    await vi.advanceTimersByTimeAsync(49_999)
    expect(api.streams).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(api.streams[0]!.signal.aborted).toBe(true)
    expect(conn.status.value).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(1000)
    expect(api.streams).toHaveLength(2)
    expect(api.streams[1]!.headers.get('last-event-id')).toBe('m1')
    expect(conn.status.value).toBe('open')
    expect(texts()).toEqual(['m1'])
    // Silent again, after bytes: a dead connection again, not a buffering proxy.
    api.streams[1]!.send(HEARTBEAT)
    await vi.advanceTimersByTimeAsync(50_000 + 1000)
    api.streams[2]!.send(HEARTBEAT)
    await vi.advanceTimersByTimeAsync(50_000 + 1000)
    expect(api.streams).toHaveLength(4)
    expect(conn.status.value).toBe('open')
    conn.close()
  })

  it('a peer that never ends a line is cut off at 1 MiB and reconnected', async () => {
    const api = fakeApi()
    const { conn, texts } = connect(api)
    await settle()
    api.streams[0]!.send(`data: ${'x'.repeat(1 << 20)}`)
    await settle()
    expect(api.streams[0]!.signal.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(1000)
    api.add(msg('m1'))
    await settle()
    expect(texts()).toEqual(['m1'])
    conn.close()
  })
})

describe('answers that are retried or end the connection', () => {
  it('5xx, 408 and 429 are retried; another 4xx ends it', async () => {
    for (const status of [500, 503, 408, 429]) {
      const api = fakeApi()
      api.reply = status
      const { conn } = connect(api)
      await vi.advanceTimersByTimeAsync(10_000)
      expect(conn.status.value, String(status)).toBe('reconnecting')
      expect(api.fetch.mock.calls.length, String(status)).toBeGreaterThan(2)
      conn.close()
    }
    for (const status of [400, 410, 499]) {
      const api = fakeApi()
      api.reply = status
      const { conn } = connect(api)
      await vi.advanceTimersByTimeAsync(10_000)
      expect(conn.status.value, String(status)).toBe('closed')
    }
  })
})

describe('streaming blocked', () => {
  it('a buffering proxy (no byte twice in a row): polls, backs off when idle, streams again later', async () => {
    const api = fakeApi()
    const { conn, texts } = connect(api, { pollEvery: 3000, pollMax: 15_000, streamRetry: 300_000 })
    await settle()
    // The response opens but the proxy holds every byte.
    await vi.advanceTimersByTimeAsync(50_000)
    expect(conn.status.value).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(500 + 50_000)
    expect(api.streams).toHaveLength(2)
    expect(conn.status.value).toBe('polling')
    const t0 = Date.now()
    const first = api.getTimes.length - 1
    expect(api.getTimes[first]).toBe(t0)
    // An agent replies; the (buffered) stream would never show it, the next poll does.
    api.conversation.push(msg('m1'))
    await vi.advanceTimersByTimeAsync(3000)
    expect(texts()).toEqual(['m1'])
    await vi.advanceTimersByTimeAsync(60_000)
    const times = api.getTimes.slice(first).map((t) => t - t0)
    // Every 3 s while messages arrive, then doubling while idle, at most 15 s.
    expect(times.slice(0, 8)).toEqual([0, 3000, 6000, 9000, 15_000, 27_000, 42_000, 57_000])
    expect(api.streams).toHaveLength(2)
    // After 5 minutes of polling (at 312 s: the poll waits add up to 300 s), the
    // stream is tried again; this time it flows.
    await vi.advanceTimersByTimeAsync(311_000 - 63_000)
    expect(api.streams).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1000)
    expect(api.streams).toHaveLength(3)
    expect(conn.status.value).toBe('polling')
    api.streams[2]!.send(HEARTBEAT)
    await settle()
    expect(conn.status.value).toBe('open')
    const polls = api.gets.length
    api.add(msg('m2'))
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(25_000)
      api.streams[2]!.send(HEARTBEAT)
    }
    await settle()
    // No more polling while the stream flows.
    expect(api.gets.length).toBe(polls)
    expect(api.streams).toHaveLength(3)
    expect(texts()).toEqual(['m1', 'm2'])
    conn.close()
  })

  it('polling sees the status too: a conversation closed meanwhile is closed, told once', async () => {
    const api = fakeApi()
    api.reply = 'html'
    api.about = { status: 'OPEN' }
    const status: unknown[] = []
    const { conn } = connect(api, { onStatus: (s, a) => status.push([s, a]) })
    await settle()
    expect(conn.status.value).toBe('polling')
    expect(status).toEqual([['OPEN', undefined]])
    // Sam takes the conversation; the next poll names him, once.
    api.about = { status: 'INPROGRESS', agent: { ...sam, extra: true } }
    await vi.advanceTimersByTimeAsync(3000)
    await vi.advanceTimersByTimeAsync(6000)
    expect(status).toEqual([
      ['OPEN', undefined],
      ['INPROGRESS', sam],
    ])
    // Then closes it, after a last message: the message first, then the status.
    const order: string[] = []
    conn.close()
    const again = connect(api, {
      onMessage: (m) => order.push(m.id),
      onStatus: (s) => order.push(s),
    })
    api.conversation.push(msg('bye'))
    api.about = { status: 'CLOSED', agent: sam }
    await settle()
    expect(order).toEqual(['bye', 'CLOSED'])
    await vi.advanceTimersByTimeAsync(30_000)
    expect(order).toEqual(['bye', 'CLOSED'])
    // A status the contract does not know, or an agent without a name, is left out.
    api.about = { status: 'EXPLODED' }
    await vi.advanceTimersByTimeAsync(30_000)
    expect(order).toEqual(['bye', 'CLOSED'])
    again.conn.close()
  })

  it('a status event newer than the catch-up answer wins', async () => {
    const api = fakeApi()
    api.slow = true
    api.about = { status: 'OPEN', agent: sam }
    const status: unknown[] = []
    const { conn } = connect(api, { onStatus: (s) => status.push(s) })
    await settle()
    // The catch-up left before the close; the close event comes first.
    api.streams[0]!.send('event: status\ndata: {"status":"CLOSED"}\n\n')
    await settle()
    api.release()
    await settle()
    expect(status).toEqual(['CLOSED'])
    conn.close()
  })

  it('polls that fail back off like idle ones', async () => {
    const api = fakeApi()
    api.reply = 'html'
    api.messagesStatus = 503
    const { conn } = connect(api)
    await vi.advanceTimersByTimeAsync(60_000)
    const times = api.getTimes.map((t) => t - api.getTimes[0]!)
    expect(times.slice(0, 6)).toEqual([0, 3000, 9000, 21_000, 36_000, 51_000])
    expect(conn.status.value).toBe('polling')
    conn.close()
  })

  it('a trial stream that is still buffered goes back to polling after one watchdog', async () => {
    const api = fakeApi()
    const { conn } = connect(api, { streamRetry: 60_000 })
    await vi.advanceTimersByTimeAsync(100_500)
    expect(conn.status.value).toBe('polling')
    const streams = api.streams.length
    // Polls 3 + 6 + 12 + 15 + 15 + 15 s: at 66 s the retry is due.
    await vi.advanceTimersByTimeAsync(66_000)
    expect(api.streams.length).toBe(streams + 1)
    await vi.advanceTimersByTimeAsync(50_000)
    expect(conn.status.value).toBe('polling')
    expect(api.streams[streams]!.signal.aborted).toBe(true)
    conn.close()
  })

  it('a response that is not text/event-stream (a proxy page): polls at once', async () => {
    const api = fakeApi()
    api.reply = 'html'
    api.conversation.push(msg('m1'))
    const { conn, texts } = connect(api)
    await settle()
    expect(conn.status.value).toBe('polling')
    expect(texts()).toEqual(['m1'])
    conn.close()
  })

  it('a proxy holding even the headers counts as buffered', async () => {
    const api = fakeApi()
    api.reply = 'hang'
    const { conn } = connect(api)
    await vi.advanceTimersByTimeAsync(100_500)
    expect(conn.status.value).toBe('polling')
    conn.close()
  })
})

/** A `document` whose visibility the test sets. */
function fakeDocument() {
  const target = new EventTarget()
  const doc = Object.assign(target, {
    visibilityState: 'visible' as DocumentVisibilityState,
    set(state: DocumentVisibilityState) {
      doc.visibilityState = state
      target.dispatchEvent(new Event('visibilitychange'))
    },
  })
  return doc
}

describe('hidden tab', () => {
  it('closes the stream after 60 s hidden; on return catches up and streams again', async () => {
    const api = fakeApi()
    const doc = fakeDocument()
    // Heartbeats are not the subject here: the watchdog stays out of the way.
    const { conn, texts } = connect(api, { document: doc, heartbeat: 600_000 })
    await settle()
    api.add(msg('m1'))
    // A short look at another tab changes nothing.
    doc.set('hidden')
    await vi.advanceTimersByTimeAsync(59_000)
    doc.set('visible')
    doc.set('hidden')
    await vi.advanceTimersByTimeAsync(59_000)
    expect(api.streams[0]!.signal.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1000)
    expect(api.streams[0]!.signal.aborted).toBe(true)
    expect(conn.status.value).toBe('paused')
    // Nothing runs while hidden: no request, no timer.
    const calls = api.fetch.mock.calls.length
    expect(vi.getTimerCount()).toBe(0)
    api.conversation.push(msg('m2'))
    await vi.advanceTimersByTimeAsync(600_000)
    expect(api.fetch.mock.calls.length).toBe(calls)
    doc.set('visible')
    await settle()
    expect(api.gets.at(-1)?.searchParams.get('after')).toBe('m1')
    expect(texts()).toEqual(['m1', 'm2'])
    expect(api.streams).toHaveLength(2)
    expect(conn.status.value).toBe('open')
    conn.close()
  })

  it('pagehide leaves the stream and the lock (back/forward cache); pageshow catches up', async () => {
    const api = fakeApi()
    const page = new EventTarget()
    const locks = fakeLocks()
    const { conn, texts } = connect(api, { window: page, locks, channel: undefined })
    await settle()
    api.add(msg('m1'))
    await settle()
    page.dispatchEvent(new Event('pagehide'))
    await settle()
    expect(api.streams[0]!.signal.aborted).toBe(true)
    expect(locks.held.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    api.conversation.push(msg('m2'))
    page.dispatchEvent(new Event('pageshow'))
    await settle()
    expect(texts()).toEqual(['m1', 'm2'])
    expect(api.open()).toHaveLength(1)
    expect(conn.status.value).toBe('open')
    conn.close()
  })

  it('a repeated hidden event does not restart the countdown', async () => {
    const api = fakeApi()
    const doc = fakeDocument()
    const { conn } = connect(api, { document: doc, heartbeat: 600_000 })
    await settle()
    doc.set('hidden')
    await vi.advanceTimersByTimeAsync(30_000)
    doc.set('hidden')
    await vi.advanceTimersByTimeAsync(30_000)
    expect(conn.status.value).toBe('paused')
    conn.close()
  })

  it('a tab opened hidden pauses after the delay too', async () => {
    const api = fakeApi()
    const doc = fakeDocument()
    doc.visibilityState = 'hidden'
    const { conn } = connect(api, { document: doc, hiddenAfter: 10_000 })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(conn.status.value).toBe('paused')
    conn.close()
  })
})

describe('typing', () => {
  it('posts the ids with the token header, at most once per 3 s', async () => {
    const api = fakeApi()
    const { conn } = connect(api)
    await settle()
    for (let i = 0; i < 10; i++) {
      conn.typing()
      await vi.advanceTimersByTimeAsync(290)
    }
    await settle()
    expect(api.typing).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(TYPING_EVERY - 2900)
    conn.typing()
    conn.typing()
    await settle()
    expect(api.typing).toHaveLength(2)
    expect(api.typing[0]!.body).toEqual(ids)
    expect(api.typing[0]!.headers.get('x-bp-token')).toBe(TOKEN)
    expect(api.typing[0]!.headers.get('content-type')).toBe('application/json')
    const post = api.fetch.mock.calls.find(([u]) => String(u).endsWith('/typing'))
    expect(String(post?.[0])).toBe(`${API}/inbox/direct/typing`)
    expect(post?.[1]?.method).toBe('POST')
    conn.close()
    await vi.advanceTimersByTimeAsync(TYPING_EVERY)
    conn.typing()
    await settle()
    expect(api.typing).toHaveLength(2)
  })

  it('a failing typing request is ignored', async () => {
    const api = fakeApi()
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/typing')) throw new TypeError('Failed to fetch')
      return api.fetch(input, init)
    })
    const { conn } = connect(api, { fetch: fetch as typeof globalThis.fetch })
    await settle()
    conn.typing()
    await settle()
    expect(conn.status.value).toBe('open')
    conn.close()
  })
})

describe('refusals', () => {
  it('401: stops with one E_TOKEN line and nothing left running', async () => {
    const api = fakeApi()
    api.reply = 401
    const { conn } = connect(api)
    await settle()
    expect(conn.status.value).toBe('closed')
    expect(lines(errors, 'E_TOKEN')).toEqual([
      ['[Reekolect] E_TOKEN: the live chat stream was rejected with 401 — check data-token'],
    ])
    const calls = api.fetch.mock.calls.length
    await vi.advanceTimersByTimeAsync(600_000)
    expect(api.fetch.mock.calls.length).toBe(calls)
    expect(vi.getTimerCount()).toBe(0)
    expect(errors).toHaveBeenCalledTimes(1)
  })

  it('403: stops with one E_FORBIDDEN line', async () => {
    const api = fakeApi()
    api.reply = 403
    const { conn } = connect(api)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(conn.status.value).toBe('closed')
    expect(lines(errors, 'E_FORBIDDEN')).toEqual([
      [
        '[Reekolect] E_FORBIDDEN: the live chat stream was rejected with 403 — allow this site’s origin for the token',
      ],
    ])
  })

  it('401 on the catch-up stops the stream too', async () => {
    const api = fakeApi()
    api.messagesStatus = 401
    const { conn } = connect(api)
    await settle()
    expect(conn.status.value).toBe('closed')
    expect(api.streams[0]!.signal.aborted).toBe(true)
    expect(lines(errors, 'E_TOKEN')).toHaveLength(1)
  })

  it('404 (no live chat endpoint on this platform): stops quietly with one W_LIVE line', async () => {
    // W_ lines are once per page: a fresh page (module graph) for this one.
    vi.resetModules()
    const fresh = await import('./stream')
    const api = fakeApi()
    api.reply = 404
    const conn = fresh.createLiveConnection({
      api: API,
      token: TOKEN,
      ids: () => ids,
      fetch: api.fetch as typeof fetch,
      locks: null,
      document: null,
    })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(conn.status.value).toBe('closed')
    expect(errors).not.toHaveBeenCalled()
    expect(lines(warnings, 'W_LIVE')).toEqual([
      [
        '[Reekolect] W_LIVE: the live chat stream answered 404, so agents’ replies cannot arrive — serve the live chat endpoints of docs/platform-api.md on the API origin',
      ],
    ])
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('close()', () => {
  it('stops everything in every state: no request, no timer, no callback', async () => {
    const states: Array<(api: Api, doc: ReturnType<typeof fakeDocument>) => Promise<void>> = [
      async () => settle(), // open
      async (api) => {
        await settle()
        api.streams[0]!.end() // waiting to reconnect
        await settle()
      },
      async () => {
        await vi.advanceTimersByTimeAsync(110_000) // polling (nothing flows)
      },
      async (_, doc) => {
        await settle()
        doc.set('hidden') // hidden, not yet paused
      },
      async (api) => {
        // Polling, a poll under way.
        await vi.advanceTimersByTimeAsync(110_000)
        api.slow = true
        await vi.advanceTimersByTimeAsync(15_000)
        expect(api.inflight.size).toBe(1)
      },
      async (_, doc) => {
        await settle()
        doc.set('hidden')
        await vi.advanceTimersByTimeAsync(60_000) // paused
      },
    ]
    for (const reach of states) {
      const api = fakeApi()
      const doc = fakeDocument()
      const { conn, got } = connect(api, { document: doc })
      await reach(api, doc)
      const name = conn.status.value
      conn.close()
      conn.close()
      expect(conn.status.value).toBe('closed')
      expect(vi.getTimerCount(), name).toBe(0)
      for (const s of api.streams) expect(s.signal.aborted, name).toBe(true)
      // A poll under way is aborted.
      for (const signal of api.inflight) expect(signal.aborted, name).toBe(true)
      api.slow = false
      api.release()
      await settle()
      expect(vi.getTimerCount(), name).toBe(0)
      expect(api.inflight.size, name).toBe(0)
      const calls = api.fetch.mock.calls.length
      api.add(msg('late'))
      doc.set('visible')
      await vi.advanceTimersByTimeAsync(600_000)
      expect(api.fetch.mock.calls.length, name).toBe(calls)
      expect(got, name).toEqual([])
    }
  })
})

/**
 * Web Locks in memory (Node has no `navigator.locks`): exclusive, granted in
 * request order, `ifAvailable` and `signal` as in the W3C Web Locks API.
 */
function fakeLocks() {
  const held = new Set<string>()
  const queue: { name: string; grant: () => void }[] = []
  const next = (name: string) => queue.find((q) => q.name === name)
  const locks: LocksLike & { held: Set<string> } = {
    held,
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        const grant = () => {
          held.add(name)
          Promise.resolve()
            .then(() => callback({ name }))
            .then(resolve, reject)
            .finally(() => {
              held.delete(name)
              const q = next(name)
              if (q) {
                queue.splice(queue.indexOf(q), 1)
                q.grant()
              }
            })
        }
        if (!held.has(name) && !next(name)) return grant()
        if (options.ifAvailable) return Promise.resolve(callback(null)).then(resolve, reject)
        const entry = { name, grant }
        queue.push(entry)
        options.signal?.addEventListener('abort', () => {
          const i = queue.indexOf(entry)
          if (i < 0) return
          queue.splice(i, 1)
          reject(new DOMException('aborted', 'AbortError'))
        })
      })
    },
  }
  return locks
}

/** Node's own BroadcastChannel delivers on the event loop, not on the fake clock. */
const realTimeout = globalThis.setTimeout
const loop = async () => {
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => realTimeout(r, 5))
    await settle()
  }
}

describe('one stream per visitor per browser', () => {
  let n = 0
  /** Two tabs of one visitor (a duplicated tab): shared locks, Node's BroadcastChannel. */
  function tabs(api: Api, locks = fakeLocks(), extra: Partial<LiveOptions> = {}) {
    const visitor = { ...ids, uuid: `dup-${++n}` }
    const tab = (more: Partial<LiveOptions> = {}) =>
      connect(api, { ids: () => visitor, locks, channel: undefined, ...extra, ...more })
    return { tab, locks, visitor }
  }

  it('two tabs of one UUID: one stream; both show every message, typing and status', async () => {
    const api = fakeApi()
    const { tab } = tabs(api)
    const typed: string[] = []
    const a = tab()
    await loop()
    const b = tab({ onTyping: (agent) => typed.push(agent.name) })
    await loop()
    expect(api.streams).toHaveLength(1)
    expect(a.conn.status.value).toBe('open')
    expect(b.conn.status.value).toBe('open')
    api.add(msg('m1'))
    api.add(msg('v1', 'and another thing', 'visitor'))
    api.streams[0]!.send(`event: typing\ndata: ${JSON.stringify({ agent: sam })}\n\n`)
    await loop()
    expect(a.texts()).toEqual(['m1', 'v1'])
    expect(b.texts()).toEqual(['m1', 'v1'])
    expect(typed).toEqual(['Sam'])
    expect(api.streams).toHaveLength(1)
    // One catch-up each: the streaming tab's, and the joining tab's own.
    expect(api.gets).toHaveLength(2)
    // The streaming tab's state is shown in the other tab.
    api.streams[0]!.end()
    await loop()
    expect(b.conn.status.value).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(1000)
    await loop()
    expect(b.conn.status.value).toBe('open')
    expect(api.streams).toHaveLength(2)
    a.conn.close()
    b.conn.close()
  })

  it('a hidden waiting tab leaves the queue: it does not stream while hidden', async () => {
    const api = fakeApi()
    const docB = fakeDocument()
    const { tab } = tabs(api, fakeLocks(), { heartbeat: 600_000 })
    const a = tab()
    await loop()
    const b = tab({ document: docB })
    await loop()
    docB.set('hidden')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(b.conn.status.value).toBe('paused')
    a.conn.close()
    await loop()
    expect(api.streams).toHaveLength(1)
    expect(api.open()).toHaveLength(0)
    docB.set('visible')
    await loop()
    expect(api.open()).toHaveLength(1)
    expect(b.conn.status.value).toBe('open')
    b.conn.close()
  })

  it('the streaming tab closes: the other takes the lock and resumes from its newest message', async () => {
    const api = fakeApi()
    const { tab } = tabs(api)
    const a = tab()
    await loop()
    const b = tab()
    await loop()
    api.add(msg('m1'))
    await loop()
    a.conn.close()
    await loop()
    expect(api.streams).toHaveLength(2)
    expect(api.streams[0]!.signal.aborted).toBe(true)
    expect(api.streams[1]!.headers.get('last-event-id')).toBe('m1')
    api.add(msg('m2'))
    await loop()
    expect(b.texts()).toEqual(['m1', 'm2'])
    expect(a.texts()).toEqual(['m1'])
    expect(b.conn.status.value).toBe('open')
    b.conn.close()
  })

  it('the streaming tab is hidden: a visible tab streams instead; back, it follows', async () => {
    const api = fakeApi()
    const docA = fakeDocument()
    const { tab } = tabs(api, fakeLocks(), { heartbeat: 600_000 })
    const a = tab({ document: docA })
    await loop()
    const b = tab({ document: fakeDocument() })
    await loop()
    docA.set('hidden')
    await vi.advanceTimersByTimeAsync(60_000)
    await loop()
    expect(a.conn.status.value).toBe('paused')
    expect(api.open()).toHaveLength(1)
    expect(api.streams).toHaveLength(2)
    api.add(msg('m1'))
    await loop()
    // A hidden tab still hears the streaming one: free, and up to date on return.
    expect(a.texts()).toEqual(['m1'])
    docA.set('visible')
    await loop()
    expect(api.open()).toHaveLength(1)
    expect(a.conn.status.value).toBe('open')
    a.conn.close()
    b.conn.close()
  })

  it('a tab joining late catches up on what it missed', async () => {
    const api = fakeApi()
    const { tab } = tabs(api)
    const a = tab()
    await loop()
    api.add(msg('m1'))
    api.add(msg('m2'))
    await loop()
    const b = tab({ lastId: 'm1' })
    await loop()
    expect(b.texts()).toEqual(['m2'])
    expect(api.streams).toHaveLength(1)
    a.conn.close()
    b.conn.close()
  })

  it('Web Locks refused (a sandboxed frame): the tab streams on its own', async () => {
    const api = fakeApi()
    const locks: LocksLike = {
      request: () => Promise.reject(new DOMException('opaque origin', 'SecurityError')),
    }
    const { conn } = connect(api, { locks, channel: undefined })
    await loop()
    expect(api.streams).toHaveLength(1)
    expect(conn.status.value).toBe('open')
    conn.close()
  })

  it('other UUIDs, or no Web Locks: each tab streams on its own', async () => {
    const api = fakeApi()
    const locks = fakeLocks()
    const one = tabs(api, locks).tab()
    const other = tabs(api, locks).tab()
    await loop()
    expect(api.streams).toHaveLength(2)
    const c = connect(api, { locks: null })
    const d = connect(api, { locks: null })
    await loop()
    expect(api.streams).toHaveLength(4)
    for (const t of [one, other, c, d]) t.conn.close()
    await settle()
    expect(locks.held.size).toBe(0)
  })
})
