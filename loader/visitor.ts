import { report } from '../widget/core/log'

/**
 * `sessionStorage` key of the visitor's UUID. The platform reads the UUID "from
 * the local web session storage" (seed 001, "Get the essentials first", A), so it
 * lives per tab and survives reloads and navigation within the site.
 */
export const UUID_KEY = 'reekolect:uuid'

/**
 * `sessionStorage` key the widget writes and the loader reads on the next page of
 * the tab: `'1'` while the chat is open (reopen it at once), `'sync'` while a lead
 * snapshot waits to be delivered (load the widget, closed, to send it), else absent.
 */
export const SESSION_KEY = 'reekolect:open'

/**
 * The part of a window {@link mayHaveSession} reads. `navigation` is the Navigation
 * API (Chromium 102+, Safari 26.2+, Firefox 147+), absent elsewhere.
 */
export interface TabLike {
  opener: unknown
  history: { length: number }
  navigation?: {
    /** The navigation that made this document current; `from` is the previous document's entry when it was of the same origin (also on reload), else null. */
    activation?: {
      from: unknown
      navigationType: 'push' | 'replace' | 'reload' | 'traverse'
    } | null
  }
}

/**
 * Whether an earlier page of this site may have left {@link SESSION_KEY} in this
 * tab's `sessionStorage`, answered without touching storage. The first read of
 * `sessionStorage` in a document makes two synchronous IPCs to the browser (a
 * storage permission check, then loading the tab's storage area); timed in the
 * bench page it blocked the host's main thread for 1–24 ms at page load (medians
 * 2–6 ms at 1x, Chromium 156), about a third of the loader's cost at 4x.
 *
 * `false` only when no earlier page of this origin ran just before this one in
 * this tab: no opener (a window opened by script starts with a copy of its
 * opener's session) and, with the Navigation API, the previous document was not of
 * this origin (`navigation.activation.from` is null: a new tab, or arriving from
 * another site) and this is not a back/forward navigation; without the API, the
 * tab's first history entry. A reload has `from` set (checked in Chromium 156). So
 * a chat open on the previous page of the site reopens on the next one, after a
 * reload and on back/forward, but not when the visitor comes back through another
 * site. A lead still waiting from an earlier visit to this site in the same tab is then
 * delivered the next time the chat loads, on any page of the site (the outbox is
 * per origin, not per tab).
 *
 * @see https://html.spec.whatwg.org/multipage/nav-history-apis.html#navigation-activation-interface
 */
export function mayHaveSession(w: TabLike): boolean {
  const a = w.navigation?.activation
  return !!w.opener || (a ? !!a.from || a.navigationType === 'traverse' : w.history.length > 1)
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
