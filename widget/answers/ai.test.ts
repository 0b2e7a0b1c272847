/**
 * The AI answer endpoint's client (widget/answers/ai.ts, docs/platform-api.md "Our
 * extensions: AI answers"): the request, the stream as it is parsed (however its
 * bytes are cut), and every way it fails, each with one console line a page.
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import type { AiOptions, AiRequest } from './ai'

const BODY: AiRequest = {
  uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f',
  botId: 'b',
  customerId: 'c',
  question: 'how much is shipping',
  locale: 'en',
  history: [{ by: 'bot', text: 'Hi!' }],
}

/** A response streaming `chunks` (strings, cut anywhere), one every `gap` ms (0: at once). */
function streamed(chunks: string[], init: ResponseInit = {}, gap = 0) {
  const enc = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    async start(ctrl) {
      for (const c of chunks) {
        if (gap) await new Promise((r) => setTimeout(r, gap))
        ctrl.enqueue(enc.encode(c))
      }
      ctrl.close()
    },
  })
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
    ...init,
  })
}

let warn: MockInstance<typeof console.warn>
beforeEach(() => {
  // W_ lines are once per page: a fresh page (module graph) for each test.
  vi.resetModules()
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  warn.mockRestore()
  vi.useRealTimers()
})

/** Asks with a `fetch` answering `res`; returns the result, what `onText` saw and the request. */
async function ask(
  res: Response | (() => Response | Promise<Response>),
  o: Partial<AiOptions> = {},
) {
  const { askAi } = await import('./ai')
  const texts: string[] = []
  const calls: [string, RequestInit][] = []
  const fetchImpl = vi.fn(async (url: string, init: RequestInit) => {
    calls.push([url, init])
    return typeof res === 'function' ? res() : res
  })
  const result = await askAi(BODY, {
    url: 'https://ai.example/answer',
    token: 'tok',
    timeout: 15000,
    onText: (t) => texts.push(t),
    fetch: fetchImpl as unknown as typeof fetch,
    ...o,
  })
  return { result, texts, calls }
}
const lines = () => warn.mock.calls.map(([l]) => String(l))

describe('askAi', () => {
  it('POSTs the body as JSON with x-bp-token and asks for an event stream', async () => {
    const { calls } = await ask(streamed(['event: done\ndata: {"faq":[]}\n\n']))
    const [url, init] = calls[0] ?? []
    expect(url).toBe('https://ai.example/answer')
    expect(init?.method).toBe('POST')
    expect(init?.headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'x-bp-token': 'tok',
    })
    expect(JSON.parse(String(init?.body))).toEqual(BODY)
  })

  it('appends the deltas in order, reports the text so far after each, and ends at done with its FAQ ids', async () => {
    const { result, texts } = await ask(
      streamed([
        'event: delta\ndata: {"text":"Standard "}\n\n',
        // An event cut across reads, a comment and an unknown event in between.
        'event: delta\nda',
        'ta: {"text":"UK delivery"}\n\n: keep-alive\n\nevent: sources\ndata: {"x":1}\n\n',
        'event: delta\ndata: {"text":" is £3.95."}\n\nevent: done\ndata: {"faq":["delivery-cost",7,"free"]}\n\n',
        // After done: ignored.
        'event: delta\ndata: {"text":" Ignored."}\n\n',
      ]),
    )
    expect(texts).toEqual(['Standard ', 'Standard UK delivery', 'Standard UK delivery is £3.95.'])
    expect(result).toEqual({
      text: 'Standard UK delivery is £3.95.',
      faq: ['delivery-cost', 'free'],
    })
    expect(lines()).toEqual([])
  })

  it('skips deltas without text and malformed JSON; done without ids names none', async () => {
    const { result, texts } = await ask(
      streamed([
        'event: delta\ndata: {oops\n\nevent: delta\ndata: {"text":""}\n\nevent: delta\ndata: {"text":42}\n\n',
        'event: delta\ndata: {"text":"Yes."}\n\nevent: done\ndata: not json\n\n',
      ]),
    )
    expect(texts).toEqual(['Yes.'])
    expect(result).toEqual({ text: 'Yes.', faq: [] })
  })

  it('an answer of no text (or only spaces) at done means "I don’t know": undefined, no console line', async () => {
    for (const chunks of [
      ['event: done\ndata: {"faq":[]}\n\n'],
      ['event: delta\ndata: {"text":"  "}\n\nevent: done\ndata: {}\n\n'],
    ]) {
      const { result } = await ask(streamed(chunks))
      expect(result).toBeUndefined()
    }
    expect(lines()).toEqual([])
  })

  it.each([
    [
      'an HTTP error',
      () => new Response('down', { status: 503, headers: { 'content-type': 'text/plain' } }),
      'the AI endpoint answered 503 text/plain',
    ],
    [
      'a 200 that is not an event stream',
      () => new Response('{"text":"hi"}', { headers: { 'content-type': 'application/json' } }),
      'the AI endpoint answered 200 application/json',
    ],
    [
      'a stream that ends before done',
      () => streamed(['event: delta\ndata: {"text":"Standard UK deliv"}\n\n']),
      'the AI answer stream ended before its done event',
    ],
    [
      'an error event',
      () => streamed(['event: delta\ndata: {"text":"Sta"}\n\nevent: error\ndata: {}\n\n']),
      'the AI endpoint sent an error event',
    ],
    [
      'an answer over 4,000 characters',
      () => streamed([`event: delta\ndata: {"text":"${'a'.repeat(4001)}"}\n\n`]),
      'the AI answer was longer than 4000 characters',
    ],
  ])('%s: undefined, with one W_AI line a page', async (_, res, why) => {
    expect((await ask(res)).result).toBeUndefined()
    expect((await ask(res)).result).toBeUndefined()
    expect(lines()).toEqual([
      `[Reekolect] W_AI: ${why}; the bot answered with its fallback — check ai.url and docs/platform-api.md, "Our extensions: AI answers"`,
    ])
  })

  it('a network error: undefined, with its line; never rejects', async () => {
    const { result } = await ask(() => Promise.reject(new TypeError('Failed to fetch')))
    expect(result).toBeUndefined()
    expect(lines()[0]).toContain('W_AI: the AI endpoint could not be reached;')
  })

  it('gives up when no byte comes for `timeout` ms in the middle of the answer, and aborts the request', async () => {
    vi.useFakeTimers()
    let signal: AbortSignal | undefined
    const { askAi } = await import('./ai')
    const texts: string[] = []
    const hanging = new ReadableStream<Uint8Array>({
      start(ctrl) {
        ctrl.enqueue(new TextEncoder().encode('event: delta\ndata: {"text":"Standard"}\n\n'))
        // …and then nothing more.
      },
    })
    const pending = askAi(BODY, {
      url: 'https://ai.example/answer',
      token: 'tok',
      timeout: 2000,
      onText: (t) => texts.push(t),
      fetch: (async (_: string, init: RequestInit) => {
        signal = init.signal ?? undefined
        signal?.addEventListener('abort', () => hanging.cancel().catch(() => {}))
        return new Response(hanging, { headers: { 'content-type': 'text/event-stream' } })
      }) as unknown as typeof fetch,
    })
    await vi.advanceTimersByTimeAsync(1999)
    expect(texts).toEqual(['Standard'])
    expect(signal?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await pending).toBeUndefined()
    expect(signal?.aborted).toBe(true)
    expect(lines()[0]).toContain('W_AI: no answer within 2000 ms;')
  })

  it('a slow stream whose bytes keep coming is not timed out', async () => {
    const chunks = ['a', 'b', 'c', 'd'].map((x) => `event: delta\ndata: {"text":"${x}"}\n\n`)
    const { result } = await ask(
      streamed([...chunks, 'event: done\ndata: {"faq":[]}\n\n'], {}, 40),
      { timeout: 100 },
    )
    expect(result?.text).toBe('abcd')
  })
})

describe('historyOf', () => {
  it('keeps the newest 20 messages with text, each cut at 1,000 characters', async () => {
    const { historyOf } = await import('./ai')
    const list = Array.from({ length: 30 }, (_, i) => ({
      from: (i % 2 ? 'visitor' : 'bot') as 'bot' | 'visitor',
      text: i === 29 ? 'x'.repeat(1500) : i === 28 ? '' : `m${i}`,
    }))
    const h = historyOf(list)
    expect(h).toHaveLength(20)
    expect(h[0]).toEqual({ by: 'visitor', text: 'm9' })
    expect(h.at(-1)?.text).toHaveLength(1000)
    expect(h.some((m) => m.text === '')).toBe(false)
  })
})
