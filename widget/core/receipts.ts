/**
 * Read state of the visitor's messages ({@link Message.ack}), as the inbox reports
 * it (docs/platform-api.md, "Our extensions: live chat"): a message is *sent* once
 * the transcript outbox stored it (core/transcript.ts gives it its UUID,
 * {@link Message.sid}), *delivered* once the inbox has it (the outbox's POST was
 * accepted, or the live stream carried it back by id), *read* once an agent read
 * up to it (the stream's `read` event `{upTo}`).
 *
 * Writers of the state, like the actions: each returns whether it changed
 * something, so the caller saves the chat (a reload keeps the ids and the marks).
 * Used by the conversation chunk (the outbox) and the live chat chunk (the stream).
 */
import type { Message, State } from './state'

type Messages = Pick<State, 'messages'>

/** Replaces the messages that `fn` changes (a new object each); true when one changed. */
function edit(state: Messages, fn: (m: Message) => Message | undefined): boolean {
  let changed = false
  const list = state.messages.value.map((m) => {
    const next = fn(m)
    if (!next) return m
    changed = true
    return next
  })
  if (changed) state.messages.value = list
  return changed
}

/** Gives each message its transcript UUID (`sids`, by {@link Message.id}); one already set is kept. */
export const setSids = (state: Messages, sids: ReadonlyMap<number, string>): boolean =>
  edit(state, (m) => {
    const sid = sids.get(m.id)
    return sid && !m.sid ? { ...m, sid } : undefined
  })

/** Marks the visitor messages with these UUIDs delivered (a read one stays read). */
export function markDelivered(state: Messages, ids: Iterable<string>): boolean {
  const set = new Set(ids)
  return edit(state, (m) =>
    m.from === 'visitor' && !m.ack && m.sid && set.has(m.sid)
      ? { ...m, ack: 'delivered' }
      : undefined,
  )
}

/**
 * Marks read every visitor message up to the message with UUID `upTo` (any
 * message of the conversation: the agent reads in the conversation's order).
 * An id the chat does not hold changes nothing.
 */
export function markRead(state: Messages, upTo: string): boolean {
  const list = state.messages.value
  const at = list.findIndex((m) => m.sid === upTo)
  if (at < 0) return false
  const last = list[at]?.id ?? 0
  return edit(state, (m) =>
    m.from === 'visitor' && m.id <= last && m.sid && m.ack !== 'read'
      ? { ...m, ack: 'read' }
      : undefined,
  )
}
