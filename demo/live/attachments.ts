/**
 * Attachments of the live chat (our extension, docs/platform-api.md "Our extensions:
 * live chat", "Attachments"): `POST /inbox/direct/attachments` stores one image or
 * PDF a visitor sends (multipart/form-data), `GET /inbox/direct/attachments/:id`
 * serves it back. Files live in the demo's SQLite file (table `live_attachments`),
 * beside the messages that carry them, so they survive a restart.
 *
 * The type is what the bytes are (magic numbers), never only what the browser
 * declared: a file whose content is not one of {@link TYPES} is refused (415), so
 * nothing served back can be HTML or script. The widget checks a file with the
 * same table (widget/attach/sniff.ts) before it uploads it.
 */
import type Database from 'better-sqlite3'
import type { Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import * as v from 'valibot'
import { sniff } from '../../widget/attach/sniff'
import { type AttachmentType, MAX_ATTACHMENT, TYPES } from '../../widget/attach/types'

export { MAX_ATTACHMENT, sniff, TYPES }

/**
 * An attachment as `POST /inbox/direct/attachments` answers it and a message
 * carries it: `url` is where `GET` serves it (absolute), `size` in bytes.
 */
export interface Attachment {
  /** UUID v4, made by the server; unguessable, so the URL is the permission to read it. */
  id: string
  url: string
  name: string
  size: number
  type: AttachmentType
}

/** Longest file name kept (characters); longer names are cut, keeping the extension. */
export const MAX_NAME = 200

/**
 * A file name safe to show and to put in `Content-Disposition`: no path, no
 * control or bidirectional-override characters, at most {@link MAX_NAME}
 * characters (the extension kept); `file` when nothing is left.
 */
export function cleanName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? ''
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  let name = base.replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim()
  if (name.length > MAX_NAME) {
    const ext = /\.[\w]{1,8}$/.exec(name)?.[0] ?? ''
    name = name.slice(0, MAX_NAME - ext.length) + ext
  }
  return name || 'file'
}

/**
 * `Content-Disposition` for `name` (RFC 6266): images `inline` (shown in the
 * browser), PDFs `attachment` (downloaded: the API's origin never renders a
 * visitor's document), with an ASCII `filename` and the UTF-8 `filename*`.
 */
export function disposition(type: string, name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  const kind = type.startsWith('image/') ? 'inline' : 'attachment'
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

interface AttachmentRow {
  id: string
  bot_id: string
  customer_id: string
  uuid: string
  name: string
  type: AttachmentType
  size: number
  data: Buffer
  at: string
}

/** The conversation an attachment belongs to. */
interface Key {
  botId: string
  customerId: string
  uuid: string
}

/** Adds the attachments table to `sqlite` if it is missing and returns its queries. */
export function openAttachments(sqlite: Database.Database) {
  sqlite.exec(`CREATE TABLE IF NOT EXISTS live_attachments (
    id TEXT PRIMARY KEY,
    bot_id TEXT NOT NULL, customer_id TEXT NOT NULL, uuid TEXT NOT NULL,
    name TEXT NOT NULL, type TEXT NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL, at TEXT NOT NULL
  )`)
  const insert = sqlite.prepare(
    `INSERT INTO live_attachments (id, bot_id, customer_id, uuid, name, type, size, data, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const byId = sqlite.prepare<[string], AttachmentRow>(
    'SELECT * FROM live_attachments WHERE id = ?',
  )
  return {
    /** Stores a file; returns its new id. */
    put(k: Key, name: string, type: AttachmentType, data: Buffer, at: string): string {
      const id = crypto.randomUUID()
      insert.run(id, k.botId, k.customerId, k.uuid, name, type, data.byteLength, data, at)
      return id
    },
    /** The stored file `id`, or `undefined`. */
    get: (id: string) => byId.get(id),
    /** The stored file `id` when it belongs to conversation `k`, else `undefined`. */
    of(k: Key, id: string): AttachmentRow | undefined {
      const r = byId.get(id)
      return r && r.bot_id === k.botId && r.customer_id === k.customerId && r.uuid === k.uuid
        ? r
        : undefined
    },
  }
}

/** The attachments store as returned by {@link openAttachments}. */
export type AttachmentStore = ReturnType<typeof openAttachments>

/** The public shape of a stored file, with its URL under `base` (the POST's URL). */
export const toAttachment = (r: AttachmentRow, base: string): Attachment => ({
  id: r.id,
  url: `${base}/${r.id}`,
  name: r.name,
  size: r.size,
  type: r.type,
})

/** What a message may say of its attachment in `POST /inbox/direct/messages`: its id (the rest is the server's). */
export const MessageAttachment = v.object({ id: v.pipe(v.string(), v.uuid()) })

const ident = v.pipe(v.string(), v.minLength(1), v.maxLength(128))
const Fields = v.object({ uuid: ident, botId: ident, customerId: ident })

type Fail = (c: Context, code: 400 | 401 | 404 | 413 | 415, message: string) => Response

/** What the routes need from live chat (demo/live/index.ts). */
export interface AttachmentRoutes {
  store: AttachmentStore
  /** The visitor's token check: `null` when `x-bp-token` is right, else the 401. */
  visitorAuth(c: Context): Response | null
  fail: Fail
  iso(): string
  /** Notes a visitor request (the conversation's last seen time). */
  touch(k: Key): void
}

/** The URL files are served under, from a request to any `…/inbox/direct/` route: `…/inbox/direct/attachments`. */
export const baseOf = (c: Context) => {
  const u = new URL(c.req.url)
  return `${u.origin}${u.pathname.replace(/\/inbox\/direct\/.*$/, '')}/inbox/direct/attachments`
}

/** Adds `POST /inbox/direct/attachments` and `GET /inbox/direct/attachments/:id` to `app`. */
export function attachmentRoutes(app: Hono, deps: AttachmentRoutes): void {
  const { store, fail } = deps
  const tooLarge = `file: at most ${MAX_ATTACHMENT} bytes (10 MB)`
  app.post(
    '/inbox/direct/attachments',
    (c, next) => deps.visitorAuth(c) ?? next(),
    // The multipart framing and the three ids fit in 64 KiB beside the file.
    bodyLimit({ maxSize: MAX_ATTACHMENT + 64 * 1024, onError: (c) => fail(c, 413, tooLarge) }),
    async (c) => {
      if (!/^multipart\/form-data\b/i.test(c.req.header('content-type') ?? ''))
        return fail(c, 400, 'body must be multipart/form-data')
      let form: Record<string, unknown>
      try {
        form = await c.req.parseBody()
      } catch {
        return fail(c, 400, 'body is not readable multipart/form-data')
      }
      const ids = v.safeParse(Fields, form)
      if (!ids.success) {
        const field = String(ids.issues[0]?.path?.[0]?.key ?? 'uuid')
        return fail(c, 400, `${field}: required, 1 to 128 characters`)
      }
      const file = form.file
      if (!(file instanceof File)) return fail(c, 400, 'file: required, a file part')
      if (file.size > MAX_ATTACHMENT) return fail(c, 413, tooLarge)
      if (!file.size) return fail(c, 400, 'file: empty')
      const data = Buffer.from(await file.arrayBuffer())
      const type = sniff(data)
      if (!type)
        return fail(
          c,
          415,
          `file: its content is not PNG, JPEG, GIF, WebP or PDF (declared ${file.type || 'no type'})`,
        )
      const key = ids.output
      deps.touch(key)
      const id = store.put(key, cleanName(file.name), type, data, deps.iso())
      return c.json(toAttachment(store.get(id) as AttachmentRow, baseOf(c)), 201)
    },
  )
  app.get('/inbox/direct/attachments/:id', (c) => {
    const r = store.get(c.req.param('id'))
    if (!r) return fail(c, 404, 'no attachment with this id')
    return c.body(new Uint8Array(r.data), 200, {
      'content-type': r.type,
      'content-length': String(r.size),
      'content-disposition': disposition(r.type, r.name),
      'x-content-type-options': 'nosniff',
      // Nothing in the file may run or load anything, even opened on its own.
      'content-security-policy': "default-src 'none'; sandbox",
      // The id is new for every file: its bytes never change.
      'cache-control': 'private, max-age=31536000, immutable',
      'cross-origin-resource-policy': 'cross-origin',
    })
  })
}
