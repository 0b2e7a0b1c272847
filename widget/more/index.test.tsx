// @vitest-environment happy-dom
/**
 * "New conversation" and the previous conversation (index.tsx) in the chat window
 * of the built-in flow: when the action shows, what starting again does to the
 * transcript, the lead and what is stored, and the disclosure of what came before.
 */
import { act, cleanup, render, screen } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { chatKey, createActions, type SavedChat } from '../core/actions'
import { builtinFlow, graph } from '../core/flow'
import { translator } from '../core/i18n'
import { DAY } from '../core/retention'
import { createState } from '../core/state'
import { memoryKv } from '../core/storage'
import { ChatWindow } from '../ui/ChatWindow'
import { createMore, isOver } from '.'
import { backKey, earlierKey, forgetBack } from './back'

const t = translator()
const IDS = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'bot', customerId: 'c1' }

afterEach(cleanup)

/** The built-in flow's chat with the more parts, its visitor `ids()` (a reset changes them). */
function setup() {
  const kv = memoryKv()
  const state = createState()
  let ids = IDS
  const actions = createActions(state, {
    graph: graph([builtinFlow(t)]),
    kv,
    ids: () => ids,
    sync: async () => {},
    phone: async () => ({ phone: '7400123456', dialCode: '+44' }),
    t: (k) => t(k),
  })
  const flags = new Map<string, string>()
  const more = createMore({
    state,
    actions,
    kv,
    keep: 30 * DAY,
    local: { setItem: (k, v) => void flags.set(k, v) },
  })
  const view = () =>
    render(
      <ChatWindow
        state={state}
        actions={actions}
        t={t}
        locale="en"
        dir="ltr"
        mode="launcher"
        more={more.ui}
      />,
    )
  const setIds = (next: typeof IDS) => {
    ids = next
  }
  return { kv, state, actions, more, flags, view, setIds }
}

/** Answers the built-in flow up to its thanks and the offer of a person. */
async function finish(actions: ReturnType<typeof setup>['actions']) {
  actions.open()
  await actions.start()
  await actions.submit('Ada')
  await actions.submit('ada@example.com')
  await actions.submit('07400 123456')
  actions.choose({ label: 'Support' })
}

const texts = (state: ReturnType<typeof setup>['state']) => state.messages.value.map((m) => m.text)
/** Lets the effect's storage reads and writes run. */
const settle = () => new Promise((go) => setTimeout(go, 10))

describe('isOver', () => {
  it('not while a question waits or an answer is checked; once only the offer of a person waits; a live chat once closed', async () => {
    const { state, actions } = setup()
    expect(isOver(state, actions)).toBe(false)
    actions.open()
    await actions.start()
    expect(isOver(state, actions)).toBe(false)
    await finish(actions)
    expect(isOver(state, actions)).toBe(true)
    state.busy.value = true
    expect(isOver(state, actions)).toBe(false)
    state.busy.value = false
    actions.handoff()
    expect(isOver(state, actions)).toBe(false)
    state.live.value = { phase: 'closed' }
    expect(isOver(state, actions)).toBe(true)
  })
})

describe('New conversation', () => {
  it('runs the flow again with the known fields, moves the transcript to the previous conversation, ids going on', async () => {
    const { state, actions, more, kv } = setup()
    await finish(actions)
    state.live.value = { phase: 'closed' }
    const old = state.messages.value
    const last = old.at(-1)?.id ?? 0
    more.restart()
    expect(texts(state)).toEqual([
      'Hi Ada! I can help you get in touch with our team.',
      'What can we help you with?',
    ])
    expect(state.messages.value.map((m) => m.id)).toEqual([last + 1, last + 2])
    expect(state.lead.value).toMatchObject({
      name: 'Ada',
      email: 'ada@example.com',
      tags: ['Support'],
    })
    expect(state.live.value).toBeUndefined()
    expect(state.ask.value?.id).toBe('topic')
    await settle()
    // A reload restores the new conversation, with the old one as the previous.
    expect((await kv.get<SavedChat>(chatKey(IDS.uuid)))?.messages.map((m) => m.text)).toEqual(
      texts(state),
    )
    expect((await kv.get<SavedChat>(earlierKey(IDS.uuid)))?.messages).toEqual(old)
  })

  it('shows under the composer once the conversation is over; the disclosure then holds the previous one, collapsed', async () => {
    const { actions, view } = setup()
    actions.open()
    await actions.start()
    view()
    expect(screen.queryByRole('button', { name: 'New conversation' })).toBeNull()
    await act(() => finish(actions))
    const count = screen.getByRole('log').querySelectorAll('.msgs > .msg').length
    act(() => screen.getByRole('button', { name: 'New conversation' }).click())
    expect(screen.queryByRole('button', { name: 'New conversation' })).toBeNull()
    const disclosure = screen.getByRole('button', {
      name: `Previous conversation · ${count} messages`,
    })
    expect(disclosure.getAttribute('aria-expanded')).toBe('false')
    const earlier = screen.getByRole('log').querySelector('#rk-earlier') as HTMLElement
    expect(earlier.hidden).toBe(true)
    expect(earlier.getAttribute('aria-live')).toBe('off')
    act(() => disclosure.click())
    expect(disclosure.getAttribute('aria-expanded')).toBe('true')
    expect(earlier.hidden).toBe(false)
    expect(earlier.querySelectorAll('.msg')).toHaveLength(count)
    expect(earlier.textContent).toContain('You: Ada')
    // Starting again twice keeps both, oldest first.
    act(() => screen.getByRole('button', { name: 'Support' }).click())
    act(() => screen.getByRole('button', { name: 'New conversation' }).click())
    expect(screen.getByRole('button', { name: /^Previous conversation · / }).textContent).toBe(
      `Previous conversation · ${count + 4} messages`,
    )
  })
})

describe('the returning visitor’s record', () => {
  it('follows the known fields of the lead, and sets the flag; nothing while none is known', async () => {
    const { actions, kv, flags } = setup()
    actions.open()
    await actions.start()
    await settle()
    expect(await kv.get(backKey(IDS.botId))).toBeUndefined()
    expect(flags.size).toBe(0)
    await actions.submit('Ada')
    await settle()
    expect(await kv.get(backKey(IDS.botId))).toMatchObject({
      v: 1,
      uuid: IDS.uuid,
      messages: [],
      lead: { name: 'Ada', tags: [], attributes: [], notes: [] },
    })
    expect(flags.get('reekolect:back')).toBe('1')
  })

  it('a reset (another UUID, the records forgotten as `reset` does) clears the previous conversation shown', async () => {
    const { actions, more, state, setIds, view, kv } = setup()
    await finish(actions)
    more.restart()
    view()
    expect(screen.getByRole('button', { name: /^Previous conversation/ })).toBeTruthy()
    setIds({ ...IDS, uuid: '33333333-3333-4333-8333-333333333333' })
    await act(async () => {
      void forgetBack(kv, IDS.uuid, IDS.botId, { removeItem: () => {} })
      await actions.reset(IDS.uuid)
      await settle()
    })
    expect(texts(state)[0]).toBe('Hi there! I can help you get in touch with our team.')
    expect(screen.queryByRole('button', { name: /^Previous conversation/ })).toBeNull()
  })
})
