/**
 * Strings of the conversation rating (widget/csat/), in every language of the core
 * catalogues: they live in the csat chunk, so a chat whose conversations are never
 * closed by an agent does not pay for them. Missing keys fall back to English.
 */
import { languageOf } from '../core/i18n'

const en = {
  /** The bot's question once an agent closed the conversation; `{agent}`: their name. */
  ask: 'How was your conversation with {agent}?',
  /** The accessible names of the five faces, worst to best (the lead's `csat` 1 to 5). */
  s1: 'Very bad',
  s2: 'Bad',
  s3: 'OK',
  s4: 'Good',
  s5: 'Very good',
  /** The label of the comment box shown after a face is tapped. */
  comment: 'Tell us more (optional)',
  send: 'Send',
  /** What the bot says once the rating is sent. */
  thanks: 'Thanks for your feedback',
}

/** A key of the rating's strings. */
export type CsatKey = keyof typeof en

const all: Record<string, Partial<Record<CsatKey, string>>> = {
  en,
  fr: {
    ask: 'Comment s’est passée votre conversation avec {agent}\u202f?',
    s1: 'Très mauvaise',
    s2: 'Mauvaise',
    s3: 'Correcte',
    s4: 'Bonne',
    s5: 'Très bonne',
    comment: 'Dites-nous en plus (facultatif)',
    send: 'Envoyer',
    thanks: 'Merci pour votre avis',
  },
  de: {
    ask: 'Wie war Ihr Gespräch mit {agent}?',
    s1: 'Sehr schlecht',
    s2: 'Schlecht',
    s3: 'In Ordnung',
    s4: 'Gut',
    s5: 'Sehr gut',
    comment: 'Erzählen Sie uns mehr (optional)',
    send: 'Senden',
    thanks: 'Danke für Ihr Feedback',
  },
  es: {
    ask: '¿Qué tal fue tu conversación con {agent}?',
    s1: 'Muy mala',
    s2: 'Mala',
    s3: 'Normal',
    s4: 'Buena',
    s5: 'Muy buena',
    comment: 'Cuéntanos más (opcional)',
    send: 'Enviar',
    thanks: 'Gracias por tu opinión',
  },
  pt: {
    ask: 'Como foi a sua conversa com {agent}?',
    s1: 'Muito má',
    s2: 'Má',
    s3: 'Razoável',
    s4: 'Boa',
    s5: 'Muito boa',
    comment: 'Conte-nos mais (opcional)',
    send: 'Enviar',
    thanks: 'Obrigado pela sua opinião',
  },
  ar: {
    ask: 'كيف كانت محادثتك مع {agent}؟',
    s1: 'سيئة جدًا',
    s2: 'سيئة',
    s3: 'مقبولة',
    s4: 'جيدة',
    s5: 'جيدة جدًا',
    comment: 'أخبرنا بالمزيد (اختياري)',
    send: 'إرسال',
    thanks: 'شكرًا على ملاحظاتك',
  },
  hi: {
    ask: '{agent} के साथ आपकी बातचीत कैसी रही?',
    s1: 'बहुत खराब',
    s2: 'खराब',
    s3: 'ठीक-ठाक',
    s4: 'अच्छी',
    s5: 'बहुत अच्छी',
    comment: 'हमें और बताएँ (वैकल्पिक)',
    send: 'भेजें',
    thanks: 'आपकी प्रतिक्रिया के लिए धन्यवाद',
  },
}

/** The languages of the rating's strings (those of the core catalogues). */
export const languages = Object.keys(all)

/** The rating's string `key` in `locale`'s language (English when missing). */
export const csatText = (locale: string, key: CsatKey): string =>
  all[languageOf(locale)]?.[key] ?? en[key]
