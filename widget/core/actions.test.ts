import { effect } from '@preact/signals-core'
import { describe, expect, it, vi } from 'vitest'
import { BACK_KEY } from '../../loader/protocol'
import { parseConfig } from '../config/schema'
import { createRich } from '../rich'
import {
  type ActionDeps,
  type ActionExtension,
  createActions,
  type SavedChat,
  savedChat,
} from './actions'
import { type AskNode, builtinFlow, type Flow, type Graph, graph } from './flow'
import { translator } from './i18n'
import { emptyLead, type LeadPayload } from './lead'
import { recordSnapshots } from './outbox.fake'
import { createState, MAX_MESSAGES, MAX_SAVED, type State } from './state'
import { type Kv, memoryKv } from './storage'

const t = translator()
const ids = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'bot1', customerId: 'cust1' }

/** Accepts one UK mobile number, like a phone validator would. */
const fakePhone = vi.fn(async (raw: string, country: string) =>
  raw.replace(/\D/g, '') === '07400123456' && country === 'GB'
    ? { phone: '7400123456', dialCode: '+44' }
    : undefined,
)

/** The input kind of the waiting question; `undefined` when none waits or it is not a question. */
const input = (state: State) => {
  const node = state.ask.value
  return node?.type === 'ask' ? node.input : undefined
}

/** The waiting question; fails the test when something else waits. */
const asked = (state: State): AskNode => {
  const node = state.ask.value
  if (node?.type !== 'ask') throw new Error(`expected a question, got ${node?.type}`)
  return node
}

function setup(
  opts: {
    kv?: Kv
    flow?: Flow
    uuid?: string
    graph?: Graph
    ext?: ActionExtension
    fresh?: () => boolean
    now?: () => number
    keep?: number
    handoff?: (team?: string) => void
  } = {},
) {
  const state = createState()
  const payloads: LeadPayload[] = []
  const sync = vi.fn(recordSnapshots(payloads))
  const kv = opts.kv ?? memoryKv()
  const deps: ActionDeps = {
    graph: opts.graph ?? graph([opts.flow ?? builtinFlow(t)]),
    ext: opts.ext,
    kv,
    ids: () => ({ ...ids, uuid: opts.uuid ?? ids.uuid }),
    sync,
    phone: fakePhone,
    now: opts.now ?? (() => 1_700_000_000_000),
    fresh: opts.fresh,
    keep: opts.keep,
    t: (k) => t(k),
    handoff: opts.handoff,
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
    expect(input(state)).toBe('name')
    expect(payloads).toEqual([ids])
  })

  it('shows the greeting in the same task as open() for a UUID new on this page', async () => {
    const kv = memoryKv()
    const get = vi.spyOn(kv, 'get')
    const { state, actions, texts } = setup({ kv, fresh: () => true })
    actions.open()
    // No await: the window and the first bot message render together.
    expect(state.open.value).toBe(true)
    expect(texts()).toEqual([`bot: ${t('greet')}`, `bot: ${t('askName')}`])
    expect(get).not.toHaveBeenCalled()
    await actions.start()
    expect((await kv.get<SavedChat>(`chat:${ids.uuid}`))?.messages).toHaveLength(2)
  })

  it('asks whether the UUID is new when the chat starts, not before', async () => {
    const kv = memoryKv()
    await kv.set(`chat:${ids.uuid}`, {
      v: 1,
      messages: [{ id: 1, from: 'bot', at: 1_700_000_000_000, text: 'saved meanwhile' }],
      lead: emptyLead(),
      open: false,
    } satisfies SavedChat)
    // Another frame of the tab stored the UUID and saved a chat after this one mounted.
    const fresh = vi.fn(() => false)
    const { actions, texts } = setup({ kv, fresh })
    expect(fresh).not.toHaveBeenCalled()
    await actions.start()
    expect(fresh).toHaveBeenCalledTimes(1)
    expect(texts()).toEqual(['bot: saved meanwhile'])
  })

  it('a new tab session of a returning visitor (no chat under its UUID) starts with the known lead of the bot’s record', async () => {
    const kv = memoryKv()
    const lead = { ...emptyLead(), name: 'Ada', email: 'ada@example.com' }
    const back = { v: 1, at: 1_700_000_000_000, messages: [], lead, open: false, uuid: 'earlier' }
    await kv.set(`${BACK_KEY}${ids.botId}`, back)
    const { state, actions, texts, payloads } = setup({ kv })
    await actions.start()
    // Name and email known: greeted by name, asked the phone.
    expect(texts()).toEqual([`bot: ${t('greetNamed', { name: 'Ada' })}`, `bot: ${t('askPhone')}`])
    expect(payloads).toEqual([{ ...ids, name: 'Ada', email: 'ada@example.com' }])
    expect(state.lead.value).toEqual(lead)
  })

  it('a returning visitor’s record of another bot, or past the retention, is not used', async () => {
    const kv = memoryKv()
    const lead = { ...emptyLead(), name: 'Ada' }
    await kv.set(`${BACK_KEY}other-bot`, {
      v: 1,
      at: 1_700_000_000_000,
      messages: [],
      lead,
      open: false,
    })
    const one = setup({ kv })
    await one.actions.start()
    expect(one.texts()).toEqual([`bot: ${t('greet')}`, `bot: ${t('askName')}`])
    await kv.set(`${BACK_KEY}${ids.botId}`, { v: 1, at: 1, messages: [], lead, open: false })
    const two = setup({ kv, uuid: '99999999-9999-4999-8999-999999999999' })
    await two.actions.start()
    expect(two.texts()).toEqual([`bot: ${t('greet')}`, `bot: ${t('askName')}`])
  })

  it('waits for storage before greeting a returning visitor', async () => {
    const { actions, texts } = setup()
    actions.open()
    expect(texts()).toEqual([])
    await actions.start()
    expect(texts()).toHaveLength(2)
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
  it('built-in flow: an email with a likely typo is refused once with its correction', async () => {
    const { state, actions } = setup()
    await actions.start()
    await actions.submit('Ada')
    expect(await actions.submit('ada@gmial.com')).toBe(false)
    expect(state.error.value).toEqual({
      key: 'emailSuggest',
      vars: { email: 'ada@gmail.com' },
      suggest: 'ada@gmail.com',
    })
    expect(input(state)).toBe('email')
    // The visitor insists: the same address is taken as typed.
    expect(await actions.submit('ada@gmial.com')).toBe(true)
    expect(state.lead.value.email).toBe('ada@gmial.com')
  })

  it('keeps the question and shows an inline error for an invalid email', async () => {
    const { state, actions, sync } = setup()
    await actions.start()
    expect(await actions.submit('Ada')).toBe(true)
    const before = state.messages.value.length
    const syncs = sync.mock.calls.length
    expect(await actions.submit('ada@localhost')).toBe(false)
    expect(state.error.value).toEqual({ key: 'errEmail' })
    expect(input(state)).toBe('email')
    expect(state.messages.value).toHaveLength(before)
    expect(sync).toHaveBeenCalledTimes(syncs)
    // Correcting it clears the error and moves on.
    expect(await actions.submit('ada@example.com')).toBe(true)
    expect(state.error.value).toBeUndefined()
    expect(input(state)).toBe('phone')
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
    const topic = asked(state)
    expect(topic.input).toBe('choice')
    const support = topic.options!.find((o) => o.label === t('topicSupport'))!
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
    // The thanks waits with "Talk to a person".
    expect(state.ask.value?.id).toBe('thanks')
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
    expect(input(state)).toBe('phone')
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
    expect(sync).toHaveBeenCalledTimes(1)
    await actions.submit('one')
    expect(sync).toHaveBeenCalledTimes(2)
    // The same answer again leaves attribute `q` as it was: nothing to send.
    await actions.submit('one')
    expect(sync).toHaveBeenCalledTimes(2)
  })

  it('takes an address refused for a likely typo when sent again, however it is cased or spaced', async () => {
    const { state, actions } = setup()
    await actions.start()
    await actions.submit('Ada')
    expect(await actions.submit(' Ada@Gmial.com')).toBe(false)
    expect(state.error.value?.key).toBe('emailSuggest')
    expect(await actions.submit('not an address')).toBe(false) // another wrong try in between
    expect(await actions.submit('ada@gmial.com')).toBe(true)
    expect(state.lead.value.email).toBe('ada@gmial.com')
  })

  it('checks a phone number for the US when no country is chosen', async () => {
    const { actions } = setup()
    await actions.start()
    await actions.submit('Ada')
    await actions.submit('ada@example.com')
    fakePhone.mockClear()
    await actions.submit('(201) 555-0123')
    expect(fakePhone).toHaveBeenLastCalledWith(expect.any(String), 'US')
  })

  it('drops an answer whose question was left while it was checked (the host started a flow)', async () => {
    const { state, actions } = setup()
    await actions.start()
    await actions.submit('Ada')
    await actions.submit('ada@example.com')
    expect(input(state)).toBe('phone')
    const pending = actions.submit('07400 123456', 'GB')
    actions.go('topic') // the host's startFlow while the number is checked
    expect(await pending).toBe(false)
    expect(state.ask.value?.id).toBe('topic')
    expect(state.lead.value.phone).toBeUndefined()
  })
})

describe('choose', () => {
  it('adds the chosen topic as a tag', async () => {
    const { state, actions, payloads } = setup()
    await actions.start()
    await actions.submit('Ada')
    await actions.submit('ada@example.com')
    await actions.submit('07400123456', 'GB')
    const sales = asked(state).options![0]!
    actions.choose(sales)
    expect(state.lead.value.tags).toEqual([sales.label])
    expect(payloads[payloads.length - 1]?.tags).toEqual([sales.label])
  })

  it('ignores a choice that is not an option of the waiting question', async () => {
    const { state, actions, sync } = setup()
    await actions.start()
    actions.choose({ label: 'Injected' })
    expect(input(state)).toBe('name')
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
    expect(input(second.state)).toBe('phone')
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
    expect(input(second.state)).toBe('choice')
  })

  it('starts over once the saved chat is older than the retention (30 days by default)', async () => {
    const kv = memoryKv()
    const day = 86_400_000
    let clock = 1_700_000_000_000
    const first = setup({ kv, now: () => clock })
    await first.actions.start()
    await first.actions.submit('Ada')
    // 29 days later the visitor (a restored tab keeps its UUID) is where they were…
    clock += 29 * day
    const soon = setup({ kv, now: () => clock })
    await soon.actions.start()
    expect(input(soon.state)).toBe('email')
    // …but 31 days after the last change, the old conversation is not shown again.
    clock += 31 * day
    const later = setup({ kv, now: () => clock })
    expect(await later.actions.start()).toBe(false)
    expect(later.bot()).toEqual([t('greet'), t('askName')])
    expect(later.state.lead.value.name).toBeUndefined()
    // A shorter retention (data-retention-days="1") applies the same way.
    await later.actions.submit('Grace')
    clock += 2 * day
    const short = setup({ kv, now: () => clock, keep: day })
    await short.actions.start()
    expect(input(short.state)).toBe('name')
  })

  it('keeps visitors apart: another UUID starts a fresh chat', async () => {
    const kv = memoryKv()
    const first = setup({ kv })
    await first.actions.start()
    await first.actions.submit('Ada')
    const other = setup({ kv, uuid: '00000000-0000-4000-8000-000000000000' })
    await other.actions.start()
    expect(other.state.lead.value.name).toBeUndefined()
    expect(input(other.state)).toBe('name')
    expect(other.sync).toHaveBeenCalledTimes(1)
  })

  it('restores a saved chat whose lead has every kind of field', async () => {
    const kv = memoryKv()
    const lead = {
      name: 'Ada',
      email: 'ada@example.com',
      phone: '7400123456',
      dialCode: '+44',
      status: 'OPEN' as const,
      tags: ['vip'],
      attributes: [{ key: 'plan', value: 'pro' }],
      notes: [{ title: 'Call', description: 'back' }],
    }
    const at = 1_700_000_000_000
    const saved: SavedChat = {
      v: 1,
      at,
      messages: [{ id: 1, from: 'bot', text: 'Hi', at, keys: [] }],
      lead,
      open: true,
    }
    await kv.set(`chat:${ids.uuid}`, saved)
    const { actions, state } = setup({ kv })
    expect(await actions.start()).toBe(false)
    expect(state.lead.value).toEqual(lead)
    expect(state.messages.value.map((m) => m.text)).toEqual(['Hi'])
  })

  it('counts the retention from the last save, not the last message, and keeps a chat saved exactly that long ago', async () => {
    const day = 86_400_000
    const now = 1_700_000_000_000
    const restored = async (at: number, messageAt: number) => {
      const kv = memoryKv()
      await kv.set(`chat:${ids.uuid}`, {
        v: 1,
        at,
        messages: [{ id: 1, from: 'bot', text: 'Hi', at: messageAt }],
        lead: { ...emptyLead(), name: 'Ada' },
        open: false,
      })
      const { actions, state } = setup({ kv, now: () => now })
      await actions.start()
      return state.messages.value.map((m) => m.text)
    }
    // The host changed the lead yesterday; the last message is 40 days old.
    expect(await restored(now - day, now - 40 * day)).toEqual(['Hi'])
    expect(await restored(now - 30 * day, now - 30 * day)).toEqual(['Hi'])
    expect(await restored(now - 30 * day - 1, now - 30 * day - 1)).toEqual([
      t('greet'),
      t('askName'),
    ])
  })

  it('counts an older version’s record (no save time) from its newest message', async () => {
    const day = 86_400_000
    const now = 1_700_000_000_000
    const kv = memoryKv()
    await kv.set(`chat:${ids.uuid}`, {
      v: 1,
      messages: [40, 35, 1].map((d, i) => ({
        id: i + 1,
        from: 'bot',
        text: `${d}`,
        at: now - d * day,
      })),
      lead: emptyLead(),
      open: false,
    })
    const { actions, state } = setup({ kv, now: () => now })
    expect(await actions.start()).toBe(false)
    expect(state.messages.value.map((m) => m.text)).toEqual(['40', '35', '1'])
  })

  it('starts the flow with the lead the host set on an earlier page before the chat opened', async () => {
    const kv = memoryKv()
    // Saved by an older version: no save time, no messages, the host's identify.
    await kv.set(`chat:${ids.uuid}`, {
      v: 1,
      messages: [],
      lead: { ...emptyLead(), name: 'Ada' },
      open: false,
    })
    const { actions, state } = setup({ kv })
    expect(await actions.start()).toBe(false)
    expect(state.lead.value.name).toBe('Ada')
    expect(input(state)).toBe('email')
  })

  it('keeps the lead the host set on this page while storage was read', async () => {
    const fast = memoryKv()
    await fast.set(`chat:${ids.uuid}`, {
      v: 1,
      at: 1_700_000_000_000,
      messages: [],
      lead: { ...emptyLead(), name: 'Ada' },
      open: false,
    })
    // A read that takes a while and sees the store as it was when it began, as IndexedDB's does.
    const kv: Kv = {
      ...fast,
      get: <T>(k: string) => {
        const then = fast.get<T>(k)
        return new Promise<T | undefined>((r) => setTimeout(() => r(then), 10))
      },
    }
    const { actions, state } = setup({ kv })
    const started = actions.start()
    actions.update((l) => ({ ...l, email: 'ada@example.com' }))
    await started
    expect(state.lead.value.email).toBe('ada@example.com')
  })
})

describe('a saved chat of another shape', () => {
  const msg = { id: 1, from: 'bot', text: 'Hi', at: 1 }
  /** A well-formed saved chat, for the rows that break one part of it. */
  const good = { v: 1, messages: [msg], lead: emptyLead(), open: false }
  it.each([
    ['a string', 'corrupted'],
    ['messages that are not a list', { v: 1, messages: 'x', lead: emptyLead(), open: false }],
    [
      'a message without text',
      { v: 1, messages: [{ id: 1, from: 'bot', at: 1 }], lead: emptyLead(), open: false },
    ],
    [
      'a lead whose tags are a string',
      { v: 1, messages: [], lead: { ...emptyLead(), tags: 'vip' }, open: false },
    ],
    ['no lead', { v: 1, messages: [], open: false }],
    ['an unknown version', { v: 7, messages: [], lead: emptyLead(), open: false }],
    ['a message that is null', { ...good, messages: [null] }],
    [
      'a good message beside one whose id is no number',
      { ...good, messages: [msg, { ...msg, id: '2' }] },
    ],
    ['a message from someone else', { ...good, messages: [{ ...msg, from: 'agent' }] }],
    ['a message time that is no number', { ...good, messages: [{ ...msg, at: '1' }] }],
    ['message keys that are no strings', { ...good, messages: [{ ...msg, keys: [1] }] }],
    ['a waiting node id that is no string', { ...good, ask: 5 }],
    ['a save time that is no number', { ...good, at: 'yesterday' }],
    ['a name that is no string', { ...good, lead: { ...emptyLead(), name: 42 } }],
    ['an email that is no string', { ...good, lead: { ...emptyLead(), email: 42 } }],
    ['a phone that is no string', { ...good, lead: { ...emptyLead(), phone: 42 } }],
    ['a dial code that is no string', { ...good, lead: { ...emptyLead(), dialCode: 44 } }],
    ['an unknown status', { ...good, lead: { ...emptyLead(), status: 'DONE' } }],
    ['attributes that are a string', { ...good, lead: { ...emptyLead(), attributes: 'plan' } }],
    [
      'an attribute without a value',
      { ...good, lead: { ...emptyLead(), attributes: [{ key: 'plan' }] } },
    ],
    [
      'an attribute whose key is no string',
      { ...good, lead: { ...emptyLead(), attributes: [{ key: 1, value: 'x' }] } },
    ],
    [
      'a note without a description',
      { ...good, lead: { ...emptyLead(), notes: [{ title: 'Call' }] } },
    ],
  ])('%s: one W_SAVED_CHAT line, the chat starts over, nothing throws', async (_, value) => {
    vi.resetModules()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const { createActions: fresh } = await import('./actions')
      const kv = memoryKv()
      await kv.set(`chat:${ids.uuid}`, value)
      const state = createState()
      const sync = vi.fn(async () => {})
      const actions = fresh(state, {
        graph: graph([builtinFlow(t)]),
        kv,
        ids: () => ids,
        sync,
        phone: fakePhone,
      })
      await expect(actions.start()).resolves.toBe(false)
      expect(state.messages.value.map((m) => m.text)).toEqual([t('greet'), t('askName')])
      expect(sync).toHaveBeenCalledTimes(1)
      const lines = warn.mock.calls.filter((c) =>
        String(c[0]).startsWith('[Reekolect] W_SAVED_CHAT:'),
      )
      expect(lines).toHaveLength(1)
      expect(lines[0]?.[0]).toBe(
        '[Reekolect] W_SAVED_CHAT: the saved conversation had an unexpected shape and was discarded — nothing to do: the chat starts over',
      )
    } finally {
      warn.mockRestore()
    }
  })

  it('a first visit (nothing saved) logs no warning', async () => {
    vi.resetModules()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const { createActions: fresh } = await import('./actions')
      const state = createState()
      const actions = fresh(state, {
        graph: graph([builtinFlow(t)]),
        kv: memoryKv(),
        ids: () => ids,
        sync: async () => {},
        phone: fakePhone,
      })
      await actions.start()
      expect(warn).not.toHaveBeenCalled()
    } finally {
      warn.mockRestore()
    }
  })
})

describe('lead changes handed to the outbox', () => {
  it('each answer hands over only the fields it changed, with the edit time and the whole lead', async () => {
    const { actions, sync } = setup()
    await actions.start()
    await actions.submit('Ada')
    await actions.submit('ada@example.com')
    expect(sync.mock.calls.map((c) => c[0].set)).toEqual([
      {},
      { name: 'Ada' },
      { email: 'ada@example.com' },
    ])
    expect(sync.mock.calls.at(-1)?.[0]).toMatchObject({
      ids,
      at: 1_700_000_000_000,
      base: { name: 'Ada', email: 'ada@example.com' },
    })
  })

  it('a host change hands over tags added and removed, one by one', async () => {
    const { actions, sync } = setup()
    await actions.start()
    actions.update((l) => ({ ...l, tags: ['a', 'b'] }))
    actions.update((l) => ({ ...l, tags: ['b', 'c'] }))
    expect(sync.mock.calls.at(-1)?.[0].set).toEqual({ 't:a': false, 't:c': true })
  })

  it('the visitor’s answer names the lead fields it set (the chat flags one too large to send)', async () => {
    const { state, actions } = setup()
    await actions.start()
    await actions.submit('Ada')
    await actions.submit('ada@example.com')
    await actions.submit('07400 123456', 'GB')
    const answers = state.messages.value.filter((m) => m.from === 'visitor')
    expect(answers.map((m) => m.keys)).toEqual([['name'], ['email'], ['phone', 'dialCode']])
  })

  it('a host change that answers the waiting question passes over it, but not while an answer is checked', async () => {
    const { state, actions, texts } = setup()
    await actions.start()
    actions.update((l) => ({ ...l, name: 'Ada' }))
    expect(input(state)).toBe('email')
    await actions.submit('ada@example.com')
    const typed = actions.submit('07400 123456', 'GB')
    actions.update((l) => ({ ...l, phone: '7400123456', dialCode: '+44' })) // identify, during the check
    expect(await typed).toBe(true)
    expect(texts()).toContain('visitor: +44 7400123456')
    expect(input(state)).toBe('choice')
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
    await vi.waitFor(() => expect(input(state)).toBe('name'))
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

  it('reset forgets the previous visitor’s conversation and, with the chat open, starts over for the new UUID', async () => {
    const kv = memoryKv()
    const state = createState()
    const payloads: LeadPayload[] = []
    let uuid = ids.uuid
    const actions = createActions(state, {
      graph: graph([builtinFlow(t)]),
      kv,
      ids: () => ({ ...ids, uuid }),
      sync: recordSnapshots(payloads),
      phone: fakePhone,
    })
    actions.open()
    await vi.waitFor(() => expect(input(state)).toBe('name'))
    await actions.submit('Ada')
    await actions.submit('not an address')
    expect(state.error.value).toBeDefined()
    uuid = '00000000-0000-4000-8000-000000000001'
    await actions.reset(ids.uuid)
    expect(await kv.get(`chat:${ids.uuid}`)).toBeUndefined()
    expect(state.lead.value).toEqual(emptyLead())
    expect(state.error.value).toBeUndefined()
    expect(state.messages.value.map((m) => m.text)).toEqual([t('greet'), t('askName')])
    expect(payloads.at(-1)).toEqual({ ...ids, uuid })
    expect((await kv.get<SavedChat>(`chat:${uuid}`))?.messages).toHaveLength(2)
  })

  it('reset with the chat closed clears it and starts nothing until the next open', async () => {
    const { state, actions, payloads } = setup()
    await actions.start()
    expect(state.unread.value).toBe(2)
    await actions.reset(ids.uuid)
    expect(state.messages.value).toEqual([])
    expect(state.ask.value).toBeUndefined()
    expect(state.unread.value).toBe(0)
    expect(payloads).toHaveLength(1)
    actions.open()
    await vi.waitFor(() => expect(input(state)).toBe('name'))
    expect(payloads).toHaveLength(2)
  })

  it('setGraph puts the same question of the new flows in place; choices and answers need a waiting node', async () => {
    const { actions, state } = setup()
    expect(actions.choices()).toEqual([])
    actions.answer({ text: 'Sales', value: 'Sales' })
    expect(state.messages.value).toEqual([])
    actions.setGraph(graph([builtinFlow(translator({ askName: 'Votre nom ?' }))]))
    expect(state.ask.value).toBeUndefined()
    await actions.start()
    expect(state.ask.value?.text).toBe('Votre nom ?')
    actions.setGraph(graph([builtinFlow(translator({ askName: 'Ihr Name?' }))]))
    expect(state.ask.value?.id).toBe('name')
    expect(state.ask.value?.text).toBe('Ihr Name?')
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
    // What is persisted is bounded too, tighter: the newest MAX_SAVED messages.
    const reloaded = setup({ flow, kv })
    await reloaded.actions.start()
    expect(reloaded.state.messages.value).toHaveLength(MAX_SAVED)
    expect(reloaded.state.messages.value).toEqual(list.slice(-MAX_SAVED))
    expect(asked(reloaded.state).id).toBe('q')
  })

  it('caps a saved transcript longer than MAX_MESSAGES when it is restored', async () => {
    const kv = memoryKv()
    const messages = Array.from({ length: MAX_MESSAGES + 5 }, (_, i) => ({
      id: i + 1,
      from: 'bot' as const,
      text: `m${i + 1}`,
      at: 1_700_000_000_000,
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

describe('configured bot', () => {
  /** A bot with every kind of step a lead goes through: questions, a branch, a webhook, quick replies, a menu. */
  const doc = {
    version: 1,
    flows: [
      {
        id: 'main',
        name: 'Start over',
        nodes: [
          { id: 'hello', type: 'message', text: 'Hi! I am Robo.' },
          { id: 'name', type: 'ask', input: 'name', text: 'Your name?' },
          { id: 'email', type: 'ask', input: 'email', text: 'Email, {name}?' },
          {
            id: 'company',
            type: 'ask',
            input: 'text',
            text: 'Company?',
            attribute: 'company',
            skip: true,
          },
          { id: 'size', type: 'ask', input: 'number', text: 'Team size?', attribute: 'size' },
          {
            id: 'route',
            type: 'branch',
            rules: [{ if: [{ field: 'attributes.size', op: 'gt', value: 50 }], next: 'big' }],
            else: 'small',
          },
          { id: 'big', type: 'tag', add: ['enterprise'], next: 'hook' },
          { id: 'small', type: 'tag', add: ['smb'], next: 'plan' },
          {
            id: 'hook',
            type: 'webhook',
            url: 'https://hooks.example.com/score',
            map: { score: 'score' },
            onError: 'plan',
          },
          { id: 'scored', type: 'status', status: 'INPROGRESS' },
          {
            id: 'plan',
            type: 'quick',
            text: 'Which plan?',
            attribute: 'plan',
            options: [
              { label: 'Pro', value: 'pro' },
              { label: 'Talk to sales', flow: 'sales' },
            ],
          },
          {
            id: 'note',
            type: 'note',
            title: 'Plan',
            description: '{name} chose {attributes.plan}',
          },
          { id: 'bye', type: 'end', text: 'Thanks {name}!' },
        ],
      },
      {
        id: 'sales',
        name: 'Sales',
        nodes: [
          { id: 'sales-hi', type: 'message', text: 'Sales here.' },
          { id: 'menu', type: 'menu', text: 'Anything else?' },
        ],
      },
    ],
    settings: { general: { language: 'en', welcome: 'Welcome to Acme!' } },
  }

  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  /** The actions of the configured bot, `fetch` answering its webhook. */
  function configured(
    fetchImpl: (req: Request) => Promise<Response> = async () => json({ score: 87 }),
    kv = memoryKv(),
  ) {
    const parsed = parseConfig(doc)
    if ('issues' in parsed) throw new Error(JSON.stringify(parsed.issues))
    const bodies: unknown[] = []
    const fetchMock = vi.fn(async (req: Request) => {
      bodies.push(await req.clone().json())
      return fetchImpl(req)
    })
    const rich = createRich(parsed.config, () => ids, {
      fetch: fetchMock as unknown as typeof fetch,
    })
    return { ...setup({ kv, graph: rich.graph, ext: rich.ext }), fetchMock, bodies }
  }

  /** Answers up to the team size. */
  async function upToSize(c: ReturnType<typeof configured>, size: string) {
    await c.actions.start()
    expect(await c.actions.submit('Ada')).toBe(true)
    expect(await c.actions.submit('ada@acme.io')).toBe(true)
    expect(await c.actions.submit('Acme')).toBe(true)
    expect(await c.actions.submit(size)).toBe(true)
  }

  it('runs a large team through the branch, the webhook and a quick reply to a full lead', async () => {
    const c = configured()
    await upToSize(c, '120')
    await vi.waitFor(() => expect(c.state.ask.value?.id).toBe('plan'))
    const pro = c.actions.choices().find((o) => o.label === 'Pro')!
    c.actions.choose(pro)

    expect(c.bot()).toEqual([
      'Welcome to Acme!',
      'Hi! I am Robo.',
      'Your name?',
      'Email, Ada?',
      'Company?',
      'Team size?',
      'Which plan?',
      'Thanks Ada!',
    ])
    expect(c.state.messages.value.filter((m) => m.from === 'visitor').map((m) => m.text)).toEqual([
      'Ada',
      'ada@acme.io',
      'Acme',
      '120',
      'Pro',
    ])
    expect(c.state.ask.value).toBeUndefined()
    expect(c.payloads.at(-1)).toEqual({
      ...ids,
      name: 'Ada',
      email: 'ada@acme.io',
      status: 'INPROGRESS',
      tags: ['enterprise'],
      attributes: [
        { key: 'company', value: 'Acme' },
        { key: 'size', value: '120' },
        { key: 'score', value: '87' },
        { key: 'plan', value: 'pro' },
      ],
      notes: [{ title: 'Plan', description: 'Ada chose pro' }],
    })
    // The webhook got the lead as it was when the flow reached it.
    expect(c.fetchMock).toHaveBeenCalledTimes(1)
    expect(c.bodies).toEqual([
      {
        ...ids,
        lead: {
          ...ids,
          name: 'Ada',
          email: 'ada@acme.io',
          tags: ['enterprise'],
          attributes: [
            { key: 'company', value: 'Acme' },
            { key: 'size', value: '120' },
          ],
        },
      },
    ])
  })

  it('sends a small team past the webhook, and continues when the webhook fails', async () => {
    const small = configured()
    await upToSize(small, '5')
    expect(small.state.ask.value?.id).toBe('plan')
    expect(small.state.lead.value.tags).toEqual(['smb'])
    expect(small.fetchMock).not.toHaveBeenCalled()

    const failing = configured(async () => json({ error: 'down' }, 500))
    await upToSize(failing, '500')
    await vi.waitFor(() => expect(failing.state.ask.value?.id).toBe('plan'))
    // onError skipped the status step, and nothing was mapped.
    expect(failing.state.lead.value.status).toBeUndefined()
    expect(failing.state.lead.value.attributes.map((a) => a.key)).toEqual(['company', 'size'])
    expect(failing.state.busy.value).toBe(false)
  })

  it('stores nothing for a skipped question, and says so in the transcript', async () => {
    const c = configured()
    await c.actions.start()
    await c.actions.submit('Ada')
    await c.actions.submit('ada@acme.io')
    expect(c.state.ask.value?.id).toBe('company')
    c.actions.answer({ text: 'Skipped', value: '', skipped: true })
    expect(c.state.ask.value?.id).toBe('size')
    expect(c.state.lead.value.attributes).toEqual([])
    expect(c.texts().slice(-2)).toEqual(['visitor: Skipped', 'bot: Team size?'])
  })

  it('refuses an answer the configured checks refuse, with the error shown', async () => {
    const c = configured()
    await c.actions.start()
    await c.actions.submit('Ada')
    // Email typo: refused once with a suggestion.
    expect(await c.actions.submit('ada@gmial.com')).toBe(false)
    expect(c.state.error.value).toEqual({
      key: 'emailSuggest',
      vars: { email: 'ada@gmail.com' },
      suggest: 'ada@gmail.com',
    })
    expect(await c.actions.submit('ada@gmail.com')).toBe(true)
    await c.actions.submit('Acme')
    expect(await c.actions.submit('a dozen')).toBe(false)
    expect(c.state.error.value?.key).toBe('errNumber')
    expect(c.state.ask.value?.id).toBe('size')
  })

  it('offers quick replies and menu buttons, and follows a reply into another flow', async () => {
    const c = configured()
    await upToSize(c, '5')
    expect(c.actions.choices().map((o) => o.label)).toEqual(['Pro', 'Talk to sales'])
    c.actions.choose(c.actions.choices()[1]!)
    expect(c.bot().slice(-2)).toEqual(['Sales here.', 'Anything else?'])
    expect(c.state.ask.value?.id).toBe('menu')
    // The menu lists the other flows by name.
    const menu = c.actions.choices()
    expect(menu.map((o) => o.label)).toEqual(['Start over'])
    c.actions.choose(menu[0]!)
    // Name and email are known by now: the flow passes over their questions.
    expect(c.bot().slice(-2)).toEqual(['Hi! I am Robo.', 'Company?'])
  })

  it('answers reply buttons with typed text (sendMessage) and refuses text that is none of them', async () => {
    const c = configured()
    await upToSize(c, '5')
    expect(await c.actions.submit('nonsense')).toBe(false)
    expect(c.state.error.value?.key).toBe('choose')
    expect(await c.actions.submit('  pro ')).toBe(true)
    expect(c.state.lead.value.attributes).toContainEqual({ key: 'plan', value: 'pro' })
  })

  it('resumes a saved chat at the same waiting node with the transcript', async () => {
    const kv = memoryKv()
    const first = configured(undefined, kv)
    await first.actions.start()
    await first.actions.submit('Ada')

    const second = configured(undefined, kv)
    expect(await second.actions.start()).toBe(false)
    expect(second.state.messages.value).toEqual(first.state.messages.value)
    expect(second.state.ask.value).toBe(second.actions.graph().node.get('email'))
    expect(second.state.lead.value.name).toBe('Ada')
    expect(second.sync).not.toHaveBeenCalled()
    expect(await second.actions.submit('ada@acme.io')).toBe(true)
    expect(second.state.ask.value?.id).toBe('company')
  })

  it('runs a webhook again when the chat was saved while calling it', async () => {
    const kv = memoryKv()
    let fail: (r: Response) => void = () => {}
    const first = configured(() => new Promise<Response>((r) => (fail = r)), kv)
    await upToSize(first, '120')
    expect(first.state.ask.value).toBeUndefined()
    await vi.waitFor(async () =>
      expect((await kv.get<SavedChat>(`chat:${ids.uuid}`))?.ask).toBe('hook'),
    )

    // The page reloads before the call returned.
    const second = configured(async () => json({ score: 99 }), kv)
    expect(await second.actions.start()).toBe(false)
    await vi.waitFor(() => expect(second.state.ask.value?.id).toBe('plan'))
    expect(second.fetchMock).toHaveBeenCalledTimes(1)
    expect(second.state.lead.value.attributes).toContainEqual({ key: 'score', value: '99' })
    expect(second.state.lead.value.status).toBe('INPROGRESS')
    expect(second.bot().at(-1)).toBe('Which plan?')
    fail(json({}, 500))
  })

  it('keeps the chat busy from an answer leading to a webhook until the call answers', async () => {
    const parsed = parseConfig({
      version: 1,
      flows: [
        {
          id: 'main',
          nodes: [
            { id: 'name', type: 'ask', input: 'name', text: 'Your name?' },
            {
              id: 'hook',
              type: 'webhook',
              url: 'https://hooks.example.com/score',
              map: { score: 'score' },
            },
            { id: 'bye', type: 'end', text: 'Thanks {name}, score {attributes.score}' },
          ],
        },
      ],
      settings: { general: { language: 'en' } },
    })
    if ('issues' in parsed) throw new Error(JSON.stringify(parsed.issues))
    let respond: (r: Response) => void = () => {}
    const fetchMock = vi.fn(() => new Promise<Response>((r) => (respond = r)))
    const rich = createRich(parsed.config, () => ids, {
      fetch: fetchMock as unknown as typeof fetch,
    })
    const c = setup({ graph: rich.graph, ext: rich.ext })
    await c.actions.start()
    // Every (waiting node, busy) state the chat goes through; "-": none waits.
    const states: string[] = []
    const stop = effect(() => {
      states.push(`${c.state.ask.value?.id ?? '-'} busy=${c.state.busy.value}`)
    })

    expect(await c.actions.submit('Ada')).toBe(true)
    expect(c.state.ask.value).toBeUndefined()
    expect(c.state.busy.value).toBe(true)
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledOnce())
    await new Promise((r) => setTimeout(r, 20))
    // Still pending: still busy, nothing more said, and never "ended" (no question, not busy).
    expect(c.state.busy.value).toBe(true)
    expect(c.bot().at(-1)).toBe('Your name?')
    expect(states).toEqual(['name busy=false', 'name busy=true', '- busy=true'])

    respond(json({ score: 87 }))
    await vi.waitFor(() => expect(c.bot().at(-1)).toBe('Thanks Ada, score 87'))
    expect(c.state.busy.value).toBe(false)
    expect(c.state.ask.value).toBeUndefined()
    expect(states).toEqual(['name busy=false', 'name busy=true', '- busy=true', '- busy=false'])
    stop()
  })

  it('go continues at a node after the visitor message, leaving the waiting question', async () => {
    const c = configured()
    await c.actions.start()
    expect(c.state.ask.value?.id).toBe('name')
    c.actions.go('sales-hi', 'I want to talk to sales')
    expect(c.texts().slice(-3)).toEqual([
      'visitor: I want to talk to sales',
      'bot: Sales here.',
      'bot: Anything else?',
    ])
    expect(c.state.ask.value?.id).toBe('menu')
  })

  it('go without a node only adds the visitor message', async () => {
    const c = configured()
    await upToSize(c, '5')
    c.actions.choose(c.actions.choices()[0]!)
    expect(c.state.ask.value).toBeUndefined()
    const before = c.state.messages.value.length
    c.actions.go(undefined, 'One more thing')
    expect(c.state.messages.value).toHaveLength(before + 1)
    expect(c.texts().at(-1)).toBe('visitor: One more thing')
  })

  it('start(at) starts a fresh chat at that node, and says so', async () => {
    const c = configured()
    expect(await c.actions.start('sales-hi')).toBe(true)
    // Neither the welcome nor the start flow: the chosen flow at once.
    expect(c.bot()).toEqual(['Sales here.', 'Anything else?'])
    expect(c.payloads).toEqual([ids])
    // Runs once: a second call returns the same result and says nothing more.
    expect(await c.actions.start('hello')).toBe(true)
    expect(c.bot()).toHaveLength(2)
  })

  it('start(at) does not restart a saved chat', async () => {
    const kv = memoryKv()
    const first = configured(undefined, kv)
    await first.actions.start()
    const second = configured(undefined, kv)
    expect(await second.actions.start('sales-hi')).toBe(false)
    expect(second.state.ask.value?.id).toBe('name')
    expect(second.bot()).not.toContain('Sales here.')
  })

  it('a chat restored while its webhook was called is busy, with nothing asked, until the new call answers', async () => {
    const kv = memoryKv()
    const first = configured(() => new Promise<Response>(() => {}), kv)
    await upToSize(first, '120')
    await vi.waitFor(async () =>
      expect((await kv.get<SavedChat>(`chat:${ids.uuid}`))?.ask).toBe('hook'),
    )
    let respond: ((r: Response) => void) | undefined
    const second = configured(() => new Promise<Response>((r) => (respond = r)), kv)
    await second.actions.start()
    expect(second.state.busy.value).toBe(true)
    expect(second.state.ask.value).toBeUndefined()
    await vi.waitFor(() => expect(respond).toBeDefined())
    respond?.(json({ score: 99 }))
    await vi.waitFor(() => expect(second.state.ask.value?.id).toBe('plan'))
  })

  it('drops a webhook answer that comes after the chat moved on', async () => {
    let respond: ((r: Response) => void) | undefined
    const c = configured(() => new Promise<Response>((r) => (respond = r)))
    await upToSize(c, '120')
    await vi.waitFor(() => expect(respond).toBeDefined())
    c.actions.go('sales-hi', 'Sales, please') // startFlow('sales') while the webhook runs
    respond?.(json({ score: 99 }))
    await new Promise((r) => setTimeout(r, 50))
    expect(c.state.ask.value?.id).toBe('menu')
    expect(c.state.lead.value.status).toBeUndefined()
    expect(c.bot().at(-1)).toBe('Anything else?')
  })

  it('a message sent outside a question names no lead field', async () => {
    const c = configured()
    await c.actions.start()
    c.actions.go(undefined, 'Hello?')
    const last = c.state.messages.value.at(-1)
    expect(last).toMatchObject({ from: 'visitor', text: 'Hello?' })
    expect(last?.keys).toBeUndefined()
  })
})

describe('persisted transcript', () => {
  it(`saves the newest MAX_SAVED (${MAX_SAVED}) messages while memory keeps up to MAX_MESSAGES`, async () => {
    const flow: Flow = {
      id: 'loop',
      nodes: [{ id: 'q', type: 'ask', input: 'text', text: 'More?', next: 'q' }],
    }
    const kv = memoryKv()
    const { state, actions } = setup({ flow, kv })
    await actions.start()
    for (let i = 1; i <= 150; i++) await actions.submit(`answer ${i}`)
    const list = state.messages.value
    expect(list).toHaveLength(301)
    expect(MAX_MESSAGES).toBeGreaterThan(301)
    const saved = await kv.get<SavedChat>(`chat:${ids.uuid}`)
    expect(saved?.messages).toHaveLength(MAX_SAVED)
    expect(saved?.messages).toEqual(list.slice(-MAX_SAVED))
    expect(saved?.ask).toBe('q')
    // An ask without `attribute` stores its answer under the node's id.
    expect(saved?.lead).toEqual({ ...emptyLead(), attributes: [{ key: 'q', value: 'answer 150' }] })
  })
})

describe('hand-off', () => {
  /** Answers the built-in flow up to its thanks. */
  async function toThanks(actions: ReturnType<typeof setup>['actions'], state: State) {
    await actions.start()
    await actions.submit('Ada')
    await actions.submit('ada@example.com')
    await actions.submit('07400 123456', 'GB')
    actions.choose({ label: t('topicSupport') })
    expect(state.ask.value?.id).toBe('thanks')
  }

  it('"Talk to a person" says the hand-off message, goes live and asks for a person after it', async () => {
    const calls: string[] = []
    const kv = memoryKv()
    const s = setup({ kv, handoff: () => calls.push('handoff') })
    await toThanks(s.actions, s.state)
    effect(() => {
      if (s.state.messages.value.length) calls.push(`said ${s.state.messages.value.length}`)
    })
    calls.length = 0
    s.actions.choose({ label: t('talk') })
    expect(s.texts().slice(-2)).toEqual([`visitor: ${t('talk')}`, `bot: ${t('handoff')}`])
    expect(s.state.live.value).toEqual({ phase: 'waiting' })
    expect(s.state.ask.value).toBeUndefined()
    // The request for a person comes once, after the message is in the transcript.
    await Promise.resolve()
    expect(calls).toEqual([`said ${s.state.messages.value.length}`, 'handoff'])
    // A reload keeps the live chat.
    await vi.waitFor(async () =>
      expect((await kv.get<SavedChat>(`chat:${ids.uuid}`))?.live).toEqual({ phase: 'waiting' }),
    )
    const again = setup({ kv })
    await again.actions.start()
    expect(again.state.live.value).toEqual({ phase: 'waiting' })
    expect(again.texts()).toEqual(s.texts())
  })

  it('a hand-off node with its own message and team says that, not the default', async () => {
    const team: (string | undefined)[] = []
    const { state, actions, bot } = setup({
      flow: {
        id: 'f',
        nodes: [{ id: 'h', type: 'handoff', team: 'billing', message: 'Billing will answer.' }],
      },
      handoff: (x) => team.push(x),
    })
    await actions.start()
    expect(bot()).toEqual(['Billing will answer.'])
    expect(state.live.value).toEqual({ phase: 'waiting', team: 'billing' })
    await Promise.resolve()
    expect(team).toEqual(['billing'])
  })

  it('the handoff action leaves the question waiting and hands off once', async () => {
    const handoff = vi.fn()
    const { state, actions, bot } = setup({ handoff })
    await actions.start()
    actions.handoff()
    actions.handoff()
    expect(state.ask.value).toBeUndefined()
    expect(bot().filter((x) => x === t('handoff'))).toHaveLength(1)
    await Promise.resolve()
    expect(handoff).toHaveBeenCalledTimes(1)
  })

  it('reset leaves live mode', async () => {
    const { state, actions } = setup()
    await actions.start()
    actions.handoff()
    await actions.reset(ids.uuid)
    expect(state.live.value).toBeUndefined()
  })
})

describe('savedChat: live shapes', () => {
  const base = { v: 1, lead: emptyLead(), open: true }
  const agentMsg = {
    id: 2,
    from: 'agent',
    text: 'Hi, Sam here',
    at: 1,
    sid: '0b6a3c4e-8c1e-4f7a-9a49-6d0c1b1f9e11',
    agent: { id: 'a1', name: 'Sam', picture: 'https://example.com/sam.png' },
  }

  it('keeps agent messages and the live state', () => {
    const chat = {
      ...base,
      messages: [{ id: 1, from: 'bot', text: 'Let me get you a person.', at: 0 }, agentMsg],
      live: { phase: 'talking', agent: { name: 'Sam' }, team: 'sales' },
    }
    expect(savedChat(chat)).toEqual(chat)
  })

  it('keeps an away chat (nobody could answer: the visitor leaves a message)', () => {
    const chat = { ...base, messages: [], live: { phase: 'away', team: 'sales' } }
    expect(savedChat(chat)).toEqual(chat)
  })

  it.each([
    ['an agent message without its agent', { messages: [{ ...agentMsg, agent: undefined }] }],
    ['an agent without a name', { messages: [{ ...agentMsg, agent: { id: 'a1' } }] }],
    ['an unknown phase', { messages: [], live: { phase: 'ringing' } }],
    ['a live agent of the wrong shape', { messages: [], live: { phase: 'talking', agent: 'Sam' } }],
    ['a server id that is not a string', { messages: [{ ...agentMsg, sid: 7 }] }],
  ])('discards %s (the chat starts over)', (_, part) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(savedChat({ ...base, ...part })).toBeUndefined()
    warn.mockRestore()
  })
})
