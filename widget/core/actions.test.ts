import { describe, expect, it, vi } from 'vitest'
import { type ActionDeps, createActions } from './actions'
import { type AskNode, builtinFlow, type Flow } from './flow'
import { translator } from './i18n'
import type { LeadPayload } from './lead'
import { createState, MAX_MESSAGES } from './state'
import { type Kv, memoryKv } from './storage'

const t = translator()
const ids = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'bot1', customerId: 'cust1' }

/** Accepts one UK mobile number, like a phone validator would. */
const fakePhone = vi.fn(async (raw: string, country: string) =>
  raw.replace(/\D/g, '') === '07400123456' && country === 'GB'
    ? { phone: '7400123456', dialCode: '+44' }
    : undefined,
)

function setup(opts: { kv?: Kv; flow?: Flow; uuid?: string } = {}) {
  const state = createState()
  const payloads: LeadPayload[] = []
  const sync = vi.fn(async (p: LeadPayload) => {
    payloads.push(p)
  })
  const kv = opts.kv ?? memoryKv()
  const deps: ActionDeps = {
    flow: opts.flow ?? builtinFlow(t),
    kv,
    ids: () => ({ ...ids, uuid: opts.uuid ?? ids.uuid }),
    sync,
    phone: fakePhone,
    now: () => 1_700_000_000_000,
  }
  const actions = createActions(state, deps)
  const bot = () => state.messages.value.filter((m) => m.from === 'bot').map((m) => m.text)
  const texts = () => state.messages.value.map((m) => `${m.from}: ${m.text}`)
  return { state, actions, sync, payloads, kv, bot, texts }
}

describe('start', () => {
  it('greets, asks the name, and creates the chat with an ids-only sync', async () => {
    const { state, actions, payloads, texts } = setup()
    await actions.start()
    expect(texts()).toEqual([`bot: ${t('greet')}`, `bot: ${t('askName')}`])
    expect(state.ask.value?.input).toBe('name')
    expect(payloads).toEqual([ids])
  })

  it('runs only once', async () => {
    const { state, actions, sync } = setup()
    await actions.start()
    await actions.start()
    expect(state.messages.value).toHaveLength(2)
    expect(sync).toHaveBeenCalledTimes(1)
  })
})

describe('submit', () => {
  it('keeps the question and shows an inline error for an invalid email', async () => {
    const { state, actions, sync } = setup()
    await actions.start()
    expect(await actions.submit('Ada')).toBe(true)
    const before = state.messages.value.length
    const syncs = sync.mock.calls.length
    expect(await actions.submit('ada@localhost')).toBe(false)
    expect(state.error.value).toEqual({ key: 'errEmail' })
    expect(state.ask.value?.input).toBe('email')
    expect(state.messages.value).toHaveLength(before)
    expect(sync).toHaveBeenCalledTimes(syncs)
    // Correcting it clears the error and moves on.
    expect(await actions.submit('ada@example.com')).toBe(true)
    expect(state.error.value).toBeUndefined()
    expect(state.ask.value?.input).toBe('phone')
  })

  it('passes the maximum length with a too-long error', async () => {
    const { state, actions } = setup()
    await actions.start()
    expect(await actions.submit('a'.repeat(500))).toBe(false)
    expect(state.error.value?.key).toBe('errTooLong')
    expect(state.error.value?.vars?.max).toBeGreaterThan(0)
  })

  it('captures the whole lead, syncing a full snapshot after each answer', async () => {
    const { state, actions, payloads, bot } = setup()
    await actions.start()
    await actions.submit(' Ada  Lovelace ')
    expect(bot()).toContain(t('askEmail', { name: 'Ada Lovelace' }))
    await actions.submit('Ada@Example.com')
    expect(await actions.submit('07400 123456', 'GB')).toBe(true)
    expect(fakePhone).toHaveBeenLastCalledWith('07400 123456', 'GB')
    const topic = state.ask.value
    expect(topic?.input).toBe('choice')
    const support = topic!.options!.find((o) => o.label === t('topicSupport'))!
    actions.choose(support)

    expect(payloads).toEqual([
      ids,
      { ...ids, name: 'Ada Lovelace' },
      { ...ids, name: 'Ada Lovelace', email: 'ada@example.com' },
      {
        ...ids,
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '7400123456',
        dialCode: '+44',
      },
      {
        ...ids,
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '7400123456',
        dialCode: '+44',
        tags: [t('topicSupport')],
      },
    ])
    expect(state.ask.value).toBeUndefined()
    expect(bot()[bot().length - 1]).toBe(t('thanks'))
    // The transcript shows what the visitor answered.
    const mine = state.messages.value.filter((m) => m.from === 'visitor').map((m) => m.text)
    expect(mine).toEqual(['Ada  Lovelace', 'Ada@Example.com', '+44 7400123456', t('topicSupport')])
  })

  it('rejects a phone number the validator rejects, for the chosen country', async () => {
    const { state, actions } = setup()
    await actions.start()
    await actions.submit('Ada')
    await actions.submit('ada@example.com')
    expect(await actions.submit('07400 123456', 'US')).toBe(false)
    expect(state.error.value).toEqual({ key: 'errPhone' })
    expect(state.ask.value?.input).toBe('phone')
  })

  it('ignores a second submit while the first is being validated', async () => {
    const { state, actions, payloads } = setup()
    await actions.start()
    await actions.submit('Ada')
    await actions.submit('ada@example.com')
    const first = actions.submit('07400 123456', 'GB')
    expect(state.busy.value).toBe(true)
    expect(await actions.submit('07400 123456', 'GB')).toBe(false)
    expect(await first).toBe(true)
    expect(state.busy.value).toBe(false)
    const visitor = state.messages.value.filter((m) => m.from === 'visitor')
    expect(visitor).toHaveLength(3)
    expect(payloads.filter((p) => p.phone)).toHaveLength(1)
  })

  it('does nothing when no question waits', async () => {
    const { actions, state } = setup()
    expect(await actions.submit('hello')).toBe(false)
    expect(state.messages.value).toEqual([])
  })

  it('does not resend a lead that did not change', async () => {
    const flow: Flow = {
      id: 'f',
      nodes: [{ id: 'q', type: 'ask', input: 'text', text: 'Anything else?', next: 'q' }],
    }
    const { actions, sync } = setup({ flow })
    await actions.start()
    await actions.submit('one')
    await actions.submit('two')
    expect(sync).toHaveBeenCalledTimes(1)
  })
})

describe('choose', () => {
  it('adds the chosen topic as a tag', async () => {
    const { state, actions, payloads } = setup()
    await actions.start()
    await actions.submit('Ada')
    await actions.submit('ada@example.com')
    await actions.submit('07400123456', 'GB')
    const sales = state.ask.value!.options![0]!
    actions.choose(sales)
    expect(state.lead.value.tags).toEqual([sales.label])
    expect(payloads[payloads.length - 1]?.tags).toEqual([sales.label])
  })

  it('ignores a choice that is not an option of the waiting question', async () => {
    const { state, actions, sync } = setup()
    await actions.start()
    actions.choose({ label: 'Injected' })
    expect(state.ask.value?.input).toBe('name')
    expect(state.lead.value.tags).toEqual([])
    expect(sync).toHaveBeenCalledTimes(1)
  })
})

describe('reload', () => {
  it('restores the transcript, the waiting question and the lead from storage', async () => {
    const kv = memoryKv()
    const first = setup({ kv })
    await first.actions.start()
    await first.actions.submit('Ada')
    await first.actions.submit('ada@example.com')

    const second = setup({ kv })
    await second.actions.start()
    expect(second.state.messages.value).toEqual(first.state.messages.value)
    expect(second.state.ask.value?.id).toBe(first.state.ask.value?.id)
    expect(second.state.ask.value?.input).toBe('phone')
    expect(second.state.lead.value).toEqual(first.state.lead.value)
    // Nothing new to say and nothing new to sync.
    expect(second.sync).not.toHaveBeenCalled()
    // The conversation continues where it stopped.
    expect(await second.actions.submit('07400 123456', 'GB')).toBe(true)
    expect(second.payloads[0]).toMatchObject({
      name: 'Ada',
      email: 'ada@example.com',
      phone: '7400123456',
    })
    expect(second.state.ask.value?.input).toBe('choice')
  })

  it('keeps visitors apart: another UUID starts a fresh chat', async () => {
    const kv = memoryKv()
    const first = setup({ kv })
    await first.actions.start()
    await first.actions.submit('Ada')
    const other = setup({ kv, uuid: '00000000-0000-4000-8000-000000000000' })
    await other.actions.start()
    expect(other.state.lead.value.name).toBeUndefined()
    expect(other.state.ask.value?.input).toBe('name')
    expect(other.sync).toHaveBeenCalledTimes(1)
  })
})

describe('open, close and unread', () => {
  it('counts bot messages that arrive while closed, and clears them on open', async () => {
    const { state, actions } = setup()
    await actions.start()
    expect(state.open.value).toBe(false)
    expect(state.unread.value).toBe(2)
    actions.open()
    expect(state.open.value).toBe(true)
    expect(state.unread.value).toBe(0)
    await actions.submit('Ada')
    expect(state.unread.value).toBe(0)
    actions.close()
    await actions.submit('ada@example.com')
    // One bot question arrived while closed; the visitor's own message does not count.
    expect(state.unread.value).toBe(1)
  })

  it('starts the flow on first open', async () => {
    const { state, actions, sync } = setup()
    actions.open()
    await vi.waitFor(() => expect(state.ask.value?.input).toBe('name'))
    expect(state.unread.value).toBe(0)
    expect(sync).toHaveBeenCalledTimes(1)
  })

  it('toggle opens a closed chat and closes an open one', () => {
    const { state, actions } = setup()
    actions.toggle()
    expect(state.open.value).toBe(true)
    actions.toggle()
    expect(state.open.value).toBe(false)
  })
})

describe('transcript bound', () => {
  it(`keeps at most MAX_MESSAGES (${MAX_MESSAGES}) messages, dropping the oldest`, async () => {
    const flow: Flow = {
      id: 'loop',
      nodes: [{ id: 'q', type: 'ask', input: 'text', text: 'Tell me more', next: 'q' }],
    }
    const kv = memoryKv()
    const { state, actions } = setup({ flow, kv })
    await actions.start()
    const answers = Math.ceil(MAX_MESSAGES / 2) + 20
    for (let i = 1; i <= answers; i++) expect(await actions.submit(`answer ${i}`)).toBe(true)
    const list = state.messages.value
    expect(list).toHaveLength(MAX_MESSAGES)
    expect(list[list.length - 1]).toMatchObject({ from: 'bot', text: 'Tell me more' })
    expect(list[list.length - 2]).toMatchObject({ from: 'visitor', text: `answer ${answers}` })
    expect(list.map((m) => m.text)).not.toContain('answer 1')
    const ids = list.map((m) => m.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
    // What is persisted is bounded too.
    const reloaded = setup({ flow, kv })
    await reloaded.actions.start()
    expect(reloaded.state.messages.value).toHaveLength(MAX_MESSAGES)
    expect((reloaded.state.ask.value as AskNode).id).toBe('q')
  })

  it('caps a saved transcript longer than MAX_MESSAGES when it is restored', async () => {
    const kv = memoryKv()
    const messages = Array.from({ length: MAX_MESSAGES + 5 }, (_, i) => ({
      id: i + 1,
      from: 'bot' as const,
      text: `m${i + 1}`,
      at: 0,
    }))
    await kv.set(`chat:${ids.uuid}`, {
      v: 1,
      messages,
      ask: 'name',
      lead: { tags: [], attributes: [], notes: [] },
      open: true,
    })
    const { state, actions } = setup({ kv })
    await actions.start()
    expect(state.messages.value).toHaveLength(MAX_MESSAGES)
    expect(state.messages.value[0]?.text).toBe('m6')
  })
})
