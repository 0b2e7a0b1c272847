/**
 * The multi-line text box of the chat: a text question that expects long text (a
 * configured bot's `ask` node with `input: "text"`), the live chat's composer and
 * the free-question box. A lazy module: the configured-bot and live chat chunks
 * import it, the built-in flow (one-line name, email and phone fields) never does.
 */
import type { JSX, RefObject } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { MAX_LENGTH } from '../core/validate'
import css from './box.css?inline'
import { moreCount } from './strings'

export { css }

/** Most rows the text box grows to where it sets `rows` itself ({@link fitRows}); the stylesheet's max-height matches. */
export const MAX_ROWS = 5

/** Share of the limit from which the counter shows (80 %). */
export const NEAR = 0.8

/** How long (ms) the counter waits after the last keystroke before it is announced. */
export const SAY_AFTER = 700

/**
 * Whether the browser sizes the text box to its content with CSS alone
 * (`field-sizing: content`: Chromium 123+; not yet Firefox nor Safari 18).
 */
const grows = (): boolean =>
  typeof CSS !== 'undefined' && !!CSS.supports?.('field-sizing', 'content')

/** The part of a `<textarea>` {@link fitRows} reads and sets. */
export interface RowsBox {
  rows: number
  readonly scrollHeight: number
  readonly clientHeight: number
}

/**
 * Where `field-sizing` is missing: sets the box's `rows` attribute (never a style)
 * to the fewest rows, from 1 to `max`, that show its content without scrolling;
 * past `max` it scrolls. Wrapped lines count, since it measures.
 * @returns the rows set.
 */
export function fitRows(box: RowsBox, max = MAX_ROWS): number {
  box.rows = 1
  while (box.scrollHeight > box.clientHeight && box.rows < max) box.rows++
  return box.rows
}

/**
 * What the counter says for `length` characters (UTF-16 code units, as the limits
 * of docs/configuration.md, "Validation limits" count) of `limit`: nothing under
 * {@link NEAR} of it, then what is left, then how many are too many.
 */
export function counterText(length: number, limit: number, locale: string): string {
  if (length < limit * NEAR) return ''
  return moreCount(locale, length > limit ? 'over' : 'left', Math.abs(limit - length))
}

/** Props of {@link TextBox}: those of a `<textarea>`, with its text as `value`. */
export type TextBoxProps = Omit<
  JSX.TextareaHTMLAttributes<HTMLTextAreaElement>,
  'ref' | 'value'
> & {
  value: string
  /** Set to the `<textarea>`, so that the composer can move focus to it. */
  box?: RefObject<HTMLElement | null> | undefined
  /** Characters accepted (the counter's 100 %). Default `MAX_LENGTH.text`, 1000. */
  limit?: number | undefined
}

/**
 * A `<textarea>` that grows with its text up to about five lines, then scrolls:
 * with CSS `field-sizing: content` where the browser has it, else by setting its
 * `rows` attribute ({@link fitRows}); never a `style` attribute (strict CSP). Its
 * font is 16 px, so iOS does not zoom in on focus.
 *
 * Enter sends (submits the form it is in), Shift+Enter starts a new line; Enter
 * while an input method is composing (`isComposing`, or key code 229 in Safari) is
 * left to it, and no key is filtered, so emoji and IME text arrive as typed.
 *
 * From 80 % of `limit` a counter shows what is left ("150 characters left", then
 * "20 characters too many"), in the language of the nearest `lang` attribute (the
 * chat window's). A visually hidden polite status repeats it
 * {@link SAY_AFTER} ms after the last keystroke, so a screen reader hears it once
 * the visitor pauses, not at every key.
 */
export function TextBox({ box, limit = MAX_LENGTH.text, value, ...rest }: TextBoxProps) {
  const own = useRef<HTMLTextAreaElement | null>(null)
  const [said, setSaid] = useState('')
  const locale = own.current?.closest('[lang]')?.getAttribute('lang') || 'en'
  const count = counterText(value.length, limit, locale)
  useEffect(() => {
    const el = own.current
    if (el && !grows()) fitRows(el)
  }, [value])
  useEffect(() => {
    const timer = setTimeout(() => setSaid(count), SAY_AFTER)
    return () => clearTimeout(timer)
  }, [count])
  return (
    <div class="grow">
      <textarea
        {...rest}
        ref={(el) => {
          own.current = el
          if (box) box.current = el
        }}
        rows={1}
        value={value}
        onKeyDown={(e) => {
          if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return
          e.preventDefault()
          e.currentTarget.form?.requestSubmit()
        }}
      />
      {count && (
        <p class={value.length > limit ? 'count over' : 'count'} aria-hidden="true">
          {count}
        </p>
      )}
      <p class="sr" role="status">
        {said}
      </p>
    </div>
  )
}
