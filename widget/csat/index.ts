/**
 * The conversation rating (CSAT), a lazy chunk the live chat chunk loads when an
 * agent closes a conversation they took part in (widget/live/index.ts), so no
 * other chat downloads it. As Intercom's and Crisp's: the bot asks "How was your
 * conversation with Sam?" (a message of the transcript: its live region
 * announces it once, and the inbox gets it), five faces answer in one tap, then
 * an optional comment and Send, and the bot thanks the visitor. The rating goes
 * to the lead through the outbox (`PUT {api}/inbox/direct/lead`, never lost): the
 * attribute `csat` at the tap, then at Send `csat_comment` and the note
 * "Conversation rating: 4/5 — comment" (docs/platform-api.md, "Conversation rating").
 *
 * Like the live chunk, this is a writer of the state: `state.live.csat` (saved with
 * the chat) keeps where the rating is, so a reload shows it again, never twice.
 */
import { batch } from '@preact/signals-core'
import type { CsatSettings } from '../config/schema'
import type { Actions } from '../core/actions'
import { type Lead, withAttribute } from '../core/lead'
import { MAX_MESSAGES, type State } from '../core/state'
import { csatText } from './strings'
import { bindCard } from './ui'

/** The lead attribute of the score, `1`…`5` (5: very good). */
export const SCORE_KEY = 'csat'
/** The lead attribute of the visitor's comment (left out, and removed, when there is none). */
export const COMMENT_KEY = 'csat_comment'
/** The title of the note the rating adds to the lead. */
export const NOTE_TITLE = 'Conversation rating'

/** Right-to-left letters and directional controls (as widget/core/flow.ts `fill` isolates them). */
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

/**
 * The question the bot asks: the document's `question`, else the catalogue's, with
 * `{agent}` the agent's name, wrapped in FSI…PDI when it or the sentence holds
 * right-to-left text (UAX #9), so a name cannot reorder the sentence.
 */
export function question(locale: string, agent: string, custom?: string): string {
  const text = custom ?? csatText(locale, 'ask')
  const name = RTL.test(text) || RTL.test(agent) ? `\u2068${agent}\u2069` : agent
  return text.replaceAll('{agent}', name)
}

/**
 * The lead once the visitor sent their rating: attribute {@link SCORE_KEY} = `score`,
 * {@link COMMENT_KEY} = `comment` (trimmed; removed when blank: an earlier
 * conversation's comment would otherwise stand beside this score), and the note
 * `{title: "Conversation rating", description: "4/5 — comment"}` (`"4/5"` without
 * one), added once: the same note twice is one note. Returns a new lead.
 */
export function rated(lead: Lead, score: number, comment = ''): Lead {
  const said = comment.trim()
  let out = withAttribute(lead, SCORE_KEY, String(score))
  out = said
    ? withAttribute(out, COMMENT_KEY, said)
    : { ...out, attributes: out.attributes.filter((a) => a.key !== COMMENT_KEY) }
  const note = { title: NOTE_TITLE, description: said ? `${score}/5 — ${said}` : `${score}/5` }
  const known = out.notes.some((n) => n.title === note.title && n.description === note.description)
  return known ? out : { ...out, notes: [...out.notes, note] }
}

/**
 * Creates the rating of `state`'s closed conversations. `settings` are the
 * document's `settings.csat` (the caller loads this chunk only when `enabled`);
 * `locale` is the language the bot asks in (it thanks in the chat's language then).
 * @returns `ask()`, which asks for the rating of the closed conversation (once: it
 *   does nothing unless the conversation is closed, named an agent and was not
 *   asked yet), and `Card`, the faces and the comment box shown until it is sent
 *   (ui.tsx `bindCard`).
 */
export function createCsat(
  state: State,
  actions: Pick<Actions, 'update' | 'save'>,
  { settings, locale }: { settings: Partial<CsatSettings>; locale: string },
) {
  /** Says `text` as the bot: a message of the transcript (the outbox sends it to the inbox), unread while the chat is closed. */
  const say = (text: string) => {
    const list = state.messages.value
    const id = (list.at(-1)?.id ?? 0) + 1
    state.messages.value = [...list, { id, from: 'bot' as const, text, at: Date.now() }].slice(
      -MAX_MESSAGES,
    )
    if (!state.open.value) state.unread.value++
  }
  /** Keeps where the rating is in the live chat (saved with the chat by the `actions` call that follows). */
  const keep = (csat: { score?: number; sent?: boolean }) => {
    const live = state.live.peek()
    if (live) state.live.value = { ...live, csat }
  }

  function ask(): void {
    const live = state.live.peek()
    if (live?.phase !== 'closed' || !live.agent || live.csat) return
    batch(() => {
      keep({})
      say(question(locale, live.agent?.name ?? '', settings.question))
    })
    void actions.save()
  }

  /** A tap on the face of score `n`: the lead's `csat` at once (another tap replaces it). */
  const tap = (n: number) => {
    keep({ score: n })
    actions.update((lead) => withAttribute(lead, SCORE_KEY, String(n)))
  }
  /** Send: the score, the comment and the note on the lead ({@link rated}); the bot thanks in `shown`, the chat's language now. */
  const send = (score: number, comment: string, shown: string) => {
    batch(() => {
      keep({ score, sent: true })
      say(csatText(shown, 'thanks'))
    })
    actions.update((lead) => rated(lead, score, comment))
  }
  const Card = bindCard({
    state,
    question: (shown) => question(shown, state.live.value?.agent?.name ?? '', settings.question),
    tap,
    send,
  })

  return { ask, Card }
}

/** The rating as returned by {@link createCsat}. */
export type Csat = ReturnType<typeof createCsat>
