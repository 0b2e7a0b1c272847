/**
 * Answer checks a configured bot adds: number, date, multiple choice and rating
 * inputs, and the Email Validation settings (the platform's help centre): a typo
 * suggestion for common domains and an optional business-email-only rule.
 */
import type { AskNode } from '../core/flow'
import { suggestEmail } from '../core/suggest'
import { type Checked, isEmail, MAX_LENGTH } from '../core/validate'

/** Free-mail domains refused when `businessOnly` is set: the common ones plus regional variants. */
const FREE =
  /^(gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|icloud|me|mac|aol|proton(mail)?|pm|gmx|web|mail|yandex|zoho|rediffmail|qq|163|126|tutanota|fastmail|hushmail|inbox|email|seznam|wp|o2|libero|laposte|t-online|freenet|uol|bol)\.([a-z]{2,3}|(co|com)\.[a-z]{2})$/

/** Whether `email`'s domain is a free-mail provider (see {@link FREE}). */
export const isFreeMail = (email: string): boolean =>
  FREE.test(email.slice(email.lastIndexOf('@') + 1).toLowerCase())

/** Email Validation settings (config `settings.email`). */
export interface EmailRules {
  suggest: boolean
  businessOnly: boolean
}

/**
 * Creates the configured-bot answer check. Returns `undefined` for inputs the core
 * checks unchanged (name, phone, text, choice). An email with a likely typo is
 * refused once with a suggestion; sending the same address again accepts it.
 */
export function createCheck(rules: EmailRules) {
  let warned = ''
  return (node: AskNode, raw: string): Checked | undefined => {
    const text = raw.trim()
    if (node.input === 'email') {
      const value = text.toLowerCase()
      if (!isEmail(value) || text.length > MAX_LENGTH.email) return undefined // the core's message
      if (rules.businessOnly && isFreeMail(value)) return { ok: false, error: 'errBusiness' }
      const s = rules.suggest && value !== warned ? suggestEmail(value) : undefined
      if (s) {
        warned = value
        return { ok: false, error: 'emailSuggest', vars: { email: s }, suggest: s }
      }
      return { ok: true, answer: { text, value } }
    }
    if (node.input === 'number') {
      // "1,000" and "1 000" are thousands; a lone comma is a decimal comma ("2,5").
      const plain = text.replace(/\s/g, '')
      const n = Number(
        /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(plain)
          ? plain.replace(/,/g, '')
          : plain.replace(',', '.'),
      )
      if (!text || text.length > MAX_LENGTH.number || !Number.isFinite(n))
        return { ok: false, error: 'errNumber' }
      const min = typeof node.min === 'number' ? node.min : -Infinity
      const max = typeof node.max === 'number' ? node.max : Infinity
      if (n < min || n > max)
        return {
          ok: false,
          error: 'errRange',
          vars: { min: String(node.min ?? '…'), max: String(node.max ?? '…') },
        }
      return { ok: true, answer: { text, value: String(n) } }
    }
    if (node.input === 'date') {
      // A real calendar day: 2024-02-30 does not survive the round trip.
      const day = new Date(`${text}T00:00:00Z`)
      const ok =
        /^\d{4}-\d{2}-\d{2}$/.test(text) &&
        !Number.isNaN(+day) &&
        day.toISOString().startsWith(text)
      if (!ok) return { ok: false, error: 'errDate' }
      const min = typeof node.min === 'string' ? node.min : ''
      const max = typeof node.max === 'string' ? node.max : '9999-12-31'
      if (text < min || text > max)
        return {
          ok: false,
          error: 'errDateRange',
          vars: { min: min || '…', max: node.max ? max : '…' },
        }
      return { ok: true, answer: { text, value: text } }
    }
    if (node.input === 'rating') {
      return /^[1-5]$/.test(text)
        ? {
            ok: true,
            answer: { text: `${'★'.repeat(+text)}${'☆'.repeat(5 - +text)} ${text}/5`, value: text },
          }
        : { ok: false, error: 'errRange', vars: { min: 1, max: 5 } }
    }
    if (node.input === 'multi') {
      const options = node.options ?? []
      const picked = text
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
      const chosen = options.filter(
        (o) =>
          picked.includes(o.label.toLowerCase()) ||
          picked.includes((o.value ?? o.label).toLowerCase()),
      )
      const min = typeof node.min === 'number' ? node.min : 1
      const max = typeof node.max === 'number' ? node.max : options.length
      if (chosen.length < min || chosen.length > max || text.length > MAX_LENGTH.multi)
        return { ok: false, error: 'errMulti', vars: { min, max } }
      const values = chosen.map((o) => o.value ?? o.label)
      return {
        ok: true,
        answer: { text: chosen.map((o) => o.label).join(', '), value: values.join(', '), values },
      }
    }
    return undefined
  }
}
