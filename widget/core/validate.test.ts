import { describe, expect, it, vi } from 'vitest'
import type { AskNode, InputKind } from './flow'
import { check, MAX_LENGTH, roughPhone } from './validate'

const node = (input: InputKind, extra: Partial<AskNode> = {}): AskNode => ({
  id: input,
  type: 'ask',
  input,
  text: `${input}?`,
  ...extra,
})

describe('check: required', () => {
  it.each(['name', 'email', 'phone', 'text', 'choice'] as const)(
    'rejects an empty or blank %s answer as required',
    async (input) => {
      expect(await check(node(input), '')).toEqual({ ok: false, error: 'errRequired' })
      expect(await check(node(input), '  \n\t ')).toEqual({ ok: false, error: 'errRequired' })
    },
  )
})

describe('check: length', () => {
  it.each(['name', 'email', 'phone', 'text', 'choice'] as const)(
    'rejects a %s answer over its maximum, saying the maximum',
    async (input) => {
      const max = MAX_LENGTH[input]
      const phone = vi.fn(async () => ({ phone: '1', dialCode: '+1' }))
      const r = await check(node(input), 'a'.repeat(max + 1), phone)
      expect(r).toEqual({ ok: false, error: 'errTooLong', vars: { max } })
      expect(phone).not.toHaveBeenCalled()
    },
  )

  it('measures after trimming', async () => {
    const r = await check(node('name'), `   ${'a'.repeat(MAX_LENGTH.name)}   `)
    expect(r.ok).toBe(true)
  })

  it('has sensible maxima for a lead', () => {
    expect(MAX_LENGTH.name).toBeGreaterThanOrEqual(50)
    expect(MAX_LENGTH.email).toBeGreaterThanOrEqual(254)
  })
})

describe('check: name and text', () => {
  it('trims a name and collapses inner whitespace', async () => {
    expect(await check(node('name'), '  Ada \n  Lovelace ')).toEqual({
      ok: true,
      answer: { text: 'Ada \n  Lovelace', value: 'Ada Lovelace' },
    })
  })

  it('keeps free text as typed, trimmed', async () => {
    expect(await check(node('text'), '  Hello,\nworld  ')).toEqual({
      ok: true,
      answer: { text: 'Hello,\nworld', value: 'Hello,\nworld' },
    })
  })
})

describe('check: email', () => {
  it.each([
    'ada@example.com',
    'first.last+tag@sub.example.co.uk',
    "o'neil@example.ie",
    'x@a-b.io',
    '1234@123.45.com',
  ])('accepts %s', async (email) => {
    const r = await check(node('email'), email)
    expect(r).toEqual({ ok: true, answer: { text: email, value: email.toLowerCase() } })
  })

  it('stores the address lowercased, shows it as typed', async () => {
    expect(await check(node('email'), ' Ada@Example.COM ')).toEqual({
      ok: true,
      answer: { text: 'Ada@Example.COM', value: 'ada@example.com' },
    })
  })

  it.each([
    ['no @', 'ada.example.com'],
    ['no dot in the domain', 'ada@localhost'],
    ['two @', 'ada@@example.com'],
    ['a space', 'ada lovelace@example.com'],
    ['an empty local part', '@example.com'],
    ['a domain starting with a dot', 'ada@.example.com'],
    ['a domain ending with a dot', 'ada@example.com.'],
    ['a domain label starting with a hyphen', 'ada@-example.com'],
    ['a domain label ending with a hyphen', 'ada@example-.com'],
    ['a non-ASCII domain (not allowed by the HTML format)', 'ada@exämple.com'],
    ['a display name', 'Ada <ada@example.com>'],
  ])('rejects an address with %s', async (_, email) => {
    expect(await check(node('email'), email)).toEqual({ ok: false, error: 'errEmail' })
  })

  it('rejects a domain label longer than 63 characters', async () => {
    const ok = `ada@${'a'.repeat(63)}.com`
    const bad = `ada@${'a'.repeat(64)}.com`
    expect((await check(node('email'), ok)).ok).toBe(true)
    expect(await check(node('email'), bad)).toEqual({ ok: false, error: 'errEmail' })
  })
})

describe('check: phone', () => {
  it('accepts what the phone validator accepts, as dial code plus national digits', async () => {
    const phone = vi.fn(async () => ({ phone: '7400123456', dialCode: '+44' }))
    const r = await check(node('phone'), ' 07400 123456 ', phone)
    expect(phone).toHaveBeenCalledWith('07400 123456')
    expect(r).toEqual({
      ok: true,
      answer: {
        text: '+44 7400123456',
        value: '+447400123456',
        phone: { phone: '7400123456', dialCode: '+44' },
      },
    })
  })

  it('rejects what the phone validator rejects', async () => {
    const phone = vi.fn(async () => undefined)
    expect(await check(node('phone'), '12', phone)).toEqual({ ok: false, error: 'errPhone' })
    expect(phone).toHaveBeenCalledOnce()
  })

  it('rejects a phone answer when no validator is available', async () => {
    expect(await check(node('phone'), '07400 123456')).toEqual({ ok: false, error: 'errPhone' })
  })

  it('keeps a number checked without libphonenumber-js as typed, with no dial code', async () => {
    const r = await check(node('phone'), ' +44 (0)7400-123.456 ', async (raw) => roughPhone(raw))
    expect(r).toEqual({
      ok: true,
      answer: {
        text: '+44 (0)7400-123.456',
        value: '4407400123456',
        phone: { phone: '4407400123456', dialCode: '' },
      },
    })
  })
})

describe('roughPhone (the phone chunk could not load)', () => {
  it.each(['07400 123456', '+1 (555) 010-9999', '123456', '123456789012345'])(
    'accepts %s',
    (raw) => {
      expect(roughPhone(raw)).toEqual({ phone: raw.replace(/\D/g, ''), dialCode: '' })
    },
  )
  it.each(['12345', '1234567890123456', 'call me', '0740O 123456', 'ext. 12345678', ''])(
    'rejects %j',
    (raw) => {
      expect(roughPhone(raw)).toBeUndefined()
    },
  )
})

describe('check: choice', () => {
  const options = [{ label: 'Pricing and sales', value: 'sales' }, { label: 'Support' }]

  it('matches a typed label case-insensitively and answers with the label and value', async () => {
    const r = await check(node('choice', { options }), '  pricing AND Sales ')
    expect(r).toEqual({
      ok: true,
      answer: { text: 'Pricing and sales', value: 'sales', choice: options[0] },
    })
  })

  it('uses the label as value when the option has none', async () => {
    const r = await check(node('choice', { options }), 'SUPPORT')
    expect(r).toEqual({
      ok: true,
      answer: { text: 'Support', value: 'Support', choice: options[1] },
    })
  })

  it('rejects text that is not one of the options', async () => {
    const r = await check(node('choice', { options }), 'sales')
    expect(r.ok).toBe(false)
    expect(await check(node('choice'), 'Support')).toMatchObject({ ok: false })
  })
})
