/**
 * The FAQ in other languages than English (./languages.ts, ./text.ts `readerOf`):
 * the hotel template's French FAQ answers French questions asked in other words,
 * which the English reading only half understands.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { faqLanguage, localizeDocument } from '../config/locale'
import { parseConfig } from '../config/schema'
import { createFaq, readerFor } from '.'
import { english } from './text'

const parsed = parseConfig(JSON.parse(readFileSync('demo/templates/multilingual.json', 'utf8')))
if (!('config' in parsed)) throw new Error('the multilingual template must be valid')
const hotel = parsed.config
const french = localizeDocument(hotel, 'fr').faq?.items ?? []
const terms = (reader: Awaited<ReturnType<typeof readerFor>>, text: string) =>
  reader.words(text).flatMap((w) => reader.term(w) ?? [])

describe('readerFor', () => {
  it('reads French: stop words and elisions dropped, inflections and accents folded into one term', async () => {
    const fr = await readerFor('fr-CA')
    expect(terms(fr, "L'arrivée des clients")).toEqual(terms(fr, 'arrivée client'))
    expect(terms(fr, 'les réservations')).toEqual(terms(fr, 'réservation'))
    expect(terms(fr, 'Est-ce que vous avez un garage ?')).toEqual(terms(fr, 'garage'))
  })

  it('English is the Porter reading; a language without a stemmer compares words as they are', async () => {
    expect(await readerFor('en-GB')).toBe(english)
    const hi = await readerFor('hi')
    expect(terms(hi, 'नाश्ता शामिल है?')).toEqual(
      ['नाशता', 'शामिल', 'ह'].map((w) => w.normalize('NFKD').replace(/\p{M}/gu, '')),
    )
  })

  it('loads each Snowball language the widget speaks', async () => {
    for (const [tag, a, b] of [
      ['es', 'reservaciones', 'reservación'],
      ['de', 'Zimmern', 'Zimmer'],
      ['pt-BR', 'reservas', 'reserva'],
      ['ar', 'الغرف', 'غرف'],
    ] as const) {
      const r = await readerFor(tag)
      expect(terms(r, a), tag).toEqual(terms(r, b))
    }
  })
})

describe('a French FAQ', () => {
  const asked = [
    ['est-ce que je peux garer ma voiture', 'parking'],
    ['quand doit-on libérer les chambres', 'check-in'],
    ['je voudrais réserver une place de garage', 'parking'],
    ['les petits-déjeuners sont compris ?', 'breakfast'],
  ] as const

  it('answers questions in other words with the French reading, where the English one does not', async () => {
    const fr = createFaq(french, { reader: await readerFor(faqLanguage(hotel, 'fr')) })
    const en = createFaq(french, { reader: english })
    for (const [q, id] of asked) expect(fr.match(q)?.item.id, q).toBe(id)
    expect(asked.filter(([q, id]) => en.match(q)?.item.id === id).length).toBeLessThan(asked.length)
  })

  it('reads a question typed without accents', async () => {
    const fr = createFaq(french, { reader: await readerFor('fr') })
    expect(fr.match('a quelle heure est l arrivee')?.item.id).toBe('check-in')
    expect(fr.match('le petit dejeuner est compris')?.item.id).toBe('breakfast')
  })

  it('still does not know what it does not cover', async () => {
    const fr = createFaq(french, { reader: await readerFor('fr') })
    expect(fr.reply('acceptez-vous les chiens').kind).toBe('unknown')
    expect(fr.reply('le wifi est-il gratuit').kind).toBe('unknown')
  })
})

describe('faqLanguage', () => {
  it('is the language of the FAQ a visitor gets: the chain’s pick, else the document’s', () => {
    expect(faqLanguage(hotel, 'fr-CA')).toBe('fr')
    expect(faqLanguage(hotel, 'es')).toBe('es')
    // The hotel has no German: its English FAQ, read as English.
    expect(faqLanguage(hotel, 'de')).toBe('en')
  })
})
