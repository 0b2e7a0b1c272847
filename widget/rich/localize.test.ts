/**
 * A configured bot in the visitor's language (docs/configuration.md, "Languages"),
 * with the multilingual template: the language it starts in, and `setLocale`
 * mid-flow ({@link Rich.localize}): the waiting question asked again in the new
 * language, the later questions, buttons and FAQ answers in it.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { parseConfig } from '../config/schema'
import { createActions } from '../core/actions'
import { MESSAGE_KEYS, translator } from '../core/i18n'
import { createState } from '../core/state'
import { memoryKv } from '../core/storage'
import { createRich, type Rich } from '.'
import { ANSWERING } from './free'

const ids = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'azur', customerId: 'c1' }
const TEMPLATE = JSON.parse(readFileSync('demo/templates/multilingual.json', 'utf8'))

/** The multilingual template's chat for a visitor of `locale` (`data-locale`), started; `change` edits the document first. */
async function hotel(locale: string, change: (doc: typeof TEMPLATE) => void = () => {}) {
  const doc = structuredClone(TEMPLATE)
  change(doc)
  const parsed = parseConfig(doc)
  if ('issues' in parsed) throw new Error(JSON.stringify(parsed.issues))
  const rich: Rich = createRich(parsed.config, () => ids, { token: 'tok', locale })
  let t = translator({ ...rich.strings(locale) } as never)
  const state = createState()
  const actions = createActions(state, {
    graph: rich.graph,
    ext: rich.ext,
    kv: memoryKv(),
    ids: () => ids,
    sync: async () => {},
    phone: async () => undefined,
    t: (k) => t(k),
  })
  await actions.start()
  const said = () => state.messages.value.map((m) => `${m.from}: ${m.text}`)
  const buttons = () => actions.choices().map((c) => c.label)
  /** What `setLocale` does with a configured bot (widget/index.ts). */
  const setLocale = (next: string) => {
    t = translator({ ...rich.strings(next) } as never)
    rich.localize(next, actions, state)
  }
  const attrs = () => Object.fromEntries(state.lead.value.attributes.map((a) => [a.key, a.value]))
  return { state, actions, rich, said, buttons, setLocale, attrs, t: () => t }
}

describe('a configured bot in the visitor’s language', () => {
  it('starts in the language of data-locale: welcome, question, buttons, header', async () => {
    const c = await hotel('fr-FR')
    expect(c.said()).toEqual([
      'bot: Bienvenue à l’**Hôtel Azur** de Nice !',
      'bot: Posez-moi vos questions sur votre séjour, ou demandez une chambre.',
    ])
    expect(c.buttons()).toEqual(['Demander une chambre'])
    expect(c.t()('title')).toBe('Hôtel Azur')
    expect(c.t()('subtitle')).toBe('Chambres face à la mer, à deux pas du Vieux-Nice')
  })

  it('falls back as documented: es-MX reads Spanish, German reads the defaultLocale (English)', async () => {
    expect((await hotel('es-MX')).buttons()).toEqual(['Pedir una habitación'])
    const de = await hotel('de')
    expect(de.said()[0]).toBe('bot: Welcome to **Hotel Azur** in Nice!')
    expect(de.buttons()).toEqual(['Ask for a room'])
    // The widget's own strings are still German.
    expect(de.t()('ask')).toBe('Stellen Sie eine Frage')
  })
})

describe('setLocale on a configured bot', () => {
  it('asks the waiting question again in the new language; what follows is in it too', async () => {
    const c = await hotel('en')
    c.actions.choose({ label: 'Ask for a room' })
    await c.actions.submit('Ada')
    expect(c.said().at(-1)).toBe('bot: Thanks, Ada! Your email address, for the confirmation?')
    c.setLocale('fr')
    expect(c.said().slice(-2)).toEqual([
      'bot: Thanks, Ada! Your email address, for the confirmation?',
      'bot: Merci, Ada ! Votre adresse e-mail, pour la confirmation ?',
    ])
    expect(c.state.ask.value?.id).toBe('email')
    await c.actions.submit('ada@example.com')
    expect(c.said().at(-1)).toBe('bot: Quelle chambre souhaitez-vous ?')
    expect(c.buttons()).toEqual(['Simple', 'Double', 'Suite vue mer'])
    c.actions.choose({ label: 'Suite vue mer' })
    // The visitor reads their French choice; the lead keeps the document's own language.
    expect(c.said().slice(-2)).toEqual(['visitor: Suite vue mer', 'bot: Pour combien de nuits ?'])
    expect(c.attrs().room).toBe('Sea-view suite')
    expect(c.state.ask.value?.type === 'ask' && c.state.ask.value.placeholder).toBe(
      'Nuits, de 1 à 30',
    )
  })

  it('turns buttons into the new language without asking again when the question reads the same', async () => {
    const c = await hotel('en', (doc) => {
      doc.flows[0].nodes[0].text = 'Hotel Azur'
    })
    const before = c.said()
    c.setLocale('es')
    expect(c.said()).toEqual(before)
    expect(c.buttons()).toEqual(['Pedir una habitación'])
  })

  it('answers free questions from the new language’s FAQ, with its answers', async () => {
    const c = await hotel('en')
    c.setLocale('fr')
    expect(c.actions.free('Le petit-déjeuner est-il compris ?')).toBe(true)
    await vi.waitFor(() => expect(c.state.ask.value).not.toBe(ANSWERING), { timeout: 3000 })
    expect(c.said().slice(-2)).toEqual([
      'bot: Le petit-déjeuner coûte 18 € par personne, servi en terrasse de 7 h à 10 h 30 ; il est compris dans les suites.',
      'bot: Cela vous a-t-il aidé ?',
    ])
    expect(c.attrs().faq_last_id).toBe('breakfast')
    // The French-only entry answers a French visitor.
    c.actions.free('Y a-t-il une taxe de séjour ?')
    await vi.waitFor(() => expect(c.attrs().faq_last_id).toBe('tourist-tax'), { timeout: 3000 })
  })

  it('keeps "Did that help?" waiting with its buttons', async () => {
    const c = await hotel('en')
    c.actions.free('Is breakfast included?')
    await vi.waitFor(() => expect(c.buttons()).toContain('Yes'), { timeout: 3000 })
    const before = c.said()
    c.setLocale('fr')
    expect(c.said()).toEqual(before)
    expect(c.buttons()).toEqual(['Yes', 'Talk to a person'])
  })

  it('gives the business hours’ message and the rating’s question in the new language', async () => {
    const c = await hotel('en', (doc) => {
      doc.settings.hours = {
        timeZone: 'Europe/Paris',
        weekly: [],
        message: { en: 'We are closed.', fr: 'Nous sommes fermés.' },
      }
      doc.settings.csat = { question: { en: 'How did {agent} do?', fr: 'Et {agent} ?' } }
    })
    expect(c.rich.hours?.message).toBe('We are closed.')
    expect(c.rich.csat).toEqual({ enabled: true, question: 'How did {agent} do?' })
    c.setLocale('fr-CA')
    expect(c.rich.hours?.message).toBe('Nous sommes fermés.')
    expect(c.rich.csat.question).toBe('Et {agent} ?')
  })
})

describe('the configured-bot strings', () => {
  it('share no key with the core catalogue but the window texts and the bot’s name, which win over it', () => {
    const c = createRich(
      (() => {
        const r = parseConfig(TEMPLATE)
        if ('issues' in r) throw new Error('invalid')
        return r.config
      })(),
      () => ids,
      { locale: 'fr' },
    )
    const shared = Object.keys(c.strings('fr')).filter((k) =>
      (MESSAGE_KEYS as string[]).includes(k),
    )
    expect(shared.sort()).toEqual(['bot', 'subtitle', 'title'])
  })
})
