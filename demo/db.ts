/**
 * The demo platform's database: SQLite through better-sqlite3, in one file that
 * survives restarts. Rows are chats; a chat is a lead once it has a name, an
 * email or a phone (seed 001, "API to get listing of chats/leads", `type`).
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

/** Body of `PUT /inbox/direct/lead` after validation (seed 001, Request Body). */
export interface LeadUpdate {
  uuid: string
  botId: string
  customerId: string
  name?: string
  email?: string
  phone?: string
  dialCode?: string
  status?: string
  picture?: string
  agentId?: string
  tags?: string[]
  attributes?: { key: string; value: string }[]
  notes?: { title: string; description: string }[]
}

/** One chat as the listing returns it (seed 001, sample 200 response of `GET /inbox/direct/chats`). */
export interface ChatRecord {
  _id: string
  uuid: string
  createdAt: string
  updatedAt: string
  isOnline: boolean
  lastSeenAt: string
  status: string
  websiteVisits: number
  _agentAssigned: string | null
  profile: {
    notes: { title: string; description: string; _id: string }[]
    userDetails: {
      name: string | null
      picture: string | null
      contact: { email: string | null; phone: { number: string | null; prefix: string | null } }
      tags: string[]
      attributes: { key: string; value: string }[]
    }
  }
}

interface Row {
  id: string
  uuid: string
  name: string | null
  email: string | null
  phone: string | null
  dial_code: string | null
  status: string
  picture: string | null
  agent_id: string | null
  tags: string
  attributes: string
  notes: string
  created_at: string
  updated_at: string
  visits: number
}

/** A 24-hex id shaped like the platform's (MongoDB ObjectId: 4 bytes of seconds, 8 random bytes). */
const objectId = () =>
  Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0') + randomBytes(8).toString('hex')

/** Chats per page of the listing. */
export const PAGE_SIZE = 20

/** Opens (creating if needed) the database at `file`; `:memory:` for tests. */
export function openDb(file: string) {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec(`CREATE TABLE IF NOT EXISTS chats (
    id TEXT PRIMARY KEY,
    uuid TEXT NOT NULL, bot_id TEXT NOT NULL, customer_id TEXT NOT NULL,
    name TEXT, email TEXT, phone TEXT, dial_code TEXT,
    status TEXT NOT NULL DEFAULT 'OPEN', picture TEXT, agent_id TEXT,
    tags TEXT NOT NULL DEFAULT '[]', attributes TEXT NOT NULL DEFAULT '[]', notes TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, visits INTEGER NOT NULL DEFAULT 1,
    UNIQUE (uuid, bot_id, customer_id)
  )`)
  const find = db.prepare<[string, string, string], Row>(
    'SELECT * FROM chats WHERE uuid = ? AND bot_id = ? AND customer_id = ?',
  )
  const insert = db.prepare(
    `INSERT INTO chats (id, uuid, bot_id, customer_id, name, email, phone, dial_code, status, picture, agent_id, tags, attributes, notes, created_at, updated_at)
     VALUES (@id, @uuid, @botId, @customerId, @name, @email, @phone, @dialCode, @status, @picture, @agentId, @tags, @attributes, @notes, @now, @now)`,
  )
  const update = db.prepare(
    `UPDATE chats SET name=@name, email=@email, phone=@phone, dial_code=@dialCode, status=@status, picture=@picture,
     agent_id=@agentId, tags=@tags, attributes=@attributes, notes=@notes, updated_at=@now WHERE id=@id`,
  )
  const toRecord = (r: Row): ChatRecord => ({
    _id: r.id,
    uuid: r.uuid,
    createdAt: r.created_at,
    isOnline: false,
    lastSeenAt: r.updated_at,
    profile: {
      notes: (JSON.parse(r.notes) as { title: string; description: string }[]).map((n, i) => ({
        ...n,
        _id: `${r.id.slice(0, 20)}${i.toString(16).padStart(4, '0')}`,
      })),
      userDetails: {
        name: r.name,
        picture: r.picture,
        contact: {
          email: r.email,
          phone: { number: r.phone, prefix: r.dial_code?.replace('+', '') ?? null },
        },
        tags: JSON.parse(r.tags),
        attributes: JSON.parse(r.attributes),
      },
    },
    status: r.status,
    updatedAt: r.updated_at,
    websiteVisits: r.visits,
    _agentAssigned: r.agent_id,
  })

  return {
    /**
     * Creates or updates the chat of `uuid`+`botId`+`customerId`. Fields in the body
     * replace stored ones; absent fields are kept. Returns whether a row was created.
     */
    upsert(u: LeadUpdate): { created: boolean } {
      const now = new Date().toISOString()
      const old = find.get(u.uuid, u.botId, u.customerId)
      const pick = <T>(v: T | undefined, prev: T) => (v === undefined ? prev : v)
      const row = {
        id: old?.id ?? objectId(),
        uuid: u.uuid,
        botId: u.botId,
        customerId: u.customerId,
        name: pick(u.name, old?.name ?? null),
        email: pick(u.email, old?.email ?? null),
        phone: pick(u.phone, old?.phone ?? null),
        dialCode: pick(u.dialCode, old?.dial_code ?? null),
        status: pick(u.status, old?.status ?? 'OPEN'),
        picture: pick(u.picture, old?.picture ?? null),
        agentId: pick(u.agentId, old?.agent_id ?? null),
        tags: u.tags ? JSON.stringify(u.tags) : (old?.tags ?? '[]'),
        attributes: u.attributes ? JSON.stringify(u.attributes) : (old?.attributes ?? '[]'),
        notes: u.notes ? JSON.stringify(u.notes) : (old?.notes ?? '[]'),
        now,
      }
      if (old) update.run(row)
      else insert.run(row)
      return { created: !old }
    },
    /** One page (1-based) of a bot's chats, newest first; `lead` = has a name, email or phone. */
    list(botId: string, customerId: string, type: 'lead' | 'non-lead', page: number): ChatRecord[] {
      const lead = 'COALESCE(name, email, phone) IS NOT NULL'
      const rows = db
        .prepare<[string, string, number, number], Row>(
          `SELECT * FROM chats WHERE bot_id = ? AND customer_id = ? AND ${type === 'lead' ? lead : `NOT (${lead})`}
           ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`,
        )
        .all(botId, customerId, PAGE_SIZE, (page - 1) * PAGE_SIZE)
      return rows.map(toRecord)
    },
    /** Number of chats of the bot (for tests and the playground). */
    count(botId: string, customerId: string): number {
      return (
        db
          .prepare<[string, string], { n: number }>(
            'SELECT COUNT(*) AS n FROM chats WHERE bot_id = ? AND customer_id = ?',
          )
          .get(botId, customerId)?.n ?? 0
      )
    },
    close: () => db.close(),
  }
}

/** The database as returned by {@link openDb}. */
export type Db = ReturnType<typeof openDb>
