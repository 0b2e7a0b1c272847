import '@preact/signals' // installs Preact's auto-subscription to signals read in render
import { useRef } from 'preact/hooks'
import type { Actions } from '../core/actions'
import type { Translate } from '../core/i18n'
import type { State } from '../core/state'
import type { LiveUi } from '../live'
import type { MoreUi } from '../more'
import type { RichUi } from '../rich'
import type { BubblesUi } from './bubbles'
import { Composer } from './Composer'
import { Transcript } from './Transcript'
import { usePhoneLayout } from './usePhoneLayout'

/** Props of {@link ChatWindow}. */
export interface ChatWindowProps {
  state: State
  actions: Actions
  t: Translate
  /** BCP 47 locale of the visitor, for country names and `lang`/`dir`. */
  locale: string
  /** Text direction of the locale: Arabic mirrors the whole window. */
  dir: 'ltr' | 'rtl'
  /** Default dial-code country, ISO 3166-1 alpha-2; without one, the phone chunk guesses it. */
  country?: string | undefined
  /** `page`: full page, no close button (the landing page). */
  mode: 'launcher' | 'page'
  /** The configured-bot parts (`widget/rich/`), when the bot has a configuration document. */
  rich?: RichUi | undefined
  /** The live chat parts (`widget/live/`), once the chat was handed to a person. */
  live?: LiveUi | undefined
  /** The previous conversation and "New conversation" (`widget/more/`), once the chat has started. */
  more?: MoreUi | undefined
  /** The bubbles' parts (widget/ui/bubbles.tsx), once the conversation chunk is there. */
  bubbles?: BubblesUi | undefined
}

/**
 * The chat window: a labelled, non-modal dialog with a header, the transcript and
 * the composer. Escape closes it (launcher mode). Renders nothing while closed.
 * While the bot types (the bubbles' pacing), the question's composer waits, and
 * focus is on the transcript.
 */
export function ChatWindow({
  state,
  actions,
  t,
  locale,
  dir,
  country,
  mode,
  rich,
  live,
  more,
  bubbles,
}: ChatWindowProps) {
  const ref = useRef<HTMLElement>(null)
  const open = state.open.value
  const full = !rich || rich.full
  const delivery = state.delivery.value
  const typing = state.typing.value
  usePhoneLayout(ref, open && mode === 'launcher' && full)
  if (!open) return null
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && mode === 'launcher') actions.close()
  }
  return (
    <section
      ref={ref}
      class={mode === 'page' ? 'win page' : full ? 'win float full' : 'win float'}
      role="dialog"
      aria-modal="false"
      aria-labelledby="rk-title"
      lang={locale}
      dir={dir}
      onKeyDown={onKeyDown}
    >
      <header class="head">
        {rich && <rich.Avatar />}
        <div class="ttl">
          <h2 id="rk-title">{t('title')}</h2>
          <p class="sub">{t('subtitle')}</p>
        </div>
        {rich && <rich.Whatsapp t={t} />}
        {mode === 'launcher' && (
          <button type="button" class="x" aria-label={t('close')} onClick={actions.close}>
            <svg viewBox="0 0 24 24" aria-hidden="true">
              <path d="M6 6l12 12M18 6L6 18" />
            </svg>
          </button>
        )}
      </header>
      <Transcript
        messages={bubbles?.shown ?? state.messages}
        rejected={state.rejected}
        ended={!state.ask.value || typing}
        t={t}
        rich={rich}
        live={live}
        earlier={more}
        bubbles={bubbles}
        locale={locale}
      />
      {live && <live.Bar state={state} locale={locale} />}
      {/* Always there, so that screen readers announce it when its text comes (WCAG 4.1.3). */}
      <p class="note" role="status">
        {delivery === 'offline' ? t('sendOffline') : delivery ? t('sendRetrying') : ''}
      </p>
      {!typing && (
        <Composer
          state={state}
          actions={actions}
          t={t}
          locale={locale}
          country={country}
          rich={rich}
        />
      )}
      {live && <live.Composer state={state} actions={actions} locale={locale} />}
      {more && <more.Again locale={locale} />}
      {rich && <rich.Foot state={state} actions={actions} t={t} />}
    </section>
  )
}
