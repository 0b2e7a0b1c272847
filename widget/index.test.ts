// @vitest-environment happy-dom
/**
 * The chat window chunk's entry (`mount`) behind the loader's command queue
 * (loader/queue.ts), as the loader wires them: commands made before the widget is
 * ready (the bot's document has not arrived yet) wait in the queue and run in the
 * order they were made, also across the commands chunk's load.
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest'
import type { HostBridge, MountedWidget, QueuedCall, TagOptions } from '../loader/protocol'
import { createQueue } from '../loader/queue'
import type { BotDocument } from './config/schema'
import type { LoadedConfig } from './config/settings'
import { translator } from './core/i18n'
import type { LeadPayload } from './core/lead'
import { mount, warm } from './index'

const t = translator()
const UUID = '7e88d192-9b20-4035-9b68-d4ac3d58a34f'
const NEXT_UUID = '0b6f3c1e-4d2a-4c8e-9f10-2a3b4c5d6e7f'

/** The script tag as the loader passes it: ids, mode, and its `data-*` attributes. */
const config: TagOptions = {
  botId: 'bot1',
  customerId: 'cust1',
  mode: 'launcher',
  attr: (name) => ({ 'api-url': 'http://api.test', token: 't', locale: 'en' })[name] ?? null,
}

type Message = { from: 'bot' | 'visitor'; text: string; at: number }

/** A loader stand-in: an open shadow root with the launcher, and a document that arrives when `arrive` is called. */
function fakeHost() {
  const el = document.createElement('div')
  el.setAttribute('data-reekolect', 'launcher')
  document.body.append(el)
  const root = el.attachShadow({ mode: 'open' })
  const button = document.createElement('button')
  button.className = 'launcher'
  root.append(button)
  let arrive!: (loaded: LoadedConfig | undefined) => void
  const host: HostBridge<BotDocument> = {
    config: new Promise<LoadedConfig | undefined>((resolve) => {
      arrive = resolve
    }),
    root,
    uuid: () => UUID,
    newVisitor: () => NEXT_UUID,
    observer: new MutationObserver(() => {}),
    style: vi.fn(),
  }
  /** Whether the chat window is open, as the launcher shows it (`aria-expanded`). */
  const expanded = () => button.getAttribute('aria-expanded')
  return { host, arrive, button, expanded }
}

let puts: LeadPayload[]
let errors: MockInstance<typeof console.error>
let widget: MountedWidget | undefined

beforeEach(() => {
  puts = []
  // Lead sync (ky → fetch) answers 200 at once and records each PUT body, in call order.
  globalThis.fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init)
    if (req.method === 'PUT') puts.push(JSON.parse(await req.text()) as LeadPayload)
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } })
  }) as typeof fetch
  errors = vi.spyOn(console, 'error').mockImplementation(() => {})
  // No IndexedDB in happy-dom: storage falls back to memory with one W_STORAGE line.
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  sessionStorage.clear()
})

afterEach(() => {
  widget?.unmount()
  widget = undefined
  document.body.replaceChildren()
  vi.restoreAllMocks()
})

/**
 * Mounts the widget as the loader does: its calls go through the loader's queue,
 * which the widget drains once mounted. `call` is `window.Reekolect`.
 */
function mountQueued(host: HostBridge<BotDocument>) {
  const queue = createQueue([], () => {})
  const mounted = mount(host, config).then((w) => {
    widget = w
    queue.attach(w)
  })
  const call = (...c: QueuedCall) => queue.push(c)
  return { call, mounted }
}

const commandErrors = () =>
  errors.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('[Reekolect] E_COMMAND'))

/**
 * Mounts the widget and dispatches, before the document arrives: three `on`
 * listeners, `open`, `identify`, an unknown command, `addTags`, `close`; then
 * the document arrives (`undefined`: the built-in flow).
 */
async function replay() {
  const fake = fakeHost()
  const { call } = mountQueued(fake.host)
  /** Host events in the order the listeners saw them. */
  const events: string[] = []
  const messages: Message[] = []
  call('on', 'open', () => events.push('open'))
  call('on', 'message', (m: Message) => {
    events.push('message')
    messages.push(m)
  })
  call('on', 'close', () => events.push('close'))
  call('open')
  call('identify', { name: 'Ada' })
  call('fly')
  call('addTags', ['vip'])
  call('close')

  // Nothing runs while the document is on its way.
  await new Promise<void>((r) => setTimeout(r, 0))
  expect(fake.host.style).not.toHaveBeenCalled()
  expect(fake.expanded()).toBeNull()
  expect(puts).toEqual([])

  fake.arrive(undefined)
  // Settled: the last command (`close`) has shown on the launcher, and the lead is synced.
  await vi.waitFor(() => {
    expect(fake.expanded()).toBe('false')
    expect(puts.at(-1)?.tags).toEqual(['vip'])
  })
  return { ...fake, events, messages }
}

describe('mount: commands before the widget is ready', () => {
  it('runs `on` before `open`: the listener sees the greeting and the open event', async () => {
    const { events, messages } = await replay()
    // `identify` after `open` answers the waiting name question: the email question follows.
    await vi.waitFor(() =>
      expect(messages.map((m) => m.text)).toEqual([
        t('greet'),
        t('askName'),
        t('askEmail', { name: 'Ada' }),
      ]),
    )
    expect(messages.every((m) => m.from === 'bot')).toBe(true)
    expect(events[0]).toBe('open')
  })

  it('runs `close` after `open`: the chat ends closed', async () => {
    const { host, expanded, events } = await replay()
    expect(expanded()).toBe('false')
    expect(host.root.querySelector('[role="dialog"]')).toBeNull()
    // Both host events fired, open first.
    await vi.waitFor(() => expect(events.filter((e) => e !== 'message')).toEqual(['open', 'close']))
  })

  it('applies `identify` then `addTags` to the lead, after the chat was created', async () => {
    await replay()
    // Every PUT is a full snapshot (the outbox keeps only the latest per visitor,
    // so the ids-only snapshot of `open` is sent on its own only when its flush
    // starts before `identify` lands): an ids-only PUT, if any, comes first, and
    // no later PUT loses a field an earlier one had.
    const ids = { uuid: UUID, botId: 'bot1', customerId: 'cust1' }
    const idsOnly = puts.findIndex((p) => p.name === undefined && p.tags === undefined)
    expect(idsOnly === -1 || idsOnly === 0).toBe(true)
    const named = puts.findIndex((p) => p.name === 'Ada')
    const full = puts.findIndex((p) => p.name === 'Ada' && p.tags?.includes('vip'))
    expect(named).toBeGreaterThan(idsOnly)
    expect(full).toBeGreaterThanOrEqual(named)
    expect(full).toBe(puts.length - 1)
    for (const p of puts.slice(named)) expect(p.name).toBe('Ada')
    expect(puts.at(-1)).toEqual({ ...ids, name: 'Ada', tags: ['vip'] })
    if (idsOnly === 0) expect(puts[0]).toEqual(ids)
  })

  it('logs one E_COMMAND for an unknown command in the queue and runs the rest', async () => {
    const { expanded } = await replay()
    expect(commandErrors()).toHaveLength(1)
    expect(commandErrors()[0]).toMatch(/^\[Reekolect\] E_COMMAND: unknown command "fly"/)
    expect(errors.mock.calls.map((c) => String(c[0]))).toEqual(commandErrors())
    // The commands after it ran: `addTags` reached the lead and `close` closed the chat.
    expect(puts.at(-1)?.tags).toEqual(['vip'])
    expect(expanded()).toBe('false')
  })

  it('counts bot messages that arrive while closed on the launcher, and clears it on open', async () => {
    const { host, arrive, button } = fakeHost()
    const { call } = mountQueued(host)
    arrive(undefined)
    await vi.waitFor(() => expect(button.getAttribute('aria-label')).toBe(t('open')))
    expect(button.hasAttribute('data-unread')).toBe(false)
    // The host answers for the visitor while the window stays closed: the greeting,
    // the name question and the email question arrive unseen.
    call('sendMessage', 'Ada')
    await vi.waitFor(() => expect(button.getAttribute('data-unread')).toBe('3'))
    expect(button.getAttribute('aria-expanded')).toBe('false')
    // A screen reader hears the count too, not only the badge's pixels.
    expect(button.getAttribute('aria-label')).toBe('Open chat, 3 unread')
    call('open')
    await vi.waitFor(() => expect(button.getAttribute('aria-expanded')).toBe('true'))
    expect(button.hasAttribute('data-unread')).toBe(false)
    expect(button.getAttribute('aria-label')).toBe(t('close'))
  })

  it('after ready, open then toggle run at once and in order', async () => {
    const { host, arrive, button, expanded } = fakeHost()
    const { call, mounted } = mountQueued(host)
    arrive(undefined)
    await mounted
    // Ready: the widget has drawn the launcher's state.
    expect(button.getAttribute('aria-label')).toBe(t('open'))
    expect(expanded()).toBe('false')

    call('open')
    expect(expanded()).toBe('true')
    expect(button.getAttribute('aria-label')).toBe(t('close'))
    call('toggle')
    expect(expanded()).toBe('false')
    call('toggle')
    expect(expanded()).toBe('true')
    expect(commandErrors()).toEqual([])
  })

  it('holds open/close behind a command whose chunk is loading, then runs them in order', async () => {
    const { host, arrive, expanded } = fakeHost()
    const { call, mounted } = mountQueued(host)
    arrive(undefined)
    await mounted
    const seen: string[] = []
    // `on` needs the commands chunk; `open` and `close` would run at once on their own.
    call('on', 'open', () => seen.push(`open:${expanded()}`))
    call('open')
    call('close')
    expect(expanded()).toBe('false')
    // The listener was in place before `open` ran: it saw it, and `close` came after.
    await vi.waitFor(() => expect(seen).toEqual(['open:true']))
    expect(expanded()).toBe('false')
    expect(commandErrors()).toEqual([])
  })

  it('resolves only once the document has arrived, and never before', async () => {
    const { host, arrive } = fakeHost()
    let ready = false
    void mount(host, config).then((w) => {
      widget = w
      ready = true
    })
    await new Promise<void>((r) => setTimeout(r, 0))
    expect(ready).toBe(false)
    expect(host.style).not.toHaveBeenCalled()
    arrive(undefined)
    await vi.waitFor(() => expect(ready).toBe(true))
    expect(host.style).toHaveBeenCalled()
  })
})

describe('warm: what the loader calls when the chunk loads at intent', () => {
  it('makes the page’s first sessionStorage read, so the click that opens the chat does not', () => {
    const read = vi.spyOn(sessionStorage, 'getItem')
    warm()
    expect(read).toHaveBeenCalledTimes(1)
  })

  it('never throws, even where storage does (sandboxed frames, blocked storage)', () => {
    const read = vi.spyOn(sessionStorage, 'getItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError')
    })
    expect(() => warm()).not.toThrow()
    expect(read).toHaveBeenCalled()
  })
})
