import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { parseConfig } from '../config/schema'
import { createRich } from '../rich'
import { createActions } from './actions'
import { createCommands, forgetDelivered } from './commands'
import { builtinFlow, type Graph, graph } from './flow'
import { translator } from './i18n'
import type { LeadPayload } from './lead'
import { OUTBOX_KEY, type OutboxEvents, SCHEMA } from './outbox'
import { recordSnapshots } from './outbox.fake'
import { createState } from './state'
import { memoryKv } from './storage'

const t = translator()
const ids = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'bot1', customerId: 'cust1' }

/** A configured bot with two flows; the second one is what `startFlow('pricing')` starts. */
function configuredBot() {
  const parsed = parseConfig({
    version: 1,
    flows: [
      {
        id: 'main',
        nodes: [
          { id: 'hello', type: 'message', text: 'Hello!' },
          { id: 'name', type: 'ask', input: 'name', text: 'Your name?' },
          { id: 'bye', type: 'end', text: 'Bye {name}' },
        ],
      },
      {
        id: 'pricing',
        nodes: [
          { id: 'p1', type: 'message', text: 'Let us talk pricing.' },
          {
            id: 'seats',
            type: 'ask',
            input: 'number',
            text: 'How many seats?',
            attribute: 'seats',
          },
          { id: 'p-end', type: 'end', text: 'Noted.' },
        ],
      },
    ],
    settings: { general: { language: 'en' } },
  })
  if ('issues' in parsed) throw new Error(JSON.stringify(parsed.issues))
  return createRich(parsed.config, () => ids, (async () => new Response('{}')) as typeof fetch)
}

function setup(bot: 'builtin' | 'configured' = 'builtin', kv = memoryKv()) {
  const state = createState()
  const payloads: LeadPayload[] = []
  const rich = bot === 'configured' ? configuredBot() : undefined
  const g: Graph = rich?.graph ?? graph([builtinFlow(t)])
  const actions = createActions(state, {
    graph: g,
    ext: rich?.ext,
    kv,
    ids: () => ids,
    sync: recordSnapshots(payloads),
    t: (k) => t(k),
    phone: async (raw) =>
      raw.replace(/\D/g, '') === '07400123456'
        ? { phone: '7400123456', dialCode: '+44' }
        : undefined,
  })
  const relay: OutboxEvents = {}
  const setLocale = vi.fn(async (_: string) => {})
  const reset = vi.fn()
  const shutdown = vi.fn()
  const { commands, dispose } = createCommands({
    actions,
    state,
    relay,
    uuid: () => ids.uuid,
    setLocale,
    reset,
    shutdown,
  })
  /** Records every event of the names given, in order. */
  const record = (...events: string[]) => {
    const seen: [string, unknown][] = []
    for (const e of events) commands.on(e, (p: unknown) => seen.push([e, p]))
    return seen
  }
  return { state, actions, commands, dispose, relay, setLocale, reset, shutdown, payloads, record }
}

let errors: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => {})
})
afterEach(() => {
  errors.mockRestore()
})

/** Asserts exactly one `[Reekolect] E_ARGS` line about `command` was logged. */
function badArgs(command: string) {
  expect(errors).toHaveBeenCalledTimes(1)
  const line = String(errors.mock.calls[0]?.[0])
  expect(line).toMatch(/^\[Reekolect\] E_ARGS: /)
  expect(line).toContain(`'${command}'`)
  errors.mockClear()
}

const settle = () => new Promise((r) => setTimeout(r, 0))

describe('startFlow', () => {
  it('starts a fresh chat at the first node of the flow and opens it', async () => {
    const { commands, state } = setup('configured')
    commands.startFlow('pricing')
    expect(state.open.value).toBe(true)
    await vi.waitFor(() => expect(state.ask.value?.id).toBe('seats'))
    const bot = state.messages.value.map((m) => m.text)
    expect(bot).toEqual(['Let us talk pricing.', 'How many seats?'])
    expect(errors).not.toHaveBeenCalled()
  })

  it('jumps a going chat to the flow', async () => {
    const { commands, actions, state } = setup('configured')
    await actions.start()
    expect(state.ask.value?.id).toBe('name')
    commands.startFlow('pricing')
    await vi.waitFor(() => expect(state.ask.value?.id).toBe('seats'))
    expect(state.messages.value.map((m) => m.text)).toEqual([
      'Hello!',
      'Your name?',
      'Let us talk pricing.',
      'How many seats?',
    ])
  })

  it.each([
    ['an unknown id', 'nope'],
    ['a node id', 'seats'],
    ['no id', undefined],
    ['a number', 7],
  ])('refuses %s with one E_ARGS line and changes nothing', async (_, id) => {
    const { commands, state } = setup('configured')
    commands.startFlow(id)
    badArgs('startFlow')
    await settle()
    expect(state.open.value).toBe(false)
    expect(state.messages.value).toEqual([])
    expect(state.ask.value).toBeUndefined()
  })

  it('starts the built-in flow by its id too', async () => {
    const { commands, state } = setup()
    commands.startFlow('lead-capture')
    await vi.waitFor(() => expect(state.ask.value?.id).toBe('name'))
    expect(state.messages.value[0]?.text).toBe(t('greet'))
  })
})

describe('handoff', () => {
  it('opens the chat, leaves the waiting question and goes live, once', async () => {
    const { commands, state } = setup()
    commands.handoff()
    commands.handoff()
    expect(state.open.value).toBe(true)
    await vi.waitFor(() => expect(state.live.value).toEqual({ phase: 'waiting' }))
    expect(state.ask.value).toBeUndefined()
    expect(state.messages.value.map((m) => m.text)).toEqual([
      t('greet'),
      t('askName'),
      t('handoff'),
    ])
  })
})

describe('sendMessage', () => {
  it('answers the waiting question as if typed', async () => {
    const { commands, actions, state, payloads } = setup()
    await actions.start()
    commands.sendMessage('Ada')
    await vi.waitFor(() => expect(state.lead.value.name).toBe('Ada'))
    expect(state.messages.value.at(-2)).toMatchObject({ from: 'visitor', text: 'Ada' })
    expect(payloads.at(-1)).toEqual({ ...ids, name: 'Ada' })
  })

  it('shows the same inline error as typing an invalid answer', async () => {
    const { commands, actions, state } = setup()
    await actions.start()
    commands.sendMessage('Ada')
    await vi.waitFor(() => expect(state.lead.value.name).toBe('Ada'))
    commands.sendMessage('not an email')
    await vi.waitFor(() => expect(state.error.value).toEqual({ key: 'errEmail' }))
    expect(state.lead.value.email).toBeUndefined()
  })

  it('picks a reply button by its label', async () => {
    const { commands, actions, state } = setup()
    await actions.start()
    for (const answer of ['Ada', 'ada@example.com', '07400 123456']) {
      const before = state.messages.value.length
      commands.sendMessage(answer)
      await vi.waitFor(() => expect(state.messages.value.length).toBeGreaterThan(before))
    }
    commands.sendMessage(t('topicSupport').toUpperCase())
    await vi.waitFor(() => expect(state.lead.value.tags).toEqual([t('topicSupport')]))
  })

  it('adds the message to a chat where no question waits', async () => {
    const { commands, actions, state } = setup('configured')
    await actions.start()
    actions.go('bye')
    expect(state.ask.value).toBeUndefined()
    const before = state.messages.value
    commands.sendMessage('One more thing')
    await vi.waitFor(() => expect(state.messages.value).toHaveLength(before.length + 1))
    expect(state.messages.value.slice(0, -1)).toEqual(before)
    expect(state.messages.value.at(-1)).toMatchObject({ from: 'visitor', text: 'One more thing' })
    // Only added: nothing is answered, asked or said in reply.
    await settle()
    expect(state.messages.value).toHaveLength(before.length + 1)
    expect(state.ask.value).toBeUndefined()
    expect(state.error.value).toBeUndefined()
  })

  it('starts the chat first when it never started, then answers its first question', async () => {
    const { commands, state, payloads } = setup('configured')
    expect(state.messages.value).toEqual([])
    commands.sendMessage('Ada')
    await vi.waitFor(() => expect(state.lead.value.name).toBe('Ada'))
    expect(state.messages.value.map((m) => `${m.from}: ${m.text}`)).toEqual([
      'bot: Hello!',
      'bot: Your name?',
      'visitor: Ada',
      'bot: Bye Ada',
    ])
    expect(state.ask.value).toBeUndefined()
    // The chat is created (ids only), then the answer is synced.
    expect(payloads).toEqual([ids, { ...ids, name: 'Ada' }])
    expect(errors).not.toHaveBeenCalled()
  })

  it('greets with the built-in flow too before answering its first question', async () => {
    const { commands, state } = setup()
    commands.sendMessage('Ada')
    await vi.waitFor(() => expect(state.lead.value.name).toBe('Ada'))
    expect(state.messages.value.map((m) => m.text)).toEqual([
      t('greet'),
      t('askName'),
      'Ada',
      t('askEmail', { name: 'Ada' }),
    ])
    expect(state.ask.value?.id).toBe('email')
  })

  it('restores a saved chat first, then answers its waiting question', async () => {
    const kv = memoryKv()
    const first = setup('builtin', kv)
    await first.actions.start()
    await first.actions.submit('Ada')
    const saved = first.state.messages.value
    // The page reloads: the host's first command arrives before anything started.
    const second = setup('builtin', kv)
    second.commands.sendMessage('ada@example.com')
    await vi.waitFor(() => expect(second.state.lead.value.email).toBe('ada@example.com'))
    expect(second.state.messages.value.slice(0, saved.length)).toEqual(saved)
    expect(second.state.messages.value.slice(saved.length).map((m) => m.text)).toEqual([
      'ada@example.com',
      t('askPhone'),
    ])
    expect(second.state.lead.value.name).toBe('Ada')
  })

  it.each([
    ['no text', undefined],
    ['an empty text', ''],
    ['only spaces', '   '],
    ['a number', 42],
    ['a text over 1000 characters', 'a'.repeat(1001)],
  ])('refuses %s with one E_ARGS line and changes nothing', async (_, text) => {
    const { commands, actions, state } = setup()
    await actions.start()
    const before = state.messages.value
    commands.sendMessage(text)
    badArgs('sendMessage')
    await settle()
    expect(state.messages.value).toBe(before)
    expect(state.error.value).toBeUndefined()
  })
})

describe('setLocale', () => {
  it.each(['fr', 'pt-BR', 'ar', 'zh-Hant-TW'])('switches to %s', (locale) => {
    const { commands, setLocale } = setup()
    commands.setLocale(locale)
    expect(setLocale).toHaveBeenCalledExactlyOnceWith(locale)
    expect(errors).not.toHaveBeenCalled()
  })

  it.each([
    ['no tag', undefined],
    ['an empty tag', ''],
    ['a malformed tag', 'not a locale!'],
    ['a number', 1],
  ])('refuses %s with one E_ARGS line', (_, locale) => {
    const { commands, setLocale } = setup()
    commands.setLocale(locale)
    badArgs('setLocale')
    expect(setLocale).not.toHaveBeenCalled()
  })
})

describe('events', () => {
  it('fires ready with the uuid, also for a listener added later', () => {
    const { commands } = setup()
    const late = vi.fn()
    commands.on('ready', late)
    expect(late).toHaveBeenCalledExactlyOnceWith({ uuid: ids.uuid })
  })

  it('fires open and close as the chat opens and closes, not for the state at start', () => {
    const { commands, record } = setup()
    const seen = record('open', 'close')
    expect(seen).toEqual([])
    commands.open()
    commands.close()
    commands.toggle()
    expect(seen).toEqual([
      ['open', undefined],
      ['close', undefined],
      ['open', undefined],
    ])
  })

  it('fires message once per new transcript entry, with who said it', async () => {
    const { commands, actions, record } = setup()
    const seen = record('message')
    await actions.start()
    commands.sendMessage('Ada')
    await vi.waitFor(() => expect(seen).toHaveLength(4))
    expect(seen.map(([, p]) => p)).toEqual([
      { from: 'bot', text: t('greet'), at: expect.any(Number) },
      { from: 'bot', text: t('askName'), at: expect.any(Number) },
      { from: 'visitor', text: 'Ada', at: expect.any(Number) },
      { from: 'bot', text: t('askEmail', { name: 'Ada' }), at: expect.any(Number) },
    ])
  })

  it('does not repeat messages that were there before the commands loaded', async () => {
    const state = createState()
    const actions = createActions(state, {
      graph: graph([builtinFlow(t)]),
      kv: memoryKv(),
      ids: () => ids,
      sync: async () => {},
      phone: async () => undefined,
    })
    await actions.start()
    const { commands } = createCommands({
      actions,
      state,
      relay: {},
      uuid: () => ids.uuid,
      setLocale: async () => {},
      reset: () => {},
      shutdown: () => {},
    })
    const seen = vi.fn()
    commands.on('message', seen)
    await actions.submit('Ada')
    expect(seen.mock.calls.map(([p]) => p.text)).toEqual(['Ada', t('askEmail', { name: 'Ada' })])
  })

  it('reports the messages added while the chunk loaded, after the call that loaded it (since)', async () => {
    const state = createState()
    const actions = createActions(state, {
      graph: graph([builtinFlow(t)]),
      kv: memoryKv(),
      ids: () => ids,
      sync: async () => {},
      phone: async () => undefined,
    })
    await actions.start()
    // The host called `on` here; the visitor answered before the chunk arrived.
    const since = state.messages.value.at(-1)?.id
    await actions.submit('Ada')
    const { commands } = createCommands({
      actions,
      state,
      relay: {},
      since,
      uuid: () => ids.uuid,
      setLocale: async () => {},
      reset: () => {},
      shutdown: () => {},
    })
    const seen = vi.fn()
    commands.on('message', seen)
    await settle()
    expect(seen.mock.calls.map(([p]) => p.text)).toEqual(['Ada', t('askEmail', { name: 'Ada' })])
  })

  it('fires unread with the count of bot messages that arrived while closed', async () => {
    const { commands, actions, record } = setup()
    const seen = record('unread')
    await actions.start()
    expect(seen.at(-1)).toEqual(['unread', { count: 2 }])
    commands.open()
    expect(seen.at(-1)).toEqual(['unread', { count: 0 }])
  })

  it('fires flow:end when the flow reaches its end', async () => {
    const { commands, actions, state, record } = setup('configured')
    const seen = record('flow:end')
    await actions.start()
    expect(seen).toEqual([])
    commands.sendMessage('Ada')
    await vi.waitFor(() => expect(state.messages.value.at(-1)?.text).toBe('Bye Ada'))
    expect(seen).toEqual([['flow:end', undefined]])
  })

  it('fires flow:end at the built-in flow’s thanks, where only the offer of a person waits, and not again after the hand-off', async () => {
    const { commands, actions, state, record } = setup()
    const seen = record('flow:end')
    await actions.start()
    for (const answer of ['Ada', 'ada@example.com', '07400 123456']) {
      commands.sendMessage(answer)
      await vi.waitFor(() => expect(state.busy.value).toBe(false))
    }
    await settle()
    expect(seen).toEqual([])
    commands.sendMessage(t('topicSales'))
    await vi.waitFor(() => expect(state.messages.value.at(-1)?.text).toBe(t('thanks')))
    await settle()
    expect(state.ask.value?.id).toBe('thanks')
    expect(seen).toEqual([['flow:end', undefined]])
    const talk = actions.choices()[0]
    if (talk) actions.choose(talk)
    await vi.waitFor(() => expect(state.live.value?.phase).toBe('waiting'))
    await settle()
    expect(seen).toEqual([['flow:end', undefined]])
  })

  it('fires flow:end once per end, not again for messages sent after it', async () => {
    const { commands, state, record } = setup('configured')
    const seen = record('flow:end')
    commands.sendMessage('Ada')
    await vi.waitFor(() => expect(state.messages.value.at(-1)?.text).toBe('Bye Ada'))
    expect(seen).toEqual([['flow:end', undefined]])
    for (const text of ['One more thing', 'And another']) {
      commands.sendMessage(text)
      await vi.waitFor(() => expect(state.messages.value.at(-1)?.text).toBe(text))
    }
    await settle()
    expect(seen).toEqual([['flow:end', undefined]])
    // A new flow that ends is a new end.
    commands.startFlow('pricing')
    await vi.waitFor(() => expect(state.ask.value?.id).toBe('seats'))
    expect(seen).toHaveLength(1)
    commands.sendMessage('5')
    await vi.waitFor(() => expect(state.messages.value.at(-1)?.text).toBe('Noted.'))
    expect(seen).toEqual([
      ['flow:end', undefined],
      ['flow:end', undefined],
    ])
  })

  it('relays lead:synced and lead:error from the outbox', () => {
    const { relay, record } = setup()
    const seen = record('lead:synced', 'lead:error')
    relay.synced?.({ ...ids, name: 'Ada' })
    relay.error?.('E_TOKEN', 401)
    expect(seen).toEqual([
      ['lead:synced', { uuid: ids.uuid }],
      ['lead:error', { code: 'E_TOKEN', status: 401 }],
    ])
  })

  it('stops calling a listener after off', () => {
    const { commands } = setup()
    const fn = vi.fn()
    commands.on('open', fn)
    commands.open()
    commands.off('open', fn)
    commands.close()
    commands.open()
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('keeps calling other listeners when one throws, reporting it', () => {
    const { commands } = setup()
    const after = vi.fn()
    commands.on('open', () => {
      throw new Error('host bug')
    })
    commands.on('open', after)
    commands.open()
    expect(after).toHaveBeenCalledOnce()
    expect(errors).toHaveBeenCalledOnce()
    expect(String(errors.mock.calls[0]?.[0])).toMatch(/^\[Reekolect\] E_LISTENER: .*host bug/)
  })

  it('refuses on and off without an event name and a function', () => {
    const { commands } = setup()
    commands.on('open')
    badArgs('on')
    commands.off(42, () => {})
    badArgs('off')
  })

  it('dispose stops every event and unhooks the outbox', async () => {
    const { commands, actions, dispose, relay, record } = setup()
    const seen = record('open', 'close', 'message', 'unread', 'flow:end', 'lead:synced')
    dispose()
    expect(relay.synced).toBeUndefined()
    expect(relay.error).toBeUndefined()
    await actions.start()
    commands.open()
    commands.close()
    expect(seen).toEqual([])
  })
})

describe('lead commands', () => {
  it('identify sets lead fields and syncs them', () => {
    const { commands, state, payloads } = setup()
    commands.identify({
      name: 'Ada',
      email: 'Ada@Example.com',
      phone: '7400123456',
      dialCode: '+44',
      tags: ['vip'],
      attributes: { plan: 'pro' },
    })
    expect(state.lead.value).toMatchObject({
      name: 'Ada',
      email: 'ada@example.com',
      phone: '7400123456',
      dialCode: '+44',
      tags: ['vip'],
      attributes: [{ key: 'plan', value: 'pro' }],
    })
    expect(payloads.at(-1)).toMatchObject({ ...ids, name: 'Ada', email: 'ada@example.com' })
  })

  it.each([
    ['an invalid email', { email: 'ada@localhost' }],
    ['a phone with "+"', { phone: '+447400123456' }],
    ['a dial code without "+"', { dialCode: '44' }],
    ['tags that are not strings', { tags: [1] }],
    ['nothing', undefined],
  ])('identify refuses %s and changes nothing', (_, identity) => {
    const { commands, state, payloads } = setup()
    const before = state.lead.value
    commands.identify(identity)
    badArgs('identify')
    expect(state.lead.value).toBe(before)
    expect(payloads).toEqual([])
  })

  it('adds and removes tags, and sets attributes in both shapes', () => {
    const { commands, state } = setup()
    commands.addTags(['a', 'b'])
    commands.removeTags(['a'])
    commands.setAttributes({ plan: 'pro' })
    commands.setAttributes([{ key: 'seats', value: '5' }])
    expect(state.lead.value.tags).toEqual(['b'])
    expect(state.lead.value.attributes).toEqual([
      { key: 'plan', value: 'pro' },
      { key: 'seats', value: '5' },
    ])
    commands.addTags('a')
    badArgs('addTags')
    commands.setAttributes({ plan: 5 })
    badArgs('setAttributes')
  })

  it('reset and shutdown call the widget', () => {
    const { commands, reset, shutdown } = setup()
    commands.reset()
    expect(reset).toHaveBeenCalledOnce()
    commands.shutdown()
    expect(shutdown).toHaveBeenCalledOnce()
  })
})

describe('forgetDelivered (reset)', () => {
  const record = (v: number, sent: number) => ({
    s: SCHEMA,
    ids,
    f: { name: ['Ada', 1] },
    v,
    sent,
    at: 1,
  })

  it('removes the previous visitor’s delivered lead record, and only that', async () => {
    const kv = memoryKv()
    const other = '22222222-2222-4222-8222-222222222222'
    await kv.set(OUTBOX_KEY, { [ids.uuid]: record(2, 2), [other]: record(1, 1) })
    await forgetDelivered(kv, ids.uuid)
    expect(Object.keys((await kv.get<object>(OUTBOX_KEY)) ?? {})).toEqual([other])
  })

  it('keeps a record with a version still waiting: the lead is never lost', async () => {
    const kv = memoryKv()
    await kv.set(OUTBOX_KEY, { [ids.uuid]: record(3, 2) })
    await forgetDelivered(kv, ids.uuid)
    expect(Object.keys((await kv.get<object>(OUTBOX_KEY)) ?? {})).toEqual([ids.uuid])
  })

  it('never rejects on a missing, corrupt or failing store', async () => {
    await expect(forgetDelivered(memoryKv(), ids.uuid)).resolves.toBeUndefined()
    const kv = memoryKv()
    await kv.set(OUTBOX_KEY, 'garbage')
    await forgetDelivered(kv, ids.uuid)
    expect(await kv.get(OUTBOX_KEY)).toBe('garbage')
    const broken = { ...kv, update: () => Promise.reject(new Error('gone')) }
    await expect(forgetDelivered(broken, ids.uuid)).resolves.toBeUndefined()
  })
})
