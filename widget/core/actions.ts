/**
 * Actions: the only writers of {@link State}. The UI calls them with what the
 * visitor did; they run the chat flow, update the lead, persist the conversation
 * and hand lead snapshots to the outbox. I/O errors never reach the UI.
 */
import { batch } from '@preact/signals-core'
import { report } from '../../loader/log'
import { BACK_KEY } from '../../loader/protocol'
import {
  type Answer,
  type AskNode,
  type Choice,
  coreEngine,
  type Engine,
  type Graph,
  type HandoffNode,
  known,
  nextId,
  type Say,
  type WaitNode,
  type WebhookNode,
} from './flow'
import { changes, emptyLead, fieldsOf, type Lead, type LeadIds, STATUSES } from './lead'
import type { LeadChange } from './outbox'
import { DAY, RETENTION_DAYS } from './retention'
import { type Agent, type Live, MAX_MESSAGES, MAX_SAVED, type Message, type State } from './state'
import type { Kv } from './storage'
import { type Checked, check } from './validate'

/**
 * What a configured bot adds to the core (`widget/rich/`): the node types the core
 * does not run, answer checks for the inputs it does not know (number, date,
 * multiple choice, rating) and email extras, and external API calls.
 */
export interface ActionExtension extends Engine {
  /** Checks an answer; `undefined` leaves it to the core's {@link check}. */
  check(node: WaitNode, raw: string): Promise<Checked> | undefined
  /** Runs a webhook node; resolves with the new lead and where to continue. Never rejects. */
  call(node: WebhookNode, lead: Lead): Promise<{ lead: Lead; next: string | undefined }>
  /**
   * Takes `text` as a free question when the bot answers those now (widget/rich/free.tsx);
   * `t` is the chat's translator. Returns whether it did; never throws.
   */
  free?(text: string, actions: Actions, state: State, t?: (key: string) => string): boolean
}

/** What the actions need from the outside world. */
export interface ActionDeps {
  /** The bot's flows: the built-in flow, or those of its configuration document. */
  graph: Graph
  /** A configured bot's engine; default {@link coreEngine}. */
  ext?: ActionExtension | undefined
  kv: Kv
  /** The three ids of the lead; `uuid` is read on each call (it changes on reset). */
  ids(): LeadIds
  /** Stores and sends a change of the lead (the outbox's `put`). */
  sync(change: LeadChange): Promise<void>
  /** Validates a phone number of `country`; loads libphonenumber-js lazily. */
  phone(raw: string, country: string): Promise<{ phone: string; dialCode: string } | undefined>
  /** Clock, epoch ms. Default `Date.now`. */
  now?(): number
  /**
   * Retention (ms): a saved conversation unchanged for longer is not resumed (the
   * chat starts over) and is removed. Default `RETENTION_DAYS` days (retention.ts).
   */
  keep?: number
  /**
   * Whether the visitor's UUID is new on this page: true when the tab's
   * `sessionStorage` holds none yet, so nothing can be saved under it. Asked by
   * {@link createActions}' `start`, before it first reads the UUID (which creates
   * one); true runs the chat flow at once instead of first reading storage
   * (IndexedDB's first open and read cost the first open 20–60 ms at 1×: `npm run
   * bench`, open warm). Default: false, read first.
   */
  fresh?(): boolean
  /** The visitor's catalogue (i18n.ts): the default hand-off message, the free questions' strings. Default: none said. */
  t?(key: string): string
  /**
   * Asks for a person (the transcript outbox's `handoff`, after the messages said
   * so far) and loads the live chat; `team` is the hand-off node's. Called once per
   * hand-off, after the hand-off message is in the transcript.
   */
  handoff?(team?: string): void
}

/** The storage key of a visitor's saved conversation ({@link SavedChat}). */
export const chatKey = (uuid: string) => `chat:${uuid}`

/** The conversation as persisted per visitor UUID, key `chat:<uuid>` ({@link chatKey}). */
export interface SavedChat {
  v: 1
  /** When it was saved, ms since the epoch; absent in records of versions before it (sweep.ts lastChange). */
  at?: number
  /** The newest {@link MAX_SAVED} messages. */
  messages: Message[]
  /** Id of the node the chat resumes at: the waiting node, or a webhook call in flight. */
  ask?: string
  lead: Lead
  open: boolean
  /** Live mode after a hand-off (state.ts {@link Live}). */
  live?: Live
}

/** Whether nothing is known about the visitor yet. */
const isBlank = (l: Lead): boolean =>
  !l.name && !l.email && !l.phone && !l.tags.length && !l.attributes.length && !l.notes.length

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object'
const isStr = (v: unknown): v is string => typeof v === 'string'
const strings = (v: unknown) => Array.isArray(v) && v.every(isStr)
const pairs = (v: unknown, a: string, b: string) =>
  Array.isArray(v) && v.every((x) => isObj(x) && isStr(x[a]) && isStr(x[b]))
const opt = (v: unknown) => v === undefined || isStr(v)
/** An {@link Agent}: a name, and optional id and picture strings. */
const isAgent = (a: unknown): a is Agent => isObj(a) && isStr(a.name) && opt(a.id) && opt(a.picture)

/**
 * A stored conversation, checked: `undefined` when there is none, or (with one
 * `W_SAVED_CHAT` line) when it is not a {@link SavedChat} of version 1, as an older
 * version's or a corrupted write would be. The chat then starts over.
 */
export function savedChat(x: unknown): SavedChat | undefined {
  if (x === undefined) return undefined
  const l = isObj(x) ? x.lead : undefined
  const ok =
    isObj(x) &&
    x.v === 1 &&
    Array.isArray(x.messages) &&
    x.messages.every(
      (m) =>
        isObj(m) &&
        typeof m.id === 'number' &&
        (m.from === 'bot' || m.from === 'visitor' || (m.from === 'agent' && isAgent(m.agent))) &&
        isStr(m.text) &&
        typeof m.at === 'number' &&
        opt(m.sid) &&
        (m.keys === undefined || strings(m.keys)),
    ) &&
    (x.live === undefined ||
      (isObj(x.live) &&
        ['waiting', 'away', 'talking', 'closed'].includes(x.live.phase as string) &&
        opt(x.live.team) &&
        (x.live.agent === undefined || isAgent(x.live.agent)))) &&
    (x.ask === undefined || isStr(x.ask)) &&
    (x.at === undefined || typeof x.at === 'number') &&
    isObj(l) &&
    ['name', 'email', 'phone', 'dialCode'].every((k) => l[k] === undefined || isStr(l[k])) &&
    (l.status === undefined || (STATUSES as readonly unknown[]).includes(l.status)) &&
    strings(l.tags) &&
    pairs(l.attributes, 'key', 'value') &&
    pairs(l.notes, 'title', 'description')
  if (ok) return x as unknown as SavedChat
  report(
    'W_SAVED_CHAT',
    'the saved conversation had an unexpected shape and was discarded',
    'nothing to do: the chat starts over',
  )
  return undefined
}

/** Creates the actions bound to one state. */
export function createActions(state: State, deps: ActionDeps) {
  const now = deps.now ?? Date.now
  const keep = deps.keep ?? RETENTION_DAYS * DAY
  const key = () => chatKey(deps.ids().uuid)
  let g = deps.graph
  const engine: Engine = deps.ext ?? coreEngine
  let starting: Promise<boolean> | undefined
  /** The lead as last handed to the outbox; `undefined` before the chat starts. */
  let synced: Lead | undefined
  /** The email address last refused with a "did you mean" suggestion: sent again, it is taken. */
  let warned = ''
  /** The webhook node being called, if any (persisted as the resume point). */
  let calling: WebhookNode | undefined

  const save = () => {
    const saved: SavedChat = {
      v: 1,
      at: now(),
      messages: state.messages.value.slice(-MAX_SAVED),
      ask: (state.ask.value ?? calling)?.id,
      lead: state.lead.value,
      open: state.open.value,
      ...(state.live.value ? { live: state.live.value } : {}),
    }
    return deps.kv.set(key(), saved)
  }

  const push = (from: Message['from'], says: (Say & { keys?: string[] })[]) => {
    if (!says.length) return
    const list = state.messages.value
    let id = list[list.length - 1]?.id ?? 0
    const added = says.map((s) => ({ id: ++id, from, at: now(), ...s }))
    state.messages.value = [...list, ...added].slice(-MAX_MESSAGES)
    if (from === 'bot' && !state.open.value) state.unread.value += added.length
  }

  /**
   * Enters live mode (after a hand-off node, or the host's `handoff` command): says
   * the default message unless the node said its own, then asks for a person once
   * the batch has put the message into the transcript. Nothing while a hand-off is
   * already waiting or talking.
   */
  const handoff = (node?: HandoffNode) => {
    const live = state.live.value
    if (live && live.phase !== 'closed') return
    const text = node?.message ? '' : deps.t?.('handoff')
    if (text) push('bot', [{ text }])
    state.live.value = node?.team ? { phase: 'waiting', team: node.team } : { phase: 'waiting' }
    queueMicrotask(() => deps.handoff?.(node?.team))
  }

  /**
   * Hands the outbox the fields changed since the last call, with the edit time and
   * this tab's whole lead (see `LeadChange`). Nothing when nothing changed, unless
   * `force` (the chat's first, ids-only PUT).
   */
  const sync = (force = false) => {
    const lead = state.lead.value
    const set = changes(synced ?? emptyLead(), lead)
    if (!force && !Object.keys(set).length) return
    synced = lead
    void deps.sync({ ids: deps.ids(), set, at: now(), base: fieldsOf(lead) })
  }

  const run = (id: string | undefined) => {
    const step = engine.walk(g, id, state.lead.value)
    batch(() => {
      push('bot', step.say)
      state.lead.value = step.lead
      state.ask.value = step.ask
      if (step.handoff) handoff(step.handoff)
    })
    if (step.call) void callOut(step.call)
  }

  /** Runs a webhook node, then walks on from its outcome (success or failure branch). */
  const callOut = async (node: WebhookNode) => {
    calling = node
    state.busy.value = true
    const r = await deps.ext?.call(node, state.lead.value)
    if (calling !== node) return
    // One batch (in go): no moment where nothing waits and nothing runs (that reads as the end).
    go(r?.next, undefined, r?.lead)
  }

  /**
   * Leaves any waiting node and continues the flow at `id` (nothing more is said
   * for `undefined`), after adding `said` as the visitor's message and taking `lead`
   * when given; then syncs and saves. Answers, webhook outcomes, startFlow and
   * sendMessage all go through here.
   */
  const go = (id: string | undefined, said?: string, lead?: Lead) => {
    calling = undefined
    batch(() => {
      state.busy.value = false
      state.error.value = undefined
      // The answer's message names the lead fields it set: the chat flags it if one is too large to send.
      const keys = lead ? Object.keys(changes(state.lead.value, lead)) : []
      if (said) push('visitor', [{ text: said, ...(keys.length ? { keys } : {}) }])
      if (lead) state.lead.value = lead
      run(id)
    })
    sync()
    void save()
  }

  const answer = (node: WaitNode, a: Answer) => {
    const { lead, next } = engine.applyAnswer(g, node, a, state.lead.value)
    go(next, a.text, lead)
  }

  const actions = {
    /**
     * Restores the visitor's saved conversation, or starts the chat flow (at node
     * `at`, default the start flow) and creates the chat on the platform (an
     * ids-only PUT: a non-lead chat). Runs once; later calls return the same promise.
     * @returns whether this call started a fresh chat at `at`.
     */
    start(at?: string): Promise<boolean> {
      starting ??= (async () => {
        // A fresh UUID skips the read: the first bot message shows in the same frame as the window.
        // No chat saved under the UUID: a returning visitor's lead, if an earlier tab session left one.
        let saved = deps.fresh?.()
          ? undefined
          : savedChat(
              (await deps.kv.get(key())) ?? (await deps.kv.get(BACK_KEY + deps.ids().botId)),
            )
        // Unchanged for longer than the retention (a record of an older version
        // without `at`: since its newest message): forgotten, as the sweep would.
        if (saved && now() - (saved.at ?? saved.messages.at(-1)?.at ?? now()) > keep)
          saved = undefined
        // A saved chat without messages holds only what the host set before the
        // first open (identify, addTags…): the flow starts, with that lead.
        if (saved?.messages.length) {
          const node = saved.ask ? g.node.get(saved.ask) : undefined
          batch(() => {
            state.messages.value = saved.messages.slice(-MAX_MESSAGES)
            state.lead.value = saved.lead
            state.ask.value = node?.type === 'webhook' ? undefined : (node as WaitNode | undefined)
            state.busy.value = node?.type === 'webhook'
            state.live.value = saved.live
          })
          synced = saved.lead
          // A call cut short by the reload runs again (webhooks must be idempotent: docs/configuration.md, "Node types").
          if (node?.type === 'webhook') void callOut(node)
          return false
        }
        if (saved?.v === 1 && saved.lead && isBlank(state.lead.value)) state.lead.value = saved.lead
        run(at ?? g.start)
        sync(true)
        await save()
        return !!at
      })()
      return starting
    },
    /** Opens the chat window, clears the unread count, starts the flow on first open. */
    open() {
      batch(() => {
        state.open.value = true
        state.unread.value = 0
      })
      void actions.start().then(save)
    },
    /** Closes the chat window. */
    close() {
      state.open.value = false
      void save()
    },
    /** Opens a closed chat, closes an open one. */
    toggle() {
      state.open.value ? actions.close() : actions.open()
    },
    /**
     * Answers the waiting question with typed text. On invalid input sets
     * `state.error` (shown inline) and keeps the question. `country` (ISO 3166-1
     * alpha-2) is the dial-code choice for phone questions.
     * @returns whether the answer was accepted (the UI clears its input then).
     */
    async submit(raw: string, country = 'US'): Promise<boolean> {
      const node = state.ask.value
      if (!node || state.busy.value) return false
      state.busy.value = true
      try {
        const r = await (deps.ext?.check(node, raw) ??
          check(node as AskNode, raw, (text) => deps.phone(text, country), warned))
        if (!r.ok && r.suggest) warned = raw.trim().toLowerCase()
        if (state.ask.value !== node) return false
        if (!r.ok) {
          const { error: key, vars, suggest } = r
          state.error.value = { key, ...(vars ? { vars } : {}), ...(suggest ? { suggest } : {}) }
          return false
        }
        answer(node, r.answer)
        return true
      } finally {
        // A webhook call started by this answer keeps the chat busy until it answers.
        if (!calling) state.busy.value = false
      }
    },
    /** {@link go}: continues the flow at node `id` (startFlow and sendMessage, commands chunk). */
    go: (id: string | undefined, said?: string) => go(id, said),
    /** A free question ({@link ActionExtension.free}: the box, `sendMessage`); whether the bot took it. */
    free: (text: string): boolean => !!deps.ext?.free?.(text, actions, state, deps.t),
    /**
     * Changes the lead outside the flow (the host's `identify`, `addTags`…), then
     * syncs and saves. Before the chat starts this only merges into the lead, which
     * the flow then starts with (questions it answers are not asked). A waiting
     * `name`/`email`/`phone` question the change answers is passed over.
     */
    update(change: (lead: Lead) => Lead) {
      state.lead.value = change(state.lead.value)
      const node = state.ask.value
      if (node && !state.busy.value && known(node, state.lead.value)) go(nextId(g, node))
      else {
        sync()
        void save()
      }
    },
    /**
     * Forgets the conversation of the current visitor (its saved chat is deleted;
     * a pending lead snapshot stays in the outbox and is still delivered) and starts
     * over. The caller switches the UUID first.
     */
    async reset(previousUuid: string): Promise<void> {
      await deps.kv.del(chatKey(previousUuid))
      batch(() => {
        state.messages.value = []
        state.lead.value = emptyLead()
        state.ask.value = undefined
        state.error.value = undefined
        state.unread.value = 0
        state.live.value = undefined
      })
      calling = undefined
      starting = undefined
      synced = undefined
      if (state.open.value) await actions.start()
    },
    /**
     * Hands the conversation to a person outside the flow (`Reekolect('handoff')`):
     * the flow stops waiting, the bot says the hand-off message, and the chat turns
     * live. Nothing while a hand-off is already under way.
     */
    handoff() {
      batch(() => {
        state.ask.value = undefined
        handoff()
      })
      void save()
    },
    /** Persists the conversation now (the live chunk, after an agent's message). Never rejects. */
    save: () => save().catch(() => undefined),
    /** The bot's flows, indexed. */
    graph: () => g,
    /** The lead's ids (the UUID is read on each call: it changes on reset). */
    ids: deps.ids,
    /**
     * Replaces the flows (the built-in flow in another language: `setLocale`); the
     * waiting question becomes the node of the same id in the new flows.
     */
    setGraph(next: Graph) {
      g = next
      const at = state.ask.value && g.node.get(state.ask.value.id)
      state.ask.value = at as WaitNode | undefined
    },
    /** The reply buttons of the waiting node ({@link Engine.choices}); empty when none waits. */
    choices: (): Choice[] => (state.ask.value ? engine.choices(g, state.ask.value) : []),
    /** Answers the waiting node with one of its reply buttons ({@link Engine.choices}). */
    choose(choice: Choice) {
      const node = state.ask.value
      // Matched by label: a menu's buttons are built anew on each call.
      const c = node && engine.choices(g, node).find((o) => o.label === choice.label)
      if (c) answer(node, { text: c.label, value: c.value ?? c.label, choice: c })
    },
    /** Answers the waiting node with a prepared answer (skip, multiple choice, rating: `widget/rich/`). */
    answer(a: Answer) {
      const node = state.ask.value
      if (node) answer(node, a)
    },
  }
  return actions
}

/** The actions as returned by {@link createActions}. */
export type Actions = ReturnType<typeof createActions>
