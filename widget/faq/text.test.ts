import { describe, expect, it } from 'vitest'
import { lexicon, STOP, term, terms, words } from './text'

describe('words', () => {
  it('folds case, accents, apostrophes and punctuation', () => {
    expect(words("Café’s OPEN?! Don't—know…")).toEqual(['cafes', 'open', 'not', 'know'])
    expect(words('  ')).toEqual([])
  })

  it('reads chat spellings as the words they stand for', () => {
    expect(words('r u open 2moro pls')).toEqual(['are', 'you', 'open', '2moro', 'please'])
  })

  it('reads a phrase as one word, whatever the form of its words', () => {
    expect(words('signing up')).toEqual(['subscribe'])
    expect(words('I signed in')).toEqual(['i', 'login'])
    expect(words('can I send it back')).toEqual(['can', 'i', 'return'])
    expect(words('is it in stock')).toEqual(['is', 'it', 'stock'])
    // Not a phrase across other words.
    expect(words('sign the form up')).toEqual(['sign', 'the', 'form', 'up'])
  })
})

describe('terms', () => {
  it('drops words that carry no topic, and keeps "not", "where" and "when"', () => {
    expect(terms('Can you tell me, please, what the')).toEqual(['tell'])
    expect(terms('where is it not when')).toEqual(['where', 'not', 'when'])
    expect(STOP.has('the')).toBe(true)
  })

  it('reads forms of one word as one term (Porter stemmer)', () => {
    expect(new Set(['return', 'returns', 'returned', 'returning'].map(term))).toEqual(
      new Set([term('return')]),
    )
  })

  it('reads synonyms as one term, and different topics as different terms', () => {
    const delivery = term('delivery')
    for (const w of ['shipping', 'postage', 'dispatch', 'courier'])
      expect(term(w), w).toBe(delivery)
    expect(term('coupon')).toBe(term('discount'))
    expect(term('warranty')).toBe(term('guarantee'))
    expect(term('refund')).not.toBe(term('return'))
    expect(term('login')).not.toBe(term('subscribe'))
  })

  it('reads country names as one term, but not those that are also words of a shop', () => {
    for (const w of ['france', 'germany', 'australia', 'usa', 'europe'])
      expect(term(w), w).toBe('country')
    expect(terms('do you ship to the united states')).toEqual([term('ship'), 'country'])
    expect(term('jersey')).not.toBe('country')
  })

  it('lists the words of its lists, for typo correction', () => {
    const known = new Set(lexicon())
    for (const w of ['postage', 'coupon', 'the', 'subscribe', 'login'])
      expect(known.has(w), w).toBe(true)
  })
})
