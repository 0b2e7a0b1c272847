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

/**
 * Builds the PUT body: ids first, then only the fields that have a value. Empty
 * `tags`/`attributes`/`notes` are left out, so the widget never clears what an
 * agent added in the inbox. The body is a full snapshot: sending it twice is harmless.
 */
export function leadPayload(ids: LeadIds, lead: Lead): LeadPayload {
  const body: LeadPayload = { uuid: ids.uuid, botId: ids.botId, customerId: ids.customerId }
  for (const k of ['name', 'email', 'phone', 'dialCode', 'status'] as const) {
    const v = lead[k]
    if (v) Object.assign(body, { [k]: v })
  }
  if (lead.tags.length) body.tags = [...lead.tags]
  if (lead.attributes.length) body.attributes = lead.attributes.map((a) => ({ ...a }))
  if (lead.notes.length) body.notes = lead.notes.map((n) => ({ ...n }))
  return body
}

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
