import { afterEach, describe, expect, it, vi } from 'vitest'
import { attachmentIn, STALL_MS, upload } from './upload'

const IDS = { uuid: 'u-1', botId: 'b', customerId: 'c' }
const FILE = new Blob(['%PDF-1.7'], { type: 'application/pdf' })

/** Just what upload.ts uses of an XMLHttpRequest, recording the request. */
class FakeXhr {
  method = ''
  url = ''
  headers: Record<string, string> = {}
  body: FormData | undefined
  status = 0
  responseText = ''
  aborted = false
  upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null }
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  onabort: (() => void) | null = null
  open(method: string, url: string) {
    this.method = method
    this.url = url
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v
  }
  send(body: FormData) {
    this.body = body
  }
  abort() {
    this.aborted = true
    this.onabort?.()
  }
  /** The server's answer. */
  answer(status: number, body: unknown) {
    this.status = status
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body)
    this.onload?.()
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent)
  }
}

const start = (onProgress?: (sent: number, total: number) => void) => {
  const x = new FakeXhr()
  const u = upload(
    {
      api: 'https://api.example/v1',
      token: 'tok',
      ids: IDS,
      file: FILE,
      name: 'a.pdf',
      onProgress,
    },
    () => x as unknown as XMLHttpRequest,
  )
  return { x, u }
}
const ATTACHMENT = {
  id: 'f1',
  url: 'https://api.example/v1/inbox/direct/attachments/f1',
  name: 'a.pdf',
  size: 8,
  type: 'application/pdf',
}

afterEach(() => {
  vi.useRealTimers()
})

describe('upload', () => {
  it('posts multipart form data with the ids and the file, the token in a header (never the URL)', async () => {
    const { x, u } = start()
    expect(x.method).toBe('POST')
    expect(x.url).toBe('https://api.example/v1/inbox/direct/attachments')
    expect(x.headers).toEqual({ 'x-bp-token': 'tok' })
    expect(
      Object.fromEntries([...(x.body?.entries() ?? [])].filter(([k]) => k !== 'file')),
    ).toEqual(IDS)
    const file = x.body?.get('file') as File
    expect(file.name).toBe('a.pdf')
    expect(await file.text()).toBe('%PDF-1.7')
    x.answer(201, ATTACHMENT)
    expect(await u.done).toEqual({ status: 201, attachment: ATTACHMENT })
  })

  it('reports the bytes sent of the whole body', () => {
    const seen: number[][] = []
    const { x } = start((a, b) => seen.push([a, b]))
    x.progress(10, 400)
    x.progress(400, 400)
    x.upload.onprogress?.({ lengthComputable: false, loaded: 5, total: 0 } as ProgressEvent)
    expect(seen).toEqual([
      [10, 400],
      [400, 400],
    ])
  })

  it('resolves with the status and the server’s message of a refusal', async () => {
    const { x, u } = start()
    x.answer(415, { success: false, message: 'file: its content is not PNG…', code: 415 })
    expect(await u.done).toEqual({ status: 415, message: 'file: its content is not PNG…' })
  })

  it('counts a network error, an abort, and a 201 without a valid attachment as no answer (status 0)', async () => {
    const a = start()
    a.x.onerror?.()
    expect(await a.u.done).toEqual({ status: 0 })
    const b = start()
    b.u.abort()
    expect(b.x.aborted).toBe(true)
    expect(await b.u.done).toEqual({ status: 0 })
    const c = start()
    c.x.answer(201, '<html>proxy page</html>')
    expect(await c.u.done).toEqual({ status: 0 })
  })

  it('gives up on a stalled upload: no progress for STALL_MS', async () => {
    vi.useFakeTimers()
    const { x, u } = start()
    vi.advanceTimersByTime(STALL_MS - 1)
    x.progress(1, 10)
    vi.advanceTimersByTime(STALL_MS - 1)
    expect(x.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(x.aborted).toBe(true)
    expect(await u.done).toEqual({ status: 0 })
  })
})

describe('attachmentIn', () => {
  it('takes a complete attachment with an http(s) URL, and nothing else', () => {
    expect(attachmentIn({ ...ATTACHMENT, extra: 1 })).toEqual(ATTACHMENT)
    expect(attachmentIn({ ...ATTACHMENT, url: 'javascript:alert(1)' })).toBeUndefined()
    expect(attachmentIn({ ...ATTACHMENT, size: '8' })).toBeUndefined()
    expect(attachmentIn({ ...ATTACHMENT, id: undefined })).toBeUndefined()
    expect(attachmentIn(null)).toBeUndefined()
  })
})
