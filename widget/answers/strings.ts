/**
 * What the bot says around a free question's answer, in every language of the core
 * catalogues: they live in the answers chunk, so a chat without free questions does
 * not pay for them. Missing keys fall back to English. "Talk to a person" is the
 * core catalogue's `talk`, so it reads the same as the built-in flow's offer.
 */
import { languageOf } from '../core/i18n'

const en = {
  /** After an answer, with the buttons "Yes" and "Talk to a person". */
  helped: 'Did that help?',
  yes: 'Yes',
  /** When no FAQ entry (or the AI endpoint) answers. */
  noIdea: 'Sorry, I don’t know the answer to that.',
  /** Then, with fallback `handoff`: the offer, with "Talk to a person" and "No, thanks". */
  offer: 'Would you like to talk to a person?',
  noThanks: 'No, thanks',
  /** When the FAQ is unsure: up to 3 of its questions as buttons, then {@link en.other}. */
  didYouMean: 'Did you mean one of these?',
  /** The last suggestion button: none of them (the bot does not know, then the fallback). */
  other: 'Something else',
}

/** A key of the answers' strings. */
export type AnswerKey = keyof typeof en

const all: Record<string, Partial<Record<AnswerKey, string>>> = {
  en,
  fr: {
    helped: 'Cela vous a-t-il aidé ?',
    yes: 'Oui',
    noIdea: 'Désolé, je ne connais pas la réponse.',
    offer: 'Voulez-vous parler à une personne ?',
    noThanks: 'Non, merci',
    didYouMean: 'Vouliez-vous dire l’une de ces questions ?',
    other: 'Autre chose',
  },
  de: {
    helped: 'Hat Ihnen das geholfen?',
    yes: 'Ja',
    noIdea: 'Das weiß ich leider nicht.',
    offer: 'Möchten Sie mit einer Person sprechen?',
    noThanks: 'Nein, danke',
    didYouMean: 'Meinten Sie eine dieser Fragen?',
    other: 'Etwas anderes',
  },
  es: {
    helped: '¿Te ha servido?',
    yes: 'Sí',
    noIdea: 'Lo siento, no sé la respuesta.',
    offer: '¿Quieres hablar con una persona?',
    noThanks: 'No, gracias',
    didYouMean: '¿Querías decir una de estas?',
    other: 'Otra cosa',
  },
  pt: {
    helped: 'Isso ajudou?',
    yes: 'Sim',
    noIdea: 'Desculpe, não sei a resposta.',
    offer: 'Quer falar com uma pessoa?',
    noThanks: 'Não, obrigado',
    didYouMean: 'Você quis dizer uma destas?',
    other: 'Outra coisa',
  },
  hi: {
    helped: 'क्या इससे मदद मिली?',
    yes: 'हाँ',
    noIdea: 'माफ़ कीजिए, मुझे इसका जवाब नहीं पता।',
    offer: 'क्या आप किसी व्यक्ति से बात करना चाहेंगे?',
    noThanks: 'नहीं, धन्यवाद',
    didYouMean: 'क्या आपका मतलब इनमें से कोई था?',
    other: 'कुछ और',
  },
  ar: {
    helped: 'هل ساعدك هذا؟',
    yes: 'نعم',
    noIdea: 'عذرًا، لا أعرف الإجابة عن ذلك.',
    offer: 'هل تريد التحدث إلى شخص؟',
    noThanks: 'لا، شكرًا',
    didYouMean: 'هل تقصد أحد هذه الأسئلة؟',
    other: 'شيء آخر',
  },
}

/** The answers' strings of `locale`'s language, English for the rest. */
export function answerStrings(locale: string): Record<AnswerKey, string> {
  return { ...en, ...all[languageOf(locale)] }
}
