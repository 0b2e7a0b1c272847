/**
 * The "more" chunk: starting again and the previous conversation. Imported by the
 * conversation chunk (widget/conversation.ts) once the chat has messages, so the
 * chat window entry carries none of it.
 *
 * - "New conversation", once the chat flow has ended (nothing waits, or only an
 *   offer of a person: core/end.ts) or a live conversation was closed: the bot's
 *   chat flow starts again from its start, with the lead as it is (the questions
 *   of known name, email and phone are passed over), and what the transcript
 *   showed moves into the previous conversation.
 * - The previous conversation above the transcript, collapsed behind a disclosure
 *   button ("Previous conversation · 12 messages", `aria-expanded`), and for a
 *   returning visitor whose name is known, "Welcome back, Ada" (back.ts).
 */
import { batch, effect, signal } from '@preact/signals-core'
import { useState } from 'preact/hooks'
import { BACK_FLAG } from '../../loader/protocol'
import type { Actions } from '../core/actions'
import { offersPerson } from '../core/end'
import type { Translate } from '../core/i18n'
import { MAX_SAVED, type Message, type State } from '../core/state'
import type { Kv } from '../core/storage'
import { backKey, backRecord, earlierKey, earlierRecord, knownLead, loadEarlier } from './back'
import css from './more.css?inline'
import { moreCount, moreText } from './strings'

export { css }

/** What {@link createMore} needs from the chat window. */
export interface MoreDeps {
  state: State
  actions: Actions
  kv: Kv
  /** Retention (ms): records older than this are not shown. */
  keep: number
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number
  /** Where {@link BACK_FLAG} is set. Default the page's `localStorage`. */
  local?: Pick<Storage, 'setItem'> | undefined
}

/**
 * Whether the conversation is over for "New conversation": messages were said,
 * nothing runs, and either a live conversation was closed or, with no person in
 * it, nothing waits but an offer of a person. A free question being answered
 * (`_faq…` nodes, widget/answers/) is not an end.
 */
export function isOver(state: State, actions: Pick<Actions, 'graph'>): boolean {
  const ask = state.ask.value
  const live = state.live.value
  if (state.busy.value || !state.messages.value.length) return false
  if (live) return live.phase === 'closed'
  return !ask || offersPerson(actions.graph(), ask)
}

/**
 * The previous conversation and the "New conversation" action of one chat.
 * Keeps the bot's returning visitor's record (back.ts `backKey`) up to date while the
 * lead has a known field, and reads the previous conversation once per visitor
 * UUID (a reset starts another).
 * @returns `ui` for the chat window, `restart()` (what the button does) and
 *   `dispose()`, which stops it.
 */
export function createMore(deps: MoreDeps) {
  const { state, actions, kv, keep } = deps
  const now = deps.now ?? Date.now
  const earlier = signal<Message[]>([])
  const welcome = signal('')
  /** The visitor whose previous conversation is shown, and the read of it. */
  let uuid = ''
  let loaded: Promise<unknown> = Promise.resolve()

  const stop = effect(() => {
    const lead = state.lead.value
    if (!state.messages.value.length) return
    const ids = actions.ids()
    const id = ids.uuid
    if (id !== uuid) {
      uuid = id
      batch(() => {
        earlier.value = []
        welcome.value = ''
      })
      loaded = loadEarlier(kv, ids, now(), keep).then((e) => {
        if (e && uuid === id)
          batch(() => {
            earlier.value = e.messages
            welcome.value = e.welcome ?? ''
          })
      })
    }
    if (!knownLead(lead)) return
    // After the read: the record it reads is the previous tab session's. What is
    // written is the lead of then: a reset meanwhile (another UUID, a blank lead) writes nothing.
    void loaded.then(() => {
      const known = knownLead(state.lead.peek())
      if (!known || actions.ids().uuid !== id) return
      void kv.set(backKey(ids.botId), backRecord(now(), id, known)).catch(() => undefined)
      try {
        ;(deps.local ?? localStorage).setItem(BACK_FLAG, '1')
      } catch {
        /* without localStorage a new tab session starts the flow at once, unwelcomed */
      }
    })
  })

  /**
   * Starts the bot's chat flow again: the transcript's messages join the previous
   * conversation (stored under {@link earlierKey}), a closed live conversation is
   * left, and the flow runs from its start with the lead as it is. Message ids go
   * on from the last one (the transcript outbox stores each id once).
   */
  function restart() {
    const old = state.messages.peek()
    if (!old.length) return
    const all = [...earlier.peek(), ...old].slice(-MAX_SAVED)
    batch(() => {
      earlier.value = all
      welcome.value = ''
      state.live.value = undefined
      // The actions number a message after the last one: the last old message
      // stays for the walk's first message to follow, then goes.
      state.messages.value = old.slice(-1)
      actions.go(actions.graph().start)
      state.messages.value = state.messages.value.slice(1)
    })
    void actions.save()
    void kv.set(earlierKey(uuid), earlierRecord(now(), all)).catch(() => undefined)
  }

  /** "New conversation" under the composer, while the conversation is over ({@link isOver}). */
  function Again({ locale }: { locale: string }) {
    if (!isOver(state, actions)) return null
    return (
      <div class="choices again">
        <button type="button" class="choice" onClick={restart}>
          {moreText(locale, 'again')}
        </button>
      </div>
    )
  }

  /**
   * Above the transcript's messages: the previous conversation behind a disclosure
   * button, then a returning visitor's welcome. Expanded, its messages show above
   * the button, as a chat shows earlier messages: the transcript keeps its place
   * (it sticks to the bottom, or the browser's scroll anchoring keeps the button
   * where it was), so the focused button stays in view and the visitor scrolls up
   * to read. They are in an `aria-live="off"` region: expanding reads nothing out
   * of the transcript's live region.
   */
  function Earlier({ t, locale }: { t: Translate; locale: string }) {
    const [open, setOpen] = useState(false)
    const messages = earlier.value
    if (!messages.length) return null
    const name = welcome.value
    return (
      <div class="earlier">
        <div id="rk-earlier" class="old" hidden={!open} aria-live="off">
          {messages.map((m, i) => (
            // Ids repeat across tab sessions: the position is the key.
            <div key={i} class={`msg ${m.from}`}>
              <span class="sr">
                {m.from === 'bot' ? t('bot') : m.from === 'agent' ? m.agent?.name : t('you')}:{' '}
              </span>
              {m.text}
            </div>
          ))}
        </div>
        <button
          type="button"
          class="choice disc"
          aria-expanded={open ? 'true' : 'false'}
          aria-controls="rk-earlier"
          onClick={() => setOpen(!open)}
        >
          {moreText(locale, 'earlier')} · {moreCount(locale, 'count', messages.length)}
        </button>
        {name && <p class="back">{moreText(locale, 'welcome', { name })}</p>}
      </div>
    )
  }

  return { ui: { Again, Earlier }, restart, dispose: stop }
}

/** The parts {@link createMore} adds to the chat window. */
export type MoreUi = ReturnType<typeof createMore>['ui']
