/** The two ids of the embed tag `BotId,CustomerId` (seed 001, "For Chatbot Script"). */
export interface TagIds {
  botId: string
  customerId: string
}

/** Ids are opaque platform ids: letters, digits, `-` and `_`, 1 to 64 characters. */
const ID = /^[\w-]{1,64}$/

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
  return ID.test(botId) && ID.test(customerId) && extra === undefined
    ? { botId, customerId }
    : `the tag text "${raw.slice(0, 80)}" is not "BotId,CustomerId"`
}
