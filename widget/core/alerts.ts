/**
 * Alerts for messages the visitor has not seen: the tab title and an optional
 * generated tone (the launcher's unread badge is launcher.ts's). One instance per
 * chat, started by the conversation chunk (widget/conversation.ts) for every chat,
 * whether or not the bot has a configuration document, so a message never alerts
 * twice. Framework-free.
 */
import { effect } from '@preact/signals-core'
import { languageOf } from './i18n'
import type { Message, State } from './state'

/** A configured bot's Alerts settings (`settings.alerts`, config/schema.ts) that this module applies. */
export interface AlertSettings {
  /** A short generated tone for each message that alerts. */
  sound: boolean
  /** "(n) New message — <title>" in the tab title until the visitor looks. */
  tabTitle: boolean
}

/** The settings without a configuration document: the tab title, no sound. */
export const DEFAULT_ALERTS: AlertSettings = { sound: false, tabTitle: true }

/** "New message" in the languages of the core catalogues; English for the others. */
const NEW_MESSAGE: Record<string, string> = {
  en: 'New message',
  es: 'Nuevo mensaje',
  fr: 'Nouveau message',
  de: 'Neue Nachricht',
  pt: 'Nova mensagem',
  hi: 'नया संदेश',
  ar: 'رسالة جديدة',
}

/** What {@link startAlerts} uses of the page, for tests. */
export interface AlertsEnv {
  /** Default `document`: its title, visibility and `lang`. */
  doc?: Document
  /** Plays the tone. Default a 180 ms, 880 Hz tone made with Web Audio. */
  beep?: () => void
}

/**
 * Alerts for each new message that the visitor cannot see as it arrives (the chat
 * is closed or the tab hidden): with `tabTitle`, the tab title becomes
 * "(n) New message — <the page's title>", in the language of the host page (its
 * `lang`, else the browser's), counting those messages; it is restored once the
 * tab is visible with the chat open (or, when the page has changed its title
 * meanwhile, left as the page set it). With `sound`, the tone plays for each.
 *
 * Agent messages always alert. Bot messages alert only for a configured bot
 * (`settings` given): the built-in flow's bot answers at once, while the visitor
 * looks. The messages already there when it starts, and the first ones of an empty
 * chat (a restored conversation, a new visitor after a reset), do not alert.
 *
 * @param settings a configured bot's Alerts settings; default {@link DEFAULT_ALERTS}.
 * @returns the function that stops it and restores the title.
 */
export function startAlerts(
  state: Pick<State, 'messages' | 'open'>,
  settings?: AlertSettings,
  env: AlertsEnv = {},
): () => void {
  const doc = env.doc ?? document
  const { sound, tabTitle } = settings ?? DEFAULT_ALERTS
  const alerting = (m: Message) => m.from === 'agent' || (!!settings && m.from === 'bot')
  let seen = state.messages.peek().at(-1)?.id ?? 0
  /** Messages counted in the title since the visitor last looked. */
  let count = 0
  /** The page's own title, and the one set here. */
  let original = ''
  let shown = ''
  const looking = () => doc.visibilityState === 'visible' && state.open.peek()
  const restore = () => {
    if (!count) return
    count = 0
    if (doc.title === shown) doc.title = original
  }
  const check = () => {
    if (looking()) restore()
  }
  doc.addEventListener('visibilitychange', check)
  const stopOpen = effect(() => {
    if (state.open.value) check()
  })
  const stop = effect(() => {
    const list = state.messages.value
    const newest = list.at(-1)?.id ?? 0
    const fresh = seen && newest > seen ? list.filter((m) => m.id > seen && alerting(m)) : []
    seen = newest
    if (!fresh.length || looking()) return
    if (tabTitle) {
      if (!count || doc.title !== shown) original = doc.title
      count += fresh.length
      const lang = languageOf(doc.documentElement.lang || navigator.language)
      shown = `(${count}) ${NEW_MESSAGE[lang] ?? NEW_MESSAGE.en} — ${original}`
      doc.title = shown
    }
    if (sound) (env.beep ?? beep)()
  })
  return () => {
    stop()
    stopOpen()
    doc.removeEventListener('visibilitychange', check)
    restore()
  }
}

let audio: AudioContext | undefined
/** A 180 ms, 880 Hz tone generated with Web Audio: no audio file to download. Silent where audio is blocked. */
function beep(): void {
  try {
    audio ||= new AudioContext()
    const osc = audio.createOscillator()
    const gain = audio.createGain()
    osc.frequency.value = 880
    gain.gain.setValueAtTime(0.08, audio.currentTime)
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.18)
    osc.connect(gain).connect(audio.destination)
    osc.start()
    osc.stop(audio.currentTime + 0.2)
  } catch {
    /* autoplay policy or no Web Audio: alerts stay visual */
  }
}
