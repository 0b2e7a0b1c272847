/**
 * Reads a `text/event-stream` response body with eventsource-parser, collecting its
 * events and comments; for the live chat tests and the load test (bench/loadtest.ts).
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser'

/** An open stream being read; see {@link readSse}. */
export interface SseReader {
  /** Events so far, in order (`event` is `undefined` for unnamed events). */
  readonly events: EventSourceMessage[]
  /** Comment lines so far, without the leading colon and space. */
  readonly comments: string[]
  /**
   * Resolves once `test(events, comments)` holds (checked now and after each
   * event or comment); rejects after `timeoutMs` (default 2000) or when the stream ends first.
   */
  until(
    test: (events: EventSourceMessage[], comments: string[]) => boolean,
    timeoutMs?: number,
  ): Promise<void>
  /** Resolves when the stream has ended (by either side). */
  readonly ended: Promise<void>
  /** Cancels the body: the server sees the client go away. */
  close(): Promise<void>
}

/** Starts reading `res.body`; `onEvent` (optional) sees each event as it is parsed. */
export function readSse(res: Response, onEvent?: (e: EventSourceMessage) => void): SseReader {
  if (!res.body) throw new Error('response has no body')
  const reader = res.body.getReader()
  const events: EventSourceMessage[] = []
  const comments: string[] = []
  const waiters = new Set<() => void>()
  const wake = () => {
    for (const w of [...waiters]) w()
  }
  let done = false
  const parser = createParser({
    onEvent(e) {
      events.push(e)
      onEvent?.(e)
      wake()
    },
    onComment(c) {
      comments.push(c.trim())
      wake()
    },
  })
  const decoder = new TextDecoder()
  const ended = (async () => {
    try {
      for (;;) {
        const { done: end, value } = await reader.read()
        if (end) break
        parser.feed(decoder.decode(value, { stream: true }))
      }
    } catch {
      // Cancelled or broken: the stream has ended either way.
    } finally {
      done = true
      wake()
    }
  })()
  return {
    events,
    comments,
    ended,
    until(test, timeoutMs = 2000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (test(events, comments)) finish()
          else if (done) finish(new Error('stream ended before the condition held'))
        }
        const timer = setTimeout(
          () => finish(new Error(`condition not met within ${timeoutMs} ms`)),
          timeoutMs,
        )
        const finish = (err?: Error) => {
          clearTimeout(timer)
          waiters.delete(check)
          if (err) reject(err)
          else resolve()
        }
        waiters.add(check)
        check()
      })
    },
    async close() {
      await reader.cancel().catch(() => {})
      await ended
    },
  }
}
