/**
 * Validation of the visitor's answers. Errors are catalogue keys, shown inline
 * under the composer in the visitor's language.
 */
import type { Answer, AskNode } from './flow'
import type { MessageKey } from './i18n'
import { suggestEmail } from './suggest'

/** Longest accepted answer per input kind, in characters (UTF-16 code units): docs/configuration.md, "Validation limits". */
export const MAX_LENGTH = {
  name: 100,
  email: 254,
  phone: 32,
  text: 1000,
  choice: 200,
  number: 32,
  date: 10,
  multi: 2000,
  rating: 1,
} as const

/**
 * Email format of the WHATWG HTML spec (`input type=email`,
 * https://html.spec.whatwg.org/#valid-e-mail-address), plus a dot in the domain:
 * `name@localhost` is valid HTML but never a lead's address.
 */
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/

/** Result of {@link check}: the answer, or the catalogue key of the error and its variables. */
export type Checked =
  | { ok: true; answer: Answer }
  | {
      ok: false
      /** A catalogue key (core or configured-bot strings). */
      error: MessageKey | (string & {})
      vars?: Record<string, string | number>
      /** A corrected email the visitor can accept ("did you mean …?"). */
      suggest?: string
    }

/** Whether `s` is a valid email address (see {@link EMAIL}). */
export const isEmail = (s: string): boolean => EMAIL.test(s)

/**
 * The phone check when libphonenumber-js cannot load (its chunk failed to load:
 * one `E_LOAD` line): 6 to 15 digits, optionally with `+`, spaces, dots, dashes and
 * brackets. The number is kept as digits with no dial code, so the lead still
 * gets it, unsplit, instead of the visitor being stuck at the question.
 * @returns `{ phone: digits, dialCode: '' }`, or `undefined` when it does not look like a number.
 */
export function roughPhone(raw: string): { phone: string; dialCode: string } | undefined {
  const phone = raw.replace(/\D/g, '')
  return /^\+?[\d\s().-]+$/.test(raw.trim()) && phone.length > 5 && phone.length < 16
    ? { phone, dialCode: '' }
    : undefined
}

/**
 * Validates a typed answer to `node`. Phone numbers are checked by `phone`
 * (libphonenumber-js, loaded lazily by the caller) against `country` (ISO 3166-1
 * alpha-2) unless the visitor typed a `+` international number. An email whose
 * domain is one edit from a common mailbox domain is refused with a suggestion
 * (`suggestEmail`), unless it is `warned`: the address already refused once.
 */
export async function check(
  node: AskNode,
  raw: string,
  phone?: (raw: string) => Promise<{ phone: string; dialCode: string } | undefined>,
  warned?: string,
): Promise<Checked> {
  const text = raw.trim()
  if (!text) return { ok: false, error: 'errRequired' }
  const max = MAX_LENGTH[node.input]
  if (text.length > max) return { ok: false, error: 'errTooLong', vars: { max } }
  switch (node.input) {
    case 'name':
      return { ok: true, answer: { text, value: text.replace(/\s+/g, ' ') } }
    case 'email': {
      const value = text.toLowerCase()
      if (!isEmail(value)) return { ok: false, error: 'errEmail' }
      // A likely typo is refused once with its correction; the same address again is taken.
      const s = value === warned ? undefined : suggestEmail(value)
      return s
        ? { ok: false, error: 'emailSuggest', vars: { email: s }, suggest: s }
        : { ok: true, answer: { text, value } }
    }
    case 'phone': {
      const p = await phone?.(text)
      return p
        ? {
            ok: true,
            answer: {
              // No dial code: checked by roughPhone, shown as typed.
              text: p.dialCode ? `${p.dialCode} ${p.phone}` : text,
              value: `${p.dialCode}${p.phone}`,
              phone: p,
            },
          }
        : { ok: false, error: 'errPhone' }
    }
    case 'choice': {
      const choice = node.options?.find((o) => o.label.toLowerCase() === text.toLowerCase())
      return choice
        ? { ok: true, answer: { text: choice.label, value: choice.value ?? choice.label, choice } }
        : { ok: false, error: 'errRequired' }
    }
    default:
      return { ok: true, answer: { text, value: text } }
  }
}
