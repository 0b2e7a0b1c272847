/**
 * What the chat remembers across tab sessions (back.ts): the known lead fields a
 * returning visitor is not asked again, and the previous conversation a new tab
 * session shows, read once and kept for its reloads.
 */
import { describe, expect, it } from 'vitest'
import { chatKey, type SavedChat } from '../core/actions'
import { emptyLead } from '../core/lead'
import { DAY } from '../core/retention'
import { MAX_SAVED, type Message } from '../core/state'
import { memoryKv } from '../core/storage'
import {
  backKey,
  backRecord,
  earlierKey,
  earlierRecord,
  forgetBack,
  knownLead,
  loadEarlier,
} from './back'

const BOT = 'shop'
const OLD = '11111111-1111-4111-8111-111111111111'
const NEW = '22222222-2222-4222-8222-222222222222'
const NOW = 1_800_000_000_000
const KEEP = 30 * DAY
const ADA = { ...emptyLead(), name: 'Ada', email: 'ada@example.com' }

const msg = (id: number, text: string, from: Message['from'] = 'bot'): Message => ({
  id,
  from,
  text,
  at: NOW - DAY,
})
const chat = (messages: Message[], at = NOW - DAY): SavedChat => ({
  v: 1,
  at,
  messages,
  lead: ADA,
  open: false,
})

/** A browser where visitor OLD's tab session talked with the bot, and left the returning record. */
async function returning(at = NOW - DAY) {
  const kv = memoryKv()
  await kv.set(chatKey(OLD), chat([msg(1, 'Hi there!'), msg(2, 'Ada', 'visitor')], at))
  await kv.set(backKey(BOT), backRecord(at, OLD, ADA))
  return kv
}

describe('knownLead', () => {
  it('keeps name, email, phone with its dial code; none known is nothing', () => {
    const lead = {
      ...emptyLead(),
      name: 'Ada',
      phone: '7400123456',
      dialCode: '+44',
      tags: ['vip'],
      attributes: [{ key: 'story', value: 'long' }],
    }
    expect(knownLead(lead)).toEqual({
      ...emptyLead(),
      name: 'Ada',
      phone: '7400123456',
      dialCode: '+44',
    })
    expect(knownLead({ ...emptyLead(), tags: ['vip'] })).toBeUndefined()
  })
})

describe('loadEarlier', () => {
  it('a returning visitor: the other tab session’s conversation, welcomed by name, and stored for this one', async () => {
    const kv = await returning()
    const e = await loadEarlier(kv, { uuid: NEW, botId: BOT }, NOW, KEEP)
    expect(e).toEqual({ messages: [msg(1, 'Hi there!'), msg(2, 'Ada', 'visitor')], welcome: 'Ada' })
    // A reload of the new tab shows the same, from its own record.
    await kv.del(chatKey(OLD))
    expect(await loadEarlier(kv, { uuid: NEW, botId: BOT }, NOW + 1000, KEEP)).toEqual(e)
  })

  it('brings the other session’s own previous conversations too, oldest first, at most MAX_SAVED', async () => {
    const kv = await returning()
    const many = Array.from({ length: MAX_SAVED }, (_, i) => msg(i + 1, `old ${i}`))
    await kv.set(earlierKey(OLD), earlierRecord(NOW - DAY, many))
    const e = await loadEarlier(kv, { uuid: NEW, botId: BOT }, NOW, KEEP)
    expect(e?.messages).toHaveLength(MAX_SAVED)
    expect(e?.messages.at(-1)?.text).toBe('Ada')
    expect(e?.messages[0]?.text).toBe('old 2')
  })

  it('nothing for the same tab session, another bot, no conversation, or a record past the retention', async () => {
    const kv = await returning()
    expect(await loadEarlier(kv, { uuid: OLD, botId: BOT }, NOW, KEEP)).toBeUndefined()
    expect(await loadEarlier(kv, { uuid: NEW, botId: 'other' }, NOW, KEEP)).toBeUndefined()
    expect(await loadEarlier(kv, { uuid: NEW, botId: BOT }, NOW + KEEP, KEEP)).toBeUndefined()
    await kv.del(chatKey(OLD))
    expect(await loadEarlier(kv, { uuid: NEW, botId: BOT }, NOW, KEEP)).toBeUndefined()
    expect(await kv.get(earlierKey(NEW))).toBeUndefined()
  })

  it('no welcome without a name', async () => {
    const kv = await returning()
    await kv.set(backKey(BOT), backRecord(NOW, OLD, { ...emptyLead(), email: 'ada@example.com' }))
    expect((await loadEarlier(kv, { uuid: NEW, botId: BOT }, NOW, KEEP))?.welcome).toBeUndefined()
  })

  it('never rejects: a failing store reads as nothing', async () => {
    const kv = { ...memoryKv(), get: () => Promise.reject(new Error('gone')) }
    expect(await loadEarlier(kv, { uuid: NEW, botId: BOT }, NOW, KEEP)).toBeUndefined()
  })
})

describe('forgetBack', () => {
  it('removes the bot’s returning record, the visitor’s earlier one and the flag', async () => {
    const kv = await returning()
    await kv.set(earlierKey(OLD), earlierRecord(NOW, [msg(1, 'x')]))
    const removed: string[] = []
    await forgetBack(kv, OLD, BOT, { removeItem: (k) => void removed.push(k) })
    expect(await kv.get(backKey(BOT))).toBeUndefined()
    expect(await kv.get(earlierKey(OLD))).toBeUndefined()
    expect(await kv.get(chatKey(OLD))).toBeDefined()
    expect(removed).toEqual(['reekolect:back'])
  })
})
