/**
 * The widget's state: plain signals, created per mount (a factory, not a module
 * singleton). The UI reads it; only actions.ts writes it.
 */
import { signal } from '@preact/signals-core'
import type { Rich, WaitNode } from './flow'
import type { MessageKey } from './i18n'
import { emptyLead, type Lead } from './lead'

/** A person answering in the inbox (docs/platform-api.md, "Our extensions: live chat"). */
export interface Agent {
  /** The platform's id of the agent, when known. */
  id?: string
  name: string
  /** URL of the agent's picture (https), when they have one. */
  picture?: string
}

/**
 * Live mode, after a hand-off: `waiting` for a person, `away` when nobody can
 * answer now (outside business hours or no agent online: the visitor leaves a
 * message, widget/live/offline.ts), `talking` with `agent`, `closed` by the
 * business (the visitor may start a new conversation).
 */
export interface Live {
  phase: 'waiting' | 'away' | 'talking' | 'closed'
  agent?: Agent
  /** The team or department asked for (the hand-off node's `team`). */
  team?: string
  /**
   * The visitor's rating of this conversation once it is closed (widget/csat/):
   * there once asked; `score` 1–5 once a face is tapped; `sent` once the visitor
   * sent it (with or without a comment). A new conversation starts without it.
   */
  csat?: { score?: number; sent?: boolean }
}

/**
 * A file sent in the live chat, as the attachments endpoint answered its upload
 * (docs/platform-api.md, "Attachments"): `url` serves it, `size` is in bytes,
 * `type` one of the accepted content types (widget/attach/sniff.ts).
 */
export interface Attachment {
  id: string
  url: string
  name: string
  size: number
  type: string
}

/** One transcript entry. `at` is epoch ms. */
export interface Message {
  id: number
  /** `agent`: a person's reply after a hand-off, with {@link Message.agent}. */
  from: 'bot' | 'visitor' | 'agent'
  text: string
  at: number
  /** Who wrote an `agent` message. */
  agent?: Agent
  /**
   * The message's id in the inbox (UUID v4): the server's for a message that came
   * from it (an agent's, or another tab's: it is shown once), the transcript
   * outbox's once it has stored one of this chat's own (core/transcript.ts), which
   * the stream's `message` and `read` events name.
   */
  sid?: string
  /**
   * How far a visitor message got (core/receipts.ts): absent, sent (stored, waiting
   * for the outbox); `delivered`, the inbox has it; `read`, an agent has read it.
   */
  ack?: 'delivered' | 'read'
  /** The file this message sends (live chat, widget/attach/); `text` is its name. */
  attachment?: Attachment
  /** An image, link button or cards shown with the text (configured bots). */
  rich?: Rich
  /** A visitor's answer: the keys of the lead fields it set (lead.ts `FieldValue`), so the chat can flag one the platform cannot take. */
  keys?: string[]
  /**
   * A bot answer still streaming in (widget/answers/ai.ts): shown as it grows,
   * announced and sent to the inbox once complete (while it is the newest message).
   */
  pending?: true
}

/** Most transcript entries kept in memory; older ones are dropped first. */
export const MAX_MESSAGES = 1000

/** Most transcript entries persisted per visitor (the newest ones). */
export const MAX_SAVED = 200

/** Creates a fresh state: closed, empty transcript, empty lead. */
export function createState() {
  return {
    /** Whether the chat window is open. */
    open: signal(false),
    /** The transcript, oldest first, at most {@link MAX_MESSAGES}. */
    messages: signal<Message[]>([]),
    /** The node waiting for the visitor; `undefined` when the flow has ended or a call runs. */
    ask: signal<WaitNode | undefined>(undefined),
    /**
     * The inline error of the composer, as a catalogue key and variables. `suggest`:
     * an email correction the visitor can accept with one click.
     */
    error: signal<
      | { key: MessageKey | string; vars?: Record<string, string | number>; suggest?: string }
      | undefined
    >(undefined),
    /** True while an answer is being validated (e.g. the phone chunk is loading). */
    busy: signal(false),
    /** The lead as captured so far. */
    lead: signal<Lead>(emptyLead()),
    /** Bot messages that arrived while the chat was closed. */
    unread: signal(0),
    /**
     * Lead delivery trouble the visitor is told about (outbox `trouble` event):
     * `offline`, or `retrying` after repeated failed attempts; `undefined` once delivered.
     */
    delivery: signal<'offline' | 'retrying' | undefined>(undefined),
    /** Live mode after a hand-off; `undefined` while the bot leads the chat. Persisted with the chat. */
    live: signal<Live | undefined>(undefined),
    /** Keys of the visitor's lead fields too large to send (outbox `rejected` event, lead.ts field keys). */
    rejected: signal<string[]>([]),
    /** The bot types its next message (the pacing of widget/ui/bubbles.tsx): the question's composer waits. */
    typing: signal(false),
  }
}

/** The state as returned by {@link createState}. */
export type State = ReturnType<typeof createState>
