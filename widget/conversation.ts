/**
 * The conversation beyond the bot's flow, a lazy chunk the chat window starts when
 * the page is idle after it mounts (or at once on a hand-off): the transcript
 * outbox, which sends every message to the inbox (core/transcript.ts), and the live
 * chat chunk (widget/live/), loaded once the chat is handed to a person or a
 * restored chat was live. A chat that never hands off downloads no live code.
 * Once the chat has messages it also loads widget/more/: the previous
 * conversation and "New conversation".
 */
import { effect, type Signal, signal } from '@preact/signals-core'
import { ASSETS, report } from '../loader/log'
import type { WidgetConfig } from '../loader/protocol'
import type { CsatSettings, Hours } from './config/schema'
import type { Actions, SavedChat } from './core/actions'
import { type AlertSettings, startAlerts } from './core/alerts'
import { markDelivered, setSids } from './core/receipts'
import type { State } from './core/state'
import type { Kv } from './core/storage'
import { sweep } from './core/sweep'
import { createMessagesSender, createTranscript, follow } from './core/transcript'
import type { Away, LiveUi } from './live'
import type { MoreUi } from './more'
import { type BubblesUi, bindBubbles, css as bubblesCss, type Pacing } from './ui/bubbles'

/** The chat window's parts the conversation brings (widget/ui/ChatWindow.tsx props of the same names). */
export interface ConversationParts {
  bubbles?: BubblesUi
  more?: MoreUi
  live?: LiveUi
}

/** What {@link startConversation} needs from the chat window. */
export interface ConversationDeps {
  state: State
  actions: Actions
  kv: Kv
  config: WidgetConfig
  /** Retention (ms) of delivered transcript records. */
  keep: number
  /**
   * Set while the next page of the tab must load the chat (closed) to carry on:
   * transcript messages wait to be delivered, or the conversation waits for or
   * talks with a person (its live stream, its unread badge).
   */
  unsent: Signal<boolean>
  /**
   * Shows parts of the chat window as their chunks load: adds their stylesheet
   * `css`, renders the window with them. Called once for each of `bubbles` (at
   * once), `more` (the previous conversation and "New conversation",
   * widget/more/, once the chat has messages) and `live` (the live chat's parts,
   * after a hand-off).
   */
  show(part: ConversationParts, css: string): void
  /**
   * What the chat window mounted with: the visitor's locale (the language of the
   * offline messages) and the configured bot, in the visitor's language: its
   * Business Hours (`settings.hours`) decide with the availability whether a
   * hand-off is away (widget/live/offline.ts), and its `settings.csat` turns the
   * conversation rating off or words its question (widget/csat/); its
   * `design.pacing` paces the bot's messages (widget/ui/bubbles.tsx).
   */
  ready: {
    locale: string
    rich?:
      | { hours?: Hours | undefined; csat?: CsatSettings | undefined; pacing?: Pacing | false }
      | undefined
  }
  /** A configured bot's Alerts settings (rich/index.ts); without them, the defaults of core/alerts.ts. */
  alerts?: AlertSettings | undefined
}

/**
 * Starts the transcript outbox (it also sends what earlier pages left waiting),
 * which gives each message its UUID and marks the visitor's delivered
 * (core/receipts.ts), the bubbles' pacing and states (widget/ui/bubbles.tsx),
 * the alerts for unseen messages (core/alerts.ts), and follows `state.live` to
 * load the live chat chunk when the chat goes live; one E_LOAD line when that
 * chunk cannot load (the next change of `state.live` tries again).
 * @returns `handoff()`, which asks the inbox for a person after the messages stored
 *   so far (and runs the offline check), and `dispose()`, which stops everything it started.
 */
export function startConversation(deps: ConversationDeps) {
  const { state, actions, kv, config, keep, unsent } = deps
  /** Applies a receipt of the current visitor's messages (an earlier visitor's are past). */
  const receipt = (uuid: string, changed: () => boolean) => {
    if (uuid === actions.ids().uuid && changed()) void actions.save()
  }
  // The next page of the tab loads the chat (closed, unless it is open) to send
  // what waits, and to carry on a live conversation: its stream, its badge.
  let queued = false
  const carry = () => {
    unsent.value = queued || isLive(state.live.value?.phase)
  }
  /** The transcript outbox's sends fail now: the visitor's messages waiting show as not sent yet. */
  const failing = signal(false)
  const transcript = createTranscript(kv, createMessagesSender(config), {
    keep,
    failing: (f) => {
      failing.value = f
    },
    pending: (w) => {
      queued = w
      carry()
    },
    stored: (uuid, sids) => receipt(uuid, () => setSids(state, sids)),
    delivered: (uuid, ids) => receipt(uuid, () => markDelivered(state, ids)),
  })
  const bubbles = bindBubbles(state, failing, deps.ready.rich?.pacing)
  deps.show({ bubbles }, bubblesCss)
  const stops: (() => void)[] = [
    bubbles.dispose,
    follow(state, transcript, actions.ids),
    startAlerts(state, deps.alerts),
    effect(carry),
  ]
  /** The live chunk loaded and started; it resolves with its offline path. */
  let live: Promise<Away | undefined> | undefined
  let disposed = false
  stops.push(
    effect(() => {
      if (!state.live.value || live) return
      live = import('./live').then(
        (m) => {
          if (disposed) return undefined
          const link = { ...config, api: config.apiUrl, ids: actions.ids, kv }
          // The conversation rating: on unless the document turns it off.
          const csat = deps.ready.rich?.csat ?? { enabled: true }
          const chat = m.createLive(state, actions, link, {
            settings: csat,
            locale: deps.ready.locale,
          })
          const away = m.createAway(state, actions, {
            hours: deps.ready.rich?.hours,
            locale: deps.ready.locale,
            online: m.availability(link),
          })
          stops.push(
            chat.dispose,
            away.dispose,
            // The stream is back after a drop (the network, a server restart): so is
            // the messages endpoint; what the visitor sent meanwhile goes now.
            effect(() => {
              if (chat.status.value === 'open') void transcript.retry()
            }),
          )
          bubbles.file.value = m.FileCard
          deps.show({ live: chat.ui }, m.css)
          return away
        },
        () => {
          live = undefined
          report('E_LOAD', 'the live chat chunk could not load', ASSETS)
          return undefined
        },
      )
    }),
  )
  // Once the chat has messages: the previous conversation and "New conversation".
  let more: Promise<void> | undefined
  stops.push(
    effect(() => {
      if (!state.messages.value.length || more) return
      more = import('./more').then(
        (m) => {
          if (disposed) return
          const c = m.createMore({ state, actions, kv, keep })
          stops.push(c.dispose)
          deps.show({ more: c.ui }, m.css)
        },
        () => {
          more = undefined
          report('E_LOAD', 'the previous-conversation chunk could not load', ASSETS)
        },
      )
    }),
  )
  // Saved conversations past the retention go (at most once a day: core/sweep.ts).
  void sweep(kv, keep)
  void resume(deps)
  return {
    /**
     * Asks for a person, after the messages stored so far; then, once the live
     * chunk is there, decides whether anyone can answer (widget/live/offline.ts).
     * The request is sent either way: an away hand-off reaches the inbox too.
     */
    handoff() {
      void transcript.handoff(actions.ids())
      void live?.then((away) => away?.check())
    },
    dispose() {
      disposed = true
      for (const stop of stops) stop()
    },
  }
}

/**
 * The keys of the tab's visitor UUID (loader/protocol.ts `UUID_KEY`) and of a
 * visitor's saved chat (core/actions.ts `chatKey`), spelt out here: importing them
 * from the chat entry costs the entry bytes on every page that opens the chat
 * (conversation.test.ts keeps them equal).
 */
export const KEYS = { uuid: 'reekolect:uuid', chat: (uuid: string) => `chat:${uuid}` }

/** Whether a live chat `phase` has a person to wait for, talk with, or answer the message left (the stream is open then). */
const isLive = (phase: string | undefined) =>
  phase === 'waiting' || phase === 'talking' || phase === 'away'

/**
 * A live conversation carries on while the chat is closed: on a page that loaded
 * the chat closed (the session key, widget/core/session.ts), the saved chat of the
 * tab's visitor is restored when it waits for or talks with a person, so its live
 * stream connects and an agent's reply raises the unread badge. Any other chat
 * stays unstarted until the visitor opens it. Reads only the saved chat's live
 * phase and time; `actions.start` checks the rest (and ignores a chat past the
 * retention, `keep`, as this does).
 */
async function resume({ state, actions, kv, keep }: ConversationDeps): Promise<void> {
  let uuid: string | null = null
  try {
    uuid = sessionStorage.getItem(KEYS.uuid)
  } catch {
    /* no stored visitor: nothing to resume */
  }
  if (!uuid || state.live.value || state.messages.value.length) return
  const saved = await kv.get<Partial<SavedChat>>(KEYS.chat(uuid)).catch(() => undefined)
  const at = saved?.at
  if (isLive(saved?.live?.phase) && typeof at === 'number' && Date.now() - at <= keep)
    void actions.start()
}

/** The conversation as returned by {@link startConversation}. */
export type Conversation = ReturnType<typeof startConversation>
