/**
 * Strings only a configured bot needs (its extra inputs, email suggestions,
 * WhatsApp, branding), in every language of the core catalogues. They live in the
 * configured-bot chunk so the built-in flow does not pay for them. Missing keys
 * fall back to English.
 */
import { languageOf } from '../core/i18n'

const en = {
  skip: 'Skip',
  skipped: 'Skipped',
  done: 'Done',
  errNumber: 'Please enter a number.',
  errRange: 'Please enter a number from {min} to {max}.',
  errDate: 'Please enter a date.',
  errDateRange: 'Please pick a date from {min} to {max}.',
  errMulti: 'Please choose between {min} and {max} options.',
  errBusiness: 'Please use your work email address; free email providers are not accepted.',
  whatsapp: 'Continue on WhatsApp',
  powered: 'Powered by Reekolect',
  stars: '{n} of 5 stars',
  rating: 'Your rating',
  newTab: '(opens in a new tab)',
  /** The free-question box's label (and, with "…", its placeholder): bots with an FAQ or an AI endpoint. */
  ask: 'Ask a question',
}

/** A key of the configured-bot strings. */
export type RichKey = keyof typeof en

const all: Record<string, Partial<Record<RichKey, string>>> = {
  en,
  es: {
    skip: 'Omitir',
    skipped: 'Omitido',
    done: 'Listo',
    errNumber: 'Escribe un número.',
    errRange: 'Escribe un número entre {min} y {max}.',
    errDate: 'Escribe una fecha.',
    errDateRange: 'Elige una fecha entre {min} y {max}.',
    errMulti: 'Elige entre {min} y {max} opciones.',
    errBusiness: 'Usa tu correo del trabajo; no se aceptan proveedores gratuitos.',
    whatsapp: 'Seguir en WhatsApp',
    powered: 'Con tecnología de Reekolect',
    stars: '{n} de 5 estrellas',
    rating: 'Tu valoración',
    newTab: '(se abre en otra pestaña)',
    ask: 'Haz una pregunta',
  },
  fr: {
    skip: 'Passer',
    skipped: 'Passé',
    done: 'Valider',
    errNumber: 'Veuillez saisir un nombre.',
    errRange: 'Veuillez saisir un nombre entre {min} et {max}.',
    errDate: 'Veuillez saisir une date.',
    errDateRange: 'Veuillez choisir une date entre le {min} et le {max}.',
    errMulti: 'Veuillez choisir entre {min} et {max} options.',
    errBusiness:
      'Veuillez utiliser votre adresse professionnelle ; les messageries gratuites ne sont pas acceptées.',
    whatsapp: 'Continuer sur WhatsApp',
    powered: 'Propulsé par Reekolect',
    stars: '{n} étoiles sur 5',
    rating: 'Votre note',
    newTab: '(s’ouvre dans un nouvel onglet)',
    ask: 'Posez une question',
  },
  de: {
    skip: 'Überspringen',
    skipped: 'Übersprungen',
    done: 'Fertig',
    errNumber: 'Bitte geben Sie eine Zahl ein.',
    errRange: 'Bitte geben Sie eine Zahl von {min} bis {max} ein.',
    errDate: 'Bitte geben Sie ein Datum ein.',
    errDateRange: 'Bitte wählen Sie ein Datum zwischen {min} und {max}.',
    errMulti: 'Bitte wählen Sie {min} bis {max} Optionen.',
    errBusiness:
      'Bitte nutzen Sie Ihre geschäftliche E-Mail-Adresse; Freemail-Anbieter werden nicht akzeptiert.',
    whatsapp: 'Auf WhatsApp weiterschreiben',
    powered: 'Bereitgestellt von Reekolect',
    stars: '{n} von 5 Sternen',
    rating: 'Ihre Bewertung',
    newTab: '(öffnet in neuem Tab)',
    ask: 'Stellen Sie eine Frage',
  },
  pt: {
    skip: 'Pular',
    skipped: 'Pulado',
    done: 'Concluir',
    errNumber: 'Digite um número.',
    errRange: 'Digite um número de {min} a {max}.',
    errDate: 'Digite uma data.',
    errDateRange: 'Escolha uma data entre {min} e {max}.',
    errMulti: 'Escolha entre {min} e {max} opções.',
    errBusiness: 'Use seu e-mail corporativo; provedores gratuitos não são aceitos.',
    whatsapp: 'Continuar no WhatsApp',
    powered: 'Desenvolvido por Reekolect',
    stars: '{n} de 5 estrelas',
    rating: 'Sua avaliação',
    newTab: '(abre em nova aba)',
    ask: 'Faça uma pergunta',
  },
  hi: {
    skip: 'छोड़ें',
    skipped: 'छोड़ दिया',
    done: 'हो गया',
    errNumber: 'कृपया एक संख्या लिखें।',
    errRange: 'कृपया {min} से {max} तक की संख्या लिखें।',
    errDate: 'कृपया एक तारीख़ लिखें।',
    errDateRange: 'कृपया {min} से {max} के बीच की तारीख़ चुनें।',
    errMulti: 'कृपया {min} से {max} विकल्प चुनें।',
    errBusiness: 'कृपया अपना कार्यालय ईमेल पता दें; मुफ़्त ईमेल सेवाएँ स्वीकार नहीं हैं।',
    whatsapp: 'WhatsApp पर जारी रखें',
    powered: 'Reekolect द्वारा संचालित',
    stars: '5 में से {n} सितारे',
    rating: 'आपकी रेटिंग',
    newTab: '(नए टैब में खुलता है)',
    ask: 'प्रश्न पूछें',
  },
  ar: {
    skip: 'تخطٍّ',
    skipped: 'تم التخطي',
    done: 'تم',
    errNumber: 'يرجى إدخال رقم.',
    errRange: 'يرجى إدخال رقم من {min} إلى {max}.',
    errDate: 'يرجى إدخال تاريخ.',
    errDateRange: 'يرجى اختيار تاريخ بين {min} و{max}.',
    errMulti: 'يرجى اختيار ما بين {min} و{max} من الخيارات.',
    errBusiness: 'يرجى استخدام بريد العمل؛ لا نقبل مزوّدي البريد المجاني.',
    whatsapp: 'المتابعة على واتساب',
    powered: 'بدعم من Reekolect',
    stars: '{n} من 5 نجوم',
    rating: 'تقييمك',
    newTab: '(يفتح في علامة تبويب جديدة)',
    ask: 'اطرح سؤالًا',
  },
}

/**
 * The configured-bot strings of `locale`'s language, English for the rest, and
 * `locale` itself: the chat's translator then knows its locale, for the strings of
 * the chunks that keep their own (widget/answers/, widget/live/).
 */
export function richStrings(locale: string): Record<RichKey | 'locale', string> {
  return { ...en, ...all[languageOf(locale)], locale }
}
