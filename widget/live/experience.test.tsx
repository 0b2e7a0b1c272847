// @vitest-environment happy-dom
/**
 * What a visitor notices in a live chat, beyond the messages: typing both ways,
 * the read state of their messages (sent, delivered, read), the time of each
 * message, alerts while they look away, and what screen readers announce. The
 * conversation chunk (widget/conversation.ts), the live chunk and the chat window
 * run together against a fake inbox (docs/platform-api.md, "Our extensions: live
 * chat") reached through `fetch`.
 */
import { signal } from '@preact/signals-core'
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { WidgetConfig } from '../../loader/protocol'
import { type Conversation, startConversation } from '../conversation'
import { createActions } from '../core/actions'
import { builtinFlow, graph } from '../core/flow'
import { translator } from '../core/i18n'
import { createState, type Message, type State } from '../core/state'
import { type Kv, memoryKv } from '../core/storage'
import { acksOf, ackText, type BubblesUi, clock } from '../ui/bubbles'
import { ChatWindow } from '../ui/ChatWindow'
import { createLive, type LiveUi, TYPING_SHOWN } from '.'
import { languages, liveText } from './strings'

const t = translator()
const API = 'https://api.example.com/v1'
const IDS = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'b', customerId: 'c' }
const SAM = { id: 'a1', name: 'Sam' }
const CONFIG: WidgetConfig = {
  botId: IDS.botId,
  customerId: IDS.customerId,
  apiUrl: API,
  token: 'tok',
  mode: 'launcher',
  retentionDays: 30,
}

/**
 * The inbox behind `fetch`: `POST …/messages` (answered at once, or held while
 * `hold` is set until `release()`), `GET …/messages` (empty), `POST …/typing`,
 * `GET …/availability` (Sam is online), and
 * the visitor's stream, into which `send` writes server-sent events.
 */
function fakeInbox() {
  const posted: { messages: { id: string; by: string; text: string }[] }[] = []
  const typing: { body: unknown; token: string | null }[] = []
  const held: (() => void)[] = []
  const streams: ReadableStreamDefaultController<Uint8Array>[] = []
  const inbox = {
    posted,
    typing,
    hold: false,
    /** Answers the held requests, and the next ones at once. */
    release: () => {
      inbox.hold = false
      for (const go of held.splice(0)) go()
    },
    /** An event on every open stream. */
    send(event: string, data: unknown, id?: string) {
      const text = `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
      for (const s of streams) s.enqueue(new TextEncoder().encode(text))
    },
    streams,
    fetch: vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = input instanceof Request ? input : undefined
      const url = new URL(req ? req.url : String(input))
      const method = req?.method ?? init?.method ?? 'GET'
      const headers = new Headers(req?.headers ?? init?.headers)
      const path = url.pathname.replace('/v1/inbox/direct/', '')
      const body = async () => JSON.parse(req ? await req.text() : String(init?.body))
      if (path === 'typing') {
        typing.push({ body: await body(), token: headers.get('x-bp-token') })
        return Response.json({ success: true })
      }
      if (path === 'messages' && method === 'POST') {
        const b = await body()
        if (inbox.hold) await new Promise<void>((go) => held.push(go))
        posted.push(b)
        return Response.json({ success: true, message: 'ok', code: 200 })
      }
      if (path === 'messages') return Response.json({ success: true, data: [] })
      // Someone is online: the hand-off waits for a person (widget/live/offline.ts).
      if (path === 'availability') return Response.json({ online: true, agents: [SAM] })
      const signal = init?.signal ?? req?.signal
      const stream = new ReadableStream<Uint8Array>({
        start: (c) => {
          streams.push(c)
          signal?.addEventListener('abort', () => {
            streams.splice(streams.indexOf(c), 1)
            c.error(new DOMException('aborted', 'AbortError'))
          })
        },
      })
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } })
    }),
  }
  return inbox
}

type Inbox = ReturnType<typeof fakeInbox>

/** A chat with its conversation chunk started, as widget/index.ts wires them. */
function chat(kv: Kv = memoryKv()) {
  const state = createState()
  let conversation: Conversation | undefined
  const actions = createActions(state, {
    graph: graph([builtinFlow(t)]),
    kv,
    ids: () => IDS,
    sync: async () => {},
    phone: async () => undefined,
    t: (k) => t(k),
    handoff: () => void conversation?.handoff(),
  })
  const ui = signal<LiveUi | undefined>(undefined)
  let bubbles: BubblesUi | undefined
  conversation = startConversation({
    state,
    actions,
    kv,
    config: CONFIG,
    keep: 86_400_000,
    unsent: signal(false),
    // Messages show at once: the bubbles' pacing has its own tests (widget/ui/bubbles.test.tsx).
    ready: { locale: 'en', rich: { pacing: false } },
    show: (part) => {
      if (part.live) ui.value = part.live
      if (part.bubbles) bubbles = part.bubbles
    },
  })
  const view = (live = ui.value, locale = 'en') =>
    render(
      <ChatWindow
        state={state}
        actions={actions}
        t={t}
        locale={locale}
        dir="ltr"
        mode="launcher"
        live={live}
        bubbles={bubbles}
      />,
    )
  return { state, actions, kv, ui, view, dispose: () => conversation?.dispose() }
}

/** Hands off and waits for the live chunk and its stream. */
async function goLive(c: ReturnType<typeof chat>, inbox: Inbox) {
  await c.actions.start()
  c.actions.open()
  c.actions.handoff()
  await waitFor(() => expect(c.ui.value).toBeDefined())
  await waitFor(() => expect(inbox.streams).toHaveLength(1))
  c.view()
}

const box = () => screen.getByRole('textbox', { name: 'Your message' }) as HTMLTextAreaElement
const log = () => screen.getByRole('log')
/** Sends `text` from the live composer. */
const say = async (text: string) => {
  fireEvent.input(box(), { target: { value: text } })
  await act(async () => {
    fireEvent.keyDown(box(), { key: 'Enter' })
  })
}
/** The message bubble showing `text`. */
const bubble = (text: string) =>
  [...log().querySelectorAll('.msg')].find((m) => m.textContent?.includes(text)) as HTMLElement
const ackOf = (text: string) => bubble(text)?.querySelector('.ack')?.textContent ?? null
const lastVisitor = (state: State) =>
  state.messages.value.filter((m) => m.from === 'visitor').at(-1) as Message

let inbox: Inbox
let dispose: (() => void) | undefined
beforeEach(() => {
  inbox = fakeInbox()
  vi.stubGlobal('fetch', inbox.fetch)
})
afterEach(() => {
  dispose?.()
  dispose = undefined
  cleanup()
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('typing, visitor → agent', () => {
  it('typing in the live composer tells the agent, at most every 3 s; clearing the box does not', async () => {
    const c = chat()
    dispose = c.dispose
    await goLive(c, inbox)
    let now = 1_000_000
    vi.spyOn(Date, 'now').mockImplementation(() => now)
    fireEvent.input(box(), { target: { value: 'W' } })
    fireEvent.input(box(), { target: { value: 'Wh' } })
    await waitFor(() => expect(inbox.typing).toHaveLength(1))
    expect(inbox.typing[0]).toEqual({ body: IDS, token: 'tok' })
    now += 3000
    fireEvent.input(box(), { target: { value: '  ' } })
    fireEvent.input(box(), { target: { value: 'Whe' } })
    await waitFor(() => expect(inbox.typing).toHaveLength(2))
  })
})

describe('typing, agent → visitor', () => {
  it('"Sam is typing…" below the messages, outside the log, until his message arrives', async () => {
    const c = chat()
    dispose = c.dispose
    await goLive(c, inbox)
    inbox.send('typing', { agent: SAM })
    const line = await screen.findByText('Sam is typing…')
    expect(log().contains(line)).toBe(false)
    expect(line.closest('[aria-live], [role=status], [role=log]')).toBeNull()
    // The dots are decoration.
    expect(line.querySelector('.dots')?.getAttribute('aria-hidden')).toBe('true')
    // His typing named him: the status line says who the visitor talks to.
    expect(screen.getByText('You’re talking to Sam')).toBeTruthy()
    inbox.send(
      'message',
      { id: 'r1', by: 'agent', text: 'Hello!', at: new Date().toISOString(), agent: SAM },
      'r1',
    )
    await waitFor(() => expect(bubble('Hello!')).toBeDefined())
    expect(screen.queryByText('Sam is typing…')).toBeNull()
  })

  it(`goes ${TYPING_SHOWN / 1000} s after the last notice; each notice keeps it; none once closed`, async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const c = chat()
    dispose = c.dispose
    const live = createLive(c.state, c.actions)
    await c.actions.start()
    c.actions.open()
    c.actions.handoff()
    c.view(live.ui)
    const typing = () => screen.queryByText('Sam is typing…')
    act(() => live.hooks().onTyping(SAM))
    expect(typing()).not.toBeNull()
    act(() => {
      vi.advanceTimersByTime(TYPING_SHOWN - 1000)
    })
    act(() => live.hooks().onTyping(SAM))
    act(() => {
      vi.advanceTimersByTime(TYPING_SHOWN - 1000)
    })
    expect(typing()).not.toBeNull()
    act(() => {
      vi.advanceTimersByTime(1000)
    })
    expect(typing()).toBeNull()
    act(() => live.setStatus('CLOSED'))
    act(() => live.hooks().onTyping(SAM))
    expect(typing()).toBeNull()
    live.dispose()
  })

  it('in every language of the live strings', () => {
    for (const lang of languages) {
      const text = liveText(lang, 'typing', { name: 'Sam' })
      expect(text).toContain('Sam')
      if (lang !== 'en') expect(text).not.toBe(liveText('en', 'typing', { name: 'Sam' }))
    }
  })
})

describe('read state', () => {
  it('sent while the outbox waits, delivered once the inbox has it, read at the agent’s mark; a reload keeps it', async () => {
    const kv = memoryKv()
    const c = chat(kv)
    dispose = c.dispose
    await goLive(c, inbox)
    inbox.hold = true
    await say('Where is my order?')
    await waitFor(() => expect(ackOf('Where is my order?')).toBe('Sent'))
    const sid = lastVisitor(c.state).sid as string
    inbox.release()
    await waitFor(() => expect(ackOf('Where is my order?')).toBe('Delivered'))
    // The inbox got it under the UUID the chat holds.
    expect(inbox.posted.flatMap((p) => p.messages).some((m) => m.id === sid)).toBe(true)

    // Read state in an aria-live="off" element: a change is not announced, and never re-adds the message.
    const node = bubble('Where is my order?')
    const count = log().querySelectorAll('.msg').length
    inbox.send('read', { upTo: sid })
    await waitFor(() => expect(ackOf('Where is my order?')).toBe('Read'))
    expect(bubble('Where is my order?')).toBe(node)
    expect(log().querySelectorAll('.msg')).toHaveLength(count)
    expect(node.querySelector('.ack')?.getAttribute('aria-live')).toBe('off')
    await waitFor(async () => {
      const saved = (await kv.get<{ messages: Message[] }>(`chat:${IDS.uuid}`))?.messages
      expect(saved?.at(-1)).toMatchObject({ sid, ack: 'read' })
    })

    // The next page: the same chat, still read.
    c.dispose()
    cleanup()
    const again = chat(kv)
    dispose = again.dispose
    await again.actions.start()
    again.actions.open()
    again.view(createLive(again.state, again.actions).ui)
    expect(ackOf('Where is my order?')).toBe('Read')
  })

  it('a message the stream carries back is delivered, even before the POST’s answer arrives', async () => {
    const c = chat()
    dispose = c.dispose
    await goLive(c, inbox)
    inbox.hold = true
    await say('Hello?')
    await waitFor(() => expect(lastVisitor(c.state).sid).toBeDefined())
    const m = lastVisitor(c.state)
    inbox.send('message', { id: m.sid, by: 'visitor', text: m.text, at: new Date().toISOString() })
    await waitFor(() => expect(ackOf('Hello?')).toBe('Delivered'))
    inbox.release()
  })

  it('only the visitor’s latest message of each state is labelled', () => {
    const v = (id: number, ack?: Message['ack']): Message => ({
      id,
      from: 'visitor',
      text: `v${id}`,
      at: 0,
      sid: `s${id}`,
      ...(ack ? { ack } : {}),
    })
    const list: Message[] = [
      v(1, 'read'),
      { id: 2, from: 'agent', text: 'a', at: 0, sid: 'a2', agent: SAM },
      v(3, 'read'),
      v(4, 'delivered'),
      v(5),
      v(6),
      // Not stored yet (no UUID): no state to show.
      { id: 7, from: 'visitor', text: 'v7', at: 0 },
    ]
    expect([...acksOf(list)]).toEqual([
      [3, 'read'],
      [4, 'delivered'],
      [6, 'sent'],
    ])
  })

  it('the states in every language of the live strings and catalogues', () => {
    for (const lang of languages)
      for (const key of ['sent', 'failed', 'delivered', 'read'] as const) {
        const text = ackText(lang, key)
        expect(text).toBeTruthy()
        if (lang !== 'en') expect(text, `${lang} ${key}`).not.toBe(ackText('en', key))
      }
    expect(ackText('fr', 'read')).toBe('Lu')
    expect(ackText('fr-CA', 'failed')).toBe('Pas encore envoyé, nouvel essai…')
    expect(ackText('ja', 'delivered')).toBe('Delivered')
  })

  it('the resume point of the stream is the newest agent message, never one still in the outbox', () => {
    const state = createState()
    state.messages.value = [
      { id: 1, from: 'agent', text: 'a', at: 0, sid: 'a1', agent: SAM },
      { id: 2, from: 'visitor', text: 'b', at: 0, sid: 'v2', ack: 'delivered' },
      { id: 3, from: 'visitor', text: 'c', at: 0, sid: 'v3' },
    ]
    const live = createLive(state, { save: async () => {}, update: () => {} })
    // After a1, not v2: an agent reply the server stored before v2 may still be on its way.
    expect(live.hooks()).toMatchObject({ seen: ['a1', 'v2'], lastId: 'a1' })
  })
})

describe('timestamps', () => {
  const at = (h: number, m: number, day = 0) => {
    const d = new Date()
    d.setDate(d.getDate() + day)
    d.setHours(h, m, 0, 0)
    return d.getTime()
  }

  it('the short time in the visitor’s locale; the date too when it is not today', () => {
    expect(clock(at(15, 5), 'en-US')).toBe('3:05 PM')
    expect(clock(at(15, 5), 'de')).toBe('15:05')
    const yesterday = clock(at(15, 5, -1), 'en-US')
    expect(yesterday).toContain('3:05 PM')
    expect(yesterday).not.toBe('3:05 PM')
    // A locale Intl refuses: the browser's format, no exception.
    expect(clock(at(15, 5), 'not a locale!')).toMatch(/05/)
  })

  it('every live message shows its time in a <time datetime> element: the visitor’s, the agent’s and the bot’s', async () => {
    const c = chat()
    dispose = c.dispose
    await goLive(c, inbox)
    await say('What time is it?')
    inbox.send(
      'message',
      { id: 'r1', by: 'agent', text: 'Hello!', at: '2026-01-02T09:30:00.000Z', agent: SAM },
      'r1',
    )
    await waitFor(() => expect(bubble('Hello!')).toBeDefined())
    const agentTime = bubble('Hello!').querySelector('time')
    expect(agentTime?.getAttribute('datetime')).toBe('2026-01-02T09:30:00.000Z')
    expect(agentTime?.textContent).toBe(clock(Date.parse('2026-01-02T09:30:00.000Z'), 'en'))
    const mine = lastVisitor(c.state)
    expect(bubble('What time is it?').querySelector('time')?.getAttribute('datetime')).toBe(
      new Date(mine.at).toISOString(),
    )
    const bot = c.state.messages.value.find((m) => m.from === 'bot') as Message
    expect(bubble(bot.text).querySelector('time')?.textContent).toBe(clock(bot.at, 'en'))
  })
})

describe('alerts without a configuration document', () => {
  it('an agent message while the chat is closed: the tab title, restored when the chat opens', async () => {
    document.title = 'Shop'
    const c = chat()
    dispose = c.dispose
    await goLive(c, inbox)
    act(() => c.actions.close())
    inbox.send(
      'message',
      { id: 'r1', by: 'agent', text: 'Are you there?', at: new Date().toISOString(), agent: SAM },
      'r1',
    )
    await waitFor(() => expect(document.title).toBe('(1) New message — Shop'))
    expect(c.state.unread.value).toBe(1)
    act(() => c.actions.open())
    expect(document.title).toBe('Shop')
  })
})

describe('screen readers', () => {
  it('the log gets exactly one new entry per agent message, whatever typing and ticks do meanwhile', async () => {
    const c = chat()
    dispose = c.dispose
    await goLive(c, inbox)
    await say('Hello?')
    await waitFor(() => expect(ackOf('Hello?')).toBe('Delivered'))
    const added: Node[] = []
    const observer = new MutationObserver((records) => {
      for (const r of records) added.push(...r.addedNodes)
    })
    observer.observe(log().querySelector('.msgs') as Element, { childList: true })
    inbox.send('typing', { agent: SAM })
    await screen.findByText('Sam is typing…')
    inbox.send(
      'message',
      { id: 'r1', by: 'agent', text: 'One moment.', at: new Date().toISOString(), agent: SAM },
      'r1',
    )
    inbox.send('read', { upTo: lastVisitor(c.state).sid })
    // A replay of the same message adds nothing.
    inbox.send(
      'message',
      { id: 'r1', by: 'agent', text: 'One moment.', at: new Date().toISOString(), agent: SAM },
      'r1',
    )
    await waitFor(() => expect(ackOf('Hello?')).toBe('Read'))
    await act(async () => {})
    observer.disconnect()
    expect(added.map((n) => (n as Element).textContent)).toEqual([
      expect.stringMatching(/^Sam: One moment\./),
    ])
    expect(log().textContent).not.toContain('typing')
  })
})
