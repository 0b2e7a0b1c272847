/**
 * The transcript outbox, against a fake messages endpoint that behaves like the
 * demo server (idempotent on message id, order kept): what the business finally
 * sees in its inbox, whatever the network did meanwhile.
 */
import { signal } from '@preact/signals-core'
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import type { LeadIds } from './lead'
import type { SendResult } from './outbox'
import type { Message } from './state'
import { type Kv, memoryKv } from './storage'
import {
  createMessagesSender,
  createTranscript,
  follow,
  KEEPALIVE_BYTES,
  MAX_BATCH,
  MAX_QUEUE,
  type MessagesBody,
  TRANSCRIPT_KEY,
  type TranscriptRecord,
} from './transcript'

const IDS: LeadIds = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'b', customerId: 'c' }
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** Transcript entries 1..n, alternating bot and visitor. */
const entries = (n: number, from = 1): Message[] =>
  Array.from({ length: n }, (_, i) => ({
    id: from + i,
    from: (from + i) % 2 ? 'bot' : 'visitor',
    text: `m${from + i}`,
    at: Date.UTC(2026, 11, 3, 10, 0, from + i),
  }))

/**
 * The messages endpoint: keeps each conversation in the order received,
 * idempotent on id; `answers` are consumed one per request (a status, or 'drop'
 * for a network error); when empty, 200.
 */
function fakeServer() {
  const stored = new Map<string, { id: string; by: string; text: string; at: string }[]>()
  const requests: { body: MessagesBody; keepalive: boolean }[] = []
  const answers: (number | 'drop' | SendResult)[] = []
  const handoffs: string[] = []
  const post = vi.fn(async (body: MessagesBody, keepalive: boolean): Promise<SendResult> => {
    requests.push({ body: structuredClone(body), keepalive })
    const a = answers.shift() ?? 200
    if (a === 'drop') throw new TypeError('Failed to fetch')
    const res = typeof a === 'number' ? { status: a } : a
    if (res.status === 200) {
      const list = stored.get(body.uuid) ?? []
      for (const m of body.messages) if (!list.some((x) => x.id === m.id)) list.push(m)
      stored.set(body.uuid, list)
      if (body.handoff) handoffs.push(`${body.uuid}@${list.length}`)
    }
    return res
  })
  return { stored, requests, answers, handoffs, post }
}

let warn: MockInstance<typeof console.warn>
beforeEach(() => {
  vi.useFakeTimers()
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** Runs timers and promise callbacks until nothing is left to do (or `ms` have passed). */
const settle = async (ms = 120_000) => {
  await vi.advanceTimersByTimeAsync(ms)
}

const texts = (server: ReturnType<typeof fakeServer>, uuid = IDS.uuid) =>
  (server.stored.get(uuid) ?? []).map((m) => m.text)

describe('createTranscript', () => {
  it('sends every entry once, in order, each with a UUID, `by` and an ISO time', async () => {
    const server = fakeServer()
    const t = createTranscript(memoryKv(), server.post)
    await t.add(IDS, entries(3))
    await t.add(IDS, entries(5))
    await settle()
    expect(texts(server)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'])
    const [first] = server.stored.get(IDS.uuid) ?? []
    expect(first).toEqual({
      id: expect.stringMatching(V4),
      by: 'bot',
      text: 'm1',
      at: '2026-12-03T10:00:01.000Z',
    })
    expect(server.stored.get(IDS.uuid)?.[1]?.by).toBe('visitor')
    expect(server.requests.every((r) => r.body.botId === 'b' && r.body.customerId === 'c')).toBe(
      true,
    )
  })

  it('sends a file’s message with its attachment, and the others without the field', async () => {
    const server = fakeServer()
    const t = createTranscript(memoryKv(), server.post)
    const attachment = {
      id: 'f1',
      url: 'https://api.example/inbox/direct/attachments/f1',
      name: 'shot.png',
      size: 120,
      type: 'image/png',
    }
    await t.add(IDS, [
      ...entries(1),
      { id: 2, from: 'visitor', text: 'shot.png', at: 1, attachment },
    ])
    await settle()
    const sent = server.requests[0]?.body.messages
    expect(sent?.[1]).toMatchObject({ by: 'visitor', text: 'shot.png', attachment })
    expect(sent?.[0]).not.toHaveProperty('attachment')
  })

  it('never posts agent messages back: they came from the inbox', async () => {
    const server = fakeServer()
    const t = createTranscript(memoryKv(), server.post)
    const agent: Message = {
      id: 3,
      from: 'agent',
      text: 'Hi, Sam here',
      at: Date.UTC(2026, 11, 3, 10, 1),
      agent: { name: 'Sam' },
      sid: '0b6a3c4e-8c1e-4f7a-9a49-6d0c1b1f9e11',
    }
    await t.add(IDS, [...entries(2), agent, ...entries(1, 4)])
    // Stored again with the same list: the agent message is past, nothing is added twice.
    await t.add(IDS, [...entries(2), agent, ...entries(1, 4)])
    await settle()
    expect(texts(server)).toEqual(['m1', 'm2', 'm4'])
  })

  it('tells the chat each message’s UUID once stored, before it is sent, and which the platform accepted', async () => {
    const server = fakeServer()
    server.answers.push(503)
    const events: string[] = []
    const stored = new Map<number, string>()
    const t = createTranscript(memoryKv(), server.post, {
      random: () => 0,
      stored: (uuid, sids) => {
        events.push(`stored ${uuid} ${[...sids.keys()]} after ${server.requests.length} requests`)
        for (const [k, v] of sids) stored.set(k, v)
      },
      delivered: (uuid, ids) => events.push(`delivered ${uuid} ${ids.length}`),
    })
    await t.add(IDS, entries(3))
    await settle()
    // The ids the platform holds are the ones the chat was told.
    expect(server.stored.get(IDS.uuid)?.map((m) => m.id)).toEqual([...stored.values()])
    expect(events).toEqual([
      `stored ${IDS.uuid} 1,2,3 after 0 requests`,
      // The 503 delivered nothing; the retry did.
      `delivered ${IDS.uuid} 3`,
    ])
  })

  it('sends a message under the UUID it already has (a chat restored without its record)', async () => {
    const server = fakeServer()
    const t = createTranscript(memoryKv(), server.post)
    const [bot, visitor] = entries(2)
    const known = '2c5e8a0b-1f3d-4b6a-8c9e-0d1f2a3b4c5d'
    await t.add(IDS, [bot as Message, { ...(visitor as Message), sid: known }])
    await settle()
    expect(server.stored.get(IDS.uuid)?.map((m) => m.id)).toEqual([
      expect.stringMatching(V4),
      known,
    ])
  })

  it(`posts at most ${MAX_BATCH} messages per request, oldest first`, async () => {
    const server = fakeServer()
    const t = createTranscript(memoryKv(), server.post)
    await t.add(IDS, entries(120))
    await settle()
    expect(server.requests.map((r) => r.body.messages.length)).toEqual([50, 50, 20])
    expect(texts(server)).toEqual(entries(120).map((m) => m.text))
  })

  it('retries after network errors and 5xx with the same ids: nothing lost, nothing twice', async () => {
    const server = fakeServer()
    server.answers.push('drop', 503, 500, 'drop', 429)
    const t = createTranscript(memoryKv(), server.post, { random: () => 0 })
    await t.add(IDS, entries(4))
    await settle()
    expect(server.requests.length).toBe(6)
    // Every attempt carried the same message ids: the server could de-duplicate.
    const ids = server.requests.map((r) => r.body.messages.map((m) => m.id).join())
    expect(new Set(ids).size).toBe(1)
    expect(texts(server)).toEqual(['m1', 'm2', 'm3', 'm4'])
  })

  it('tells the chat when sends start failing and when one is accepted again', async () => {
    const server = fakeServer()
    server.answers.push(503, 'drop')
    const seen: boolean[] = []
    const t = createTranscript(memoryKv(), server.post, {
      random: () => 0,
      failing: (f) => seen.push(f),
    })
    await t.add(IDS, entries(2))
    await settle()
    expect(seen).toEqual([true, true, false])
    // Accepted at once: nothing to tell.
    await t.add(IDS, entries(1, 3))
    await settle()
    expect(seen).toEqual([true, true, false])
  })

  it('a lost answer (stored, then the connection dropped) duplicates nothing on the retry', async () => {
    const server = fakeServer()
    // The server stores the batch, but the visitor's browser never sees the 200.
    server.post.mockImplementationOnce(async (body: MessagesBody) => {
      server.requests.push({ body, keepalive: false })
      server.stored.set(body.uuid, [...body.messages])
      throw new TypeError('Failed to fetch')
    })
    const t = createTranscript(memoryKv(), server.post, { random: () => 0 })
    await t.add(IDS, entries(3))
    await settle()
    expect(server.requests.length).toBe(2)
    expect(texts(server)).toEqual(['m1', 'm2', 'm3'])
  })

  it('waits for Retry-After on 429', async () => {
    const server = fakeServer()
    server.answers.push({ status: 429, retryAfter: '30' })
    const t = createTranscript(memoryKv(), server.post, { random: () => 0 })
    await t.add(IDS, entries(1))
    await vi.advanceTimersByTimeAsync(29_000)
    expect(server.requests.length).toBe(1)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(server.requests.length).toBe(2)
    expect(texts(server)).toEqual(['m1'])
  })

  it('keeps what waits in storage: the next page sends it, once', async () => {
    const kv = memoryKv()
    const first = fakeServer()
    first.answers.push('drop', 'drop', 'drop')
    const page1 = createTranscript(kv, first.post, { random: () => 0 })
    await page1.add(IDS, entries(3))
    await vi.advanceTimersByTimeAsync(1_000)
    page1.dispose()
    expect(first.stored.size).toBe(0)

    const next = fakeServer()
    const page2 = createTranscript(kv, next.post)
    // The restored conversation is handed over again: it is not stored twice.
    await page2.add(IDS, entries(3))
    await page2.flush()
    await settle()
    expect(texts(next)).toEqual(['m1', 'm2', 'm3'])
    const rec = (await kv.get<Record<string, TranscriptRecord>>(TRANSCRIPT_KEY))?.[IDS.uuid]
    expect(rec?.queue).toEqual([])
  })

  it('stops on 404 (no messages endpoint) with one W_TRANSCRIPT line, keeping the messages', async () => {
    const kv = memoryKv()
    const server = fakeServer()
    server.answers.push(404, 404, 404)
    const t = createTranscript(kv, server.post)
    await t.add(IDS, entries(2))
    await t.add(IDS, entries(4))
    await settle()
    expect(server.requests.length).toBe(1)
    const lines = warn.mock.calls.map((c) => String(c[0]))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^\[Reekolect\] W_TRANSCRIPT: the API has no messages endpoint \(404\)/,
    )
    const rec = (await kv.get<Record<string, TranscriptRecord>>(TRANSCRIPT_KEY))?.[IDS.uuid]
    expect(rec?.queue.map((m) => m.text)).toEqual(['m1', 'm2', 'm3', 'm4'])
  })

  it('sends the hand-off after every message stored before it, then clears it', async () => {
    const server = fakeServer()
    const t = createTranscript(memoryKv(), server.post)
    await t.add(IDS, entries(60))
    await t.handoff(IDS)
    await settle()
    // 50, then 10 with the hand-off: the server saw all 60 first.
    expect(server.requests.map((r) => [r.body.messages.length, !!r.body.handoff])).toEqual([
      [50, false],
      [10, true],
    ])
    expect(server.handoffs).toEqual([`${IDS.uuid}@60`])
    await t.add(IDS, entries(61))
    await settle()
    expect(server.requests.at(-1)?.body.handoff).toBeUndefined()
  })

  it('on page hide posts what waits with keepalive, from memory, at once', async () => {
    const server = fakeServer()
    server.answers.push('drop')
    const t = createTranscript(memoryKv(), server.post, { random: () => 0.99 })
    await t.add(IDS, entries(2))
    await vi.advanceTimersByTimeAsync(0)
    const before = server.requests.length
    void t.flush(true)
    expect(server.requests.length).toBe(before + 1)
    expect(server.requests.at(-1)?.keepalive).toBe(true)
    await settle()
    expect(texts(server)).toEqual(['m1', 'm2'])
  })

  it('tells whether messages wait (for the next page to load the chat and send them)', async () => {
    const server = fakeServer()
    server.answers.push('drop')
    const seen: boolean[] = []
    const t = createTranscript(memoryKv(), server.post, {
      random: () => 0,
      pending: (w) => seen.push(w),
    })
    await t.add(IDS, entries(1))
    await settle()
    expect(seen).toContain(true)
    expect(seen.at(-1)).toBe(false)
  })
})

/** A window stand-in: page events and the document's visibility. */
const fakeWindow = () => {
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' })
  return Object.assign(new EventTarget(), { document: doc }) as unknown as Window
}

describe('entries the inbox has', () => {
  it('never sends an entry marked delivered: another tab wrote it, and the stream brought it', async () => {
    const server = fakeServer()
    const t = createTranscript(memoryKv(), server.post)
    const [a, b, c] = entries(3)
    await t.add(IDS, [
      a as Message,
      { ...(b as Message), sid: '5c0a3f0e-2b8e-4a57-9d2e-3f1c6b7a8e90', ack: 'delivered' },
      c as Message,
    ])
    await settle()
    expect(texts(server)).toEqual(['m1', 'm3'])
  })
})

describe('follow', () => {
  it('stores each new entry of the conversation for the visitor of the moment', async () => {
    const server = fakeServer()
    const kv: Kv = memoryKv()
    const messages = signal<Message[]>([])
    let ids = IDS
    const stop = follow({ messages }, createTranscript(kv, server.post), () => ids, fakeWindow())
    messages.value = entries(2)
    messages.value = entries(3)
    await settle()
    expect(texts(server)).toEqual(['m1', 'm2', 'm3'])
    // reset: a new visitor, a new conversation numbered from 1 again.
    ids = { ...IDS, uuid: '0b6f3c1e-4d2a-4c8e-9f10-2a3b4c5d6e7f' }
    messages.value = []
    messages.value = entries(1)
    await settle()
    expect(texts(server, ids.uuid)).toEqual(['m1'])
    expect(texts(server)).toEqual(['m1', 'm2', 'm3'])
    stop()
    messages.value = entries(2)
    await settle()
    expect(texts(server, ids.uuid)).toEqual(['m1'])
  })

  it('sends with keepalive when the page is left, and at once when the network returns', async () => {
    const server = fakeServer()
    server.answers.push('drop')
    const win = fakeWindow()
    const messages = signal<Message[]>(entries(2))
    const stop = follow(
      { messages },
      createTranscript(memoryKv(), server.post, { random: () => 0.99 }),
      () => IDS,
      win,
    )
    await vi.advanceTimersByTimeAsync(0)
    expect(server.requests).toHaveLength(1)
    win.dispatchEvent(new Event('pagehide'))
    expect(server.requests.at(-1)?.keepalive).toBe(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(texts(server)).toEqual(['m1', 'm2'])
    // The first attempt's backoff (about a second) still runs: m3 waits for it...
    messages.value = entries(3)
    await vi.advanceTimersByTimeAsync(0)
    expect(texts(server)).toEqual(['m1', 'm2'])
    // ...unless the network returns.
    win.dispatchEvent(new Event('online'))
    await vi.advanceTimersByTimeAsync(0)
    expect(texts(server)).toEqual(['m1', 'm2', 'm3'])
    stop()
  })
})

/** The stored transcript records, by visitor UUID. */
const stored = async (kv: Kv) =>
  (await kv.get<Record<string, TranscriptRecord>>(TRANSCRIPT_KEY)) ?? {}

describe('createTranscript: storage, answers and limits', () => {
  const DAY = 86_400_000

  it('drops stored records of another shape, and delivered ones unchanged past the retention', async () => {
    const kv = memoryKv()
    const t0 = Date.UTC(2026, 11, 3)
    const record = (uuid: string, r: Partial<TranscriptRecord>) => ({
      s: 1,
      ids: { ...IDS, uuid },
      last: 3,
      queue: [],
      at: t0,
      ...r,
    })
    const waiting = {
      id: 'a',
      by: 'visitor',
      text: 'still waiting',
      at: new Date(t0).toISOString(),
    }
    await kv.set(TRANSCRIPT_KEY, {
      delivered: record('delivered', {}),
      edge: record('edge', { at: t0 + 1 }),
      queued: record('queued', { queue: [waiting] as TranscriptRecord['queue'] }),
      handoff: record('handoff', { handoff: true }),
      old: { ...record('old', {}), s: 2 },
      noQueue: { ...record('noQueue', {}), queue: 'x' },
      noLast: { ...record('noLast', {}), last: '3' },
      noIds: { ...record('noIds', {}), ids: undefined },
      nothing: null,
    })
    const server = fakeServer()
    const t = createTranscript(kv, server.post, { now: () => t0 + DAY + 1, keep: DAY })
    await t.flush()
    await settle()
    // Only the records still needed: waiting messages, a hand-off, one delivered exactly `keep` ago.
    expect(Object.keys(await stored(kv)).sort()).toEqual(['edge', 'handoff', 'queued'])
    expect(texts(server, 'queued')).toEqual(['still waiting'])
    expect(server.handoffs).toEqual(['handoff@0'])
  })

  it('reads a store that holds no records map as empty', async () => {
    for (const raw of [null, 'corrupt', 42]) {
      const kv = memoryKv(new Map([[TRANSCRIPT_KEY, raw]]))
      const server = fakeServer()
      const t = createTranscript(kv, server.post)
      await t.add(IDS, entries(1))
      await settle()
      expect(texts(server)).toEqual(['m1'])
    }
  })

  it('treats any 2xx as accepted and a 3xx as a failure to retry', async () => {
    const server = fakeServer()
    server.answers.push({ status: 302 }, { status: 204 })
    const kv = memoryKv()
    const t = createTranscript(kv, server.post, { random: () => 0 })
    await t.add(IDS, entries(1))
    await settle()
    // 302 (not accepted), then 204: accepted, nothing left to send.
    expect(server.requests).toHaveLength(2)
    expect((await stored(kv))[IDS.uuid]?.queue).toEqual([])
    await settle()
    expect(server.requests).toHaveLength(2)
  })

  it('waits for Retry-After on 503, and ignores it on other failures (plain backoff)', async () => {
    const server = fakeServer()
    server.answers.push({ status: 503, retryAfter: '20' }, { status: 500, retryAfter: '120' })
    const t = createTranscript(memoryKv(), server.post, { random: () => 0 })
    await t.add(IDS, entries(1))
    await vi.advanceTimersByTimeAsync(19_000)
    expect(server.requests).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1_500)
    expect(server.requests).toHaveLength(2)
    // The 500's Retry-After is not the server asking for a pause: retried within seconds.
    await vi.advanceTimersByTimeAsync(5_000)
    expect(server.requests).toHaveLength(3)
    expect(texts(server)).toEqual(['m1'])
  })

  it('keeps the newest messages when too many wait, with one W_TRANSCRIPT line', async () => {
    // A fresh module graph: W_ lines are once per page (loader/log.ts), and an earlier test had one.
    vi.resetModules()
    const fresh = await import('./transcript')
    const kv = memoryKv()
    const server = fakeServer()
    server.answers.push('drop')
    const t = fresh.createTranscript(kv, server.post, { random: () => 0.99 })
    await t.add(IDS, entries(MAX_QUEUE + 5))
    const queue = (await stored(kv))[IDS.uuid]?.queue ?? []
    expect(queue).toHaveLength(MAX_QUEUE)
    expect(queue[0]?.text).toBe('m6')
    expect(queue.at(-1)?.text).toBe(`m${MAX_QUEUE + 5}`)
    const lines = warn.mock.calls.map((c) => String(c[0]))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\[Reekolect\] W_TRANSCRIPT: more than 1000 messages wait/)
    await settle()
    expect(server.stored.get(IDS.uuid)).toHaveLength(MAX_QUEUE)
  })

  it("keeps each keepalive request under the browsers' 64 KiB limit, and a message over it still goes alone", async () => {
    const server = fakeServer()
    server.answers.push('drop')
    const t = createTranscript(memoryKv(), server.post, { random: () => 0.99 })
    const big = (n: number, chars: number): Message[] =>
      entries(n).map((m) => ({ ...m, text: 'é'.repeat(chars) }))
    await t.add(IDS, big(10, 4000))
    await vi.advanceTimersByTimeAsync(0)
    void t.flush(true)
    const body = server.requests.at(-1)?.body as MessagesBody
    expect(server.requests.at(-1)?.keepalive).toBe(true)
    expect(new TextEncoder().encode(JSON.stringify(body)).length).toBeLessThanOrEqual(
      KEEPALIVE_BYTES,
    )
    expect(body.messages.length).toBeGreaterThan(0)
    expect(body.messages.length).toBeLessThan(10)

    const alone = fakeServer()
    alone.answers.push('drop')
    const t2 = createTranscript(memoryKv(), alone.post, { random: () => 0.99 })
    await t2.add(IDS, big(2, 30_000))
    await vi.advanceTimersByTimeAsync(0)
    void t2.flush(true)
    expect(alone.requests.at(-1)?.body.messages).toHaveLength(1)
  })

  it('on page hide sends a hand-off that waits alone, and keeps messages a keepalive failed to deliver', async () => {
    const kv = memoryKv()
    const server = fakeServer()
    server.answers.push(500, 500)
    const t = createTranscript(kv, server.post, { random: () => 0.99 })
    await t.add(IDS, entries(1))
    await vi.advanceTimersByTimeAsync(0)
    void t.flush(true)
    await vi.advanceTimersByTimeAsync(0)
    // The keepalive got a 500: the message still waits.
    expect((await stored(kv))[IDS.uuid]?.queue.map((m) => m.text)).toEqual(['m1'])

    const other = fakeServer()
    const kv2 = memoryKv()
    const t2 = createTranscript(kv2, other.post)
    await kv2.set(TRANSCRIPT_KEY, {
      [IDS.uuid]: { s: 1, ids: IDS, last: 4, queue: [], handoff: true, at: Date.now() },
    })
    other.answers.push('drop')
    await t2.flush()
    await vi.advanceTimersByTimeAsync(0)
    void t2.flush(true)
    expect(other.requests.at(-1)).toMatchObject({ keepalive: true, body: { handoff: true } })
  })

  it('tells that messages wait while any visitor of the browser has some', async () => {
    const server = fakeServer()
    const seen: boolean[] = []
    const kv = memoryKv()
    const other = { ...IDS, uuid: '0b6f3c1e-4d2a-4c8e-9f10-2a3b4c5d6e7f' }
    const t = createTranscript(kv, server.post, { pending: (w) => seen.push(w) })
    await t.add(IDS, entries(1))
    await settle()
    expect(seen.at(-1)).toBe(false)
    server.answers.push(404)
    await t.add(other, entries(1))
    await settle()
    // The first visitor's conversation is delivered, the other's waits.
    expect(seen.at(-1)).toBe(true)
  })

  it('a keepalive that is accepted empties the queue before any retry', async () => {
    const kv = memoryKv()
    const server = fakeServer()
    server.answers.push('drop')
    const t = createTranscript(kv, server.post, { random: () => 0.99 })
    await t.add(IDS, entries(2))
    await vi.advanceTimersByTimeAsync(0)
    void t.flush(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(server.requests).toHaveLength(2)
    expect((await stored(kv))[IDS.uuid]?.queue).toEqual([])
  })

  for (const [status, why] of [
    [400, 'the platform refused the transcript (400)'],
    [401, 'the transcript was refused with 401: check data-token'],
    [403, 'the transcript was refused with 403: allow this site’s origin for the token'],
    [405, 'the API has no messages endpoint (405)'],
    [413, 'the platform refused a transcript batch as too large (413)'],
  ] as const) {
    it(`stops on ${status} with one W_TRANSCRIPT line that says why, keeping the messages`, async () => {
      vi.resetModules()
      const fresh = await import('./transcript')
      const kv = memoryKv()
      const server = fakeServer()
      server.answers.push(status, status)
      const t = fresh.createTranscript(kv, server.post, { random: () => 0 })
      await t.add(IDS, entries(1))
      await settle()
      expect(server.requests).toHaveLength(1)
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        `[Reekolect] W_TRANSCRIPT: ${why}; the conversation is kept in this browser and not sent — the lead is still delivered; see the live chat endpoints in docs/platform-api.md`,
      ])
      expect((await stored(kv))[IDS.uuid]?.queue).toHaveLength(1)
    })
  }

  it('after dispose, a pending retry never fires', async () => {
    const server = fakeServer()
    server.answers.push('drop')
    const t = createTranscript(memoryKv(), server.post, { random: () => 0 })
    await t.add(IDS, entries(1))
    await vi.advanceTimersByTimeAsync(0)
    expect(server.requests).toHaveLength(1)
    t.dispose()
    await settle()
    expect(server.requests).toHaveLength(1)
    await t.flush()
    expect(server.requests).toHaveLength(1)
  })
})

describe('follow: page events', () => {
  it('a hidden tab sends with keepalive, a shown one retries at once; stopping removes the listeners', async () => {
    const server = fakeServer()
    server.answers.push('drop', 'drop')
    const win = fakeWindow()
    const doc = win.document as unknown as EventTarget & { visibilityState: string }
    const messages = signal<Message[]>(entries(1))
    const stop = follow(
      { messages },
      createTranscript(memoryKv(), server.post, { random: () => 0.99 }),
      () => IDS,
      win,
    )
    await vi.advanceTimersByTimeAsync(0)
    expect(server.requests).toHaveLength(1)
    doc.visibilityState = 'hidden'
    doc.dispatchEvent(new Event('visibilitychange'))
    expect(server.requests.at(-1)?.keepalive).toBe(true)
    await vi.advanceTimersByTimeAsync(0)
    doc.visibilityState = 'visible'
    doc.dispatchEvent(new Event('visibilitychange'))
    await vi.advanceTimersByTimeAsync(0)
    expect(server.requests.at(-1)?.keepalive).toBe(false)
    expect(texts(server)).toEqual(['m1'])

    stop()
    const before = server.requests.length
    messages.value = entries(2)
    win.dispatchEvent(new Event('online'))
    win.dispatchEvent(new Event('pagehide'))
    doc.dispatchEvent(new Event('visibilitychange'))
    await settle()
    expect(server.requests).toHaveLength(before)
  })

  it('stores nothing for an empty conversation', async () => {
    const kv = memoryKv()
    const stop = follow(
      { messages: signal<Message[]>([]) },
      createTranscript(kv, fakeServer().post),
      () => IDS,
      fakeWindow(),
    )
    await settle()
    expect((await stored(kv))[IDS.uuid]).toBeUndefined()
    stop()
  })
})

describe('createMessagesSender', () => {
  it('POSTs JSON to {api}/inbox/direct/messages with x-bp-token, never in the URL, and returns any answer', async () => {
    const calls: Request[] = []
    const bodies: string[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: Request) => {
        calls.push(input)
        bodies.push(await input.clone().text())
        return new Response('{"success":false}', {
          status: 429,
          headers: { 'retry-after': '7', 'content-type': 'application/json' },
        })
      }),
    )
    try {
      const post = createMessagesSender({ apiUrl: 'https://api.example.com/v1', token: 's3cret' })
      const body: MessagesBody = { ...IDS, messages: [], handoff: true }
      expect(await post(body, true)).toEqual({ status: 429, retryAfter: '7' })
      const req = calls[0] as Request
      expect(req.method).toBe('POST')
      expect(req.url).toBe('https://api.example.com/v1/inbox/direct/messages')
      expect(req.url).not.toContain('s3cret')
      expect(req.headers.get('x-bp-token')).toBe('s3cret')
      expect(req.headers.get('content-type')).toBe('application/json')
      expect(req.keepalive).toBe(true)
      expect(JSON.parse(bodies[0] as string)).toEqual(body)
      expect(await post(body, false)).toEqual({ status: 429, retryAfter: '7' })
      expect(calls[1]?.keepalive).toBe(false)
      // One request per call: the outbox does the retrying.
      expect(calls).toHaveLength(2)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('rejects on a network error and when the request takes longer than its timeout', async () => {
    vi.useRealTimers()
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch')
      }),
    )
    try {
      const post = createMessagesSender({ apiUrl: 'https://api.example.com', token: 't' })
      await expect(post({ ...IDS, messages: [] }, false)).rejects.toThrow()
      vi.stubGlobal(
        'fetch',
        vi.fn(
          (input: Request) =>
            new Promise((_, reject) =>
              input.signal.addEventListener('abort', () => reject(input.signal.reason)),
            ),
        ),
      )
      const slow = createMessagesSender({ apiUrl: 'https://api.example.com', token: 't' }, 50)
      await expect(slow({ ...IDS, messages: [] }, false)).rejects.toThrow()
    } finally {
      vi.unstubAllGlobals()
    }
  })
})

describe('follow: an answer streaming in', () => {
  it('sends the newest message only once it is complete, with its whole text; one left pending behind others goes as it is', async () => {
    const server = fakeServer()
    const messages = signal<Message[]>(entries(2))
    const stop = follow(
      { messages },
      createTranscript(memoryKv(), server.post),
      () => IDS,
      fakeWindow(),
    )
    const growing = (text: string, pending = true): Message => ({
      id: 3,
      from: 'bot',
      text,
      at: Date.UTC(2026, 11, 3, 10, 1),
      ...(pending ? { pending } : {}),
    })
    messages.value = [...entries(2), growing('Standard')]
    messages.value = [...entries(2), growing('Standard UK delivery')]
    await settle()
    expect(texts(server)).toEqual(['m1', 'm2'])
    messages.value = [...entries(2), growing('Standard UK delivery is £3.95.', false)]
    await settle()
    expect(texts(server)).toEqual(['m1', 'm2', 'Standard UK delivery is £3.95.'])
    // A stream cut by a reload leaves its message pending; the next message sends it as shown.
    messages.value = [...messages.value, { ...growing('Half an ans'), id: 4 }]
    messages.value = [...messages.value, ...entries(1, 5)]
    await settle()
    expect(texts(server).slice(3)).toEqual(['Half an ans', 'm5'])
    stop()
  })
})
