// @vitest-environment happy-dom
/**
 * `showMessage` in a mounted chat: the teaser while the window is closed, and the
 * bot saying the text once the visitor opens the chat from it (./chat.ts).
 */
import { fireEvent, within } from '@testing-library/preact'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createActions } from '../core/actions'
import { builtinFlow, graph } from '../core/flow'
import { translator } from '../core/i18n'
import { createState } from '../core/state'
import { memoryKv } from '../core/storage'
import { createShowMessage } from './chat'

const t = translator()
const ids = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'bot1', customerId: 'cust1' }

function setup() {
  const host = document.createElement('div')
  document.body.append(host)
  const root = host.attachShadow({ mode: 'open' })
  const launcher = document.createElement('button')
  launcher.className = 'launcher'
  launcher.setAttribute('aria-expanded', 'false')
  root.append(launcher)
  const state = createState()
  const actions = createActions(state, {
    graph: graph([builtinFlow(t)]),
    kv: memoryKv(),
    ids: () => ids,
    sync: async () => {},
    phone: async () => undefined,
    t: (k) => t(k),
  })
  const teaser = createShowMessage({ state, actions, root, locale: () => 'en' })
  const ui = within(root as unknown as HTMLElement)
  const said = () => state.messages.value.map((m) => `${m.from}: ${m.text}`)
  return { root, launcher, state, actions, teaser, ui, said }
}

beforeEach(() => sessionStorage.clear())
afterEach(() => document.body.replaceChildren())

describe('showMessage in the mounted chat', () => {
  it('shows a teaser while the chat is closed, and starts nothing', async () => {
    const s = setup()
    s.teaser.showMessage('Hi!')
    await vi.dynamicImportSettled()
    expect(s.ui.getByRole('button', { name: 'Hi!' })).toBeTruthy()
    expect(s.state.open.value).toBe(false)
    expect(s.state.messages.value).toEqual([])
  })

  it('opening the chat from it says the text first, once', async () => {
    const s = setup()
    s.teaser.showMessage('Hi!')
    await vi.dynamicImportSettled()
    fireEvent.click(s.ui.getByRole('button', { name: 'Hi!' }))
    expect(s.state.open.value).toBe(true)
    expect(s.root.querySelector('.teaser')).toBeNull()
    await vi.waitFor(() => expect(s.state.ask.value?.id).toBe('name'))
    expect(s.said()).toEqual(['bot: Hi!', `bot: ${t('greet')}`, `bot: ${t('askName')}`])
  })

  it('shows no teaser once the visitor dismissed one in this tab; an open chat still hears it', async () => {
    const s = setup()
    s.teaser.showMessage('Hi!')
    await vi.dynamicImportSettled()
    fireEvent.click(s.ui.getByRole('button', { name: 'Dismiss message' }))
    s.teaser.showMessage('Hi again!')
    await vi.dynamicImportSettled()
    expect(s.root.querySelector('.teaser')).toBeNull()
    expect(s.state.open.value).toBe(false)
    s.actions.open()
    s.teaser.showMessage('We reply within the hour.')
    await vi.waitFor(() => expect(s.said().at(-1)).toBe('bot: We reply within the hour.'))
  })

  it('dispose removes the teaser, also one still loading', async () => {
    const s = setup()
    s.teaser.showMessage('Hi!')
    await vi.dynamicImportSettled()
    s.teaser.dispose()
    expect(s.root.querySelector('.teaser')).toBeNull()
    const late = setup()
    late.teaser.showMessage('Hi!')
    late.teaser.dispose()
    await vi.dynamicImportSettled()
    expect(late.root.querySelector('.teaser')).toBeNull()
  })
})
