/**
 * Read state of the visitor's messages (core/receipts.ts): sent once stored,
 * delivered once the inbox has it, read up to the agent's mark.
 */
import { describe, expect, it } from 'vitest'
import { markDelivered, markRead, setSids } from './receipts'
import { createState, type Message } from './state'

const chat = () => {
  const state = createState()
  state.messages.value = [
    { id: 1, from: 'bot', text: 'How can we help?', at: 0, sid: 'b1' },
    { id: 2, from: 'visitor', text: 'My order', at: 0, sid: 'v2' },
    { id: 3, from: 'agent', text: 'Looking', at: 0, sid: 'a3', agent: { name: 'Sam' } },
    { id: 4, from: 'visitor', text: 'Thanks', at: 0, sid: 'v4' },
    { id: 5, from: 'visitor', text: 'Still there?', at: 0 },
  ]
  return state
}
const acks = (state: ReturnType<typeof chat>) =>
  state.messages.value.map((m: Message) => `${m.id}:${m.ack ?? '-'}`)

describe('receipts', () => {
  it('setSids gives messages their transcript UUID, and never replaces one', () => {
    const state = chat()
    expect(
      setSids(
        state,
        new Map([
          [5, 'v5'],
          [2, 'other'],
        ]),
      ),
    ).toBe(true)
    expect(state.messages.value.map((m) => m.sid)).toEqual(['b1', 'v2', 'a3', 'v4', 'v5'])
    expect(setSids(state, new Map([[2, 'other']]))).toBe(false)
  })

  it('markDelivered marks the visitor messages named, and only those', () => {
    const state = chat()
    const before = state.messages.value
    expect(markDelivered(state, ['v4', 'b1', 'unknown'])).toBe(true)
    expect(acks(state)).toEqual(['1:-', '2:-', '3:-', '4:delivered', '5:-'])
    // Unchanged messages keep their objects: the transcript re-renders only the changed one.
    expect(state.messages.value[1]).toBe(before[1])
    expect(markDelivered(state, ['v4'])).toBe(false)
  })

  it('markRead reads every stored visitor message up to the mark, whoever wrote the marked one', () => {
    const state = chat()
    expect(markRead(state, 'a3')).toBe(true)
    expect(acks(state)).toEqual(['1:-', '2:read', '3:-', '4:-', '5:-'])
    expect(markRead(state, 'v4')).toBe(true)
    expect(acks(state)).toEqual(['1:-', '2:read', '3:-', '4:read', '5:-'])
    // A read message stays read; an id the chat does not hold changes nothing.
    expect(markDelivered(state, ['v4'])).toBe(false)
    expect(markRead(state, 'nowhere')).toBe(false)
    expect(markRead(state, 'v2')).toBe(false)
  })
})
