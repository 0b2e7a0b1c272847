/**
 * Free questions in the chat (widget/rich/free.tsx and this chunk): when the chat
 * takes one, what the bot says for an answer and for each fallback, "Did that
 * help?" as buttons a new question can pass over, the lead attributes, and the AI
 * endpoint's streamed answer with its fallback.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type BotDocument, parseConfig } from '../config/schema'
import { createActions } from '../core/actions'
import { translator } from '../core/i18n'
import type { LeadPayload } from '../core/lead'
import { recordSnapshots } from '../core/outbox.fake'
import { createState } from '../core/state'
import { memoryKv } from '../core/storage'
import { createRich } from '../rich'
import { ANSWERING } from '../rich/free'
import { HELPFUL_KEY, ID_KEY, NO_ENTRY, QUESTION_KEY } from '.'

const ids = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'shop', customerId: 'c1' }
const TEMPLATE = JSON.parse(readFileSync('demo/templates/outdoor-shop.json', 'utf8'))
const WELCOME = 'Type your question below, or leave us a message.'
const DELIVERY =
  'Standard UK delivery is **£3.95**, free on orders over **£50**. Next-day delivery is £6.95.'
const NO_IDEA = 'Sorry, I don’t know the answer to that.'

/** The outdoor-shop template with `change` applied to its document; its chat, started. */
async function shop(
  change: (doc: typeof TEMPLATE) => void = () => {},
  o: { fetch?: typeof fetch; locale?: string } = {},
) {
  const doc = structuredClone(TEMPLATE)
  // Node 20 has no `navigator` to read the language from.
  doc.settings.general.language = 'en'
  change(doc)
  const parsed = parseConfig(doc)
  if ('issues' in parsed) throw new Error(JSON.stringify(parsed.issues))
  const config: BotDocument = parsed.config
  const rich = createRich(config, () => ids, {
    token: 'tok',
    ...(o.fetch ? { fetch: o.fetch } : {}),
  })
  const t = translator({ ...rich.strings(o.locale ?? 'en') } as never)
  const state = createState()
  const payloads: LeadPayload[] = []
  const handoff = vi.fn()
  const actions = createActions(state, {
    graph: rich.graph,
    ext: rich.ext,
    kv: memoryKv(),
    ids: () => ids,
    sync: recordSnapshots(payloads),
    phone: async () => undefined,
    t: (k) => t(k),
    handoff,
  })
  await actions.start()
  const lines = () => state.messages.value.map((m) => `${m.from}: ${m.text}`)
  const attrs = () => Object.fromEntries(state.lead.value.attributes.map((a) => [a.key, a.value]))
  const buttons = () => actions.choices().map((c) => c.label)
  /** Waits until the bot has answered (nothing but the answering step waits any more). */
  const answered = () =>
    vi.waitFor(() => expect(state.ask.value).not.toBe(ANSWERING), { timeout: 3000 })
  return { state, actions, rich, t, lines, attrs, buttons, answered, handoff, payloads }
}

describe('free questions: when the chat takes one', () => {
  it('takes text while buttons wait, and at once shows it with the answering step waiting', async () => {
    const c = await shop()
    expect(c.lines()).toEqual([
      'bot: Hi! I’m the Fernhill Outdoor bot. Ask me about delivery, returns, sizes or your order.'.replace(
        '’',
        "'",
      ),
      `bot: ${WELCOME}`,
    ])
    expect(c.buttons()).toEqual(['Leave us a message'])
    expect(c.actions.free('What does it cost to send a parcel to me?')).toBe(true)
    expect(c.lines().at(-1)).toBe('visitor: What does it cost to send a parcel to me?')
    expect(c.state.ask.value).toBe(ANSWERING)
    // Nothing else can be chosen meanwhile: the composer shows no buttons.
    expect(c.buttons()).toEqual([])
    await c.answered()
  })

  it('leaves a button’s label to the button, in any case', async () => {
    const c = await shop()
    expect(c.actions.free('leave US a message')).toBe(false)
    expect(c.lines()).toHaveLength(2)
  })

  it('leaves text to a question that waits for typed text, and to the person after a hand-off', async () => {
    const c = await shop()
    c.actions.choose({ label: 'Leave us a message' })
    expect(c.lines().at(-1)).toBe('bot: Your name, please?')
    expect(c.actions.free('How much is delivery?')).toBe(false)
    expect(await c.actions.submit('Ada Lovelace')).toBe(true)
    expect(c.state.lead.value.name).toBe('Ada Lovelace')
    c.actions.handoff()
    expect(c.actions.free('How much is delivery?')).toBe(false)
  })

  it('takes nothing for a bot without FAQ entries or an AI endpoint', async () => {
    const c = await shop((d) => {
      d.faq.items = []
    })
    expect(c.actions.free('How much is delivery?')).toBe(false)
  })

  it('takes questions after the flow ended (nothing waits), with nothing to go back to', async () => {
    const c = await shop()
    c.actions.choose({ label: 'Leave us a message' })
    for (const a of ['Ada', 'ada@example.com', 'FH-123456', 'My boots are too small'])
      expect(await c.actions.submit(a)).toBe(true)
    expect(c.state.ask.value).toBeUndefined()
    expect(c.actions.free('how much is postage')).toBe(true)
    await c.answered()
    expect(c.lines().slice(-3)).toEqual([
      'visitor: how much is postage',
      `bot: ${DELIVERY}`,
      'bot: Did that help?',
    ])
    c.actions.choose({ label: 'Yes' })
    // Yes: nothing to go back to, so nothing waits (the flow had ended).
    expect(c.state.ask.value).toBeUndefined()
    expect(c.lines().at(-1)).toBe('visitor: Yes')
  })
})

describe('free questions: an answer', () => {
  it('says the answer of the entry it matches in other words, then "Did that help?" with two buttons', async () => {
    const c = await shop()
    c.actions.free('what are your postage charges to Leeds')
    await c.answered()
    expect(c.lines().slice(2)).toEqual([
      'visitor: what are your postage charges to Leeds',
      `bot: ${DELIVERY}`,
      'bot: Did that help?',
    ])
    expect(c.buttons()).toEqual(['Yes', 'Talk to a person'])
    expect(c.attrs()).toMatchObject({
      [QUESTION_KEY]: 'what are your postage charges to Leeds',
      [ID_KEY]: 'delivery-cost',
    })
    expect(c.attrs()[HELPFUL_KEY]).toBeUndefined()
  })

  it('"Yes" is noted on the lead and the bot goes back to the buttons that waited', async () => {
    const c = await shop()
    c.actions.free('how much is postage')
    await c.answered()
    c.actions.choose({ label: 'Yes' })
    expect(c.attrs()[HELPFUL_KEY]).toBe('yes')
    expect(c.lines().slice(-2)).toEqual(['visitor: Yes', `bot: ${WELCOME}`])
    expect(c.buttons()).toEqual(['Leave us a message'])
  })

  it('"Talk to a person" is noted as not helpful and hands the chat off', async () => {
    const c = await shop()
    c.actions.free('how much is postage')
    await c.answered()
    c.actions.choose({ label: 'Talk to a person' })
    expect(c.attrs()[HELPFUL_KEY]).toBe('no')
    expect(c.state.live.value).toEqual({ phase: 'waiting' })
    expect(c.lines().slice(-2)).toEqual([
      'visitor: Talk to a person',
      'bot: Let me get you a person.',
    ])
    await vi.waitFor(() => expect(c.handoff).toHaveBeenCalledTimes(1))
  })

  it('a new question typed while "Did that help?" waits is a question, not its answer', async () => {
    const c = await shop()
    c.actions.free('how much is postage')
    await c.answered()
    expect(c.actions.free('and how long does it take to arrive')).toBe(true)
    await c.answered()
    expect(c.lines().slice(-3)).toEqual([
      'visitor: and how long does it take to arrive',
      'bot: Standard UK delivery takes 2–4 working days. Next-day delivery arrives the next working day when you order by 14:00.',
      'bot: Did that help?',
    ])
    expect(c.attrs()).toMatchObject({
      [ID_KEY]: 'delivery-time',
      [QUESTION_KEY]: 'and how long does it take to arrive',
    })
    // Not taken as a "did that help" either way.
    expect(c.attrs()[HELPFUL_KEY]).toBeUndefined()
    // "Yes" still goes back to what waited before the first question.
    c.actions.choose({ label: 'Yes' })
    expect(c.buttons()).toEqual(['Leave us a message'])
  })

  it('answers in order, each after the one before, when questions come faster than answers', async () => {
    const c = await shop()
    c.actions.free('how much is postage')
    c.actions.free('do you sell gift vouchers')
    await vi.waitFor(() =>
      expect(c.lines().filter((l) => l === 'bot: Did that help?')).toHaveLength(2),
    )
    const texts = c.lines().slice(2)
    expect(texts.indexOf(`bot: ${DELIVERY}`)).toBeLessThan(
      texts.findIndex((l) => l.includes('gift card')),
    )
  })

  it('says the strings in the chat’s language; "Talk to a person" is the catalogue’s', async () => {
    const c = await shop(() => {}, { locale: 'fr' })
    c.actions.free('how much is postage')
    await c.answered()
    expect(c.lines().at(-1)).toBe('bot: Cela vous a-t-il aidé ?')
    expect(c.buttons()).toEqual(['Oui', 'Talk to a person'])
  })
})

describe('free questions: no answer, and each fallback', () => {
  it('handoff (the default): "I don’t know", then a person is offered; "No, thanks" goes back', async () => {
    const c = await shop((d) => {
      delete d.faq.fallback
    })
    c.actions.free('are you hiring')
    await c.answered()
    expect(c.lines().slice(-3)).toEqual([
      'visitor: are you hiring',
      `bot: ${NO_IDEA}`,
      'bot: Would you like to talk to a person?',
    ])
    expect(c.buttons()).toEqual(['Talk to a person', 'No, thanks'])
    expect(c.attrs()).toMatchObject({ [QUESTION_KEY]: 'are you hiring', [ID_KEY]: NO_ENTRY })
    c.actions.choose({ label: 'No, thanks' })
    expect(c.lines().at(-1)).toBe(`bot: ${WELCOME}`)
    expect(c.state.live.value).toBeUndefined()
  })

  it('handoff: "Talk to a person" hands the chat off (the offline path decides whether anyone is there)', async () => {
    const c = await shop((d) => {
      d.faq.fallback = 'handoff'
    })
    c.actions.free('are you hiring')
    await c.answered()
    c.actions.choose({ label: 'Talk to a person' })
    expect(c.state.live.value?.phase).toBe('waiting')
    await vi.waitFor(() => expect(c.handoff).toHaveBeenCalledTimes(1))
  })

  it('none: only "I don’t know", then back to what waited; no person offered', async () => {
    const c = await shop((d) => {
      d.faq.fallback = 'none'
    })
    c.actions.free('are you hiring')
    await c.answered()
    expect(c.lines().slice(-3)).toEqual([
      'visitor: are you hiring',
      `bot: ${NO_IDEA}`,
      `bot: ${WELCOME}`,
    ])
    expect(c.buttons()).toEqual(['Leave us a message'])
    expect(c.handoff).not.toHaveBeenCalled()
  })

  it('message: "I don’t know", then the visitor leaves a message (email first), as away, without asking for a person', async () => {
    const c = await shop((d) => {
      d.faq.fallback = 'message'
    })
    c.actions.free('are you hiring')
    await vi.waitFor(() => expect(c.state.live.value?.phase).toBe('away'))
    expect(c.lines().slice(-2)).toEqual([
      `bot: ${NO_IDEA}`,
      'bot: Leave your email address and we’ll reply there.',
    ])
    expect(c.state.ask.value?.id).toBe('_awayEmail')
    expect(await c.actions.submit('ada@example.com')).toBe(true)
    expect(c.lines().at(-1)).toBe(
      'bot: Write your message below and we’ll reply to ada@example.com.',
    )
    expect(c.state.ask.value).toBeUndefined()
    expect(c.attrs()).toMatchObject({ [ID_KEY]: NO_ENTRY, [QUESTION_KEY]: 'are you hiring' })
    // Leaving a message asks for nobody: no hand-off request, no "offline" attribute.
    expect(c.handoff).not.toHaveBeenCalled()
    expect(c.attrs().offline).toBeUndefined()
    // The text box is the live composer's now: free questions are over.
    expect(c.actions.free('how much is postage')).toBe(false)
  })

  it('message, with an email already known: straight to the invitation', async () => {
    const c = await shop((d) => {
      d.faq.fallback = 'message'
    })
    c.actions.update((l) => ({ ...l, email: 'ada@example.com' }))
    c.actions.free('are you hiring')
    await vi.waitFor(() => expect(c.state.live.value?.phase).toBe('away'))
    expect(c.lines().slice(-2)).toEqual([
      `bot: ${NO_IDEA}`,
      'bot: Write your message below and we’ll reply to ada@example.com.',
    ])
  })

  it('says nothing when the chat moved on meanwhile (a hand-off before the answer came)', async () => {
    const c = await shop()
    c.actions.free('how much is postage')
    c.actions.handoff()
    await new Promise((r) => setTimeout(r, 50))
    expect(c.lines()).not.toContain(`bot: ${DELIVERY}`)
    expect(c.lines().at(-1)).toBe('bot: Let me get you a person.')
  })
})

/** Two entries only a word apart, which a question without that word cannot tell apart. */
const TWINS = [
  {
    id: 'shop-hours',
    question: 'When is the shop open?',
    answer: 'The shop is open 9 to 5.',
  },
  {
    id: 'cafe-hours',
    question: 'When is the café open?',
    answer: 'The café is open 8 to 4.',
  },
  { id: 'parking', question: 'Where can I park?', answer: 'In the car park behind us.' },
]
const SUGGESTED = 'Did you mean one of these?'

describe('free questions: "Did you mean…?"', () => {
  const twins = (fallback: string) => (d: typeof TEMPLATE) => {
    d.faq.items = TWINS
    d.faq.fallback = fallback
  }

  it('offers the entries it cannot choose between as buttons, then "Something else"; a pick says its answer and "Did that help?"', async () => {
    const c = await shop(twins('handoff'))
    c.actions.free('what time do you open')
    await c.answered()
    expect(c.lines().slice(-2)).toEqual(['visitor: what time do you open', `bot: ${SUGGESTED}`])
    expect(c.buttons()).toEqual([
      'When is the shop open?',
      'When is the café open?',
      'Something else',
    ])
    expect(c.attrs()).toMatchObject({ [QUESTION_KEY]: 'what time do you open', [ID_KEY]: NO_ENTRY })
    c.actions.choose({ label: 'When is the café open?' })
    expect(c.lines().slice(-3)).toEqual([
      'visitor: When is the café open?',
      'bot: The café is open 8 to 4.',
      'bot: Did that help?',
    ])
    expect(c.attrs()[ID_KEY]).toBe('cafe-hours')
    c.actions.choose({ label: 'Yes' })
    expect(c.attrs()[HELPFUL_KEY]).toBe('yes')
    expect(c.lines().at(-1)).toBe(`bot: ${WELCOME}`)
  })

  it('"Something else" is no answer: "I don’t know", then the fallback', async () => {
    const c = await shop(twins('handoff'))
    c.actions.free('what time do you open')
    await c.answered()
    c.actions.choose({ label: 'Something else' })
    expect(c.lines().slice(-3)).toEqual([
      'visitor: Something else',
      `bot: ${NO_IDEA}`,
      'bot: Would you like to talk to a person?',
    ])
    expect(c.attrs()[ID_KEY]).toBe(NO_ENTRY)
    c.actions.choose({ label: 'No, thanks' })
    expect(c.buttons()).toEqual(['Leave us a message'])
  })

  it('"Something else" with the fallback message: the visitor leaves a message', async () => {
    const c = await shop(twins('message'))
    c.actions.free('what time do you open')
    await c.answered()
    c.actions.choose({ label: 'Something else' })
    await vi.waitFor(() => expect(c.state.live.value?.phase).toBe('away'))
    expect(c.lines().slice(-3)).toEqual([
      'visitor: Something else',
      `bot: ${NO_IDEA}`,
      'bot: Leave your email address and we’ll reply there.',
    ])
  })

  it('a new question typed instead of a pick is a question; the suggestions are gone', async () => {
    const c = await shop(twins('none'))
    c.actions.free('what time do you open')
    await c.answered()
    expect(c.actions.free('where do i park the car')).toBe(true)
    await c.answered()
    expect(c.lines().slice(-3)).toEqual([
      'visitor: where do i park the car',
      'bot: In the car park behind us.',
      'bot: Did that help?',
    ])
    expect(c.attrs()[ID_KEY]).toBe('parking')
    // Nothing of the suggestions follows later.
    c.actions.choose({ label: 'Yes' })
    await new Promise((r) => setTimeout(r, 20))
    expect(c.lines().at(-1)).toBe(`bot: ${WELCOME}`)
  })

  it('a question near no entry gets "I don’t know", not suggestions', async () => {
    const c = await shop(twins('none'))
    c.actions.free('do you sell bikes')
    await c.answered()
    expect(c.lines()).not.toContain(`bot: ${SUGGESTED}`)
    expect(c.lines().slice(-2)).toEqual([`bot: ${NO_IDEA}`, `bot: ${WELCOME}`])
  })

  it('shows a long question as a shortened button, and says the strings in the chat’s language', async () => {
    // Words that name no topic: it matches as the short one does.
    const long = `When is the shop open, ${'and what about it '.repeat(6)}?`
    const c = await shop(
      (d) => {
        twins('none')(d)
        d.faq.items[0].question = long
      },
      { locale: 'de' },
    )
    c.actions.free('what time do you open')
    await c.answered()
    expect(c.lines().at(-1)).toBe('bot: Meinten Sie eine dieser Fragen?')
    const first = c.buttons().find((b) => b.startsWith('When is the shop'))
    expect(c.buttons()).toHaveLength(3)
    expect(c.buttons().at(-1)).toBe('Etwas anderes')
    expect(first).toHaveLength(80)
    expect(first?.endsWith('…')).toBe(true)
    expect(long.startsWith(first?.slice(0, -1) ?? '-')).toBe(true)
    c.actions.choose({ label: first as string })
    expect(c.lines().slice(-2)).toEqual([
      'bot: The shop is open 9 to 5.',
      'bot: Hat Ihnen das geholfen?',
    ])
  })
})

/** A `fetch` whose answer is the server-sent events `events`, each written after `gap` ms. */
function sse(events: string[], o: { status?: number; type?: string; gap?: number } = {}) {
  const calls: { url: string; init: RequestInit }[] = []
  const fn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} })
    const enc = new TextEncoder()
    const body = new ReadableStream<Uint8Array>({
      async start(ctrl) {
        for (const e of events) {
          if (o.gap) await new Promise((r) => setTimeout(r, o.gap))
          ctrl.enqueue(enc.encode(e))
        }
        ctrl.close()
      },
    })
    return new Response(body, {
      status: o.status ?? 200,
      headers: { 'content-type': o.type ?? 'text/event-stream' },
    })
  })
  return { fetch: fn as unknown as typeof fetch, calls }
}
const delta = (text: string) => `event: delta\ndata: ${JSON.stringify({ text })}\n\n`
const done = (faq: string[]) => `event: done\ndata: ${JSON.stringify({ faq })}\n\n`

describe('free questions: the AI endpoint', () => {
  let warn: ReturnType<typeof vi.spyOn>
  beforeEach(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  })
  afterEach(() => warn.mockRestore())
  const withAi = (timeout?: number) => (d: typeof TEMPLATE) => {
    d.ai = { url: 'https://ai.example/answer', ...(timeout ? { timeout } : {}) }
    d.faq.fallback = 'handoff'
  }

  it('shows the answer as it streams in, one message growing, then complete, with "Did that help?"', async () => {
    const net = sse(
      [delta('Standard UK '), delta('delivery is **£3.95**.'), done(['delivery-cost'])],
      {
        gap: 15,
      },
    )
    const c = await shop(withAi(), { fetch: net.fetch })
    const seen: string[] = []
    const stop = c.state.messages.subscribe((list) => {
      const m = list.at(-1)
      if (m?.from === 'bot' && m.pending) seen.push(m.text)
    })
    c.actions.free('how much is shipping')
    await c.answered()
    stop()
    expect(seen).toEqual(['Standard UK ', 'Standard UK delivery is **£3.95**.'])
    const answer = c.state.messages.value.at(-2)
    expect(answer).toMatchObject({ from: 'bot', text: 'Standard UK delivery is **£3.95**.' })
    expect(answer?.pending).toBeUndefined()
    expect(c.lines().at(-1)).toBe('bot: Did that help?')
    expect(c.buttons()).toEqual(['Yes', 'Talk to a person'])
    expect(c.attrs()[ID_KEY]).toBe('delivery-cost')
  })

  it("POSTs the ids, the question, the visitor's language and the conversation before it, with x-bp-token", async () => {
    const net = sse([delta('Hi.'), done([])])
    const c = await shop(withAi(), { fetch: net.fetch })
    c.actions.free('how much is shipping')
    await c.answered()
    const [call] = net.calls
    expect(call?.url).toBe('https://ai.example/answer')
    expect(call?.init.method).toBe('POST')
    expect(call?.init.headers).toMatchObject({
      'x-bp-token': 'tok',
      'content-type': 'application/json',
      accept: 'text/event-stream',
    })
    expect(JSON.parse(String(call?.init.body))).toEqual({
      ...ids,
      question: 'how much is shipping',
      locale: 'en',
      history: [
        {
          by: 'bot',
          text: "Hi! I'm the Fernhill Outdoor bot. Ask me about delivery, returns, sizes or your order.",
        },
        { by: 'bot', text: WELCOME },
      ],
    })
    // No FAQ entry named: the attribute says none.
    expect(c.attrs()[ID_KEY]).toBe(NO_ENTRY)
  })

  it("a French visitor's question goes with their language, so the endpoint answers in it", async () => {
    const net = sse([delta('Oui.'), done([])])
    const c = await shop(withAi(), { fetch: net.fetch, locale: 'fr-CA' })
    c.actions.free('combien coûte la livraison')
    await c.answered()
    expect(JSON.parse(String(net.calls[0]?.init.body))).toMatchObject({
      question: 'combien coûte la livraison',
      locale: 'fr-CA',
    })
  })

  it('an answer of no text is the endpoint not knowing: the fallback, without a console line', async () => {
    const c = await shop(withAi(), { fetch: sse([done([])]).fetch })
    c.actions.free('do you sell bikes')
    await c.answered()
    expect(c.lines().slice(-2)).toEqual([
      `bot: ${NO_IDEA}`,
      'bot: Would you like to talk to a person?',
    ])
    expect(warn).not.toHaveBeenCalled()
  })

  it('an error status, a stream cut before done, or an error event: the partial answer goes, the fallback runs', async () => {
    for (const net of [
      sse(['nope'], { status: 500, type: 'text/plain' }),
      sse([delta('Standard UK deliv')]),
      sse([delta('Standard UK deliv'), 'event: error\ndata: {}\n\n']),
    ]) {
      const c = await shop(withAi(), { fetch: net.fetch })
      c.actions.free('how much is shipping')
      await c.answered()
      expect(c.lines().slice(-3)).toEqual([
        'visitor: how much is shipping',
        `bot: ${NO_IDEA}`,
        'bot: Would you like to talk to a person?',
      ])
      expect(c.state.messages.value.some((m) => m.pending)).toBe(false)
    }
  })

  it(`gives up after the document's timeout without an event, and runs the fallback`, async () => {
    let aborted = false
    const hang = vi.fn(
      async (_url: unknown, init?: RequestInit) =>
        new Promise<Response>((_, reject) => {
          init?.signal?.addEventListener('abort', () => {
            aborted = true
            reject(new DOMException('aborted', 'AbortError'))
          })
        }),
    )
    const c = await shop(withAi(1000), { fetch: hang as unknown as typeof fetch })
    const started = Date.now()
    c.actions.free('how much is shipping')
    await c.answered()
    expect(aborted).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(c.lines().slice(-2)).toEqual([
      `bot: ${NO_IDEA}`,
      'bot: Would you like to talk to a person?',
    ])
  })
})
