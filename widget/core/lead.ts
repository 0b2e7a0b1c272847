/**
 * The lead model and the exact body of `PUT {api}/inbox/direct/lead`
 * (docs/platform-api.md).
 */

/** Chat statuses the platform accepts (docs/platform-api.md). */
export const STATUSES = ['OPEN', 'INPROGRESS', 'REVIEW', 'ONHOLD', 'DEPENDANCY', 'CLOSED'] as const
export type Status = (typeof STATUSES)[number]

/** A custom attribute of the chat, `{key, value}` (docs/platform-api.md). */
export interface Attribute {
  key: string
  value: string
}

/** A note on the chat, `{title, description}` (docs/platform-api.md). */
export interface Note {
  title: string
  description: string
}

/** Everything the chat has learned about the visitor. Only set fields are sent. */
export interface Lead {
  name?: string
  email?: string
  /** National significant number, digits only, without the dial code: `7400123456`. */
  phone?: string
  /** Country calling code with the plus sign: `+44` (docs/platform-api.md). */
  dialCode?: string
  tags: string[]
  attributes: Attribute[]
  notes: Note[]
  status?: Status
}

/** Who the lead belongs to: the three required fields of the PUT body. */
export interface LeadIds {
  uuid: string
  botId: string
  customerId: string
}

/** The PUT body: {@link LeadIds} plus the set fields of a {@link Lead}. */
export type LeadPayload = LeadIds & Partial<Lead>

/** A lead with nothing captured yet. */
export const emptyLead = (): Lead => ({ tags: [], attributes: [], notes: [] })

/** The scalar fields of a lead, in the order the PUT body lists them. */
const SCALARS = ['name', 'email', 'phone', 'dialCode', 'status'] as const

/**
 * One field of a lead as the outbox merges it, by key:
 * - `name`, `email`, `phone`, `dialCode`, `status`: the value (`''`: cleared);
 * - `t:<tag>`: `true` while the tag is on the lead, `false` once removed;
 * - `a:<key>`: the attribute's value (`false`: removed);
 * - `n:<title and description as JSON>`: a note (notes are only ever added).
 */
export type FieldValue = string | boolean | Note

/** A lead as separate fields ({@link FieldValue}), the unit the outbox merges by edit time. */
export type Fields = Record<string, FieldValue>

/** The lead as {@link Fields}: tags, attributes and notes in their order on the lead. */
export function fieldsOf(lead: Partial<Lead>): Fields {
  const f: Fields = {}
  for (const k of SCALARS) if (lead[k]) f[k] = lead[k]
  for (const t of lead.tags ?? []) f[`t:${t}`] = true
  for (const a of lead.attributes ?? []) f[`a:${a.key}`] = a.value
  for (const n of lead.notes ?? [])
    f[`n:${toJson([n.title, n.description])}`] = { title: n.title, description: n.description }
  return f
}

/**
 * The fields that differ between two versions of a lead: changed and new ones with
 * their new value, removed ones as cleared (`''`) or removed (`false`). A removed
 * note is not a change (notes are append-only).
 */
export function changes(prev: Lead, next: Lead): Fields {
  const before = fieldsOf(prev)
  const after = fieldsOf(next)
  const out: Fields = {}
  for (const [k, v] of Object.entries(after)) if (!same(before[k], v)) out[k] = v
  for (const k of Object.keys(before)) {
    if (!(k in after) && !k.startsWith('n:')) out[k] = k[1] === ':' ? false : ''
  }
  return out
}

/** Whether two field values are equal (notes by content). */
export const same = (a: FieldValue | undefined, b: FieldValue | undefined): boolean =>
  a === b || (typeof a === 'object' && typeof b === 'object' && toJson(a) === toJson(b))

/**
 * Builds the PUT body from {@link Fields}: ids first, then only the fields that have
 * a value. Empty `tags`/`attributes`/`notes` are left out, so the widget never
 * clears what an agent added in the inbox. The body is a full snapshot: sending it
 * twice is harmless.
 */
export function payloadOf(ids: LeadIds, fields: Fields): LeadPayload {
  const body: LeadPayload = { uuid: ids.uuid, botId: ids.botId, customerId: ids.customerId }
  const tags: string[] = []
  const attributes: Attribute[] = []
  const notes: Note[] = []
  for (const k of SCALARS) {
    const v = fields[k]
    if (v && typeof v === 'string') Object.assign(body, { [k]: v })
  }
  for (const [k, v] of Object.entries(fields)) {
    const rest = k.slice(2)
    if (k.startsWith('t:') && v === true) tags.push(rest)
    else if (k.startsWith('a:') && typeof v === 'string') attributes.push({ key: rest, value: v })
    else if (k.startsWith('n:') && v && typeof v === 'object') notes.push({ ...v })
  }
  if (tags.length) body.tags = tags
  if (attributes.length) body.attributes = attributes
  if (notes.length) body.notes = notes
  return body
}

/** The PUT body of a whole lead ({@link payloadOf} of {@link fieldsOf}). */
export const leadPayload = (ids: LeadIds, lead: Lead): LeadPayload => payloadOf(ids, fieldsOf(lead))

/** Adds tags (trimmed, no duplicates, order kept) and removes others. Returns a new lead. */
export function withTags(
  lead: Lead,
  add: readonly string[] = [],
  remove: readonly string[] = [],
): Lead {
  const tags = lead.tags.filter((t) => !remove.includes(t))
  for (const t of add.map((s) => s.trim())) if (t && !tags.includes(t)) tags.push(t)
  return { ...lead, tags }
}

/** Sets attribute `key` to `value`, replacing an earlier value of the same key. Returns a new lead. */
export function withAttribute(lead: Lead, key: string, value: string): Lead {
  return { ...lead, attributes: [...lead.attributes.filter((a) => a.key !== key), { key, value }] }
}

/**
 * `JSON.stringify` that ignores `toJSON` on arrays and objects. Prototype.js and
 * other old host libraries define `Array.prototype.toJSON`, which makes the native
 * stringify double-encode arrays (`"tags":"[\"a\"]"`).
 */
export function toJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => toJson(v ?? null)).join(',')}]`
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${toJson(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
