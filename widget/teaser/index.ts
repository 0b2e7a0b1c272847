/**
 * The teaser: a message preview beside the launcher, shown instead of opening the
 * chat window uninvited, as Intercom's and Crisp's messengers do. The bot
 * configuration document's triggers show it (widget/config/settings.ts), and so
 * does the host's `Reekolect('showMessage', text)` (widget/core/commands.ts).
 *
 * A lazy chunk that imports nothing, so the settings chunk shows it without the
 * chat window chunk. It draws plain DOM into the loader's shadow root: text
 * through `textContent`, classes of a stylesheet adopted into the root (strict
 * CSP and Trusted Types: no HTML strings, no style attributes).
 *
 * One teaser at a time: a new one replaces the one showing (also one shown by the
 * other build's copy of this chunk: the settings build and the chat window build
 * each bundle it, and they meet only in the DOM).
 */
import css from './teaser.css?inline'

/**
 * `sessionStorage` key, `'1'` once the visitor dismissed a teaser in this tab:
 * no teaser shows again until the tab is closed.
 */
export const DISMISSED_KEY = 'reekolect:teaser'

/** The teaser's strings: the dismiss button's name, the announcement's prefix, a greeting. */
type Strings = [dismiss: string, announce: string, hello: string]

/** English, the fallback. */
const EN: Strings = ['Dismiss message', 'New message', 'Hi! Can we help you?']

/** By language, the languages of the chat's catalogues; others get English. */
const STRINGS: Record<string, Strings> = {
  en: EN,
  fr: ['Masquer le message', 'Nouveau message', 'Bonjour ! Pouvons-nous vous aider ?'],
  de: ['Nachricht ausblenden', 'Neue Nachricht', 'Hallo! Können wir Ihnen helfen?'],
  es: ['Descartar mensaje', 'Nuevo mensaje', '¡Hola! ¿Podemos ayudarte?'],
  pt: ['Dispensar mensagem', 'Nova mensagem', 'Olá! Podemos ajudar?'],
  hi: ['संदेश हटाएँ', 'नया संदेश', 'नमस्ते! क्या हम आपकी मदद कर सकते हैं?'],
  ar: ['إخفاء الرسالة', 'رسالة جديدة', 'مرحبًا! هل يمكننا مساعدتك؟'],
}

/** The teaser's strings in `locale`'s language (BCP 47, `pt-BR` → `pt`), else English. */
export const teaserStrings = (locale: string): Strings =>
  STRINGS[locale.toLowerCase().split(/[-_]/)[0] ?? ''] ?? EN

/**
 * Milliseconds between adding the empty live region and filling it: screen
 * readers announce a change of a live region already in the accessibility tree,
 * not one inserted with its text.
 */
export const ANNOUNCE_DELAY = 100

/** Whether the visitor dismissed a teaser in this tab ({@link DISMISSED_KEY}); false without storage. */
export function dismissed(): boolean {
  try {
    return sessionStorage.getItem(DISMISSED_KEY) === '1'
  } catch {
    return false
  }
}

/** What {@link showTeaser} shows. */
export interface TeaserOptions {
  /** The message, plain text (the caller checks its length: loader/protocol.ts TEASER_MAX_LENGTH). */
  text: string
  /** BCP 47 locale of the teaser's own strings (dismiss button, announcement). */
  locale: string
  /**
   * Opens the chat from the teaser: a click on it, Enter or Space on it, or a
   * click on the launcher while it shows. The teaser is gone by then.
   */
  open(): void
}

/** Dispatched on a teaser's card when another teaser replaces it: its owner's listeners stop. */
const GONE = 'reekolect-teaser-gone'

let sheet: CSSStyleSheet | undefined

/**
 * Shows a teaser above the launcher in `root`, the loader's shadow root, right
 * after the launcher in the DOM (the next stop of Tab). It does not take focus.
 * A polite live region announces "New message: <text>" once, shortly after it
 * appears ({@link ANNOUNCE_DELAY}); a teaser that replaces one with the same text
 * is not announced again. Escape (with focus in it) or its dismiss button
 * dismisses it for the tab ({@link DISMISSED_KEY}); focus then returns to the
 * launcher. It hides when the chat opens (the launcher's `aria-expanded` turns
 * `true`).
 *
 * @returns the function that hides it (not a dismissal; safe to call twice), or
 *   `undefined` when nothing is shown: no launcher (the landing page), the chat
 *   is open, or the visitor dismissed a teaser in this tab.
 */
export function showTeaser(root: ShadowRoot, { text, locale, open }: TeaserOptions) {
  const launcher = root.querySelector<HTMLElement>('.launcher')
  if (!launcher || launcher.getAttribute('aria-expanded') === 'true' || dismissed()) return
  const old = root.querySelector('.teaser')
  // Announced already: the same text, its live region filled.
  const said =
    old?.querySelector('.t-text')?.textContent === text &&
    !!old.querySelector('.t-live')?.textContent
  const refocus = !!old?.contains(root.activeElement)
  old?.dispatchEvent(new Event(GONE))
  old?.remove()
  if (!sheet) {
    sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
  }
  const style = sheet
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, style]

  const [dismissLabel, announce] = teaserStrings(locale)
  const el = (tag: string, className: string) => {
    const e = document.createElement(tag)
    e.className = className
    return e
  }
  const card = el('div', 'teaser')
  try {
    card.lang = Intl.getCanonicalLocales(locale)[0] ?? ''
  } catch {
    /* not a BCP 47 tag: the card keeps the page's language */
  }
  card.dir = 'auto'
  const body = el('button', 't-open')
  const words = el('span', 't-text')
  words.textContent = text
  body.append(words)
  const close = el('button', 't-x')
  close.setAttribute('aria-label', dismissLabel)
  close.textContent = '×'
  const live = el('span', 't-live')
  live.setAttribute('aria-live', 'polite')
  card.append(body, close, live)
  launcher.after(card)
  if (refocus) body.focus()
  const timer = said
    ? undefined
    : setTimeout(() => (live.textContent = `${announce}: ${text}`), ANNOUNCE_DELAY)

  let shown = true
  const hide = () => {
    if (!shown) return
    shown = false
    clearTimeout(timer)
    observer.disconnect()
    launcher.removeEventListener('click', fromLauncher, true)
    if (card.contains(root.activeElement)) launcher.focus()
    card.remove()
    root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== style)
  }
  const go = () => {
    hide()
    open()
  }
  const dismiss = () => {
    try {
      sessionStorage.setItem(DISMISSED_KEY, '1')
    } catch {
      /* without sessionStorage a teaser may show again on the next page */
    }
    hide()
  }
  // Capture, at the launcher: before the loader's own click listener, which would only open.
  const fromLauncher = (e: Event) => {
    e.stopImmediatePropagation()
    go()
  }
  launcher.addEventListener('click', fromLauncher, true)
  body.addEventListener('click', go)
  close.addEventListener('click', dismiss)
  card.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key !== 'Escape') return
    e.stopPropagation()
    dismiss()
  })
  card.addEventListener(GONE, hide)
  const observer = new MutationObserver(() => {
    if (launcher.getAttribute('aria-expanded') === 'true') hide()
  })
  observer.observe(launcher, { attributes: true, attributeFilter: ['aria-expanded'] })
  return hide
}
