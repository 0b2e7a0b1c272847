// @vitest-environment happy-dom
/**
 * The free-question box as a visitor meets it (widget/rich/free.tsx), in the chat
 * window of the outdoor-shop template: where it shows, what sending does, "Did that
 * help?" as buttons beside it, and an answer that streams in.
 */
import { readFileSync } from 'node:fs'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact'
import { afterEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../config/schema'
import { createActions } from '../core/actions'
import { translator } from '../core/i18n'
import { createState } from '../core/state'
import { memoryKv } from '../core/storage'
import { ChatWindow } from '../ui/ChatWindow'
import { createRich } from '.'

const ids = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'shop', customerId: 'c1' }
const TEMPLATE = JSON.parse(readFileSync('demo/templates/outdoor-shop.json', 'utf8'))

afterEach(cleanup)

async function shop() {
  const parsed = parseConfig(TEMPLATE)
  if ('issues' in parsed) throw new Error(JSON.stringify(parsed.issues))
  const rich = createRich(parsed.config, () => ids, { token: 'tok' })
  const t = translator({ ...rich.strings('en') } as never)
  const state = createState()
  const actions = createActions(state, {
    graph: rich.graph,
    ext: rich.ext,
    kv: memoryKv(),
    ids: () => ids,
    sync: async () => {},
    phone: async () => undefined,
    t: (k) => t(k),
  })
  render(
    <ChatWindow
      state={state}
      actions={actions}
      t={t}
      locale="en"
      dir="ltr"
      mode="launcher"
      rich={rich.ui}
    />,
  )
  await act(() => actions.open())
  await waitFor(() => within(screen.getByRole('log')).getByText(/Type your question below/))
  return { state, actions }
}

const box = () => screen.getByRole('textbox', { name: 'Ask a question' }) as HTMLInputElement
async function ask(text: string) {
  fireEvent.input(box(), { target: { value: text } })
  await act(async () => {
    fireEvent.submit(box().closest('form') as HTMLFormElement)
  })
}
const log = () => screen.getByRole('log')

describe('the free-question box', () => {
  it('shows under the buttons that wait, labelled and with its placeholder', async () => {
    await shop()
    expect(screen.getByRole('button', { name: 'Leave us a message' })).toBeTruthy()
    expect(box().placeholder).toBe('Ask a question…')
    expect(screen.getAllByRole('textbox')).toHaveLength(1)
  })

  it('gives way to a question that waits for typed text: one text box at a time', async () => {
    await shop()
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Leave us a message' }))
    })
    expect(screen.queryByRole('textbox', { name: 'Ask a question' })).toBeNull()
    expect(screen.getAllByRole('textbox')).toHaveLength(1)
    expect(screen.getByRole('textbox', { name: 'Your name, please?' })).toBeTruthy()
  })

  it('sends a question: it shows at once, then the formatted answer and "Did that help?" as buttons; focus stays in the box', async () => {
    await shop()
    await ask('how much is postage')
    expect(within(log()).getByText('how much is postage')).toBeTruthy()
    expect(box().value).toBe('')
    const group = await screen.findByRole('group', { name: 'Did that help?' })
    expect(
      within(group)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Yes', 'Talk to a person'])
    // The answer is formatted like any bot message of the document.
    expect(within(log()).getByText('£3.95', { selector: 'strong' })).toBeTruthy()
    await waitFor(() => expect(document.activeElement).toBe(box()))
  })

  it('a question typed while "Did that help?" shows is answered as a question', async () => {
    const { state } = await shop()
    await ask('how much is postage')
    await screen.findByRole('group', { name: 'Did that help?' })
    await ask('can I pay with paypal')
    await waitFor(() => expect(within(log()).getByText(/We take Visa, Mastercard/)).toBeTruthy())
    expect(state.lead.value.attributes.find((a) => a.key === 'faq_helpful')).toBeUndefined()
  })

  it('typing a button’s label picks the button', async () => {
    const { state } = await shop()
    await ask('how much is postage')
    await screen.findByRole('group', { name: 'Did that help?' })
    await ask('yes')
    expect(state.lead.value.attributes.find((a) => a.key === 'faq_helpful')?.value).toBe('yes')
    expect(screen.queryByRole('group', { name: 'Did that help?' })).toBeNull()
  })

  it('is gone after a hand-off: the text is for the person', async () => {
    const { actions } = await shop()
    await act(() => actions.handoff())
    expect(screen.queryByRole('textbox', { name: 'Ask a question' })).toBeNull()
  })

  it('an answer still streaming in is hidden from screen readers, then read once complete and formatted', async () => {
    const { state } = await shop()
    const last = () => state.messages.value.at(-1)?.id ?? 0
    await act(() => {
      state.messages.value = [
        ...state.messages.value,
        { id: last() + 1, from: 'bot', text: 'Standard UK **deliv', at: 1, pending: true },
      ]
    })
    const growing = within(log()).getByText('Standard UK **deliv')
    expect(growing.closest('[aria-hidden="true"]')).toBeTruthy()
    await act(() => {
      state.messages.value = state.messages.value.map((m) =>
        m.pending ? { id: m.id, from: 'bot', text: 'Standard UK **delivery**.', at: 1 } : m,
      )
    })
    const bold = within(log()).getByText('delivery', { selector: 'strong' })
    expect(bold.closest('[aria-hidden]')).toBeNull()
  })
})
