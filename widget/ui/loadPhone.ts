/** The phone chunk's module (phone.ts): number parsing and the dial-code picker. */
export type PhoneChunk = typeof import('./phone')

let chunk: Promise<PhoneChunk> | undefined

/**
 * Imports the phone chunk (libphonenumber-js and the dial-code picker) once, for
 * the composer's picker and the actions' phone check alike. A failed import (a
 * network blip) is not kept: the next call tries again.
 * @returns the chunk's module; rejects when it cannot load.
 */
export function loadPhone(): Promise<PhoneChunk> {
  chunk ??= import('./phone').catch((e: unknown) => {
    chunk = undefined
    throw e
  })
  return chunk
}
