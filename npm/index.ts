/**
 * The npm package's entry, for sites that bundle their JavaScript
 * (`import { load } from 'reekolect-messenger-widget'`). It adds the same
 * `<script>` tag a site owner would paste, so the widget behaves exactly as
 * embedded: the 2 KiB loader from `src`, the chat window from `assets/` beside
 * it. Importing this module does nothing; only {@link load} touches the page.
 */
import { parseTag } from '../loader/parseTag'
import type { ReekolectApi } from '../loader/protocol.js'

/**
 * The host-facing types of `window.Reekolect` (see `loader/protocol.ts`): its
 * commands and their arguments, its events and their payloads, the lead fields of
 * `identify`, and the options of its tag. The loader↔chat window
 * contract (`HostBridge`, `Mount`, `TagOptions`) is internal and not part of the package.
 */
export type {
  Command,
  Commands,
  Identity,
  ReekolectApi,
  WidgetConfig,
  WidgetEvents,
} from '../loader/protocol.js'

/** Options of {@link load}; each one is an attribute of the embed tag (README, "Embed"). */
export interface LoadOptions {
  /** Bot id, the first value of the tag text `BotId,CustomerId`. Required: letters, digits, `-`, `_` (1–64). */
  botId: string
  /** Customer id, the second value of the tag text. Required, same rule as `botId`. */
  customerId: string
  /**
   * URL of `Reekolect.js` (absolute, or relative to the page). Required. Serve the
   * package's `dist/Reekolect.js` and `dist/assets/` side by side (the loader imports
   * the chat window from `assets/` relative to this URL), or use a CDN that serves
   * the package's files, e.g. `https://cdn.jsdelivr.net/npm/reekolect-messenger-widget@<version>/dist/Reekolect.js`.
   * There is no default: a bundler would rename the loader away from its `assets/`.
   */
  src: string | URL
  /** `data-api-url`: base URL of the platform API (may be relative). Default `https://api.v7.express-chat.ai`. */
  apiUrl?: string | undefined
  /** `data-token`: the publishable API token sent as `x-bp-token` on lead updates. Default none. */
  token?: string | undefined
  /** `data-locale`: BCP 47 language of the chat, e.g. `pt-BR`. Default: the browser's. */
  locale?: string | undefined
  /**
   * `data-config-url`: URL of the bot's configuration document (docs/configuration.md,
   * "Bot configuration document"). Default: none, no request; the built-in flow runs.
   */
  configUrl?: string | undefined
  /** `data-mode`: `launcher` (default) draws the bubble; `page` runs the chat full-page. */
  mode?: 'launcher' | 'page' | undefined
  /**
   * `data-retention-days`: days a visitor's saved conversation and delivered lead
   * record stay in the browser unchanged before they are removed, a whole number
   * from 1 to 3650. Default 30.
   */
  retentionDays?: number | undefined
  /** Nonce for the tag under a nonce-based CSP; the widget copies it to its `<style>` fallback. Default none. */
  nonce?: string | undefined
}

/** The embed tag's id, which the loader looks for. */
const TAG_ID = 'Reekolect-messenger-widget'

let loading: Promise<ReekolectApi> | undefined

/** `[Reekolect] CODE: what — fix`, the shape of every widget diagnostic (docs/troubleshooting.md). */
const fail = (code: string, what: string, fix: string) =>
  new Error(`[Reekolect] ${code}: ${what} — ${fix}`)

/**
 * Adds the widget to the page: inserts
 * `<script id="Reekolect-messenger-widget" src defer>BotId,CustomerId</script>`
 * with the `data-*` attributes and `nonce` of `options` into `<head>`, exactly as
 * the embed tag, and waits for the loader to run.
 *
 * Call it once; later calls return the same promise and ignore their options. If
 * the loader is already on the page (an embed tag), it resolves with its API at
 * once and adds nothing. After a rejection the next call tries again.
 *
 * @param options the ids, where `Reekolect.js` is served, and the tag's attributes.
 * @returns a promise of `window.Reekolect` ({@link ReekolectApi}), resolved when
 *   `Reekolect.js` has run: commands can be called at once (the chat window itself
 *   loads when the visitor or a command needs it).
 * @throws never synchronously. The promise rejects with an `Error` whose message
 *   starts `[Reekolect] E_TAG:` when `botId` or `customerId` is not a valid id,
 *   `[Reekolect] E_ARGS:` when `src` is missing, and `[Reekolect] E_LOAD:` when
 *   there is no `document` (server rendering), the page's Trusted Types policy
 *   refuses the tag, `Reekolect.js` fails to load, or it ran without starting
 *   the widget (no `window.Reekolect` with `loaded: true`, e.g. it crashed).
 * @example
 * const Reekolect = await load({ botId: 'BotId', customerId: 'CustomerId', src: '/widget/Reekolect.js' })
 * Reekolect('identify', { email: 'ada@example.com' })
 */
export function load(options: LoadOptions): Promise<ReekolectApi> {
  loading ||= insert(options).catch((error: unknown) => {
    loading = undefined
    throw error
  })
  return loading
}

function insert(options: LoadOptions): Promise<ReekolectApi> {
  return new Promise((resolve, reject) => {
    const { botId, customerId, src } = options ?? ({} as Partial<LoadOptions>)
    const ids =
      typeof botId === 'string' && typeof customerId === 'string'
        ? parseTag(`${botId},${customerId}`)
        : 'botId and customerId must be strings'
    if (typeof ids === 'string')
      return reject(fail('E_TAG', ids, 'pass the ids of the platform’s embed snippet'))
    if (!src) return reject(fail('E_ARGS', 'load() needs `src`', 'pass the URL of Reekolect.js'))
    if (typeof document === 'undefined')
      return reject(fail('E_LOAD', 'there is no document', 'call load() in the browser'))
    if (window.Reekolect?.loaded) return resolve(window.Reekolect)

    const tag = document.createElement('script')
    tag.id = TAG_ID
    tag.defer = true
    const data: [keyof DOMStringMap, string | undefined][] = [
      ['apiUrl', options.apiUrl],
      ['token', options.token],
      ['locale', options.locale],
      ['configUrl', options.configUrl],
      ['mode', options.mode],
      ['retentionDays', options.retentionDays?.toString()],
    ]
    for (const [key, value] of data) if (value) tag.dataset[key] = value
    if (options.nonce) tag.nonce = options.nonce
    const done = (event: Event) => {
      tag.removeEventListener('load', done)
      tag.removeEventListener('error', done)
      const api = window.Reekolect
      if (event.type === 'load' && api?.loaded) return resolve(api)
      tag.remove()
      reject(
        event.type === 'load'
          ? fail('E_LOAD', `${tag.src} ran but did not start the widget`, 'see the console')
          : fail('E_LOAD', `${tag.src} could not load`, 'serve Reekolect.js at `src`'),
      )
    }
    tag.addEventListener('load', done)
    tag.addEventListener('error', done)
    try {
      // Both are Trusted Types sinks: a page that enforces them without a default policy throws here.
      tag.textContent = `${ids.botId},${ids.customerId}`
      tag.src = String(src)
    } catch (error) {
      return reject(
        fail(
          'E_LOAD',
          `the page refused the script tag (${error})`,
          'add a Trusted Types default policy or paste the embed tag',
        ),
      )
    }
    document.head.append(tag)
  })
}
