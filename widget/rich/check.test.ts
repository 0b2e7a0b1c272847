import { describe, expect, it } from 'vitest'
import type { AskNode, InputKind } from '../core/flow'
import { distance, suggestEmail } from '../core/suggest'
import { check as coreCheck } from '../core/validate'
import { createCheck, isFreeMail } from './check'

const node = (input: InputKind, extra: Partial<AskNode> = {}): AskNode => ({
  id: input,
  type: 'ask',
  input,
  text: `${input}?`,
  ...extra,
})

const rules = { suggest: true, businessOnly: false }

describe('distance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(distance('gmail.com', 'gmail.com')).toBe(0)
    expect(distance('gmial.com', 'gmail.com')).toBe(1)
    expect(distance('gmai.com', 'gmail.com')).toBe(1)
    expect(distance('gmaill.com', 'gmail.com')).toBe(1)
    expect(distance('gmail.con', 'gmail.com')).toBe(1)
    expect(distance('', 'abc')).toBe(3)
    expect(distance('kitten', 'sitting')).toBe(3)
  })
})

describe('suggestEmail', () => {
  it.each([
    ['ada@gmial.com', 'ada@gmail.com'],
    ['ada@gmail.con', 'ada@gmail.com'],
    ['ada@gamil.com', 'ada@gmail.com'],
    ['ada@gmai.com', 'ada@gmail.com'],
    ['ada@hotmial.com', 'ada@hotmail.com'],
    ['ada@yahooo.com', 'ada@yahoo.com'],
    ['ada@yaho.com', 'ada@yahoo.com'],
    ['ada@outlok.com', 'ada@outlook.com'],
    ['ada@icloud.co', 'ada@icloud.com'],
    ['first.last+tag@hotmail.co', 'first.last+tag@hotmail.com'],
  ])('suggests a fix for %s', (typo, fixed) => {
    expect(suggestEmail(typo)).toBe(fixed)
  })

  it('keeps the local part exactly as typed', () => {
    expect(suggestEmail('Ada.Lovelace@GMIAL.COM')).toBe('Ada.Lovelace@gmail.com')
  })

  it.each([
    'ada@gmail.com',
    'ada@outlook.com',
    'ada@yahoo.co.uk',
    'ada@example.com',
    'ada@stripe.com',
    'ada@mit.edu',
    'ada@kpmg.com',
    'ada@three.co.uk',
  ])('suggests nothing for %s', (email) => {
    expect(suggestEmail(email)).toBeUndefined()
  })

  it.each(['ada@acme.com', 'ada@gap.com', 'ada@gmx.net', 'ada@mail.de'])(
    'suggests nothing for %s: two edits or more from every common domain',
    (email) => {
      expect(suggestEmail(email)).toBeUndefined()
    },
  )

  it('suggests nothing without a local part', () => {
    expect(suggestEmail('@gmial.com')).toBeUndefined()
    expect(suggestEmail('gmial.com')).toBeUndefined()
  })
})

describe('isFreeMail', () => {
  it.each([
    'ada@gmail.com',
    'ada@yahoo.fr',
    'ada@hotmail.co.uk',
    'ada@outlook.de',
    'ada@icloud.com',
    'ada@proton.me',
    'ada@gmx.de',
    'ada@qq.com',
  ])('knows %s is free mail', (email) => {
    expect(isFreeMail(email)).toBe(true)
  })

  it.each(['ada@yahoo.co.uk', 'ada@hotmail.com.br', 'ada@GMAIL.COM'])(
    'knows %s is free mail: a regional or upper-case domain',
    (email) => {
      expect(isFreeMail(email)).toBe(true)
    },
  )

  it.each([
    'ada@acme.com',
    'ada@example.co.uk',
    'ada@gmail-partners.com',
    'ada@mail.acme.com',
    'ada@email.acme.co.uk',
    'ada@me.acme.com',
  ])('knows %s is not', (email) => {
    expect(isFreeMail(email)).toBe(false)
  })
})

describe('createCheck: email', () => {
  it('refuses a likely typo once, with the suggestion, then accepts the same address', () => {
    const check = createCheck(rules)
    expect(check(node('email'), 'Ada@Gmial.com')).toEqual({
      ok: false,
      error: 'emailSuggest',
      vars: { email: 'ada@gmail.com' },
      suggest: 'ada@gmail.com',
    })
    expect(check(node('email'), 'Ada@Gmial.com')).toEqual({
      ok: true,
      answer: { text: 'Ada@Gmial.com', value: 'ada@gmial.com' },
    })
  })

  it('accepts the suggested address at once', () => {
    const check = createCheck(rules)
    const r = check(node('email'), 'ada@gmial.com')
    if (r?.ok !== false || !r.suggest) throw new Error('no suggestion')
    expect(check(node('email'), r.suggest)).toEqual({
      ok: true,
      answer: { text: 'ada@gmail.com', value: 'ada@gmail.com' },
    })
  })

  it('refuses a second, different typo again', () => {
    const check = createCheck(rules)
    expect(check(node('email'), 'ada@gmial.com')?.ok).toBe(false)
    expect(check(node('email'), 'ada@yahooo.com')).toMatchObject({
      ok: false,
      suggest: 'ada@yahoo.com',
    })
  })

  it('accepts a correct address at once, lowercased', () => {
    expect(createCheck(rules)(node('email'), ' Ada@Example.COM ')).toEqual({
      ok: true,
      answer: { text: 'Ada@Example.COM', value: 'ada@example.com' },
    })
  })

  it('suggests nothing when suggestions are off', () => {
    const check = createCheck({ suggest: false, businessOnly: false })
    expect(check(node('email'), 'ada@gmial.com')).toEqual({
      ok: true,
      answer: { text: 'ada@gmial.com', value: 'ada@gmial.com' },
    })
  })

  it('leaves a malformed or empty address to the core check', () => {
    const check = createCheck(rules)
    expect(check(node('email'), 'ada@localhost')).toBeUndefined()
    expect(check(node('email'), '')).toBeUndefined()
  })

  it('leaves an address over 254 characters to the core check, which refuses it', async () => {
    const check = createCheck({ suggest: true, businessOnly: true })
    const long = `${'a'.repeat(245)}@acme.com`
    expect(long).toHaveLength(254)
    expect(check(node('email'), long)).toEqual({ ok: true, answer: { text: long, value: long } })
    const tooLong = `a${long}`
    expect(check(node('email'), tooLong)).toBeUndefined()
    // Even a free-mail address: too long is the error, not "business only".
    expect(check(node('email'), `${'a'.repeat(246)}@gmail.com`)).toBeUndefined()
    expect(await coreCheck(node('email'), tooLong)).toEqual({
      ok: false,
      error: 'errTooLong',
      vars: { max: 254 },
    })
  })

  it('refuses free mail when business addresses only are accepted, every time', () => {
    const check = createCheck({ suggest: true, businessOnly: true })
    expect(check(node('email'), 'ada@gmail.com')).toEqual({ ok: false, error: 'errBusiness' })
    expect(check(node('email'), 'ada@gmail.com')).toEqual({ ok: false, error: 'errBusiness' })
    expect(check(node('email'), 'ada@yahoo.co.uk')).toEqual({ ok: false, error: 'errBusiness' })
  })

  it('accepts company addresses when business addresses only are accepted', () => {
    const check = createCheck({ suggest: true, businessOnly: true })
    expect(check(node('email'), 'ada@acme.io')).toEqual({
      ok: true,
      answer: { text: 'ada@acme.io', value: 'ada@acme.io' },
    })
    expect(check(node('email'), 'ada@sub.example.co.uk')?.ok).toBe(true)
  })
})

describe('createCheck: number', () => {
  const check = createCheck(rules)

  it('accepts numbers, with a decimal comma or point', () => {
    expect(check(node('number'), ' 42 ')).toEqual({ ok: true, answer: { text: '42', value: '42' } })
    expect(check(node('number'), '1,5')).toEqual({
      ok: true,
      answer: { text: '1,5', value: '1.5' },
    })
    expect(check(node('number'), '-3.25')).toEqual({
      ok: true,
      answer: { text: '-3.25', value: '-3.25' },
    })
  })

  it.each([
    ['1,000', '1000'],
    ['1 000', '1000'],
    ['2,5', '2.5'],
    ['1,000.5', '1000.5'],
    ['1,234,567', '1234567'],
  ])('reads %j as %s: thousands separators, or a decimal comma', (raw, value) => {
    expect(check(node('number'), raw)).toEqual({ ok: true, answer: { text: raw, value } })
  })

  it.each(['', 'abc', '12 people', 'Infinity', '1..2'])('refuses %j as not a number', (raw) => {
    expect(check(node('number'), raw)).toEqual({ ok: false, error: 'errNumber' })
  })

  it('refuses numbers out of the bounds, saying the bounds', () => {
    const n = node('number', { min: 1, max: 10 })
    expect(check(n, '0')).toEqual({ ok: false, error: 'errRange', vars: { min: '1', max: '10' } })
    expect(check(n, '11')).toEqual({ ok: false, error: 'errRange', vars: { min: '1', max: '10' } })
    expect(check(n, '1')?.ok).toBe(true)
    expect(check(n, '10')?.ok).toBe(true)
  })

  it('bounds one side only when only one bound is given', () => {
    const atLeast = node('number', { min: 18 })
    expect(check(atLeast, '17')).toEqual({
      ok: false,
      error: 'errRange',
      vars: { min: '18', max: '…' },
    })
    expect(check(atLeast, '1000000')?.ok).toBe(true)
  })
})

describe('createCheck: date', () => {
  const check = createCheck(rules)

  it('accepts a YYYY-MM-DD date', () => {
    expect(check(node('date'), ' 2025-06-30 ')).toEqual({
      ok: true,
      answer: { text: '2025-06-30', value: '2025-06-30' },
    })
  })

  it.each(['30/06/2025', '2025-6-30', '2025-13-01', '2025-00-10', 'tomorrow', ''])(
    'refuses %j',
    (raw) => {
      expect(check(node('date'), raw)).toEqual({ ok: false, error: 'errDate' })
    },
  )

  it.each(['2024-02-30', '2023-02-29', '2024-04-31', '2025-06-31', '2025-01-32'])(
    'refuses the impossible calendar day %s',
    (raw) => {
      expect(check(node('date'), raw)).toEqual({ ok: false, error: 'errDate' })
    },
  )

  it('accepts 29 February of a leap year', () => {
    expect(check(node('date'), '2024-02-29')).toEqual({
      ok: true,
      answer: { text: '2024-02-29', value: '2024-02-29' },
    })
  })

  it('refuses dates out of the bounds, saying the bounds', () => {
    const n = node('date', { min: '2025-01-01', max: '2025-12-31' })
    const vars = { min: '2025-01-01', max: '2025-12-31' }
    expect(check(n, '2024-12-31')).toEqual({ ok: false, error: 'errDateRange', vars })
    expect(check(n, '2026-01-01')).toEqual({ ok: false, error: 'errDateRange', vars })
    expect(check(n, '2025-01-01')?.ok).toBe(true)
    expect(check(n, '2025-12-31')?.ok).toBe(true)
  })

  it('bounds one side only when only one bound is given', () => {
    const n = node('date', { min: '2025-01-01' })
    expect(check(n, '2024-06-01')).toEqual({
      ok: false,
      error: 'errDateRange',
      vars: { min: '2025-01-01', max: '…' },
    })
    expect(check(n, '2999-01-01')?.ok).toBe(true)
  })
})

describe('createCheck: rating', () => {
  const check = createCheck(rules)

  it.each([1, 2, 3, 4, 5])('accepts %i stars, shown as stars', (n) => {
    const r = check(node('rating'), String(n))
    expect(r).toEqual({
      ok: true,
      answer: { text: `${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${n}/5`, value: String(n) },
    })
  })

  it.each(['0', '6', '3.5', 'five', ''])('refuses %j', (raw) => {
    expect(check(node('rating'), raw)).toEqual({
      ok: false,
      error: 'errRange',
      vars: { min: 1, max: 5 },
    })
  })
})

describe('createCheck: multiple choice', () => {
  const check = createCheck(rules)
  const options = [{ label: 'Pricing', value: 'pricing' }, { label: 'Support' }, { label: 'Jobs' }]

  it('accepts chosen labels or values, in option order, as values', () => {
    expect(check(node('multi', { options }), 'support, PRICING')).toEqual({
      ok: true,
      answer: {
        text: 'Pricing, Support',
        value: 'pricing, Support',
        values: ['pricing', 'Support'],
      },
    })
  })

  it('needs at least one option by default, and allows all', () => {
    const n = node('multi', { options })
    expect(check(n, 'nothing I know')).toEqual({
      ok: false,
      error: 'errMulti',
      vars: { min: 1, max: 3 },
    })
    expect(check(n, 'Pricing, Support, Jobs')?.ok).toBe(true)
  })

  it('keeps to min and max', () => {
    const n = node('multi', { options, min: 2, max: 2 })
    const error = { ok: false, error: 'errMulti', vars: { min: 2, max: 2 } }
    expect(check(n, 'Jobs')).toEqual(error)
    expect(check(n, 'Jobs, Support, Pricing')).toEqual(error)
    expect(check(n, 'Jobs, Support')?.ok).toBe(true)
  })
})

describe('createCheck: other inputs', () => {
  it.each(['name', 'phone', 'text', 'choice'] as const)('leaves %s to the core check', (input) => {
    expect(createCheck(rules)(node(input), 'anything')).toBeUndefined()
  })
})
