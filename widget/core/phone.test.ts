import { type CountryCode, getExampleNumber } from 'libphonenumber-js'
import examples from 'libphonenumber-js/mobile/examples'
import { describe, expect, it } from 'vitest'
import { countries, guessCountry, parsePhone } from './phone'

const COUNTRIES: CountryCode[] = [
  'GB',
  'US',
  'DE',
  'FR',
  'IN',
  'BR',
  'ES',
  'ZA',
  'AE',
  'AU',
  'JP',
  'NG',
  'MX',
  'IT',
  'KE',
]

/** A real, valid mobile number of `country` (libphonenumber's example numbers, full metadata). */
const example = (country: CountryCode) => {
  const n = getExampleNumber(country, examples)
  if (!n) throw new Error(`no example number for ${country}`)
  return {
    national: n.formatNational(),
    international: n.formatInternational(),
    e164: n.number,
    expected: { phone: String(n.nationalNumber), dialCode: `+${n.countryCallingCode}` },
  }
}

/** A country other than `c` whose dial code differs, to prove the `+` prefix wins. */
const wrongCountry = (c: CountryCode) => (c === 'US' || c === 'GB' ? 'DE' : 'US')

describe('parsePhone', () => {
  it.each(COUNTRIES)('reads a %s number typed in national format', (country) => {
    const { national, expected } = example(country)
    expect(parsePhone(national, country)).toEqual(expected)
  })

  it.each(COUNTRIES)(
    'reads a %s number typed in +international format whatever country is chosen',
    (country) => {
      const { international, e164, expected } = example(country)
      expect(parsePhone(international, wrongCountry(country))).toEqual(expected)
      expect(parsePhone(e164, wrongCountry(country))).toEqual(expected)
    },
  )

  // German numbers vary in length, so a shorter one may be valid too.
  it.each(COUNTRIES.filter((c) => c !== 'DE'))(
    'rejects a %s number two digits short, national or international',
    (country) => {
      const { expected } = example(country)
      const short = expected.phone.slice(0, -2)
      expect(parsePhone(short, country)).toBeUndefined()
      expect(parsePhone(`${expected.dialCode}${short}`, country)).toBeUndefined()
      expect(parsePhone(`${expected.dialCode} ${short}`, wrongCountry(country))).toBeUndefined()
    },
  )

  it('rejects a German number far too short', () => {
    expect(parsePhone('+49 151', 'DE')).toBeUndefined()
    expect(parsePhone('0151', 'DE')).toBeUndefined()
  })

  it('reads a 00 international prefix like +', () => {
    const { e164, expected } = example('GB')
    expect(parsePhone(e164.replace('+', '00'), 'US')).toEqual(expected)
  })

  it('returns digits only, without the trunk 0 and without the dial code', () => {
    expect(parsePhone('07400 123456', 'GB')).toEqual({ phone: '7400123456', dialCode: '+44' })
    expect(parsePhone('(201) 555-0123', 'US')).toEqual({ phone: '2015550123', dialCode: '+1' })
    expect(parsePhone(' +44 (0)7400-123-456 ', 'FR')).toEqual({
      phone: '7400123456',
      dialCode: '+44',
    })
  })

  it.each([
    ['too short', '123', 'GB'],
    ['too long', '07400 123456 7890', 'GB'],
    ['letters', 'call me maybe', 'GB'],
    ['empty', '', 'GB'],
    ['a UK number for the US', '07400 123456', 'US'],
    ['a number with an unassigned dial code', '+999 1234 5678', 'GB'],
    ['a national number with an unknown country', '07400 123456', 'XX'],
  ])('rejects %s', (_, raw, country) => {
    expect(parsePhone(raw, country)).toBeUndefined()
  })

  it('accepts an international number even when the chosen country is unknown', () => {
    const { e164, expected } = example('ZA')
    expect(parsePhone(e164, 'XX')).toEqual(expected)
  })
})

describe('guessCountry', () => {
  it('reads the region of a locale', () => {
    expect(guessCountry('en-GB', 'UTC')).toBe('GB')
    expect(guessCountry('pt-BR', 'UTC')).toBe('BR')
    expect(guessCountry('en-ZA', 'UTC')).toBe('ZA')
  })

  it('guesses the likely region of a language-only locale', () => {
    expect(guessCountry('de', 'UTC')).toBe('DE')
    expect(guessCountry('ja', 'UTC')).toBe('JP')
  })

  it('falls back to US for an unreadable locale', () => {
    expect(guessCountry('not a locale!', 'UTC')).toBe('US')
    expect(guessCountry('', 'UTC')).toBe('US')
  })
})

describe('countries', () => {
  const list = countries('en')

  it('lists the United Kingdom with +44 and the United States with +1', () => {
    expect(list).toContainEqual({ code: 'GB', name: 'United Kingdom', dial: '+44' })
    expect(list.find((c) => c.code === 'US')?.dial).toBe('+1')
    expect(list.find((c) => c.code === 'ZA')?.dial).toBe('+27')
  })

  it('lists every country once, with a name and a dial code', () => {
    expect(list.length).toBeGreaterThan(200)
    expect(new Set(list.map((c) => c.code)).size).toBe(list.length)
    for (const c of list) {
      expect(c.name).not.toBe('')
      expect(c.dial).toMatch(/^\+\d{1,4}$/)
    }
  })

  it('is sorted by name for the locale', () => {
    const collator = new Intl.Collator('en')
    for (let i = 1; i < list.length; i++)
      expect(collator.compare(list[i - 1]!.name, list[i]!.name)).toBeLessThanOrEqual(0)
    const names = list.map((c) => c.name)
    expect(names.indexOf('Austria')).toBeLessThan(names.indexOf('Germany'))
  })

  it('names countries in the visitor language', () => {
    expect(countries('de').find((c) => c.code === 'DE')?.name).toBe('Deutschland')
    expect(countries('fr').find((c) => c.code === 'GB')?.name).toBe('Royaume-Uni')
  })
})
