/**
 * One server-sent events stream (WHATWG HTML, "Server-sent events"), written by
 * hand rather than with `hono/streaming` so that every write is a synchronous
 * enqueue: events leave in exactly the order the hub sends them, and a replay read
 * from SQLite and the subscription happen in one tick (nothing slips between).
 */

const encoder = new TextEncoder()

/** Options of {@link openSse}. */
export interface SseOptions {
  /** Interval of the heartbeat comment (ms). */
  heartbeatMs: number
  /**
   * Events a reader may fall behind before the stream is closed (a stuck reader
   * must not grow server memory without bound; it resumes with `Last-Event-ID`).
   */
  maxQueue: number
  /** Aborts with the request (the client went away). */
  signal?: AbortSignal
  /** Called once when the stream ends, whoever ended it. */
  onClose: () => void
}

/** The writing side of one open stream. */
export interface SseStream {
  /** Sends one event; `data` is JSON-encoded (one line); `id` becomes the SSE `id:`. */
  send(event: string, data: unknown, id?: string): void
  /**
   * Sends events as one chunk (a replay), so a long replay counts as one event
   * against `maxQueue`.
   */
  sendAll(events: { event: string; data: unknown; id?: string }[]): void
  /** Sends a comment line (`: text`), which readers ignore. */
  comment(text: string): void
  /** Ends the stream (idempotent). */
  close(): void
  readonly closed: boolean
}

/**
 * Opens a stream. Returns the body to answer with and its writer. The body starts
 * with a `: connected` comment so the response head and first bytes leave at once.
 */
export function openSse(opts: SseOptions): { body: ReadableStream<Uint8Array>; stream: SseStream } {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let closed = false
  let timer: ReturnType<typeof setInterval> | undefined
  const finish = (cancelled: boolean) => {
    if (closed) return
    closed = true
    clearInterval(timer)
    opts.signal?.removeEventListener('abort', abort)
    if (!cancelled) controller.close()
    opts.onClose()
  }
  const abort = () => finish(false)
  const write = (text: string) => {
    if (closed) return
    // desiredSize is 1 minus the chunks the reader has not taken yet.
    if ((controller.desiredSize ?? 0) < -opts.maxQueue) finish(false)
    else controller.enqueue(encoder.encode(text))
  }
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
    cancel: () => finish(true),
  })
  const format = (event: string, data: unknown, id?: string) =>
    `event: ${event}\n${id ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`
  const stream: SseStream = {
    send(event, data, id) {
      write(format(event, data, id))
    },
    sendAll(events) {
      if (events.length) write(events.map((e) => format(e.event, e.data, e.id)).join(''))
    },
    comment(text) {
      write(`: ${text}\n\n`)
    },
    close: abort,
    get closed() {
      return closed
    },
  }
  stream.comment('connected')
  if (opts.signal?.aborted) abort()
  else {
    opts.signal?.addEventListener('abort', abort)
    timer = setInterval(() => stream.comment('heartbeat'), opts.heartbeatMs)
  }
  return { body, stream }
}
