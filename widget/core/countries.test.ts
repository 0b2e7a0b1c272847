import { describe, expect, it } from 'vitest'
import { type Country, countries, countryMatcher, guessCountry } from './countries'

const en = countries('en')
const es = countries('es')
const find = (list: Country[], query: string) =>
  list.filter(countryMatcher(query)).map((c) => c.code)

describe('countryMatcher', () => {
  it('matches names without accents or case: "espa" finds España in Spanish', () => {
    expect(find(es, 'espa')).toEqual(['ES'])
    expect(find(es, 'ESPAÑA')).toEqual(['ES'])
    expect(find(es, '  españa ')).toEqual(['ES'])
    expect(find(es, 'Méx')).toEqual(['MX'])
    expect(find(en, 'united k')).toEqual(['GB'])
  })

  it('matches the accented name from an unaccented query, anywhere in it', () => {
    // "Côte d’Ivoire" in English, "Perú" in Spanish.
    expect(find(en, 'cote d')).toEqual(['CI'])
    expect(find(es, 'peru')).toEqual(['PE'])
    expect(find(en, 'kingdom')).toContain('GB')
  })

  it('matches English names in any language', () => {
    expect(find(es, 'germany')).toEqual(['DE'])
    expect(find(countries('de'), 'spain')).toEqual(['ES'])
  })

  it('matches dial codes with or without "+" or "00", every country sharing one', () => {
    const uk = ['GB', 'GG', 'IM', 'JE']
    expect(find(en, '+44').sort()).toEqual(uk)
    expect(find(en, '44').sort()).toEqual(uk)
    expect(find(en, '0044').sort()).toEqual(uk)
    expect(find(en, '+49')).toEqual(['DE'])
    expect(find(en, '+1')).toEqual(expect.arrayContaining(['US', 'CA', 'JM']))
    // A prefix narrows as the visitor types: +3 lists +30…+39x, +353 only Ireland.
    expect(find(en, '+3')).toEqual(expect.arrayContaining(['GR', 'FR', 'IE']))
    expect(find(en, '+353')).toEqual(['IE'])
  })

  it('matches ISO codes', () => {
    expect(find(en, 'gb')).toEqual(['GB'])
    expect(find(en, 'DE')).toContain('DE')
    expect(find(es, 'us')).toContain('US')
  })

  it('matches every country for an empty query and none for nonsense', () => {
    expect(find(en, '')).toHaveLength(en.length)
    expect(find(en, '   ')).toHaveLength(en.length)
    expect(find(en, 'zzzz')).toEqual([])
    expect(find(en, '+999')).toEqual([])
  })
})

describe('guessCountry with a time zone', () => {
  it('takes the time zone’s country when the locale has no region', () => {
    expect(guessCountry('en', 'Europe/London')).toBe('GB')
    expect(guessCountry('en', 'Australia/Sydney')).toBe('AU')
    expect(guessCountry('es', 'America/Mexico_City')).toBe('MX')
    expect(guessCountry('es', 'America/Argentina/Buenos_Aires')).toBe('AR')
    expect(guessCountry('de', 'Europe/Vienna')).toBe('AT')
    expect(guessCountry('ar', 'Asia/Dubai')).toBe('AE')
  })

  it('lets the locale’s own region win over the time zone', () => {
    expect(guessCountry('en-US', 'Europe/London')).toBe('US')
    expect(guessCountry('pt-BR', 'Europe/Lisbon')).toBe('BR')
  })

  it('falls back to the language’s likely region for an unknown zone', () => {
    expect(guessCountry('de', 'UTC')).toBe('DE')
    expect(guessCountry('ja', 'Antarctica/Troll')).toBe('JP')
    expect(guessCountry('fr', '')).toBe('FR')
  })

  it('reads the time zone even when the locale is unreadable', () => {
    expect(guessCountry('not a locale!', 'Asia/Kolkata')).toBe('IN')
    expect(guessCountry('', 'UTC')).toBe('US')
  })
})
