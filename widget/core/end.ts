/**
 * When the chat flow has ended, for the `flow:end` event (core/commands.ts) and the
 * "New conversation" action (widget/more/). Imported by lazy chunks only: the chat
 * window entry never asks.
 */
import { type Graph, nextId, type WaitNode } from './flow'

/**
 * Whether `node` only offers a person: a choice whose every option goes on to a
 * hand-off node (the built-in flow's "Talk to a person" after the thanks). The
 * flow has then ended; the offer stays for the visitor.
 */
export function offersPerson(g: Graph, node: WaitNode): boolean {
  if (node.type !== 'ask' || node.input !== 'choice') return false
  return (node.options ?? []).every(
    (o) => !o.flow && g.node.get(nextId(g, node, o.next) ?? '')?.type === 'handoff',
  )
}
