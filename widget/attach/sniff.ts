/**
 * Recognises an accepted file (types.ts) by its first bytes, as the demo server
 * (demo/live/attachments.ts) does with the same function.
 */
import type { AttachmentType } from './types'

/** Bytes {@link sniff} needs from the start of a file. */
export const SNIFF_BYTES = 16

/**
 * The content type of `bytes` (the start of a file) by its magic number (WHATWG
 * MIME Sniffing, "Matching an image type pattern", and the PDF signature
 * `%PDF-`), or `undefined` when it is none of the accepted types (types.ts `TYPES`): whatever a file's
 * name or declared type claims.
 */
export function sniff(bytes: Uint8Array): AttachmentType | undefined {
  const is = (offset: number, sig: string) =>
    [...sig].every((c, i) => bytes[offset + i] === c.charCodeAt(0))
  if (is(0, '\x89PNG\r\n\x1a\n')) return 'image/png'
  if (is(0, '\xff\xd8\xff')) return 'image/jpeg'
  if (is(0, 'GIF87a') || is(0, 'GIF89a')) return 'image/gif'
  if (is(0, 'RIFF') && is(8, 'WEBPVP')) return 'image/webp'
  if (is(0, '%PDF-')) return 'application/pdf'
  return undefined
}
