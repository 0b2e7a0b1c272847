/**
 * When the page gives the outbox a chance to deliver: the widget's page-lifecycle
 * listeners (Page Lifecycle API; HTML, "page visibility" and `pagehide`).
 */
import type { Outbox } from './outbox'

/**
 * Flushes the outbox when the network returns (`online`), when the page is shown
 * again (`pageshow`, also back from the back/forward cache, and `visibilitychange`
 * to visible), and, as a keepalive fetch, when it is hidden or left
 * (`visibilitychange` to hidden, `pagehide`): `sendBeacon` cannot send the
 * `x-bp-token` header (docs/platform-api.md). Both hide events send: the outbox
 * sends each waiting version once.
 *
 * @returns a function that removes every listener it added.
 */
export function flushOnPageEvents(
  outbox: Pick<Outbox, 'flush' | 'online'>,
  win: Window = window,
): () => void {
  const doc = win.document
  const now = () => void outbox.flush(false, true)
  const leaving = () => void outbox.flush(true)
  const visibility = () => (doc.visibilityState === 'hidden' ? leaving() : now())
  const online = () => void outbox.online()
  win.addEventListener('online', online)
  win.addEventListener('pageshow', now)
  win.addEventListener('pagehide', leaving)
  doc.addEventListener('visibilitychange', visibility)
  return () => {
    win.removeEventListener('online', online)
    win.removeEventListener('pageshow', now)
    win.removeEventListener('pagehide', leaving)
    doc.removeEventListener('visibilitychange', visibility)
  }
}
