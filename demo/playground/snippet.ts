/**
 * The embed snippet of the playground's bot, as the platform's docs give it (seed
 * 001, "For Chatbot Script"), with absolute URLs so it works on any site, and a
 * Copy button (the Clipboard API, else the text is selected for Ctrl+C).
 */
import { $ } from './dom'
import { BOT, CUSTOMER, TOKEN } from './ids'

/** What {@link embedTag} writes into the tag. */
export interface EmbedOptions {
  /** Origin of the demo server, e.g. `http://127.0.0.1:8787`. */
  origin: string
  bot: string
  customer: string
  token: string
  /** `data-config-url`; default `{origin}/widget/{bot}/config.json`. */
  configUrl?: string
}

/**
 * The tag, with `data-config-url` (the bot configuration document is opt-in): by
 * default the document the playground saves, `{origin}/widget/{bot}/config.json`
 * (204, the built-in flow, while none is saved).
 */
export function embedTag({ origin, bot, customer, token, configUrl }: EmbedOptions): string {
  const config = configUrl ?? `${origin}/widget/${encodeURIComponent(bot)}/config.json`
  return `<script id="Reekolect-messenger-widget" src="${origin}/Reekolect.js" data-api-url="${origin}" data-token="${token}" data-config-url="${config}" defer>${bot},${customer}</script>`
}

/** Shows the snippet of the playground's bot and wires its Copy button. */
export function startSnippet(): void {
  const code = $('snippet')
  const status = $('copy-status')
  const text = embedTag({ origin: location.origin, bot: BOT, customer: CUSTOMER, token: TOKEN })
  code.textContent = text
  let timer = 0
  const say = (msg: string) => {
    status.textContent = msg
    clearTimeout(timer)
    timer = window.setTimeout(() => {
      status.textContent = ''
    }, 4000)
  }
  $('copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text)
      say('Copied')
    } catch {
      // No clipboard access (plain http on another host, or denied): select it instead.
      const range = document.createRange()
      range.selectNodeContents(code)
      const sel = window.getSelection()
      sel?.removeAllRanges()
      sel?.addRange(range)
      say('Selected: press Ctrl+C (⌘C on a Mac) to copy')
    }
  })
}
