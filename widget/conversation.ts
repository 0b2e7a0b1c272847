/**
 * The conversation beyond the bot's flow, a lazy chunk the chat window starts when
 * the page is idle after it mounts (or at once on a hand-off): the transcript
 * outbox, which sends every message to the inbox (core/transcript.ts), and the live
 * chat chunk (widget/live/), loaded once the chat is handed to a person or a
 * restored chat was live. A chat that never hands off downloads no live code.
 */
import { effect, type Signal } from '@preact/signals-core'
import { ASSETS, report } from '../loader/log'
import type { WidgetConfig } from '../loader/protocol'
import type { Actions } from './core/actions'
import type { State } from './core/state'
import type { Kv } from './core/storage'
import { createMessagesSender, createTranscript, follow } from './core/transcript'
import type { LiveUi } from './live'

/** What {@link startConversation} needs from the chat window. */
export interface ConversationDeps {
  state: State
  actions: Actions
  kv: Kv
  config: WidgetConfig
  /** Retention (ms) of delivered transcript records. */
  keep: number
  /** Set while transcript messages wait to be delivered (the next page then loads the chat to send them). */
  unsent: Signal<boolean>
  /** Shows the live chat's parts: adds its stylesheet, renders the window with them. */
  showLive(ui: LiveUi, css: string): void
}

/**
 * Starts the transcript outbox (it also sends what earlier pages left waiting) and
 * follows `state.live` to load the live chat chunk when the chat goes live; one
 * E_LOAD line when that chunk cannot load (the next change of `state.live` tries
 * again).
 * @returns `handoff()`, which asks the inbox for a person after the messages stored
 *   so far, and `dispose()`, which stops everything it started.
 */
export function startConversation(deps: ConversationDeps) {
  const { state, actions, kv, config, keep, unsent } = deps
  const transcript = createTranscript(kv, createMessagesSender(config), {
    keep,
    pending: (w) => {
      unsent.value = w
    },
  })
  const stops: (() => void)[] = [follow(state, transcript, actions.ids, window, actions.save)]
  let live: Promise<unknown> | undefined
  let disposed = false
  stops.push(
    effect(() => {
      if (!state.live.value || live) return
      live = import('./live').then(
        (m) => {
          if (disposed) return
          const chat = m.createLive(state, actions, {
            ...config,
            api: config.apiUrl,
            ids: actions.ids,
          })
          stops.push(
            chat.dispose,
            // The stream is back after a drop (the network, a server restart): so is
            // the messages endpoint; what the visitor sent meanwhile goes now.
            effect(() => {
              if (chat.status.value === 'open') void transcript.retry()
            }),
          )
          deps.showLive(chat.ui, m.css)
        },
        () => {
          live = undefined
          report('E_LOAD', 'the live chat chunk could not load', ASSETS)
        },
      )
    }),
  )
  return {
    handoff: () => transcript.handoff(actions.ids()),
    dispose() {
      disposed = true
      for (const stop of stops) stop()
    },
  }
}

/** The conversation as returned by {@link startConversation}. */
export type Conversation = ReturnType<typeof startConversation>
