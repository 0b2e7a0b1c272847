/**
 * The widget's side of the session hand-over between the pages of a tab: the
 * widget writes `SESSION_KEY` (loader/protocol.ts) and marks the history entry;
 * the next page's loader reads the key only after a marked entry
 * (loader/visitor.ts `mayHaveSession`).
 */
import { ENTRY_MARK } from '../../loader/protocol'

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
