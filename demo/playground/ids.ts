/**
 * The bot the playground edits, previews and lists: `?bot=&customer=` (each 1–64
 * letters, digits, `_` or `-`, as in the embed tag), else the stable demo pair.
 * Tests give each run its own ids, so they never share documents or leads.
 */
const ID = /^[\w-]{1,64}$/
const query = new URLSearchParams(location.search)
const pick = (name: string, fallback: string): string => {
  const v = query.get(name)?.trim()
  return v && ID.test(v) ? v : fallback
}

export const BOT = pick('bot', 'demo-bot')
export const CUSTOMER = pick('customer', 'demo-customer')
/** The demo server's token (`x-bp-token`, `x-bot-token`, `Authorization: Bearer`). */
export const TOKEN = 'demo-token'
