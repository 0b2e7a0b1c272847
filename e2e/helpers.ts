/**
 * Shared steps of the e2e specs: they drive the built bundle (`dist/`) through
 * what a visitor sees (roles and names, piercing the widget's open shadow root)
 * and check the platform side through the public listing API (docs/platform-api.md,
 * `GET /inbox/direct/chats`, header `x-bot-token`).
 */
import { createRequire } from 'node:module'
import { type APIRequestContext, expect, type Locator, type Page } from '@playwright/test'

/** Token the e2e demo server accepts (playwright.config.ts). */
export const TOKEN = 'demo-token'

/** `sessionStorage` key of the visitor UUID (loader/visitor.ts, docs/platform-api.md). */
export const UUID_KEY = 'reekolect:uuid'

/**
 * A value as the bot inserts it into a sentence: wrapped in FSI…PDI when it holds
 * right-to-left letters or directional controls (widget/core/flow.ts `fill`).
 */
export const isolated = (value: string): string =>
  /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(
    value,
  )
    ? `\u2068${value}\u2069`
    : value

/** Texts of the built-in lead-capture flow in English (widget/core/i18n.ts). */
export const TEXT = {
  greet: 'Hi there! I can help you get in touch with our team.',
  askName: 'What is your name?',
  askEmail: (name: string) => `Thanks, ${isolated(name)}! What is your email address?`,
  askPhone: 'And your phone number, so we can call you back?',
  askTopic: 'What can we help you with?',
  thanks: 'Thank you! Our team will get back to you shortly.',
  /** The choice after the thanks, and what the bot says when it is chosen. */
  talk: 'Talk to a person',
  handoff: 'Let me get you a person.',
  errEmail: 'Please enter a valid email address, like name@example.com.',
  topics: ['Pricing and sales', 'Support', 'Something else'],
} as const

/** One chat of the listing (docs/platform-api.md). */
export interface Chat {
  _id: string
  uuid: string
  createdAt: string
  updatedAt: string
  status: string
  profile: {
    notes: { title: string; description: string; _id: string }[]
    userDetails: {
      name: string | null
      contact: { email: string | null; phone: { number: string | null; prefix: string | null } }
      tags: string[]
      attributes: { key: string; value: string }[]
    }
  }
}

/** Bot and customer ids no other test uses: `<prefix>-bot-<random>`, valid tag ids (`[\w-]{1,64}`). */
export function uniqueIds(prefix: string): { bot: string; customer: string; suffix: string } {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
  return { bot: `${prefix}-bot-${suffix}`, customer: `${prefix}-cust-${suffix}`, suffix }
}

/** What else a host page URL carries: `config` (data-config-url), `locale` (data-locale), `api` (data-api-url), `retention` (data-retention-days), `page`. */
export interface HostOptions {
  /** `host.html` (default) or `second.html`: another page of the same demo site. */
  page?: 'host.html' | 'second.html'
  config?: string
  locale?: string
  /** `data-api-url`; default `/` (the demo server itself). */
  api?: string
  /** `data-retention-days`; default none (30 days). */
  retention?: string
}

/** URL of the generic host page (demo/e2e/host.html) embedding the widget with these ids. */
export function hostUrl(
  ids: { bot: string; customer: string },
  token = TOKEN,
  { page = 'host.html', config, locale, api, retention }: HostOptions = {},
): string {
  const q = new URLSearchParams({ bot: ids.bot, customer: ids.customer, token })
  if (config) q.set('config', config)
  if (retention !== undefined) q.set('retention', retention)
  if (api) q.set('api', api)
  if (locale) q.set('locale', locale)
  return `/demo/e2e/${page}?${q}`
}

/**
 * Saves `doc` as bot `ids.bot`'s configuration document in the demo API (`PUT
 * /demo/api/config/<bot>`, served at `/widget/<bot>/config.json`).
 * @returns the host page URL that names it in `data-config-url`.
 */
export async function savedBot(
  request: APIRequestContext,
  ids: { bot: string; customer: string },
  doc: unknown,
): Promise<string> {
  const saved = await request.put(`/demo/api/config/${ids.bot}`, { data: doc })
  expect(saved.status()).toBe(200)
  return hostUrl(ids, TOKEN, { config: `/widget/${ids.bot}/config.json` })
}

/** The launcher facade while the chat is closed. */
export const launcher = (page: Page): Locator => page.getByRole('button', { name: 'Open chat' })

/** The chat window (a labelled non-modal dialog). */
export const chat = (page: Page): Locator => page.getByRole('dialog', { name: 'Chat with us' })

/** The transcript (`role=log`) inside the chat window. */
export const transcript = (page: Page): Locator => chat(page).getByRole('log')

/**
 * One transcript message as a screen reader reads it: each message starts with
 * "Bot: " (the bot's name, shown on the first of a group) or a visually hidden
 * "You: ", and may end with its time and state (`.meta`: a digit of the time, or
 * nothing while they have not come).
 */
export const message = (page: Page, from: 'bot' | 'visitor', text: string): Locator =>
  transcript(page)
    .locator(`.msg.${from}`)
    .filter({
      hasText: new RegExp(
        `^${`${from === 'bot' ? 'Bot' : 'You'}: ${text}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\d|$)`,
      ),
    })

/** The visitor's UUID as stored by the loader in this tab. */
export const uuidOf = (page: Page): Promise<string | null> =>
  page.evaluate((key) => sessionStorage.getItem(key), UUID_KEY)

/** Types `text` into the composer and sends it. */
export async function answer(page: Page, text: string): Promise<void> {
  const box = chat(page).getByRole('textbox')
  await box.fill(text)
  await chat(page).getByRole('button', { name: 'Send' }).click()
}

/** What a visitor answers in the built-in flow. `country` is the ISO code of the dial-code picker. */
export interface Visitor {
  name: string
  email: string
  phone: string
  country?: string
  topic: string
}

/** The visitor the live-chat specs run the built-in flow as, up to "Talk to a person". */
export const ADA: Visitor = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '07400 123456',
  country: 'GB',
  topic: 'Support',
}

/** Answers the name question (the chat must be open). */
export async function answerName(page: Page, name: string): Promise<void> {
  await expect(transcript(page)).toContainText(TEXT.askName)
  await answer(page, name)
  await expect(transcript(page)).toContainText(TEXT.askEmail(name))
}

/** Answers the email question. */
export async function answerEmail(page: Page, email: string): Promise<void> {
  await answer(page, email)
  await expect(transcript(page)).toContainText(TEXT.askPhone)
}

/** Picks the dial-code country (when given) and answers the phone question. */
export async function answerPhone(page: Page, phone: string, country?: string): Promise<void> {
  await expect(transcript(page)).toContainText(TEXT.askPhone)
  if (country) {
    const select = chat(page).getByRole('combobox', { name: 'Country' })
    // Waits until the phone chunk has filled the list with this country.
    await select.selectOption(country)
    await expect(select).toHaveValue(country)
  }
  await answer(page, phone)
  await expect(transcript(page)).toContainText(TEXT.askTopic)
}

/** Clicks a topic of the choice question and waits for the bot's thanks. */
export async function chooseTopic(page: Page, topic: string): Promise<void> {
  await chat(page).getByRole('button', { name: topic }).click()
  await expect(transcript(page)).toContainText(TEXT.thanks)
}

/** Answers the whole built-in flow from the name question on. The chat must be open. */
export async function completeFlow(page: Page, v: Visitor): Promise<void> {
  await answerName(page, v.name)
  await answerEmail(page, v.email)
  await answerPhone(page, v.phone, v.country)
  await chooseTopic(page, v.topic)
}

/** `GET /inbox/direct/chats` (docs/platform-api.md) for one page of a bot's leads or non-lead chats. */
export async function fetchLeads(
  request: APIRequestContext,
  botId: string,
  customerId: string,
  type: 'lead' | 'non-lead' = 'lead',
): Promise<Chat[]> {
  const res = await request.get('/inbox/direct/chats', {
    params: { botId, customerId, page: '1', type },
    headers: { 'x-bot-token': TOKEN },
  })
  expect(res.status()).toBe(200)
  const body = (await res.json()) as {
    success: boolean
    message: string
    code: number
    data: Chat[]
  }
  expect(body).toMatchObject({ success: true, message: 'ok', code: 200 })
  return body.data
}

/** Every chat (lead or not) of a bot with this visitor UUID. */
export async function chatsOf(
  request: APIRequestContext,
  botId: string,
  customerId: string,
  uuid: string,
): Promise<Chat[]> {
  const all = [
    ...(await fetchLeads(request, botId, customerId, 'lead')),
    ...(await fetchLeads(request, botId, customerId, 'non-lead')),
  ]
  return all.filter((c) => c.uuid === uuid)
}

/** Polls the listing until the lead of `uuid` satisfies `ready`, then returns it. */
export async function waitForLead(
  request: APIRequestContext,
  botId: string,
  customerId: string,
  uuid: string,
  ready: (c: Chat) => boolean = () => true,
  timeout?: number,
): Promise<Chat> {
  let found: Chat | undefined
  await expect
    .poll(
      async () => {
        found = (await fetchLeads(request, botId, customerId)).find((c) => c.uuid === uuid)
        return Boolean(found && ready(found))
      },
      timeout ? { timeout } : {},
    )
    .toBe(true)
  return found as Chat
}

/**
 * The lead of the visitor on `page` (UUID from its session storage), polled from
 * the listing until `ready` holds; see {@link waitForLead}.
 */
export async function visitorLead(
  page: Page,
  request: APIRequestContext,
  ids: { bot: string; customer: string },
  ready?: (c: Chat) => boolean,
): Promise<Chat> {
  const uuid = await uuidOf(page)
  expect(uuid).toBeTruthy()
  return waitForLead(request, ids.bot, ids.customer, uuid as string, ready)
}

/** The lead fields as a visitor gave them, read from a listed chat. */
export function leadFields(c: Chat) {
  const u = c.profile.userDetails
  return {
    name: u.name,
    email: u.contact.email,
    number: u.contact.phone.number,
    prefix: u.contact.phone.prefix,
    tags: u.tags,
  }
}

/**
 * A value the widget stored in its IndexedDB store (`reekolect`/`kv`), or
 * `undefined`. Never creates the database: opening a missing one here would leave
 * it without the store the widget creates on upgrade.
 */
export function storedValue<T>(page: Page, key: string): Promise<T | undefined> {
  return page.evaluate(async (k) => {
    const dbs = await indexedDB.databases()
    if (!dbs.some((d) => d.name === 'reekolect')) return undefined
    return new Promise((resolve, reject) => {
      const open = indexedDB.open('reekolect')
      open.onerror = () => reject(open.error)
      open.onsuccess = () => {
        const db = open.result
        if (!db.objectStoreNames.contains('kv')) {
          db.close()
          resolve(undefined)
          return
        }
        const get = db.transaction('kv', 'readonly').objectStore('kv').get(k)
        get.onerror = () => reject(get.error)
        get.onsuccess = () => {
          db.close()
          resolve(get.result)
        }
      }
    })
  }, key) as Promise<T | undefined>
}

/** The conversation the widget persisted for `uuid` (key `chat:<uuid>`), or `undefined`. */
export const savedChat = (page: Page, uuid: string) =>
  storedValue<{ messages: { from: string; text: string }[]; ask?: string }>(page, `chat:${uuid}`)

/** Collects console errors and uncaught page errors from now on. */
export function watchErrors(page: Page) {
  const consoleErrors: string[] = []
  const pageErrors: Error[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  page.on('pageerror', (e) => pageErrors.push(e))
  return {
    consoleErrors,
    pageErrors,
    /** Console error lines starting with `prefix`, e.g. `[Reekolect] E_TAG:`. */
    lines: (prefix: string) => consoleErrors.filter((l) => l.startsWith(prefix)),
    /** Console error lines of the widget (`[Reekolect] …`). */
    widget: () => consoleErrors.filter((l) => l.startsWith('[Reekolect]')),
  }
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

export interface Violation {
  id: string
  help: string
  nodes: { target: unknown[] }[]
}

/**
 * Runs axe on the widget's host element (axe pierces open shadow roots).
 *
 * The loader appends the host to `<html>`, outside `<body>`, and axe lays out the
 * page for its colour checks from `document.body` only (axe-core 4.14
 * `createGrid`): there every text of the widget came back "incomplete: unable to
 * determine contrast ratio", and colour contrast was never judged. So the host is
 * moved into `<body>` while axe runs and back after, with `moveBefore` (a move
 * that keeps focus, animations and scroll positions, Chromium 133+). Colour
 * contrast results that stay incomplete for a reason other than an empty input
 * or a text of symbols (axe's `emptyValue`, `nonBmp`), or a text scrolled out
 * of its scroll box (the transcript's history: axe cannot see it under the
 * window's header, and judges it when it is scrolled into view), are returned as
 * violations (`color-contrast-unchecked`), so that the check cannot silently stop
 * checking again.
 */
export async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath })
  return page.evaluate(async () => {
    interface Result {
      id: string
      help: string
      nodes: { target: unknown[]; any: { data?: { messageKey?: string } | null }[] }[]
    }
    type Movable = Element & { moveBefore(node: Node, child: Node | null): void }
    const axe = (
      window as unknown as {
        axe: {
          run(
            el: Element | null,
            o: object,
          ): Promise<{ violations: Result[]; incomplete: Result[] }>
        }
      }
    ).axe
    const host = document.querySelector('[data-reekolect]')
    // Colour contrast is judged on the final frame, not mid-way through the open fade-in
    // (animations that never end, such as the typing dots, are not waited for).
    const ending = (a: Animation) => a.effect?.getComputedTiming().endTime !== Infinity
    await Promise.all(
      host?.shadowRoot
        ?.getAnimations()
        .filter(ending)
        .map((a) => a.finished) ?? [],
    )
    const from = host?.parentElement as Movable | null
    const next = host?.nextSibling ?? null
    const body = document.body as unknown as Movable
    const move = host && from !== body && 'moveBefore' in body
    if (move) body.moveBefore(host, null)
    let result: { violations: Result[]; incomplete: Result[] }
    try {
      result = await axe.run(host, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      })
    } finally {
      if (move) from?.moveBefore(host, next)
    }
    /** The element of an axe target: selectors through shadow roots. */
    const resolve = (target: unknown): Element | null => {
      const path = (Array.isArray(target) ? target : [target]) as string[]
      let el: Element | null = null
      for (const sel of path) el = (el ? el.shadowRoot : document)?.querySelector(sel) ?? null
      return el
    }
    /** Scrolled out of its scroll box (the transcript): on no one's screen, judged once scrolled into view. */
    const scrolledOut = (el: Element | null): boolean => {
      const r = el?.getBoundingClientRect()
      for (let p = el?.parentElement; r && p; p = p.parentElement) {
        const box = p.getBoundingClientRect()
        const clips = getComputedStyle(p).overflowY !== 'visible'
        if (clips && (r.bottom <= box.top || r.top >= box.bottom)) return true
      }
      return false
    }
    const unchecked = result.incomplete
      .filter((r) => r.id === 'color-contrast')
      .flatMap((r) => r.nodes)
      .filter((n) => !scrolledOut(resolve(n.target[0])))
      .map((n) => ({ n, why: n.any.map((a) => a.data?.messageKey ?? 'unknown').join() }))
      // Not judged by design: an input without a value, text of symbols only (★).
      .filter(({ why }) => why !== 'emptyValue' && why !== 'nonBmp')
      .map(({ n, why }) => ({
        id: 'color-contrast-unchecked',
        help: `colour contrast could not be judged (${why || 'axe error'})`,
        nodes: [n],
      }))
    return [...result.violations, ...unchecked].map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }))
  })
}

/** Console warnings of the widget (`[Reekolect] W_…`), from now on. */
export function watchWarnings(page: Page): string[] {
  const lines: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'warning' && m.text().startsWith('[Reekolect]')) lines.push(m.text())
  })
  return lines
}

/** A message as the inbox stores it (`GET /inbox/direct/messages`, docs/platform-api.md "Our extensions: live chat"). */
export interface StoredMessage {
  id: string
  by: string
  text: string
  at: string
}

/** The conversation of visitor `uuid` as the agent side reads it (`x-bot-token`), in the server's order. */
export async function conversation(
  request: APIRequestContext,
  ids: { bot: string; customer: string },
  uuid: string,
): Promise<StoredMessage[]> {
  const q = new URLSearchParams({ botId: ids.bot, customerId: ids.customer, uuid })
  const res = await request.get(`/inbox/direct/messages?${q}`, {
    headers: { 'x-bot-token': TOKEN },
  })
  expect(res.status()).toBe(200)
  return ((await res.json()) as { data: StoredMessage[] }).data
}

/**
 * Sets the demo server's availability of bot `botId` (`POST /demo/api/agents`,
 * docs/platform-api.md "Demo controls"): `true`, an agent is online (a hand-off
 * waits for a person); `false`, nobody is (a hand-off is away: the visitor leaves
 * a message); `null`, it follows the connected agent consoles again (without one:
 * offline).
 */
export async function setAvailability(
  request: APIRequestContext,
  botId: string,
  online: boolean | null,
): Promise<void> {
  const res = await request.post('/demo/api/agents', { data: { botId, online } })
  expect(res.status()).toBe(200)
}

/**
 * The playground's agent console (docs/demo.md, "Agent console") of bot `ids` on
 * `page`, once it is online as Sam (its agent stream makes the bot available):
 * its region, where an agent opens a conversation, replies and sets the status.
 */
export async function agentConsole(page: Page, ids: { bot: string; customer: string }) {
  await page.goto(`/?${new URLSearchParams({ bot: ids.bot, customer: ids.customer })}`)
  const region = page.getByRole('region', { name: 'Agent console' })
  await expect(region.getByRole('status').first()).toContainText('Online as Sam')
  return region
}

/**
 * Hands the chat to a person as a visitor does: with the bot's agents `online`
 * ({@link setAvailability}), opens the host page of `ids`, runs the built-in flow
 * as {@link ADA} and picks "Talk to a person".
 */
export async function handOffAsAda(
  page: Page,
  request: APIRequestContext,
  ids: { bot: string; customer: string },
  online: boolean,
): Promise<void> {
  await setAvailability(request, ids.bot, online)
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await completeFlow(page, ADA)
  await chat(page).getByRole('button', { name: TEXT.talk }).click()
}

/** A stored conversation as `by: text` lines. */
export const lines = (list: StoredMessage[]): string[] => list.map((m) => `${m.by}: ${m.text}`)

/**
 * What the visitor sees of the conversation, as the inbox's lines ({@link lines}):
 * "bot: …" and "visitor: …" in place of the hidden name each bubble starts with
 * ("Bot: " or a configured bot's name, "You: "; an agent's keeps their name),
 * without what each bubble ends with (its time and read state, `.meta`), and
 * without a previous conversation's (widget/more/). `log`: the transcript of a
 * chat window with another name (a configured bot's title).
 */
export const seenLines = async (page: Page, log = transcript(page)): Promise<string[]> =>
  log.locator('.msgs > .msg').evaluateAll((els) =>
    els.map((el) => {
      const copy = el.cloneNode(true) as Element
      copy.querySelector('.meta')?.remove()
      const from = ['bot', 'visitor'].find((c) => el.classList.contains(c))
      if (from) copy.querySelector('.sr')?.remove()
      return `${from ? `${from}: ` : ''}${copy.textContent ?? ''}`
    }),
  )

/**
 * The text of the chat bubble at `at` (negative: from the end), as a screen reader
 * starts it ("Bot: …", "You: …", "Sam: …"), without the time and read state the
 * live chat adds (`.meta`); '' while there is none. For `expect.poll`.
 */
export const bubble = (page: Page, at: number): Promise<string> =>
  transcript(page)
    .locator('.msgs > .msg')
    .evaluateAll((els, i) => {
      const el = els.at(i)
      if (!el) return ''
      const copy = el.cloneNode(true) as Element
      copy.querySelector('.meta')?.remove()
      return copy.textContent ?? ''
    }, at)

/** The newest line of {@link seenLines}. */
export const lastLine = async (page: Page): Promise<string | undefined> =>
  (await seenLines(page)).at(-1)

/** An event of the agent stream: its name and its parsed JSON data. */
export interface AgentEvent {
  event: string
  data: unknown
}

/**
 * The agent side's stream of a bot (`GET /inbox/direct/agent-stream`, `x-bot-token`,
 * docs/platform-api.md "Our extensions: live chat"), read from the test as the
 * agent console reads it: `events` fills as they arrive; `ready` resolves once
 * the stream answered 200; `stop` closes it.
 */
export function agentStream(baseURL: string, ids: { bot: string; customer: string }) {
  const stop = new AbortController()
  const events: AgentEvent[] = []
  const q = new URLSearchParams({ botId: ids.bot, customerId: ids.customer })
  const ready = fetch(`${baseURL}/inbox/direct/agent-stream?${q}`, {
    headers: { 'x-bot-token': TOKEN, accept: 'text/event-stream' },
    signal: stop.signal,
  }).then((res) => {
    expect(res.status).toBe(200)
    const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    const pump = async (): Promise<void> => {
      const chunk = await reader?.read().catch(() => undefined)
      if (!chunk || chunk.done) return
      buffer += chunk.value
      const blocks = buffer.split('\n\n')
      buffer = blocks.pop() ?? ''
      for (const b of blocks) {
        const event = /^event: (.*)$/m.exec(b)?.[1]
        const data = /^data: (.*)$/m.exec(b)?.[1]
        if (event && data) events.push({ event, data: JSON.parse(data) })
      }
      return pump()
    }
    void pump()
  })
  return { ready, events, stop: () => stop.abort() }
}
