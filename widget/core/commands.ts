/**
 * The host commands of `window.Reekolect(command, ...args)`. Each checks its
 * arguments: a bad call logs one `[Reekolect] E_ARGS` line and changes nothing.
 * Types: `Commands` in loader/protocol.ts.
 */
import type { Identity } from '../../loader/protocol'
import type { Actions } from './actions'
import type { Emitter } from './events'
import { type Lead, withAttribute, withTags } from './lead'
import { report } from './log'
import { isEmail } from './validate'

const isStr = (v: unknown): v is string => typeof v === 'string'
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr)

/** Attributes given as a record or as `{key, value}[]`, as pairs; `undefined` when malformed. */
function pairs(v: Identity['attributes'] | unknown): [string, string][] | undefined {
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

/** What the commands need besides state and actions. */
export interface CommandDeps {
  actions: Actions
  events: Emitter
  /** Starts a new visitor (new UUID), resets the conversation. */
  reset(): void
  /** Tears the widget down. */
  shutdown(): void
}

/** Builds the command table: name → handler taking the raw, unchecked arguments. */
export function createCommands({ actions, events, reset, shutdown }: CommandDeps) {
  const bad = (command: string, expected: string) => {
    report('E_ARGS', `Reekolect('${command}') got bad arguments`, `pass ${expected}`)
  }
  const lead = (command: string, ok: boolean, expected: string, change: (l: Lead) => Lead) =>
    ok ? actions.update(change) : bad(command, expected)

  return {
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
        (i.email === undefined || isEmail(i.email)) &&
        (i.phone === undefined || /^\d{4,17}$/.test(i.phone)) &&
        (i.dialCode === undefined || /^\+\d{1,4}$/.test(i.dialCode)) &&
        (i.tags === undefined || isStrings(i.tags)) &&
        !!attrs
      lead(
        'identify',
        ok,
        '{name?, email?, phone? (digits), dialCode? ("+44"), tags?: string[], attributes?}',
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
      lead('addTags', isStrings(tags), 'an array of strings', (l) => withTags(l, tags as string[])),
    removeTags: (tags?: unknown) =>
      lead('removeTags', isStrings(tags), 'an array of strings', (l) =>
        withTags(l, [], tags as string[]),
      ),
    setAttributes(a?: unknown) {
      const p = pairs(a)
      lead('setAttributes', !!p, 'a record of strings or {key, value}[]', (l) =>
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
    reset: () => reset(),
    shutdown: () => shutdown(),
  } satisfies Record<string, (...args: unknown[]) => void>
}
