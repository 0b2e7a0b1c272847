/**
 * The answers chunk: what the bot does with a visitor's free question
 * (docs/configuration.md, "Free questions"). Loaded by the configured-bot chunk's
 * free-question box (widget/rich/free.tsx) at the first free question, or when the
 * box first gets focus, so a chat without free questions downloads none of it.
 *
 * A question is matched against the bot's FAQ by the FAQ chunk (widget/faq,
 * imported here only dynamically), or sent to the bot's AI answer endpoint
 * (./ai.ts) when the document has `ai`. An answer is said as a bot message (with
 * the formatting of a message node), then "Did that help?" with the buttons "Yes"
 * and "Talk to a person": buttons, not a question, so a new question typed instead
 * is a question again. Unsure (the best entries in the matcher's middle band): the
 * bot asks "Did you mean…?" with their questions as buttons and "Something else";
 * a pick says that entry's answer, then "Did that help?"; "Something else" is no
 * answer. No answer: the bot says it does not know, then runs the FAQ's `fallback`. What the bot says is walked as nodes of the bot's flows whose
 * ids start with `_faq` (`_` cannot start a configured id, schema.ts), as the
 * offline path does (widget/live/offline.ts).
 *
 * The question, the entry that answered it and the visitor's "did that help" are
 * lead attributes ({@link QUESTION_KEY}, {@link ID_KEY}, {@link HELPFUL_KEY}:
 * docs/platform-api.md, "FAQ attributes"); the question, the answer and the
 * visitor's button are messages, which the transcript outbox sends to the inbox.
 */
import { batch, effect } from '@preact/signals-core'
import { ASSETS, report } from '../../loader/log'
import type { Ai, Faq, FaqItem } from '../config/schema'
import type { Actions } from '../core/actions'
import type { FlowNode } from '../core/flow'
import type { Translate } from '../core/i18n'
import { withAttribute } from '../core/lead'
import { MAX_MESSAGES, type Message, type State } from '../core/state'
import { answerStrings } from './strings'

/** Lead attribute: the visitor's last free question, as typed. */
export const QUESTION_KEY = 'faq_last_question'
/**
 * Lead attribute: the FAQ entry that answered it (an AI answer: the ids it names,
 * comma-separated; suggestions: the one the visitor picked), or {@link NO_ENTRY}.
 */
export const ID_KEY = 'faq_last_id'
/** Lead attribute: the visitor's "Did that help?": `yes`, or `no` (they chose "Talk to a person"). */
export const HELPFUL_KEY = 'faq_helpful'
/** {@link ID_KEY}'s value when nothing answered: no FAQ id can be it (ids start with a letter or digit). */
export const NO_ENTRY = '(none)'

/**
 * What the FAQ chunk's `reply()` gives (its `FaqReply`, written out: a type
 * import would tie this chunk to it, scripts/imports.test.ts).
 */
type Reply =
  | { kind: 'answer'; match: { item: FaqItem } }
  | { kind: 'suggest'; matches: { item: FaqItem }[] }
  | { kind: 'unknown' }

/** Ids of the nodes the answers add to the bot's flows. */
const ANSWER = '_faqAnswer'
const HELP = '_faqHelp'
const NO = '_faqNo'
const OFFER = '_faqOffer'
const PERSON = '_faqPerson'
const SUGGEST = '_faqSuggest'
/** The answer of suggestion n: `_faqPick0`… */
const PICK = '_faqPick'
/** A button's label at most (the schema's limit of a choice's `label`). */
const LABEL = 80

/** A free question the chat took (widget/rich/free.tsx). */
export interface Question {
  text: string
  /** Id of the question's message in the transcript. */
  id: number
  /**
   * The node that waited with its buttons when the question was asked: "Yes", "No,
   * thanks" and the fallback `none` go back to it (the bot asks it again). None: they end.
   */
  resume?: string | undefined
}

/** The chat an answer goes into: its state, actions and translator (the core's `talk`, the rich strings' `locale`). */
export interface AnswerContext {
  state: State
  actions: Pick<Actions, 'go' | 'update' | 'graph' | 'ids'>
  t: Translate
}

/** What {@link createAnswers} answers from: the document's `faq` and `ai`, and the tag's token for the AI endpoint. */
export interface AnswersOptions {
  faq?: Faq | undefined
  /** The language the FAQ's texts are in (BCP 47), which decides how its words are read (widget/faq/languages.ts). Default `en`. */
  language?: string | undefined
  ai?: Ai | undefined
  token: string
  /** `fetch` for the AI endpoint (tests pass a fake). */
  fetch?: typeof fetch
}

/** Sets the lead attributes of an answered (or unanswered) question. */
const noted = (question: string, id: string) => (lead: Parameters<typeof withAttribute>[0]) =>
  withAttribute(withAttribute(lead, QUESTION_KEY, question), ID_KEY, id)

/**
 * Creates the answers of one bot. `answer(question, ctx)` answers one free
 * question, after any still being answered (in the order asked); it resolves once
 * the bot has said what it says. Never rejects. When the chat has moved on
 * meanwhile (a hand-off, a reset, a flow's question now waiting), nothing is said.
 */
export function createAnswers(o: AnswersOptions) {
  let matcher: Promise<{ reply(q: string): Reply }> | undefined
  /** Loads the FAQ chunk and builds the matcher, once (again after a failed load). */
  const warm = () => {
    if (!o.ai)
      matcher ??= import('../faq').then(async (m) =>
        m.createFaq(o.faq?.items ?? [], { reader: await m.readerFor(o.language ?? 'en') }),
      )
    return matcher
  }
  const reply = async (text: string): Promise<Reply> => {
    try {
      return (await warm())?.reply(text) ?? { kind: 'unknown' }
    } catch {
      matcher = undefined
      report(
        'E_LOAD',
        'the FAQ chunk could not load; the bot answered that it does not know',
        ASSETS,
      )
      return { kind: 'unknown' }
    }
  }

  /** Whether `q` still belongs to the chat: no person in it, its message there, nothing but a free question's step waiting. */
  const current = ({ state }: AnswerContext, q: Question) => {
    const ask = state.ask.peek()
    return (
      !state.live.peek() &&
      (!ask || ask.id.startsWith('_faq')) &&
      state.messages.peek().some((m) => m.id === q.id && m.from === 'visitor' && m.text === q.text)
    )
  }

  /** Adds `nodes` to the bot's flows, notes the question on the lead and walks from `start`. */
  const walk = (ctx: AnswerContext, nodes: FlowNode[], start: string, q: Question, id: string) => {
    const g = ctx.actions.graph().node
    for (const n of nodes) g.set(n.id, n)
    batch(() => {
      ctx.actions.update(noted(q.text, id))
      ctx.actions.go(start)
    })
  }
  const strings = (ctx: AnswerContext) => answerStrings(ctx.t('locale'))
  const back = (q: Question) => (q.resume ? { next: q.resume } : {})
  /** "Did that help?" and the hand-off its "Talk to a person" leads to. */
  const helped = (ctx: AnswerContext, q: Question): FlowNode[] => [
    {
      id: HELP,
      type: 'quick',
      text: strings(ctx).helped,
      attribute: HELPFUL_KEY,
      options: [
        { label: strings(ctx).yes, value: 'yes', ...back(q) },
        { label: ctx.t('talk'), value: 'no', next: PERSON },
      ],
    },
    { id: PERSON, type: 'handoff' },
  ]

  /** No answer: "I don't know", then the fallback. */
  const unknown = async (ctx: AnswerContext, q: Question) => {
    const s = strings(ctx)
    const fallback = o.faq?.fallback ?? 'handoff'
    if (fallback === 'message') {
      // The offline path's "leave a message" (the live composer, away): its chunk
      // loads here, as it would for the live chat it starts.
      const live = await import('../live').catch(() => undefined)
      if (!current(ctx, q)) return
      if (live) {
        batch(() => {
          ctx.actions.update(noted(q.text, NO_ENTRY))
          live.leaveMessage(ctx.state, ctx.actions, ctx.t('locale'), s.noIdea)
        })
        return
      }
      report('E_LOAD', 'the live chat chunk could not load; no message can be left', ASSETS)
    }
    const offer = fallback === 'handoff'
    walk(
      ctx,
      [
        { id: NO, type: 'message', text: s.noIdea, ...(offer ? { next: OFFER } : back(q)) },
        ...(offer
          ? ([
              {
                id: OFFER,
                type: 'quick',
                text: s.offer,
                options: [
                  { label: ctx.t('talk'), next: PERSON },
                  { label: s.noThanks, ...back(q) },
                ],
              },
              { id: PERSON, type: 'handoff' },
            ] satisfies FlowNode[])
          : []),
      ],
      NO,
      q,
      NO_ENTRY,
    )
  }

  /** The AI endpoint's answer, shown as it streams in (one message growing), then "Did that help?". */
  const fromAi = async (ctx: AnswerContext, q: Question, ai: Ai) => {
    const { state } = ctx
    let id: number | undefined
    /** Shows `text` as the answer's message (added on the first call); `pending` while it streams. */
    const show = (text: string, pending: boolean) => {
      const list = state.messages.peek()
      if (id === undefined) {
        id = (list.at(-1)?.id ?? 0) + 1
        const m: Message = { id, from: 'bot', text, at: Date.now(), ...(pending && { pending }) }
        batch(() => {
          state.messages.value = [...list, m].slice(-MAX_MESSAGES)
          if (!state.open.peek()) state.unread.value++
        })
      } else
        state.messages.value = list.map((m) => {
          if (m.id !== id) return m
          const { pending: _, ...rest } = m
          return { ...rest, text, ...(pending && { pending }) }
        })
    }
    // Its own chunk (eventsource-parser, which the live chat chunk shares): FAQ-only bots do not load it.
    const client = await import('./ai').catch(() => {
      report(
        'E_LOAD',
        'the AI answer chunk could not load; the bot answered with its fallback',
        ASSETS,
      )
      return undefined
    })
    const r = await client?.askAi(
      {
        ...ctx.actions.ids(),
        question: q.text,
        locale: ctx.t('locale'),
        history: client.historyOf(state.messages.peek().filter((m) => m.id < q.id)),
      },
      {
        url: ai.url,
        token: o.token,
        timeout: ai.timeout,
        onText: (text) => current(ctx, q) && show(text, true),
        ...(o.fetch ? { fetch: o.fetch } : {}),
      },
    )
    const still = current(ctx, q)
    if (r && (still || id !== undefined)) show(r.text, false)
    else if (id !== undefined)
      state.messages.value = state.messages.peek().filter((m) => m.id !== id)
    if (!still) return
    if (r) walk(ctx, helped(ctx, q), HELP, q, r.faq.join(',') || NO_ENTRY)
    else await unknown(ctx, q)
  }

  /**
   * "Did you mean…?": the entries' questions as buttons (one per label), then
   * "Something else". A pick stores its entry's id ({@link ID_KEY}) and says its
   * answer, then "Did that help?"; "Something else" stores {@link NO_ENTRY} and
   * runs {@link unknown}. Another question typed instead is a question.
   */
  const suggest = (ctx: AnswerContext, q: Question, matches: { item: FaqItem }[]) => {
    const s = strings(ctx)
    const seen = new Set([s.other.toLowerCase()])
    const picks = matches.flatMap(({ item }) => {
      const text = item.question.trim()
      const label = text.length > LABEL ? `${text.slice(0, LABEL - 1).trimEnd()}…` : text
      if (seen.has(label.toLowerCase())) return []
      seen.add(label.toLowerCase())
      return [{ item, label }]
    })
    walk(
      ctx,
      [
        {
          id: SUGGEST,
          type: 'quick',
          text: s.didYouMean,
          attribute: ID_KEY,
          options: [
            ...picks.map((p, i) => ({ label: p.label, value: p.item.id, next: `${PICK}${i}` })),
            { label: s.other, value: NO_ENTRY },
          ],
        },
        ...picks.map(
          (p, i): FlowNode => ({
            id: `${PICK}${i}`,
            type: 'message',
            text: p.item.answer,
            next: HELP,
          }),
        ),
        ...helped(ctx, q),
      ],
      SUGGEST,
      q,
      NO_ENTRY,
    )
    const { state } = ctx
    if (state.ask.peek()?.id !== SUGGEST) return
    // "Something else" leads nowhere (nothing waits): the fallback follows, at once.
    const stop = effect(() => {
      const ask = state.ask.value
      if (ask?.id === SUGGEST) return
      stop()
      const last = state.messages.peek().at(-1)
      if (!ask && last?.from === 'visitor' && last.text === s.other) void unknown(ctx, q)
    })
  }

  const one = async (q: Question, ctx: AnswerContext) => {
    if (!current(ctx, q)) return
    if (o.ai) return fromAi(ctx, q, o.ai)
    const r = await reply(q.text)
    if (!current(ctx, q)) return
    if (r.kind === 'suggest') return suggest(ctx, q, r.matches)
    if (r.kind === 'unknown') return unknown(ctx, q)
    const { item } = r.match
    walk(
      ctx,
      [{ id: ANSWER, type: 'message', text: item.answer, next: HELP }, ...helped(ctx, q)],
      ANSWER,
      q,
      item.id,
    )
  }

  let chain: Promise<void> = Promise.resolve()
  return {
    /** Starts loading what answering takes (the FAQ chunk and its matcher), ahead of the first question. Never rejects. */
    warm(): void {
      void warm()?.catch(() => {
        matcher = undefined
      })
    },
    answer(q: Question, ctx: AnswerContext): Promise<void> {
      chain = chain.then(() => one(q, ctx)).catch(() => undefined)
      return chain
    },
  }
}

/** The answers of one bot, as returned by {@link createAnswers}. */
export type Answers = ReturnType<typeof createAnswers>
