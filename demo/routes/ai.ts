/**
 * The demo's AI answer endpoint (our extension, docs/platform-api.md "Our
 * extensions: AI answers"): `POST /demo/ai` answers a visitor's free question by
 * retrieval over the bot's FAQ, with the widget's own matcher (widget/faq), no
 * model, in the visitor's language (`locale`, by the widget's fallback chain).
 * It streams the entry's answer a few words at a time, as a model would,
 * so the widget's streaming path runs end to end. A bot configuration document
 * points at it with `"ai": {"url": "<origin>/demo/ai"}`; the bot's FAQ is that of
 * its saved document, else of the template named like the bot (as
 * `GET /widget/:botId/config.json` finds it).
 */
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { streamSSE } from 'hono/streaming'
import * as v from 'valibot'
import { faqLanguage, localizeDocument } from '../../widget/config/locale'
import { parseConfig } from '../../widget/config/schema'
import { createFaq, type Faq, readerFor } from '../../widget/faq'
import type { DemoState } from '../state'

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(128))
const text = (max: number) => v.pipe(v.string(), v.maxLength(max))

/** The request body; extra fields are ignored. */
export const AiBody = v.object({
  uuid: id,
  botId: id,
  customerId: id,
  question: v.pipe(
    text(1000),
    v.check((s) => s.trim() !== '', 'must not be empty'),
  ),
  /** The visitor's language (BCP 47); without it, the document's own. */
  locale: v.optional(text(35)),
  history: v.pipe(
    v.array(v.object({ by: v.picklist(['visitor', 'bot', 'agent']), text: text(5000) })),
    v.maxLength(100),
  ),
})

/** Pause between two `delta` events (ms), unless the URL's `?delay=` (0–2000) says otherwise. */
export const DELAY_MS = 40
/** Words per `delta` event. */
const WORDS = 3

/** The answer of `text` in pieces of {@link WORDS} words, each with the spaces after it: joined, they are `text`. */
export function pieces(text: string): string[] {
  const words = text.match(/\S+\s*/g) ?? []
  const out: string[] = []
  for (let i = 0; i < words.length; i += WORDS) out.push(words.slice(i, i + WORDS).join(''))
  const lead = text.match(/^\s+/)?.[0]
  if (lead && out.length) out[0] = lead + out[0]
  return out
}

/** The AI endpoint's route, on the shared demo state (its token, database and templates). */
export function aiAnswers(state: DemoState): Hono {
  const app = new Hono()
  /** The matcher of the last document and language asked about, rebuilt when either changes. */
  let cached: { doc: string; locale: string | undefined; faq: Faq } | undefined
  const faqOf = async (
    doc: string | undefined,
    locale: string | undefined,
  ): Promise<Faq | undefined> => {
    if (!doc) return undefined
    if (cached?.doc === doc && cached.locale === locale) return cached.faq
    let parsed: ReturnType<typeof parseConfig>
    try {
      parsed = parseConfig(JSON.parse(doc))
    } catch {
      return undefined
    }
    // The FAQ in the visitor's language, by the widget's fallback chain (without
    // one: the document's defaultLocale, else English), with that language's
    // entries, its words read as that language's (stems, stop words).
    if (!('config' in parsed)) return undefined
    const items = localizeDocument(parsed.config, locale).faq?.items ?? []
    const reader = await readerFor(faqLanguage(parsed.config, locale))
    cached = { doc, locale, faq: createFaq(items, { reader }) }
    return cached.faq
  }

  app.use(
    '/demo/ai',
    cors({
      origin: '*',
      allowMethods: ['POST'],
      allowHeaders: ['content-type', 'x-bp-token'],
      maxAge: 600,
    }),
  )
  app.post('/demo/ai', async (c) => {
    if (c.req.header('x-bp-token') !== state.token)
      return c.json({ success: false, message: 'missing or wrong x-bp-token', code: 401 }, 401)
    const body = v.safeParse(AiBody, await c.req.json().catch(() => undefined))
    if (!body.success) {
      const issue = body.issues[0]
      const message = `${v.getDotPath(issue) ?? 'body'}: ${issue.message}`
      return c.json({ success: false, message, code: 400 }, 400)
    }
    const { botId, question, locale } = body.output
    const origin = new URL(c.req.url).origin
    const faq = await faqOf(state.db.getConfig(botId) ?? state.template(botId, origin), locale)
    const found = faq?.match(question)
    const delay = Math.min(2000, Math.max(0, Number(c.req.query('delay') ?? DELAY_MS) || 0))
    return streamSSE(c, async (stream) => {
      for (const [i, piece] of pieces(found?.item.answer ?? '').entries()) {
        if (stream.aborted) return
        if (i && delay) await stream.sleep(delay)
        await stream.writeSSE({ event: 'delta', data: JSON.stringify({ text: piece }) })
      }
      await stream.writeSSE({
        event: 'done',
        data: JSON.stringify({ faq: found ? [found.item.id] : [] }),
      })
    })
  })
  return app
}
