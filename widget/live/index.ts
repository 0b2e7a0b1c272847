/**
 * The live chat chunk: loaded once a conversation is handed to a person (a hand-off
 * node, `Reekolect('handoff')`, or a restored chat in live mode), so a chat that
 * never hands off downloads none of it. It brings the live composer, the status
 * line and agent messages (ui.tsx), and the functions that apply what the inbox
 * says (docs/platform-api.md, "Our extensions: live chat") to the chat's state:
 * {@link LiveChat.receive}, {@link LiveChat.setAgent}, {@link LiveChat.setStatus}.
 * The agent stream (`GET {api}/inbox/direct/stream`) calls them.
 *
 * Like the actions (core/actions.ts), these are writers of the state; the UI only reads it.
 */
import { batch, effect } from '@preact/signals-core'
import type { Actions } from '../core/actions'
import { type Agent, MAX_MESSAGES, type State } from '../core/state'
import css from './live.css?inline'
import { createLiveConnection, type LiveConnection, type LiveIds } from './stream'
import { AgentBody, LiveBar, LiveComposer } from './ui'

export { type Away, availability, createAway, leaveMessage } from './offline'
export { css }

/** A message as the inbox gives it (`GET …/messages`, the stream's `message` event); `at` is ISO 8601 UTC. */
export interface InboxMessage {
  /** UUID v4. */
  id: string
  by: 'visitor' | 'bot' | 'agent'
  text: string
  at: string
  agent?: Agent
}

/** The parts of the chat window the live chunk brings (ChatWindow, Transcript). */
export interface LiveUi {
  Composer: typeof LiveComposer
  Bar: typeof LiveBar
  Body: typeof AgentBody
}

/** Statuses that end the live chat (docs/platform-api.md: the lead's `status`). */
const ENDED = new Set(['CLOSED'])

const isAgent = (a: unknown): a is Agent =>
  !!a && typeof a === 'object' && typeof (a as Agent).name === 'string' && !!(a as Agent).name

/** Only what the widget shows of an agent: name, and id and picture when they are strings (a https picture). */
function agentOf(a: Agent): Agent {
  const out: Agent = { name: a.name.slice(0, 80) }
  if (typeof a.id === 'string') out.id = a.id
  if (typeof a.picture === 'string' && /^https:\/\//i.test(a.picture)) out.picture = a.picture
  return out
}

/** Where the live stream connects: the tag's `data-api-url` and `data-token`, and the conversation's ids. */
export interface LiveLink {
  api: string
  token: string
  ids(): LiveIds
}

/**
 * Creates the live chat of `state`. `actions.save` persists each change (a reload
 * keeps the conversation and the agent). With `link`, it connects the visitor's
 * live stream (widget/live/stream.ts) while the chat waits for or talks with a
 * person, or is away (offline.ts), and closes it when the conversation is closed or the chat is reset;
 * `dispose` closes it for good.
 */
export function createLive(state: State, actions: Pick<Actions, 'save'>, link?: LiveLink) {
  /** Names the agent: the chat is then `talking` with them (unless it was closed). */
  const talkTo = (agent: Agent) => {
    const live = state.live.value
    if (live?.phase === 'closed') return
    state.live.value = { ...live, phase: 'talking', agent: agentOf(agent) }
  }
  /**
   * Shows an agent's message once (by its server `id`: a replay or a second
   * stream adds nothing) and names its agent; raises the unread count while the
   * chat is closed. Visitor and bot messages are this chat's own and are left
   * alone. Malformed input is ignored.
   * @returns whether the message was added.
   */
  function receive(m: InboxMessage): boolean {
    if (m?.by !== 'agent' || typeof m.text !== 'string' || typeof m.id !== 'string') return false
    const list = state.messages.value
    if (list.some((x) => x.sid === m.id)) return false
    const at = Date.parse(m.at)
    batch(() => {
      state.messages.value = [
        ...list,
        {
          id: (list.at(-1)?.id ?? 0) + 1,
          from: 'agent' as const,
          text: m.text,
          at: Number.isNaN(at) ? Date.now() : at,
          sid: m.id,
          ...(isAgent(m.agent) ? { agent: agentOf(m.agent) } : {}),
        },
      ].slice(-MAX_MESSAGES)
      if (isAgent(m.agent)) talkTo(m.agent)
      if (!state.open.value) state.unread.value++
    })
    void actions.save()
    return true
  }
  /** An agent took the conversation (a `status` or `typing` event naming them). */
  function setAgent(agent: Agent): void {
    if (!isAgent(agent)) return
    talkTo(agent)
    void actions.save()
  }
  /**
   * The conversation's status changed (the stream's `status` event, the seed's
   * statuses): `CLOSED` closes the live chat; another status naming an agent
   * means that agent is talking.
   */
  function setStatus(status: string, agent?: Agent): void {
    const live = state.live.value
    if (!live) return
    if (ENDED.has(status)) state.live.value = { ...live, phase: 'closed' }
    else if (agent && isAgent(agent)) talkTo(agent)
    else return
    void actions.save()
  }
  const hooks = () => {
    const seen = state.messages.value.flatMap((m) => (m.sid ? [m.sid] : []))
    return {
      seen,
      lastId: seen.at(-1),
      onMessage: receive,
      onStatus: setStatus,
      onTyping: setAgent,
    }
  }
  let connection: LiveConnection | undefined
  const stop =
    link &&
    effect(() => {
      const phase = state.live.value?.phase
      // Away too: an agent who comes online later and answers the message left is
      // seen at once, in this tab and the others, for one idle stream (a heartbeat every 25 s).
      const live = !!phase && phase !== 'closed'
      if (live && !connection) {
        // `data-api-url` as written; paths are appended after one `/`.
        const api = link.api.replace(/\/+$/, '')
        connection = createLiveConnection({ api, token: link.token, ids: link.ids, ...hooks() })
      } else if (!live && connection) {
        connection.close()
        connection = undefined
      }
    })
  return {
    ui: { Composer: LiveComposer, Bar: LiveBar, Body: AgentBody } satisfies LiveUi,
    receive,
    setAgent,
    setStatus,
    /**
     * The callbacks and resume point of the agent stream's connection
     * (`createLiveConnection` options, widget/live/stream.ts): messages to
     * {@link receive}, statuses to {@link setStatus}, a typing agent to
     * {@link setAgent}; `seen` and `lastId` are the inbox ids of the agent
     * messages the chat already shows (a restored chat), newest last.
     */
    hooks,
    /** Tells the agent the visitor is typing (at most every 3 s; nothing while not connected). */
    typing: () => connection?.typing(),
    /** Closes the live stream and stops following the state. */
    dispose() {
      stop?.()
      connection?.close()
      connection = undefined
    },
  }
}

/** The live chat as returned by {@link createLive}. */
export type LiveChat = ReturnType<typeof createLive>
