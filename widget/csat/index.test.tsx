// @vitest-environment happy-dom
/**
 * The conversation rating after an agent closes a live conversation
 * (widget/csat/): what the visitor sees and taps, what the bot says, and what the
 * lead PUT carries (the snapshots the outbox would send, core/outbox.fake.ts).
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { createActions, savedChat } from '../core/actions'
import { builtinFlow, graph } from '../core/flow'
import { translator } from '../core/i18n'
import { emptyLead, type LeadPayload } from '../core/lead'
import { recordSnapshots } from '../core/outbox.fake'
import { createState } from '../core/state'
import { type Kv, memoryKv } from '../core/storage'
import { createLive } from '../live'
import { ChatWindow } from '../ui/ChatWindow'
import { COMMENT_KEY, NOTE_TITLE, question, rated, SCORE_KEY } from '.'
import { csatText, languages } from './strings'

const t = translator()
const IDS = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'b', customerId: 'c' }
const SAM = { id: 'a1', name: 'Sam' }
const ASK = 'How was your conversation with Sam?'

/** A chat live with Sam, the rating as `settings.csat` says, its PUT snapshots in `puts`. */
async function setup(csat: { enabled: boolean; question?: string } = { enabled: true }, kv?: Kv) {
  const state = createState()
  const puts: LeadPayload[] = []
  const store = kv ?? memoryKv()
  const actions = createActions(state, {
    graph: graph([builtinFlow(t)]),
    kv: store,
    ids: () => IDS,
    sync: recordSnapshots(puts),
    phone: async () => undefined,
    t: (k) => t(k),
  })
  const live = createLive(state, actions, undefined, { settings: csat, locale: 'en' })
  await actions.start()
  actions.open()
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
  return { state, actions, live, puts, kv: store }
}

/** Hands off; Sam takes the conversation (unless `taken` is false), then closes it. */
function close(
  actions: Awaited<ReturnType<typeof setup>>['actions'],
  live: ReturnType<typeof createLive>,
  taken = true,
) {
  act(() => {
    actions.handoff()
    if (taken) live.setAgent(SAM)
    live.setStatus('CLOSED')
  })
}

/** The bot messages of the transcript, as text. */
const botSaid = (state: ReturnType<typeof createState>) =>
  state.messages.value.filter((m) => m.from === 'bot').map((m) => m.text)

/** The faces, once the csat chunk is there. */
const faces = () => screen.findByRole('group', { name: ASK })

/** The newest snapshot's value of attribute `key`. */
const attr = (puts: LeadPayload[], key: string) =>
  puts.at(-1)?.attributes?.find((a) => a.key === key)?.value

afterEach(cleanup)

describe('conversation rating', () => {
  it('asks once the agent closes, takes a tap and a comment, stores both on the lead, thanks', async () => {
    const { state, actions, live, puts } = await setup()
    close(actions, live)
    const group = await faces()
    // The bot asks in the transcript (its live region announces it, the inbox gets it), once.
    expect(botSaid(state).filter((s) => s === ASK)).toHaveLength(1)
    expect(within(screen.getByRole('log')).getByText(ASK)).toBeTruthy()
    const names = within(group)
      .getAllByRole('button')
      .map((b) => b.getAttribute('aria-label'))
    expect(names).toEqual(['Very bad', 'Bad', 'OK', 'Good', 'Very good'])
    expect(screen.queryByRole('textbox')).toBeNull()

    // One tap: the score is the lead's at once, the face pressed, the comment box shown.
    fireEvent.click(within(group).getByRole('button', { name: 'Good' }))
    await waitFor(() => expect(attr(puts, SCORE_KEY)).toBe('4'))
    expect(within(group).getByRole('button', { name: 'Good' }).getAttribute('aria-pressed')).toBe(
      'true',
    )
    expect(within(group).getByRole('button', { name: 'Bad' }).getAttribute('aria-pressed')).toBe(
      'false',
    )
    expect(puts.at(-1)?.notes).toBeUndefined()

    const box = screen.getByRole('textbox', { name: 'Tell us more (optional)' })
    fireEvent.input(box, { target: { value: '  Quick and kind.  ' } })
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    await waitFor(() => expect(attr(puts, COMMENT_KEY)).toBe('Quick and kind.'))
    expect(attr(puts, SCORE_KEY)).toBe('4')
    expect(puts.at(-1)?.notes).toEqual([
      { title: NOTE_TITLE, description: '4/5 — Quick and kind.' },
    ])
    expect(botSaid(state).at(-1)).toBe('Thanks for your feedback')
    // The card goes; focus moves to "Start a new conversation".
    expect(screen.queryByRole('group', { name: ASK })).toBeNull()
    const again = screen.getByRole('button', { name: 'Start a new conversation' })
    expect(document.activeElement).toBe(again)
  })

  it('a tap can be changed before Send; Send without a comment stores the score and "5/5"', async () => {
    const { state, actions, live, puts } = await setup()
    close(actions, live)
    const group = await faces()
    fireEvent.click(within(group).getByRole('button', { name: 'Bad' }))
    await waitFor(() => expect(attr(puts, SCORE_KEY)).toBe('2'))
    fireEvent.click(within(group).getByRole('button', { name: 'Very good' }))
    await waitFor(() => expect(attr(puts, SCORE_KEY)).toBe('5'))
    fireEvent.keyDown(screen.getByRole('textbox'), { key: 'Enter' })
    await waitFor(() =>
      expect(puts.at(-1)?.notes).toEqual([{ title: NOTE_TITLE, description: '5/5' }]),
    )
    expect(attr(puts, COMMENT_KEY)).toBeUndefined()
    expect(state.live.value?.csat).toEqual({ score: 5, sent: true })
  })

  it('a reload keeps where the rating is: the pressed face again, no second question; once sent, nothing', async () => {
    const first = await setup()
    close(first.actions, first.live)
    fireEvent.click(within(await faces()).getByRole('button', { name: 'OK' }))
    await waitFor(() => expect(attr(first.puts, SCORE_KEY)).toBe('3'))
    first.live.dispose()
    cleanup()

    const again = await setup({ enabled: true }, first.kv)
    expect(savedChat(await first.kv.get(`chat:${IDS.uuid}`))?.live?.csat).toEqual({ score: 3 })
    const group = await faces()
    expect(within(group).getByRole('button', { name: 'OK' }).getAttribute('aria-pressed')).toBe(
      'true',
    )
    expect(botSaid(again.state).filter((s) => s === ASK)).toHaveLength(1)
    fireEvent.click(screen.getByRole('button', { name: 'Send' }))
    await waitFor(() => expect(again.state.live.value?.csat?.sent).toBe(true))
    again.live.dispose()
    cleanup()

    const third = await setup({ enabled: true }, first.kv)
    await act(() => new Promise((r) => setTimeout(r, 20)))
    expect(screen.queryByRole('group')).toBeNull()
    expect(botSaid(third.state).filter((s) => s === 'Thanks for your feedback')).toHaveLength(1)
  })

  it('is not asked when turned off, nor for a conversation no agent took part in', async () => {
    const off = await setup({ enabled: false })
    close(off.actions, off.live)
    await act(() => new Promise((r) => setTimeout(r, 20)))
    expect(screen.queryByRole('group')).toBeNull()
    expect(off.state.live.value?.csat).toBeUndefined()
    cleanup()

    const alone = await setup()
    close(alone.actions, alone.live, false)
    await act(() => new Promise((r) => setTimeout(r, 20)))
    expect(screen.queryByRole('group')).toBeNull()
    expect(botSaid(alone.state)).not.toContain(ASK)
  })

  it('asks the document’s question, naming the agent', async () => {
    const { state, actions, live } = await setup({
      enabled: true,
      question: 'Did {agent} sort it out?',
    })
    close(actions, live)
    expect(await screen.findByRole('group', { name: 'Did Sam sort it out?' })).toBeTruthy()
    expect(botSaid(state).at(-1)).toBe('Did Sam sort it out?')
  })
})

describe('rated', () => {
  it('sets the score, the comment and one note; no comment removes an earlier one', () => {
    const once = rated(emptyLead(), 4, ' Great ')
    expect(once.attributes).toEqual([
      { key: 'csat', value: '4' },
      { key: 'csat_comment', value: 'Great' },
    ])
    expect(once.notes).toEqual([{ title: 'Conversation rating', description: '4/5 — Great' }])
    // The same rating again adds no second note.
    expect(rated(once, 4, 'Great').notes).toHaveLength(1)
    const next = rated(once, 2)
    expect(next.attributes).toEqual([{ key: 'csat', value: '2' }])
    expect(next.notes.map((n) => n.description)).toEqual(['4/5 — Great', '2/5'])
  })

  it('every later snapshot of the lead carries the note once, also when rated the same again', async () => {
    const { actions, puts } = await setup()
    actions.update((lead) => rated(lead, 5, 'Thanks'))
    actions.update((lead) => rated(lead, 5, 'Thanks'))
    actions.update((lead) => ({ ...lead, name: 'Ada' }))
    await waitFor(() => expect(puts.at(-1)?.name).toBe('Ada'))
    const withNote = puts.filter((p) => p.notes)
    expect(withNote.length).toBeGreaterThan(0)
    for (const p of withNote)
      expect(p.notes).toEqual([{ title: NOTE_TITLE, description: '5/5 — Thanks' }])
  })
})

describe('question', () => {
  it('isolates a right-to-left name, and names the agent in every language', () => {
    expect(question('en', 'Sam')).toBe(ASK)
    expect(question('en', 'سامي')).toBe('How was your conversation with \u2068سامي\u2069?')
    expect(question('ar', 'Sam')).toBe('كيف كانت محادثتك مع \u2068Sam\u2069؟')
    for (const lang of languages) {
      expect(question(lang, 'Sam')).toContain('Sam')
      for (const key of ['ask', 's1', 's5', 'comment', 'thanks'] as const)
        if (lang !== 'en')
          expect(csatText(lang, key), `${lang} ${key}`).not.toBe(csatText('en', key))
    }
    expect(languages).toEqual(['en', 'fr', 'de', 'es', 'pt', 'ar', 'hi'])
  })
})
