// @vitest-environment happy-dom
/**
 * Alerts for messages the visitor cannot see yet (core/alerts.ts): the tab title
 * and the tone, for agent messages always and for a configured bot's messages.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startAlerts } from './alerts'
import { createState, type Message } from './state'

const TITLE = 'Acme — Pricing'
let hidden = false

beforeEach(() => {
  hidden = false
  document.title = TITLE
  document.documentElement.lang = 'en'
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  })
})
afterEach(() => {
  Reflect.deleteProperty(document, 'visibilityState')
})

/** Hides or shows the tab, as the browser does (the property, then the event). */
const setHidden = (h: boolean) => {
  hidden = h
  document.dispatchEvent(new Event('visibilitychange'))
}

function setup(settings?: Parameters<typeof startAlerts>[1]) {
  const state = createState()
  state.messages.value = [{ id: 1, from: 'bot', text: 'Hi', at: 0 }]
  state.open.value = true
  const beep = vi.fn()
  const stop = startAlerts(state, settings, { beep })
  const say = (from: Message['from'], text = 'Hello') => {
    const list = state.messages.value
    state.messages.value = [...list, { id: (list.at(-1)?.id ?? 0) + 1, from, text, at: 0 }]
  }
  return { state, beep, stop, say }
}

describe('alerts', () => {
  it('an agent message while the tab is hidden: "(1) New message — <title>", restored when the visitor is back', () => {
    const { say } = setup()
    setHidden(true)
    say('agent')
    expect(document.title).toBe(`(1) New message — ${TITLE}`)
    say('agent')
    expect(document.title).toBe(`(2) New message — ${TITLE}`)
    setHidden(false)
    expect(document.title).toBe(TITLE)
  })

  it('an agent message while the chat is closed: the title until the chat opens', () => {
    const { state, say } = setup()
    state.open.value = false
    say('agent')
    expect(document.title).toBe(`(1) New message — ${TITLE}`)
    // Back on the tab is not enough: the message is in the closed chat.
    setHidden(true)
    setHidden(false)
    expect(document.title).toBe(`(1) New message — ${TITLE}`)
    state.open.value = true
    expect(document.title).toBe(TITLE)
  })

  it('nothing while the visitor looks: the chat open in a visible tab', () => {
    const { say, beep } = setup({ sound: true, tabTitle: true })
    say('agent')
    say('bot')
    expect(document.title).toBe(TITLE)
    expect(beep).not.toHaveBeenCalled()
  })

  it('without a configuration document: agent messages only, no sound', () => {
    const { say, beep } = setup()
    setHidden(true)
    say('bot')
    say('visitor')
    expect(document.title).toBe(TITLE)
    say('agent')
    expect(document.title).toBe(`(1) New message — ${TITLE}`)
    expect(beep).not.toHaveBeenCalled()
  })

  it('a configured bot’s settings: its bot messages alert too, each message once, with the tone', () => {
    const { say, beep } = setup({ sound: true, tabTitle: true })
    setHidden(true)
    say('bot')
    say('agent')
    say('visitor')
    expect(document.title).toBe(`(2) New message — ${TITLE}`)
    expect(beep).toHaveBeenCalledTimes(2)
  })

  it('tabTitle off: the title is left alone; sound alone still plays', () => {
    const { say, beep } = setup({ sound: true, tabTitle: false })
    setHidden(true)
    say('agent')
    expect(document.title).toBe(TITLE)
    expect(beep).toHaveBeenCalledTimes(1)
  })

  it('in the language of the host page', () => {
    document.documentElement.lang = 'de-AT'
    const { say } = setup()
    setHidden(true)
    say('agent')
    expect(document.title).toBe(`(1) Neue Nachricht — ${TITLE}`)
  })

  it('a restored conversation and a reset (the first messages of an empty chat) do not alert', () => {
    const { state, say } = setup()
    state.open.value = false
    state.messages.value = []
    state.messages.value = [
      { id: 1, from: 'bot', text: 'Hi', at: 0 },
      { id: 2, from: 'agent', text: 'Earlier reply', at: 0 },
    ]
    expect(document.title).toBe(TITLE)
    say('agent')
    expect(document.title).toBe(`(1) New message — ${TITLE}`)
  })

  it('a title the page changed meanwhile is kept (a single-page app’s navigation)', () => {
    const { say } = setup()
    setHidden(true)
    say('agent')
    document.title = 'Acme — Checkout'
    say('agent')
    expect(document.title).toBe('(2) New message — Acme — Checkout')
    document.title = 'Acme — Done'
    setHidden(false)
    expect(document.title).toBe('Acme — Done')
  })

  it('stopping restores the title and stops listening', () => {
    const { say, stop } = setup()
    setHidden(true)
    say('agent')
    stop()
    expect(document.title).toBe(TITLE)
    say('agent')
    expect(document.title).toBe(TITLE)
  })
})
