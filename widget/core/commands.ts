/**
 * The host commands of `window.Reekolect(command, ...args)`. Each checks its
 * arguments: a bad call logs one `[Reekolect] E_ARGS` line and changes nothing.
 * Types: `Commands` in loader/protocol.ts.
 */
import { effect } from '@preact/signals-core'
import { report } from '../../loader/log'
import { type CommandTable, type Identity, TEASER_MAX_LENGTH } from '../../loader/protocol'
import { forgetBack } from '../more/back'
import { createShowMessage } from '../teaser/chat'
import type { Actions } from './actions'
import { offersPerson as isOffer } from './end'
import { createEmitter } from './events'
import type { WaitNode } from './flow'
import { type Lead, type LeadIds, leadPayload, toJson, withAttribute, withTags } from './lead'
import {
  isPending,
  MAX_BODY,
  OUTBOX_KEY,
  type OutboxEvents,
  type OutboxRecord,
  SCHEMA,
} from './outbox'
import type { Message, State } from './state'
import type { Kv } from './storage'
import { isEmail, MAX_LENGTH } from './validate'

/**
 * Limits of what the host may set with `identify`, `addTags` and `setAttributes`
 * (docs/javascript-api.md, "Commands"): a call over any of them is refused whole. Names and
 * emails share {@link MAX_LENGTH} (validate.ts) with the composer; phone numbers are 4 to 17
 * digits. Here, not in validate.ts: only host commands check them, so the chat
 * window chunk does not carry them.
 */
export const HOST_LIMITS = {
  /** Most tags on one lead. */
  tags: 100,
  /** Longest tag, in characters. */
  tag: 100,
  /** Most attributes on one lead. */
  attributes: 100,
  /** Longest attribute key, in characters. */
  key: 100,
  /** Longest attribute value, in characters (as a typed text answer). */
  value: MAX_LENGTH.text,
} as const

const isStr = (v: unknown): v is string => typeof v === 'string'
/** Tags as the host may pass them: at most {@link HOST_LIMITS}`.tags` strings of at most `.tag` characters. */
const isTags = (v: unknown): v is string[] =>
  Array.isArray(v) &&
  v.length <= HOST_LIMITS.tags &&
  v.every((t) => isStr(t) && t.length <= HOST_LIMITS.tag)

/**
 * Why the lead after a host command breaks a limit ({@link HOST_LIMITS}, the
 * {@link MAX_BODY} of its PUT body), or `undefined` when it is fine.
 */
function overLimit(lead: Lead, ids: () => LeadIds) {
  if (lead.tags.length > HOST_LIMITS.tags) return `more than ${HOST_LIMITS.tags} tags`
  if (lead.attributes.length > HOST_LIMITS.attributes)
    return `more than ${HOST_LIMITS.attributes} attributes`
  const bytes = new TextEncoder().encode(toJson(leadPayload(ids(), lead))).length
  return bytes > MAX_BODY ? `a lead of ${bytes} bytes (at most ${MAX_BODY})` : undefined
}

/** Attributes given as a record or as `{key, value}[]`, as pairs; `undefined` when malformed. */
function pairs(v: Identity['attributes'] | unknown): [string, string][] | undefined {
  const p = rawPairs(v)
  return p &&
    p.length <= HOST_LIMITS.attributes &&
    p.every(([k, x]) => k && k.length <= HOST_LIMITS.key && x.length <= HOST_LIMITS.value)
    ? p
    : undefined
}

function rawPairs(v: Identity['attributes'] | unknown): [string, string][] | undefined {
  if (Array.isArray(v)) {
    return v.every((a) => a && isStr(a.key) && isStr(a.value))
      ? v.map((a: { key: string; value: string }) => [a.key, a.value])
      : undefined
  }
  if (v && typeof v === 'object') {
    // Own keys only: `__proto__` and `constructor` from a crafted object are data, not prototype changes.
    const entries = Object.entries(v as Record<string, unknown>).filter(
      ([k]) => k !== '__proto__' && k !== 'constructor',
    )
    return entries.every(([, x]) => isStr(x)) ? (entries as [string, string][]) : undefined
  }
  return undefined
}

const TAGS = `an array of at most ${HOST_LIMITS.tags} strings of at most ${HOST_LIMITS.tag} characters`
const ATTRS = `a record of strings or {key, value}[] (at most ${HOST_LIMITS.attributes}, keys ≤ ${HOST_LIMITS.key} and values ≤ ${HOST_LIMITS.value} characters)`

/**
 * `reset`'s clean-up: removes the lead outbox's record of visitor `uuid` (each
 * field's value and edit time) when all of it was delivered. A record with a
 * version still waiting stays, so that the lead is never lost; once delivered it
 * is removed after the retention (retention.ts). Also forgets the returning
 * visitor of bot `botId` and `uuid`'s previous conversations (widget/more/back.ts `forgetBack`),
 * so that the next visitor of this browser is not welcomed back as this one.
 * Resolves once stored; never rejects.
 */
export async function forgetDelivered(kv: Kv, uuid: string, botId = ''): Promise<void> {
  await Promise.all([
    forgetBack(kv, uuid, botId),
    kv
      .update<Record<string, OutboxRecord> | undefined>(OUTBOX_KEY, (all) => {
        const r = all?.[uuid]
        if (r?.s === SCHEMA && !isPending(r)) delete all?.[uuid]
        return all
      })
      .catch(() => undefined),
  ])
}

/** What the commands need besides state and actions. */
export interface CommandDeps {
  actions: Actions
  state: State
  /** The outbox's event hooks: `synced` and `error` are set here. */
  relay: OutboxEvents
  /** The visitor's UUID (changes on reset). */
  uuid(): string
  /** Switches the chat window's language (catalogue, and the built-in flow's questions). */
  setLocale(locale: string): Promise<void>
  /** Starts a new visitor (new UUID), resets the conversation. */
  reset(): void
  /** Tears the widget down. */
  shutdown(): void
  /** The loader's shadow root, where `showMessage`'s teaser shows beside the launcher. */
  root: ShadowRoot
  /** The chat's current locale (BCP 47; `setLocale` changes it). */
  locale(): string
  /**
   * Id of the newest transcript entry when the host made the call that loaded
   * this chunk: entries after it are `message` events, also those added while the
   * chunk was loading. Default: the newest entry now.
   */
  since?: number
}

/**
 * Builds the command table (name → handler taking the raw, unchecked arguments) and
 * starts the host events: `ready` (sticky) at once, then `open`, `close`, `unread`,
 * `message`, `flow:end`, `lead:synced`, `lead:error` as they happen. `dispose`
 * stops the events and drops every listener.
 */
export function createCommands({
  actions,
  state,
  relay,
  uuid,
  setLocale,
  reset,
  shutdown,
  since,
  root,
  locale,
}: CommandDeps) {
  const events = createEmitter()
  const teaser = createShowMessage({ state, actions, root, locale })
  relay.synced = (p) => events.emit('lead:synced', { uuid: p.uuid })
  relay.error = (code, status) => events.emit('lead:error', { code, status })
  const offersPerson = (node: WaitNode) => isOffer(actions.graph(), node)
  // Each effect's first run only records the current state: events are changes.
  let live = false
  const first = state.ask.peek()
  let ended = (!first || offersPerson(first)) && state.messages.peek().length > 0
  let lastId = since ?? state.messages.peek().at(-1)?.id ?? 0
  let endTimer: ReturnType<typeof setTimeout> | undefined
  /** `message` events for the entries after `lastId`; an answer still streaming in waits until it is complete. */
  const tellMessages = (list: readonly Message[]) => {
    for (const m of list) {
      if (m.id <= lastId || (m.pending && m === list.at(-1))) continue
      events.emit('message', { from: m.from, text: m.text, at: m.at })
      lastId = m.id
    }
  }
  const effects = [
    effect(() => {
      const open = state.open.value
      if (live) events.emit(open ? 'open' : 'close', undefined)
    }),
    effect(() => {
      const count = state.unread.value
      if (live) events.emit('unread', { count })
    }),
    effect(() => {
      const list = state.messages.value
      if (live) tellMessages(list)
    }),
    effect(() => {
      const ask = state.ask.value
      // A free question's steps (`_faq…` nodes, widget/answers/) leave the end as it was.
      if (ask?.id.startsWith('_faq')) return
      const now =
        (!ask || offersPerson(ask)) && !state.busy.value && state.messages.value.length > 0
      // Once per end: later messages (sendMessage after the end) do not end it again.
      // In a task of its own, after the render of this change (Preact renders in a
      // microtask), so a listener finds the visitor's last answer and the closing
      // message in the transcript, after their `message` events.
      if (live && now && !ended) {
        endTimer = setTimeout(() => {
          const at = state.ask.peek()
          if (!at || offersPerson(at)) events.emit('flow:end', undefined)
        })
      }
      ended = now
    }),
  ]
  live = true
  events.emit('ready', { uuid: uuid() })
  // Entries added since the call that loaded this chunk: after that call has run
  // (a listener it adds hears them), in a task of their own.
  const backlog = setTimeout(() => tellMessages(state.messages.peek()))
  const dispose = () => {
    teaser.dispose()
    clearTimeout(endTimer)
    clearTimeout(backlog)
    for (const stop of effects) stop()
    events.clear()
    relay.synced = relay.error = undefined
  }

  const bad = (command: string, expected: string) => {
    report('E_ARGS', `Reekolect('${command}') got bad arguments`, `pass ${expected}`)
  }
  /**
   * Applies a host's lead change, or refuses it whole: bad arguments, or a lead
   * that would break a limit afterwards (`identify` on every keystroke of a huge
   * form must not park a visitor's lead for good).
   */
  const lead = (command: string, ok: boolean, expected: string, change: (l: Lead) => Lead) => {
    if (!ok) return bad(command, expected)
    const over = overLimit(change(state.lead.peek()), actions.ids)
    if (over)
      return report(
        'E_ARGS',
        `Reekolect('${command}') would make ${over}`,
        'send less; nothing changed',
      )
    actions.update(change)
  }

  const commands = {
    open: () => actions.open(),
    close: () => actions.close(),
    toggle: () => actions.toggle(),
    identify(id?: unknown) {
      const i = (id ?? undefined) as Identity | undefined
      const attrs = i?.attributes === undefined ? [] : pairs(i.attributes)
      const ok =
        !!i &&
        typeof i === 'object' &&
        ['name', 'email', 'phone', 'dialCode'].every((k) => {
          const v = (i as Record<string, unknown>)[k]
          return v === undefined || isStr(v)
        }) &&
        (i.name === undefined || (!!i.name.trim() && i.name.length <= MAX_LENGTH.name)) &&
        (i.email === undefined || (i.email.length <= MAX_LENGTH.email && isEmail(i.email))) &&
        (i.phone === undefined || /^\d{4,17}$/.test(i.phone)) &&
        (i.dialCode === undefined || /^\+\d{1,4}$/.test(i.dialCode)) &&
        (i.tags === undefined || isTags(i.tags)) &&
        !!attrs
      lead(
        'identify',
        ok,
        `{name? (≤ ${MAX_LENGTH.name} characters), email?, phone? (digits), dialCode? ("+44"), tags?: ${TAGS}, attributes?: ${ATTRS}}`,
        (l) => {
          let next: Lead = { ...l }
          for (const k of ['name', 'email', 'phone', 'dialCode'] as const) {
            const v = i?.[k]
            if (v !== undefined) next[k] = k === 'email' ? v.toLowerCase() : v
          }
          next = withTags(next, i?.tags)
          for (const [k, v] of attrs ?? []) next = withAttribute(next, k, v)
          return next
        },
      )
    },
    addTags: (tags?: unknown) =>
      lead('addTags', isTags(tags), TAGS, (l) => withTags(l, tags as string[])),
    removeTags: (tags?: unknown) =>
      lead('removeTags', isTags(tags), TAGS, (l) => withTags(l, [], tags as string[])),
    setAttributes(a?: unknown) {
      const p = pairs(a)
      lead('setAttributes', !!p, ATTRS, (l) =>
        (p ?? []).reduce((x, [k, v]) => withAttribute(x, k, v), l),
      )
    },
    on(event?: unknown, fn?: unknown) {
      if (isStr(event) && typeof fn === 'function') events.on(event, fn as () => void)
      else bad('on', 'an event name and a function')
    },
    off(event?: unknown, fn?: unknown) {
      if (isStr(event) && typeof fn === 'function') events.off(event, fn as () => void)
      else bad('off', 'an event name and a function')
    },
    startFlow(id?: unknown) {
      const first = isStr(id) ? actions.graph().flows.find((f) => f.id === id)?.nodes[0] : undefined
      if (!first) return bad('startFlow', 'the id of a flow of the bot configuration document')
      // A fresh chat starts right there; a going one jumps to it.
      void actions.start(first.id).then((fresh) => fresh || actions.go(first.id))
      actions.open()
    },
    sendMessage(text?: unknown) {
      if (!isStr(text) || !text.trim() || text.length > MAX_LENGTH.text)
        return bad('sendMessage', `a non-empty string of at most ${MAX_LENGTH.text} characters`)
      // The chat starts first (or is restored), so the text answers its question, or
      // is a free question when the bot answers those now.
      void actions.start().then(() => {
        if (actions.free(text)) return
        if (state.ask.value) void actions.submit(text)
        else actions.go(undefined, text)
      })
    },
    showMessage(text?: unknown, options?: unknown) {
      const open = (options as { open?: unknown } | undefined)?.open
      if (
        !isStr(text) ||
        !text.trim() ||
        text.length > TEASER_MAX_LENGTH ||
        (options !== undefined && (typeof options !== 'object' || !options)) ||
        (open !== undefined && typeof open !== 'boolean')
      )
        return bad(
          'showMessage',
          `a non-empty string of at most ${TEASER_MAX_LENGTH} characters (plain text), and optionally {open: true}`,
        )
      teaser.showMessage(text.trim(), !!open)
    },
    setLocale(locale?: unknown) {
      let ok = false
      try {
        ok = isStr(locale) && !!new Intl.Locale(locale)
      } catch {
        /* not a BCP 47 tag */
      }
      if (ok) void setLocale(locale as string)
      else bad('setLocale', 'a BCP 47 language tag such as "fr" or "pt-BR"')
    },
    handoff() {
      void actions.start().then(actions.handoff)
      actions.open()
    },
    reset: () => reset(),
    shutdown: () => shutdown(),
  } satisfies CommandTable
  return { commands, dispose }
}
