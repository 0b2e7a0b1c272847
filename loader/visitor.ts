import { report } from './log'
import { SESSION_KEY, UUID_KEY } from './protocol'

/** A session history entry of the Navigation API: the part {@link mayHaveSession} reads (and the widget's `markEntry` writes). */
export interface EntryLike {
  /** The entry's navigation API state: `undefined` unless a script set one (not the History API's `history.state`). */
  getState(): unknown
}

/**
 * The part of a window {@link mayHaveSession} reads. `navigation` is the Navigation
 * API (Chromium 102+, Safari 26.2+, Firefox 147+), absent elsewhere.
 */
export interface TabLike {
  opener: unknown
  history: { length: number }
  navigation?: {
    /** The tab's session history entries of this origin around the current one (a detour through another site ends them). */
    entries(): EntryLike[]
    /**
     * The navigation that made this document current; `from` is the previous
     * document's entry when it was of the same origin (also on reload: the same
     * entry), else null.
     */
    activation?: {
      from: EntryLike | null
      navigationType: 'push' | 'replace' | 'reload' | 'traverse'
    } | null
  }
}

/**
 * Whether an earlier page of this site may have left {@link SESSION_KEY} in this
 * tab's `sessionStorage`, answered without touching storage. The first read of
 * `sessionStorage` in a document makes two synchronous IPCs to the browser (a
 * storage permission check, then loading the tab's storage area); timed in the
 * bench page it blocked the host's main thread for 1–20 ms at page load (median
 * about 2 ms at 1x, 6 ms at 4x CPU throttling; Chromium 150 and 156): a third of
 * the loader's cost.
 *
 * `true` when a window opened this one (a window opened by script starts with a
 * copy of its opener's session). With the Navigation API, otherwise `true` only
 * when an entry of this origin in the tab's history has a state: the previous
 * document's (`navigation.activation.from`, also on reload, where it is the same
 * entry: checked in Chromium 150 and 156) or any of `navigation.entries()`, so a
 * page of the site without the widget in between, or one left before its chat
 * loaded, does not break the chain. The widget leaves {@link ENTRY_MARK} on every
 * page where the chat is open or a lead waits; a host may leave its own state,
 * which counts too. (Not covered: the marked entry replaced by `location.replace`
 * and the page that replaced it left before its chat loaded.) Also `true` on a
 * back/forward navigation from another site. States written while a page unloads
 * are dropped by the browser, the host's and ours alike (checked:
 * `history.replaceState` in `pagehide` neither clears nor sets it), so a mark
 * cannot be lost on the way out. Without the API: any but the tab's first history
 * entry.
 *
 * So a chat open on an earlier page of the site reopens on the next one, after a
 * reload and on back/forward, and a waiting lead is delivered there; a visitor who
 * has not used the chat in this tab costs no page a read; a visitor coming back
 * through another site starts closed (`entries()` stops at the other site). A lead
 * still waiting from an earlier visit to this site in the same tab is then
 * delivered the next time the chat loads, on any page of the site (the outbox is
 * per origin, not per tab).
 *
 * @see https://html.spec.whatwg.org/multipage/nav-history-apis.html#navigation-activation-interface
 */
export function mayHaveSession(w: TabLike): boolean {
  const n = w.navigation
  const a = n?.activation
  return (
    !!w.opener ||
    (a
      ? (!a.from && a.navigationType === 'traverse') ||
        [a.from, ...(n?.entries() ?? [])].some((e) => e && e.getState() !== undefined)
      : w.history.length > 1)
  )
}

/**
 * A fresh RFC 4122 version 4 UUID from `crypto.getRandomValues`, which, unlike
 * `crypto.randomUUID`, also exists outside secure contexts (plain-http hosts):
 * one implementation for every page.
 */
export function newUuid(): string {
  return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
    (+c ^ ((crypto.getRandomValues(new Uint8Array(1))[0] as number) & (15 >> (+c / 4)))).toString(
      16,
    ),
  )
}

/** Just the part of the Storage interface the visitor store needs. */
export type SessionLike = Pick<Storage, 'getItem' | 'setItem'>

/**
 * The visitor's identity for this tab.
 *
 * `get()` returns the stored UUID, or creates one and stores it under
 * {@link UUID_KEY}. When storage throws (private modes, sandboxed frames, quota),
 * the UUID lives in memory for the life of the page and one `W_STORAGE` warning is
 * logged; the chat still works. `reset()` starts a new visitor.
 *
 * @param storage returns the session storage; may itself throw (reading
 *   `window.sessionStorage` throws in sandboxed frames). Default: `sessionStorage`.
 */
export function createVisitor(storage: () => SessionLike = () => sessionStorage) {
  let id: string | undefined
  const save = (v: string) => {
    try {
      storage().setItem(UUID_KEY, v)
    } catch {
      report('W_STORAGE', 'no sessionStorage', 'the visitor id lasts for this page only')
    }
  }
  const visitor = {
    get(): string {
      if (!id) {
        try {
          id = storage().getItem(UUID_KEY) || undefined
        } catch {
          /* fall through to a new id kept in memory */
        }
      }
      return id || visitor.reset()
    },
    reset(): string {
      id = newUuid()
      save(id)
      return id
    },
  }
  return visitor
}
