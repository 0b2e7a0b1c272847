/** Network accounting of one page from CDP Network events, and file sizes (raw, brotli). */
import { brotliCompressSync, constants as zlib } from 'node:zlib'
import type { CDPSession } from '@playwright/test'
import { sleep } from './util'

/** Sizes of every file measured so far, by URL. */
export const sizes = new Map<string, { raw: number; br: number }>()

/** Raw and brotli (quality 11) size of the file behind `url`, fetched from the demo server. */
export async function sizeOf(url: string): Promise<{ raw: number; br: number }> {
  const known = sizes.get(url)
  if (known) return known
  const buf = Buffer.from(await (await fetch(url)).arrayBuffer())
  const br = brotliCompressSync(buf, {
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: 11,
      [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
      [zlib.BROTLI_PARAM_SIZE_HINT]: buf.length,
    },
  }).length
  const s = { raw: buf.length, br }
  sizes.set(url, s)
  return s
}

interface Req {
  url: string
  type: string
  /** Date.now() when it was sent. */
  sent: number
  /** Bytes on the wire (headers + body) from Network.loadingFinished. */
  encoded?: number
  done: boolean
}

/** Network activity of one page, from CDP Network events. */
export class NetLog {
  readonly reqs = new Map<string, Req>()
  private last = Date.now()

  constructor(cdp: CDPSession) {
    cdp.on('Network.requestWillBeSent', (e) => {
      this.reqs.set(e.requestId, {
        url: e.request.url,
        type: e.type ?? '',
        sent: Date.now(),
        done: false,
      })
      this.last = Date.now()
    })
    cdp.on('Network.responseReceived', (e) => {
      const r = this.reqs.get(e.requestId)
      if (r) r.type = e.type
    })
    cdp.on('Network.loadingFinished', (e) => {
      const r = this.reqs.get(e.requestId)
      if (r) Object.assign(r, { encoded: e.encodedDataLength, done: true })
      this.last = Date.now()
    })
    cdp.on('Network.loadingFailed', (e) => {
      const r = this.reqs.get(e.requestId)
      if (r) r.done = true
      this.last = Date.now()
    })
  }

  /** Finished script responses sent at or after `since` (Date.now()). */
  scripts(since = 0): Req[] {
    return [...this.reqs.values()].filter((r) => r.type === 'Script' && r.done && r.sent >= since)
  }

  has(pattern: RegExp): boolean {
    return [...this.reqs.values()].some((r) => r.done && pattern.test(r.url))
  }

  /** Resolves when nothing was in flight for `quietMs`. */
  async idle(quietMs: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const busy = [...this.reqs.values()].some((r) => !r.done)
      if (!busy && Date.now() - this.last >= quietMs) return
      if (Date.now() > deadline) throw new Error('network did not go idle')
      await sleep(50)
    }
  }

  /** Wire bytes, raw file bytes and brotli bytes of scripts sent since `since`. */
  async jsBytes(since = 0) {
    let wire = 0
    let raw = 0
    let br = 0
    const urls: string[] = []
    for (const r of this.scripts(since)) {
      const s = await sizeOf(r.url)
      wire += r.encoded ?? 0
      raw += s.raw
      br += s.br
      urls.push(new URL(r.url).pathname)
    }
    return { wire, raw, br, urls }
  }
}
