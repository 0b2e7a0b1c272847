import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLeadSender } from './api'

const config = { apiUrl: 'https://api.example/v1', token: 'tok-123' }
const lead = {
  uuid: '11111111-1111-4111-8111-111111111111',
  botId: 'bot',
  customerId: 'cust',
  tags: ['vip'],
}

/** A fetch that answers every request with `status` (and headers), recording the requests. */
function platform(status: number, headers: Record<string, string> = {}) {
  const requests: { req: Request; body: string }[] = []
  const fetch = vi.fn(async (input: Request | string | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init)
    requests.push({ req, body: await req.clone().text() })
    return new Response(status === 204 ? null : '{}', { status, headers })
  })
  vi.stubGlobal('fetch', fetch)
  return { fetch, requests }
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('createLeadSender', () => {
  it('PUTs the snapshot to {apiUrl}/inbox/direct/lead with the token, as JSON', async () => {
    const { requests } = platform(200)
    await createLeadSender(config)(lead, false)
    expect(requests).toHaveLength(1)
    const { req, body } = requests[0]!
    expect(req.method).toBe('PUT')
    expect(req.url).toBe('https://api.example/v1/inbox/direct/lead')
    expect(req.headers.get('x-bp-token')).toBe('tok-123')
    expect(req.headers.get('content-type')).toBe('application/json')
    expect(body).toBe(JSON.stringify(lead))
    expect(req.keepalive).toBe(false)
  })

  it('sets keepalive when asked (page hide)', async () => {
    const { requests } = platform(200)
    await createLeadSender(config)(lead, true)
    expect(requests[0]?.req.keepalive).toBe(true)
  })

  it('encodes arrays as arrays on a page whose library patched Array.prototype.toJSON', async () => {
    const { requests } = platform(200)
    const proto = Array.prototype as unknown as { toJSON?: (this: unknown[]) => string }
    proto.toJSON = function () {
      return JSON.stringify([...this])
    }
    try {
      await createLeadSender(config)(lead, false)
    } finally {
      delete proto.toJSON
    }
    expect(JSON.parse(requests[0]!.body).tags).toEqual(['vip'])
  })

  it('resolves with any HTTP answer and its Retry-After, and retries nothing itself', async () => {
    const { fetch } = platform(503, { 'retry-after': '5' })
    await expect(createLeadSender(config)(lead, false)).resolves.toEqual({
      status: 503,
      retryAfter: '5',
    })
    expect(fetch).toHaveBeenCalledTimes(1)
    platform(204)
    await expect(createLeadSender(config)(lead, false)).resolves.toEqual({
      status: 204,
      retryAfter: null,
    })
  })

  it('rejects when the network fails', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch')
      }),
    )
    await expect(createLeadSender(config)(lead, false)).rejects.toThrow('Failed to fetch')
  })

  it('gives up with a TimeoutError after `timeout` ms (the outbox retries it as a slow server)', async () => {
    const fetch = vi.fn(
      (input: Request) =>
        new Promise<Response>((_, reject) =>
          input.signal.addEventListener('abort', () => reject(input.signal.reason)),
        ),
    )
    vi.stubGlobal('fetch', fetch)
    const started = Date.now()
    await expect(createLeadSender(config, 50)(lead, false)).rejects.toMatchObject({
      name: 'TimeoutError',
    })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})
