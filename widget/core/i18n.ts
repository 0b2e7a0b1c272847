/**
 * Locale catalogues. Every string a visitor sees comes from here, including the
 * built-in chat flow. Missing keys fall back to English.
 */

const en = {
  title: 'Chat with us',
  subtitle: 'We usually reply in a few minutes',
  close: 'Close chat',
  send: 'Send',
  placeholder: 'Type your answer…',
  choose: 'Choose an answer above',
  country: 'Country',
  phone: 'Phone number',
  bot: 'Bot',
  you: 'You',
  greet: 'Hi there! 👋 I can help you get in touch with our team.',
  askName: 'What is your name?',
  askEmail: 'Thanks, {name}! What is your email address?',
  askPhone: 'And your phone number, so we can call you back?',
  askTopic: 'What can we help you with?',
  topicSales: 'Pricing and sales',
  topicSupport: 'Support',
  topicOther: 'Something else',
  thanks: 'Thank you! Our team will get back to you shortly.',
  errRequired: 'Please type an answer.',
  errName: 'Please enter your name (up to 100 characters).',
  errEmail: 'Please enter a valid email address, like name@example.com.',
  errPhone: 'This does not look like a valid phone number for the chosen country.',
  errTooLong: 'That is too long (at most {max} characters).',
}

/** A key of the catalogue. */
export type MessageKey = keyof typeof en

/** A catalogue: every key, translated. */
export type Catalogue = Record<MessageKey, string>

const catalogues: Record<string, Partial<Catalogue>> = { en }

/**
 * The translator for `locale` (BCP 47; `es-MX` falls back to `es`, then English).
 * `t(key, {name: 'Ada'})` fills `{name}` placeholders.
 */
export function translator(locale = 'en') {
  const lang = locale.toLowerCase().split('-')[0] ?? 'en'
  const cat = catalogues[locale] ?? catalogues[lang] ?? {}
  return (key: MessageKey, vars: Record<string, string | number> = {}): string =>
    (cat[key] ?? en[key]).replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''))
}

/** `t` as returned by {@link translator}. */
export type Translate = ReturnType<typeof translator>
