/**
 * In-memory fan-out of live chat events: every open stream of a visitor (one per
 * tab) and every agent console of the bot. One process, no broker: the demo server
 * is a single process, and a restarted server loses only the open streams, which
 * reconnect and resume with `Last-Event-ID`.
 */

import type { SseStream } from './sse'
import type { Agent, ConversationKey } from './store'

/** An agent console's stream, with the agent it announced (if any). */
export interface AgentConsole {
  stream: SseStream
  agent: Agent | null
}

const convKey = (c: ConversationKey) => JSON.stringify([c.botId, c.customerId, c.uuid])
const botKey = (botId: string, customerId: string) => JSON.stringify([botId, customerId])

const add = <T>(map: Map<string, Set<T>>, key: string, item: T) => {
  const set = map.get(key)
  if (set) set.add(item)
  else map.set(key, new Set([item]))
}
const remove = <T>(map: Map<string, Set<T>>, key: string, item: T) => {
  const set = map.get(key)
  if (!set) return
  set.delete(item)
  if (!set.size) map.delete(key)
}

/** The registry of open streams; see the module comment. */
export function createHub() {
  const visitors = new Map<string, Set<SseStream>>()
  const consoles = new Map<string, Set<AgentConsole>>()
  let visitorCount = 0
  let consoleCount = 0
  return {
    /** Registers a visitor stream; returns its unregister function. */
    addVisitor(c: ConversationKey, s: SseStream): () => void {
      add(visitors, convKey(c), s)
      visitorCount++
      return () => {
        remove(visitors, convKey(c), s)
        visitorCount--
      }
    },
    /** Registers an agent console of a bot; returns its unregister function. */
    addConsole(botId: string, customerId: string, a: AgentConsole): () => void {
      add(consoles, botKey(botId, customerId), a)
      consoleCount++
      return () => {
        remove(consoles, botKey(botId, customerId), a)
        consoleCount--
      }
    },
    /** Sends an event to every open stream of this visitor. */
    toVisitor(c: ConversationKey, event: string, data: unknown, id?: string): void {
      for (const s of visitors.get(convKey(c)) ?? []) s.send(event, data, id)
    },
    /** Sends an event to every agent console of the bot. */
    toConsoles(botId: string, customerId: string, event: string, data: unknown, id?: string) {
      for (const a of consoles.get(botKey(botId, customerId)) ?? []) a.stream.send(event, data, id)
    },
    /** Whether a stream of this visitor is open (the listing's `isOnline`). */
    visitorOnline: (c: ConversationKey): boolean => visitors.has(convKey(c)),
    /** The consoles connected for a bot (what makes it "online"). */
    consolesOf: (botId: string, customerId: string): AgentConsole[] => [
      ...(consoles.get(botKey(botId, customerId)) ?? []),
    ],
    /** Open streams, for the load test and the playground. */
    counts: () => ({ visitorStreams: visitorCount, agentStreams: consoleCount }),
    /** Ends every open stream (server shutdown, tests). */
    closeAll(): void {
      for (const set of [...visitors.values()]) for (const s of [...set]) s.close()
      for (const set of [...consoles.values()]) for (const a of [...set]) a.stream.close()
    },
  }
}

/** The hub as returned by {@link createHub}. */
export type Hub = ReturnType<typeof createHub>
