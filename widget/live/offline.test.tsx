// @vitest-environment happy-dom
/**
 * Business hours and offline hand-offs (widget/live/offline.ts): who decides that
 * nobody can answer, what the bot then says and asks, and what the visitor sees.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Hours } from '../config/schema'
import { createActions, type SavedChat, savedChat } from '../core/actions'
import { builtinFlow, graph } from '../core/flow'
import { translator } from '../core/i18n'
import type { LeadChange } from '../core/outbox'
import { createState } from '../core/state'
import { memoryKv } from '../core/storage'
import { ChatWindow } from '../ui/ChatWindow'
import { createLive } from '.'
import {
  type AwayOptions,
  availability,
  awayReason,
  awayText,
  createAway,
  OFFLINE_KEY,
} from './offline'
import { liveText } from './strings'

const t = translator()
const IDS = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'b', customerId: 'c' }
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const
/** Monday to Friday, 09:00 to 17:00 in London. */
const OFFICE: Hours = {
  timeZone: 'Europe/London',
  weekly: [{ days: [...WEEKDAYS], from: '09:00', to: '17:00' }],
  closed: [],
}
/** Saturday 17 January 2026, noon in London (GMT): closed until Monday 09:00. */
const SATURDAY = Date.parse('2026-01-17T12:00:00Z')
/** Tuesday 13 January 2026, 10:00 in London: open. */
const TUESDAY = Date.parse('2026-01-13T10:00:00Z')
const LANGUAGES = ['en', 'fr', 'de', 'es', 'pt', 'ar', 'hi']

afterEach(cleanup)

/** A chat of the built-in flow with its live chat and offline path; `online` answers the availability. */
function setup(o: Partial<AwayOptions> & { kv?: ReturnType<typeof memoryKv> } = {}) {
  const state = createState()
  const kv = o.kv ?? memoryKv()
  const synced: LeadChange[] = []
  const actions = createActions(state, {
    graph: graph([builtinFlow(t)]),
    kv,
    ids: () => IDS,
    sync: async (c) => {
      synced.push(c)
    },
    phone: async () => undefined,
    t: (k) => t(k),
  })
  const online = vi.fn(o.online ?? (async () => false))
  const live = createLive(state, actions)
  const away = createAway(state, actions, {
    locale: 'en',
    timeZone: 'Europe/London',
    now: () => SATURDAY,
    ...o,
    online,
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
        live={live.ui}
      />,
    )
  const bot = () => state.messages.value.filter((m) => m.from === 'bot').map((m) => m.text)
  return { state, actions, kv, live, away, online, synced, view, bot }
}

/** The live status line (the delivery note is a status too). */
const statusLine = () =>
  screen.getAllByRole('status').find((e) => e.classList.contains('live'))?.textContent

describe('awayReason: can anyone answer now?', () => {
  const yes = async () => true
  const no = async () => false
  const cannotTell = async () => undefined

  it('outside business hours: away, without asking the server', async () => {
    const online = vi.fn(yes)
    expect(await awayReason(OFFICE, new Date(SATURDAY), online)).toBe('outside-hours')
    expect(online).not.toHaveBeenCalled()
  })

  it('a date closed is outside hours, even on a weekday', async () => {
    const holiday = { ...OFFICE, closed: ['2026-01-13'] }
    expect(await awayReason(holiday, new Date(TUESDAY), yes)).toBe('outside-hours')
  })

  it('within hours, an agent online: someone can answer', async () => {
    expect(await awayReason(OFFICE, new Date(TUESDAY), yes)).toBeUndefined()
  })

  it('within hours or without hours, no agent online: away', async () => {
    expect(await awayReason(OFFICE, new Date(TUESDAY), no)).toBe('no-agent')
    expect(await awayReason(undefined, new Date(SATURDAY), no)).toBe('no-agent')
    expect(await awayReason(undefined, new Date(SATURDAY), yes)).toBeUndefined()
  })

  it('availability that cannot tell: the hand-off waits', async () => {
    expect(await awayReason(OFFICE, new Date(TUESDAY), cannotTell)).toBeUndefined()
    expect(await awayReason(undefined, new Date(TUESDAY), cannotTell)).toBeUndefined()
  })
})

describe('availability: GET {api}/inbox/direct/availability', () => {
  const link = { api: 'https://api.example.com/v1', token: 'tok', ids: () => IDS }
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  it('asks with the bot and customer ids and the x-bp-token header, and reads `online`', async () => {
    const requests: Request[] = []
    const fake = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(new Request(input, init))
      return json({ online: true, agents: [{ id: 'a1', name: 'Sam', picture: null }] })
    })
    expect(await availability(link, 4000, fake)()).toBe(true)
    const url = new URL(requests[0]?.url ?? '')
    expect(url.origin + url.pathname).toBe('https://api.example.com/v1/inbox/direct/availability')
    expect(Object.fromEntries(url.searchParams)).toEqual({ botId: 'b', customerId: 'c' })
    expect(requests[0]?.headers.get('x-bp-token')).toBe('tok')
    expect(url.search).not.toContain('tok')
    expect(await availability(link, 4000, async () => json({ online: false, agents: [] }))()).toBe(
      false,
    )
  })

  it('cannot tell on an HTTP error, a network error or an answer without `online`', async () => {
    expect(await availability(link, 4000, async () => json({ success: false }, 500))()).toBe(
      undefined,
    )
    expect(await availability(link, 4000, async () => json({ online: 'yes' }))()).toBeUndefined()
    expect(await availability(link, 4000, async () => new Response('<html>'))()).toBeUndefined()
    const offline = async () => {
      throw new TypeError('Failed to fetch')
    }
    expect(await availability(link, 4000, offline)()).toBeUndefined()
  })

  it('cannot tell after the timeout', async () => {
    const hangs = (_: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      )
    const started = Date.now()
    expect(await availability(link, 50, hangs)()).toBeUndefined()
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

describe('awayText: what the bot says', () => {
  it('outside hours: when the team is back, in the visitor’s language and time zone', async () => {
    const now = new Date(SATURDAY)
    expect(await awayText('outside-hours', OFFICE, now, 'en', 'Europe/London')).toBe(
      'Our team is away right now. We’re back Monday at 9:00\u202fAM.',
    )
    // Friday evening: back the next morning... of Monday, still; Sunday evening: tomorrow.
    const sunday = new Date('2026-01-18T20:00:00Z')
    expect(await awayText('outside-hours', OFFICE, sunday, 'en', 'Europe/London')).toBe(
      'Our team is away right now. We’re back tomorrow at 9:00\u202fAM.',
    )
    // A visitor in New York reads London's 09:00 as 4:00 AM their time.
    expect(await awayText('outside-hours', OFFICE, sunday, 'en', 'America/New_York')).toBe(
      'Our team is away right now. We’re back tomorrow at 4:00\u202fAM.',
    )
    expect(await awayText('outside-hours', OFFICE, now, 'fr', 'Europe/London')).toBe(
      'Notre équipe est absente pour le moment. Nous serons de retour lundi à 09:00.',
    )
  })

  it('the hours’ own message comes first when the bot has one', async () => {
    const hours = { ...OFFICE, message: 'Our office is closed for the weekend.' }
    expect(await awayText('outside-hours', hours, new Date(SATURDAY), 'en', 'UTC')).toBe(
      'Our office is closed for the weekend. We’re back Monday at 9:00\u202fAM.',
    )
  })

  it('no agent online, or hours that never open: the team replies as soon as it can', async () => {
    const reply = 'Our team is away right now. We’ll reply as soon as we can.'
    expect(await awayText('no-agent', OFFICE, new Date(TUESDAY), 'en')).toBe(reply)
    expect(await awayText('no-agent', undefined, new Date(TUESDAY), 'en')).toBe(reply)
    const never = { ...OFFICE, weekly: [] }
    expect(await awayText('outside-hours', never, new Date(TUESDAY), 'en')).toBe(reply)
  })
})

describe('live strings of the away state', () => {
  const keys = ['away', 'awayNow', 'back', 'soon', 'askEmail', 'leave'] as const

  it('are written in each of the 7 languages, placeholders kept', () => {
    for (const lang of LANGUAGES.slice(1))
      for (const key of keys) {
        const s = liveText(lang, key, { when: '<when>', email: '<email>' })
        expect(s, `${lang}.${key}`).not.toBe(
          liveText('en', key, { when: '<when>', email: '<email>' }),
        )
        if (key === 'back') expect(s, `${lang}.${key}`).toContain('<when>')
        if (key === 'leave') expect(s, `${lang}.${key}`).toContain('<email>')
      }
  })

  it('the status line says the team is away, not that a person is about to join', async () => {
    for (const locale of LANGUAGES) {
      const s = setup()
      await s.actions.start()
      s.actions.handoff()
      await s.away.check()
      const { unmount } = render(
        <ChatWindow
          state={s.state}
          actions={s.actions}
          t={t}
          locale={locale}
          dir={locale === 'ar' ? 'rtl' : 'ltr'}
          mode="page"
          live={s.live.ui}
        />,
      )
      s.actions.open()
      await act(async () => {})
      expect(statusLine(), locale).toBe(liveText(locale, 'away'))
      expect(statusLine(), locale).not.toBe(liveText(locale, 'waiting'))
      unmount()
    }
  })
})

describe('createAway: the offline path of a hand-off', () => {
  it('outside hours: back Monday, an email asked (validated as the flow’s), then the message', async () => {
    const s = setup({ hours: OFFICE })
    await s.actions.start()
    s.actions.open()
    s.actions.handoff()
    s.view()
    await act(() => s.away.check())
    expect(s.online).not.toHaveBeenCalled()
    expect(s.state.live.value).toEqual({ phase: 'away' })
    expect(s.bot().slice(-3)).toEqual([
      t('handoff'),
      'Our team is away right now. We’re back Monday at 9:00\u202fAM.',
      'Leave your email address and we’ll reply there.',
    ])
    expect(statusLine()).toBe('The team is away. Leave a message.')
    // The lead is marked, and the mark is synced like any lead field.
    expect(s.state.lead.value.attributes).toContainEqual({
      key: OFFLINE_KEY,
      value: 'outside-hours',
    })
    expect(s.synced.at(-1)?.set).toEqual({ [`a:${OFFLINE_KEY}`]: 'outside-hours' })
    // One text box: the email question's; the live composer waits for it.
    expect(screen.queryByRole('textbox', { name: 'Your message' })).toBeNull()
    const email = screen.getByRole('textbox', {
      name: 'Leave your email address and we’ll reply there.',
    })
    expect(email.getAttribute('type')).toBe('email')
    // The flow's checks: a typo is offered its correction, nonsense is refused.
    fireEvent.input(email, { target: { value: 'nope' } })
    await act(async () => {
      fireEvent.submit(email.closest('form') as HTMLFormElement)
    })
    expect(screen.getByText(t('errEmail'))).toBeTruthy()
    expect(await s.actions.submit('ada@gmial.com')).toBe(false)
    expect(s.state.error.value?.suggest).toBe('ada@gmail.com')
    await act(async () => {
      expect(await s.actions.submit('Ada@Example.com')).toBe(true)
    })
    expect(s.state.lead.value.email).toBe('ada@example.com')
    expect(s.synced.at(-1)?.set).toMatchObject({ email: 'ada@example.com' })
    expect(s.bot().at(-1)).toBe('Write your message below and we’ll reply to ada@example.com.')
    // Then the visitor leaves a message in the live composer.
    const box = screen.getByRole('textbox', { name: 'Your message' })
    fireEvent.input(box, { target: { value: 'Please call me back.' } })
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter' })
    })
    expect(s.state.messages.value.at(-1)).toMatchObject({
      from: 'visitor',
      text: 'Please call me back.',
    })
    expect(s.state.live.value?.phase).toBe('away')
  })

  it('does not ask for an email the lead already has', async () => {
    const s = setup({ hours: OFFICE })
    await s.actions.start()
    await s.actions.submit('Ada')
    await s.actions.submit('ada@example.com')
    s.actions.handoff()
    await s.away.check()
    expect(s.state.ask.value).toBeUndefined()
    expect(s.bot().slice(-2)).toEqual([
      'Our team is away right now. We’re back Monday at 9:00\u202fAM.',
      'Write your message below and we’ll reply to ada@example.com.',
    ])
    expect(s.bot()).not.toContain('Leave your email address and we’ll reply there.')
  })

  it('within hours with no agent online: away, the team replies as soon as it can', async () => {
    const s = setup({ hours: OFFICE, now: () => TUESDAY, online: async () => false })
    await s.actions.start()
    s.actions.handoff()
    await s.away.check()
    expect(s.online).toHaveBeenCalledTimes(1)
    expect(s.state.live.value).toEqual({ phase: 'away' })
    expect(s.bot().slice(-2)).toEqual([
      'Our team is away right now. We’ll reply as soon as we can.',
      'Leave your email address and we’ll reply there.',
    ])
    expect(s.state.lead.value.attributes).toContainEqual({ key: OFFLINE_KEY, value: 'no-agent' })
  })

  it('within hours with an agent online: waits for a person, as before', async () => {
    const s = setup({ hours: OFFICE, now: () => TUESDAY, online: async () => true })
    await s.actions.start()
    s.actions.handoff()
    const said = s.state.messages.value.length
    await s.away.check()
    expect(s.state.live.value).toEqual({ phase: 'waiting' })
    expect(s.state.messages.value).toHaveLength(said)
    expect(s.state.lead.value.attributes).toEqual([])
  })

  it('an availability error or timeout loses nothing: the hand-off waits', async () => {
    const link = { api: 'https://api.example.com', token: 'tok', ids: () => IDS }
    const broken = availability(link, 4000, async () => {
      throw new TypeError('Failed to fetch')
    })
    const slow = availability(
      link,
      30,
      (_, init) =>
        new Promise<Response>((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    )
    for (const online of [broken, slow]) {
      const s = setup({ now: () => TUESDAY, online })
      await s.actions.start()
      s.actions.open()
      s.actions.handoff()
      s.view()
      const said = s.state.messages.value.length
      await act(() => s.away.check())
      expect(s.state.live.value).toEqual({ phase: 'waiting' })
      expect(s.state.messages.value).toHaveLength(said)
      expect(statusLine()).toBe('Waiting for a person to join…')
      expect(screen.getByRole('textbox', { name: 'Your message' })).toBeTruthy()
      cleanup()
    }
  })

  it('an agent who answers while the availability is asked wins', async () => {
    let answer: (online: boolean) => void = () => {}
    const s = setup({ online: () => new Promise((r) => (answer = r)) })
    await s.actions.start()
    s.actions.handoff()
    const checked = s.away.check()
    s.live.setAgent({ name: 'Sam' })
    answer(false)
    await checked
    expect(s.state.live.value?.phase).toBe('talking')
    expect(s.bot()).not.toContain('Our team is away right now. We’ll reply as soon as we can.')
  })

  it('a reload keeps the away chat and its email question, without saying it again', async () => {
    const kv = memoryKv()
    const s = setup({ kv, hours: OFFICE })
    await s.actions.start()
    s.actions.handoff()
    await s.away.check()
    await s.actions.save()
    const saved = savedChat(await kv.get<SavedChat>(`chat:${IDS.uuid}`))
    expect(saved?.live).toEqual({ phase: 'away' })
    const again = setup({ kv, hours: OFFICE })
    await again.actions.start()
    expect(again.state.live.value).toEqual({ phase: 'away' })
    expect(again.state.ask.value).toMatchObject({ type: 'ask', input: 'email' })
    expect(again.bot()).toEqual(s.bot())
    again.actions.open()
    again.view()
    expect(statusLine()).toBe('The team is away. Leave a message.')
    expect(
      screen.getByRole('textbox', { name: 'Leave your email address and we’ll reply there.' }),
    ).toBeTruthy()
    await act(async () => {
      await again.actions.submit('ada@example.com')
    })
    expect(again.bot().at(-1)).toBe('Write your message below and we’ll reply to ada@example.com.')
    expect(screen.getByRole('textbox', { name: 'Your message' })).toBeTruthy()
  })

  it('an agent’s late reply turns the away chat live; the email question gives way', async () => {
    const s = setup()
    await s.actions.start()
    s.actions.open()
    s.actions.handoff()
    s.view()
    await act(() => s.away.check())
    expect(s.state.ask.value).toMatchObject({ type: 'ask', input: 'email' })
    act(() => {
      s.live.receive({
        id: '0b6a3c4e-8c1e-4f7a-9a49-6d0c1b1f9e11',
        by: 'agent',
        text: 'Sam here, I am back.',
        at: '2026-01-17T12:05:00.000Z',
        agent: { name: 'Sam' },
      })
    })
    expect(s.state.live.value?.phase).toBe('talking')
    expect(s.state.ask.value).toBeUndefined()
    expect(statusLine()).toBe('You’re talking to Sam')
    expect(screen.getByRole('textbox', { name: 'Your message' })).toBeTruthy()
  })

  it('checks only a hand-off that waits, and nothing after dispose', async () => {
    const s = setup()
    await s.actions.start()
    await s.away.check()
    expect(s.online).not.toHaveBeenCalled()
    expect(s.state.live.value).toBeUndefined()
    s.actions.handoff()
    s.away.dispose()
    await s.away.check()
    expect(s.state.live.value).toEqual({ phase: 'waiting' })
  })
})
