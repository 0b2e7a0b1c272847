/**
 * The strings of the text box's counter, "New conversation" and the previous
 * conversation (strings.ts): every core language has each, with the placeholders
 * English has, and counts agree with their number.
 */
import { describe, expect, it } from 'vitest'
import { languages } from '../core/i18n'
import { type CountKey, catalogues, type MoreKey, moreCount, moreText } from './strings'

const TEXTS: MoreKey[] = ['again', 'earlier', 'welcome']
const COUNTS: CountKey[] = ['left', 'over', 'count']

describe('every language of the core catalogues', () => {
  it.each(languages().filter((l) => l !== 'en'))(
    '%s has its own text for each string, placeholders kept',
    (lang) => {
      for (const key of TEXTS) {
        const s = moreText(lang, key, { name: 'Ada' })
        expect(s, key).not.toBe(moreText('en', key, { name: 'Ada' }))
        expect(s.includes('Ada'), key).toBe(key === 'welcome')
      }
      for (const key of COUNTS) {
        expect(catalogues[lang]?.[`${key}_other`], key).toBeTypeOf('string')
        expect(moreCount(lang, key, 7), key).toMatch(/7|٧/)
      }
    },
  )
})

describe('moreCount', () => {
  it('agrees with the number: one and other', () => {
    expect(moreCount('en', 'count', 1)).toBe('1 message')
    expect(moreCount('en', 'count', 12)).toBe('12 messages')
    expect(moreCount('en-GB', 'left', 1)).toBe('1 character left')
    // French counts 0 and 1 as singular.
    expect(moreCount('fr', 'left', 0)).toBe('0 caractère restant')
    expect(moreCount('fr', 'left', 2)).toBe('2 caractères restants')
    expect(moreCount('de', 'count', 1)).toBe('1 Nachricht')
    expect(moreCount('de', 'left', 1)).toBe('Noch 1 Zeichen')
  })

  it('writes the number as the locale does', () => {
    expect(moreCount('en', 'count', 1200)).toBe('1,200 messages')
    expect(moreCount('de', 'count', 1200)).toBe('1.200 Nachrichten')
  })

  it('falls back to English, with its plural forms, for a language without strings or a bad locale', () => {
    expect(moreCount('it', 'count', 1)).toBe('1 message')
    expect(moreCount('it', 'count', 3)).toBe('3 messages')
    expect(moreCount('not a locale!', 'over', 2)).toBe('2 characters too many')
    expect(moreText('it', 'again')).toBe('New conversation')
  })
})
