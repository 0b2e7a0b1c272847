import { describe, expect, it } from 'vitest'
import {
  changes,
  emptyLead,
  fieldsOf,
  type Lead,
  leadPayload,
  payloadOf,
  toJson,
  withAttribute,
  withTags,
} from './lead'

const ids = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'bot1', customerId: 'cust1' }

describe('leadPayload', () => {
  it('sends only the three ids for an empty lead', () => {
    expect(leadPayload(ids, emptyLead())).toEqual({
      uuid: ids.uuid,
      botId: 'bot1',
      customerId: 'cust1',
    })
  })

  it('builds the exact PUT body of a captured lead, ids first', () => {
    const lead: Lead = {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '7400123456',
      dialCode: '+44',
      tags: ['Support'],
      attributes: [],
      notes: [],
    }
    const body = leadPayload(ids, lead)
    expect(body).toStrictEqual({
      uuid: ids.uuid,
      botId: 'bot1',
      customerId: 'cust1',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '7400123456',
      dialCode: '+44',
      tags: ['Support'],
    })
    expect(Object.keys(body).slice(0, 3)).toEqual(['uuid', 'botId', 'customerId'])
  })

  it('leaves out unset and empty fields so agent edits are never cleared', () => {
    const body = leadPayload(ids, { ...emptyLead(), name: '', email: undefined })
    expect(Object.keys(body).sort()).toEqual(['botId', 'customerId', 'uuid'])
    expect(body).not.toHaveProperty('tags')
    expect(body).not.toHaveProperty('attributes')
    expect(body).not.toHaveProperty('notes')
  })

  it('includes attributes, notes and status when set', () => {
    const body = leadPayload(ids, {
      tags: [],
      attributes: [{ key: 'plan', value: 'pro' }],
      notes: [{ title: 'Call', description: 'after 5pm' }],
      status: 'OPEN',
    })
    expect(body).toStrictEqual({
      ...ids,
      status: 'OPEN',
      attributes: [{ key: 'plan', value: 'pro' }],
      notes: [{ title: 'Call', description: 'after 5pm' }],
    })
  })

  it('is a snapshot: later changes to the lead do not change a body already built', () => {
    const lead: Lead = { ...emptyLead(), tags: ['a'], attributes: [{ key: 'k', value: 'v' }] }
    const body = leadPayload(ids, lead)
    lead.tags.push('b')
    lead.attributes[0]!.value = 'changed'
    expect(body.tags).toEqual(['a'])
    expect(body.attributes).toEqual([{ key: 'k', value: 'v' }])
  })
})

describe('fieldsOf, changes, payloadOf', () => {
  const lead: Lead = {
    name: 'Ada',
    tags: ['vip', 'web'],
    attributes: [{ key: 'plan', value: 'pro' }],
    notes: [{ title: 'Call', description: 'after 5pm' }],
  }

  it('splits a lead into fields by key, and payloadOf builds the same body back', () => {
    expect(fieldsOf(lead)).toEqual({
      name: 'Ada',
      't:vip': true,
      't:web': true,
      'a:plan': 'pro',
      'n:["Call","after 5pm"]': { title: 'Call', description: 'after 5pm' },
    })
    expect(payloadOf(ids, fieldsOf(lead))).toEqual(leadPayload(ids, lead))
  })

  it('lists changed, added and removed fields; removed tags and attributes as false, a cleared field as ""', () => {
    const next: Lead = {
      email: 'ada@example.com',
      tags: ['web', 'hot'],
      attributes: [{ key: 'city', value: 'Paris' }],
      notes: [],
    }
    expect(changes(lead, next)).toEqual({
      email: 'ada@example.com',
      't:hot': true,
      'a:city': 'Paris',
      name: '',
      't:vip': false,
      'a:plan': false,
    })
    expect(changes(lead, { ...lead })).toEqual({})
  })

  it('leaves out cleared fields, removed tags and attributes from the body', () => {
    expect(payloadOf(ids, { name: '', 't:a': false, 't:b': true, 'a:x': false })).toEqual({
      ...ids,
      tags: ['b'],
    })
  })
})

describe('withTags', () => {
  it('adds trimmed tags in order, without duplicates or blanks', () => {
    const lead = withTags(emptyLead(), [' Sales ', 'VIP', 'Sales', '   ', 'VIP'])
    expect(lead.tags).toEqual(['Sales', 'VIP'])
    expect(withTags(lead, ['VIP', 'New']).tags).toEqual(['Sales', 'VIP', 'New'])
  })

  it('removes tags', () => {
    const lead = { ...emptyLead(), tags: ['a', 'b', 'c'] }
    expect(withTags(lead, [], ['b', 'missing']).tags).toEqual(['a', 'c'])
  })

  it('adds and removes in one step', () => {
    const lead = { ...emptyLead(), tags: ['cold'] }
    expect(withTags(lead, ['hot'], ['cold']).tags).toEqual(['hot'])
  })

  it('returns a new lead and leaves the old one untouched', () => {
    const lead = { ...emptyLead(), name: 'Ada', tags: ['a'] }
    const next = withTags(lead, ['b'])
    expect(next).not.toBe(lead)
    expect(lead.tags).toEqual(['a'])
    expect(next.name).toBe('Ada')
  })
})

describe('withAttribute', () => {
  it('adds an attribute', () => {
    expect(withAttribute(emptyLead(), 'plan', 'pro').attributes).toEqual([
      { key: 'plan', value: 'pro' },
    ])
  })

  it('replaces an earlier value of the same key, keeping the others', () => {
    let lead = withAttribute(emptyLead(), 'plan', 'free')
    lead = withAttribute(lead, 'city', 'Cape Town')
    lead = withAttribute(lead, 'plan', 'pro')
    expect(lead.attributes).toHaveLength(2)
    expect(lead.attributes).toContainEqual({ key: 'plan', value: 'pro' })
    expect(lead.attributes).toContainEqual({ key: 'city', value: 'Cape Town' })
  })

  it('leaves the old lead untouched', () => {
    const lead = emptyLead()
    withAttribute(lead, 'k', 'v')
    expect(lead.attributes).toEqual([])
  })
})

describe('toJson', () => {
  it.each([
    [
      'a full payload',
      leadPayload(ids, {
        name: 'Zoë "Z" O\'Neil \\ 😀',
        email: 'z@example.com',
        tags: ['a', 'b'],
        attributes: [{ key: 'k', value: 'line\nbreak' }],
        notes: [{ title: 't', description: '<b>d</b>' }],
      }),
    ],
    ['nested arrays and objects', { a: [1, [2, { b: null }]], c: { d: true, e: 'x' } }],
    ['undefined properties (left out)', { a: undefined, b: 1 }],
    ['undefined array items (null)', [undefined, 1]],
    ['an empty object and array', { o: {}, a: [] }],
    ['a string', 'he said "hi"'],
    ['a number', 42.5],
    ['a boolean', false],
    ['null', null],
  ])('equals JSON.stringify for %s', (_, value) => {
    expect(toJson(value)).toBe(JSON.stringify(value))
  })

  it('still encodes tags as a JSON array when a host library defines Array.prototype.toJSON', () => {
    const proto = Array.prototype as unknown as { toJSON?: () => string }
    const payload = leadPayload(ids, {
      ...emptyLead(),
      name: 'Ada',
      tags: ['Sales', 'VIP'],
      attributes: [{ key: 'k', value: 'v' }],
    })
    // Prototype.js 1.6: Array#toJSON returns a JSON string.
    proto.toJSON = function (this: unknown[]) {
      return `[${this.map((v) => JSON.stringify(v)).join(', ')}]`
    }
    try {
      // The trap is real: the native encoder double-encodes arrays here.
      expect(typeof JSON.parse(JSON.stringify(payload)).tags).toBe('string')
      const decoded = JSON.parse(toJson(payload))
      expect(decoded.tags).toEqual(['Sales', 'VIP'])
      expect(decoded.attributes).toEqual([{ key: 'k', value: 'v' }])
      expect(decoded).toEqual({
        ...ids,
        name: 'Ada',
        tags: ['Sales', 'VIP'],
        attributes: [{ key: 'k', value: 'v' }],
      })
    } finally {
      delete proto.toJSON
    }
    expect('toJSON' in Array.prototype).toBe(false)
  })
})
