/**
 * The demo platform's database: SQLite through better-sqlite3, in one file that
 * survives restarts. Rows are chats; a chat is a lead once it has a name, an
 * email or a phone (docs/platform-api.md).
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { usersWhere } from './inbox/filters'
import type { ImportedUser, UsersFilter } from './inbox/schema'

/** Body of `PUT /inbox/direct/lead` after validation (docs/platform-api.md). */
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

/** One chat as the listing returns it (docs/platform-api.md). */
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

/**
 * One user of `POST /inbox/users` (the platform documents no response; the demo answers
 * the listing envelope of the platform (docs/platform-api.md) with records of its shape). Our additions:
 * `channel` (`web`: a website chat, `import`: from `POST /inbox/users/import`) and
 * `_botWebsite` (the website bot of the chat), the field the seed's filter of that
 * name suggests. Imported contacts have no `uuid` and no `lastSeenAt`, and carry
 * the imported name as `userProvidedName` too.
 */
export interface UserRecord extends Omit<ChatRecord, 'uuid' | 'lastSeenAt'> {
  uuid: string | null
  lastSeenAt: string | null
  channel: 'web' | 'import'
  _botWebsite: string | null
  profile: ChatRecord['profile'] & {
    userDetails: ChatRecord['profile']['userDetails'] & { userProvidedName?: string | null }
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

interface ContactRow {
  id: string
  name: string | null
  email: string | null
  phone: string | null
  prefix: string | null
  tags: string
  attributes: string
}

interface UserRow extends Omit<Row, 'uuid'> {
  uuid: string | null
  channel: 'web' | 'import'
  bot_id: string | null
  last_seen_at: string | null
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
  // Bot configuration documents saved by the playground's editor (our extension, docs/configuration.md).
  db.exec(`CREATE TABLE IF NOT EXISTS configs (
    bot_id TEXT PRIMARY KEY, doc TEXT NOT NULL, updated_at TEXT NOT NULL
  )`)
  // Users imported by POST /inbox/users/import (the platform's help centre), upserted by email or phone.
  db.exec(`CREATE TABLE IF NOT EXISTS contacts (
    id TEXT PRIMARY KEY,
    name TEXT, email TEXT, phone TEXT, prefix TEXT,
    tags TEXT NOT NULL DEFAULT '[]', attributes TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS contacts_email ON contacts (email)`)
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

  const contactByEmail = db.prepare<[string], ContactRow>(
    'SELECT * FROM contacts WHERE email = ? ORDER BY created_at LIMIT 1',
  )
  const contactByPhone = db.prepare<[string], ContactRow>(
    `SELECT * FROM contacts WHERE phone IS NOT NULL AND COALESCE(prefix, '') || phone = ?
     ORDER BY created_at LIMIT 1`,
  )
  const insertContact = db.prepare(
    `INSERT INTO contacts (id, name, email, phone, prefix, tags, attributes, created_at, updated_at)
     VALUES (@id, @name, @email, @phone, @prefix, @tags, @attributes, @now, @now)`,
  )
  const updateContact = db.prepare(
    `UPDATE contacts SET name=@name, email=@email, phone=@phone, prefix=@prefix, tags=@tags,
     attributes=@attributes, updated_at=@now WHERE id=@id`,
  )
  /** Upserts one imported user; see `importUsers`. */
  const importOne = (u: ImportedUser, now: string): boolean => {
    const old =
      (u.email && contactByEmail.get(u.email)) ||
      (u.phone && contactByPhone.get(`${u.prefix ?? ''}${u.phone}`)) ||
      undefined
    const attributes = new Map<string, string>(
      old
        ? (JSON.parse(old.attributes) as { key: string; value: string }[]).map((a) => [
            a.key,
            a.value,
          ])
        : [],
    )
    for (const a of u.attributes) attributes.set(a.key, a.value)
    // The same international digits split differently ("91" + "98…" or "" + "9198…")
    // are the same phone: the stored split is kept.
    const full = (prefix: string | null | undefined, phone: string | null | undefined) =>
      phone ? `${prefix ?? ''}${phone}` : ''
    const newPhone = !!u.phone && full(u.prefix, u.phone) !== full(old?.prefix, old?.phone)
    const row = {
      id: old?.id ?? objectId(),
      name: u.name ?? old?.name ?? null,
      email: u.email ?? old?.email ?? null,
      phone: newPhone ? (u.phone ?? null) : (old?.phone ?? null),
      prefix: newPhone ? (u.prefix ?? null) : (old?.prefix ?? null),
      tags: JSON.stringify([
        ...new Set([...(old ? (JSON.parse(old.tags) as string[]) : []), ...u.tags]),
      ]),
      attributes: JSON.stringify([...attributes].map(([key, value]) => ({ key, value }))),
      now,
    }
    if (old) updateContact.run(row)
    else insertContact.run(row)
    return !old
  }
  // Website chats and imported contacts as one list of users (columns of Row, plus
  // channel, bot_id, last_seen_at and prefix), for POST /inbox/users.
  const users = `WITH users AS (
    SELECT id, uuid, 'web' AS channel, bot_id, agent_id, name, email, phone, dial_code,
      REPLACE(dial_code, '+', '') AS prefix, status, picture, tags, attributes, notes,
      created_at, updated_at, updated_at AS last_seen_at, visits
    FROM chats
    UNION ALL
    SELECT id, NULL, 'import', NULL, NULL, name, email, phone, '+' || prefix, prefix, 'OPEN', NULL,
      tags, attributes, '[]', created_at, updated_at, NULL, 0
    FROM contacts
  )`
  const toUser = (r: UserRow): UserRecord => {
    // toRecord reads uuid only to copy it, and it is replaced below.
    const chat = toRecord(r as Row)
    const user: UserRecord = {
      ...chat,
      uuid: r.uuid,
      lastSeenAt: r.last_seen_at,
      channel: r.channel,
      _botWebsite: r.bot_id,
    }
    if (r.channel === 'import') user.profile.userDetails.userProvidedName = r.name
    return user
  }

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
    /**
     * Imports users (the platform's help centre) in one transaction. Each is matched to an imported
     * contact by email, else by dial code + number: a match is updated (given fields
     * replace stored ones, tags are added, attributes are merged by key), otherwise a
     * contact is created. Website chats are not matched: they belong to one bot.
     */
    importUsers: db.transaction((list: ImportedUser[]) => {
      const now = new Date().toISOString()
      let created = 0
      for (const u of list) if (importOne(u, now)) created++
      return { created, updated: list.length - created }
    }),
    /** One page (1-based) of users matching the filters of the platform (docs/platform-api.md), newest first. */
    listUsers(filter: UsersFilter, page: number): UserRecord[] {
      const where = usersWhere(filter)
      return db
        .prepare<(string | number)[], UserRow>(
          `${users} SELECT * FROM users WHERE ${where.sql}
           ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`,
        )
        .all(...where.params, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        .map(toUser)
    },
    /** The saved configuration document of a bot, as JSON text, or `undefined`. */
    getConfig: (botId: string): string | undefined =>
      db.prepare<[string], { doc: string }>('SELECT doc FROM configs WHERE bot_id = ?').get(botId)
        ?.doc,
    /** Saves (replaces) a bot's configuration document (JSON text). */
    setConfig(botId: string, doc: string): void {
      db.prepare(
        `INSERT INTO configs (bot_id, doc, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (bot_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at`,
      ).run(botId, doc, new Date().toISOString())
    },
    /** Forgets a bot's saved document (the bot then gets its template, or none). */
    deleteConfig(botId: string): void {
      db.prepare('DELETE FROM configs WHERE bot_id = ?').run(botId)
    },
    /** Number of imported contacts (for tests). */
    countContacts: (): number =>
      db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM contacts').get()?.n ?? 0,
    /**
     * The better-sqlite3 handle, for modules that keep their own tables in the same
     * file (demo/live/store.ts).
     */
    sqlite: db,
    close: () => db.close(),
  }
}

/** The database as returned by {@link openDb}. */
export type Db = ReturnType<typeof openDb>
