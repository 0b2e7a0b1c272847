/**
 * The demo's AI answer endpoint (demo/routes/ai.ts): what it streams for a
 * question its bot's FAQ covers and for one it does not, which FAQ it reads, what
 * it refuses, and that the widget's client (widget/answers/ai.ts) reads it as the
 * contract says (docs/platform-api.md, "Our extensions: AI answers").
 */
import { readFileSync } from 'node:fs'
import { createParser } from 'eventsource-parser'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { askAi } from '../../widget/answers/ai'
import { type Db, openDb } from '../db'
import { createState } from '../state'
import { aiAnswers, pieces } from './ai'

const TOKEN = 'test-token'
const ids = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', customerId: 'c1' }
const SHOP = JSON.parse(readFileSync('demo/templates/outdoor-shop.json', 'utf8'))
const DELIVERY = SHOP.faq.items.find((i: { id: string }) => i.id === 'delivery-cost').answer

let db: Db
beforeEach(() => {
  db = openDb(':memory:')
})
afterEach(() => db.close())

const app = () => aiAnswers(createState({ db, token: TOKEN }))
const ask = (a: ReturnType<typeof app>, body: object, o: { token?: string; query?: string } = {}) =>
  a.request(`/demo/ai${o.query ?? '?delay=0'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bp-token': o.token ?? TOKEN },
    body: JSON.stringify(body),
  })

/** The events of a response, in order: `[event, data]`. */
async function events(res: Response): Promise<[string, unknown][]> {
  const out: [string, unknown][] = []
  const parser = createParser({
    onEvent: (e) => out.push([e.event ?? 'message', JSON.parse(e.data)]),
  })
  parser.feed(await res.text())
  return out
}

describe('POST /demo/ai', () => {
  it('streams the answer of the FAQ entry that matches, a few words at a time, then done with its id', async () => {
    db.setConfig('shop', JSON.stringify(SHOP))
    const res = await ask(app(), {
      ...ids,
      botId: 'shop',
      question: 'what do you charge for postage',
      history: [],
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const list = await events(res)
    const deltas = list.filter(([e]) => e === 'delta')
    expect(deltas.length).toBeGreaterThan(3)
    expect(deltas.map(([, d]) => (d as { text: string }).text).join('')).toBe(DELIVERY)
    expect(list.at(-1)).toEqual(['done', { faq: ['delivery-cost'] }])
  })

  it('a question the FAQ does not cover: done alone, naming no entry (the widget says it does not know)', async () => {
    db.setConfig('shop', JSON.stringify(SHOP))
    const res = await ask(app(), {
      ...ids,
      botId: 'shop',
      question: 'do you sell bikes',
      history: [],
    })
    expect(await events(res)).toEqual([['done', { faq: [] }]])
  })

  it('answers in the visitor’s language, from that language’s entries; without one, in the document’s', async () => {
    const a = app()
    const q = { ...ids, botId: 'multilingual', history: [] }
    const answer = async (body: object) =>
      (await events(await ask(a, { ...q, ...body })))
        .filter(([e]) => e === 'delta')
        .map(([, d]) => (d as { text: string }).text)
        .join('')
    expect(await answer({ question: 'le petit-déjeuner est-il compris', locale: 'fr' })).toMatch(
      /^Le petit-déjeuner/,
    )
    expect(await answer({ question: 'is breakfast included' })).toMatch(/^Breakfast is €18/)
    // A French-only entry is found for a French visitor, and for no other.
    expect(await answer({ question: 'y a-t-il une taxe de séjour', locale: 'fr-FR' })).toMatch(
      /taxe de séjour/,
    )
    expect(await answer({ question: 'y a-t-il une taxe de séjour', locale: 'en' })).toBe('')
  })

  it('reads the bot’s saved document, else the template named like the bot; a bot with neither knows nothing', async () => {
    const a = app()
    const q = { ...ids, question: 'how much is postage', history: [] }
    expect((await events(await ask(a, { ...q, botId: 'outdoor-shop' }))).at(-1)).toEqual([
      'done',
      { faq: ['delivery-cost'] },
    ])
    expect(await events(await ask(a, { ...q, botId: 'nobody' }))).toEqual([['done', { faq: [] }]])
    // A saved document wins over the template of the same name, and its changes are read.
    const edited = structuredClone(SHOP)
    edited.faq.items = [{ id: 'post', question: 'How much is postage?', answer: 'Free!' }]
    db.setConfig('outdoor-shop', JSON.stringify(edited))
    expect(await events(await ask(a, { ...q, botId: 'outdoor-shop' }))).toEqual([
      ['delta', { text: 'Free!' }],
      ['done', { faq: ['post'] }],
    ])
  })

  it('waits ?delay= ms between pieces (default 40 ms)', async () => {
    db.setConfig('shop', JSON.stringify(SHOP))
    const body = { ...ids, botId: 'shop', question: 'how much is postage', history: [] }
    const started = Date.now()
    await (await ask(app(), body, { query: '' })).text()
    const n = pieces(DELIVERY).length
    expect(Date.now() - started).toBeGreaterThanOrEqual((n - 1) * 40 - 5)
  })

  it('refuses a wrong token (401) and a malformed body (400, naming the field)', async () => {
    const a = app()
    const body = { ...ids, botId: 'shop', question: 'hi', history: [] }
    expect((await ask(a, body, { token: 'nope' })).status).toBe(401)
    const bad = await ask(a, { ...body, question: '   ' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({
      success: false,
      message: 'question: must not be empty',
    })
    const noHistory = await ask(a, { ...ids, botId: 'shop', question: 'hi' })
    expect(noHistory.status).toBe(400)
    expect(((await noHistory.json()) as { message: string }).message).toMatch(/^history/)
  })

  it('allows the widget’s cross-origin POST with x-bp-token', async () => {
    const res = await app().request('/demo/ai', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-bp-token',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-headers')).toMatch(/x-bp-token/)
  })

  it('is read by the widget’s client as the contract says: the text growing, then the answer and its ids', async () => {
    db.setConfig('shop', JSON.stringify(SHOP))
    const a = app()
    const seen: string[] = []
    const answer = await askAi(
      {
        ...ids,
        botId: 'shop',
        question: 'how much is postage',
        locale: 'en-GB',
        history: [{ by: 'bot', text: 'Hi!' }],
      },
      {
        url: 'http://demo.test/demo/ai?delay=0',
        token: TOKEN,
        timeout: 5000,
        onText: (t) => seen.push(t),
        fetch: ((url: string, init: RequestInit) => a.request(url, init)) as typeof fetch,
      },
    )
    expect(answer).toEqual({ text: DELIVERY, faq: ['delivery-cost'] })
    expect(seen.length).toBeGreaterThan(3)
    expect(seen.at(-1)).toBe(DELIVERY)
    expect(seen.every((t, i) => i === 0 || t.startsWith(seen[i - 1] as string))).toBe(true)
  })
})

describe('pieces', () => {
  it('cuts a text into pieces of three words that join back to it', () => {
    expect(pieces('one two  three four\nfive')).toEqual(['one two  three ', 'four\nfive'])
    expect(pieces('  lead')).toEqual(['  lead'])
    expect(pieces('')).toEqual([])
  })
})
