import type { ReadonlySignal } from '@preact/signals'
import { useLayoutEffect, useRef } from 'preact/hooks'
import type { Translate } from '../core/i18n'
import type { Message } from '../core/state'
import type { RichUi } from '../rich'

/**
 * The transcript: a polite live region with role `log`, so screen readers
 * announce each new message once, not the whole history (WCAG 4.1.3). Text is
 * rendered as text nodes only, never as HTML.
 */
export function Transcript({
  messages,
  ended,
  t,
  rich,
}: {
  messages: ReadonlySignal<Message[]>
  /** True when no question waits: focus moves here, so Escape and scrolling keep working. */
  ended: boolean
  t: Translate
  /** Configured bots: bot messages are formatted and may carry images, links, cards. */
  rich?: RichUi | undefined
}) {
  const ref = useRef<HTMLDivElement>(null)
  const list = messages.value
  // A layout effect: in the same task as the render that removed the focused choice
  // or input, so focus never falls to the host's <body> in between (an Escape
  // pressed then would not reach the window).
  useLayoutEffect(() => {
    if (ended) ref.current?.focus()
  }, [ended])
  // Keep the newest message in view.
  useLayoutEffect(() => {
    const el = ref.current
    if (el) el.scrollTop = el.scrollHeight
  }, [list.length])
  return (
    // Focusable: a scrollable region must be reachable from the keyboard (WCAG 2.1.1).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: see above; axe rule scrollable-region-focusable
    <div class="log" role="log" aria-live="polite" aria-label={t('title')} ref={ref} tabIndex={0}>
      {list.map((m) => (
        <div key={m.id} class={`msg ${m.from}`}>
          <span class="sr">{m.from === 'bot' ? t('bot') : t('you')}: </span>
          {rich && m.from === 'bot' ? <rich.RichBody m={m} t={t} /> : m.text}
        </div>
      ))}
    </div>
  )
}
