import type { ReadonlySignal } from '@preact/signals'
import { Fragment } from 'preact'
import { useLayoutEffect, useRef, useState } from 'preact/hooks'
import type { Translate } from '../core/i18n'
import type { Message } from '../core/state'
import type { LiveUi } from '../live'
import type { MoreUi } from '../more'
import type { RichUi } from '../rich'
import type { BubblesUi } from './bubbles'

/**
 * How close to the end (px) still counts as "at the bottom": scroll positions are
 * fractional on zoomed and high-density screens, so exact equality is rare.
 */
const NEAR = 4

/**
 * The transcript: a polite live region with role `log`, so screen readers
 * announce each new message once, not the whole history (WCAG 4.1.3). Text is
 * rendered as text nodes only, never as HTML.
 *
 * It sticks to the bottom: while the visitor is at the end, the newest message
 * stays fully in view whatever changes size — a new message, the composer below
 * (choice buttons, an inline error, the dial-code picker), an image or cards that
 * load late, the window or the on-screen keyboard — watched by a `ResizeObserver`
 * on the transcript's box and on its content. A visitor who has scrolled up to
 * read history is not moved: new messages bring up a "New messages" button
 * (`bubbles.Down`, outside the live region, so it is not announced as a message)
 * that takes them down; it goes when they reach the end by themselves. The
 * visitor's own answer sticks to the bottom again. Scrolling is instant, never
 * animated.
 *
 * Messages are grouped: the first of a run of one sender's (the bot's, one
 * agent's, the visitor's) starts a group (class `g`); a configured bot's and an
 * agent's shows their name (with the bot's avatar, or the agent's picture), which
 * screen readers hear before every message. Once the conversation chunk is there
 * (`bubbles`), each message shows its time and state, each day starts with a
 * divider, and the bot's messages come after a typing indicator.
 */
export function Transcript({
  messages,
  rejected,
  ended,
  t,
  rich,
  live,
  earlier,
  bubbles,
  locale = 'en',
}: {
  messages: ReadonlySignal<Message[]>
  /** Lead fields too large to send: the visitor's latest answer carrying one is flagged. */
  rejected: ReadonlySignal<string[]>
  /**
   * True when no question waits (or it waits for the bot's typing): focus moves
   * here, unless it is elsewhere in the window, so Escape and scrolling keep working.
   */
  ended: boolean
  t: Translate
  /** Configured bots: bot messages are formatted and may carry images, links, cards. */
  rich?: RichUi | undefined
  /** After a hand-off: agent messages show their agent's name (and picture, on the first of a group) and links. */
  live?: LiveUi | undefined
  /** Above the messages: the previous conversation, collapsed, and a returning visitor's welcome (widget/more/). */
  earlier?: MoreUi | undefined
  /** Times, delivery states, day dividers and the typing indicator (widget/ui/bubbles.tsx). */
  bubbles?: BubblesUi | undefined
  locale?: string
}) {
  const ref = useRef<HTMLDivElement>(null)
  const content = useRef<HTMLDivElement>(null)
  const more = useRef<HTMLButtonElement>(null)
  // Refs, not state: scroll events and resizes must not re-render the transcript.
  /** Whether the view follows the newest message (the visitor is at the bottom). */
  const stuck = useRef(true)
  /** The last scroll position seen (px): a smaller one means the visitor scrolled up. */
  const lastTop = useRef(0)
  /** The id of the newest message rendered so far. */
  const lastId = useRef(0)
  /** Messages arrived while the visitor reads history: the button shows. */
  const [behind, setBehind] = useState(false)
  const list = messages.value

  const toBottom = () => {
    const el = ref.current
    if (el) el.scrollTop = el.scrollHeight
  }
  /** Hides the button; focus on it moves to the transcript, so it never falls out of the window. */
  const caughtUp = () => {
    const button = more.current
    if (button && (button.getRootNode() as Document | ShadowRoot).activeElement === button)
      ref.current?.focus({ preventScroll: true })
    setBehind(false)
  }

  const flagged = new Set<number | undefined>()
  if (rejected.value.length) {
    const last = new Map<string, number>()
    for (const m of list) for (const k of m.keys ?? []) last.set(k, m.id)
    for (const k of rejected.value) flagged.add(last.get(k))
  }
  // A layout effect: in the same task as the render that removed the focused choice
  // or input, so focus never falls to the host's <body> in between (an Escape
  // pressed then would not reach the window).
  // Not while focus is elsewhere in the window (the free-question box keeps it).
  useLayoutEffect(() => {
    const el = ref.current
    if (
      ended &&
      el &&
      !el.closest('section')?.contains((el.getRootNode() as Document).activeElement)
    )
      el.focus()
  }, [ended])
  useLayoutEffect(() => {
    const el = ref.current
    const box = content.current
    if (!el || !box) return
    // Fires after layout and before paint, so a stuck view never shows a frame with
    // the newest message cut off.
    const observer = new ResizeObserver(() => {
      if (stuck.current) toBottom()
    })
    observer.observe(el)
    observer.observe(box)
    return () => observer.disconnect()
  }, [])
  useLayoutEffect(() => {
    const newest = list.at(-1)?.id ?? 0
    // Fewer or older messages: a reset, a new visitor; start at the end again.
    if (newest < lastId.current) stuck.current = true
    const fresh = list.filter((m) => m.id > lastId.current)
    if (fresh.some((m) => m.from === 'visitor')) stuck.current = true
    lastId.current = newest
    if (stuck.current) toBottom()
    else if (fresh.length) setBehind(true)
  }, [list])

  const onScroll = () => {
    const el = ref.current
    if (!el) return
    if (el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR) {
      stuck.current = true
      if (behind) caughtUp()
    } else if (el.scrollTop < lastTop.current) {
      // Only a move up lets go: content growing below leaves scrollTop alone, and a
      // box growing lowers it only to the new end (caught above).
      stuck.current = false
    }
    lastTop.current = el.scrollTop
  }
  const down = () => {
    stuck.current = true
    toBottom()
    caughtUp()
  }

  return (
    <div class="pane">
      <div
        class="log"
        role="log"
        aria-live="polite"
        aria-label={t('title')}
        ref={ref}
        // Focusable: a scrollable region must be reachable from the keyboard (WCAG 2.1.1).
        // biome-ignore lint/a11y/noNoninteractiveTabindex: see above; axe rule scrollable-region-focusable
        tabIndex={0}
        onScroll={onScroll}
      >
        <div class="msgs" ref={content}>
          {earlier && <earlier.Earlier t={t} locale={locale} />}
          {list.map((m, i) => {
            const bad = flagged.has(m.id)
            const prev = list[i - 1]
            const first = prev?.from !== m.from || prev.agent?.name !== m.agent?.name
            return (
              <Fragment key={m.id}>
                {bubbles && <bubbles.Day m={m} prev={prev} locale={locale} />}
                <div
                  class={`msg ${m.from}${first ? ' g' : ''}`}
                  aria-invalid={bad ? 'true' : undefined}
                  aria-describedby={bad ? `rk-big-${m.id}` : undefined}
                >
                  {live && m.from === 'agent' ? (
                    <live.Body m={m} locale={locale} first={first} />
                  ) : (
                    <>
                      <span class="sr">
                        {m.from === 'bot'
                          ? t('bot')
                          : m.from === 'agent'
                            ? m.agent?.name
                            : t('you')}
                        :{' '}
                      </span>
                      {rich && m.from === 'bot' ? (
                        <rich.RichBody m={m} t={t} first={first} />
                      ) : (
                        m.text
                      )}
                    </>
                  )}
                  {bubbles && <bubbles.Meta m={m} locale={locale} />}
                  {bad && (
                    <span class="big" id={`rk-big-${m.id}`}>
                      {t('tooLongToSend')}
                    </span>
                  )}
                </div>
              </Fragment>
            )
          })}
          {bubbles && <bubbles.Typing />}
        </div>
      </div>
      {behind && bubbles && <bubbles.Down t={t} onClick={down} button={more} />}
    </div>
  )
}
