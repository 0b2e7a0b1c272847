/**
 * Locale catalogues. Every string a visitor sees comes from here, including the
 * built-in chat flow. Missing keys fall back to English.
 */

const en = {
  title: 'Chat with us',
  subtitle: 'We usually reply in a few minutes',
  open: 'Open chat',
  close: 'Close chat',
  /** Added to the launcher's accessible name while messages wait unseen: "Open chat, 3 unread". */
  unread: '{n} unread',
  send: 'Send',
  placeholder: 'Type your answer…',
  choose: 'Choose an answer above',
  country: 'Country',
  bot: 'Bot',
  you: 'You',
  /** The button that takes a visitor reading history down to messages that came since. */
  newMessages: 'New messages',
  // No emoji in the built-in strings: the first one a page shows loads the colour
  // emoji font, and the first open's layout took 11 ms longer at 1x for a 👋
  // (bench A/B, click → greeting painted 42 → 31 ms median, Chromium 150).
  greet: 'Hi there! I can help you get in touch with our team.',
  /** The greeting of a visitor the host identified by name (`identify`). */
  greetNamed: 'Hi {name}! I can help you get in touch with our team.',
  askName: 'What is your name?',
  askEmail: 'Thanks, {name}! What is your email address?',
  askPhone: 'And your phone number, so we can call you back?',
  askTopic: 'What can we help you with?',
  topicSales: 'Pricing and sales',
  topicSupport: 'Support',
  topicOther: 'Something else',
  thanks: 'Thank you! Our team will get back to you shortly.',
  /** The choice after the built-in flow's thanks: hands the chat to a person. */
  talk: 'Talk to a person',
  /** What the bot says at a hand-off (a hand-off node without its own `message`). */
  handoff: 'Let me get you a person.',
  errRequired: 'Please type an answer.',
  errEmail: 'Please enter a valid email address, like name@example.com.',
  errPhone: 'This does not look like a valid phone number for the chosen country.',
  errTooLong: 'That is too long (at most {max} characters).',
  emailSuggest: 'Did you mean {email}?',
  useSuggestion: 'Use {email}',
  /** Lead delivery: attempts fail while the browser is offline (shown until delivered). */
  sendOffline: 'We’ll send this when you’re back online.',
  /** Lead delivery: attempts keep failing while online. */
  sendRetrying: 'We’re still trying to send this.',
  /** On an answer (or the input) whose value is too large for the platform to take. */
  tooLongToSend: 'This was too long to send.',
}

/** A key of the catalogue. */
export type MessageKey = keyof typeof en

/** Every key of the catalogue, in the English catalogue's order. */
export const MESSAGE_KEYS = /* @__PURE__ */ Object.keys(en) as MessageKey[]

/** A catalogue: every key, translated. */
export type Catalogue = Record<MessageKey, string>

/**
 * The other catalogues, one lazy chunk each (`locales/<language>.ts`): a visitor
 * downloads only their own language, and English costs no request at all.
 */
// Stryker disable next-line all: Vite expands import.meta.glob at build time and accepts only literal arguments
const lazy = import.meta.glob<{ default: Catalogue }>('./locales/*.ts')

/**
 * Languages with a catalogue, English included. A function, not a constant: the
 * minifier cannot tell that building the list has no side effects, and the chat
 * itself never asks for it (only the tests), so a constant would ship unused.
 */
export const languages = (): string[] => ['en', ...Object.keys(lazy).map((k) => k.slice(10, -3))]

/** Languages written right to left. */
const RTL = ['ar', 'he', 'fa', 'ur']

/** The language subtag of a BCP 47 locale, lower case: `pt-BR` → `pt`. */
export const languageOf = (locale: string): string => locale.toLowerCase().split(/[-_]/)[0] || 'en'

/** Text direction of a locale. */
export const dirOf = (locale: string): 'rtl' | 'ltr' =>
  RTL.includes(languageOf(locale)) ? 'rtl' : 'ltr'

/**
 * Loads the catalogue of `locale`'s language (`es-MX` → `es`). Resolves to
 * `undefined` for English, for languages without a catalogue, and when the chunk
 * fails to load (the chat then speaks English rather than not at all).
 */
export async function loadCatalogue(locale: string): Promise<Catalogue | undefined> {
  const load = lazy[`./locales/${languageOf(locale)}.ts`]
  try {
    return load ? (await load()).default : undefined
  } catch {
    return undefined
  }
}

/**
 * The translator for a catalogue (English when `undefined`; missing keys fall back
 * to English). `t(key, {name: 'Ada'})` fills `{name}` placeholders.
 */
export function translator(cat?: Partial<Catalogue> & Record<string, string>) {
  return (key: MessageKey | (string & {}), vars: Record<string, string | number> = {}): string =>
    (cat?.[key] ?? en[key as MessageKey] ?? key).replace(/\{(\w+)\}/g, (_, k: string) =>
      String(vars[k] ?? ''),
    )
}

/** `t` as returned by {@link translator}. */
export type Translate = ReturnType<typeof translator>
