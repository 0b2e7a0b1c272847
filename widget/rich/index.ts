/**
 * The configured-bot chunk: imported by the chat window only when the bot has a
 * valid configuration document, so the built-in flow never downloads it. It turns
 * the document into the engine extension, answer checks, strings, styles and UI
 * parts the core accepts.
 */
import type { BotConfig } from '../config/schema'
import type { ActionExtension } from '../core/actions'
import type { AlertSettings } from '../core/alerts'
import { type Graph, graph } from '../core/flow'
import { emptyLead, type LeadIds } from '../core/lead'
import type { Checked } from '../core/validate'
import { css as boxCss, TextBox } from '../more/TextBox'
import { createCheck } from './check'
import { createEngine, whatsappUrl } from './engine'
import { createFree } from './free'
import css from './rich.css?inline'
import { richStrings } from './strings'

export { richStrings }

import * as ui from './ui'

/** The UI parts a configured bot adds to the chat window. */
export type RichUi = Pick<typeof ui, 'RichBody' | 'RichInput'> &
  ReturnType<typeof ui.parts> & {
    /** Cover the screen below 480 px. */
    full: boolean
    /** The multi-line text box of text questions (`input: "text"`): widget/more/TextBox.tsx. */
    TextBox: typeof TextBox
  }

/** Everything the chat window takes from a configuration document. */
export interface Rich {
  graph: Graph
  ext: ActionExtension
  /** The configured-bot strings in `locale`'s language. */
  strings(locale: string): Record<string, string>
  /** General settings: the bot's language, when set. */
  language?: string | undefined
  /** Phone settings: the default dial-code country. */
  country?: string | undefined
  /** Alerts settings: the unread badge on the launcher. */
  badge: boolean
  /** The document's window title, subtitle and placeholder: they win over every catalogue. */
  texts: Record<string, string>
  ui: RichUi
  css: string
  /**
   * Alerts settings: the tab title and the tone for bot and agent messages the
   * visitor cannot see yet (core/alerts.ts, started by the conversation chunk).
   */
  alerts: AlertSettings
}

/** What the configured-bot chunk takes from the embed tag: its token (for the AI endpoint), and `fetch` for tests. */
export interface RichLink {
  /** `data-token`, sent as `x-bp-token` to the AI answer endpoint. Default: none. */
  token?: string
  /** `fetch` for webhook calls and the AI endpoint (tests pass a fake). Default: the page's. */
  fetch?: typeof fetch
}

/** Builds the configured-bot parts from a validated document. */
export function createRich(config: BotConfig, ids: () => LeadIds, link: RichLink = {}): Rich {
  const fetchImpl = link.fetch
  const s = config.settings
  const w = s.window
  const texts: Record<string, string> = {}
  const title = w.title ?? s.design.botName
  if (title) texts.title = title
  if (w.subtitle) texts.subtitle = w.subtitle
  if (w.placeholder) texts.placeholder = w.placeholder
  // The welcome message (General settings) is said before the start flow's first node.
  const g = graph(config.flows, config.start)
  if (s.general.welcome && g.start) {
    const welcome = {
      id: '_welcome',
      type: 'message' as const,
      text: s.general.welcome,
      next: g.start,
    }
    g.node.set(welcome.id, welcome)
    g.start = welcome.id
  }
  const engine = createEngine({
    graph: g,
    ids,
    whatsappLabel: richStrings(s.general.language ?? navigator.language).whatsapp,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  })
  const check = createCheck(s.email)
  const wa = s.whatsapp
  // Free questions need something to answer them: FAQ entries or an AI endpoint.
  const free =
    config.faq?.items.length || config.ai
      ? createFree({
          faq: config.faq,
          ai: config.ai,
          token: link.token ?? '',
          graph: g,
          engine,
          ...(fetchImpl ? { fetch: fetchImpl } : {}),
        })
      : undefined
  return {
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
    strings: richStrings,
    language: s.general.language,
    country: s.phone.defaultCountry,
    badge: s.alerts.badge,
    texts,
    css: css + boxCss,
    ui: {
      TextBox,
      RichBody: ui.RichBody,
      RichInput: ui.RichInput,
      ...ui.parts({
        avatar: s.design.avatar,
        whatsapp:
          wa.button && wa.number
            ? () => whatsappUrl(wa.number as string, wa.text, ids().uuid, emptyLead())
            : undefined,
        branding: w.branding,
        free: free?.Box,
      }),
      full: w.fullScreenOnMobile,
    },
    alerts: s.alerts,
  }
}
