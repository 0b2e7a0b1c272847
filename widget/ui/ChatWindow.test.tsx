// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { createActions } from '../core/actions'
import { builtinFlow, graph } from '../core/flow'
import { translator } from '../core/i18n'
import type { LeadPayload } from '../core/lead'
import { recordSnapshots } from '../core/outbox.fake'
import { createState, type State } from '../core/state'
import { memoryKv } from '../core/storage'
import { ChatWindow } from './ChatWindow'

const t = translator()

/** The input kind of the waiting question. */
const input = (state: State) => {
  const node = state.ask.value
  return node?.type === 'ask' ? node.input : undefined
}

function setup(mode: 'launcher' | 'page' = 'launcher') {
  const state = createState()
  const payloads: LeadPayload[] = []
  const actions = createActions(state, {
    graph: graph([builtinFlow(t)]),
    kv: memoryKv(),
    ids: () => ({ uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'b', customerId: 'c' }),
    sync: recordSnapshots(payloads),
    phone: async (raw) =>
      raw.replace(/\D/g, '') === '07400123456'
        ? { phone: '7400123456', dialCode: '+44' }
        : undefined,
  })
  render(
    <ChatWindow
      state={state}
      actions={actions}
      t={t}
      locale="en"
      dir="ltr"
      country="GB"
      mode={mode}
    />,
  )
  return { state, actions, payloads }
}

/** Types `text` into the composer and submits it like pressing Enter. */
async function answer(text: string) {
  const input = screen.getByRole('textbox') as HTMLInputElement
  fireEvent.input(input, { target: { value: text } })
  await act(async () => {
    fireEvent.submit(input.closest('form')!)
  })
}

afterEach(() => {
  cleanup()
})

describe('while the bot types (state.typing, the bubbles’ pacing)', () => {
  it('holds the question’s composer back, focus on the transcript; then the question takes focus', async () => {
    const { state, actions } = setup()
    actions.open()
    await waitFor(() => expect(screen.getByRole('textbox')).toBeTruthy())
    act(() => {
      state.typing.value = true
    })
    expect(screen.queryByRole('textbox')).toBeNull()
    expect(document.activeElement).toBe(screen.getByRole('log'))
    act(() => {
      state.typing.value = false
    })
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('textbox')))
  })
})

describe('ChatWindow', () => {
  it('renders nothing while closed', () => {
    setup()
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('opens as a dialog labelled by its title, with the transcript as a log', async () => {
    const { actions } = setup()
    await act(() => actions.open())
    const dialog = await screen.findByRole('dialog', { name: t('title') })
    const log = within(dialog).getByRole('log')
    await waitFor(() => expect(log.textContent).toContain(t('askName')))
    expect(log.textContent).toContain(t('greet'))
    expect(log.getAttribute('aria-live')).toBe('polite')
  })

  it('labels the input with the question and focuses it', async () => {
    const { actions } = setup()
    await act(() => actions.open())
    const input = await screen.findByRole('textbox', { name: t('askName') })
    await waitFor(() => expect(document.activeElement).toBe(input))
  })

  it('shows an invalid email error inline, tied to the input', async () => {
    const { actions, state } = setup()
    await act(() => actions.open())
    await screen.findByRole('textbox', { name: t('askName') })
    await answer('Ada')
    await waitFor(() => expect(input(state)).toBe('email'))
    const email = screen.getByRole('textbox')
    expect(email.getAttribute('type')).toBe('email')
    expect(email.getAttribute('aria-invalid')).toBe('false')

    await answer('ada@localhost')
    await waitFor(() => expect(email.getAttribute('aria-invalid')).toBe('true'))
    const describedBy = email.getAttribute('aria-describedby')
    expect(describedBy).toBeTruthy()
    const error = document.getElementById(describedBy!)
    expect(error?.textContent).toBe(t('errEmail'))
    // Still the same question, the typed text kept for correction.
    expect(input(state)).toBe('email')
    expect((email as HTMLInputElement).value).toBe('ada@localhost')

    await answer('ada@example.com')
    await waitFor(() => expect(input(state)).toBe('phone'))
    const phone = screen.getByRole('textbox', { name: t('askPhone') })
    expect(phone.getAttribute('aria-invalid')).toBe('false')
    expect(phone.hasAttribute('aria-describedby')).toBe(false)
  })

  // Regression: the input was once labelled with the raw node text, so screen
  // readers heard "Thanks, {name}! …" while the transcript showed "Thanks, Ada! …".
  it('labels the input with the question as the transcript shows it (placeholders filled)', async () => {
    const { actions } = setup()
    await act(() => actions.open())
    await screen.findByRole('textbox')
    await answer('Ada')
    const question = t('askEmail', { name: 'Ada' })
    await waitFor(() => expect(screen.getByRole('log').textContent).toContain(question))
    expect(screen.getByRole('textbox').getAttribute('aria-label')).toBe(question)
  })

  it('renders a choice question as buttons in a fieldset with the question as legend', async () => {
    const { actions, state, payloads } = setup()
    await act(() => actions.open())
    await screen.findByRole('textbox')
    await answer('Ada')
    await answer('ada@example.com')
    await waitFor(() => expect(input(state)).toBe('phone'))
    await answer('07400 123456')
    const group = await screen.findByRole('group', { name: t('askTopic') })
    expect(group.tagName).toBe('FIELDSET')
    expect(group.querySelector('legend')?.textContent).toBe(t('askTopic'))
    const buttons = within(group).getAllByRole('button')
    expect(buttons.map((b) => b.textContent)).toEqual([
      t('topicSales'),
      t('topicSupport'),
      t('topicOther'),
    ])
    expect(screen.queryByRole('textbox')).toBeNull()

    await act(async () => {
      fireEvent.click(within(group).getByRole('button', { name: t('topicSupport') }))
    })
    await waitFor(() => expect(screen.getByRole('log').textContent).toContain(t('thanks')))
    // The thanks offers one more choice: a person.
    expect(
      within(screen.getByRole('group'))
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual([t('talk')])
    expect(payloads[payloads.length - 1]).toMatchObject({
      name: 'Ada',
      email: 'ada@example.com',
      phone: '7400123456',
      dialCode: '+44',
      tags: [t('topicSupport')],
    })
  })

  it('closes on Escape and with the close button in launcher mode', async () => {
    const { actions, state } = setup()
    await act(() => actions.open())
    const dialog = await screen.findByRole('dialog')
    await act(async () => {
      fireEvent.keyDown(dialog, { key: 'Escape' })
    })
    expect(state.open.value).toBe(false)
    expect(screen.queryByRole('dialog')).toBeNull()
    await act(() => actions.open())
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: t('close') }))
    })
    expect(state.open.value).toBe(false)
  })

  it('has no close button and ignores Escape on the full page', async () => {
    const { actions, state } = setup('page')
    await act(() => actions.open())
    const dialog = await screen.findByRole('dialog')
    expect(within(dialog).queryByRole('button', { name: t('close') })).toBeNull()
    await act(async () => {
      fireEvent.keyDown(dialog, { key: 'Escape' })
    })
    expect(state.open.value).toBe(true)
  })

  it('renders message text as text, never as HTML', async () => {
    const { actions } = setup()
    await act(() => actions.open())
    await screen.findByRole('textbox')
    await answer('<img src=x onerror=alert(1)>')
    const log = screen.getByRole('log')
    await waitFor(() => expect(log.textContent).toContain('<img src=x onerror=alert(1)>'))
    expect(log.querySelector('img')).toBeNull()
  })
})

describe('ChatWindow: lead delivery', () => {
  it('says in a status line when delivery waits for the network, and clears it once delivered', async () => {
    const { actions, state } = setup()
    await act(() => actions.open())
    const note = await screen.findByRole('status')
    expect(note.textContent).toBe('')
    await act(() => {
      state.delivery.value = 'offline'
    })
    expect(note.textContent).toBe(t('sendOffline'))
    await act(() => {
      state.delivery.value = 'retrying'
    })
    expect(note.textContent).toBe(t('sendRetrying'))
    await act(() => {
      state.delivery.value = undefined
    })
    expect(note.textContent).toBe('')
    // The chat stays usable: the note blocks nothing.
    expect(screen.getByRole('textbox')).toBeTruthy()
  })

  it('flags the visitor’s answer that carried a field too large to send', async () => {
    const { actions, state } = setup()
    await act(() => actions.open())
    await screen.findByRole('textbox', { name: t('askName') })
    await answer('Ada')
    await waitFor(() => expect(input(state)).toBe('email'))
    const mine = () => [...document.querySelectorAll('.msg.visitor')]
    expect(mine()[0]?.getAttribute('aria-invalid')).toBeNull()
    await act(() => {
      state.rejected.value = ['name']
    })
    const msg = mine()[0]!
    expect(msg.getAttribute('aria-invalid')).toBe('true')
    expect(document.getElementById(msg.getAttribute('aria-describedby')!)?.textContent).toBe(
      t('tooLongToSend'),
    )
    // The question that waits is not the flagged field: its input is fine.
    expect(screen.getByRole('textbox').getAttribute('aria-invalid')).toBe('false')
  })

  it('flags the input when the waiting question’s field is the one too large to send', async () => {
    const { actions, state } = setup()
    await act(() => actions.open())
    const box = await screen.findByRole('textbox', { name: t('askName') })
    await act(() => {
      state.rejected.value = ['name']
    })
    expect(box.getAttribute('aria-invalid')).toBe('true')
    expect(document.getElementById(box.getAttribute('aria-describedby')!)?.textContent).toBe(
      t('tooLongToSend'),
    )
  })
})
