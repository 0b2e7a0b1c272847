/**
 * The event log: the widget's events and console lines relayed by the preview,
 * the commands the playground sends, and the playground's own steps (document
 * applied, preview restarted, fault switched). At most {@link MAX} entries.
 */
import { $, clock, el } from './dom'
import { isRecord } from './jsontext'

/** Entries kept; older ones are dropped. */
export const MAX = 200

/** What an entry is: a command sent, a widget event, a playground step, a widget console line. */
export type Kind = 'command' | 'event' | 'info' | 'console'
const BADGE: Record<Kind, string> = {
  command: 'command →',
  event: '← event',
  info: 'playground',
  console: 'console',
}

/** A one-line summary of a payload (at most 160 characters). */
export function summary(name: string, payload: unknown): string {
  if (payload === undefined || payload === null) return ''
  if (typeof payload === 'string') return payload
  if (name === 'message' && isRecord(payload) && typeof payload.text === 'string')
    return `${payload.from}: ${payload.text}`
  const text = JSON.stringify(payload) ?? ''
  return text.length > 160 ? `${text.slice(0, 159)}…` : text
}

/** The event log of the page (`#event-log`): {@link Log.add} appends an entry. */
export function createLog() {
  const list = $('event-log')
  const box = $('log-box')
  const count = $('log-count')
  const tally = () => {
    const n = list.children.length
    count.textContent = `${n} ${n === 1 ? 'entry' : 'entries'}${n === MAX ? ' (latest)' : ''}`
  }
  $('log-clear').addEventListener('click', () => {
    list.replaceChildren()
    tally()
  })
  tally()
  return {
    /** Appends an entry, and follows it when the log was scrolled to its end. */
    add(kind: Kind, name: string, payload?: unknown) {
      const follow = box.scrollHeight - box.scrollTop - box.clientHeight < 32
      const now = new Date()
      const li = el('li', undefined, `entry entry-${kind}`)
      li.dataset.kind = kind
      li.dataset.name = name
      const t = el('time', clock(now), 'at')
      t.dateTime = now.toISOString()
      li.append(t, el('span', BADGE[kind], 'kind'), el('code', name, 'name'))
      const text = summary(name, payload)
      if (text) li.append(el('span', text, 'payload'))
      list.append(li)
      while (list.children.length > MAX) list.firstElementChild?.remove()
      tally()
      if (follow) box.scrollTop = box.scrollHeight
    },
  }
}

/** The event log. */
export type Log = ReturnType<typeof createLog>
