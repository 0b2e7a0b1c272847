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
  /** After a closed conversation: hands off again. */
  restart: 'Start a new conversation',
  /** The label of the live composer's text box. */
  message: 'Your message',
  send: 'Send',
  /** Read before an agent's message when it names nobody. */
  agent: 'Agent',
  /** After a link's text, for screen readers. */
  newTab: '(opens in a new tab)',
}

/** A key of the live-chat strings. */
export type LiveKey = keyof typeof en

const all: Record<string, Partial<Record<LiveKey, string>>> = {
  en,
  fr: {
    talkingTo: 'Vous parlez avec {name}',
    waiting: 'En attente d’une personne…',
    reconnecting: 'Reconnexion…',
    closed: 'Cette conversation a été fermée.',
    message: 'Votre message',
    send: 'Envoyer',
    agent: 'Conseiller',
    newTab: '(s’ouvre dans un nouvel onglet)',
    restart: 'Démarrer une nouvelle conversation',
  },
  de: {
    talkingTo: 'Sie sprechen mit {name}',
    waiting: 'Warten auf eine Person…',
    reconnecting: 'Verbindung wird wiederhergestellt…',
    closed: 'Dieses Gespräch wurde beendet.',
    message: 'Ihre Nachricht',
    send: 'Senden',
    agent: 'Mitarbeiter',
    newTab: '(öffnet in neuem Tab)',
    restart: 'Neues Gespräch beginnen',
  },
  es: {
    talkingTo: 'Estás hablando con {name}',
    waiting: 'Esperando a una persona…',
    reconnecting: 'Reconectando…',
    closed: 'Esta conversación se ha cerrado.',
    message: 'Tu mensaje',
    send: 'Enviar',
    agent: 'Agente',
    newTab: '(se abre en otra pestaña)',
    restart: 'Iniciar una nueva conversación',
  },
  pt: {
    talkingTo: 'Está a falar com {name}',
    waiting: 'À espera de uma pessoa…',
    reconnecting: 'A restabelecer a ligação…',
    closed: 'Esta conversa foi encerrada.',
    message: 'A sua mensagem',
    send: 'Enviar',
    agent: 'Agente',
    newTab: '(abre em nova aba)',
    restart: 'Iniciar uma nova conversa',
  },
  ar: {
    talkingTo: 'أنت تتحدث مع {name}',
    waiting: 'في انتظار انضمام أحد أعضاء الفريق…',
    reconnecting: 'جارٍ إعادة الاتصال…',
    closed: 'تم إغلاق هذه المحادثة.',
    message: 'رسالتك',
    send: 'إرسال',
    agent: 'موظف الدعم',
    newTab: '(يفتح في علامة تبويب جديدة)',
    restart: 'بدء محادثة جديدة',
  },
  hi: {
    talkingTo: 'आप {name} से बात कर रहे हैं',
    waiting: 'किसी व्यक्ति के जुड़ने की प्रतीक्षा…',
    reconnecting: 'फिर से कनेक्ट हो रहा है…',
    closed: 'यह बातचीत बंद कर दी गई है।',
    message: 'आपका संदेश',
    send: 'भेजें',
    agent: 'एजेंट',
    newTab: '(नए टैब में खुलता है)',
    restart: 'नई बातचीत शुरू करें',
  },
}

/** The live-chat string `key` in `locale`'s language (English when missing), `{name}` filled from `vars`. */
export function liveText(locale: string, key: LiveKey, vars: Record<string, string> = {}): string {
  const s = all[languageOf(locale)]?.[key] ?? en[key]
  return s.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '')
}
