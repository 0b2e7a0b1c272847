/**
 * The settings chunk: imported by the loader at page load only when the bot's
 * configuration document URL (`data-config-url`, opt-in) answered (not for
 * `204 No Content`). It validates the document, reports a precise
 * problem once, and applies what must act before the visitor opens the chat:
 * Design (launcher colours with automatic contrast, position, z-index, icon), User
 * Access (where the launcher shows) and Triggers (the teaser), re-evaluated on
 * single-page-app route changes without polling.
 */
import { ASSETS, report } from '../../loader/log'
import type { HostBridge, LoadedConfig as Loaded, ReekolectApi } from '../../loader/protocol'
import { type BotDocument, parseConfig, type Settings } from './schema'

/**
 * A validated document (its texts as written, strings or language maps: the chat
 * window resolves them in the visitor's language) and the function that removes
 * every listener, timer and sheet it added.
 */
export type LoadedConfig = Loaded<BotDocument>

/** `#rgb` written as `#rrggbb`. */
const long = (hex: string) => (hex.length === 4 ? hex.replace(/\w/g, (c) => c + c) : hex)

/** Relative luminance of `#rrggbb` (WCAG 2.2, "relative luminance"). */
export function luminance(hex: string): number {
  const full = long(hex)
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** Contrast ratio of two luminances (1–21). */
export const contrast = (a: number, b: number): number =>
  (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)

/**
 * `hex` moved towards black (`to` 0) or white (`to` 255) in steps of 15 % per
 * channel (which keeps its hue) until it reads at 4.5:1 on `bg`; at most 20 steps.
 */
function inkOn(hex: string, bg: string, to: 0 | 255): string {
  let ink = long(hex)
  const l = luminance(bg)
  for (let i = 0; i < 20 && contrast(luminance(ink), l) < 4.5; i++) {
    ink = `#${[1, 3, 5]
      .map((j) => {
        const c = Number.parseInt(ink.slice(j, j + 2), 16)
        return Math.round(c + (to - c) * 0.15)
          .toString(16)
          .padStart(2, '0')
      })
      .join('')}`
  }
  return ink
}

/**
 * Colours derived from the primary colour: `on` is the text colour on it (white or
 * near-black, whichever contrasts more), `ink` is the primary colour itself when it
 * reads on white (≥ 4.5:1), else darkened until it does, for outlined buttons.
 */
export function palette(primary: string): { on: string; ink: string } {
  const l = luminance(primary)
  const on = contrast(l, 1) >= contrast(l, luminance('#111111')) ? '#ffffff' : '#111111'
  return { on, ink: inkOn(primary, '#ffffff', 0) }
}

/**
 * Colours of the dark theme (`design.theme` `dark`, or `auto` while the system
 * setting is dark). Text reads at ≥ 4.5:1 on every surface it is drawn on, and
 * field borders, error outlines and the focus ring at ≥ 3:1 (WCAG 2.2, 1.4.3 and
 * 1.4.11; settings.test.ts checks each pair). `line` is decorative (parts that are
 * told apart by their surface colours too).
 */
export const DARK = {
  /** Behind the transcript and the live status line; also the inputs (`field`). */
  log: '#111418',
  /** The window: composer, choices, footer. */
  surface: '#1b1f24',
  /** Bot and agent bubbles, cards, rating stars. */
  raised: '#22272e',
  /** An outlined choice under the pointer: the lightest surface that ink text is drawn on. */
  hover: '#2a3039',
  text: '#e6e8eb',
  /** Card texts, "Powered by". */
  muted: '#a3abb5',
  line: '#3a414a',
  /** Inputs (and the dial-code picker): background and border. */
  field: '#111418',
  fieldLine: '#7d8692',
  /** Error text and outlines of refused answers. */
  error: '#ff9492',
  /** The delivery note above the composer. */
  note: '#3a2d0a',
  noteText: '#fcd98a',
  star: '#f2b84b',
  starHover: '#3a2f16',
} as const

/** Ink of the dark theme: the primary colour, lightened until it reads on every dark surface. */
export const darkInk = (primary: string): string => inkOn(primary, DARK.hover, 255)

/**
 * Override rules of the dark theme for everything drawn in the widget's shadow
 * root: the window (widget/ui/chat.css, phone.css), the configured-bot parts
 * (widget/rich/rich.css), the live chat (widget/live/live.css), the text box's
 * counter and the previous conversation (widget/more/) and the launcher
 * (loader/launcher.css). This sheet is adopted before those, so every selector is
 * prefixed with `:host([data-reekolect])` to outrank theirs; only colours are set,
 * never the widths of borders and outlines. The primary colour and the text on it
 * stay; outlined buttons, checkboxes and the focus ring take {@link darkInk}.
 * @returns `''` for `light`; the rules for `dark`; for `auto` the same rules
 *   inside `@media (prefers-color-scheme: dark)`, which the browser re-applies
 *   when the system setting changes (no reload, no listener).
 */
export function themeCss(theme: Settings['design']['theme'], primary: string): string {
  if (theme === 'light') return ''
  const d = DARK
  const ink = darkInk(primary)
  const rules: [string, string][] = [
    ['.win', `--rk-ink:${ink};background:${d.surface};color:${d.text};color-scheme:dark`],
    ['.win.float', `box-shadow:0 0 0 1px ${d.line},0 12px 40px rgb(0 0 0/.55)`],
    ['.log', `background:${d.log}`],
    ['.msg.bot,.msg.agent,.card,.tb', `background:${d.raised};border-color:${d.line}`],
    ['.composer,.choices,.note,.live', `border-color:${d.line}`],
    ['.composer,.choices,.choice,.extra,.brand', `background:${d.surface}`],
    ['.choice:hover', `background:${d.hover}`],
    ['.input,.ccq,.cc', `background:${d.field};color:${d.text};border-color:${d.fieldLine}`],
    ['.input[aria-invalid="true"]', `border-color:${d.error}`],
    ['.msg[aria-invalid="true"]', `outline-color:${d.error}`],
    ['.err,.count.over', `color:${d.error}`],
    ['.note', `background:${d.note};color:${d.noteText}`],
    ['.live', `background:${d.log};color:${d.text}`],
    ['.typing', `background:${d.log};color:${d.muted}`],
    ['.cx,.brand,.count,.back,.day,.tb', `color:${d.muted}`],
    ['.multi .check', `border-color:${d.line}`],
    ['.stars .star', `background:${d.raised};border-color:${d.line};color:${d.star}`],
    [
      '.stars .star:hover,.stars .star:focus-visible,.stars .star:has(~ .star:hover)',
      `background:${d.starHover}`,
    ],
    ['.win :focus-visible', 'outline-color:var(--rk-ink)'],
    ['.head :focus-visible', 'outline-color:currentColor'],
    // The launcher sits on the host page, dark too: a light focus ring outside a dark halo.
    ['.launcher:focus-visible', 'outline-color:#fff;box-shadow:0 0 0 6px #111'],
    // The teaser beside it (widget/teaser/teaser.css), a card of the dark window's kind.
    [
      '.teaser',
      `background:${d.raised};color:${d.text};box-shadow:0 0 0 1px ${d.line},0 6px 24px rgb(0 0 0/.55)`,
    ],
    ['.t-x', `color:${d.muted}`],
    ['.t-x:hover', `background-color:${d.hover}`],
    ['.t-open:focus-visible,.t-x:focus-visible', `outline-color:${ink}`],
  ]
  // A primary colour that hardly shows on a dark page gets a rim of its ink.
  if (contrast(luminance(primary), luminance(d.log)) < 3)
    rules.push(['.launcher', `box-shadow:0 0 0 2px ${ink},0 4px 14px rgb(0 0 0/.5)`])
  const css = rules
    .map(
      ([sel, body]) =>
        `${sel
          .split(/,(?![^(]*\))/)
          .map((s) => `:host([data-reekolect]) ${s}`)
          .join()}{${body}}`,
    )
    .join('')
  return theme === 'dark' ? css : `@media (prefers-color-scheme:dark){${css}}`
}

/** Whether `path` matches a pattern where `*` stands for any characters (`/blog/*`, `*pricing*`). */
export function matches(path: string, pattern: string): boolean {
  const re = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${re}$`, 'i').test(path)
}

/** Whether a page passes include/exclude lists (empty include = every page). */
export function allowed(path: string, include: string[], exclude: string[]): boolean {
  return (
    (!include.length || include.some((p) => matches(path, p))) &&
    !exclude.some((p) => matches(path, p))
  )
}

/**
 * The stylesheet text of the Design settings (with the theme, {@link themeCss}), the
 * Chat Window size (px; the height is capped by the viewport in chat.css) and the
 * launcher hidden by User Access.
 */
export function designCss(
  d: Omit<Settings['design'], 'botName'>,
  hidden: boolean,
  hideOnMobile: boolean,
  size: { width: number; height: number } = { width: 380, height: 600 },
): string {
  const { on, ink } = palette(d.primaryColor)
  // :host([data-reekolect]) outranks the chat window's own :host defaults.
  let css = `:host([data-reekolect]){--rk-primary:${d.primaryColor};--rk-on-primary:${on};--rk-ink:${ink};--rk-x:${d.offsetX}px;--rk-y:${d.offsetY}px;--rk-z:${d.zIndex};--rk-w:${size.width}px;--rk-h:${size.height}px}`
  // The teaser (widget/teaser/teaser.css) follows the launcher: `:host .teaser`
  // outranks its own `.teaser` rules, whichever sheet comes later.
  if (d.position === 'left')
    css += '.launcher,.win.float,:host .teaser{left:var(--rk-x);right:auto}'
  if (d.launcherIcon === 'help')
    css +=
      '[aria-expanded="false"]::before{content:"?";background:none;width:auto;height:auto;border-radius:0;font:700 28px/1 system-ui,sans-serif;-webkit-text-fill-color:currentColor}'
  else if (d.launcherIcon !== 'bubble')
    css +=
      '[aria-expanded="false"]::before{display:none}.launcher img{width:36px;height:36px;border-radius:50%;object-fit:cover}[aria-expanded="true"] img{display:none}'
  if (hidden) css += '.launcher,:host .teaser{display:none}'
  if (hideOnMobile) css += '@media (max-width:599px){.launcher,:host .teaser{display:none}}'
  return css + themeCss(d.theme, d.primaryColor)
}

/** Session key set when a trigger fired (at most once per session). */
const FIRED = 'reekolect:auto'

/** The visitor's language as the chat picks it: the tag's `data-locale`, the bot's (General settings), the browser's. */
function localeOf(s: BotDocument['settings']): string {
  const tag = document.querySelector('script[id$="-messenger-widget"]')?.getAttribute('data-locale')
  return tag || s.general.language || navigator.language || 'en'
}

/**
 * Reads the loader's fetch outcome (a `Response`, or the network error), validates
 * the document and applies the settings.
 * @param root the loader's shadow root ({@link HostBridge.root}): the design's
 *   stylesheet goes there, the launcher is styled by it, and the triggers' teaser
 *   shows in it (widget/teaser/, a lazy chunk: the chat window chunk loads only
 *   when the visitor opens the chat from it).
 * @param api `window.Reekolect` (the loader's queue): the teaser opens the chat
 *   with `open`, or with `showMessage` and `{open: true}` for a text the chat does
 *   not say by itself; `triggers.action: "open"` opens it with `open`.
 * @param outcome what `fetch(url)` gave: a `Response` (any status but 204) or an error.
 * @param url the document's URL as written in `data-config-url` (resolved against
 *   the page's base URL for the console line).
 * @returns the validated document and its `dispose`, or `undefined` when there is
 *   none usable (one `[Reekolect] E_CONFIG` line says why; the widget then runs
 *   the built-in lead-capture flow).
 */
export async function applySettings(
  root: ShadowRoot,
  api: ReekolectApi,
  outcome: unknown,
  url: string,
): Promise<LoadedConfig | undefined> {
  const fail = (what: string) => {
    url = new URL(url, document.baseURI).href
    report(
      'E_CONFIG',
      `${what}; using the built-in lead-capture flow`,
      `fix the bot configuration document at ${url} (README, "Bot configuration document")`,
    )
    return undefined
  }
  if (!(outcome instanceof Response))
    return fail(`the configuration document could not be fetched (${String(outcome)})`)
  if (!outcome.ok) return fail(`the configuration document answered ${outcome.status}`)
  let doc: unknown
  try {
    doc = await outcome.json()
  } catch {
    return fail('the configuration document is not JSON')
  }
  const parsed = parseConfig(doc)
  if ('issues' in parsed) {
    const [first] = parsed.issues
    const more = parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more)` : ''
    return fail(
      `the configuration document is invalid at ${first?.path || '(root)'}: ${first?.message}${more}`,
    )
  }
  const config = parsed.config
  const s = config.settings
  const sheet = new CSSStyleSheet()
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
  // For the page around the full-page chat (page.css), outside the shadow root.
  root.host.setAttribute('data-theme', s.design.theme)
  const button = root.querySelector('.launcher')
  let img: HTMLImageElement | undefined
  if (button && !['bubble', 'help'].includes(s.design.launcherIcon)) {
    img = document.createElement('img')
    img.src = s.design.launcherIcon
    img.alt = ''
    button.prepend(img)
  }

  const cleanups: (() => void)[] = []
  const listen = (
    target: EventTarget,
    type: string,
    fn: (e: Event) => void,
    opts?: AddEventListenerOptions,
  ) => {
    target.addEventListener(type, fn, opts)
    cleanups.push(() => target.removeEventListener(type, fn, opts))
  }
  const pageCleanup: (() => void)[] = []
  const t = s.triggers
  const fired = () => {
    try {
      return t.oncePerSession && sessionStorage.getItem(FIRED) === '1'
    } catch {
      return false
    }
  }
  let hideTeaser: (() => void) | undefined
  let disposed = false
  cleanups.push(() => {
    disposed = true
    hideTeaser?.()
  })
  /** Shows the teaser: its chunk is imported only now, when a trigger fires. */
  const tease = () =>
    import('../teaser/trigger').then(
      (m) => {
        if (!disposed) hideTeaser = m.tease(root, config, api, localeOf(s))
      },
      () => report('E_LOAD', 'the teaser chunk could not load', ASSETS),
    )
  // Whether a trigger already fired in this tab is read when one is about to fire,
  // not at page load: the first sessionStorage read of a page is synchronous IPC
  // (loader/visitor.ts mayHaveSession), and most page views never get that far.
  const fire = () => {
    for (const c of pageCleanup.splice(0)) c()
    if (fired()) return
    try {
      if (t.oncePerSession) sessionStorage.setItem(FIRED, '1')
    } catch {
      /* without sessionStorage a trigger may fire again on the next page */
    }
    // The window opens uninvited only where it leaves most of the page in view.
    if (t.action === 'open' && matchMedia('(min-width: 600px)').matches) api('open')
    else void tease()
  }

  let shownPath: string | undefined
  /**
   * Applies User Access and arms the Triggers for the current page; runs again when
   * a route change of a single-page app changes the path. State-only changes (the
   * host's replaceState for its scroll position, the widget's history mark) keep
   * the armed triggers: an "after 30 seconds" timer does not start over.
   */
  const page = () => {
    const path = location.pathname
    if (path === shownPath) return
    shownPath = path
    for (const c of pageCleanup.splice(0)) c()
    const a = s.access
    sheet.replaceSync(
      designCss(s.design, !allowed(path, a.showOn, a.hideOn), a.hideOnMobile, s.window),
    )
    if (!allowed(path, t.include, t.exclude)) return
    const local = (target: EventTarget, type: string, fn: (e: Event) => void) => {
      target.addEventListener(type, fn, { passive: true })
      pageCleanup.push(() => target.removeEventListener(type, fn))
    }
    if (t.afterSeconds) {
      const timer = setTimeout(fire, t.afterSeconds * 1000)
      pageCleanup.push(() => clearTimeout(timer))
    }
    if (t.scrollPercent) {
      const percent = t.scrollPercent
      local(window, 'scroll', () => {
        const el = document.documentElement
        const max = el.scrollHeight - innerHeight
        if (max > 0 && (scrollY / max) * 100 >= percent) fire()
      })
    }
    // Exit intent: the pointer leaves through the top edge; desktops only (no hover on touch).
    if (t.exitIntent && matchMedia('(hover: hover) and (pointer: fine)').matches) {
      local(document, 'mouseout', (e) => {
        const m = e as MouseEvent
        if (!m.relatedTarget && m.clientY <= 0) fire()
      })
    }
  }
  page()

  // Route changes of single-page apps: the Navigation API where it exists, else
  // history.pushState/replaceState wrapped (restored on dispose) and popstate.
  const nav = (window as { navigation?: EventTarget }).navigation
  if (nav) listen(nav, 'currententrychange', page)
  else {
    const h = history
    const { pushState, replaceState } = h
    h.pushState = function (...args) {
      pushState.apply(this, args)
      page()
    }
    h.replaceState = function (...args) {
      replaceState.apply(this, args)
      page()
    }
    cleanups.push(() => {
      h.pushState = pushState
      h.replaceState = replaceState
    })
    listen(window, 'popstate', page)
  }

  return {
    config,
    dispose() {
      for (const c of [...pageCleanup.splice(0), ...cleanups.splice(0)]) c()
      img?.remove()
      root.host.removeAttribute('data-theme')
      root.adoptedStyleSheets = root.adoptedStyleSheets.filter((x) => x !== sheet)
    },
  }
}
