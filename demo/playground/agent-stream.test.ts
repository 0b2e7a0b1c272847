import type { EventSourceMessage } from 'eventsource-parser'
import { describe, expect, it } from 'vitest'
import {
  BASE_DELAY_MS,
  backoff,
  MAX_DELAY_MS,
  openAgentStream,
  type StreamState,
} from './agent-stream'

describe('backoff', () => {
  it('doubles from 1 s, caps at 15 s, and takes up to half away at random', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoff(n, () => 0.999999))).toEqual([
      1000, 2000, 4000, 8000, 15_000, 15_000, 15_000,
    ])
    expect(backoff(0, () => 0)).toBe(BASE_DELAY_MS / 2)
    expect(backoff(20, () => 0)).toBe(MAX_DELAY_MS / 2)
  })
})

/** A response whose body the test writes to and ends. */
function streamResponse() {
  let ctrl!: ReadableStreamDefaultController<Uint8Array>
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      ctrl = c
    },
  })
  const enc = new TextEncoder()
  return {
    response: new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    write: (s: string) => ctrl.enqueue(enc.encode(s)),
    end: () => ctrl.close(),
  }
}

const until = async (test: () => boolean, ms = 2000) => {
  const t0 = Date.now()
  while (!test()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('openAgentStream', () => {
  it('reconnects after a drop with Last-Event-ID and keeps delivering events in order', async () => {
    const requests: Headers[] = []
    const bodies: ReturnType<typeof streamResponse>[] = []
    const events: EventSourceMessage[] = []
    const states: StreamState['state'][] = []
    const stream = openAgentStream({
      url: () => '/inbox/direct/agent-stream?botId=b&customerId=c',
      headers: { 'x-bot-token': 't' },
      random: () => 0, // shortest delay: 500 ms
      fetch: async (_url, init) => {
        requests.push(new Headers(init?.headers))
        const r = streamResponse()
        bodies.push(r)
        return r.response
      },
      onEvent: (e) => events.push(e),
      onState: (s) => states.push(s.state),
    })
    await until(() => bodies.length === 1)
    bodies[0]?.write(': connected\n\nevent: message\nid: m1\ndata: {"text":"a"}\n\n')
    bodies[0]?.write('event: typing\ndata: {"uuid":"u"}\n\n')
    await until(() => events.length === 2)
    bodies[0]?.end()
    await until(() => bodies.length === 2, 3000)
    bodies[1]?.write('event: message\nid: m2\ndata: {"text":"b"}\n\n')
    await until(() => events.length === 3)
    stream.close()

    expect(requests[0]?.get('x-bot-token')).toBe('t')
    expect(requests[0]?.has('last-event-id')).toBe(false)
    expect(requests[1]?.get('last-event-id')).toBe('m1')
    expect(events.map((e) => [e.event, e.id ?? null])).toEqual([
      ['message', 'm1'],
      ['typing', null],
      ['message', 'm2'],
    ])
    expect(states).toEqual(['connecting', 'open', 'retrying', 'connecting', 'open'])
  })

  it('retries a refused connection, reporting the server message', async () => {
    const reasons: string[] = []
    let calls = 0
    const stream = openAgentStream({
      url: () => '/x',
      headers: {},
      random: () => 0,
      fetch: async () => {
        calls++
        return new Response(JSON.stringify({ message: 'missing or wrong x-bot-token' }), {
          status: 401,
        })
      },
      onEvent: () => {},
      onState: (s) => {
        if (s.state === 'retrying') reasons.push(s.reason)
      },
    })
    await until(() => calls === 2, 3000)
    stream.close()
    expect(reasons[0]).toBe('missing or wrong x-bot-token')
  })

  it('counts a silent connection as dropped, and restart() reconnects at once', async () => {
    let calls = 0
    const bodies: ReturnType<typeof streamResponse>[] = []
    const states: StreamState[] = []
    const stream = openAgentStream({
      url: () => '/x',
      headers: {},
      random: () => 0,
      silenceMs: 50,
      fetch: async (_u, init) => {
        calls++
        const r = streamResponse()
        init?.signal?.addEventListener('abort', () => r.end())
        bodies.push(r)
        return r.response
      },
      onEvent: () => {},
      onState: (s) => states.push(s),
    })
    await until(() => states.some((s) => s.state === 'retrying'))
    expect(states.find((s) => s.state === 'retrying')).toMatchObject({ retryInMs: 500 })
    // Waiting out the 500 ms delay: restart() cuts it short.
    stream.restart()
    await until(() => calls === 2, 300)
    stream.close()
  })
})
