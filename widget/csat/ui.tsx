/**
 * The conversation rating's card (index.ts `createCsat` binds it): it reads the
 * state and calls back, and writes nothing itself.
 */
import { useRef, useState } from 'preact/hooks'
import type { State } from '../core/state'
import { MAX_LENGTH } from '../core/validate'
import css from './csat.css?inline'
import { type CsatKey, csatText } from './strings'

/** The mouths of the five faces, very bad to very good (viewBox 0 0 24 24). */
const MOUTHS = [
  'M7.5 17.5q4.5-5 9 0',
  'M8.5 16.5q3.5-2 7 0',
  'M8.5 15.5h7',
  'M8.5 14.5q3.5 2 7 0',
  'M7.5 13.5h9a4.5 4.5 0 0 1-9 0',
]

/** `score` when it is a whole number from 1 to 5 (a saved chat is not trusted), else `undefined`. */
const scoreOf = (score: unknown): number | undefined =>
  Number.isInteger(score) && (score as number) >= 1 && (score as number) <= 5
    ? (score as number)
    : undefined

let sheet: CSSStyleSheet | undefined
/** Styles the rating in its shadow root once it is in the page (a ref callback: before the first paint). */
function styled(el: Element | null): void {
  const root = el?.getRootNode()
  if (!(root instanceof ShadowRoot)) return
  if (!sheet) {
    sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
  }
  if (!root.adoptedStyleSheets.includes(sheet))
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
}

/** What the rating's card reads and calls (index.ts `createCsat`). */
export interface CardDeps {
  /** Read in render: `state.live.csat` says whether the card shows and which face is pressed. */
  state: State
  /** The question in `locale`, the name of the faces' group. */
  question(locale: string): string
  /** A face was tapped: score `n`, 1 (very bad) to 5 (very good). */
  tap(n: number): void
  /** Send: the score, the comment as typed, the visitor's locale. */
  send(score: number, comment: string, locale: string): void
}

/**
 * The rating's card, above "Start a new conversation", while the closed
 * conversation's rating was asked and not sent: five faces, buttons named "Very
 * bad" … "Very good" in a group labelled by the question (`aria-pressed` on the
 * one chosen, 48 px); after a tap, the comment box (Enter sends, Shift+Enter
 * starts a new line) and Send. On Send the card goes, and focus moves to the
 * button after it ("Start a new conversation"), so it never falls to the page.
 */
export function bindCard(c: CardDeps) {
  return function Card({ locale }: { locale: string }) {
    const [text, setText] = useState('')
    const form = useRef<HTMLFormElement>(null)
    const live = c.state.live.value
    const csat = live?.csat
    if (live?.phase !== 'closed' || !csat || csat.sent) return null
    const score = scoreOf(csat.score)
    const tr = (k: CsatKey) => csatText(locale, k)
    const send = (e?: Event) => {
      e?.preventDefault()
      if (!score) return
      form.current?.nextElementSibling?.querySelector('button')?.focus()
      c.send(score, text, locale)
    }
    return (
      <form
        class="choices csat"
        ref={(el) => {
          form.current = el
          styled(el)
        }}
        onSubmit={send}
        noValidate
      >
        <fieldset class="faces">
          <legend class="sr">{c.question(locale)}</legend>
          {MOUTHS.map((mouth, i) => {
            const label = tr(`s${i + 1}` as CsatKey)
            return (
              <button
                key={mouth}
                type="button"
                class="choice face"
                aria-pressed={score === i + 1}
                aria-label={label}
                title={label}
                onClick={() => c.tap(i + 1)}
              >
                <svg viewBox="0 0 24 24" aria-hidden="true">
                  <circle cx="12" cy="12" r="10" />
                  <path d={`M9 9.5v1M15 9.5v1${mouth}`} />
                </svg>
              </button>
            )
          })}
        </fieldset>
        {score && (
          <div class="row">
            <textarea
              class="input"
              rows={2}
              maxLength={MAX_LENGTH.text}
              value={text}
              aria-label={tr('comment')}
              placeholder={tr('comment')}
              onInput={(e) => setText(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e)
              }}
            />
            <button class="send" type="submit">
              {tr('send')}
            </button>
          </div>
        )}
      </form>
    )
  }
}
