/**
 * Live chat storage (our extension, docs/platform-api.md "Our extensions: live chat"):
 * the messages of every conversation and a little state per conversation, in the
 * demo's SQLite file next to the `chats` table of demo/db.ts, so both survive a
 * restart.
 */
import type Database from 'better-sqlite3'
import type { Attachment } from './attachments'

/** Who wrote a message. */
export type By = 'visitor' | 'bot' | 'agent'

/** A person answering in the inbox. `picture` is an http(s) image URL or `null`. */
export interface Agent {
  id: string
  name: string
  picture: string | null
}

/**
 * One message of a conversation, as `GET /inbox/direct/messages` returns it and the
 * streams send it. `id` is a UUID v4 (made by the widget, or by the server for agent
 * replies); `at` is `Date.prototype.toISOString()` (UTC, milliseconds); `agent` is
 * present exactly when `by` is `agent`.
 */
export interface Message {
  id: string
  by: By
  text: string
  at: string
  agent?: Agent
  /** The file the message sends (demo/live/attachments.ts), as the upload answered it. */
  attachment?: Attachment
}

/** A conversation: one visitor UUID of one bot of one customer. */
export interface ConversationKey {
  botId: string
  customerId: string
  uuid: string
}

/** A message with its place in the server's order (a sequence shared by all conversations). */
export interface StoredMessage extends Message {
  seq: number
  uuid: string
}

/** Per-conversation state kept beside the messages. */
export interface ConversationRow {
  /** When the visitor last asked for a person (ISO), or `null`. */
  handoffAt: string | null
  /** Sequence of the last message the agent side has read, 0 for none. */
  readUpTo: number
  /** The agent who answered first (assigned on first reply), or `null`. */
  agentId: string | null
  /** Last time the visitor's browser was seen (ISO), or `null`. */
  lastSeenAt: string | null
  /** Visits counted by {@link LiveStore.touch}. */
  visits: number
}

/** The fields of the `chats` row (demo/db.ts) that live chat reads. */
export interface ChatFields {
  status: string
  agentId: string | null
  updatedAt: string
}

interface MessageDbRow {
  seq: number
  id: string
  uuid: string
  by: By
  text: string
  at: string
  agent: string | null
  attachment: string | null
}

/**
 * A visit ends after this long without a request from the visitor (ms): the
 * 30-minute session timeout web analytics use. A later request counts a new visit.
 */
export const VISIT_GAP_MS = 30 * 60 * 1000

const toMessage = (r: MessageDbRow): StoredMessage => {
  const m: StoredMessage = { seq: r.seq, uuid: r.uuid, id: r.id, by: r.by, text: r.text, at: r.at }
  if (r.agent) m.agent = JSON.parse(r.agent) as Agent
  if (r.attachment) m.attachment = JSON.parse(r.attachment) as Attachment
  return m
}

/** The public shape of a stored message (no `seq`, no `uuid`). */
export const publicMessage = ({ seq: _s, uuid: _u, ...m }: StoredMessage): Message => m

/**
 * Adds the live chat tables to `sqlite` (the handle of demo/db.ts, `db.sqlite`) if
 * they are missing, and returns the queries on them. Every method is synchronous
 * (better-sqlite3), which is what lets the fan-out read and subscribe in one tick.
 */
export function openStore(sqlite: Database.Database) {
  // `seq` orders every conversation (the order the server received messages) and
  // is what a resume counts from; SQLite's AUTOINCREMENT needs it to be the integer
  // primary key, so the client-made `id` is UNIQUE instead: a retried id is ignored.
  sqlite.exec(`CREATE TABLE IF NOT EXISTS live_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    bot_id TEXT NOT NULL, customer_id TEXT NOT NULL, uuid TEXT NOT NULL,
    by TEXT NOT NULL CHECK (by IN ('visitor', 'bot', 'agent')),
    text TEXT NOT NULL, at TEXT NOT NULL, agent TEXT
  );
  CREATE INDEX IF NOT EXISTS live_messages_conversation ON live_messages (bot_id, customer_id, uuid, seq);
  CREATE INDEX IF NOT EXISTS live_messages_bot ON live_messages (bot_id, customer_id, seq);
  CREATE TABLE IF NOT EXISTS live_conversations (
    bot_id TEXT NOT NULL, customer_id TEXT NOT NULL, uuid TEXT NOT NULL,
    handoff_at TEXT, read_up_to INTEGER NOT NULL DEFAULT 0, agent_id TEXT,
    last_seen_at TEXT, visits INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (bot_id, customer_id, uuid)
  )`)
  // A database of an earlier version has no attachment column yet.
  const cols = sqlite.prepare<[], { name: string }>('PRAGMA table_info(live_messages)').all()
  if (!cols.some((c) => c.name === 'attachment'))
    sqlite.exec('ALTER TABLE live_messages ADD COLUMN attachment TEXT')
  const k = (c: ConversationKey) => [c.botId, c.customerId, c.uuid] as const
  const WHERE = 'bot_id = ? AND customer_id = ? AND uuid = ?'

  const insert = sqlite.prepare(
    `INSERT INTO live_messages (id, bot_id, customer_id, uuid, by, text, at, agent, attachment)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  )
  const ensure = sqlite.prepare(
    'INSERT INTO live_conversations (bot_id, customer_id, uuid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  )
  const bySeq = sqlite.prepare<[number], MessageDbRow>('SELECT * FROM live_messages WHERE seq = ?')
  const after = sqlite.prepare<[string, string, string, number], MessageDbRow>(
    `SELECT * FROM live_messages WHERE ${WHERE} AND seq > ? ORDER BY seq`,
  )
  const afterForBot = sqlite.prepare<[string, string, number], MessageDbRow>(
    'SELECT * FROM live_messages WHERE bot_id = ? AND customer_id = ? AND seq > ? ORDER BY seq',
  )
  const seqIn = sqlite.prepare<[string, string, string, string], { seq: number }>(
    `SELECT seq FROM live_messages WHERE ${WHERE} AND id = ?`,
  )
  const seqInBot = sqlite.prepare<[string, string, string], { seq: number }>(
    'SELECT seq FROM live_messages WHERE bot_id = ? AND customer_id = ? AND id = ?',
  )
  const last = sqlite.prepare<[string, string, string], MessageDbRow>(
    `SELECT * FROM live_messages WHERE ${WHERE} ORDER BY seq DESC LIMIT 1`,
  )
  const conv = sqlite.prepare<
    [string, string, string],
    {
      handoff_at: string | null
      read_up_to: number
      agent_id: string | null
      last_seen_at: string | null
      visits: number
    }
  >(`SELECT * FROM live_conversations WHERE ${WHERE}`)
  const unread = sqlite.prepare<[string, string, string, number], { n: number }>(
    `SELECT COUNT(*) AS n FROM live_messages WHERE ${WHERE} AND by = 'visitor' AND seq > ?`,
  )
  const chat = sqlite.prepare<
    [string, string, string],
    { status: string; agent_id: string | null; updated_at: string }
  >(
    'SELECT status, agent_id, updated_at FROM chats WHERE bot_id = ? AND customer_id = ? AND uuid = ?',
  )
  const agentOf = sqlite.prepare<[string, string, string], { agent: string }>(
    `SELECT agent FROM live_messages WHERE bot_id = ? AND customer_id = ? AND by = 'agent'
     AND json_extract(agent, '$.id') = ? ORDER BY seq DESC LIMIT 1`,
  )

  const seen = sqlite.prepare(
    `UPDATE live_conversations SET last_seen_at = ?, visits = visits + ? WHERE ${WHERE}`,
  )
  const setHandoff = sqlite.prepare(`UPDATE live_conversations SET handoff_at = ? WHERE ${WHERE}`)
  const setRead = sqlite.prepare(
    `UPDATE live_conversations SET read_up_to = ? WHERE ${WHERE} AND read_up_to < ?`,
  )
  const setAgent = sqlite.prepare(
    `UPDATE live_conversations SET agent_id = ? WHERE ${WHERE} AND agent_id IS NULL`,
  )

  const append = sqlite.transaction((c: ConversationKey, messages: Message[]) => {
    ensure.run(...k(c))
    const stored: StoredMessage[] = []
    for (const m of messages) {
      const r = insert.run(
        m.id,
        ...k(c),
        m.by,
        m.text,
        m.at,
        m.agent ? JSON.stringify(m.agent) : null,
        m.attachment ? JSON.stringify(m.attachment) : null,
      )
      if (r.changes) {
        const row = bySeq.get(Number(r.lastInsertRowid))
        if (row) stored.push(toMessage(row))
      }
    }
    return stored
  })

  return {
    /**
     * Stores `messages` in the given order, in one transaction. A message whose `id`
     * is already stored (in any conversation) is skipped: the first copy wins.
     * Returns the messages actually stored, with their sequence.
     */
    append: (c: ConversationKey, messages: Message[]): StoredMessage[] => append(c, messages),
    /** The conversation's messages after sequence `afterSeq` (0: all), in order. */
    messages: (c: ConversationKey, afterSeq = 0): StoredMessage[] =>
      after.all(...k(c), afterSeq).map(toMessage),
    /** Messages of every conversation of a bot after sequence `afterSeq`, in order. */
    botMessages: (botId: string, customerId: string, afterSeq: number): StoredMessage[] =>
      afterForBot.all(botId, customerId, afterSeq).map(toMessage),
    /** Sequence of message `id` if it belongs to this conversation, else `undefined`. */
    seqOf: (c: ConversationKey, id: string): number | undefined => seqIn.get(...k(c), id)?.seq,
    /** Sequence of message `id` if it belongs to a conversation of this bot, else `undefined`. */
    seqInBot: (botId: string, customerId: string, id: string): number | undefined =>
      seqInBot.get(botId, customerId, id)?.seq,
    /** The message of sequence `seq`, or `undefined`. */
    at: (seq: number): StoredMessage | undefined => {
      const r = bySeq.get(seq)
      return r && toMessage(r)
    },
    /** The conversation's last message, or `undefined` when it has none. */
    last: (c: ConversationKey): StoredMessage | undefined => {
      const r = last.get(...k(c))
      return r && toMessage(r)
    },
    /** The conversation's live state, or `undefined` before its first message or visit. */
    conversation: (c: ConversationKey): ConversationRow | undefined => {
      const r = conv.get(...k(c))
      return (
        r && {
          handoffAt: r.handoff_at,
          readUpTo: r.read_up_to,
          agentId: r.agent_id,
          lastSeenAt: r.last_seen_at,
          visits: r.visits,
        }
      )
    },
    /** Visitor messages after what the agent side has read. */
    unread: (c: ConversationKey, readUpTo: number): number => unread.get(...k(c), readUpTo)?.n ?? 0,
    /** The lead's `chats` row (demo/db.ts) of this conversation, if there is one. */
    chat: (c: ConversationKey): ChatFields | undefined => {
      const r = chat.get(c.botId, c.customerId, c.uuid)
      return r && { status: r.status, agentId: r.agent_id, updatedAt: r.updated_at }
    },
    /** The agent as their latest reply to this bot names them, if they ever replied. */
    knownAgent: (botId: string, customerId: string, agentId: string): Agent | undefined => {
      const r = agentOf.get(botId, customerId, agentId)
      return r && (JSON.parse(r.agent) as Agent)
    },
    /**
     * Notes a request from the visitor's browser at `now` (ms since epoch): sets
     * `lastSeenAt` and counts a visit when the previous one is over
     * ({@link VISIT_GAP_MS}) and no visitor stream was open (`online`).
     */
    touch(c: ConversationKey, now: number, online: boolean): void {
      ensure.run(...k(c))
      const before = conv.get(...k(c))?.last_seen_at
      const gap = !before || now - Date.parse(before) > VISIT_GAP_MS
      seen.run(new Date(now).toISOString(), gap && !online ? 1 : 0, ...k(c))
    },
    /** Records a hand-off request at `at` (ISO). */
    handoff(c: ConversationKey, at: string): void {
      ensure.run(...k(c))
      setHandoff.run(at, ...k(c))
    },
    /** Moves the read mark forward to `seq`; returns `false` when it was already there or past. */
    read(c: ConversationKey, seq: number): boolean {
      ensure.run(...k(c))
      return setRead.run(seq, ...k(c), seq).changes > 0
    },
    /** Assigns `agentId` to the conversation unless an agent already is. */
    assign(c: ConversationKey, agentId: string): void {
      ensure.run(...k(c))
      setAgent.run(agentId, ...k(c))
    },
  }
}

/** The store as returned by {@link openStore}. */
export type LiveStore = ReturnType<typeof openStore>
