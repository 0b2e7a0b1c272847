/**
 * Strings only a live chat needs (after a hand-off), in every language of the core
 * catalogues: they live in the live chunk, so a chat that never hands off does not
 * pay for them. Missing keys fall back to English.
 */
import { languageOf } from '../core/i18n'

const en = {
  /** Once an agent's message or status names them. */
  talkingTo: 'You’re talking to {name}',
  waiting: 'Waiting for a person to join…',
  /** While the live stream reconnects (the network or the server dropped it). */
  reconnecting: 'Reconnecting…',
  closed: 'This conversation was closed.',
  /** The status line while nobody can answer (outside business hours, no agent online). */
  away: 'The team is away. Leave a message.',
  /** What the bot says first when nobody can answer (unless the hours' own message). */
  awayNow: 'Our team is away right now.',
  /** After `awayNow`: when the business hours open next (hours.ts describeNextOpening). */
  back: 'We’re back {when}.',
  /** After `awayNow` when no opening is known (no hours, or no agent online). */
  soon: 'We’ll reply as soon as we can.',
  /** The email question of an away hand-off, when the lead has no email. */
  askEmail: 'Leave your email address and we’ll reply there.',
  /** Then: the live composer takes the message; `{email}` is the lead's. */
  leave: 'Write your message below and we’ll reply to {email}.',
  /** The label of the live composer's text box. */
  message: 'Your message',
  send: 'Send',
  /** Read before an agent's message when it names nobody. */
  agent: 'Agent',
  /** After a link's text, for screen readers. */
  newTab: '(opens in a new tab)',
  /** Below the messages while an agent types. */
  typing: '{name} is typing…',
  /** The live composer's button that picks a file to send (widget/attach/). */
  attach: 'Attach a file',
  /** Read before the size of a file in the transcript, a link that opens it. */
  openFile: 'Open the file',
}

/** A key of the live-chat strings. */
export type LiveKey = keyof typeof en

const all: { en: typeof en } & Record<string, Partial<Record<LiveKey, string>>> = {
  en,
  fr: {
    away: 'L’équipe est absente. Laissez un message.',
    awayNow: 'Notre équipe est absente pour le moment.',
    back: 'Nous serons de retour {when}.',
    soon: 'Nous vous répondrons dès que possible.',
    askEmail: 'Laissez votre adresse e-mail et nous vous y répondrons.',
    leave: 'Écrivez votre message ci-dessous, nous répondrons à {email}.',
    talkingTo: 'Vous parlez avec {name}',
    waiting: 'En attente d’une personne…',
    reconnecting: 'Reconnexion…',
    closed: 'Cette conversation a été fermée.',
    message: 'Votre message',
    send: 'Envoyer',
    agent: 'Conseiller',
    newTab: '(s’ouvre dans un nouvel onglet)',
    typing: '{name} écrit…',
    attach: 'Joindre un fichier',
    openFile: 'Ouvrir le fichier',
  },
  de: {
    away: 'Das Team ist nicht erreichbar. Hinterlassen Sie eine Nachricht.',
    awayNow: 'Unser Team ist gerade nicht erreichbar.',
    back: 'Wir sind {when} wieder da.',
    soon: 'Wir antworten so bald wie möglich.',
    askEmail: 'Hinterlassen Sie Ihre E-Mail-Adresse, dann antworten wir Ihnen dort.',
    leave: 'Schreiben Sie unten Ihre Nachricht, wir antworten an {email}.',
    talkingTo: 'Sie sprechen mit {name}',
    waiting: 'Warten auf eine Person…',
    reconnecting: 'Verbindung wird wiederhergestellt…',
    closed: 'Dieses Gespräch wurde beendet.',
    message: 'Ihre Nachricht',
    send: 'Senden',
    agent: 'Mitarbeiter',
    newTab: '(öffnet in neuem Tab)',
    typing: '{name} schreibt…',
    attach: 'Datei anhängen',
    openFile: 'Datei öffnen',
  },
  es: {
    away: 'El equipo no está disponible. Deja un mensaje.',
    awayNow: 'Nuestro equipo no está disponible ahora mismo.',
    back: 'Volvemos {when}.',
    soon: 'Te responderemos lo antes posible.',
    askEmail: 'Déjanos tu correo electrónico y te responderemos allí.',
    leave: 'Escribe tu mensaje abajo y responderemos a {email}.',
    talkingTo: 'Estás hablando con {name}',
    waiting: 'Esperando a una persona…',
    reconnecting: 'Reconectando…',
    closed: 'Esta conversación se ha cerrado.',
    message: 'Tu mensaje',
    send: 'Enviar',
    agent: 'Agente',
    newTab: '(se abre en otra pestaña)',
    typing: '{name} está escribiendo…',
    attach: 'Adjuntar un archivo',
    openFile: 'Abrir el archivo',
  },
  pt: {
    away: 'A equipa não está disponível. Deixe uma mensagem.',
    awayNow: 'A nossa equipa não está disponível neste momento.',
    back: 'Voltamos {when}.',
    soon: 'Responderemos assim que possível.',
    askEmail: 'Deixe o seu endereço de e-mail e responderemos por lá.',
    leave: 'Escreva a sua mensagem abaixo e responderemos para {email}.',
    talkingTo: 'Está a falar com {name}',
    waiting: 'À espera de uma pessoa…',
    reconnecting: 'A restabelecer a ligação…',
    closed: 'Esta conversa foi encerrada.',
    message: 'A sua mensagem',
    send: 'Enviar',
    agent: 'Agente',
    newTab: '(abre em nova aba)',
    typing: '{name} está a escrever…',
    attach: 'Anexar um ficheiro',
    openFile: 'Abrir o ficheiro',
  },
  ar: {
    away: 'الفريق غير متاح الآن. اترك رسالة.',
    awayNow: 'فريقنا غير متاح حاليًا.',
    back: 'سنعود {when}.',
    soon: 'سنرد عليك في أقرب وقت ممكن.',
    askEmail: 'اترك بريدك الإلكتروني وسنرد عليك عبره.',
    leave: 'اكتب رسالتك أدناه وسنرد على {email}.',
    talkingTo: 'أنت تتحدث مع {name}',
    waiting: 'في انتظار انضمام أحد أعضاء الفريق…',
    reconnecting: 'جارٍ إعادة الاتصال…',
    closed: 'تم إغلاق هذه المحادثة.',
    message: 'رسالتك',
    send: 'إرسال',
    agent: 'موظف الدعم',
    newTab: '(يفتح في علامة تبويب جديدة)',
    typing: '{name} يكتب…',
    attach: 'إرفاق ملف',
    openFile: 'فتح الملف',
  },
  hi: {
    away: 'टीम अभी उपलब्ध नहीं है। संदेश छोड़ें।',
    awayNow: 'हमारी टीम अभी उपलब्ध नहीं है।',
    back: 'हम {when} वापस आएँगे।',
    soon: 'हम जल्द से जल्द जवाब देंगे।',
    askEmail: 'अपना ईमेल पता छोड़ें, हम वहीं जवाब देंगे।',
    leave: 'नीचे अपना संदेश लिखें, हम {email} पर जवाब देंगे।',
    talkingTo: 'आप {name} से बात कर रहे हैं',
    waiting: 'किसी व्यक्ति के जुड़ने की प्रतीक्षा…',
    reconnecting: 'फिर से कनेक्ट हो रहा है…',
    closed: 'यह बातचीत बंद कर दी गई है।',
    message: 'आपका संदेश',
    send: 'भेजें',
    agent: 'एजेंट',
    newTab: '(नए टैब में खुलता है)',
    typing: '{name} लिख रहे हैं…',
    attach: 'फ़ाइल जोड़ें',
    openFile: 'फ़ाइल खोलें',
  },
}

/** The languages of the live strings (those of the core catalogues). */
export const languages = Object.keys(all)

/**
 * The lookup of a catalogue of strings by language (`all.en` complete, the others
 * partial): string `key` in `locale`'s language, English when missing, `{name}`
 * filled from `vars`. The attach chunk's strings use it too.
 */
export const catalogue =
  <K extends string>(all: { en: Record<K, string> } & Record<string, Partial<Record<K, string>>>) =>
  (locale: string, key: K, vars: Record<string, string> = {}): string =>
    (all[languageOf(locale)]?.[key] ?? all.en[key]).replace(
      /\{(\w+)\}/g,
      (_, k: string) => vars[k] ?? '',
    )

/** The live-chat string `key` in `locale`'s language (English when missing), `{name}` filled from `vars`. */
export const liveText = catalogue<LiveKey>(all)
