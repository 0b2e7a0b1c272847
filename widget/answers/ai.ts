/**
 * The client of an AI answer endpoint (our extension, docs/platform-api.md "Our
 * extensions: AI answers"): the bot configuration document's `ai.url` takes a
 * visitor's free question and streams the answer back as server-sent events, read
 * with `fetch` and eventsource-parser (as the live chat stream is, widget/live/).
 */
import { createParser } from 'eventsource-parser'
import { report } from '../../loader/log'
import type { LeadIds } from '../core/lead'

/** One earlier message of the conversation, as the endpoint gets it. */
export interface AiTurn {
  by: 'visitor' | 'bot' | 'agent'
  text: string
}

/** The JSON body POSTed to the endpoint: the conversation's ids, the question and what came before it. */
export interface AiRequest extends LeadIds {
  question: string
  /**
   * The language the visitor reads the bot in (BCP 47: `data-locale`, the last
   * `setLocale`, else the browser's, as the chat picked it), so the endpoint
   * answers in it and from that language's FAQ entries (docs/platform-api.md).
   */
  locale: string
  /** The messages before the question, oldest first: at most {@link MAX_HISTORY}, each cut at {@link MAX_TURN} characters. */
  history: AiTurn[]
}

/** A complete answer: its text, and the ids of the FAQ entries it was made from (`[]`: none named). */
export interface AiAnswer {
  text: string
  faq: string[]
}

/** Most earlier messages sent with a question. */
export const MAX_HISTORY = 20
/** Longest text of one earlier message sent with a question (characters); longer ones are cut. */
export const MAX_TURN = 1000
/** Longest answer (characters): an endpoint that streams more has failed (the transcript takes 5,000 per message). */
export const MAX_ANSWER = 4000
/** Most FAQ ids a `done` event may name; more are ignored. */
const MAX_IDS = 20
/** Most bytes of one event the parser holds (as the live chat stream's). */
const MAX_BUFFER = 1 << 16

/** Where and how {@link askAi} asks. */
export interface AiOptions {
  /** The endpoint (`ai.url`). */
  url: string
  /** The tag's `data-token`, sent as `x-bp-token`. */
  token: string
  /** Time without an event (the first included) after which the answer is given up (ms; `ai.timeout`). */
  timeout: number
  /** Called with the whole answer so far, after each `delta` that adds text. */
  onText(text: string): void
  /** `fetch` (tests pass a fake). Default: the page's. */
  fetch?: typeof fetch
}

const isStr = (v: unknown): v is string => typeof v === 'string'

/**
 * The history of a question: `messages` (the conversation before it), newest
 * {@link MAX_HISTORY}, each text cut at {@link MAX_TURN} characters; messages
 * without text (an image) are left out.
 */
export function historyOf(messages: readonly { from: AiTurn['by']; text: string }[]): AiTurn[] {
  return messages
    .filter((m) => m.text)
    .slice(-MAX_HISTORY)
    .map((m) => ({ by: m.from, text: m.text.slice(0, MAX_TURN) }))
}

/**
 * POSTs `body` as JSON to `o.url` (headers `x-bp-token`, `accept: text/event-stream`)
 * and reads the answer: `delta` events (`{"text": "…"}`, appended in order, each
 * reported to `o.onText`), then `done` (`{"faq": ["id", …]}`). Other events are
 * ignored, as an `EventSource` ignores events nobody listens to.
 *
 * Resolves with the answer at `done`, or `undefined` (with one `W_AI` line per
 * page) when there is none to show: a network error, a non-2xx answer or one that
 * is not `text/event-stream`, an `error` event, a stream that ends before `done`,
 * an answer over {@link MAX_ANSWER} characters, or `o.timeout` ms without an
 * event. An answer of no text at `done` is the endpoint not knowing: `undefined`
 * without a line. Never rejects.
 */
export async function askAi(body: AiRequest, o: AiOptions): Promise<AiAnswer | undefined> {
  const ctrl = new AbortController()
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let why = ''
  const stop = (reason: string) => {
    why ||= reason
    ctrl.abort()
    // Ends a read in progress even where aborting the request does not reach its body.
    void reader?.cancel().catch(() => {})
  }
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => stop(`no answer within ${o.timeout} ms`), o.timeout)
  }
  let text = ''
  let result: AiAnswer | undefined
  let ended = false
  try {
    arm()
    const res = await (o.fetch ?? fetch)(o.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'x-bp-token': o.token,
      },
      body: JSON.stringify(body),
      signal: ctrl.signal,
    })
    if (!res.ok || !res.body || !/^text\/event-stream/i.test(res.headers.get('content-type') ?? ''))
      why = `the AI endpoint answered ${res.status} ${res.headers.get('content-type') ?? ''}`.trim()
    else {
      const parser = createParser({
        maxBufferSize: MAX_BUFFER,
        onError: (e) => {
          if (e.type === 'max-buffer-size-exceeded') stop('an event of the AI answer was too large')
        },
        onEvent(e) {
          if (ended) return
          let data: Record<string, unknown> | undefined
          try {
            data = JSON.parse(e.data)
          } catch {
            /* not JSON: as an unknown event */
          }
          if (e.event === 'delta' && isStr(data?.text) && data.text) {
            text += data.text
            if (text.length > MAX_ANSWER) {
              ended = true
              return stop(`the AI answer was longer than ${MAX_ANSWER} characters`)
            }
            o.onText(text)
          } else if (e.event === 'done') {
            const ids = Array.isArray(data?.faq) ? data.faq.filter(isStr) : []
            result = { text, faq: ids.slice(0, MAX_IDS).map((id) => id.slice(0, 64)) }
            ended = true
          } else if (e.event === 'error') {
            why = 'the AI endpoint sent an error event'
            ended = true
          }
        },
      })
      reader = res.body.getReader()
      const decoder = new TextDecoder()
      while (!ended) {
        const { done, value } = await reader.read()
        if (done) break
        arm()
        parser.feed(decoder.decode(value, { stream: true }))
      }
      if (ended) void reader.cancel().catch(() => {})
      else why ||= 'the AI answer stream ended before its done event'
    }
  } catch {
    why ||= 'the AI endpoint could not be reached'
  } finally {
    clearTimeout(timer)
  }
  if (result) return result.text.trim() ? result : undefined
  report(
    'W_AI',
    `${why}; the bot answered with its fallback`,
    'check ai.url and docs/platform-api.md, "Our extensions: AI answers"',
  )
  return undefined
}
