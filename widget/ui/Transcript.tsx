import type { ReadonlySignal } from '@preact/signals'
import { useLayoutEffect, useRef } from 'preact/hooks'
import type { Translate } from '../core/i18n'
import type { Message } from '../core/state'

/**
 * The transcript: a polite live region with role `log`, so screen readers
 * announce each new message once, not the whole history (WCAG 4.1.3). Text is
 * rendered as text nodes only, never as HTML.
 */
export function Transcript({ messages, t }: { messages: ReadonlySignal<Message[]>; t: Translate }) {
  const ref = useRef<HTMLDivElement>(null)
  const list = messages.value
  // Keep the newest message in view.
  useLayoutEffect(() => {
    const el = ref.current
    if (el) el.scrollTop = el.scrollHeight
  }, [list.length])
  return (
    <div class="log" role="log" aria-live="polite" aria-label={t('title')} ref={ref}>
      {list.map((m) => (
        <p key={m.id} class={`msg ${m.from}`}>
          <span class="sr">{m.from === 'bot' ? t('bot') : t('you')}: </span>
          {m.text}
        </p>
      ))}
    </div>
  )
}
