import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createFaq, FAQ_DEFAULTS, type FaqEntry, MAX_SUGGESTIONS } from '.'

/** The outdoor-shop template's FAQ (26 entries), as a site owner wrote it. */
const shop: FaqEntry[] = JSON.parse(readFileSync('demo/templates/outdoor-shop.json', 'utf8')).faq
  .items
const faq = createFaq(shop)
const answer = (q: string) => faq.match(q)?.item.id

describe('createFaq: matching', () => {
  it('answers a question asked in other words than the FAQ’s', () => {
    expect(answer('how much is postage')).toBe('delivery-cost')
    expect(answer('can i send back boots i dont want')).not.toBe('size-guide')
    expect(answer('whats the time limit for returns')).not.toBe('opening-hours')
    expect(answer('I want to cancel my order')).toBe('cancel-order')
    expect(answer('do you deliver to ireland')).toBe('international')
    expect(answer('when do i get my money back')).toBe('refund-time')
  })

  it('reads typos, capitals, accents and missing punctuation', () => {
    expect(answer('how long does shiping take')).toBe('delivery-time')
    expect(answer('HOW DO I RESET MY PASWORD')).toBe('password')
    expect(answer('Unsubscribe!!!')).toBe('newsletter')
    expect(answer('whén r u open')).toBe('opening-hours')
  })

  it('does not "correct" a word it knows into another one', () => {
    // "charge" is one edit from "change" (of "change the delivery address").
    expect(answer('whats the delivery charge')).toBe('delivery-cost')
  })

  it('says it does not know questions the FAQ does not cover, and greetings', () => {
    for (const q of [
      'do you sell bikes',
      'are you hiring',
      'whats the weather like this weekend',
      'hello',
      'thanks',
      '',
      '?!',
      '🙂',
    ])
      expect(answer(q), q).toBeUndefined()
  })

  it('never throws, whatever the question or the FAQ', () => {
    expect(() => faq.match('x'.repeat(100_000))).not.toThrow()
    expect(faq.match(`How much is delivery?${' '.repeat(100_000)}`)?.item.id).toBe('delivery-cost')
    expect(createFaq([]).match('how much is delivery')).toBeUndefined()
    expect(createFaq([]).rank('how much is delivery')).toEqual([])
    const bare = createFaq([{ id: 'a', question: 'When are you open?', answer: '9 to 5' }])
    expect(bare.match('when are you open')?.item.id).toBe('a')
    expect(() => createFaq(shop).match(undefined as unknown as string)).not.toThrow()
  })
})

describe('createFaq: scores, threshold and margin', () => {
  it('ranks entries best first, with scores from 0 to 1 and each margin to the next', () => {
    const ranked = faq.rank('how long does delivery take to france', 5)
    expect(ranked).toHaveLength(5)
    for (const [i, m] of ranked.entries()) {
      expect(m.score).toBeGreaterThan(0)
      expect(m.score).toBeLessThanOrEqual(1)
      const next = ranked[i + 1]
      if (next) {
        expect(next.score).toBeLessThanOrEqual(m.score)
        expect(m.margin).toBeCloseTo(m.score - next.score, 10)
      }
    }
    expect(faq.rank('how long does delivery take', 1)).toHaveLength(1)
    expect(faq.rank('how long does delivery take', 0)).toEqual([])
  })

  it('scores the FAQ’s own question higher than a paraphrase, and a paraphrase higher than an unrelated question', () => {
    const own = faq.rank('How much is delivery?', 1)[0]
    const paraphrase = faq.rank('what would postage to my house cost', 1)[0]
    const unrelated = faq.rank('do you sell bikes', 1)[0]
    expect(own?.item.id).toBe('delivery-cost')
    expect(paraphrase?.item.id).toBe('delivery-cost')
    expect(own?.score).toBeGreaterThan(paraphrase?.score ?? 1)
    expect(paraphrase?.score).toBeGreaterThan(unrelated?.score ?? 1)
    expect(own?.score).toBeGreaterThanOrEqual(FAQ_DEFAULTS.threshold)
    expect(unrelated?.score ?? 0).toBeLessThan(FAQ_DEFAULTS.threshold)
  })

  it('answers below the default threshold only when told a lower one, and nothing above 1', () => {
    const q = 'do you sell bikes'
    const [best] = faq.rank(q, 1)
    expect(faq.match(q)).toBeUndefined()
    expect(createFaq(shop, { threshold: 0, margin: 0 }).match(q)).toEqual(best)
    expect(createFaq(shop, { threshold: 1.01 }).match('How much is delivery?')).toBeUndefined()
  })

  it('does not answer a tie between two entries unless the margin allows it', () => {
    const twins = [
      { id: 'shop-hours', question: 'What are your opening hours?', answer: 'Shop: 9 to 5.' },
      { id: 'cafe-hours', question: 'What are your opening hours?', answer: 'Café: 8 to 4.' },
    ]
    const [top] = createFaq(twins).rank('opening hours', 1)
    expect(top?.score).toBeGreaterThan(FAQ_DEFAULTS.threshold)
    expect(top?.margin).toBe(0)
    expect(createFaq(twins).match('opening hours')).toBeUndefined()
    expect(createFaq(twins, { margin: 0 }).match('opening hours')?.item.id).toMatch(/-hours$/)
    // One word that tells them apart is enough.
    expect(createFaq(twins).match('opening hours of the cafe')?.item.id).toBe('cafe-hours')
  })
})

describe('createFaq: reply, with "Did you mean…?" between an answer and "I don’t know"', () => {
  it('answers what match answers', () => {
    for (const q of ['how much is postage', 'I want to cancel my order']) {
      const r = faq.reply(q)
      expect(r.kind, q).toBe('answer')
      expect(r.kind === 'answer' && r.match).toEqual(faq.match(q))
    }
  })

  it('suggests the best entries that reach the band, at most 3, best first, when none answers', () => {
    const q = 'whats the postage'
    const best = faq.rank(q, 1)[0]
    expect(best?.score).toBeLessThan(FAQ_DEFAULTS.threshold)
    expect(best?.score).toBeGreaterThanOrEqual(FAQ_DEFAULTS.suggest)
    const r = faq.reply(q)
    if (r.kind !== 'suggest') throw new Error(`expected suggestions, got ${r.kind}`)
    expect(r.matches.length).toBeGreaterThan(0)
    expect(r.matches.length).toBeLessThanOrEqual(MAX_SUGGESTIONS)
    expect(r.matches[0]?.item.id).toBe('delivery-cost')
    expect(r.matches).toEqual(
      faq.rank(q, MAX_SUGGESTIONS).filter((m) => m.score >= FAQ_DEFAULTS.suggest),
    )
    // No band: no suggestions, the FAQ does not know.
    expect(createFaq(shop, { suggest: 1.01 }).reply(q)).toEqual({ kind: 'unknown', best })
  })

  it('says it does not know below the band, and for a question of no topic', () => {
    for (const q of ['are you hiring', 'whats the weather like this weekend', 'hello', '']) {
      const r = faq.reply(q)
      expect(r.kind, q).toBe('unknown')
    }
    const [best] = faq.rank('whats the weather like this weekend', 1)
    expect(faq.reply('whats the weather like this weekend')).toEqual({ kind: 'unknown', best })
    expect(faq.reply('hello')).toEqual({ kind: 'unknown', best: undefined })
  })

  it('offers both of a near tie above the threshold instead of picking one', () => {
    const twins = [
      { id: 'shop-hours', question: 'What are your opening hours?', answer: 'Shop: 9 to 5.' },
      { id: 'cafe-hours', question: 'What are your opening hours?', answer: 'Café: 8 to 4.' },
      { id: 'parking', question: 'Where can I park?', answer: 'Behind us.' },
    ]
    const r = createFaq(twins).reply('opening hours')
    expect(r.kind).toBe('suggest')
    expect(r.kind === 'suggest' && r.matches.map((m) => m.item.id).sort()).toEqual([
      'cafe-hours',
      'shop-hours',
    ])
  })
})
