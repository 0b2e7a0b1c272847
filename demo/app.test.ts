import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp } from './app'
import { type Db, openDb, PAGE_SIZE, type UserRecord } from './db'

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

describe('PUT /inbox/direct/lead: size', () => {
  it('answers 413 above MAX_BODY bytes of UTF-8, not characters', async () => {
    // 30,000 characters of 3 bytes each: 90,000 bytes, though under 65,536 characters.
    const res = await put({ ...ids, notes: [{ title: 't', description: '€'.repeat(30_000) }] })
    expect(res.status).toBe(413)
    expect(db.count(ids.botId, ids.customerId)).toBe(0)
  })
})

describe('fault modes', () => {
  let made: ReturnType<typeof createApp>
  beforeEach(() => {
    made = createApp({ db, token: TOKEN })
  })
  const fault = (body: object) =>
    made.app.request('/demo/api/fault', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const putTo = (body: object, headers: Record<string, string> = {}) =>
    made.app.request('/inbox/direct/lead', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-bp-token': TOKEN, ...headers },
      body: JSON.stringify(body),
    })
  const preflight = () =>
    made.app.request('/inbox/direct/lead', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-bp-token',
      },
    })

  it('cors: the preflight does not allow x-bp-token; same-origin PUTs still work; none restores it', async () => {
    expect((await fault({ fault: 'cors' })).status).toBe(200)
    const res = await preflight()
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase()
    expect(allowed).not.toContain('x-bp-token')
    expect((await putTo(ids)).status).toBe(200)
    await fault({ fault: 'none' })
    expect((await preflight()).headers.get('access-control-allow-headers')).toContain('x-bp-token')
  })

  it('cors is server-wide only', async () => {
    expect((await fault({ fault: 'cors', botId: 'bot1' })).status).toBe(400)
  })

  it('retryAfter sets the Retry-After of a bot’s 429, readable from another origin', async () => {
    await fault({ fault: '429', botId: ids.botId, retryAfter: 120 })
    const res = await putTo(ids, { origin: 'https://shop.example' })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('120')
    // Without this header a page of another origin cannot read Retry-After (Fetch: CORS-safelisted response headers).
    expect((res.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain(
      'retry-after',
    )
    expect((await fault({ fault: '429', botId: ids.botId, retryAfter: -1 })).status).toBe(400)
  })

  it('counts PUTs by bot', async () => {
    await putTo(ids)
    await putTo(ids)
    await putTo({ ...ids, botId: 'bot2' })
    const state = (await (await made.app.request('/demo/api/fault')).json()) as {
      stats: { bots: Record<string, number> }
    }
    expect(state.stats.bots).toEqual({ bot1: 2, bot2: 1 })
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

const post = (path: string, body: unknown, auth: string | null = `Bearer ${TOKEN}`) =>
  app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(auth === null ? {} : { authorization: auth }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

/** `POST /inbox/users` and its `data`; fails the test unless it answers 200. */
const users = async (filters: Record<string, unknown> = {}) => {
  const res = await post('/inbox/users', filters)
  expect(res.status).toBe(200)
  return ((await res.json()) as { data: UserRecord[] }).data
}
const names = async (filters: Record<string, unknown> = {}) =>
  (await users(filters)).map((u) => u.profile.userDetails.name).sort()

/** One profile of `POST /inbox/users/import` in the seed's shape. */
const profile = (name: string, email: string, number = '', prefix = '', extra = {}) => ({
  profile: {
    userDetails: {
      userProvidedName: name,
      contact: { email, phone: { number, prefix } },
      tags: [],
      attributes: [],
      ...extra,
    },
  },
})
const importUsers = (body: unknown, auth?: string | null) => post('/inbox/users/import', body, auth)

/** The seed's sample request of `POST /inbox/users`, verbatim. */
const SAMPLE = {
  searchText: '',
  tags: [],
  status: [],
  isOnline: false,
  _botWebsite: [],
  _botWhatsapp: [],
  _botTelegram: [],
  _botFacebook: [],
  _agentAssigned: [],
  segments: [],
  applicableFilters: ['userInteracted'],
  lastSeenAt: { startAt: '', endsAt: '' },
  createdAt: { startAt: '', endsAt: '' },
  userInteracted: true,
  lastMessageBy: [],
  isLiveChatActive: false,
  hasOrdered: { status: false, lastAt: '' },
  page: 1,
  isExport: 'none',
  isContact: true,
}

describe.each([
  ['POST /inbox/users', '/inbox/users', {}],
  ['POST /inbox/users/import', '/inbox/users/import', [profile('Ada', 'ada@example.com')]],
])('%s authorization', (_, path, body) => {
  it.each([
    ['without Authorization', null],
    ['with a wrong token', 'Bearer nope'],
    ['with the token but no scheme', TOKEN],
    ['with another scheme', `Basic ${TOKEN}`],
  ])('answers 401 JSON %s', async (_, auth) => {
    const res = await post(path, body, auth)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer')
    expect(await res.json()).toMatchObject({ success: false, code: 401 })
    expect(db.countContacts()).toBe(0)
  })

  it('does not accept x-bot-token or x-bp-token instead of the Bearer token', async () => {
    const res = await app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bot-token': TOKEN, 'x-bp-token': TOKEN },
      body: JSON.stringify(body),
    })
    expect(res.status).toBe(401)
  })

  it('accepts the scheme in any case', async () => {
    expect((await post(path, body, `bearer ${TOKEN}`)).status).toBe(200)
  })
})

describe('POST /inbox/users', () => {
  /** Chats on two bots (one assigned, one anonymous) and one imported contact. */
  const seed = async () => {
    await put({
      ...ids,
      uuid: uuid(1),
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '7400123456',
      dialCode: '+44',
      status: 'INPROGRESS',
      agentId: 'agent1',
      tags: ['Support', 'VIP'],
      attributes: [{ key: 'plan', value: 'pro' }],
    })
    await put({ ...ids, uuid: uuid(2), botId: 'bot2', name: 'Bo 100%', tags: ['Sales'] })
    await put({ ...ids, uuid: uuid(3) }) // anonymous: not a lead
    const res = await importUsers([
      profile('Cy Imported', 'cy@example.com', '9876543210', '91', { tags: ['Sales'] }),
    ])
    expect(res.status).toBe(200)
  }

  it('answers the listing envelope of the platform (docs/platform-api.md) with website chats and imported contacts', async () => {
    await seed()
    const res = await post('/inbox/users', {})
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: UserRecord[] }
    expect(body).toMatchObject({ success: true, message: 'ok', code: 200 })
    expect(body.data).toHaveLength(4)
    const ada = body.data.find((u) => u.uuid === uuid(1))!
    expect(ada).toMatchObject({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/),
      channel: 'web',
      _botWebsite: ids.botId,
      _agentAssigned: 'agent1',
      status: 'INPROGRESS',
      isOnline: false,
      websiteVisits: 1,
      profile: {
        notes: [],
        userDetails: {
          name: 'Ada Lovelace',
          contact: { email: 'ada@example.com', phone: { number: '7400123456', prefix: '44' } },
          tags: ['Support', 'VIP'],
          attributes: [{ key: 'plan', value: 'pro' }],
        },
      },
    })
    expect(ada.lastSeenAt).toBe(ada.updatedAt)
    const cy = body.data.find((u) => u.channel === 'import')!
    expect(cy).toMatchObject({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/),
      uuid: null,
      _botWebsite: null,
      _agentAssigned: null,
      lastSeenAt: null,
      status: 'OPEN',
      websiteVisits: 0,
      profile: {
        notes: [],
        userDetails: {
          name: 'Cy Imported',
          userProvidedName: 'Cy Imported',
          contact: { email: 'cy@example.com', phone: { number: '9876543210', prefix: '91' } },
          tags: ['Sales'],
          attributes: [],
        },
      },
    })
    for (const k of ['createdAt', 'updatedAt'] as const)
      expect(new Date(cy[k]).toISOString()).toBe(cy[k])
  })

  it('accepts an empty body and the seed sample request verbatim', async () => {
    await seed()
    const empty = await app.request('/inbox/users', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    expect(empty.status).toBe(200)
    expect(((await empty.json()) as { data: unknown[] }).data).toHaveLength(4)
    // The sample applies userInteracted (website chats) and isContact (with details).
    expect(await names(SAMPLE)).toEqual(['Ada Lovelace', 'Bo 100%'])
  })

  it.each([
    ['searchText by name, any case', { searchText: 'LOVELACE' }, ['Ada Lovelace']],
    [
      'searchText by part of an email',
      { searchText: '@example.com' },
      ['Ada Lovelace', 'Cy Imported'],
    ],
    ['searchText by national number', { searchText: '7400 123' }, ['Ada Lovelace']],
    ['searchText by dial code and number', { searchText: '+44 7400123456' }, ['Ada Lovelace']],
    ['searchText by imported phone', { searchText: '+91 98765' }, ['Cy Imported']],
    ['searchText with a literal %', { searchText: '%' }, ['Bo 100%']],
    ['searchText with a literal _', { searchText: '_' }, []],
    ['searchText that matches nobody', { searchText: 'zzz' }, []],
    ['blank searchText', { searchText: '  ' }, [null, 'Ada Lovelace', 'Bo 100%', 'Cy Imported']],
    ['tags: any of them', { tags: ['VIP', 'Sales'] }, ['Ada Lovelace', 'Bo 100%', 'Cy Imported']],
    ['tags: exact, case-sensitive', { tags: ['vip'] }, []],
    ['status', { status: ['INPROGRESS'] }, ['Ada Lovelace']],
    [
      'status OPEN includes imported contacts',
      { status: ['OPEN'] },
      [null, 'Bo 100%', 'Cy Imported'],
    ],
    ['_botWebsite', { _botWebsite: ['bot2'] }, ['Bo 100%']],
    [
      '_botWebsite with several bots',
      { _botWebsite: ['bot1', 'bot2'] },
      [null, 'Ada Lovelace', 'Bo 100%'],
    ],
    ['_botWhatsapp (no WhatsApp bots here)', { _botWhatsapp: ['wa1'] }, []],
    ['_botTelegram', { _botTelegram: ['tg1'] }, []],
    ['_botFacebook', { _botFacebook: ['fb1'] }, []],
    [
      '_botWebsite or another channel',
      { _botWebsite: ['bot2'], _botWhatsapp: ['wa1'] },
      ['Bo 100%'],
    ],
    ['_agentAssigned', { _agentAssigned: ['agent1'] }, ['Ada Lovelace']],
    ['segments (none exist)', { segments: ['seg1'] }, []],
    ['lastMessageBy (messages are not stored)', { lastMessageBy: ['bot'] }, []],
    ['isContact: true', { isContact: true }, ['Ada Lovelace', 'Bo 100%', 'Cy Imported']],
    ['isContact: false', { isContact: false }, [null, 'Ada Lovelace', 'Bo 100%', 'Cy Imported']],
    [
      'userInteracted: true, applicable',
      { applicableFilters: ['userInteracted'], userInteracted: true },
      [null, 'Ada Lovelace', 'Bo 100%'],
    ],
    [
      'userInteracted: false, applicable',
      { applicableFilters: ['userInteracted'], userInteracted: false },
      ['Cy Imported'],
    ],
    [
      'userInteracted not in applicableFilters',
      { userInteracted: false },
      [null, 'Ada Lovelace', 'Bo 100%', 'Cy Imported'],
    ],
    [
      'isOnline: true, applicable (nobody is online)',
      { applicableFilters: ['isOnline'], isOnline: true },
      [],
    ],
    [
      'isOnline: false, applicable',
      { applicableFilters: ['isOnline'], isOnline: false },
      [null, 'Ada Lovelace', 'Bo 100%', 'Cy Imported'],
    ],
    [
      'isOnline: true, not applicable',
      { isOnline: true },
      [null, 'Ada Lovelace', 'Bo 100%', 'Cy Imported'],
    ],
    [
      'isLiveChatActive: true, applicable',
      { applicableFilters: ['isLiveChatActive'], isLiveChatActive: true },
      [],
    ],
    [
      'hasOrdered.status: true, applicable',
      { applicableFilters: ['hasOrdered'], hasOrdered: { status: true, lastAt: '' } },
      [],
    ],
    [
      'hasOrdered.status: false, applicable',
      { applicableFilters: ['hasOrdered'], hasOrdered: { status: false } },
      [null, 'Ada Lovelace', 'Bo 100%', 'Cy Imported'],
    ],
    ['isExport (ignored)', { isExport: 'csv' }, [null, 'Ada Lovelace', 'Bo 100%', 'Cy Imported']],
    [
      'several filters together',
      { tags: ['Sales'], isContact: true, _botWebsite: ['bot2'] },
      ['Bo 100%'],
    ],
  ])('filters by %s', async (_, filters, expected) => {
    await seed()
    expect(await names(filters)).toEqual([...expected].sort())
  })

  describe('date ranges', () => {
    const at = (iso: string) => vi.setSystemTime(new Date(iso))
    beforeEach(async () => {
      vi.useFakeTimers({ toFake: ['Date'] })
      at('2024-05-01T10:00:00.000Z')
      await put({ ...ids, uuid: uuid(1), name: 'May first' })
      at('2024-05-02T10:00:00.000Z')
      await importUsers([profile('May second', 'may2@example.com')])
      at('2024-05-03T10:00:00.000Z')
      await put({ ...ids, uuid: uuid(3), name: 'May third' })
      at('2024-05-04T10:00:00.000Z')
      await put({ ...ids, uuid: uuid(1), tags: ['seen again'] }) // updatedAt, not createdAt
      vi.useRealTimers()
    })

    it.each([
      [
        'createdAt from a day on',
        { createdAt: { startAt: '2024-05-02', endsAt: '' } },
        ['May second', 'May third'],
      ],
      [
        'createdAt until a day, that whole day included',
        { createdAt: { startAt: '', endsAt: '2024-05-02' } },
        ['May first', 'May second'],
      ],
      [
        'createdAt between instants, inclusive',
        { createdAt: { startAt: '2024-05-02T10:00:00.000Z', endsAt: '2024-05-03T10:00:00.000Z' } },
        ['May second', 'May third'],
      ],
      [
        'createdAt with both bounds empty',
        { createdAt: { startAt: '', endsAt: '' } },
        ['May first', 'May second', 'May third'],
      ],
      [
        'lastSeenAt (imported contacts were never seen)',
        { lastSeenAt: { startAt: '2024-05-01', endsAt: '' } },
        ['May first', 'May third'],
      ],
      [
        'lastSeenAt until a day',
        { lastSeenAt: { startAt: '', endsAt: '2024-05-03' } },
        ['May third'],
      ],
    ])('filters by %s', async (_, filters, expected) => {
      expect(await names(filters)).toEqual(expected)
    })
  })

  it(`pages by ${PAGE_SIZE}, newest first, with page as a number or a string`, async () => {
    for (let i = 0; i < PAGE_SIZE; i++) await put({ ...ids, uuid: uuid(i), name: `Lead ${i}` })
    await importUsers(
      Array.from({ length: 5 }, (_, i) => profile(`Imported ${i}`, `i${i}@example.com`)),
    )
    const p1 = await users({ page: 1 })
    const p2 = await users({ page: '2' })
    const p3 = await users({ page: 3 })
    expect(p1).toHaveLength(PAGE_SIZE)
    expect(p2).toHaveLength(5)
    expect(p3).toHaveLength(0)
    expect(new Set([...p1, ...p2].map((u) => u._id)).size).toBe(PAGE_SIZE + 5)
    const stamps = [...p1, ...p2].map((u) => u.updatedAt as string)
    expect(stamps).toEqual([...stamps].sort().reverse())
    // Filters apply before paging.
    expect(
      await users({ page: 1, userInteracted: false, applicableFilters: ['userInteracted'] }),
    ).toHaveLength(5)
  })

  it.each([
    ['a body that is not JSON', '{"page":', 'body'],
    ['tags that are not an array', { tags: 'VIP' }, 'tags'],
    ['a status outside the enum', { status: ['open'] }, 'status'],
    ['page 0', { page: 0 }, 'page'],
    ['a fractional page', { page: 1.5 }, 'page'],
    ['a page that is not a number', { page: 'two' }, 'page'],
    [
      'a date that is not a date',
      { createdAt: { startAt: 'yesterday', endsAt: '' } },
      'createdAt.startAt',
    ],
    ['isOnline that is not a boolean', { isOnline: 'yes' }, 'isOnline'],
    ['a _botWebsite that is not a list', { _botWebsite: 'bot1' }, '_botWebsite'],
  ])('answers 400 for %s, naming %s', async (_, body, path) => {
    const res = await post('/inbox/users', body)
    expect(res.status).toBe(400)
    const json = (await res.json()) as { success: boolean; message: string; code: number }
    expect(json).toMatchObject({ success: false, code: 400 })
    expect(json.message).toContain(path)
  })
})

describe('POST /inbox/users/import', () => {
  /** The seed's sample body, verbatim. */
  const SAMPLE_IMPORT = [
    {
      profile: {
        userDetails: {
          userProvidedName: 'User Name',
          contact: { email: 'user@email.com', phone: { number: '1234567890', prefix: '91' } },
          tags: [],
          attributes: [],
        },
      },
    },
  ]
  const imported = async () =>
    (await users({ applicableFilters: ['userInteracted'], userInteracted: false })).map(
      (u) => u.profile.userDetails,
    )

  it('answers exactly the documented success body, and the contact is listed', async () => {
    const res = await importUsers(SAMPLE_IMPORT)
    expect(res.status).toBe(200)
    expect(await res.json()).toStrictEqual({
      status: 'success',
      message: 'User profiles imported successfully.',
    })
    expect(db.countContacts()).toBe(1)
    const [found] = await users({ searchText: 'user name' })
    expect(found).toMatchObject({
      channel: 'import',
      profile: {
        userDetails: {
          name: 'User Name',
          contact: { email: 'user@email.com', phone: { number: '1234567890', prefix: '91' } },
        },
      },
    })
  })

  it.each([
    ['an object instead of an array', { profile: {} }, 'body'],
    ['an empty array', [], 'body'],
    ['an item without profile', [{}], '0.profile'],
    ['a profile without userDetails', [{ profile: {} }], '0.profile.userDetails'],
    [
      'a bad email in the second item',
      [profile('A', 'a@example.com'), profile('B', 'not-an-email')],
      '1.profile.userDetails.contact.email',
    ],
    [
      'a phone number with letters',
      [profile('A', '', '12ab34', '91')],
      '0.profile.userDetails.contact.phone.number',
    ],
    [
      'a phone number with the dial code',
      [profile('A', '', '+911234567890', '91')],
      '0.profile.userDetails.contact.phone.number',
    ],
    [
      'a dial code with letters',
      [profile('A', '', '1234567890', 'x1')],
      '0.profile.userDetails.contact.phone.prefix',
    ],
    [
      'a name that is a number',
      [{ profile: { userDetails: { userProvidedName: 42, contact: { email: 'a@example.com' } } } }],
      '0.profile.userDetails.userProvidedName',
    ],
    [
      'tags that are not an array',
      [profile('A', 'a@example.com', '', '', { tags: 'VIP' })],
      '0.profile.userDetails.tags',
    ],
    [
      'a tag that is not a string',
      [profile('A', 'a@example.com', '', '', { tags: [1] })],
      '0.profile.userDetails.tags.0',
    ],
    [
      'attributes without value',
      [profile('A', 'a@example.com', '', '', { attributes: [{ key: 'k' }] })],
      '0.profile.userDetails.attributes.0.value',
    ],
    [
      'neither email nor phone',
      [profile('A', 'a@example.com'), profile('Nobody', '', '', '')],
      '1.profile.userDetails.contact',
    ],
  ])('answers 400 for %s, naming %s, and imports nothing', async (_, body, path) => {
    const res = await importUsers(body)
    expect(res.status).toBe(400)
    const json = (await res.json()) as { success: boolean; message: string; code: number }
    expect(json).toMatchObject({ success: false, code: 400 })
    expect(json.message.startsWith(`${path}:`)).toBe(true)
    expect(db.countContacts()).toBe(0)
  })

  it('answers 400 for a body that is not JSON', async () => {
    const res = await importUsers('[{')
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ success: false, message: 'body is not JSON' })
  })

  it('upserts by email, ignoring case: no duplicate, fields updated, tags and attributes merged', async () => {
    await importUsers([
      profile('Ada', 'Ada@Example.com', '7400123456', '44', {
        tags: ['Newsletter'],
        attributes: [
          { key: 'plan', value: 'free' },
          { key: 'source', value: 'fair' },
        ],
      }),
    ])
    const res = await importUsers([
      profile('Ada Lovelace', 'ada@example.com', '', '', {
        tags: ['VIP', 'Newsletter'],
        attributes: [{ key: 'plan', value: 'pro' }],
      }),
    ])
    expect(res.status).toBe(200)
    expect(db.countContacts()).toBe(1)
    expect(await imported()).toEqual([
      {
        name: 'Ada Lovelace',
        userProvidedName: 'Ada Lovelace',
        picture: null,
        contact: { email: 'ada@example.com', phone: { number: '7400123456', prefix: '44' } },
        tags: ['Newsletter', 'VIP'],
        attributes: [
          { key: 'plan', value: 'pro' },
          { key: 'source', value: 'fair' },
        ],
      },
    ])
  })

  it('upserts by dial code and number when there is no email match', async () => {
    await importUsers([profile('Raj', '', '98765 43210', '+91')])
    await importUsers([profile('Raj Kumar', 'raj@example.com', '9876543210', '91')])
    // the same digits as one international number
    await importUsers([profile('', '', '919876543210', '')])
    expect(db.countContacts()).toBe(1)
    const [raj] = await imported()
    expect(raj).toMatchObject({
      name: 'Raj Kumar',
      contact: { email: 'raj@example.com', phone: { number: '9876543210', prefix: '91' } },
    })
  })

  it('creates one contact per distinct person, also within one import', async () => {
    const res = await importUsers([
      profile('Ada', 'ada@example.com'),
      profile('Bo', 'bo@example.com'),
      profile('Ada again', 'ADA@example.com'),
    ])
    expect(res.status).toBe(200)
    expect(db.countContacts()).toBe(2)
    expect((await imported()).map((u) => u.name).sort()).toEqual(['Ada again', 'Bo'])
  })

  it('does not touch website chats with the same email', async () => {
    await put({ ...ids, name: 'Ada (chat)', email: 'ada@example.com' })
    await importUsers([profile('Ada (import)', 'ada@example.com')])
    expect(await names({ searchText: 'ada@example.com' })).toEqual(['Ada (chat)', 'Ada (import)'])
    const [chat] = await leads('lead')
    expect(chat).toMatchObject({ profile: { userDetails: { name: 'Ada (chat)' } } })
  })

  it('creates its table idempotently and keeps contacts across a reopened file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reekolect-test-'))
    try {
      const file = join(dir, 'demo.db')
      const first = openDb(file)
      first.importUsers([{ email: 'ada@example.com', tags: [], attributes: [] }])
      first.close()
      const again = openDb(file)
      expect(again.countContacts()).toBe(1)
      again.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
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

describe('GET /page/:bot/:customer (the landing page)', () => {
  it("points the shipped page's tag at this API, its token and the bot's configuration document", async () => {
    const dist = mkdtempSync(join(tmpdir(), 'reekolect-dist-'))
    try {
      copyFileSync('loader/public/page.html', join(dist, 'page.html'))
      const withDist = createApp({ db, token: TOKEN, dist }).app
      const res = await withDist.request('/page/shop-bot/cust1')
      expect(res.status).toBe(200)
      const tag = (await res.text()).match(/<script id="Reekolect-messenger-widget"[^>]*>/)?.[0]
      expect(tag).toContain('data-mode="page"')
      expect(tag).toContain('data-api-url="/"')
      expect(tag).toContain(`data-token="${TOKEN}"`)
      // The playground saves the bot's document there (204 while there is none).
      expect(tag).toContain('data-config-url="/widget/shop-bot/config.json"')
    } finally {
      rmSync(dist, { recursive: true, force: true })
    }
  })
})
