// @vitest-environment happy-dom
/**
 * The live chat after a hand-off: what the visitor sees and types, and how the
 * inbox's messages and statuses change the chat (widget/live/index.ts).
 */
import { signal } from '@preact/signals'
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/preact'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createActions, type SavedChat, savedChat } from '../core/actions'
import { builtinFlow, graph } from '../core/flow'
import { translator } from '../core/i18n'
import { markDelivered, setSids } from '../core/receipts'
import { createState } from '../core/state'
import { memoryKv } from '../core/storage'
import { createTranscript, follow, type MessagesBody } from '../core/transcript'
import { bindBubbles } from '../ui/bubbles'
import { ChatWindow } from '../ui/ChatWindow'
import { createLive, type InboxMessage } from '.'
import type { LiveStatus } from './stream'
import { liveText } from './strings'
import { bindUi } from './ui'

const t = translator()
const IDS = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'b', customerId: 'c' }
const SAM = { id: 'a1', name: 'Sam', picture: 'https://example.com/sam.png' }

function setup() {
  const state = createState()
  const kv = memoryKv()
  const actions = createActions(state, {
    graph: graph([builtinFlow(t)]),
    kv,
    ids: () => IDS,
    sync: async () => {},
    phone: async () => undefined,
    t: (k) => t(k),
  })
  const live = createLive(state, actions)
  // Times and states, without pacing (widget/ui/bubbles.test.tsx tests it).
  const bubbles = bindBubbles(state, signal(false), false)
  const view = () =>
    render(
      <ChatWindow
        state={state}
        actions={actions}
        t={t}
        locale="en"
        dir="ltr"
        mode="launcher"
        live={live.ui}
        bubbles={bubbles}
      />,
    )
  return { state, actions, live, kv, view }
}

const reply = (over: Partial<InboxMessage> = {}): InboxMessage => ({
  id: '0b6a3c4e-8c1e-4f7a-9a49-6d0c1b1f9e11',
  by: 'agent',
  text: 'Hi, I am Sam.',
  at: '2026-12-03T10:00:00.000Z',
  agent: SAM,
  ...over,
})

afterEach(cleanup)

describe('live chat', () => {
  it('waits for a person, then "You’re talking to Sam" once his message names him', async () => {
    const { state, actions, live, view } = setup()
    await actions.start()
    actions.open()
    actions.handoff()
    view()
    const bar = () => screen.getAllByRole('status').find((e) => e.classList.contains('live'))
    expect(bar()?.textContent).toBe('Waiting for a person to join…')
    act(() => {
      expect(live.receive(reply())).toBe(true)
    })
    expect(bar()?.textContent).toBe('You’re talking to Sam')
    expect(bar()?.querySelector('img')?.getAttribute('src')).toBe(SAM.picture)
    const msg = within(screen.getByRole('log')).getByText('Hi, I am Sam.').closest('.msg')
    expect(msg?.classList.contains('agent')).toBe(true)
    // Its name (with his picture: the first of his messages) and text, then its time (the bubbles' Meta).
    expect(msg?.querySelector('.who img')?.getAttribute('src')).toBe(SAM.picture)
    expect(msg?.textContent).toBe(`Sam: Hi, I am Sam.${msg?.querySelector('.meta')?.textContent}`)
    expect(msg?.querySelector('time')?.getAttribute('datetime')).toBe('2026-12-03T10:00:00.000Z')
    expect(state.live.value).toEqual({ phase: 'talking', agent: SAM })
  })

  it('shows each agent message once, whatever replays it', async () => {
    const { state, actions, live } = setup()
    await actions.start()
    actions.handoff()
    expect(live.receive(reply())).toBe(true)
    expect(live.receive(reply())).toBe(false)
    expect(live.receive(reply({ id: 'other', text: 'Second' }))).toBe(true)
    expect(live.receive({ nonsense: true } as unknown as InboxMessage)).toBe(false)
    expect(live.receive(reply({ id: 'x', by: 'martian' as 'agent' }))).toBe(false)
    expect(state.messages.value.filter((m) => m.from === 'agent').map((m) => m.text)).toEqual([
      'Hi, I am Sam.',
      'Second',
    ])
  })

  it('another tab of the visitor (a duplicated tab): its messages show once; the chat’s own, named by the outbox, never twice', async () => {
    const { state, actions, live, kv } = setup()
    const sent: MessagesBody[] = []
    // Wired as the conversation chunk does (widget/conversation.ts): the outbox names
    // each entry with its UUID, and marks the delivered ones.
    const saveIf = (changed: boolean) => changed && void actions.save()
    const transcript = createTranscript(
      kv,
      async (body) => {
        sent.push(structuredClone(body))
        return { status: 200 }
      },
      {
        stored: (_, sids) => saveIf(setSids(state, sids)),
        delivered: (_, ids) => saveIf(markDelivered(state, ids)),
      },
    )
    const stop = follow(state, transcript, () => IDS, window)
    await actions.start()
    actions.handoff()
    actions.close()
    actions.go(undefined, 'Where is my order?')
    await vi.waitFor(() =>
      expect(sent.flatMap((b) => b.messages).at(-1)?.text).toBe('Where is my order?'),
    )
    const wire = sent.flatMap((b) => b.messages)
    // Each message the outbox sent carries, in the chat, the UUID it was sent with.
    const own = state.messages.value.filter((m) => m.from !== 'agent')
    expect(own.map((m) => m.sid)).toEqual(wire.map((m) => m.id))
    // The stream brings them all back: none is shown twice.
    for (const m of wire) expect(live.receive(m)).toBe(false)
    expect(state.messages.value).toHaveLength(own.length)
    // The visitor writes in the other tab: shown here once, as theirs, without a badge.
    const unread = state.unread.value
    const elsewhere: InboxMessage = {
      id: '5c0a3f0e-2b8e-4a57-9d2e-3f1c6b7a8e90',
      by: 'visitor',
      text: 'Sent from my other tab',
      at: '2026-12-03T10:02:00.000Z',
    }
    expect(live.receive(elsewhere)).toBe(true)
    expect(live.receive({ ...elsewhere })).toBe(false)
    expect(state.messages.value.at(-1)).toMatchObject({
      from: 'visitor',
      text: 'Sent from my other tab',
      sid: elsewhere.id,
      at: Date.parse(elsewhere.at),
    })
    expect(state.messages.value.filter((m) => m.text === 'Sent from my other tab')).toHaveLength(1)
    expect(state.unread.value).toBe(unread)
    // The other tab sent it: this tab's outbox does not send it again.
    const before = sent.length
    actions.go(undefined, 'And this one from here')
    await vi.waitFor(() => expect(sent.length).toBeGreaterThan(before))
    expect(sent.slice(before).flatMap((b) => b.messages.map((m) => m.text))).toEqual([
      'And this one from here',
    ])
    // A reload keeps the names: the saved chat has them.
    await vi.waitFor(async () => {
      const saved = savedChat(await kv.get<SavedChat>(`chat:${IDS.uuid}`))
      expect(saved?.messages.every((m) => m.sid)).toBe(true)
    })
    stop()
  })

  it('hooks resume after the newest agent message, not after the visitor’s own', async () => {
    const { state, actions, live } = setup()
    await actions.start()
    actions.handoff()
    const name = () => {
      state.messages.value = state.messages.value.map((m, i) => ({
        ...m,
        sid: m.sid ?? `own-${i}`,
      }))
    }
    name()
    // No agent yet: after the oldest message the chat keeps (older ones are not shown again).
    expect(live.hooks().lastId).toBe('own-0')
    live.receive(reply({ id: 'a1' }))
    // Written after Sam's reply; on the server it may come after a reply still on its way.
    actions.go(undefined, 'Thanks')
    name()
    const hooks = live.hooks()
    expect(hooks.lastId).toBe('a1')
    // Known to the inbox: all but the visitor's undelivered "Thanks", which must come back to be marked.
    const thanks = state.messages.value.at(-1)
    expect(thanks?.text).toBe('Thanks')
    expect(hooks.seen).toEqual(state.messages.value.filter((m) => m !== thanks).map((m) => m.sid))
  })

  it('says "Reconnecting…" while the stream reconnects, never an error, and goes back once connected', async () => {
    const { state, actions, live } = setup()
    await actions.start()
    actions.open()
    actions.handoff()
    live.setAgent(SAM)
    const net = signal<LiveStatus | undefined>('open')
    const { Bar } = bindUi({ state, typing: signal(undefined), onType: () => {}, net })
    render(<Bar state={state} locale="en" />)
    const bar = () => screen.getByRole('status')
    expect(bar().textContent).toBe('You’re talking to Sam')
    act(() => {
      net.value = 'reconnecting'
    })
    expect(bar().textContent).toBe('Reconnecting…')
    // The agent's picture stays: it is still Sam's conversation.
    expect(bar().querySelector('img')?.getAttribute('src')).toBe(SAM.picture)
    act(() => {
      net.value = 'open'
    })
    expect(bar().textContent).toBe('You’re talking to Sam')
    // Polling or paused is connected enough: the normal line.
    for (const s of ['polling', 'paused', 'connecting'] as const) {
      act(() => {
        net.value = s
      })
      expect(bar().textContent).toBe('You’re talking to Sam')
    }
    // A closed conversation says so, whatever the connection does.
    act(() => {
      net.value = 'reconnecting'
      live.setStatus('CLOSED')
    })
    expect(bar().textContent).toBe('This conversation was closed.')
  })

  it.each([
    ['en', 'Reconnecting…'],
    ['fr', 'Reconnexion…'],
    ['de-AT', 'Verbindung wird wiederhergestellt…'],
    ['es', 'Reconectando…'],
    ['pt-BR', 'A restabelecer a ligação…'],
    ['ar', 'جارٍ إعادة الاتصال…'],
    ['hi', 'फिर से कनेक्ट हो रहा है…'],
  ])('"Reconnecting…" in %s', (locale, text) => {
    expect(liveText(locale, 'reconnecting')).toBe(text)
  })

  it('the status line of a live chat follows its own connection', async () => {
    const { state, actions } = setup()
    await actions.start()
    actions.open()
    actions.handoff()
    // A connection that cannot reach the API: it reconnects.
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    })
    vi.stubGlobal('fetch', fetch)
    try {
      const chat = createLive(state, actions, {
        api: 'https://api.example.com',
        token: 't',
        ids: () => IDS,
      })
      render(<chat.ui.Bar state={state} locale="en" />)
      await vi.waitFor(() => expect(chat.status.value).toBe('reconnecting'))
      expect(screen.getByRole('status').textContent).toBe('Reconnecting…')
      chat.dispose()
      expect(chat.status.value).toBeUndefined()
      await vi.waitFor(() =>
        expect(screen.getByRole('status').textContent).toBe('Waiting for a person to join…'),
      )
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('raises the unread count while the chat is closed', async () => {
    const { state, actions, live } = setup()
    await actions.start()
    actions.handoff()
    actions.close()
    const before = state.unread.value
    live.receive(reply())
    expect(state.unread.value).toBe(before + 1)
  })

  it('renders agent text as text: markup shows as typed, only http(s), mailto and tel become links', async () => {
    const { actions, live, view } = setup()
    await actions.start()
    actions.open()
    actions.handoff()
    live.receive(
      reply({
        text: '<img src=x onerror=alert(1)> see https://example.com/a?b=1. or mailto:help@example.com, javascript:alert(1) tel:+441234',
      }),
    )
    view()
    const log = screen.getByRole('log')
    // The only image is the agent's picture beside his name, none from the text.
    expect([...log.querySelectorAll('img')].map((i) => i.getAttribute('src'))).toEqual([
      SAM.picture,
    ])
    expect(log.textContent).toContain('<img src=x onerror=alert(1)>')
    const links = [...log.querySelectorAll('a')].map((a) => a.getAttribute('href'))
    expect(links).toEqual(['https://example.com/a?b=1', 'mailto:help@example.com', 'tel:+441234'])
    const web = log.querySelector('a')
    expect(web?.getAttribute('target')).toBe('_blank')
    expect(web?.getAttribute('rel')).toBe('noopener noreferrer')
  })

  it('the composer: Enter sends, Shift+Enter is a new line, and each message joins the transcript', async () => {
    const { state, actions, view, kv } = setup()
    await actions.start()
    actions.open()
    actions.handoff()
    view()
    const box = screen.getByRole('textbox', { name: 'Your message' }) as HTMLTextAreaElement
    expect(box.tagName).toBe('TEXTAREA')
    fireEvent.input(box, { target: { value: '   ' } })
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' })
    })
    expect(state.messages.value.at(-1)?.from).toBe('bot')
    fireEvent.input(box, { target: { value: 'line one' } })
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true })
    expect(state.messages.value.at(-1)?.from).toBe('bot')
    fireEvent.input(box, { target: { value: ' line one\nline two ' } })
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' })
    })
    expect(state.messages.value.at(-1)).toMatchObject({
      from: 'visitor',
      text: 'line one\nline two',
    })
    expect(box.value).toBe('')
    await actions.save()
    const saved = savedChat(await kv.get<SavedChat>(`chat:${IDS.uuid}`))
    expect(saved?.messages.at(-1)?.text).toBe('line one\nline two')
  })

  it('a CLOSED status closes the chat: the composer goes (widget/more/ offers a new conversation), the visitor is told', async () => {
    const { actions, live, view } = setup()
    await actions.start()
    actions.open()
    actions.handoff()
    live.setAgent(SAM)
    view()
    act(() => live.setStatus('CLOSED'))
    expect(screen.queryByRole('textbox', { name: 'Your message' })).toBeNull()
    expect(screen.getByText('This conversation was closed.')).toBeTruthy()
    expect(screen.queryByRole('button', { name: /conversation/i })).toBeNull()
  })

  it('keeps only an https picture of an agent, and persists the agent for a reload', async () => {
    const { state, actions, live, kv } = setup()
    await actions.start()
    actions.handoff()
    live.setAgent({ name: 'Eve', picture: 'javascript:alert(1)' })
    expect(state.live.value?.agent).toEqual({ name: 'Eve' })
    live.receive(reply())
    await actions.save()
    const saved = savedChat(await kv.get<SavedChat>(`chat:${IDS.uuid}`))
    expect(saved?.live).toEqual({ phase: 'talking', agent: SAM })
    expect(saved?.messages.at(-1)).toMatchObject({ from: 'agent', agent: SAM })
  })

  it('hooks: what the agent stream calls, with the ids the chat already shows', async () => {
    const { state, actions, live } = setup()
    await actions.start()
    actions.handoff()
    // The flow's messages have no inbox id until the transcript outbox stores them (not here).
    expect(live.hooks()).toMatchObject({ seen: [], lastId: undefined })
    const hooks = live.hooks()
    hooks.onTyping(SAM)
    expect(state.live.value?.phase).toBe('talking')
    hooks.onMessage(reply({ id: 'm1' }))
    hooks.onMessage(reply({ id: 'm2', text: 'Anything else?' }))
    expect(live.hooks()).toMatchObject({ seen: ['m1', 'm2'], lastId: 'm2' })
    hooks.onStatus('CLOSED', undefined)
    expect(state.live.value?.phase).toBe('closed')
    // A closed chat stays closed: a late typing notice does not reopen it.
    hooks.onTyping(SAM)
    expect(state.live.value?.phase).toBe('closed')
  })
})
