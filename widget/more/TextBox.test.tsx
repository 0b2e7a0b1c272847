// @vitest-environment happy-dom
/**
 * The multi-line text box (TextBox.tsx) as a visitor meets it: Enter sends its
 * form, Shift+Enter and an IME's Enter do not, the rows it sets where CSS cannot
 * size it, and the counter near the limit with its polite, delayed announcement.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact'
import { useState } from 'preact/hooks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { counterText, fitRows, MAX_ROWS, SAY_AFTER, TextBox } from './TextBox'

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

/** A form with the box, as the composers have it; `sent` collects what each submit sent. */
function Form({
  sent,
  lang = 'en',
  initial = '',
}: {
  sent: string[]
  lang?: string
  initial?: string
}) {
  const [text, setText] = useState(initial)
  return (
    <div lang={lang}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          sent.push(text)
          setText('')
        }}
      >
        <TextBox
          aria-label="Your message"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </form>
    </div>
  )
}

const box = () => screen.getByRole('textbox', { name: 'Your message' }) as HTMLTextAreaElement

describe('keys', () => {
  it('Enter sends the form; Shift+Enter and an Enter an input method is composing with do not', () => {
    const sent: string[] = []
    render(<Form sent={sent} />)
    fireEvent.input(box(), { target: { value: 'Hello 👋🏽' } })
    const shift = fireEvent.keyDown(box(), { key: 'Enter', shiftKey: true })
    // Not prevented: the browser inserts the new line.
    expect(shift).toBe(true)
    expect(fireEvent.keyDown(box(), { key: 'Enter', isComposing: true })).toBe(true)
    expect(fireEvent.keyDown(box(), { key: 'Enter', keyCode: 229 })).toBe(true)
    expect(sent).toEqual([])
    expect(fireEvent.keyDown(box(), { key: 'Enter' })).toBe(false)
    expect(sent).toEqual(['Hello 👋🏽'])
    expect(box().value).toBe('')
  })

  it('is a one-row textarea, set to the composer’s ref, with no style attribute', () => {
    const ref = { current: null as HTMLElement | null }
    render(<TextBox aria-label="Your message" value="" box={ref} />)
    expect(box().tagName).toBe('TEXTAREA')
    expect(box().getAttribute('rows')).toBe('1')
    expect(ref.current).toBe(box())
    expect(box().hasAttribute('style')).toBe(false)
  })
})

describe('fitRows, where field-sizing is missing', () => {
  /** A box whose content is `lines` lines of 20 px; each row shows 20 px. */
  const fake = (lines: number) => ({
    rows: 7,
    get clientHeight() {
      return this.rows * 20
    },
    scrollHeight: lines * 20,
  })

  it('sets the fewest rows that show the content, at least one', () => {
    expect(fitRows(fake(0))).toBe(1)
    expect(fitRows(fake(1))).toBe(1)
    expect(fitRows(fake(3))).toBe(3)
  })

  it('stops at the maximum: past it the box scrolls', () => {
    expect(fitRows(fake(12))).toBe(MAX_ROWS)
    expect(fitRows(fake(12), 8)).toBe(8)
  })
})

describe('the counter', () => {
  it('says nothing under 80 % of the limit, then what is left, then how many are too many', () => {
    expect(counterText(799, 1000, 'en')).toBe('')
    expect(counterText(800, 1000, 'en')).toBe('200 characters left')
    expect(counterText(999, 1000, 'en')).toBe('1 character left')
    expect(counterText(1000, 1000, 'en')).toBe('0 characters left')
    expect(counterText(1001, 1000, 'en')).toBe('1 character too many')
    expect(counterText(1020, 1000, 'fr')).toBe('20 caractères en trop')
  })

  it('shows in the window’s language and is announced once the visitor pauses', () => {
    vi.useFakeTimers()
    render(<Form sent={[]} lang="de" initial={'x'.repeat(10)} />)
    fireEvent.input(box(), { target: { value: 'x'.repeat(850) } })
    expect(screen.getByText('Noch 150 Zeichen')).toBeTruthy()
    const status = screen.getByRole('status')
    expect(status.textContent).toBe('')
    fireEvent.input(box(), { target: { value: 'x'.repeat(860) } })
    act(() => {
      vi.advanceTimersByTime(SAY_AFTER - 1)
    })
    expect(status.textContent).toBe('')
    act(() => {
      vi.advanceTimersByTime(1)
    })
    expect(status.textContent).toBe('Noch 140 Zeichen')
    fireEvent.input(box(), { target: { value: 'short' } })
    expect(screen.queryByText(/Zeichen/, { selector: '.count' })).toBeNull()
    act(() => {
      vi.advanceTimersByTime(SAY_AFTER)
    })
    expect(status.textContent).toBe('')
  })
})
