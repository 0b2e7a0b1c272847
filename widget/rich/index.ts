/**
 * The configured-bot chunk: imported by the chat window only when the bot has a
 * valid configuration document, so the built-in flow never downloads it. It turns
 * the document, in the visitor's language (`../config/locale.ts`), into the
 * engine extension, answer checks, strings, styles and UI parts the core accepts,
 * and turns them into another language on `setLocale` ({@link Rich.localize}).
 */
import { faqLanguage, localizeDocument } from '../config/locale'
import type { BotConfig, BotDocument, CsatSettings, Hours } from '../config/schema'
import type { ActionExtension, Actions } from '../core/actions'
import type { AlertSettings } from '../core/alerts'
import { type FlowNode, type Graph, graph } from '../core/flow'
import { emptyLead, type LeadIds } from '../core/lead'
import type { State } from '../core/state'
import type { Checked } from '../core/validate'
import { css as boxCss, TextBox } from '../more/TextBox'
import type { Pacing } from '../ui/bubbles'
import { createCheck } from './check'
import { createEngine, type EngineContext, whatsappUrl } from './engine'
import { ANSWERING, createFree } from './free'
import css from './rich.css?inline'
import { richStrings } from './strings'

export { richStrings }

import * as ui from './ui'

/** The UI parts a configured bot adds to the chat window. */
export type RichUi = Pick<typeof ui, 'RichInput'> &
  ReturnType<typeof ui.parts> & {
    /** Cover the screen below 480 px. */
    full: boolean
    /** The multi-line text box of text questions (`input: "text"`): widget/more/TextBox.tsx. */
    TextBox: typeof TextBox
  }

/** Everything the chat window takes from a configuration document. */
export interface Rich {
  /** The bot's flows in the current language (see {@link Rich.localize}). */
  graph: Graph
  ext: ActionExtension
  /**
   * The configured-bot strings in `locale`'s language, with the document's window
   * title, subtitle and placeholder in that language (the catalogue's own keys:
   * spread after the catalogue, they win over it).
   */
  strings(locale: string): Record<string, string>
  /** General settings: the bot's language, when set. */
  language?: string | undefined
  /** Phone settings: the default dial-code country. */
  country?: string | undefined
  /** Alerts settings: the unread badge on the launcher. */
  badge: boolean
  /** Design settings: how the bot's messages are paced (widget/ui/bubbles.tsx); false: not at all. */
  pacing: Pacing | false
  /** Business Hours in the current language; absent: no hours. */
  hours?: Hours | undefined
  /** The conversation rating's settings (`settings.csat`), its question in the current language. */
  csat: CsatSettings
  /**
   * `setLocale`: turns the bot into `locale`'s language. The flows, the FAQ, the
   * header's texts and the WhatsApp button speak it from now on (the messages
   * already said stay as they were); the waiting question becomes its node in the
   * new flows (`actions.setGraph`), and when what it says differs there, the bot
   * asks it again in the new language. Nothing is asked again while an answer is
   * being checked or sent, nor for the steps of a free question's answer or of
   * the offline path (`_` ids), which keep their buttons.
   */
  localize(locale: string, actions: Actions, state: State): void
  ui: RichUi
  css: string
  /**
   * Alerts settings: the tab title and the tone for bot and agent messages the
   * visitor cannot see yet (core/alerts.ts, started by the conversation chunk).
   */
  alerts: AlertSettings
}

/** What the configured-bot chunk takes from the embed tag: its token (for the AI endpoint), its locale, and `fetch` for tests. */
export interface RichLink {
  /** `data-token`, sent as `x-bp-token` to the AI answer endpoint. Default: none. */
  token?: string
  /**
   * `data-locale`: the visitor's language, which picks the document's texts; else
   * General settings' language, else the browser's (the chat's own choice, widget/index.ts).
   */
  locale?: string | undefined
  /** `fetch` for webhook calls and the AI endpoint (tests pass a fake). Default: the page's. */
  fetch?: typeof fetch
}

/**
 * The flows of a document in one language, indexed, with the welcome message
 * (General settings) said before the start flow's first node.
 */
function flowsOf(config: BotConfig): Graph {
  const g = graph(config.flows, config.start)
  const welcome = config.settings.general.welcome
  if (welcome && g.start) {
    const node = { id: '_welcome', type: 'message' as const, text: welcome, next: g.start }
    g.node.set(node.id, node)
    g.start = node.id
  }
  return g
}

/** The document's window title (else the bot's name), the bot's name over its messages, subtitle and placeholder: they win over every catalogue. */
function textsOf(s: BotConfig['settings']): Record<string, string> {
  const texts: Record<string, string> = {}
  const title = s.window.title ?? s.design.botName
  if (title) texts.title = title
  // The name over the bot's messages, and read before each of them.
  if (s.design.botName) texts.bot = s.design.botName
  if (s.window.subtitle) texts.subtitle = s.window.subtitle
  if (s.window.placeholder) texts.placeholder = s.window.placeholder
  return texts
}

/** What a waiting node says (its text and cards): when it differs in another language, the question is asked again. */
const said = (n: FlowNode) => JSON.stringify(['text' in n && n.text, 'cards' in n && n.cards])

/**
 * Builds the configured-bot parts from a validated document, in the visitor's
 * language: `link.locale` (`data-locale`), else General settings' language, else
 * the browser's.
 */
export function createRich(doc: BotDocument, ids: () => LeadIds, link: RichLink = {}): Rich {
  const fetchImpl = link.fetch
  const language = doc.settings.general.language
  let locale = link.locale || language || navigator.language || 'en'
  let config = localizeDocument(doc, locale)
  let g = flowsOf(config)
  const ctx: EngineContext = {
    graph: g,
    ids,
    whatsappLabel: richStrings(locale).whatsapp,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  }
  const engine = createEngine(ctx)
  const s = config.settings
  const check = createCheck(s.email)
  // Free questions need something to answer them: FAQ entries or an AI endpoint.
  const free =
    doc.faq?.items.length || doc.ai
      ? createFree({
          faq: config.faq,
          language: faqLanguage(doc, locale),
          ai: doc.ai,
          token: link.token ?? '',
          graph: g,
          engine,
          ...(fetchImpl ? { fetch: fetchImpl } : {}),
        })
      : undefined
  const rich: Rich = {
    graph: g,
    ext: {
      ...engine,
      free: (text, actions, state, t) => !!free?.take(text, actions, state, t ?? String),
      check: (node, raw) => {
        if (node.type === 'ask') {
          const r = check(node, raw)
          return r && Promise.resolve(r)
        }
        // Typed text for reply buttons (sendMessage): the button whose label matches.
        const text = raw.trim().toLowerCase()
        const c = engine.choices(g, node).find((o) => o.label.toLowerCase() === text)
        return Promise.resolve<Checked>(
          c
            ? { ok: true, answer: { text: c.label, value: c.value ?? c.label, choice: c } }
            : { ok: false, error: 'choose' },
        )
      },
    },
    strings: (at) => ({
      ...richStrings(at),
      ...textsOf(at === locale ? config.settings : localizeDocument(doc, at).settings),
    }),
    language,
    country: s.phone.defaultCountry,
    badge: s.alerts.badge,
    pacing: s.design.pacing.enabled && s.design.pacing,
    hours: s.hours,
    csat: s.csat,
    localize(next, actions, state) {
      const before = state.ask.peek()
      const old = g
      locale = next
      config = localizeDocument(doc, next)
      g = flowsOf(config)
      // The steps added outside the flows (a free question's answer, the offline
      // path) stay, so what waits among them keeps waiting.
      for (const [id, n] of old.node) if (id.startsWith('_') && !g.node.has(id)) g.node.set(id, n)
      if (free) g.node.set(ANSWERING.id, ANSWERING)
      ctx.graph = g
      ctx.whatsappLabel = richStrings(next).whatsapp
      free?.localize(config.faq, g, faqLanguage(doc, next))
      rich.graph = g
      rich.hours = config.settings.hours
      rich.csat = config.settings.csat
      actions.setGraph(g)
      const now = state.ask.peek()
      if (
        before &&
        now &&
        !now.id.startsWith('_') &&
        !state.busy.peek() &&
        said(before) !== said(now)
      )
        actions.go(now.id)
    },
    css: css + boxCss,
    ui: {
      TextBox,
      RichInput: ui.RichInput,
      ...ui.parts({
        avatar: s.design.avatar,
        whatsapp:
          s.whatsapp.button && s.whatsapp.number
            ? () =>
                whatsappUrl(
                  s.whatsapp.number as string,
                  config.settings.whatsapp.text,
                  ids().uuid,
                  emptyLead(),
                )
            : undefined,
        branding: s.window.branding,
        free: free?.Box,
      }),
      full: s.window.fullScreenOnMobile,
    },
    alerts: s.alerts,
  }
  return rich
}
