/**
 * Request bodies of the live chat endpoints (our extension, docs/platform-api.md
 * "Our extensions: live chat"), as valibot schemas. Unknown fields are ignored, as
 * in the lead PUT's schema (demo/app.ts).
 */
import * as v from 'valibot'
import { MessageAttachment } from './attachments'

/** Most messages one `POST /inbox/direct/messages` may carry; more answers 413. */
export const MAX_BATCH = 50
/** Longest message text (UTF-16 code units, what `String.length` counts). */
export const MAX_TEXT = 5000
/** Largest accepted body of a live chat POST (bytes of UTF-8); bigger answers 413. */
export const MAX_LIVE_BODY = 1024 * 1024

/** RFC 9562 (was RFC 4122) version 4, any case. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i
/** ISO 8601 date-time in UTC (`Z`), seconds required, up to 9 fraction digits. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/

/** The same identifier rule as the lead PUT's `uuid`, `botId`, `customerId`. */
const ident = v.pipe(v.string(), v.minLength(1), v.maxLength(128))
const text = v.pipe(
  v.string(),
  v.maxLength(MAX_TEXT, `at most ${MAX_TEXT} characters`),
  v.check((s) => s.trim() !== '', 'must not be empty'),
)
const picture = v.pipe(
  v.string(),
  v.url(),
  v.check((s) => /^https?:/i.test(s), 'an http(s) image URL'),
)

/** A message id: a UUID v4. */
export const MessageId = v.pipe(v.string(), v.regex(UUID_V4, 'a UUID v4'))

/** A moment, normalised to `Date.prototype.toISOString()` (milliseconds, `Z`). */
const at = v.pipe(
  v.string(),
  v.regex(ISO_UTC, 'an ISO 8601 UTC date-time such as 2024-05-01T09:30:00.000Z'),
  v.check((s) => {
    const d = new Date(s)
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s.slice(0, 10)
  }, 'not a real date'),
  v.transform((s) => new Date(s).toISOString()),
)

/** An agent as the agent side names them; `picture` optional. */
export const AgentBody = v.object({
  id: ident,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  picture: v.optional(v.nullable(picture)),
})

/** The three ids of a conversation. */
const conversation = { uuid: ident, botId: ident, customerId: ident }

/**
 * `POST /inbox/direct/messages`. The batch size (413), "no messages and no
 * handoff" (400) and that an `attachment` is one of the conversation's (400) are
 * checked by the route.
 */
export const MessagesBody = v.object({
  ...conversation,
  messages: v.array(
    v.object({
      id: MessageId,
      by: v.picklist(['visitor', 'bot']),
      text,
      at,
      attachment: v.optional(MessageAttachment),
    }),
  ),
  handoff: v.optional(v.literal(true)),
})

/** `POST /inbox/direct/typing`. */
export const TypingBody = v.object(conversation)

/** `POST /inbox/direct/reply`. */
export const ReplyBody = v.object({ ...conversation, text, agent: AgentBody })

/** `POST /inbox/direct/agent-typing`. */
export const AgentTypingBody = v.object({ ...conversation, agent: AgentBody })

/** `POST /inbox/direct/read`. */
export const ReadBody = v.object({ ...conversation, upTo: MessageId })

/** `POST /demo/api/agents` (demo control). */
export const AgentsOverrideBody = v.object({
  online: v.nullable(v.boolean()),
  agents: v.optional(v.pipe(v.array(AgentBody), v.maxLength(100))),
  botId: v.optional(ident),
})
