import { warn } from '../widget/core/log'

/**
 * `sessionStorage` key of the visitor's UUID. The platform reads the UUID "from
 * the local web session storage" (seed 001, "Get the essentials first", A), so it
 * lives per tab and survives reloads and navigation within the site.
 */
export const UUID_KEY = 'reekolect:uuid'

/** A fresh RFC 4122 version 4 UUID. `crypto.randomUUID` needs a secure context, so plain-http hosts get the same from `getRandomValues`. */
export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function' && isSecureContext) return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
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
      warn(
        'W_STORAGE',
        'sessionStorage is not available',
        'the visitor id lasts until the page is closed',
      )
    }
  }
  return {
    get(): string {
      if (id) return id
      try {
        id = storage().getItem(UUID_KEY) || undefined
      } catch {
        /* fall through to a new id kept in memory */
      }
      if (!id) {
        id = newUuid()
        save(id)
      }
      return id
    },
    reset(): string {
      id = newUuid()
      save(id)
      return id
    },
  }
}
