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
