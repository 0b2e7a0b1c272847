/**
 * Free questions (docs/configuration.md, "Free questions"): for a bot whose
 * configuration document has an FAQ or an AI answer endpoint, the "Ask a question"
 * box and the rule of when the chat takes a visitor's text as a free question.
 * The answering itself is the answers chunk's (widget/answers/), imported on the
 * first question, or when the box first gets focus, so that it is there by the
 * time the visitor sends.
 *
 * The rule: the chat takes a free question whenever the bot is not waiting for
 * typed text and no person is in the conversation. That is, when nothing waits
 * (the flow has ended, or the start flow only says things), or when what waits is
 * answered with buttons (quick replies, a menu, reply cards, a choice question,
 * "Did that help?"): text that is one of the buttons' labels (any case) is that
 * button, other text is a free question. A question that waits for typed text
 * (name, email, phone, number, date, text, multiple choice, rating) takes the text
 * as its answer; after a hand-off the text is for the person.
 */
import { batch } from '@preact/signals-core'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Ai, Faq } from '../config/schema'
import type { Actions } from '../core/actions'
import type { Engine, Graph, QuickNode } from '../core/flow'
import type { Translate } from '../core/i18n'
import type { State } from '../core/state'
import { MAX_LENGTH } from '../core/validate'
import { TextBox } from '../more/TextBox'

/**
 * What waits while the bot answers a free question: no buttons, no input (the
 * composer shows nothing), so no flow question is left waiting and the chat has
 * not "ended" meanwhile. Not a node of the bot's flows: a chat reloaded meanwhile
 * has nothing waiting.
 */
export const ANSWERING: QuickNode = { id: '_faqWait', type: 'quick', text: '', options: [] }

/** Whether `id` is a node of a free question's answer (`_faq…`, widget/answers/). */
export const isFaqNode = (id: string | undefined): boolean => !!id?.startsWith('_faq')

/** What {@link createFree} needs: the document's `faq` and `ai`, the tag's token, the bot's flows and engine. */
export interface FreeOptions {
  faq?: Faq | undefined
  /** The language the FAQ's texts are in (BCP 47; config/locale.ts `faqLanguage`). Default `en`. */
  language?: string | undefined
  ai?: Ai | undefined
  token: string
  graph: Graph
  engine: Pick<Engine, 'choices'>
  /** `fetch` for the AI endpoint (tests pass a fake). */
  fetch?: typeof fetch
}

/**
 * The free questions of a configured bot: `open(state)` says whether the chat takes
 * one now (the rule above, without looking at the text), `take(…)` takes `text` when
 * it is one (the actions' `free`), `prefetch()` loads the answers chunk, `Box` is
 * the "Ask a question" box, and `localize(faq, graph, language)` answers from then on from
 * the FAQ and flows of another language (`setLocale`).
 */
export function createFree(o: FreeOptions) {
  let answers: Promise<import('../answers').Answers | undefined> | undefined
  const load = () =>
    (answers ??= import('../answers').then(
      (m) => {
        const a = m.createAnswers({
          faq: o.faq,
          language: o.language,
          ai: o.ai,
          token: o.token,
          ...(o.fetch ? { fetch: o.fetch } : {}),
        })
        a.warm()
        return a
      },
      () => {
        // Tried again at the next question.
        answers = undefined
        return undefined
      },
    ))
  /** The node the last free question left ("Yes" goes back to it), kept across its answer's own steps. */
  let resume: string | undefined
  const choices = (state: State) => {
    const ask = state.ask.peek()
    return ask ? o.engine.choices(o.graph, ask) : []
  }
  const open = (state: State): boolean => {
    const ask = state.ask.value
    return !state.live.value && (!ask || ask === ANSWERING || choices(state).length > 0)
  }

  /**
   * Takes `text` as a free question when {@link open} and it is no button's label:
   * the visitor's message shows at once, {@link ANSWERING} waits, and the answers
   * chunk says the answer. Never throws.
   * @returns whether it was taken.
   */
  function take(text: string, actions: Actions, state: State, t: (key: string) => string) {
    const said = text.trim().slice(0, MAX_LENGTH.text)
    const label = said.toLowerCase()
    if (!said || !open(state) || choices(state).some((c) => c.label.toLowerCase() === label))
      return false
    const ask = state.ask.peek()
    if (!isFaqNode(ask?.id)) resume = ask?.id
    const at = resume
    // One batch: the question leaves what waited and the answering step waits, with no
    // moment in between where nothing waits (that reads as the flow's end).
    batch(() => {
      actions.go(undefined, said)
      state.ask.value = ANSWERING
    })
    const id = state.messages.peek().at(-1)?.id ?? 0
    void load().then((a) => {
      if (a) return a.answer({ text: said, id, resume: at }, { state, actions, t })
      // The chunk did not load: nothing answers; the flow goes on where it was.
      if (state.ask.peek() === ANSWERING) actions.go(at)
    })
    return true
  }

  /**
   * The "Ask a question" box, under the buttons or alone when nothing waits: a
   * multi-line text box (widget/more/TextBox.tsx) where Enter sends and Shift+Enter
   * starts a new line. Focus comes to it when nothing else waits, and stays in it while the bot
   * answers what was typed there (the answer and "Did that help?" are announced by
   * the transcript), so a visitor can ask on at once.
   */
  function Box({ state, actions, t }: { state: State; actions: Actions; t: Translate }) {
    const [text, setText] = useState('')
    const box = useRef<HTMLElement>(null)
    const typed = useRef(false)
    const ask = state.ask.value
    const shown = open(state)
    // Again when the bot's typing ends (core/state.ts `typing`): the question's input came and took focus.
    const typing = state.typing.value
    useEffect(() => {
      if (!isFaqNode(ask?.id)) typed.current = false
      if (shown && (!ask || typed.current)) box.current?.focus()
    }, [ask, shown, typing])
    if (!shown) return null
    const send = (e: Event) => {
      e.preventDefault()
      const said = text.trim()
      if (!said || ask === ANSWERING) return
      typed.current = true
      // A button's label picks the button, as sendMessage does.
      if (!actions.free(said)) void actions.submit(said)
      setText('')
    }
    return (
      <form class="composer free" onSubmit={send} noValidate>
        <div class="row">
          <TextBox
            box={box}
            id="rk-free"
            class="input"
            autocomplete="off"
            enterkeyhint="send"
            maxLength={MAX_LENGTH.text}
            value={text}
            placeholder={`${t('ask')}…`}
            aria-label={t('ask')}
            onFocus={() => void load()}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <button class="send" type="submit" disabled={ask === ANSWERING}>
            {t('send')}
          </button>
        </div>
      </form>
    )
  }

  /** Takes the FAQ (in `language`) and flows of another language: the next question builds its answers (and FAQ matcher) from them. */
  const localize = (faq: Faq | undefined, graph: Graph, language?: string) => {
    o.faq = faq
    o.language = language
    o.graph = graph
    answers = undefined
  }

  return { open, take, prefetch: () => void load(), Box, localize }
}

/** The free questions of a configured bot, as returned by {@link createFree}. */
export type Free = ReturnType<typeof createFree>
