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
 * @returns the ids, or a sentence saying what is wrong (for an `E_TAG` console line).
 * Never throws.
 * @example parseTag(' 63d9ff , 631aa7 ') // { botId: '63d9ff', customerId: '631aa7' }
 */
export function parseTag(text: string | null | undefined): TagIds | string {
  const raw = (text ?? '').trim()
  if (!raw) return 'the script tag has no "BotId,CustomerId" text'
  const parts = raw.split(',').map((p) => p.trim())
  if (parts.length !== 2)
    return `expected "BotId,CustomerId" in the script tag, got "${raw.slice(0, 80)}"`
  const [botId = '', customerId = ''] = parts
  if (!ID.test(botId)) return `the BotId "${botId.slice(0, 80)}" is not a valid id`
  if (!ID.test(customerId)) return `the CustomerId "${customerId.slice(0, 80)}" is not a valid id`
  return { botId, customerId }
}
