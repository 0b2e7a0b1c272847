// @ts-check
/**
 * The event log: the widget's events and console lines relayed by the preview,
 * the commands the playground sends, and the playground's own steps (document
 * applied, preview restarted, fault switched). At most {@link MAX} entries.
 */
import { $, clock, el } from './dom.js'

/** Entries kept; older ones are dropped. */
export const MAX = 200

/** @typedef {'command' | 'event' | 'info' | 'console'} Kind */
const BADGE = { command: 'command →', event: '← event', info: 'playground', console: 'console' }

/** A one-line summary of a payload. @param {string} name @param {unknown} payload */
export function summary(name, payload) {
  if (payload === undefined || payload === null) return ''
  if (typeof payload === 'string') return payload
  const p = /** @type {any} */ (payload)
  if (name === 'message' && typeof p.text === 'string') return `${p.from}: ${p.text}`
  const text = JSON.stringify(payload) ?? ''
  return text.length > 160 ? `${text.slice(0, 159)}…` : text
}

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
    /** @param {Kind} kind @param {string} name @param {unknown} [payload] */
    add(kind, name, payload) {
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
