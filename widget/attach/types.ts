/**
 * What files the live chat takes (docs/platform-api.md, "Attachments"): images
 * (PNG, JPEG, GIF, WebP) and PDFs up to 10 MiB, recognised by their bytes. The
 * demo server (demo/live/attachments.ts) checks uploads with the same table.
 * Apart from sniff.ts, so that the live chunk's attach button (its `accept` list)
 * does not carry the sniffer.
 */

/** Largest file accepted (bytes): 10 MiB. */
export const MAX_ATTACHMENT = 10 * 1024 * 1024

/** Accepted content types, as {@link sniff} names them. */
export const TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
] as const

/** An accepted content type. */
export type AttachmentType = (typeof TYPES)[number]

/**
 * Storage key of a visitor's files waiting to be sent (IndexedDB `reekolect`/`kv`,
 * `{at, files: {name, type, file}[]}`): a `chat:` key, so the retention sweep
 * removes it with the saved conversations (core/sweep.ts).
 */
export const filesKey = (uuid: string) => `chat:${uuid}:files`
