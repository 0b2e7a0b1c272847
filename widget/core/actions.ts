/**
 * Actions: the only writers of {@link State}. The UI calls them with what the
 * visitor did; they run the chat flow, update the lead, persist the conversation
 * and hand lead snapshots to the outbox. I/O errors never reach the UI.
 */
import { batch } from '@preact/signals-core'
import { type Answer, type AskNode, applyAnswer, type Choice, type Flow, walk } from './flow'
import { emptyLead, type Lead, type LeadIds, leadPayload, toJson } from './lead'
import { MAX_MESSAGES, type Message, type State } from './state'
import type { Kv } from './storage'
import { check } from './validate'

/** What the actions need from the outside world. */
export interface ActionDeps {
  flow: Flow
  kv: Kv
  /** The three ids of the lead; `uuid` is read on each call (it changes on reset). */
  ids(): LeadIds
  /** Stores and sends a lead snapshot (the outbox's `put`). */
  sync(payload: ReturnType<typeof leadPayload>): Promise<void>
  /** Validates a phone number of `country`; loads libphonenumber-js lazily. */
  phone(raw: string, country: string): Promise<{ phone: string; dialCode: string } | undefined>
  /** Clock, epoch ms. Default `Date.now`. */
  now?(): number
}

/** The conversation as persisted per visitor UUID, key `chat:<uuid>`. */
export interface SavedChat {
  v: 1
  messages: Message[]
  ask?: string
  lead: Lead
  open: boolean
}

/** Creates the actions bound to one state. */
export function createActions(state: State, deps: ActionDeps) {
  const now = deps.now ?? Date.now
  const key = () => `chat:${deps.ids().uuid}`
  let started = false
  let synced = ''

  const save = () => {
    const saved: SavedChat = {
      v: 1,
      messages: state.messages.value,
      ask: state.ask.value?.id,
      lead: state.lead.value,
      open: state.open.value,
    }
    return deps.kv.set(key(), saved)
  }

  const push = (from: Message['from'], texts: string[]) => {
    if (!texts.length) return
    const list = state.messages.value
    let id = list[list.length - 1]?.id ?? 0
    const added = texts.map((text) => ({ id: ++id, from, text, at: now() }))
    state.messages.value = [...list, ...added].slice(-MAX_MESSAGES)
    if (from === 'bot' && !state.open.value) state.unread.value += added.length
  }

  /** Sends the lead when it changed since the last snapshot (or `force` for the first one). */
  const sync = (force = false) => {
    const payload = leadPayload(deps.ids(), state.lead.value)
    const json = toJson(payload)
    if (json === synced && !force) return
    synced = json
    void deps.sync(payload)
  }

  const run = (id: string | undefined) => {
    const step = walk(deps.flow, id, state.lead.value)
    batch(() => {
      push('bot', step.say)
      state.lead.value = step.lead
      state.ask.value = step.ask
    })
  }

  const answer = (node: AskNode, a: Answer) => {
    const { lead, next } = applyAnswer(deps.flow, node, a, state.lead.value)
    batch(() => {
      state.error.value = undefined
      push('visitor', [a.text])
      state.lead.value = lead
      run(next)
    })
    sync()
    void save()
  }

  const actions = {
    /**
     * Restores the visitor's saved conversation, or starts the chat flow and
     * creates the chat on the platform (an ids-only PUT: a non-lead chat).
     * Runs once; later calls do nothing.
     */
    async start(): Promise<void> {
      if (started) return
      started = true
      const saved = await deps.kv.get<SavedChat>(key())
      if (saved?.v === 1) {
        batch(() => {
          state.messages.value = saved.messages.slice(-MAX_MESSAGES)
          state.lead.value = saved.lead
          state.ask.value = deps.flow.nodes.find(
            (n): n is AskNode => n.id === saved.ask && n.type === 'ask',
          )
        })
        synced = toJson(leadPayload(deps.ids(), saved.lead))
        return
      }
      run(deps.flow.nodes[0]?.id)
      sync(true)
      await save()
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
        const r = await check(node, raw, (text) => deps.phone(text, country))
        if (state.ask.value !== node) return false
        if (!r.ok) {
          state.error.value = { key: r.error, ...(r.vars ? { vars: r.vars } : {}) }
          return false
        }
        answer(node, r.answer)
        return true
      } finally {
        state.busy.value = false
      }
    },
    /** Changes the lead outside the flow (the host's `identify`, `addTags`…), then syncs and saves. */
    update(change: (lead: Lead) => Lead) {
      state.lead.value = change(state.lead.value)
      sync()
      void save()
    },
    /**
     * Forgets the conversation of the current visitor (its saved chat is deleted;
     * a pending lead snapshot stays in the outbox and is still delivered) and starts
     * over. The caller switches the UUID first.
     */
    async reset(previousUuid: string): Promise<void> {
      await deps.kv.del(`chat:${previousUuid}`)
      batch(() => {
        state.messages.value = []
        state.lead.value = emptyLead()
        state.ask.value = undefined
        state.error.value = undefined
        state.unread.value = 0
      })
      started = false
      synced = ''
      if (state.open.value) await actions.start()
    },
    /** Answers the waiting choice question with one of its options. */
    choose(choice: Choice) {
      const node = state.ask.value
      if (!node?.options?.includes(choice)) return
      answer(node, { text: choice.label, value: choice.value ?? choice.label, choice })
    },
  }
  return actions
}

/** The actions as returned by {@link createActions}. */
export type Actions = ReturnType<typeof createActions>
