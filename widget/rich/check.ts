/**
 * Answer checks a configured bot adds: number, date, multiple choice and rating
 * inputs, and the Email Validation settings (the platform's help centre): a typo
 * suggestion for common domains and an optional business-email-only rule.
 */
import type { AskNode } from '../core/flow'
import { type Checked, isEmail, MAX_LENGTH } from '../core/validate'

/** Common mailbox domains: typo suggestions aim at these. */
const COMMON = [
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'outlook.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'protonmail.com',
  'proton.me',
  'gmx.com',
  'gmx.de',
  'web.de',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'zoho.com',
  'rediffmail.com',
  'qq.com',
  '163.com',
  'comcast.net',
  'verizon.net',
  'btinternet.com',
  'orange.fr',
  'free.fr',
  'libero.it',
  't-online.de',
  'uol.com.br',
  'bol.com.br',
]

/** Free-mail domains refused when `businessOnly` is set: the common ones plus regional variants. */
const FREE =
  /^(gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|icloud|me|mac|aol|proton(mail)?|pm|gmx|web|mail|yandex|zoho|rediffmail|qq|163|126|tutanota|fastmail|hushmail|inbox|email|seznam|wp|o2|libero|laposte|t-online|freenet|uol|bol)\.([a-z]{2,3}|(co|com)\.[a-z]{2})$/

/** Damerau–Levenshtein (optimal string alignment) distance between `a` and `b`. */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/**
 * A corrected address when the domain of `email` is one or two edits away from a
 * common mailbox domain (`ada@gmial.com` → `ada@gmail.com`, `ada@gmail.con` →
 * `ada@gmail.com`); `undefined` when it is one of them or nothing is close.
 */
export function suggestEmail(email: string): string | undefined {
  const at = email.lastIndexOf('@')
  const domain = email.slice(at + 1).toLowerCase()
  if (at < 1 || COMMON.includes(domain)) return undefined
  // One edit only (a swap counts as one): two edits turn real domains into others (acme.com → me.com).
  let best: string | undefined
  let bestD = 1
  for (const c of COMMON) {
    const dd = distance(domain, c)
    if (dd > 0 && (dd < bestD || (dd === bestD && !best))) {
      best = c
      bestD = dd
    }
  }
  return best && `${email.slice(0, at)}@${best}`
}

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
