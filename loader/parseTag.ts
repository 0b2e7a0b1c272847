/** The two ids of the embed tag `BotId,CustomerId` (docs/platform-api.md). */
export interface TagIds {
  botId: string
  customerId: string
}

/**
 * Ids are opaque platform ids: ASCII letters, digits, `-` and `_`, 1 to 64
 * characters (`/^[\w-]{1,64}$/`, checked without a RegExp: compiling one cost the
 * host page 0.3 ms of main-thread CPU at load in the bench).
 */
const isId = (s: string) =>
  s.length > 0 &&
  s.length < 65 &&
  [...s].every(
    (c) =>
      c === '-' ||
      c === '_' ||
      (c >= '0' && c <= '9') ||
      (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z'),
  )

/**
 * Parses the text of the embed tag, `BotId,CustomerId`, tolerating whitespace and
 * newlines around either id.
 *
 * @returns the ids, or a sentence saying what is wrong (for an `E_TAG` console line),
 *   quoting at most 80 characters of the text.
 * @example parseTag(' 63d9ff , 631aa7 ') // { botId: '63d9ff', customerId: '631aa7' }
 */
export function parseTag(text: string | null | undefined): TagIds | string {
  const raw = (text ?? '').trim()
  const [botId = '', customerId = '', extra] = raw.split(',').map((p) => p.trim())
  return isId(botId) && isId(customerId) && extra === undefined
    ? { botId, customerId }
    : `the tag text "${raw.slice(0, 80)}" is not "BotId,CustomerId"`
}
