import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createFaq } from '../faq'
import { isLanguageMap, localize, localizeDocument, pickTag } from './locale'
import { type BotDocument, parseConfig } from './schema'

/** A document validated by the schema (which marks its language maps), or the test fails. */
const parsed = (doc: unknown): BotDocument => {
  const r = parseConfig(doc)
  if ('issues' in r) throw new Error(JSON.stringify(r.issues))
  return r.config
}
const withNodes = (nodes: unknown[], more: Record<string, unknown> = {}) =>
  parsed({ version: 1, flows: [{ id: 'main', nodes }], ...more })
const hello = { en: 'Hello', fr: 'Bonjour', 'pt-BR': 'Olá', es: 'Hola' }

describe('pickTag: the fallback chain', () => {
  const tags = ['en', 'fr', 'pt-BR', 'pt-PT', 'es']
  const pick = (chain: (string | undefined)[], from = tags) => from[pickTag(from, chain)]

  it('takes the exact tag first, in any case', () => {
    expect(pick(['pt-PT'])).toBe('pt-PT')
    expect(pick(['PT-br'])).toBe('pt-BR')
    expect(pick(['pt_BR'])).toBe('pt-BR')
  })

  it('then the language alone, then another tag of the same language', () => {
    expect(pick(['fr-CA'])).toBe('fr')
    expect(pick(['pt-AO'], ['en', 'pt-PT', 'pt'])).toBe('pt')
    expect(pick(['pt-AO'])).toBe('pt-BR')
    expect(pick(['pt'], ['en', 'pt-PT'])).toBe('pt-PT')
  })

  it('then the next language of the chain (the document’s default, English), then the first entry', () => {
    expect(pick(['de', 'es', 'en'])).toBe('es')
    expect(pick(['de', undefined, 'en'])).toBe('en')
    expect(pick(['de', 'it', 'en'], ['fr', 'es'])).toBe('fr')
    expect(pickTag([], ['en'])).toBe(-1)
    expect(pickTag(['fr', 'es'], ['de', 'en'], false)).toBe(-1)
  })
})

describe('localize', () => {
  it('replaces each language map by the visitor’s entry and keeps strings as they are', () => {
    const doc = withNodes([
      { id: 'a', type: 'message', text: hello },
      { id: 'b', type: 'message', text: 'Plain' },
    ])
    expect(
      isLanguageMap(
        doc.flows[0]?.nodes[0] && 'text' in doc.flows[0].nodes[0] && doc.flows[0].nodes[0].text,
      ),
    ).toBe(true)
    const texts = (locale: string) =>
      localizeDocument(doc, locale).flows[0]?.nodes.map((n) => ('text' in n ? n.text : ''))
    expect(texts('fr-FR')).toEqual(['Bonjour', 'Plain'])
    expect(texts('pt-BR')).toEqual(['Olá', 'Plain'])
    expect(texts('es-MX')).toEqual(['Hola', 'Plain'])
    // No German: the document's default (none here), then English.
    expect(texts('de')).toEqual(['Hello', 'Plain'])
  })

  it('falls back to defaultLocale, else General settings’ language, before English', () => {
    const nodes = [{ id: 'a', type: 'message', text: hello }]
    const text = (doc: BotDocument) => {
      const n = localizeDocument(doc, 'de').flows[0]?.nodes[0]
      return n && 'text' in n ? n.text : undefined
    }
    expect(text(withNodes(nodes, { defaultLocale: 'fr' }))).toBe('Bonjour')
    expect(text(withNodes(nodes, { settings: { general: { language: 'es' } } }))).toBe('Hola')
    expect(
      text(withNodes(nodes, { defaultLocale: 'fr', settings: { general: { language: 'es' } } })),
    ).toBe('Bonjour')
    // Neither the visitor's language, the default nor English: the map's first entry.
    const only = withNodes([{ id: 'a', type: 'message', text: { it: 'Ciao', es: 'Hola' } }])
    expect(text(only)).toBe('Ciao')
  })

  it('leaves objects that are no language maps alone, even when their keys look like tags', () => {
    const doc = withNodes([
      {
        id: 'w',
        type: 'webhook',
        url: 'https://x.example/hook',
        map: { crm: 'data.id', en: 'lang' },
      },
    ])
    const n = localizeDocument(doc, 'fr').flows[0]?.nodes[0]
    expect(n?.type === 'webhook' && n.map).toEqual({ crm: 'data.id', en: 'lang' })
  })

  it('gives a reply button with a map label and no value its label in the document’s own language as value', () => {
    const doc = withNodes(
      [
        {
          id: 'q',
          type: 'ask',
          input: 'choice',
          text: 'Room?',
          attribute: 'room',
          options: [
            { label: { en: 'Single', fr: 'Simple' } },
            { label: { en: 'Double', fr: 'Double' }, value: 'dbl' },
            { label: 'Suite' },
          ],
        },
      ],
      { defaultLocale: 'en' },
    )
    const n = localizeDocument(doc, 'fr').flows[0]?.nodes[0]
    expect(n?.type === 'ask' && n.options).toEqual([
      { label: 'Simple', value: 'Single' },
      { label: 'Double', value: 'dbl' },
      { label: 'Suite' },
    ])
  })

  it('resolves maps of lists (FAQ alternatives) and maps in settings', () => {
    const doc = parsed({
      version: 1,
      flows: [{ id: 'main', nodes: [{ id: 'e', type: 'end' }] }],
      settings: { window: { title: { en: 'Help', fr: 'Aide' } }, triggers: { message: hello } },
      faq: {
        items: [
          {
            id: 'a',
            question: { en: 'Hours?', fr: 'Horaires ?' },
            alternatives: { en: ['When are you open?'], fr: ['Quand ouvrez-vous ?', 'Ouverture'] },
            answer: { en: '9 to 5', fr: '9 h à 17 h' },
          },
        ],
      },
    })
    const fr = localizeDocument(doc, 'fr')
    expect(fr.settings.window.title).toBe('Aide')
    expect(fr.settings.triggers.message).toBe('Bonjour')
    expect(fr.faq?.items).toEqual([
      {
        id: 'a',
        question: 'Horaires ?',
        alternatives: ['Quand ouvrez-vous ?', 'Ouverture'],
        answer: '9 h à 17 h',
      },
    ])
    // The document itself is unchanged: another language can be read from it again.
    expect(localize(doc.settings.window, 'en').title).toBe('Help')
  })
})

describe('per-language FAQ entries (`lang`)', () => {
  const doc = parsed({
    version: 1,
    flows: [{ id: 'main', nodes: [{ id: 'e', type: 'end' }] }],
    faq: {
      items: [
        { id: 'hours', lang: 'en', question: 'Opening hours?', answer: '9 to 5' },
        { id: 'hours', lang: 'fr', question: 'Horaires ?', answer: '9 h à 17 h' },
        { id: 'tax', lang: 'fr-CA', question: 'La TPS ?', answer: 'Oui, 5 %.' },
        { id: 'all', question: { en: 'Address?', fr: 'Adresse ?' }, answer: '1 Main St' },
      ],
    },
  })
  const ids = (locale: string) =>
    localizeDocument(doc, locale).faq?.items.map((i) => `${i.id}:${i.question}`)

  it('serve the visitor’s language, with the entries without `lang`', () => {
    expect(ids('fr-FR')).toEqual(['hours:Horaires ?', 'all:Adresse ?'])
    expect(ids('en-GB')).toEqual(['hours:Opening hours?', 'all:Address?'])
  })

  it('a regional language gets its own entries and those of its language', () => {
    expect(ids('fr-CA')).toEqual(['hours:Horaires ?', 'tax:La TPS ?', 'all:Adresse ?'])
  })

  it('a language without entries falls back like a map (here: English)', () => {
    expect(ids('de')).toEqual(['hours:Opening hours?', 'all:Address?'])
  })

  it('entries of a language no fallback reaches serve nobody else', () => {
    const only = parsed({
      version: 1,
      flows: [{ id: 'main', nodes: [{ id: 'e', type: 'end' }] }],
      faq: { items: [{ id: 'tax', lang: 'fr', question: 'Taxe ?', answer: 'Oui.' }] },
    })
    expect(localizeDocument(only, 'fr').faq?.items).toHaveLength(1)
    expect(localizeDocument(only, 'de').faq?.items).toEqual([])
  })
})

describe('the multilingual template', () => {
  const doc = parsed(JSON.parse(readFileSync('demo/templates/multilingual.json', 'utf8')))
  const faq = (locale: string) => createFaq(localizeDocument(doc, locale).faq?.items ?? [])

  it('answers a question in French, Spanish or English from that language’s entries', () => {
    expect(faq('fr').match('Le petit-déjeuner est compris ?')?.item.answer).toMatch(/^Le petit/)
    expect(faq('fr').match('où je peux garer la voiture')?.item.id).toBe('parking')
    expect(faq('es').match('¿a qué hora es la salida?')?.item.answer).toMatch(/^La entrada/)
    expect(faq('en').match('is breakfast included')?.item.answer).toMatch(/^Breakfast/)
  })

  it('has its French-only entry for French visitors only', () => {
    expect(faq('fr').match('taxe de séjour')?.item.id).toBe('tourist-tax')
    expect(faq('en').match('taxe de séjour')).toBeUndefined()
  })

  it('speaks English to a German visitor (its defaultLocale)', () => {
    const de = localizeDocument(doc, 'de')
    expect(de.settings.general.welcome).toBe('Welcome to **Hotel Azur** in Nice!')
  })
})
