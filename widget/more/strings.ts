/**
 * Strings of the multi-line text box's character counter, the "New conversation"
 * action and the previous conversation, in every language of the core catalogues.
 * They live in the lazy chunks that show them (as widget/live/strings.ts does), so
 * the chat window entry does not pay for them. Missing keys fall back to English.
 *
 * A key ending in `_one` or `_other` is a plural form, picked with
 * `Intl.PluralRules` ({@link moreCount}); a language that needs no plural agreement
 * gives only `_other`.
 */
import { languageOf } from '../core/i18n'

const en = {
  /** The text box's counter from 80 % of its limit: what is left. */
  left_one: '{n} character left',
  left_other: '{n} characters left',
  /** Past the limit (a text question: the answer is refused until shortened). */
  over_one: '{n} character too many',
  over_other: '{n} characters too many',
  /** Starts the bot's chat flow again, after it ended or a live conversation closed. */
  again: 'New conversation',
  /** The disclosure button over the messages of earlier conversations. */
  earlier: 'Previous conversation',
  count_one: '{n} message',
  count_other: '{n} messages',
  /** A returning visitor, in a new tab session, whose name is known. */
  welcome: 'Welcome back, {name}',
}

/** A key of these strings, plural forms without their suffix. */
export type MoreKey = 'again' | 'earlier' | 'welcome'
/** A counted string: `left`, `over` or `count`. */
export type CountKey = 'left' | 'over' | 'count'

/** The strings by language subtag; English is complete, the others may leave out a `_one` form. */
export const catalogues: Record<string, Partial<Record<keyof typeof en, string>>> = {
  en,
  fr: {
    left_one: '{n} caractère restant',
    left_other: '{n} caractères restants',
    over_one: '{n} caractère en trop',
    over_other: '{n} caractères en trop',
    again: 'Nouvelle conversation',
    earlier: 'Conversation précédente',
    count_one: '{n} message',
    count_other: '{n} messages',
    welcome: 'Bon retour parmi nous, {name}',
  },
  de: {
    left_other: 'Noch {n} Zeichen',
    over_other: '{n} Zeichen zu viel',
    again: 'Neues Gespräch',
    earlier: 'Vorheriges Gespräch',
    count_one: '{n} Nachricht',
    count_other: '{n} Nachrichten',
    welcome: 'Willkommen zurück, {name}',
  },
  es: {
    left_one: 'Queda {n} carácter',
    left_other: 'Quedan {n} caracteres',
    over_one: '{n} carácter de más',
    over_other: '{n} caracteres de más',
    again: 'Nueva conversación',
    earlier: 'Conversación anterior',
    count_one: '{n} mensaje',
    count_other: '{n} mensajes',
    welcome: 'Hola de nuevo, {name}',
  },
  pt: {
    left_one: 'Resta {n} carácter',
    left_other: 'Restam {n} caracteres',
    over_one: '{n} carácter a mais',
    over_other: '{n} caracteres a mais',
    again: 'Nova conversa',
    earlier: 'Conversa anterior',
    count_one: '{n} mensagem',
    count_other: '{n} mensagens',
    welcome: 'Olá de novo, {name}',
  },
  // Arabic counts agree with the number in six forms: "label: n" needs none.
  ar: {
    left_other: 'الأحرف المتبقية: {n}',
    over_other: 'أحرف زائدة: {n}',
    again: 'محادثة جديدة',
    earlier: 'المحادثة السابقة',
    count_other: 'الرسائل: {n}',
    welcome: 'مرحبًا بعودتك، {name}',
  },
  hi: {
    left_other: '{n} अक्षर बाकी',
    over_other: '{n} अक्षर ज़्यादा',
    again: 'नई बातचीत',
    earlier: 'पिछली बातचीत',
    count_other: '{n} संदेश',
    welcome: 'फिर से स्वागत है, {name}',
  },
}

const pick = (locale: string, key: keyof typeof en): string =>
  catalogues[languageOf(locale)]?.[key] ?? en[key]

/** The string `key` in `locale`'s language, `{name}`-style placeholders filled from `vars`. */
export function moreText(locale: string, key: MoreKey, vars: Record<string, string> = {}): string {
  return pick(locale, key).replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '')
}

/** Plural rules by locale; a locale `Intl` rejects reads as English. */
const rules = new Map<string, Intl.PluralRules>()

/**
 * The counted string `key` for `n` in `locale`'s language: the `_one` form where
 * `Intl.PluralRules` says "one" and the language has one, else `_other`, with `{n}`
 * written in the locale's digits (`Intl.NumberFormat`).
 */
export function moreCount(locale: string, key: CountKey, n: number): string {
  let r = rules.get(locale)
  if (!r) {
    try {
      r = new Intl.PluralRules(locale)
    } catch {
      r = new Intl.PluralRules('en')
    }
    rules.set(locale, r)
  }
  const lang = catalogues[languageOf(locale)] ?? en
  const one = r.select(n) === 'one' && lang[`${key}_one`] !== undefined
  const s = one ? pick(locale, `${key}_one`) : pick(locale, `${key}_other`)
  return s.replace('{n}', n.toLocaleString(r.resolvedOptions().locale))
}
