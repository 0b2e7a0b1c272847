import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BACK_FLAG } from '../../loader/protocol'
import { parseConfig } from '../config/schema'
import { backKey, earlierKey } from '../more/back'
import { createRich } from '../rich'
import { createActions } from './actions'
import { createCommands, forgetDelivered, HOST_LIMITS } from './commands'
import { builtinFlow, type Graph, graph } from './flow'
import { translator } from './i18n'
import type { LeadPayload } from './lead'
import { MAX_BODY, OUTBOX_KEY, type OutboxEvents, SCHEMA } from './outbox'
import { recordSnapshots } from './outbox.fake'
import { createState } from './state'
import { memoryKv } from './storage'
import { MAX_LENGTH } from './validate'

const t = translator()
/**
 * No DOM here (Node): the shadow root is never reached by these tests, which
 * check `showMessage`'s arguments and the chat side; the teaser itself is tested
 * with a DOM in widget/teaser/.
 */
const root = undefined as unknown as ShadowRoot
const locale = () => 'en'
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
  return createRich(parsed.config, () => ids, {
    fetch: (async () => new Response('{}')) as typeof fetch,
  })
}

/**
 * The commands of a chat whose host bridge does nothing (no relay, locale, reset or
 * shutdown to watch): for tests about messages and events only.
 */
const quietCommands = (
  actions: ReturnType<typeof createActions>,
  state: ReturnType<typeof createState>,
  since?: number,
) =>
  createCommands({
    actions,
    state,
    relay: {},
    ...(since === undefined ? {} : { since }),
    uuid: () => ids.uuid,
    setLocale: async () => {},
    reset: () => {},
    shutdown: () => {},
    root,
    locale,
  })

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
    root,
    locale,
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

type Commands = ReturnType<typeof setup>['commands']
/** `n` distinct names: `p0`, `p1`, … */
const names = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`)
/** An attribute record of `n` keys `p0`, `p1`, … with one value. */
const record = (p: string, n: number, value = 'v') =>
  Object.fromEntries(names(p, n).map((k) => [k, value]))

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

describe('showMessage', () => {
  const said = (state: ReturnType<typeof setup>['state']) =>
    state.messages.value.map((m) => `${m.from}: ${m.text}`)

  it('with {open: true} opens a new chat where the bot says the text first, then the flow', async () => {
    const { commands, state, payloads } = setup()
    commands.showMessage('Questions about pricing? <b>Ask us</b>', { open: true })
    expect(state.open.value).toBe(true)
    await vi.waitFor(() => expect(state.ask.value?.id).toBe('name'))
    expect(said(state)).toEqual([
      'bot: Questions about pricing? <b>Ask us</b>',
      `bot: ${t('greet')}`,
      `bot: ${t('askName')}`,
    ])
    expect(state.unread.value).toBe(0)
    expect(payloads).toEqual([ids])
    expect(errors).not.toHaveBeenCalled()
  })

  it('does not say the bot’s own first message twice', async () => {
    const { commands, state } = setup('configured')
    commands.showMessage('Hello!', { open: true })
    await vi.waitFor(() => expect(state.ask.value?.id).toBe('name'))
    expect(said(state)).toEqual(['bot: Hello!', 'bot: Your name?'])
  })

  it('in an open chat, the bot says it after the last message, once; the question still waits', async () => {
    const { commands, actions, state } = setup()
    actions.open()
    await vi.waitFor(() => expect(state.ask.value?.id).toBe('name'))
    const before = said(state)
    commands.showMessage('  We reply within the hour.  ')
    await vi.waitFor(() => expect(state.messages.value).toHaveLength(before.length + 1))
    commands.showMessage('We reply within the hour.')
    await settle()
    expect(said(state)).toEqual([...before, 'bot: We reply within the hour.'])
    expect(state.ask.value?.id).toBe('name')
  })

  it('restores a saved chat, then the bot says it at the end', async () => {
    const kv = memoryKv()
    const first = setup('builtin', kv)
    await first.actions.start()
    await first.actions.submit('Ada')
    const saved = said(first.state)
    const second = setup('builtin', kv)
    second.commands.showMessage('Welcome back!', { open: true })
    await vi.waitFor(() => expect(said(second.state)).toEqual([...saved, 'bot: Welcome back!']))
    expect(second.state.ask.value?.id).toBe('email')
  })

  it.each([
    ['no text', [undefined]],
    ['an empty text', ['']],
    ['only spaces', ['   ']],
    ['a number', [42]],
    ['a text over 300 characters', ['a'.repeat(301)]],
    ['options that are not an object', ['Hi!', true]],
    ['null options', ['Hi!', null]],
    ['an open that is not a boolean', ['Hi!', { open: 'yes' }]],
  ])('refuses %s with one E_ARGS line and changes nothing', async (_, args) => {
    const { commands, state } = setup()
    commands.showMessage(...args)
    badArgs('showMessage')
    await settle()
    expect(state.open.value).toBe(false)
    expect(state.messages.value).toEqual([])
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
    const { commands } = quietCommands(actions, state)
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
    const { commands } = quietCommands(actions, state, since)
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

  it('a reset (no messages, nothing asked) does not end the flow', async () => {
    const { actions, record } = setup()
    await actions.start()
    const seen = record('flow:end')
    await actions.reset(ids.uuid)
    await settle()
    expect(seen).toEqual([])
  })

  it('no flow:end when a question is asked again in the same task as the end', async () => {
    const { actions, state, record } = setup('configured')
    await actions.start()
    const seen = record('flow:end')
    actions.answer({ text: 'Ada', value: 'Ada' }) // the end; its event waits for a task of its own
    expect(state.ask.value).toBeUndefined()
    actions.go('p1') // the host's startFlow('pricing') in the same task
    await settle()
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

  it.each([
    ['a string', 'Ada'],
    ['a name of spaces', { name: '   ' }],
    [`a name over ${MAX_LENGTH.name} characters`, { name: 'x'.repeat(MAX_LENGTH.name + 1) }],
    ['a name that is a number', { name: 42 }],
    [
      `an email over ${MAX_LENGTH.email} characters`,
      { email: `${'a'.repeat(MAX_LENGTH.email - 11)}@example.com` },
    ],
    ['an email in an array', { email: ['ada@example.com'] }],
    ['a phone that is a number', { phone: 7400123456 }],
    ['a phone with a letter after the digits', { phone: '7400123456x' }],
    ['a dial code in an array', { dialCode: ['+44'] }],
    ['a dial code after other text', { dialCode: 'x+44' }],
    ['a dial code with text after it', { dialCode: '+44x' }],
    [`more than ${HOST_LIMITS.tags} tags`, { tags: names('t', HOST_LIMITS.tags + 1) }],
    [`a tag over ${HOST_LIMITS.tag} characters`, { tags: ['x'.repeat(HOST_LIMITS.tag + 1)] }],
    ['a tag that is no string beside one that is', { tags: ['ok', 1] }],
    ['attributes that are null', { attributes: null }],
    ['attributes that are a string', { attributes: 'plan' }],
    [
      'an attribute without a value after a good one',
      { attributes: [{ key: 'plan', value: 'pro' }, { key: 'seats' }] },
    ],
    ['an attribute that is null', { attributes: [null] }],
    [
      'a good attribute beside one whose key is no string',
      {
        attributes: [
          { key: 'plan', value: 'pro' },
          { key: 1, value: 'x' },
        ],
      },
    ],
    ['a record with a value that is no string', { attributes: { plan: 'pro', seats: ['5'] } }],
    ['an empty attribute key after a good one', { attributes: { plan: 'pro', '': 'x' } }],
    [
      `an attribute key over ${HOST_LIMITS.key} characters`,
      { attributes: { plan: 'pro', ['k'.repeat(HOST_LIMITS.key + 1)]: 'x' } },
    ],
    [
      `an attribute value over ${HOST_LIMITS.value} characters`,
      { attributes: { plan: 'pro', bio: 'x'.repeat(HOST_LIMITS.value + 1) } },
    ],
    [
      `more than ${HOST_LIMITS.attributes} attributes`,
      { attributes: record('k', HOST_LIMITS.attributes + 1) },
    ],
  ])('identify refuses %s with one E_ARGS line, changes nothing, throws nothing', (_, identity) => {
    const { commands, state, payloads } = setup()
    const before = state.lead.value
    expect(() => commands.identify(identity)).not.toThrow()
    expect(String(errors.mock.calls[0]?.[0])).toContain('got bad arguments — pass {name?')
    badArgs('identify')
    expect(state.lead.value).toBe(before)
    expect(payloads).toEqual([])
  })

  it('identify takes any field alone and changes only that one', () => {
    const { commands, state } = setup()
    commands.identify({ name: 'Ada', tags: ['vip'], attributes: { plan: 'pro' } })
    commands.identify({ email: 'ada@example.com' })
    commands.identify({ phone: '7400123456' })
    commands.identify({ dialCode: '+44' })
    commands.identify({ tags: ['new'] })
    commands.identify({ attributes: [{ key: 'seats', value: '5' }] })
    commands.identify({})
    expect(errors).not.toHaveBeenCalled()
    expect(state.lead.value).toEqual({
      name: 'Ada',
      email: 'ada@example.com',
      phone: '7400123456',
      dialCode: '+44',
      tags: ['vip', 'new'],
      attributes: [
        { key: 'plan', value: 'pro' },
        { key: 'seats', value: '5' },
      ],
      notes: [],
    })
  })

  it('identify takes values right at the limits', () => {
    const { commands, state } = setup()
    const name = 'N'.repeat(MAX_LENGTH.name)
    const email = `${'a'.repeat(MAX_LENGTH.email - 12)}@example.com`
    const tags = names('t', HOST_LIMITS.tags).map((t) => t.padEnd(HOST_LIMITS.tag, 'x'))
    const attributes = Object.fromEntries(
      names('k', HOST_LIMITS.attributes).map((k, i) => [
        k.padEnd(HOST_LIMITS.key, 'y'),
        i ? 'v' : 'v'.repeat(HOST_LIMITS.value),
      ]),
    )
    commands.identify({ name, email, phone: '7'.repeat(17), dialCode: '+1234', tags, attributes })
    expect(errors).not.toHaveBeenCalled()
    expect(state.lead.value).toMatchObject({
      name,
      email,
      phone: '7'.repeat(17),
      dialCode: '+1234',
    })
    expect(state.lead.value.tags).toHaveLength(HOST_LIMITS.tags)
    expect(state.lead.value.attributes).toHaveLength(HOST_LIMITS.attributes)
  })

  it('refuses a change that would put the lead over a limit, whole, and says which', () => {
    const { commands, state } = setup()
    commands.addTags(names('a', 60))
    commands.addTags(names('b', 50))
    commands.setAttributes(record('a', 60))
    commands.setAttributes(record('b', 50))
    expect(errors.mock.calls.map((c: unknown[]) => c[0])).toEqual([
      `[Reekolect] E_ARGS: Reekolect('addTags') would make more than ${HOST_LIMITS.tags} tags — send less; nothing changed`,
      `[Reekolect] E_ARGS: Reekolect('setAttributes') would make more than ${HOST_LIMITS.attributes} attributes — send less; nothing changed`,
    ])
    expect(state.lead.value.tags).toEqual(names('a', 60))
    expect(state.lead.value.attributes).toHaveLength(60)
  })

  it(`refuses attributes that would make the lead's PUT body larger than ${MAX_BODY} bytes`, () => {
    const { commands, state, payloads } = setup()
    commands.setAttributes(record('k', 70, 'x'.repeat(HOST_LIMITS.value)))
    expect(errors).toHaveBeenCalledTimes(1)
    expect(String(errors.mock.calls[0]?.[0])).toMatch(
      new RegExp(
        `^\\[Reekolect\\] E_ARGS: Reekolect\\('setAttributes'\\) would make a lead of \\d+ bytes \\(at most ${MAX_BODY}\\) — send less; nothing changed$`,
      ),
    )
    expect(state.lead.value.attributes).toEqual([])
    expect(payloads).toEqual([])
  })

  it('takes only the own keys of an attribute record: __proto__ and constructor are dropped', () => {
    const { commands, state } = setup()
    commands.setAttributes(JSON.parse('{"__proto__": "x", "constructor": "y", "plan": "pro"}'))
    expect(state.lead.value.attributes).toEqual([{ key: 'plan', value: 'pro' }])
  })

  it.each([
    ['on', (c: Commands) => c.on('message'), 'an event name and a function'],
    ['off', (c: Commands) => c.off('message'), 'an event name and a function'],
    [
      'startFlow',
      (c: Commands) => c.startFlow('nope'),
      'the id of a flow of the bot configuration document',
    ],
    [
      'sendMessage',
      (c: Commands) => c.sendMessage(' '),
      `a non-empty string of at most ${MAX_LENGTH.text} characters`,
    ],
    [
      'setLocale',
      (c: Commands) => c.setLocale('not a tag!'),
      'a BCP 47 language tag such as "fr" or "pt-BR"',
    ],
    [
      'removeTags',
      (c: Commands) => c.removeTags('vip'),
      'an array of at most 100 strings of at most 100 characters',
    ],
    [
      'identify',
      (c: Commands) => c.identify('Ada'),
      '{name? (≤ 100 characters), email?, phone? (digits), dialCode? ("+44"), tags?: an array of at most 100 strings of at most 100 characters, attributes?: a record of strings or {key, value}[] (at most 100, keys ≤ 100 and values ≤ 1000 characters)}',
    ],
  ])('%s: the E_ARGS line says what to pass', (command, call, expected) => {
    const { commands } = setup()
    call(commands)
    expect(errors.mock.calls.map((c: unknown[]) => c[0])).toEqual([
      `[Reekolect] E_ARGS: Reekolect('${command}') got bad arguments — pass ${expected}`,
    ])
  })

  it(`sendMessage takes a text of exactly ${MAX_LENGTH.text} characters`, async () => {
    const { commands, state } = setup()
    commands.sendMessage('x'.repeat(MAX_LENGTH.text))
    await settle()
    expect(errors).not.toHaveBeenCalled()
    // It answers the name question, which is shorter: the visitor sees the inline error.
    expect(state.error.value?.key).toBe('errTooLong')
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

  it('keeps a pending snapshot of the previous storage format: the lead is never lost', async () => {
    const kv = memoryKv()
    await kv.set(OUTBOX_KEY, { [ids.uuid]: { payload: { ...ids, name: 'Ada' }, v: 1 } })
    await forgetDelivered(kv, ids.uuid)
    expect(Object.keys((await kv.get<object>(OUTBOX_KEY)) ?? {})).toEqual([ids.uuid])
  })

  it('forgets the bot’s returning visitor and the visitor’s previous conversations: the next one is not welcomed back', async () => {
    const kv = memoryKv()
    const keys = [backKey(ids.botId), earlierKey(ids.uuid), backKey('other-bot')]
    for (const k of keys) await kv.set(k, { v: 1 })
    const local = new Map([[BACK_FLAG, '1']])
    vi.stubGlobal('localStorage', { removeItem: (k: string) => local.delete(k) })
    await forgetDelivered(kv, ids.uuid, ids.botId)
    expect(await Promise.all(keys.map((k) => kv.get(k)))).toEqual([undefined, undefined, { v: 1 }])
    expect(local.has(BACK_FLAG)).toBe(false)
    vi.unstubAllGlobals()
  })
})

describe('sendMessage: free questions of a bot with an FAQ', () => {
  /** A bot whose flow asks a name, then offers buttons; its FAQ knows delivery. */
  function faqBot() {
    const parsed = parseConfig({
      version: 1,
      settings: { general: { language: 'en' } },
      flows: [
        {
          id: 'main',
          nodes: [
            { id: 'name', type: 'ask', input: 'name', text: 'Your name?' },
            { id: 'menu', type: 'quick', text: 'Anything else?', options: [{ label: 'No' }] },
            { id: 'bye', type: 'end', text: 'Bye {name}' },
          ],
        },
      ],
      faq: {
        items: [
          {
            id: 'delivery',
            question: 'How much is delivery?',
            alternatives: ['What does shipping cost?'],
            answer: 'Delivery is **£3.95**.',
          },
        ],
        fallback: 'none',
      },
    })
    if ('issues' in parsed) throw new Error(JSON.stringify(parsed.issues))
    const rich = createRich(parsed.config, () => ids, { token: 'tok' })
    const tr = translator({ ...rich.strings('en') } as never)
    const state = createState()
    const actions = createActions(state, {
      graph: rich.graph,
      ext: rich.ext,
      kv: memoryKv(),
      ids: () => ids,
      sync: async () => {},
      t: (k) => tr(k),
      phone: async () => undefined,
    })
    const { commands } = quietCommands(actions, state)
    const seen: [string, unknown][] = []
    for (const e of ['message', 'flow:end'])
      commands.on(e, (p: { text?: string }) => seen.push([e, p?.text]))
    const texts = () => state.messages.value.map((m) => `${m.from}: ${m.text}`)
    return { state, actions, commands, seen, texts }
  }
  const sent = (seen: [string, unknown][]) =>
    seen.filter(([e]) => e === 'message').map(([, t]) => t)

  it('answers the waiting question while one waits for typed text', async () => {
    const { commands, state } = faqBot()
    commands.sendMessage('How much is delivery?')
    await vi.waitFor(() => expect(state.lead.value.name).toBe('How much is delivery?'))
  })

  it('while buttons wait: a free question, answered from the FAQ; a label is still the button', async () => {
    const { commands, state, texts, actions } = faqBot()
    commands.sendMessage('Ada')
    await vi.waitFor(() => expect(state.ask.value?.id).toBe('menu'))
    commands.sendMessage('what does shipping cost')
    await vi.waitFor(() => expect(texts().at(-1)).toBe('bot: Did that help?'))
    expect(texts().slice(-3)).toEqual([
      'visitor: what does shipping cost',
      'bot: Delivery is **£3.95**.',
      'bot: Did that help?',
    ])
    commands.sendMessage('YES')
    await vi.waitFor(() => expect(texts().at(-1)).toBe('bot: Anything else?'))
    expect(actions.choices().map((c) => c.label)).toEqual(['No'])
    commands.sendMessage('no')
    await vi.waitFor(() => expect(texts().at(-1)).toBe('bot: Bye Ada'))
  })

  it('after the end: the answers are `message` events, and `flow:end` does not fire again', async () => {
    const { commands, state, seen, texts } = faqBot()
    commands.sendMessage('Ada')
    await vi.waitFor(() => expect(state.ask.value?.id).toBe('menu'))
    commands.sendMessage('No')
    await vi.waitFor(() => expect(texts().at(-1)).toBe('bot: Bye Ada'))
    await settle()
    expect(seen.filter(([e]) => e === 'flow:end')).toHaveLength(1)
    commands.sendMessage('shipping cost?')
    await vi.waitFor(() => expect(texts().at(-1)).toBe('bot: Did that help?'))
    commands.sendMessage('Yes')
    await vi.waitFor(() => expect(texts().at(-1)).toBe('visitor: Yes'))
    commands.sendMessage('do you sell bikes')
    await vi.waitFor(() =>
      expect(texts().at(-1)).toBe('bot: Sorry, I don’t know the answer to that.'),
    )
    await settle()
    expect(seen.filter(([e]) => e === 'flow:end')).toHaveLength(1)
    expect(sent(seen).slice(-6)).toEqual([
      'shipping cost?',
      'Delivery is **£3.95**.',
      'Did that help?',
      'Yes',
      'do you sell bikes',
      'Sorry, I don’t know the answer to that.',
    ])
  })

  it('an answer still streaming in is one `message` event, with its whole text, once complete', async () => {
    const { state, seen } = faqBot()
    /** Shows the growing answer (added at first), as widget/answers/ does. */
    const add = (text: string, pending?: true) => {
      const list = state.messages.value.filter((m) => !m.pending)
      const id = (list.at(-1)?.id ?? 0) + 1
      state.messages.value = [
        ...list,
        { id, from: 'bot', text, at: 1, ...(pending && { pending }) },
      ]
    }
    add('Deliv', true)
    add('Delivery is', true)
    await settle()
    expect(sent(seen)).toEqual([])
    add('Delivery is £3.95.')
    await settle()
    expect(sent(seen)).toEqual(['Delivery is £3.95.'])
  })

  it('refuses bad input with one E_ARGS line and asks nothing', async () => {
    const { commands, state, actions } = faqBot()
    await actions.start()
    const before = state.messages.value
    commands.sendMessage({ text: 'how much is delivery' })
    badArgs('sendMessage')
    commands.sendMessage('x'.repeat(MAX_LENGTH.text + 1))
    badArgs('sendMessage')
    await settle()
    expect(state.messages.value).toBe(before)
  })
})
