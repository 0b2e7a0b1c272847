/**
 * The one typed protocol between the loader (`loader/`, a classic script on every
 * page view) and the lazily imported chat window (`widget/`). Both sides import
 * it with `import type`, so it costs zero bytes at run time (DESIGN.md §4.4).
 */

/** Options read from the host's `<script>` tag by the loader. */
export interface WidgetConfig {
  /** Bot id: first value of the tag text `BotId,CustomerId` (seed 001, "For Chatbot Script"). */
  botId: string
  /** Customer id: second value of the tag text. */
  customerId: string
  /** API origin, without a trailing slash. `data-api-url`; default `https://api.v7.express-chat.ai` (seed 001). */
  apiUrl: string
  /** Sent as the `x-bp-token` header on `PUT /inbox/direct/lead`. `data-token`; default `''`. */
  token: string
  /** `launcher` (default): a bubble opens the chat. `page`: the full-page landing page at `/BotId/CustomerId`. */
  mode: 'launcher' | 'page'
  /** BCP 47 locale from `data-locale`; `undefined` means the browser's. */
  locale?: string | undefined
  /** Nonce copied from the loader's own tag, for the `<style>` fallback under strict CSP. */
  nonce?: string | undefined
}

/** Commands of `window.Reekolect(command, ...args)`. */
export type Command = 'open' | 'close' | 'toggle'

/** A call made before the widget was ready: `[command, ...args]`, replayed in order. */
export type QueuedCall = [command: string, ...args: unknown[]]

/** What the loader hands the widget when it mounts it. */
export interface HostBridge {
  /** Shadow root (open) of the widget's single host element; the widget renders here. */
  root: ShadowRoot
  /** The visitor's UUID (v4), created on first call and kept in `sessionStorage` by the loader. */
  uuid(): string
  /** Tells the loader's launcher the chat is open (`aria-expanded`) and how many messages are unread. */
  launcher(open: boolean, unread: number): void
  /** Styles the shadow root with `css`: a constructable stylesheet, or a `<style nonce>` fallback. */
  style(css: string): void
}

/** What `mount()` returns to the loader. */
export interface MountedWidget {
  /** Runs a host command (see {@link Command}); unknown commands log `[Reekolect] E_COMMAND`. */
  dispatch(command: string, ...args: unknown[]): void
  /** Removes every node, listener and timer the widget added. */
  unmount(): void
}

/** The widget chunk's entry point, imported by URL by the loader. */
export type Mount = (host: HostBridge, config: WidgetConfig) => MountedWidget
