// @vitest-environment happy-dom
/**
 * The conversation chunk on the next page of the tab and through drops: a live
 * conversation carries on while the chat is closed (its stream, the unread
 * badge), the session key keeps the next page loading the chat, and what the
 * visitor wrote while the stream was down goes as soon as it is back. Against an
 * in-memory API origin of the live chat contract (docs/platform-api.md).
 */
import { signal } from '@preact/signals-core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UUID_KEY, type WidgetConfig } from '../loader/protocol'
import {
  type ConversationDeps,
  type ConversationParts,
  KEYS,
  startConversation,
} from './conversation'
import { chatKey, createActions, type SavedChat } from './core/actions'
import { builtinFlow, graph } from './core/flow'
import { translator } from './core/i18n'
import { emptyLead } from './core/lead'
import { DAY } from './core/retention'
import { createState, type Live } from './core/state'
import { memoryKv } from './core/storage'

const t = translator()
const IDS = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'b', customerId: 'c' }
const API = 'https://api.example.com'
const CONFIG: WidgetConfig = {
  botId: IDS.botId,
  customerId: IDS.customerId,
  apiUrl: API,
  token: 'tok',
  mode: 'launcher',
  retentionDays: 30,
}
const SAM = { id: 'sam', name: 'Sam' }

/**
 * The API origin: `POST …/messages` stores (idempotent on id), `GET …/messages`
 * answers what it has, `GET …/stream` opens a stream the test writes to. While
 * `down`, every request fails as a dropped network does.
 */
function fakeApi() {
  const stored: { id: string; by: string; text: string }[] = []
  const streams: ReadableStreamDefaultController<Uint8Array>[] = []
  const api = {
    stored,
    streams,
    down: false,
    /** An agent's reply: stored, and sent on every open stream. */
    reply(text: string) {
      const m = { id: crypto.randomUUID(), by: 'agent', text, at: new Date().toISOString() }
      stored.push(m)
      const event = `id: ${m.id}\nevent: message\ndata: ${JSON.stringify({ ...m, agent: SAM })}\n\n`
      for (const s of streams) s.enqueue(new TextEncoder().encode(event))
    },
    fetch: vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      if (api.down) throw new TypeError('Failed to fetch')
      const url = new URL(input instanceof Request ? input.url : String(input))
      const method = input instanceof Request ? input.method : (init?.method ?? 'GET')
      const path = url.pathname.replace('/inbox/direct/', '')
      if (path === 'messages' && method === 'POST') {
        const body = JSON.parse(
          input instanceof Request ? await input.text() : String(init?.body),
        ) as { messages: { id: string; by: string; text: string }[] }
        for (const m of body.messages) if (!stored.some((x) => x.id === m.id)) stored.push(m)
        return Response.json({ success: true, message: 'ok', code: 200 })
      }
      if (path === 'messages') return Response.json({ success: true, data: [], status: 'OPEN' })
      if (path === 'stream') {
        let ctl!: ReadableStreamDefaultController<Uint8Array>
        const body = new ReadableStream<Uint8Array>({
          start: (c) => {
            ctl = c
          },
        })
        streams.push(ctl)
        init?.signal?.addEventListener('abort', () => {
          const i = streams.indexOf(ctl)
          if (i >= 0) streams.splice(i, 1)
        })
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
      }
      return Response.json({ success: true })
    }),
  }
  return api
}

/** A saved chat of the tab's visitor, as an earlier page left it. */
const saved = (live: Live | undefined, at = Date.now()): SavedChat => ({
  v: 1,
  at,
  messages: [
    { id: 1, from: 'bot', text: 'Let me get you a person.', at, sid: crypto.randomUUID() },
    { id: 2, from: 'agent', text: 'Hi, Sam here.', at, agent: SAM, sid: crypto.randomUUID() },
  ],
  lead: emptyLead(),
  open: false,
  ...(live ? { live } : {}),
})

/** A page of the tab that loaded the chat closed, with `chat` saved by an earlier one. */
async function nextPage(chat?: SavedChat, uuid: string | null = IDS.uuid) {
  const store = memoryKv()
  if (chat) await store.set(chatKey(IDS.uuid), chat)
  /** The keys read, and the reads under way. */
  const reads: string[] = []
  const pending: Promise<unknown>[] = []
  const kv = {
    ...store,
    get<T>(k: string) {
      reads.push(k)
      const p = store.get<T>(k)
      pending.push(p)
      return p
    },
  }
  if (uuid) sessionStorage.setItem(UUID_KEY, uuid)
  const state = createState()
  const actions = createActions(state, {
    graph: graph([builtinFlow(t)]),
    kv,
    ids: () => IDS,
    sync: async () => {},
    phone: async () => undefined,
    t: (k) => t(k),
  })
  const unsent = signal(false)
  const show = vi.fn<ConversationDeps['show']>()
  /** The calls of `show` that brought `part` (its UI and stylesheet). */
  const shown = (part: keyof ConversationParts) =>
    show.mock.calls.filter(([p]) => p[part]).map(([p, css]) => [p[part], css] as const)
  const conversation = startConversation({
    state,
    actions,
    kv,
    config: CONFIG,
    keep: 30 * DAY,
    unsent,
    ready: { locale: 'en' },
    show,
  })
  /** Lets what the reads started run to its end (a restored chat, the live chunk). */
  const settled = async () => {
    await Promise.all(pending)
    await new Promise((go) => setTimeout(go, 20))
  }
  return { state, actions, kv, reads, settled, unsent, shown, conversation }
}

let api: ReturnType<typeof fakeApi>
beforeEach(() => {
  api = fakeApi()
  vi.stubGlobal('fetch', api.fetch)
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  sessionStorage.clear()
})

const streamRequests = () => api.fetch.mock.calls.filter(([u]) => String(u).includes('/stream'))

describe('the next page of the tab', () => {
  it('carries on a live conversation with the chat closed: its stream connects, an agent’s reply raises the badge', async () => {
    const page = await nextPage(saved({ phase: 'talking', agent: SAM }))
    await vi.waitFor(() => expect(api.streams).toHaveLength(1))
    const { state, unsent, shown, conversation } = page
    expect(state.open.value).toBe(false)
    expect(state.live.value).toEqual({ phase: 'talking', agent: SAM })
    expect(state.messages.value.map((m) => m.text)).toEqual([
      'Let me get you a person.',
      'Hi, Sam here.',
    ])
    expect(shown('live')).toHaveLength(1)
    // The next page loads the chat too.
    expect(unsent.value).toBe(true)
    expect(state.unread.value).toBe(0)
    api.reply('Your parcel left the warehouse.')
    await vi.waitFor(() => expect(state.unread.value).toBe(1))
    expect(state.messages.value.at(-1)).toMatchObject({
      from: 'agent',
      text: 'Your parcel left the warehouse.',
    })
    conversation.dispose()
  })

  it('a conversation waiting for a person carries on too', async () => {
    const { state, conversation } = await nextPage(saved({ phase: 'waiting' }))
    await vi.waitFor(() => expect(api.streams).toHaveLength(1))
    expect(state.live.value?.phase).toBe('waiting')
    conversation.dispose()
  })

  it.each([
    ['never handed off', undefined, 0],
    ['closed by the business', { phase: 'closed' } as Live, 0],
    ['unchanged for longer than the retention', { phase: 'talking' } as Live, 31 * DAY],
  ])('a saved chat %s is left alone until the visitor opens the chat', async (_, live, age) => {
    const page = await nextPage(saved(live, Date.now() - age))
    const { state, unsent, conversation } = page
    expect(page.reads).toContain(chatKey(IDS.uuid))
    await page.settled()
    expect(state.messages.value).toEqual([])
    expect(state.live.value).toBeUndefined()
    expect(streamRequests()).toHaveLength(0)
    expect(unsent.value).toBe(false)
    conversation.dispose()
  })

  it('a tab without a visitor UUID reads no saved chat', async () => {
    const page = await nextPage(undefined, null)
    const { state, conversation } = page
    await page.settled()
    expect(page.reads).not.toContain(chatKey(IDS.uuid))
    expect(page.reads.some((k) => k.startsWith('chat:'))).toBe(false)
    expect(state.messages.value).toEqual([])
    conversation.dispose()
  })

  it('loads the previous conversation’s parts once the chat has messages, not before', async () => {
    const page = await nextPage(undefined, IDS.uuid)
    const { actions, shown, conversation } = page
    await page.settled()
    expect(shown('more')).toEqual([])
    await actions.start()
    await vi.waitFor(() => expect(shown('more')).toHaveLength(1))
    const [ui, css] = shown('more')[0] ?? []
    expect(Object.keys(ui ?? {})).toEqual(['Again', 'Earlier'])
    expect(typeof css).toBe('string')
    await actions.submit('Ada')
    await page.settled()
    expect(shown('more')).toHaveLength(1)
    conversation.dispose()
  })

  it('spells the keys as the loader and the actions write them', () => {
    expect(KEYS.uuid).toBe(UUID_KEY)
    expect(KEYS.chat(IDS.uuid)).toBe(chatKey(IDS.uuid))
  })
})

describe('the session key follows the live conversation', () => {
  it('set while waiting for or talking with a person, cleared once closed', async () => {
    const { state, actions, unsent, conversation } = await nextPage()
    await actions.start()
    await vi.waitFor(() => expect(unsent.value).toBe(false))
    actions.handoff()
    expect(unsent.value).toBe(true)
    state.live.value = { phase: 'talking', agent: SAM }
    expect(unsent.value).toBe(true)
    state.live.value = { phase: 'closed', agent: SAM }
    await vi.waitFor(() => expect(unsent.value).toBe(false))
    conversation.dispose()
  })
})

describe('drops', () => {
  it('the stream back after a drop: what the visitor wrote meanwhile goes at once, not after the outbox’s backoff', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    // Backoffs in the middle of their range: the stream's next try at 500 ms, the outbox's at 750 ms.
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const page = await nextPage(saved({ phase: 'talking', agent: SAM }))
    const { state, actions, conversation } = page
    const run = async (ms: number) => {
      for (let i = 0; i < 20; i++) await vi.advanceTimersByTimeAsync(ms / 20)
    }
    await run(100)
    expect(api.streams).toHaveLength(1)
    // The network drops: the stream ends, the visitor's message cannot be sent.
    api.down = true
    api.streams[0]?.error(new TypeError('network'))
    api.streams.length = 0
    await run(20)
    actions.go(undefined, 'Are you still there?')
    await run(20)
    expect(api.stored.map((m) => m.text)).not.toContain('Are you still there?')
    api.down = false
    // The stream reconnects at about 500 ms; the message goes with it, before 750 ms.
    await run(560)
    expect(api.streams).toHaveLength(1)
    expect(api.stored.filter((m) => m.text === 'Are you still there?')).toHaveLength(1)
    expect(state.messages.value.filter((m) => m.text === 'Are you still there?')).toHaveLength(1)
    conversation.dispose()
  })
})
