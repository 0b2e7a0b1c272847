/**
 * What the chat remembers across tab sessions, and of conversations started
 * again (docs/architecture.md, "Returning visitors and earlier conversations").
 *
 * The visitor's UUID lives in the tab's `sessionStorage` (the platform's
 * contract): a new tab session is a new chat on the platform. What this browser's
 * IndexedDB already keeps for the retention period is used to make it feel like
 * one conversation:
 *
 * - `chat:back:<botId>` ({@link backKey}): the known lead fields (name, email, phone,
 *   dial code) of the bot's latest conversation and its UUID, written while a chat with a
 *   known field goes on. A new tab session starts with that lead (the bot does not
 *   ask again, the greeting names the visitor) and shows that conversation above
 *   its own, collapsed, with "Welcome back, Ada".
 * - `chat:<uuid>:earlier` ({@link earlierKey}): a tab session's previous
 *   conversations, the newest {@link MAX_SAVED} messages: those a "New
 *   conversation" cleared, and for a returning visitor those of the tab session it
 *   returns from. A reload shows them again.
 *
 * Both are saved chats in shape (core/actions.ts `SavedChat`), so the retention
 * sweep (core/sweep.ts) removes them like any conversation, and `Reekolect('reset')`
 * forgets them ({@link forgetBack}).
 */
import { BACK_FLAG, BACK_KEY } from '../../loader/protocol'
import { chatKey, type SavedChat, savedChat } from '../core/actions'
import { emptyLead, type Lead } from '../core/lead'
import { MAX_SAVED, type Message } from '../core/state'
import type { Kv } from '../core/storage'

/** Storage key of bot `botId`'s returning visitor ({@link BackRecord}). */
export const backKey = (botId: string): string => BACK_KEY + botId

/** Storage key of the previous conversations of visitor `uuid`'s tab session. */
export const earlierKey = (uuid: string): string => `chat:${uuid}:earlier`

/** The returning visitor's record ({@link backKey}): a saved chat without messages, and whose it was. */
export interface BackRecord extends SavedChat {
  /** The UUID of the conversation whose lead it holds. */
  uuid: string
}

/** A tab session's previous conversations ({@link earlierKey}). */
export interface EarlierRecord extends SavedChat {
  /** The name of a returning visitor, greeted with it until they start a new conversation. */
  welcome?: string
}

/** The fields of `lead` a returning visitor is not asked again; `undefined` when none is known. */
export function knownLead(lead: Lead): Lead | undefined {
  const { name, email, phone, dialCode } = lead
  if (!name && !email && !phone) return undefined
  return {
    ...emptyLead(),
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(phone ? { phone, ...(dialCode ? { dialCode } : {}) } : {}),
  }
}

/** A saved-chat record of `messages` (and `lead`), as of `at`. */
const record = (at: number, messages: Message[], lead: Lead = emptyLead()): SavedChat => ({
  v: 1,
  at,
  messages: messages.slice(-MAX_SAVED),
  lead,
  open: false,
})

/** The earlier record of `messages`, greeting `welcome` when given. */
export const earlierRecord = (
  at: number,
  messages: Message[],
  welcome?: string,
): EarlierRecord => ({
  ...record(at, messages),
  ...(welcome ? { welcome } : {}),
})

/** The returning visitor's record for visitor `uuid` with the known fields `lead`. */
export const backRecord = (at: number, uuid: string, lead: Lead): BackRecord => ({
  ...record(at, [], lead),
  uuid,
})

/** What a tab session shows above its conversation. */
export interface Earlier {
  messages: Message[]
  /** A returning visitor's name: "Welcome back, Ada". */
  welcome?: string | undefined
}

/** A stored record read as a saved chat, `undefined` when absent, malformed or past `keep` (ms) at `now`. */
async function read<T extends SavedChat>(kv: Kv, key: string, now: number, keep: number) {
  const r = savedChat(await kv.get(key).catch(() => undefined)) as T | undefined
  return r && now - (r.at ?? 0) <= keep ? r : undefined
}

/**
 * What visitor `uuid`'s tab session shows above its conversation: its own earlier
 * record (a reload), else, for a returning visitor (the returning record names
 * another UUID), the conversation of that tab session with its own earlier ones,
 * which it then stores as this session's earlier record, greeting the returning
 * visitor by name when the lead has one. `undefined` when there is nothing. Never
 * rejects: storage faults read as nothing.
 */
export async function loadEarlier(
  kv: Kv,
  ids: { uuid: string; botId: string },
  now: number,
  keep: number,
): Promise<Earlier | undefined> {
  const { uuid } = ids
  const own = await read<EarlierRecord>(kv, earlierKey(uuid), now, keep)
  if (own) return { messages: own.messages, welcome: own.welcome }
  const back = await read<BackRecord>(kv, backKey(ids.botId), now, keep)
  if (!back || typeof back.uuid !== 'string' || back.uuid === uuid) return undefined
  const before = await read<EarlierRecord>(kv, earlierKey(back.uuid), now, keep)
  const last = await read(kv, chatKey(back.uuid), now, keep)
  const messages = [...(before?.messages ?? []), ...(last?.messages ?? [])].slice(-MAX_SAVED)
  if (!messages.length) return undefined
  const welcome = back.lead.name
  await kv.set(earlierKey(uuid), earlierRecord(now, messages, welcome)).catch(() => undefined)
  return { messages, welcome }
}

/**
 * Forgets bot `botId`'s returning visitor ({@link backKey}), visitor `uuid`'s
 * previous conversations ({@link earlierKey}) and the {@link BACK_FLAG}:
 * `Reekolect('reset')`, so that the next visitor of this browser is not greeted as
 * the last one. Never rejects.
 */
export async function forgetBack(
  kv: Kv,
  uuid: string,
  botId: string,
  local?: Pick<Storage, 'removeItem'>,
): Promise<void> {
  try {
    ;(local ?? localStorage).removeItem(BACK_FLAG)
  } catch {
    /* no localStorage: the flag was never set */
  }
  await Promise.all([kv.del(backKey(botId)), kv.del(earlierKey(uuid))]).catch(() => undefined)
}
