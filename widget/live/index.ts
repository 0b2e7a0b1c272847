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
import { batch, effect, signal } from '@preact/signals-core'
import { ASSETS, report } from '../../loader/log'
import type { Attach } from '../attach'
import { filesKey } from '../attach/types'
import type { CsatSettings } from '../config/schema'
import type { Actions } from '../core/actions'
import { markDelivered, markRead } from '../core/receipts'
import { type Agent, type Attachment, MAX_MESSAGES, type State } from '../core/state'
import type { Kv } from '../core/storage'
import type { Csat } from '../csat'
import { css as boxCss } from '../more/TextBox'
import liveCss from './live.css?inline'
import { createLiveConnection, type LiveConnection, type LiveIds, type LiveStatus } from './stream'
import { type AgentBody, bindUi, type LiveBar, type LiveComposer } from './ui'

export { type Away, availability, createAway, leaveMessage } from './offline'
/** A file a message sends, as its bubble shows it (the transcript's {@link BubblesUi} `file` slot). */
export { FileCard } from './ui'
/** The live chat's stylesheet, with the text box's (widget/more/TextBox.tsx). */
export const css = liveCss + boxCss

/** A message as the inbox gives it (`GET …/messages`, the stream's `message` event); `at` is ISO 8601 UTC. */
export interface InboxMessage {
  /** UUID v4. */
  id: string
  by: 'visitor' | 'bot' | 'agent'
  text: string
  at: string
  agent?: Agent
  /** The file the message sends (stream.ts passes only valid ones, connection.ts `attachmentOf`). */
  attachment?: Attachment
}

/** What ChatWindow passes to the live composer and the status line. */
interface WindowProps {
  state: State
  locale: string
}

/** The parts of the chat window the live chunk brings (ChatWindow, Transcript), bound to one live chat. */
export interface LiveUi {
  /** The live composer (ui.tsx `LiveComposer`), telling the agent while the visitor types. */
  Composer(p: WindowProps & { actions: Actions }): ReturnType<typeof LiveComposer>
  /** The status line and, while an agent types, "Sam is typing…" (ui.tsx `LiveBar`). */
  Bar(p: WindowProps): ReturnType<typeof LiveBar>
  /** An agent message's name (with their picture, on the first of a run of theirs) and text. */
  Body: typeof AgentBody
}

/** How long "Sam is typing…" stays after the agent's last typing notice (ms); the agent's console sends one every 3 s while typing. */
export const TYPING_SHOWN = 6000

/** Authors of the messages the inbox gives. */
const BY: readonly unknown[] = ['visitor', 'bot', 'agent'] satisfies InboxMessage['by'][]

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

/**
 * Where the live stream connects: the tag's `data-api-url` and `data-token`, and
 * the conversation's ids; `kv`, where files waiting to be sent are kept (widget/attach/).
 */
export interface LiveLink {
  api: string
  token: string
  ids(): LiveIds
  kv?: Kv | undefined
}

/** The conversation rating asked once an agent closes a conversation (widget/csat/): `settings.csat`, and the language it asks in. */
export interface LiveRating {
  settings: CsatSettings
  locale: string
}

/**
 * Creates the live chat of `state`. `actions.save` persists each change (a reload
 * keeps the conversation and the agent). With `link`, it connects the visitor's
 * live stream (widget/live/stream.ts) while the chat waits for or talks with a
 * person, or is away (offline.ts), and closes it when the conversation is closed or the chat is reset;
 * `dispose` closes it for good. With `rating` enabled, a conversation an agent
 * took part in loads the csat chunk once it is closed, which asks the visitor to
 * rate it (`actions.update` stores the rating on the lead).
 */
export function createLive(
  state: State,
  actions: Pick<Actions, 'save' | 'update'>,
  link?: LiveLink,
  rating?: LiveRating,
) {
  /** Names the agent: the chat is then `talking` with them (unless it was closed). */
  const talkTo = (agent: Agent) => {
    const live = state.live.value
    if (live?.phase === 'closed') return
    state.live.value = { ...live, phase: 'talking', agent: agentOf(agent) }
  }
  /** The agent typing now, shown until their message or {@link TYPING_SHOWN} ms after the last notice. */
  const typing = signal<Agent | undefined>(undefined)
  let typingTimer: ReturnType<typeof setTimeout> | undefined
  const typed = (agent?: Agent) => {
    clearTimeout(typingTimer)
    typing.value = agent
    if (agent) typingTimer = setTimeout(typed, TYPING_SHOWN)
  }
  /** Saves the chat when a receipt changed it (core/receipts.ts). */
  const saveIf = (changed: boolean) => {
    if (changed) void actions.save()
  }
  /**
   * Shows a message of the conversation once, by its inbox `id` (the chat's
   * `sid`): a replay, a second stream, or the stream bringing back one of this
   * chat's own messages adds nothing, and one of the chat's own coming back means
   * the inbox has it, so it is marked delivered. An agent's message names its
   * agent, raises the unread count while the chat is closed and ends "Sam is
   * typing…"; a visitor's or bot's one unknown here was written in another tab of
   * the same visitor (a duplicated tab) and is shown as it is. Malformed input is
   * ignored.
   * @returns whether the message was added.
   */
  function receive(m: InboxMessage): boolean {
    const by = m?.by
    if (!BY.includes(by) || typeof m.text !== 'string' || typeof m.id !== 'string') return false
    const list = state.messages.value
    if (list.some((x) => x.sid === m.id)) {
      if (by !== 'agent') saveIf(markDelivered(state, [m.id]))
      return false
    }
    const at = Date.parse(m.at)
    const agent = by === 'agent' && isAgent(m.agent) ? agentOf(m.agent) : undefined
    if (by === 'agent') typed()
    batch(() => {
      state.messages.value = [
        ...list,
        {
          id: (list.at(-1)?.id ?? 0) + 1,
          from: by,
          text: m.text,
          at: Number.isNaN(at) ? Date.now() : at,
          sid: m.id,
          ...(agent ? { agent } : {}),
          ...(m.attachment ? { attachment: m.attachment } : {}),
          // Another tab's: the inbox has it.
          ...(by === 'visitor' ? { ack: 'delivered' as const } : {}),
        },
      ].slice(-MAX_MESSAGES)
      if (by !== 'agent') return
      if (agent) talkTo(agent)
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
  /** An agent is typing (the stream's `typing` event): they are talking, and "Sam is typing…" shows. */
  function onTyping(agent: Agent): void {
    setAgent(agent)
    if (isAgent(agent) && state.live.value?.phase === 'talking') typed(agentOf(agent))
  }
  /** The agent read up to message `upTo` (the stream's `read` event): the visitor's messages up to it are read. */
  const onRead = (upTo: string) => saveIf(typeof upTo === 'string' && markRead(state, upTo))
  const hooks = () => {
    const list = state.messages.value
    // Ids the inbox has, or that need no receipt: agent and bot messages, and the
    // visitor's delivered ones (one still in the outbox must come back to be marked).
    const seen = list.flatMap((m) => (m.sid && (m.from !== 'visitor' || m.ack) ? [m.sid] : []))
    return {
      seen,
      // Agent messages only came from the stream, so they are in the server's
      // order; the chat's own were shown before the server had them, maybe before
      // an agent's reply on its way: resuming after one of them could skip it.
      // Without an agent message: after the oldest one the inbox has (the saved
      // chat holds the newest 200; older ones must not come back as new).
      lastId: list.filter((m) => m.from === 'agent' && m.sid).at(-1)?.sid ?? seen[0],
      onMessage: receive,
      onStatus: setStatus,
      onTyping,
      onRead,
    }
  }
  const connection = signal<LiveConnection | undefined>(undefined)
  /** Read in a render or an effect, it follows both the connection and its state. */
  const status: { readonly value: LiveStatus | undefined } = {
    get value() {
      return connection.value?.status.value
    },
  }
  const stop =
    link &&
    effect(() => {
      const phase = state.live.value?.phase
      // Away too: an agent who comes online later and answers the message left is
      // seen at once, in this tab and the others, for one idle stream (a heartbeat every 25 s).
      const live = !!phase && phase !== 'closed'
      const open = connection.peek()
      if (live && !open) {
        // `data-api-url` as written; paths are appended after one `/`.
        const api = link.api.replace(/\/+$/, '')
        connection.value = createLiveConnection({
          api,
          token: link.token,
          ids: link.ids,
          ...hooks(),
        })
      } else if (!live && open) {
        open.close()
        connection.value = undefined
      }
    })
  /** Tells the agent the visitor is typing (at most every 3 s; nothing while not connected). */
  const visitorTyping = () => connection.peek()?.typing()
  /** The attach chunk (widget/attach/), loaded when the visitor first reaches for a file. */
  const attach = signal<Attach | undefined>(undefined)
  let attaching: Promise<Attach | undefined> | undefined
  /** Loads the attach chunk once; one E_LOAD line when it cannot load (the next use tries again). */
  const loadAttach = (l: LiveLink) =>
    (attaching ??= import('../attach').then(
      (m) =>
        (attach.value = m.createAttach(state, actions, {
          api: l.api.replace(/\/+$/, ''),
          token: l.token,
          ids: l.ids,
          kv: l.kv,
        })),
      () => {
        attaching = undefined
        report('E_LOAD', 'the attachments chunk could not load; the files were not sent', ASSETS)
        return undefined
      },
    ))
  /** Hands files to the attach chunk, loading it first (none: just load it). */
  const onFiles =
    link &&
    ((files: File[]) => {
      const loading = loadAttach(link)
      if (files.length) void loading.then((a) => a?.add(files))
    })
  // Files an earlier page of this visitor could not send yet: shown again, with Retry.
  void link?.kv?.get(filesKey(link.ids().uuid)).then(
    (kept) => kept && void loadAttach(link).then((a) => a?.restore(kept)),
    () => undefined,
  )
  const tray = {
    get value() {
      return attach.value?.Tray
    },
  }
  const csat = signal<Csat | undefined>(undefined)
  const rate = rating?.settings.enabled
    ? effect(() => {
        const live = state.live.value
        if (live?.phase === 'closed' && live.agent && !live.csat?.sent)
          import('../csat').then(
            (m) => {
              csat.value ??= m.createCsat(state, actions, rating)
              csat.value.ask()
            },
            // Not loaded: no rating this time; the next change of the live chat tries again.
            () => undefined,
          )
      })
    : undefined
  const ui: LiveUi = bindUi({
    typing,
    onType: visitorTyping,
    state,
    net: status,
    csat,
    onFiles,
    tray,
  })
  return {
    ui,
    /**
     * The state of the live stream's connection (stream.ts {@link LiveStatus}),
     * `undefined` while none is open; a render or an effect that reads it follows it.
     */
    status,
    receive,
    setAgent,
    setStatus,
    /**
     * The callbacks and resume point of the agent stream's connection
     * (`createLiveConnection` options, widget/live/stream.ts): messages to
     * {@link receive}, statuses to {@link setStatus}, a typing agent to
     * `onTyping` ("Sam is typing…"), read marks to `onRead` (core/receipts.ts);
     * `seen` are the inbox ids of the messages the chat knows the inbox has (an
     * agent's, another tab's, the visitor's delivered ones), `lastId` the newest
     * agent message's (else the oldest known one's): what follows it is fetched
     * again and only the messages not seen are shown.
     */
    hooks,
    /** The agent typing now ("Sam is typing…"), if any. */
    agentTyping: typing,
    /** Tells the agent the visitor is typing (at most every 3 s; nothing while not connected). */
    typing: visitorTyping,
    /** Closes the live stream and stops following the state. */
    dispose() {
      stop?.()
      rate?.()
      typed()
      attach.peek()?.dispose()
      connection.peek()?.close()
      connection.value = undefined
    },
  }
}

/** The live chat as returned by {@link createLive}. */
export type LiveChat = ReturnType<typeof createLive>
