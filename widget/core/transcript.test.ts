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
  createTranscript,
  follow,
  MAX_BATCH,
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

describe('naming the entries', () => {
  it('names each entry with the UUID it is sent with, before it is sent', async () => {
    const server = fakeServer()
    const named = new Map<number, string>()
    /** Ids of messages that were sent before the chat knew them. */
    const unnamed: string[] = []
    const t = createTranscript(memoryKv(), (body, keepalive) => {
      const known = new Set(named.values())
      unnamed.push(...body.messages.filter((m) => !known.has(m.id)).map((m) => m.id))
      return server.post(body, keepalive)
    })
    await t.add(IDS, entries(3), (sids) => {
      for (const [id, sid] of sids) named.set(id, sid)
    })
    await settle()
    expect(server.requests).not.toHaveLength(0)
    expect(unnamed).toEqual([])
    expect([...named.keys()]).toEqual([1, 2, 3])
    expect(server.stored.get(IDS.uuid)?.map((m) => m.id)).toEqual([...named.values()])
  })

  it('never sends an entry that has an inbox id: it came from the inbox (another tab wrote it)', async () => {
    const server = fakeServer()
    const t = createTranscript(memoryKv(), server.post)
    const [a, b, c] = entries(3)
    await t.add(IDS, [
      a as Message,
      { ...(b as Message), sid: '5c0a3f0e-2b8e-4a57-9d2e-3f1c6b7a8e90' },
      c as Message,
    ])
    await settle()
    expect(texts(server)).toEqual(['m1', 'm3'])
  })
})

describe('follow', () => {
  it('keeps each sent UUID as the entry’s sid in the state, and saves the chat', async () => {
    const server = fakeServer()
    const messages = signal<Message[]>([])
    const save = vi.fn()
    const stop = follow(
      { messages },
      createTranscript(memoryKv(), server.post),
      () => IDS,
      fakeWindow(),
      save,
    )
    messages.value = entries(2)
    await settle()
    expect(messages.value.map((m) => m.sid)).toEqual(server.stored.get(IDS.uuid)?.map((m) => m.id))
    expect(save).toHaveBeenCalled()
    // Naming changes the list, not what is new: nothing is stored or sent again.
    const requests = server.requests.length
    messages.value = [...messages.value]
    await settle()
    expect(server.requests.length).toBe(requests)
    stop()
  })

  it('a reset meanwhile: the new visitor’s entries do not get the old one’s UUIDs', async () => {
    const server = fakeServer()
    const messages = signal<Message[]>([])
    let ids = IDS
    const stop = follow(
      { messages },
      createTranscript(memoryKv(), server.post),
      () => ids,
      fakeWindow(),
    )
    messages.value = entries(1)
    ids = { ...IDS, uuid: '0b6f3c1e-4d2a-4c8e-9f10-2a3b4c5d6e7f' }
    await settle()
    expect(messages.value[0]?.sid).toBeUndefined()
    stop()
  })

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
