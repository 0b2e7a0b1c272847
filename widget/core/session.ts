/**
 * The widget's side of the session hand-over between the pages of a tab: the
 * widget writes `SESSION_KEY` (loader/protocol.ts) and marks the history entry;
 * the next page's loader reads the key only after a marked entry
 * (loader/visitor.ts `mayHaveSession`).
 */
import { effect, type ReadonlySignal } from '@preact/signals-core'
import { ENTRY_MARK, SESSION_KEY } from '../../loader/protocol'

/** A session history entry of the Navigation API, as far as {@link markEntry} reads it. */
export interface EntryLike {
  /** The entry's navigation API state: `undefined` unless a script set one (not the History API's `history.state`). */
  getState(): unknown
}

/** The part of the Navigation API {@link markEntry} uses. */
export interface NavigationLike {
  currentEntry: EntryLike | null
  updateCurrentEntry(options: { state: unknown }): void
}

/**
 * Gives the current session history entry `ENTRY_MARK` (loader/protocol.ts), so the next page's
 * loader reads this tab's session (loader/visitor.ts `mayHaveSession`). Called by the widget
 * whenever it sets `SESSION_KEY`, and again after each same-document
 * navigation of the host while it is (`history.pushState` makes a new entry,
 * `replaceState` clears the state: HTML, "URL and history update steps").
 *
 * Leaves an entry that has a state alone (the host's own state wins and counts as
 * a mark), so it writes at most once per entry; each write fires the Navigation
 * API's `currententrychange` event (navigationType null) and does not touch
 * `history.state`. Never throws: without the Navigation API, or where it refuses
 * (an opaque origin, a document being unloaded), it does nothing.
 */
export function markEntry(nav: NavigationLike | undefined): void {
  try {
    const entry = nav?.currentEntry
    if (entry && entry.getState() === undefined) nav?.updateCurrentEntry({ state: ENTRY_MARK })
  } catch {
    /* the next page falls back to starting closed (mayHaveSession) */
  }
}

/**
 * What {@link keepSession} follows: whether the chat is open, whether the next
 * page must load it closed (a lead snapshot or transcript messages wait to be
 * delivered, a live conversation goes on: widget/conversation.ts).
 */
export interface SessionSource {
  open: ReadonlySignal<boolean>
  waiting: ReadonlySignal<boolean>
}

/**
 * Keeps `SESSION_KEY` (loader/protocol.ts) up to date for the next page of the
 * tab: `'1'` while the chat is open (reopen it), `'sync'` while `waiting` (load the
 * chat closed: to deliver what waits, to follow a live conversation), else absent;
 * and marks the history entry while it is set ({@link markEntry}). Written again on `pageshow` (a page
 * back from the back/forward cache says what it shows) and after each
 * same-document navigation of the host (the Navigation API's
 * `currententrychange`, where the browser has it: Chromium 102+, Safari 26.2+,
 * Firefox 147+).
 *
 * @returns `stop(forget)`: removes its listeners; with `forget`, also the key, so the
 *   next page starts closed as if the chat had never opened (shutdown).
 */
export function keepSession(
  source: SessionSource,
  win: Window = window,
): (forget?: boolean) => void {
  const nav = (win as { navigation?: NavigationLike & EventTarget }).navigation
  let session = ''
  const save = () => {
    try {
      if (session) sessionStorage.setItem(SESSION_KEY, session)
      else sessionStorage.removeItem(SESSION_KEY)
    } catch {
      /* without sessionStorage the next page simply starts closed */
    }
    if (session) markEntry(nav)
  }
  const stop = effect(() => {
    session = source.open.value ? '1' : source.waiting.value ? 'sync' : ''
    save()
  })
  // The host's pushState makes a new entry, its replaceState clears the entry's
  // state: mark it again (the write fires one more currententrychange, same URL).
  const mark = () => session && markEntry(nav)
  win.addEventListener('pageshow', save)
  nav?.addEventListener('currententrychange', mark)
  return (forget) => {
    stop()
    win.removeEventListener('pageshow', save)
    nav?.removeEventListener('currententrychange', mark)
    if (forget) {
      session = ''
      save()
    }
  }
}
