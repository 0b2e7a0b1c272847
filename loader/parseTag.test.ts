import { describe, expect, it } from 'vitest'
import { parseTag } from './parseTag'

describe('parseTag', () => {
  it('reads "BotId,CustomerId"', () => {
    expect(parseTag('a,b')).toEqual({ botId: 'a', customerId: 'b' })
    expect(parseTag('63d9ffa77a8d152facbe2f2f,631aa793bcfa100487d13d0d')).toEqual({
      botId: '63d9ffa77a8d152facbe2f2f',
      customerId: '631aa793bcfa100487d13d0d',
    })
  })

  it('tolerates spaces, tabs and newlines around either id', () => {
    const text = '\n    63d9ff-bot_1 ,\n\t 631aa7-cust_2  \n  '
    expect(parseTag(text)).toEqual({ botId: '63d9ff-bot_1', customerId: '631aa7-cust_2' })
  })

  it('accepts ids of exactly 64 characters', () => {
    const id = 'x'.repeat(64)
    expect(parseTag(`${id},${id}`)).toEqual({ botId: id, customerId: id })
  })

  it.each([
    ['an empty text', ''],
    ['only whitespace', '  \n\t '],
    ['null (no text node)', null],
    ['undefined', undefined],
  ])('explains a missing tag text: %s', (_, text) => {
    const r = parseTag(text)
    expect(typeof r).toBe('string')
    expect(r).toMatch(/BotId,CustomerId/)
  })

  it.each([
    ['one id', 'onlyone'],
    ['three ids', 'a,b,c'],
    ['no comma but a semicolon', 'a;b'],
  ])('rejects %s, quoting what it got', (_, text) => {
    const r = parseTag(text)
    expect(typeof r).toBe('string')
    expect(r).toContain(text)
  })

  it.each([
    ['an empty BotId', ',b'],
    ['an empty CustomerId', 'a,'],
    ['two commas and nothing else', ',,'],
    ['a space inside the BotId', 'my bot,b'],
    ['markup in the CustomerId', 'a,<img src=x>'],
    ['a dot in the BotId', 'a.b,c'],
    ['a non-ASCII letter in the CustomerId', 'a,café'],
    ['a BotId of 65 characters', `${'x'.repeat(65)},b`],
    ['a CustomerId of 65 characters', `a,${'y'.repeat(65)}`],
  ])('rejects %s with an explanation instead of ids', (_, text) => {
    const r = parseTag(text)
    expect(typeof r).toBe('string')
    expect(r).toMatch(/BotId|CustomerId/)
  })

  it('keeps the error message short for a huge tag text', () => {
    const r = parseTag(`${'z'.repeat(5000)},b`)
    expect(typeof r).toBe('string')
    expect((r as string).length).toBeLessThan(200)
  })
})
