// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact'
import { useState } from 'preact/hooks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createActions } from '../core/actions'
import { builtinFlow, graph } from '../core/flow'
import { translator } from '../core/i18n'
import { createState } from '../core/state'
import { memoryKv } from '../core/storage'
import { ChatWindow } from './ChatWindow'
import { PhoneCountry } from './PhoneCountry'

const t = translator()

/** The picker with its value in state, as the composer holds it; `changes` records every onChange. */
function setup(initial: string, locale = 'en') {
  const changes: string[] = []
  function Host() {
    const [value, setValue] = useState(initial)
    return (
      <form>
        <PhoneCountry
          value={value}
          onChange={(code) => {
            changes.push(code)
            setValue(code)
          }}
          locale={locale}
          t={t}
        />
        <input class="input" type="tel" />
      </form>
    )
  }
  render(<Host />)
  const select = screen.getByRole('combobox', { name: t('country') }) as HTMLSelectElement
  const search = screen.getByRole('searchbox') as HTMLInputElement
  const type = (text: string) =>
    act(() => {
      fireEvent.input(search, { target: { value: text } })
    })
  const codes = () => [...select.options].map((o) => o.value)
  return { select, search, type, codes, changes }
}

afterEach(() => {
  cleanup()
})

describe('PhoneCountry', () => {
  it('lists every country with its dial code, the chosen one selected', () => {
    const { select, codes } = setup('GB')
    expect(codes().length).toBeGreaterThan(200)
    expect(select.value).toBe('GB')
    expect(select.selectedOptions[0]?.textContent).toBe('+44 United Kingdom')
  })

  it('puts the dial code first, isolated left to right in a right-to-left language', () => {
    const { select } = setup('EG', 'ar')
    const text = select.selectedOptions[0]?.textContent ?? ''
    // "+20" reads as one left-to-right run before the Arabic name, never "20+".
    expect(text.startsWith('\u2066+20\u2069 ')).toBe(true)
    expect(text.length).toBeGreaterThan('\u2066+20\u2069 '.length)
  })

  it('has a labelled search field in the visitor’s language', () => {
    const { search } = setup('GB')
    expect(search.getAttribute('type')).toBe('search')
    expect(search.getAttribute('aria-label')).toBe('Search country or dial code')
    expect(search.getAttribute('placeholder')).toBe('Country or code')
    expect(search.getAttribute('aria-controls')).toBe(screen.getByRole('combobox').id)
    cleanup()
    setup('ES', 'es-MX')
    expect(screen.getByRole('searchbox').getAttribute('aria-label')).toBe('Buscar país o prefijo')
    expect(screen.getByRole('combobox', { name: t('country') })).toBeTruthy()
  })

  it('filters by name without accents and selects a single match: "espa" → España', async () => {
    const { select, type, codes, changes } = setup('FR', 'es')
    await type('espa')
    expect(codes()).toEqual(['ES'])
    expect(select.value).toBe('ES')
    expect(select.selectedOptions[0]?.textContent).toBe('+34 España')
    expect(changes).toEqual(['ES'])
  })

  it('filters by dial code, "+44" or "44", keeping the chosen country', async () => {
    const { select, type, codes, changes } = setup('US')
    await type('+44')
    expect(codes().sort()).toEqual(['GB', 'GG', 'IM', 'JE', 'US'])
    // Four countries share +44: none is picked for the visitor.
    expect(select.value).toBe('US')
    await type('44')
    expect(codes().sort()).toEqual(['GB', 'GG', 'IM', 'JE', 'US'])
    await type('+49')
    expect(codes()).toEqual(['DE'])
    expect(select.value).toBe('DE')
    expect(changes).toEqual(['DE'])
  })

  it('filters by ISO code', async () => {
    const { type, codes } = setup('US')
    await type('gb')
    expect(codes()).toEqual(['GB'])
  })

  it('keeps the selected country in the list whatever the query', async () => {
    const { select, type, codes } = setup('FR')
    await type('united')
    expect(codes()).toContain('FR')
    expect(codes()).toEqual(expect.arrayContaining(['AE', 'GB', 'US']))
    expect(select.value).toBe('FR')
    await type('zzzz')
    expect(codes()).toEqual(['FR'])
    // Clearing the query lists every country again.
    await type('')
    expect(codes().length).toBeGreaterThan(200)
  })

  it('picks the visitor’s likely country when none is configured', async () => {
    const { select, changes } = setup('', 'en-GB')
    expect(select.value).toBe('GB')
    await waitFor(() => expect(changes).toEqual(['GB']))
  })

  it('Enter does not submit the form; Escape clears the search without closing the chat', async () => {
    const { search, type, codes } = setup('US')
    const form = search.form!
    const submit = vi.fn((e: Event) => e.preventDefault())
    form.addEventListener('submit', submit)
    await type('+49')
    // One country left: Enter goes on to the number.
    fireEvent.keyDown(search, { key: 'Enter' })
    expect(document.activeElement).toBe(form.querySelector('.input'))
    await type('+44')
    fireEvent.keyDown(search, { key: 'Enter' })
    expect(document.activeElement).toBe(screen.getByRole('combobox'))
    expect(submit).not.toHaveBeenCalled()
    const outer = vi.fn()
    document.body.addEventListener('keydown', outer)
    await act(() => {
      fireEvent.keyDown(search, { key: 'Escape' })
    })
    expect(search.value).toBe('')
    expect(codes().length).toBeGreaterThan(200)
    expect(outer).not.toHaveBeenCalled()
    // With the field empty, Escape goes on (and closes the chat).
    fireEvent.keyDown(search, { key: 'Escape' })
    expect(outer).toHaveBeenCalledOnce()
    document.body.removeEventListener('keydown', outer)
  })
})

describe('the composer at a phone question', () => {
  function chat(country?: string) {
    const state = createState()
    const asked: string[] = []
    const actions = createActions(state, {
      graph: graph([builtinFlow(t)]),
      kv: memoryKv(),
      ids: () => ({ uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'b', customerId: 'c' }),
      sync: async () => {},
      phone: async (_raw, c) => {
        asked.push(c)
        return { phone: '301234567', dialCode: '+49' }
      },
    })
    render(
      <ChatWindow
        state={state}
        actions={actions}
        t={t}
        locale="en-GB"
        dir="ltr"
        country={country}
        mode="launcher"
      />,
    )
    return { state, actions, asked }
  }
  async function answer(text: string) {
    const input = screen.getByRole('textbox') as HTMLInputElement
    fireEvent.input(input, { target: { value: text } })
    await act(async () => {
      fireEvent.submit(input.closest('form')!)
    })
  }

  it('shows the picker only at the phone question, above the number, which keeps focus', async () => {
    const { actions } = chat()
    await act(() => actions.open())
    await screen.findByRole('textbox', { name: t('askName') })
    await answer('Ada')
    await screen.findByRole('textbox', { name: t('askEmail', { name: 'Ada' }) })
    expect(screen.queryByRole('combobox')).toBeNull()
    expect(screen.queryByRole('searchbox')).toBeNull()
    await answer('ada@example.com')
    const phone = await screen.findByRole('textbox', { name: t('askPhone') })
    const select = (await screen.findByRole('combobox', {
      name: t('country'),
    })) as HTMLSelectElement
    // No configured country: the locale's region.
    expect(select.value).toBe('GB')
    expect(document.activeElement).toBe(phone)
    // In the document: search field, list, then the number (Shift+Tab reaches the list).
    const search = screen.getByRole('searchbox')
    const order = [search, select, phone]
    for (let i = 1; i < order.length; i++)
      expect(
        order[i - 1]!.compareDocumentPosition(order[i]!) & Node.DOCUMENT_POSITION_FOLLOWING,
      ).toBeTruthy()
  })

  it('validates the number for the configured country, or the one found by search', async () => {
    const { actions, asked } = chat('FR')
    await act(() => actions.open())
    await screen.findByRole('textbox')
    await answer('Ada')
    await answer('ada@example.com')
    const select = (await screen.findByRole('combobox')) as HTMLSelectElement
    expect(select.value).toBe('FR')
    await act(() => {
      fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'germ' } })
    })
    expect(select.value).toBe('DE')
    await answer('030 1234567')
    expect(asked).toEqual(['DE'])
  })
})
