// @vitest-environment happy-dom
/**
 * The bubbles' parts (bubbles.tsx): the pacer on a fake clock, the day names and
 * times in the visitor's locale, the delivery states, and what the chat window
 * shows with them.
 */
import { signal } from '@preact/signals-core'
import { act, cleanup, render, screen } from '@testing-library/preact'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createActions } from '../core/actions'
import { builtinFlow, graph } from '../core/flow'
import { translator } from '../core/i18n'
import { createState, type Message } from '../core/state'
import { memoryKv } from '../core/storage'
import { acksOf, bindBubbles, clock, createPacer, dayName, PACING } from './bubbles'
import { ChatWindow } from './ChatWindow'

const bot = (id: number, text: string, at = Date.now()): Message => ({ id, from: 'bot', text, at })
const visitor = (id: number, text: string, at = Date.now()): Message => ({
  id,
  from: 'visitor',
  text,
  at,
})

/** An open chat's state with `list`, and a pacer on it (fake timers, real motion). */
function paced(list: Message[] = [bot(1, 'Hi')], pacing = PACING, reduced = false) {
  const state = createState()
  state.messages.value = list
  state.open.value = true
  const pacer = createPacer(state, pacing, Date.now, () => reduced)
  const ids = () => pacer.shown.value.map((m) => m.id)
  const add = (...m: Message[]) => {
    state.messages.value = [...state.messages.value, ...m]
  }
  return { state, pacer, ids, add }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(new Date(2026, 11, 4, 15, 5))
})
afterEach(() => {
  vi.useRealTimers()
  cleanup()
})

describe('createPacer', () => {
  it('shows what the chat held when it started at once, then a new bot message after 400 ms + 15 ms per character', () => {
    const { pacer, ids, add } = paced()
    expect(ids()).toEqual([1])
    add(bot(2, 'x'.repeat(20)))
    expect(pacer.typing.value).toBe(true)
    expect(ids()).toEqual([1])
    vi.advanceTimersByTime(699)
    expect(ids()).toEqual([1])
    vi.advanceTimersByTime(1)
    expect(ids()).toEqual([1, 2])
    expect(pacer.typing.value).toBe(false)
  })

  it('caps one wait at 1.5 s, and the messages said together at 2.5 s in all', () => {
    const { ids, add } = paced()
    add(bot(2, 'x'.repeat(500)), bot(3, 'y'.repeat(500)), bot(4, 'z'))
    vi.advanceTimersByTime(1499)
    expect(ids()).toEqual([1])
    vi.advanceTimersByTime(1)
    expect(ids()).toEqual([1, 2])
    // The second would wait 1.5 s more; the run may wait 2.5 s in all.
    vi.advanceTimersByTime(999)
    expect(ids()).toEqual([1, 2])
    vi.advanceTimersByTime(1)
    // Past the run's 2.5 s: the rest at once.
    expect(ids()).toEqual([1, 2, 3, 4])
  })

  it('never holds the visitor’s messages, an answer streaming in, or what came before them', () => {
    const { pacer, ids, add } = paced()
    add(bot(2, 'a long message that waits'))
    expect(ids()).toEqual([1])
    add(visitor(3, 'me'))
    expect(ids()).toEqual([1, 2, 3])
    expect(pacer.typing.value).toBe(false)
    add({ ...bot(4, 'Stand'), pending: true })
    expect(ids()).toEqual([1, 2, 3, 4])
  })

  it('shows history at once: messages older than the pacer (a restored chat)', () => {
    const { ids, add } = paced([])
    add(bot(1, 'from the last page', Date.now() - 60_000), visitor(2, 'me', Date.now() - 50_000))
    add(bot(3, 'also old', Date.now() - 40_000))
    expect(ids()).toEqual([1, 2, 3])
  })

  it('shows everything at once when closed, in the task that opens the chat, when disabled and under reduced motion', () => {
    const closed = paced()
    closed.state.open.value = false
    closed.add(bot(2, 'while closed'))
    expect(closed.ids()).toEqual([1, 2])
    // Opened: what comes in the same task (the greeting) shows with the window.
    closed.state.open.value = true
    closed.add(bot(3, 'greeting'))
    expect(closed.ids()).toEqual([1, 2, 3])
    vi.advanceTimersByTime(0)
    closed.add(bot(4, 'later'))
    expect(closed.ids()).toEqual([1, 2, 3])

    for (const p of [paced(undefined, false as never), paced(undefined, PACING, true)]) {
      p.add(bot(2, 'at once'))
      expect(p.ids()).toEqual([1, 2])
      expect(p.pacer.typing.value).toBe(false)
    }
  })

  it('starts over after a reset (fewer messages), and stops its timer when disposed', () => {
    const { pacer, ids, state, add } = paced([bot(1, 'a'), bot(2, 'b')])
    state.messages.value = [bot(1, 'new visitor')]
    expect(ids()).toEqual([1])
    add(bot(2, 'waits'))
    pacer.dispose()
    vi.advanceTimersByTime(5000)
    expect(ids()).toEqual([1])
  })
})

describe('times and days', () => {
  const at = (d: number, h = 9, m = 30) => new Date(2026, 11, 4 + d, h, m).getTime()

  it('names today, yesterday, a weekday of the last week, else the date, in the visitor’s locale', () => {
    expect(dayName(at(0), 'en-US')).toBe('Today')
    expect(dayName(at(-1), 'en-US')).toBe('Yesterday')
    expect(dayName(at(-1), 'fr')).toBe('Hier')
    expect(dayName(at(0), 'de')).toBe('Heute')
    expect(dayName(at(-3), 'en-US')).toBe('Tuesday')
    expect(dayName(at(-30), 'en-US')).toBe('Nov 4, 2026')
    // A locale Intl refuses: the browser's words, no exception.
    expect(dayName(at(-1), 'not a locale!')).toBeTruthy()
  })

  it('the short time, with the date when it is not today', () => {
    expect(clock(at(0, 15, 5), 'en-US')).toBe('3:05 PM')
    expect(clock(at(0, 15, 5), 'de')).toBe('15:05')
    expect(clock(at(-1, 15, 5), 'en-US')).toBe('12/3/26, 3:05 PM')
  })

  it('the state under the visitor’s latest message of each: not sent yet while the outbox’s sends fail', () => {
    const v = (id: number, ack?: 'delivered'): Message => ({
      ...visitor(id, 'v'),
      sid: `s${id}`,
      ...(ack ? { ack } : {}),
    })
    const list = [v(1, 'delivered'), v(2), v(3), visitor(4, 'not stored yet')]
    expect([...acksOf(list)]).toEqual([
      [1, 'delivered'],
      [3, 'sent'],
    ])
    expect([...acksOf(list, true)]).toEqual([
      [1, 'delivered'],
      [3, 'failed'],
    ])
  })
})

describe('in the chat window', () => {
  const t = translator()
  function window(failing = signal(false)) {
    const state = createState()
    const actions = createActions(state, {
      graph: graph([builtinFlow(t)]),
      kv: memoryKv(),
      ids: () => ({ uuid: 'u', botId: 'b', customerId: 'c' }),
      sync: async () => {},
      phone: async () => undefined,
      fresh: () => true,
    })
    const bubbles = bindBubbles(state, failing)
    const view = () =>
      render(
        <ChatWindow
          state={state}
          actions={actions}
          t={t}
          locale="en-US"
          dir="ltr"
          mode="launcher"
          bubbles={bubbles}
        />,
      )
    return { state, actions, bubbles, view }
  }

  it('while the bot types: the dots (hidden from screen readers) and no question; then the message and its box', async () => {
    const { actions, view } = window()
    actions.open()
    view()
    // The task that opened the chat is over.
    vi.advanceTimersByTime(0)
    await act(async () => {
      await actions.submit('Ada')
    })
    const dots = document.querySelector('.tb')
    expect(dots?.getAttribute('aria-hidden')).toBe('true')
    expect(screen.queryByRole('textbox')).toBeNull()
    expect(screen.getByRole('log').textContent).not.toContain('What is your email address?')
    // Focus waits on the transcript meanwhile.
    expect(document.activeElement).toBe(screen.getByRole('log'))
    await act(async () => {
      vi.advanceTimersByTime(1500)
    })
    expect(document.querySelector('.tb')).toBeNull()
    expect(screen.getByRole('log').textContent).toContain(
      'Thanks, Ada! What is your email address?',
    )
    expect(screen.getByRole('textbox')).toBeTruthy()
  })

  it('groups: a run of one sender starts a group, its name read before every message; each message has its time', () => {
    const { state, view } = window()
    state.open.value = true
    state.messages.value = [bot(1, 'One'), bot(2, 'Two'), visitor(3, 'Me'), bot(4, 'Three')]
    view()
    const msgs = [...document.querySelectorAll('.msg')]
    // The built-in bot has no name or avatar of its own to show (a configured bot's: rich/ui.tsx BotName).
    expect(document.querySelector('.who')).toBeNull()
    expect(msgs.map((m) => m.querySelector('.sr')?.textContent)).toEqual([
      'Bot: ',
      'Bot: ',
      'You: ',
      'Bot: ',
    ])
    expect(msgs.map((m) => m.classList.contains('g'))).toEqual([true, false, true, true])
    expect(msgs[1]?.textContent).toMatch(/^Bot: Two\d/)
    expect(msgs[2]?.querySelector('time')?.textContent).toBe(clock(Date.now(), 'en-US'))
  })
})
