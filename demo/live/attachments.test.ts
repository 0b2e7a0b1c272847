import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Db, openDb } from '../db'
import { cleanName, disposition, MAX_ATTACHMENT } from './attachments'
import { createLive, type Live, type Message } from './index'
import { readSse } from './sse-client'

const TOKEN = 'test-token'
const conv = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'bot1', customerId: 'cust1' }
const other = { ...conv, uuid: '0d4f4a52-52a8-4d43-9a52-2f1f0c1c9a10' }
const ORIGIN = 'http://demo.test'

/** The first bytes of a real PNG (signature and IHDR), then padding. */
const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3,
])
const PDF = new TextEncoder().encode('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj <<>> endobj\n')

let db: Db
let live: Live
beforeEach(() => {
  db = openDb(':memory:')
  live = createLive({ db, token: TOKEN, now: () => Date.parse('2024-05-01T09:00:00.000Z') })
})
afterEach(() => {
  live.close()
  db.close()
})

const upload = (
  file: Blob | string | undefined,
  { name = 'photo.png', fields = conv as Record<string, string>, token = TOKEN } = {},
) => {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.set(k, v)
  if (typeof file === 'string') form.set('file', file)
  else if (file) form.set('file', file, name)
  return live.app.request(`${ORIGIN}/inbox/direct/attachments`, {
    method: 'POST',
    headers: token ? { 'x-bp-token': token } : {},
    body: form,
  })
}
const uploaded = async (file: Blob, name?: string) => {
  const res = await upload(file, { name })
  expect(res.status).toBe(201)
  return (await res.json()) as { id: string; url: string; name: string; size: number; type: string }
}
const postMessages = (messages: unknown[], c = conv) =>
  live.app.request(`${ORIGIN}/inbox/direct/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bp-token': TOKEN },
    body: JSON.stringify({ ...c, messages }),
  })
const msg = (text: string, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  by: 'visitor',
  text,
  at: '2024-05-01T09:00:01.000Z',
  ...extra,
})

describe('cleanName and disposition', () => {
  it('keep the base name without controls or direction overrides, and the extension of a long one', () => {
    expect(cleanName('C:\\Users\\ada\\photo.png')).toBe('photo.png')
    expect(cleanName('../../etc/\u202egnp.exe')).toBe('gnp.exe')
    expect(cleanName('a\nb\u0000.pdf')).toBe('ab.pdf')
    expect(cleanName('   ')).toBe('file')
    const long = cleanName(`${'x'.repeat(300)}.jpeg`)
    expect(long).toHaveLength(200)
    expect(long.endsWith('.jpeg')).toBe(true)
  })
  it('shows images inline and downloads PDFs, with an ASCII and a UTF-8 name', () => {
    expect(disposition('image/png', 'Café "1".png')).toBe(
      `inline; filename="Caf_ _1_.png"; filename*=UTF-8''Caf%C3%A9%20%221%22.png`,
    )
    expect(disposition('application/pdf', 'a.pdf')).toMatch(/^attachment; filename="a.pdf"/)
  })
})

describe('POST /inbox/direct/attachments', () => {
  it('stores an image and answers 201 with its id, URL, name, size and sniffed type', async () => {
    // Declared as text/plain: the bytes decide.
    const a = await uploaded(new Blob([PNG], { type: 'text/plain' }), 'shot.png')
    expect(a).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: `${ORIGIN}/inbox/direct/attachments/${a.id}`,
      name: 'shot.png',
      size: PNG.byteLength,
      type: 'image/png',
    })
  })

  it('refuses a file whose content is not an accepted type with 415, even declared as an image', async () => {
    const res = await upload(new Blob(['<html><script>alert(1)</script>'], { type: 'image/png' }))
    expect(res.status).toBe(415)
    expect(((await res.json()) as { message: string }).message).toContain('declared image/png')
  })

  it('refuses a file over 10 MB with 413', async () => {
    const big = new Uint8Array(MAX_ATTACHMENT + 1)
    big.set(PNG)
    const res = await upload(new Blob([big], { type: 'image/png' }))
    expect(res.status).toBe(413)
    // Exactly the limit is accepted.
    expect((await upload(new Blob([big.subarray(0, MAX_ATTACHMENT)]))).status).toBe(201)
  })

  it('answers 401 without the token, 400 without a file, an id, or as JSON', async () => {
    expect((await upload(new Blob([PNG]), { token: '' })).status).toBe(401)
    expect((await upload(new Blob([PNG]), { token: 'wrong' })).status).toBe(401)
    expect((await upload(undefined)).status).toBe(400)
    expect((await upload('not a file part')).status).toBe(400)
    expect((await upload(new Blob([]))).status).toBe(400)
    const noBot = await upload(new Blob([PNG]), { fields: { uuid: conv.uuid, customerId: 'c' } })
    expect(noBot.status).toBe(400)
    expect(((await noBot.json()) as { message: string }).message).toMatch(/^botId/)
    const json = await live.app.request('/inbox/direct/attachments', {
      method: 'POST',
      headers: { 'x-bp-token': TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify(conv),
    })
    expect(json.status).toBe(400)
  })

  it('allows a cross-origin site to upload (the preflight allows x-bp-token)', async () => {
    const res = await live.app.request('/inbox/direct/attachments', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-bp-token',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-headers')).toContain('x-bp-token')
  })
})

describe('GET /inbox/direct/attachments/:id', () => {
  it('serves the bytes with the stored type, a disposition and nosniff, never as HTML', async () => {
    const a = await uploaded(new Blob([PDF], { type: 'text/html' }), 'invoice.pdf')
    const res = await live.app.request(a.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice.pdf"/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-security-policy')).toContain('sandbox')
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF)
    const img = await live.app.request((await uploaded(new Blob([PNG]))).url)
    expect(img.headers.get('content-type')).toBe('image/png')
    expect(img.headers.get('content-disposition')).toMatch(/^inline;/)
  })

  it('answers 404 for an unknown id', async () => {
    expect((await live.app.request(`/inbox/direct/attachments/${randomUUID()}`)).status).toBe(404)
  })
})

describe('a message carrying an attachment', () => {
  it('is stored with the file’s record and reaches the agent stream and the history', async () => {
    const a = await uploaded(new Blob([PNG]), 'shot.png')
    const sse = await live.app.request('/inbox/direct/agent-stream?botId=bot1&customerId=cust1', {
      headers: { 'x-bot-token': TOKEN },
    })
    const reader = readSse(sse)
    // The widget may send what the upload answered; only the id counts.
    const m = msg('shot.png', { attachment: { ...a, name: 'forged.exe', size: 1 } })
    expect((await postMessages([m])).status).toBe(200)
    await reader.until((events) => events.some((e) => e.event === 'message'))
    const event = reader.events.find((e) => e.event === 'message')
    expect(JSON.parse(event?.data ?? '')).toMatchObject({
      id: m.id,
      text: 'shot.png',
      attachment: a,
    })
    await reader.close()
    const res = await live.app.request(`/inbox/direct/messages?${new URLSearchParams(conv)}`, {
      headers: { 'x-bp-token': TOKEN },
    })
    const { data } = (await res.json()) as { data: Message[] }
    expect(data.at(-1)?.attachment).toEqual(a)
  })

  it('is refused with 400 when the attachment is unknown or another conversation’s, and nothing is stored', async () => {
    const a = await uploaded(new Blob([PNG]))
    const theirs = await postMessages([msg('hi'), msg('x', { attachment: { id: a.id } })], other)
    expect(theirs.status).toBe(400)
    expect(((await theirs.json()) as { message: string }).message).toMatch(
      /^messages\.1\.attachment/,
    )
    expect((await postMessages([msg('x', { attachment: { id: randomUUID() } })])).status).toBe(400)
    const res = await live.app.request(`/inbox/direct/messages?${new URLSearchParams(other)}`, {
      headers: { 'x-bp-token': TOKEN },
    })
    expect(((await res.json()) as { data: Message[] }).data).toEqual([])
  })
})
