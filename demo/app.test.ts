import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from './app'
import { type Db, openDb, PAGE_SIZE } from './db'

const TOKEN = 'test-token'
const ids = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'bot1', customerId: 'cust1' }

let db: Db
let app: ReturnType<typeof createApp>['app']

beforeEach(() => {
  db = openDb(':memory:')
  app = createApp({ db, token: TOKEN }).app
})

afterEach(() => {
  db.close()
})

const put = (body: unknown, token: string | null = TOKEN) =>
  app.request('/inbox/direct/lead', {
    method: 'PUT',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { 'x-bp-token': token }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

const list = (query: Record<string, string>, token: string | null = TOKEN) =>
  app.request(`/inbox/direct/chats?${new URLSearchParams(query)}`, {
    headers: token === null ? {} : { 'x-bot-token': token },
  })

const leads = async (type: 'lead' | 'non-lead', page = '1') => {
  const res = await list({ botId: ids.botId, customerId: ids.customerId, page, type })
  expect(res.status).toBe(200)
  return ((await res.json()) as { data: Record<string, unknown>[] }).data
}

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`

describe('PUT /inbox/direct/lead', () => {
  it('answers exactly the documented success body', async () => {
    const res = await put({ ...ids, name: 'Ada', tags: ['Support'] })
    expect(res.status).toBe(200)
    expect(await res.json()).toStrictEqual({ success: true, message: 'ok', code: 200 })
    expect(db.count(ids.botId, ids.customerId)).toBe(1)
  })

  it.each([
    ['without x-bp-token', null],
    ['with a wrong x-bp-token', 'nope'],
    ['with the token in the wrong case', TOKEN.toUpperCase()],
  ])('answers 401 %s and stores nothing', async (_, token) => {
    const res = await put({ ...ids, name: 'Ada' }, token)
    expect(res.status).toBe(401)
    expect(db.count(ids.botId, ids.customerId)).toBe(0)
  })

  it('does not accept the listing header x-bot-token instead of x-bp-token', async () => {
    const res = await app.request('/inbox/direct/lead', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-bot-token': TOKEN },
      body: JSON.stringify(ids),
    })
    expect(res.status).toBe(401)
  })

  it.each(['uuid', 'botId', 'customerId'] as const)(
    'answers 400 naming the missing required field %s',
    async (field) => {
      const body: Record<string, string> = { ...ids }
      delete body[field]
      const res = await put(body)
      expect(res.status).toBe(400)
      const json = (await res.json()) as { success: boolean; message: string }
      expect(json.success).toBe(false)
      expect(json.message).toContain(field)
    },
  )

  it.each([
    ['an empty uuid', { uuid: '' }, 'uuid'],
    ['tags that are not an array', { tags: 'Support' }, 'tags'],
    ['a tag that is not a string', { tags: [1] }, 'tags'],
    ['a dial code without "+"', { dialCode: '44' }, 'dialCode'],
    ['a dial code with letters', { dialCode: '+4a' }, 'dialCode'],
    ['a phone with the dial code in it', { phone: '+447400123456' }, 'phone'],
    ['a status outside the enum', { status: 'DONE' }, 'status'],
    ['a lower-case status', { status: 'open' }, 'status'],
    ['attributes without value', { attributes: [{ key: 'k' }] }, 'attributes'],
    ['a name that is a number', { name: 42 }, 'name'],
  ])('answers 400 for %s, naming the field', async (_, extra, field) => {
    const res = await put({ ...ids, ...extra })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toContain(field)
    expect(db.count(ids.botId, ids.customerId)).toBe(0)
  })

  it('answers 400 for a body that is not JSON', async () => {
    const res = await put('{"uuid":')
    expect(res.status).toBe(400)
  })

  it('accepts every documented status', async () => {
    for (const status of ['OPEN', 'INPROGRESS', 'REVIEW', 'ONHOLD', 'DEPENDANCY', 'CLOSED'])
      expect((await put({ ...ids, status })).status).toBe(200)
  })

  it('updates one chat per uuid + botId + customerId', async () => {
    await put({ ...ids, name: 'Ada', tags: ['Sales'] })
    await put({ ...ids, email: 'ada@example.com', tags: ['Sales', 'VIP'] })
    expect(db.count(ids.botId, ids.customerId)).toBe(1)
    const [chat] = await leads('lead')
    expect(chat).toMatchObject({
      uuid: ids.uuid,
      profile: {
        userDetails: {
          // absent fields keep their value; sent ones replace
          name: 'Ada',
          contact: { email: 'ada@example.com' },
          tags: ['Sales', 'VIP'],
        },
      },
    })
  })

  it('keeps chats of another bot or another visitor apart', async () => {
    await put({ ...ids, name: 'Ada' })
    await put({ ...ids, uuid: uuid(2), name: 'Bo' })
    await put({ ...ids, botId: 'bot2', name: 'Cy' })
    expect(db.count(ids.botId, ids.customerId)).toBe(2)
    expect(db.count('bot2', ids.customerId)).toBe(1)
  })
})

describe('GET /inbox/direct/chats', () => {
  const q = { botId: ids.botId, customerId: ids.customerId, page: '1', type: 'lead' }

  it.each([
    ['without x-bot-token', null],
    ['with a wrong x-bot-token', 'nope'],
  ])('answers 401 %s', async (_, token) => {
    expect((await list(q, token)).status).toBe(401)
  })

  it('does not accept the PUT header x-bp-token instead of x-bot-token', async () => {
    const res = await app.request(`/inbox/direct/chats?${new URLSearchParams(q)}`, {
      headers: { 'x-bp-token': TOKEN },
    })
    expect(res.status).toBe(401)
  })

  it.each([
    ['no botId', { botId: '' }],
    ['no customerId', { customerId: '' }],
    ['no page', { page: '' }],
    ['page 0', { page: '0' }],
    ['a negative page', { page: '-1' }],
    ['a fractional page', { page: '1.5' }],
    ['a page that is not a number', { page: 'two' }],
    ['no type', { type: '' }],
    ['an unknown type', { type: 'all' }],
  ])('answers 400 for %s', async (_, over) => {
    const res = await list({ ...q, ...over })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { success: boolean }).success).toBe(false)
  })

  it('returns chats in the shape of the documented sample', async () => {
    await put({
      ...ids,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '7400123456',
      dialCode: '+44',
      status: 'INPROGRESS',
      tags: ['Support'],
      attributes: [{ key: 'ID', value: 'BP001' }],
      notes: [{ title: 'Sample title', description: 'Sample description' }],
    })
    const res = await list(q)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ success: true, message: 'ok', code: 200 })
    const data = body.data as Record<string, unknown>[]
    expect(data).toHaveLength(1)
    const chat = data[0]!
    expect(chat._id).toMatch(/^[0-9a-f]{24}$/)
    expect(chat.uuid).toBe(ids.uuid)
    expect(chat.status).toBe('INPROGRESS')
    for (const k of ['createdAt', 'updatedAt'])
      expect(new Date(chat[k] as string).toISOString()).toBe(chat[k])
    expect(chat.profile).toMatchObject({
      notes: [{ title: 'Sample title', description: 'Sample description' }],
      userDetails: {
        name: 'Ada Lovelace',
        contact: { email: 'ada@example.com', phone: { number: '7400123456', prefix: '44' } },
        tags: ['Support'],
        attributes: [{ key: 'ID', value: 'BP001' }],
      },
    })
    const notes = (chat.profile as { notes: { _id: string }[] }).notes
    expect(notes[0]!._id).toMatch(/^[0-9a-f]{24}$/)
  })

  it('defaults a new chat to status OPEN with empty lists', async () => {
    await put(ids)
    const [chat] = await leads('non-lead')
    expect(chat).toMatchObject({
      status: 'OPEN',
      profile: { notes: [], userDetails: { tags: [], attributes: [] } },
    })
  })

  it('separates leads (name, email or phone) from other chats', async () => {
    await put({ ...ids, uuid: uuid(1) })
    await put({ ...ids, uuid: uuid(2), name: 'Ada' })
    await put({ ...ids, uuid: uuid(3), email: 'bo@example.com' })
    await put({ ...ids, uuid: uuid(4), phone: '7400123456', dialCode: '+44' })
    await put({ ...ids, uuid: uuid(5), tags: ['only a tag'] })
    const lead = (await leads('lead')).map((c) => c.uuid).sort()
    const other = (await leads('non-lead')).map((c) => c.uuid).sort()
    expect(lead).toEqual([uuid(2), uuid(3), uuid(4)])
    expect(other).toEqual([uuid(1), uuid(5)])
  })

  it('a chat becomes a lead once the visitor gives a name', async () => {
    await put(ids)
    expect(await leads('lead')).toHaveLength(0)
    await put({ ...ids, name: 'Ada' })
    expect(await leads('lead')).toHaveLength(1)
    expect(await leads('non-lead')).toHaveLength(0)
  })

  it(`pages by ${PAGE_SIZE}`, async () => {
    const n = PAGE_SIZE + 5
    for (let i = 0; i < n; i++) await put({ ...ids, uuid: uuid(i), name: `Lead ${i}` })
    const p1 = await leads('lead', '1')
    const p2 = await leads('lead', '2')
    const p3 = await leads('lead', '3')
    expect(p1).toHaveLength(PAGE_SIZE)
    expect(p2).toHaveLength(5)
    expect(p3).toHaveLength(0)
    const all = new Set([...p1, ...p2].map((c) => c.uuid))
    expect(all.size).toBe(n)
  })

  it('lists only the chats of the requested bot and customer', async () => {
    await put({ ...ids, name: 'Ada' })
    await put({ ...ids, botId: 'bot2', name: 'Bo' })
    await put({ ...ids, customerId: 'cust2', name: 'Cy' })
    const data = await leads('lead')
    expect(data.map((c) => c.uuid)).toEqual([ids.uuid])
    expect(data).toHaveLength(1)
  })
})

describe('CORS', () => {
  it('lets a site send x-bp-token in a cross-origin PUT', async () => {
    const res = await app.request('/inbox/direct/lead', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-bp-token',
      },
    })
    expect(res.status).toBeLessThan(300)
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase()
    expect(allowed.split(/\s*,\s*/)).toEqual(expect.arrayContaining(['x-bp-token', 'content-type']))
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT')
  })

  it('lets the site read Retry-After', async () => {
    const res = await put(ids)
    // A plain request has no Origin: check the exposed header on a cross-origin one.
    const cross = await app.request('/inbox/direct/lead', {
      method: 'PUT',
      headers: { origin: 'https://shop.example', 'x-bp-token': TOKEN },
      body: JSON.stringify(ids),
    })
    expect(res.status).toBe(200)
    expect((cross.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain(
      'retry-after',
    )
  })
})
