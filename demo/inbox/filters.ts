/**
 * The filters of `POST /inbox/users` (the platform's help centre) as an SQL `WHERE`
 * over the demo's users: website chats (channel `web`, table `chats`) and imported
 * contacts (channel `import`, table `contacts`), see `listUsers` in ../db.ts.
 *
 * Filters applied to our data:
 * - `searchText`: case-insensitive substring of the name, email or phone; a search
 *   made of digits (and `+`, spaces, dashes, brackets) also matches dial code + number.
 * - `tags`: users with at least one of the tags (exact match).
 * - `status`: users whose chat status is one of these (imported contacts are `OPEN`).
 * - `_botWebsite`: users who chatted on one of these website bots (imported ones did not).
 * - `_agentAssigned`: users whose chat is assigned to one of these agents (`agentId`).
 * - `createdAt`, `lastSeenAt`: `{startAt, endsAt}`, inclusive; a bound that is `""`
 *   is open; an `endsAt` without a time (`2024-05-01`) includes that whole day (UTC).
 *   Imported contacts were never seen: any `lastSeenAt` bound leaves them out.
 * - `isContact: true`: only users with contact details (a name, email or phone:
 *   leads and imported contacts), not anonymous chats. Our reading of the sample.
 * - `userInteracted` (`true`: users who opened a bot, i.e. website chats; `false`:
 *   imported contacts only), and `isOnline`, `isLiveChatActive`, `hasOrdered.status`
 *   below. The seed's sample sends `isOnline: false` next to
 *   `applicableFilters: ["userInteracted"]`, so these boolean filters apply only when
 *   `applicableFilters` names them; otherwise they are ignored.
 *
 * Filters on things the demo does not have, which no user matches when set (a
 * non-empty list or, when applicable, `true`): `isOnline` (no presence tracking:
 * every user is offline), `isLiveChatActive` (no live chat), `hasOrdered` (no
 * orders), `_botWhatsapp`, `_botTelegram`, `_botFacebook` (only website bots),
 * `segments` (no segments), `lastMessageBy` (messages are not stored).
 *
 * Ignored: `isExport` (an export mode, not a filter; the demo always answers one
 * JSON page), `hasOrdered.lastAt` (no orders).
 */
import type { UsersFilter } from './schema'

/** `WHERE` clause (`1` when nothing filters) and its positional parameters. */
export interface Where {
  sql: string
  params: (string | number)[]
}

const NONE = '0'
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ')
/** The end of `s` as an ISO instant; a bare date ends at 23:59:59.999 UTC. */
const endOf = (s: string) =>
  new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T23:59:59.999Z` : s).toISOString()

/** Builds the `WHERE` of `filter` over the columns of the `users` view in db.ts. */
export function usersWhere(filter: UsersFilter): Where {
  const and: string[] = []
  const params: (string | number)[] = []
  const oneOf = (column: string, values: readonly string[]) => {
    and.push(`${column} IN (${marks(values.length)})`)
    params.push(...values)
  }

  const q = filter.searchText?.trim()
  if (q) {
    const like = `%${likeEscape(q)}%`
    const or = ["name LIKE ? ESCAPE '\\'", "email LIKE ? ESCAPE '\\'", "phone LIKE ? ESCAPE '\\'"]
    params.push(like, like, like)
    const digits = q.replace(/[\s+().-]/g, '')
    if (/^\d+$/.test(digits)) {
      or.push(`(COALESCE(prefix, '') || COALESCE(phone, '')) LIKE ?`)
      params.push(`%${digits}%`)
    }
    and.push(`(${or.join(' OR ')})`)
  }
  if (filter.tags?.length) {
    and.push(
      `EXISTS (SELECT 1 FROM json_each(users.tags) t WHERE t.value IN (${marks(filter.tags.length)}))`,
    )
    params.push(...filter.tags)
  }
  if (filter.status?.length) oneOf('status', filter.status)

  // Channels: a user matches when on one of the listed bots of any channel.
  const web = filter._botWebsite ?? []
  const otherChannels = [filter._botWhatsapp, filter._botTelegram, filter._botFacebook]
  if (web.length) oneOf('bot_id', web)
  else if (otherChannels.some((l) => l?.length)) and.push(NONE)

  if (filter._agentAssigned?.length) oneOf('agent_id', filter._agentAssigned)
  if (filter.segments?.length || filter.lastMessageBy?.length) and.push(NONE)

  for (const [column, range] of [
    ['created_at', filter.createdAt],
    ['last_seen_at', filter.lastSeenAt],
  ] as const) {
    if (range?.startAt) {
      and.push(`${column} >= ?`)
      params.push(new Date(range.startAt).toISOString())
    }
    if (range?.endsAt) {
      and.push(`${column} <= ?`)
      params.push(endOf(range.endsAt))
    }
  }

  if (filter.isContact) and.push('COALESCE(name, email, phone) IS NOT NULL')

  const applies = new Set(filter.applicableFilters ?? [])
  if (applies.has('userInteracted') && typeof filter.userInteracted === 'boolean')
    and.push(filter.userInteracted ? "channel = 'web'" : "channel = 'import'")
  if (applies.has('isOnline') && filter.isOnline) and.push(NONE)
  if (applies.has('isLiveChatActive') && filter.isLiveChatActive) and.push(NONE)
  if (applies.has('hasOrdered') && filter.hasOrdered?.status) and.push(NONE)

  return { sql: and.length ? and.join(' AND ') : '1', params }
}
