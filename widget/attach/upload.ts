/**
 * One upload to `POST {api}/inbox/direct/attachments` (our extension,
 * docs/platform-api.md "Attachments"): multipart/form-data with the fields `uuid`,
 * `botId`, `customerId` and `file`, header `x-bp-token`.
 *
 * XMLHttpRequest, not ky (the widget's HTTP client everywhere else): ky is built
 * on `fetch`, and `fetch` cannot report how much of a request body has been sent
 * (the Fetch standard has no upload progress; a streamed request body needs
 * `duplex: 'half'`, HTTP/2 and Chromium, and its reads say what was handed to the
 * network stack, not what the server got). `XMLHttpRequest.upload`'s `progress`
 * events do, in every browser the widget supports, for the visitor's progress bar.
 */
import type { Attachment } from '../core/state'

/** No progress for this long (ms) while uploading counts as a network failure (a stalled connection). */
export const STALL_MS = 30_000

/** What {@link upload} needs. */
export interface UploadRequest {
  /** `data-api-url`, without a trailing slash. */
  api: string
  token: string
  ids: { uuid: string; botId: string; customerId: string }
  file: Blob
  /** The file name sent with the part. */
  name: string
  /** Bytes sent so far of `total` (the whole request body), as the browser reports them. */
  onProgress?(sent: number, total: number): void
}

/**
 * How an upload ended: the HTTP `status` (with the 201's attachment when it is
 * valid; a 201 without one counts as `status` 0), or `status` 0 when no answer
 * came (network error, CORS, a stall of {@link STALL_MS}), or it was aborted.
 */
export interface UploadResult {
  status: number
  attachment?: Attachment
  /** The server's `message`, when it sent one. */
  message?: string
}

/** A started upload: `done` never rejects; `abort()` ends it with status 0. */
export interface Upload {
  done: Promise<UploadResult>
  abort(): void
}

/** The attachment of a 201's body, if it has every field and an http(s) URL. */
export function attachmentIn(body: unknown): Attachment | undefined {
  const a = body as Record<string, unknown> | null
  if (!a || typeof a !== 'object') return
  const { id, url, name, size, type } = a
  if (typeof id !== 'string' || typeof name !== 'string' || typeof type !== 'string') return
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url) || typeof size !== 'number') return
  return { id, url, name, size, type }
}

/** Starts the upload of `r.file`; `xhr` makes the request (tests pass a fake). */
export function upload(
  r: UploadRequest,
  xhr: () => XMLHttpRequest = () => new XMLHttpRequest(),
): Upload {
  const x = xhr()
  let stall: ReturnType<typeof setTimeout> | undefined
  const done = new Promise<UploadResult>((resolve) => {
    const end = (res: UploadResult) => {
      clearTimeout(stall)
      resolve(res)
    }
    const watch = () => {
      clearTimeout(stall)
      stall = setTimeout(() => x.abort(), STALL_MS)
    }
    x.upload.onprogress = (e) => {
      watch()
      if (e.lengthComputable) r.onProgress?.(e.loaded, e.total)
    }
    x.onerror = x.onabort = () => end({ status: 0 })
    x.onload = () => {
      let body: unknown
      try {
        body = JSON.parse(x.responseText)
      } catch {
        /* not JSON: the status says enough */
      }
      const message = (body as { message?: unknown } | undefined)?.message
      const res: UploadResult = { status: x.status }
      if (typeof message === 'string') res.message = message.slice(0, 300)
      if (x.status === 201) {
        const attachment = attachmentIn(body)
        if (!attachment) return end({ status: 0 })
        res.attachment = attachment
      }
      end(res)
    }
    const form = new FormData()
    for (const [k, v] of Object.entries(r.ids)) form.append(k, v)
    form.append('file', r.file, r.name)
    x.open('POST', `${r.api}/inbox/direct/attachments`)
    x.setRequestHeader('x-bp-token', r.token)
    watch()
    x.send(form)
  })
  return { done, abort: () => x.abort() }
}
