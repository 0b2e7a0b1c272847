import { useEffect, useRef, useState } from 'preact/hooks'
import type { Actions } from '../core/actions'
import { type AskNode, fill } from '../core/flow'
import type { Translate } from '../core/i18n'
import type { State } from '../core/state'
import { MAX_LENGTH } from '../core/validate'
import type { RichUi } from '../rich'
import { loadPhone, type PhoneChunk } from './loadPhone'

/** Input attributes per question kind: the right keyboard and autofill on phones. */
const INPUT: Partial<Record<AskNode['input'], Record<string, string>>> = {
  name: { type: 'text', autocomplete: 'name' },
  email: { type: 'email', inputmode: 'email', autocomplete: 'email' },
  phone: { type: 'tel', inputmode: 'tel', autocomplete: 'tel-national' },
  number: { type: 'text', inputmode: 'decimal', autocomplete: 'off' },
  date: { type: 'date' },
}

/**
 * The composer: quick-reply buttons for choice questions, otherwise a labelled
 * input (a growing multi-line text box for a configured bot's text questions) with its inline error (`aria-invalid`, `aria-describedby`, announced by a
 * live region). Focus follows the question.
 */
export function Composer({
  state,
  actions,
  t,
  locale,
  country: initialCountry,
  rich,
}: {
  state: State
  actions: Actions
  t: Translate
  locale: string
  /** The configured dial-code country; without one the picker guesses it. */
  country?: string | undefined
  rich?: RichUi | undefined
}) {
  const ask = state.ask.value
  // Labels read the question as the transcript shows it, placeholders filled.
  const question = ask ? fill(ask.text ?? '', state.lead.value, true) : ''
  const options = actions.choices()
  // A value of this question's field the platform could not take (a host's identify).
  const key = ask?.type !== 'ask' ? undefined : ask.attribute ? `a:${ask.attribute}` : ask.input
  const big = !!key && state.rejected.value.includes(key)
  const error = state.error.value ?? (big ? { key: 'tooLongToSend' } : undefined)
  const [text, setText] = useState('')
  const [country, setCountry] = useState(initialCountry ?? '')
  // The phone chunk (validation and dial-code picker), loaded at the first phone question.
  const [phoneUi, setPhoneUi] = useState<PhoneChunk>()
  const input = useRef<HTMLInputElement>(null)
  const group = useRef<HTMLFieldSetElement>(null)
  const phone = ask?.type === 'ask' && ask.input === 'phone'

  useEffect(() => {
    ;(input.current ?? group.current?.querySelector('button'))?.focus()
  }, [ask])
  useEffect(() => {
    // Without it (the chunk failed to load) the number is typed without the picker.
    if (phone) loadPhone().then(setPhoneUi, () => {})
  }, [phone])

  if (!ask) return null
  if (options.length) {
    return (
      <fieldset class="choices" ref={group}>
        <legend class="sr">{question}</legend>
        {options.map((o) => (
          <button type="button" class="choice" key={o.label} onClick={() => actions.choose(o)}>
            {o.label}
          </button>
        ))}
      </fieldset>
    )
  }
  if (ask.type !== 'ask') return null
  if (rich && (ask.input === 'multi' || ask.input === 'rating'))
    return <rich.RichInput node={ask} actions={actions} t={t} question={question} />
  const submit = async (e: Event) => {
    e.preventDefault()
    if (await actions.submit(text, country)) setText('')
  }
  const field = {
    id: 'rk-input',
    class: 'input',
    enterkeyhint: 'send',
    maxLength: MAX_LENGTH[ask.input] * 2,
    value: text,
    placeholder: ask.placeholder ?? t('placeholder'),
    'aria-label': question,
    'aria-invalid': error ? 'true' : 'false',
    'aria-describedby': error ? 'rk-err' : undefined,
    onInput: (e: Event) => setText((e.currentTarget as HTMLInputElement).value),
  } as const
  return (
    <form class="composer" onSubmit={submit} noValidate>
      {phone && phoneUi && (
        <phoneUi.PhoneCountry value={country} onChange={setCountry} locale={locale} t={t} />
      )}
      <div class="row">
        {rich && ask.input === 'text' ? (
          // Long text: the configured-bot chunk's growing text box (widget/more/TextBox.tsx).
          <rich.TextBox box={input} {...field} />
        ) : (
          <input
            ref={input}
            {...(INPUT[ask.input] ?? { type: 'text', autocomplete: 'off' })}
            {...field}
          />
        )}
        <button class="send" type="submit" disabled={state.busy.value}>
          {t('send')}
        </button>
      </div>
      <p id="rk-err" class="err" aria-live="assertive">
        {error ? t(error.key, error.vars) : ''}
      </p>
      {error?.suggest && (
        // One click takes the corrected address ("Did you mean …?").
        <button
          type="button"
          class="choice"
          onClick={() => {
            const email = error.suggest as string
            void actions.submit(email).then((ok) => ok && setText(''))
          }}
        >
          {t('useSuggestion', { email: error.suggest })}
        </button>
      )}
    </form>
  )
}
