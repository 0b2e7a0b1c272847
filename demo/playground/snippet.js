// @ts-check
/**
 * The embed snippet of the playground's bot, as the platform's docs give it (seed
 * 001, "For Chatbot Script"), with absolute URLs so it works on any site, and a
 * Copy button (the Clipboard API, else the text is selected for Ctrl+C).
 */
import { $ } from './dom.js'
import { BOT, CUSTOMER, TOKEN } from './ids.js'

/**
 * The tag, with `data-config-url` (the bot configuration document is opt-in): by
 * default the document the playground saves, `{origin}/widget/{bot}/config.json`
 * (204, the built-in flow, while none is saved).
 * @param {{ origin: string, bot: string, customer: string, token: string, configUrl?: string }} o
 */
export function embedTag({ origin, bot, customer, token, configUrl }) {
  const config = configUrl ?? `${origin}/widget/${encodeURIComponent(bot)}/config.json`
  return `<script id="Reekolect-messenger-widget" src="${origin}/Reekolect.js" data-api-url="${origin}" data-token="${token}" data-config-url="${config}" defer>${bot},${customer}</script>`
}

export function startSnippet() {
  const code = $('snippet')
  const status = $('copy-status')
  const text = embedTag({ origin: location.origin, bot: BOT, customer: CUSTOMER, token: TOKEN })
  code.textContent = text
  let timer = 0
  /** @param {string} msg */
  const say = (msg) => {
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
