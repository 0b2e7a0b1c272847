/**
 * The widget's event emitter for `Reekolect('on' | 'off', event, listener)`.
 * A listener that throws is the host's bug: it is reported and never breaks the
 * widget or the other listeners.
 */

import { report } from '../../loader/log'
import type { WidgetEvents } from '../../loader/protocol'

type Listener = (payload: never) => void

/** Creates an emitter. `sticky` events (like `ready`) also reach listeners added after they fired. */
export function createEmitter(sticky: readonly (keyof WidgetEvents)[] = ['ready']) {
  const listeners = new Map<string, Set<Listener>>()
  const fired = new Map<string, unknown>()
  const call = (event: string, fn: Listener, payload: unknown) => {
    try {
      ;(fn as (p: unknown) => void)(payload)
    } catch (e) {
      report(
        'E_LISTENER',
        `a "${event}" listener threw ${String(e)}`,
        'fix the listener passed to Reekolect("on")',
      )
    }
  }
  return {
    on(event: string, fn: Listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set.add(fn))
      if (fired.has(event)) call(event, fn, fired.get(event))
    },
    off(event: string, fn: Listener) {
      listeners.get(event)?.delete(fn)
    },
    emit<E extends keyof WidgetEvents>(event: E, payload: WidgetEvents[E]) {
      if (sticky.includes(event)) fired.set(event, payload)
      for (const fn of [...(listeners.get(event) ?? [])]) call(event, fn, payload)
    },
    clear() {
      listeners.clear()
    },
  }
}

/** The emitter as returned by {@link createEmitter}. */
export type Emitter = ReturnType<typeof createEmitter>
