/**
 * The playground's agent console (docs/demo.md, "Agent console") on the built
 * playground, with two pages: the agent's (the playground) and the visitor's (a
 * page of the demo origin that calls the live chat API as the widget would:
 * `POST /inbox/direct/messages` with `x-bp-token`, and the visitor stream read with
 * `fetch`). Each test has its own bot, so conversations are never shared.
 */
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import { TOKEN, uniqueIds } from './helpers'

type Ids = { bot: string; customer: string }
interface Message {
  id: string
  by: 'visitor' | 'bot' | 'agent'
  text: string
  at: string
  agent?: { id: string; name: string }
}

test.use({ locale: 'en-US' })

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/** Messages in the body shape of `POST /inbox/direct/messages`, one second apart. */
const batch = (items: [by: 'visitor' | 'bot', text: string][]) => {
  const t0 = Date.now()
  return items.map(([by, text], i) => ({
    id: randomUUID(),
    by,
    text,
    at: new Date(t0 + i * 1000).toISOString(),
  }))
}

/** The visitor page: on the demo origin, with its live stream open (so the visitor is online). */
async function openVisitor(page: Page, ids: Ids, uuid: string) {
  await page.goto('/demo/api/fault')
  await page.evaluate(
    async ({ ids, uuid, token }) => {
      const w = window as unknown as { events: { event: string; data: unknown }[] }
      w.events = []
      const q = new URLSearchParams({ botId: ids.bot, customerId: ids.customer, uuid })
      const res = await fetch(`/inbox/direct/stream?${q}`, { headers: { 'x-bp-token': token } })
      const reader = res.body?.getReader()
      if (!reader) throw new Error('no stream body')
      const decoder = new TextDecoder()
      let buffer = ''
      void (async () => {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) return
          buffer += decoder.decode(value, { stream: true })
          const blocks = buffer.split('\n\n')
          buffer = blocks.pop() ?? ''
          for (const block of blocks) {
            const event = /^event: (.*)$/m.exec(block)?.[1]
            const data = /^data: (.*)$/m.exec(block)?.[1]
            if (event && data) w.events.push({ event, data: JSON.parse(data) })
          }
        }
      })()
    },
    { ids, uuid, token: TOKEN },
  )
}

/** Events the visitor's stream has received so far. */
const visitorEvents = (page: Page) =>
  page.evaluate(() => (window as unknown as { events: { event: string; data: unknown }[] }).events)

/** Posts visitor or bot messages from the visitor page, as the widget's outbox would. */
async function visitorPosts(
  page: Page,
  ids: Ids,
  uuid: string,
  messages: unknown[],
  handoff = false,
) {
  const status = await page.evaluate(
    async ({ body, token }) => {
      const res = await fetch('/inbox/direct/messages', {
        method: 'POST',
        headers: { 'x-bp-token': token, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      return res.status
    },
    {
      body: {
        uuid,
        botId: ids.bot,
        customerId: ids.customer,
        messages,
        ...(handoff && { handoff }),
      },
      token: TOKEN,
    },
  )
  expect(status).toBe(200)
}

async function transcript(request: APIRequestContext, ids: Ids, uuid: string) {
  const q = new URLSearchParams({ botId: ids.bot, customerId: ids.customer, uuid })
  const res = await request.get(`/inbox/direct/messages?${q}`, {
    headers: { 'x-bot-token': TOKEN },
  })
  expect(res.status()).toBe(200)
  return ((await res.json()) as { data: Message[] }).data
}

async function chatRow(request: APIRequestContext, ids: Ids, uuid: string) {
  for (const type of ['lead', 'non-lead']) {
    const q = new URLSearchParams({ botId: ids.bot, customerId: ids.customer, page: '1', type })
    const res = await request.get(`/inbox/direct/chats?${q}`, { headers: { 'x-bot-token': TOKEN } })
    const rows = (
      (await res.json()) as { data: { uuid: string; status: string; unread?: number }[] }
    ).data
    const row = rows.find((r) => r.uuid === uuid)
    if (row) return row
  }
  return undefined
}

const openConsole = async (page: Page, ids: Ids) => {
  await page.goto(`/?${new URLSearchParams({ bot: ids.bot, customer: ids.customer })}`)
  const console_ = page.getByRole('region', { name: 'Agent console' })
  await expect(console_.getByRole('status').first()).toContainText('Online as Sam')
  return console_
}

test('a visitor writes, the agent sees it live with the unread count, replies and closes', async ({
  browser,
  request,
}) => {
  const ids = uniqueIds('console')
  const uuid = randomUUID()
  const agentContext = await browser.newContext({ locale: 'en-US' })
  const visitorContext = await browser.newContext()
  const agent = await agentContext.newPage()
  const visitor = await visitorContext.newPage()
  const errors: string[] = []
  agent.on('pageerror', (e) => errors.push(e.message))

  const console_ = await openConsole(agent, ids)
  // The open console makes the bot available, under the agent's name.
  const availability = await request.get(
    `/inbox/direct/availability?${new URLSearchParams({ botId: ids.bot, customerId: ids.customer })}`,
    { headers: { 'x-bp-token': TOKEN } },
  )
  expect(await availability.json()).toEqual({
    online: true,
    agents: [{ id: 'agent-sam', name: 'Sam', picture: null }],
  })

  // The visitor comes online and writes; the conversation appears live, unread.
  await openVisitor(visitor, ids, uuid)
  const [greet, ask1, ask2] = batch([
    ['bot', 'Hi there! I can help you get in touch with our team.'],
    ['visitor', 'Do you install in Leeds?'],
    ['visitor', 'And how much for 4 kW?'],
  ])
  await visitorPosts(visitor, ids, uuid, [greet, ask1, ask2], true)
  const item = console_.getByRole('button', { name: /Visitor/ })
  await expect(item).toHaveCount(1)
  await expect(item).toContainText('2 unread')
  await expect(item).toContainText('online')
  await expect(item).toContainText('And how much for 4 kW?')

  // Opening it shows the transcript and marks it read, here and on the server.
  await item.click()
  const log = console_.getByRole('log')
  await expect(log).toHaveAttribute('aria-live', 'polite')
  await expect(log.getByRole('listitem')).toHaveText([
    /Bot.*Hi there! I can help you get in touch with our team\./,
    /Visitor.*Do you install in Leeds\?/,
    /Visitor.*And how much for 4 kW\?/,
  ])
  await expect(item).not.toContainText('unread')
  await expect.poll(async () => (await chatRow(request, ids, uuid))?.unread).toBe(0)
  await expect
    .poll(async () => (await visitorEvents(visitor)).some((e) => e.event === 'read'))
    .toBe(true)

  // The visitor types; then writes again: live in the open transcript.
  await visitor.evaluate(
    ({ body, token }) =>
      fetch('/inbox/direct/typing', {
        method: 'POST',
        headers: { 'x-bp-token': token, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    { body: { uuid, botId: ids.bot, customerId: ids.customer }, token: TOKEN },
  )
  await expect(console_.getByText('Visitor is typing…')).toBeVisible()
  const [ask3] = batch([['visitor', 'Anyone there?']])
  await visitorPosts(visitor, ids, uuid, [ask3])
  await expect(log.getByRole('listitem').last()).toContainText('Anyone there?')
  await expect(console_.getByText('Visitor is typing…')).toBeHidden()

  // The agent answers: typing reaches the visitor, Shift+Enter is a new line, Enter sends.
  const reply = console_.getByLabel('Reply to the visitor')
  await reply.click()
  await reply.pressSequentially('Yes, we cover Leeds.')
  await reply.press('Shift+Enter')
  await reply.pressSequentially('About £5,000 installed.')
  await reply.press('Enter')
  await expect(reply).toHaveValue('')
  await expect(log.getByRole('listitem').last()).toContainText('Sam')
  await expect
    .poll(async () => (await visitorEvents(visitor)).map((e) => e.event))
    .toEqual(expect.arrayContaining(['typing', 'message']))

  const all = await transcript(request, ids, uuid)
  expect(all.map((m) => [m.by, m.text])).toEqual([
    ['bot', 'Hi there! I can help you get in touch with our team.'],
    ['visitor', 'Do you install in Leeds?'],
    ['visitor', 'And how much for 4 kW?'],
    ['visitor', 'Anyone there?'],
    ['agent', 'Yes, we cover Leeds.\nAbout £5,000 installed.'],
  ])
  expect(all[4]?.agent?.name).toBe('Sam')
  // Shown once, though both the reply's answer and the stream brought it.
  await expect(log.getByRole('listitem')).toHaveCount(5)

  // Closing goes through the lead PUT; the visitor's stream hears it.
  await console_.getByLabel('Status').selectOption('CLOSED')
  await expect(console_.getByText('Status set to Closed.')).toBeVisible()
  await expect.poll(async () => (await chatRow(request, ids, uuid))?.status).toBe('CLOSED')
  await expect
    .poll(async () =>
      (await visitorEvents(visitor)).some(
        (e) => e.event === 'status' && (e.data as { status: string }).status === 'CLOSED',
      ),
    )
    .toBe(true)
  await expect(item).toContainText('Closed')
  expect(errors).toEqual([])
  await agentContext.close()
  await visitorContext.close()
})

test('conversations are sorted by their last message and a new name goes online', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('console-sort')
  const [older, newer] = [randomUUID(), randomUUID()]
  const console_ = await openConsole(page, ids)
  const send = async (uuid: string, text: string) => {
    const res = await request.post('/inbox/direct/messages', {
      headers: { 'x-bp-token': TOKEN },
      data: {
        uuid,
        botId: ids.bot,
        customerId: ids.customer,
        messages: batch([['visitor', text]]),
      },
    })
    expect(res.status()).toBe(200)
  }
  await send(older, 'first question')
  await send(newer, 'second question')
  const items = console_.getByRole('list').first().getByRole('button')
  await expect(items).toHaveText([/second question/, /first question/])
  // A new message moves its conversation to the top.
  await send(older, 'follow-up')
  await expect(items).toHaveText([/follow-up/, /second question/])

  const name = console_.getByLabel('Agent name')
  await name.fill('Priya')
  await name.press('Enter')
  await expect(console_.getByRole('status').first()).toContainText('Online as Priya')
  await expect
    .poll(async () => {
      const res = await request.get(
        `/inbox/direct/availability?${new URLSearchParams({ botId: ids.bot, customerId: ids.customer })}`,
        { headers: { 'x-bp-token': TOKEN } },
      )
      return ((await res.json()) as { agents: { name: string }[] }).agents.map((a) => a.name)
    })
    .toEqual(['Priya'])
})

test('the agent console has no axe violations, with a conversation open', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('console-a11y')
  const uuid = randomUUID()
  const console_ = await openConsole(page, ids)
  await request.post('/inbox/direct/messages', {
    headers: { 'x-bp-token': TOKEN },
    data: {
      uuid,
      botId: ids.bot,
      customerId: ids.customer,
      messages: batch([
        ['bot', 'Hello!'],
        ['visitor', 'A question'],
      ]),
    },
  })
  const item = console_.getByRole('button', { name: /Visitor/ })
  await item.click()
  await expect(console_.getByRole('log').getByRole('listitem')).toHaveCount(2)
  // Keyboard: the reply box is reachable and sends with Enter.
  await console_.getByLabel('Reply to the visitor').focus()
  await page.keyboard.type('Hi, Sam here.')
  await page.keyboard.press('Enter')
  await expect(console_.getByRole('log').getByRole('listitem')).toHaveCount(3)

  await page.addScriptTag({ path: axePath })
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            el: Element | null,
            o: object,
          ): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }>
        }
      }
    ).axe
    const r = await axe.run(document.getElementById('console'), {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    })
    return r.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target) }))
  })
  expect(violations).toEqual([])
})

/**
 * Lets the test cut the page's agent stream as a network drop would: the body the
 * console reads errors, and the connection to the server is cancelled.
 */
const droppableAgentStream = (page: Page) =>
  page.addInitScript(() => {
    const original = window.fetch
    const drops: (() => void)[] = []
    ;(window as unknown as { dropAgentStream: () => void }).dropAgentStream = () => {
      for (const drop of drops.splice(0)) drop()
    }
    window.fetch = async (input, init) => {
      const res = await original(input, init)
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
      if (!url.includes('/inbox/direct/agent-stream') || !res.body) return res
      const reader = res.body.getReader()
      let ctrl: ReadableStreamDefaultController<Uint8Array> | undefined
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          ctrl = c
        },
        async pull(c) {
          try {
            const { done, value } = await reader.read()
            if (done) c.close()
            else c.enqueue(value)
          } catch {
            // Dropped: the controller has the error already.
          }
        },
        cancel: (reason) => reader.cancel(reason),
      })
      drops.push(() => {
        ctrl?.error(new TypeError('network error'))
        void reader.cancel()
      })
      return new Response(body, { status: res.status, headers: res.headers })
    }
  })

test('after the network drops, the console reconnects and shows what came meanwhile, once', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('console-drop')
  const uuid = randomUUID()
  await droppableAgentStream(page)
  const console_ = await openConsole(page, ids)
  const presence = console_.getByRole('status').first()
  const send = async (text: string) => {
    const res = await request.post('/inbox/direct/messages', {
      headers: { 'x-bp-token': TOKEN },
      data: {
        uuid,
        botId: ids.bot,
        customerId: ids.customer,
        messages: batch([['visitor', text]]),
      },
    })
    expect(res.status()).toBe(200)
  }
  await send('first message')
  const item = console_.getByRole('button', { name: /Visitor/ })
  await item.click()
  const log = console_.getByRole('log')
  await expect(log.getByRole('listitem')).toHaveCount(1)

  await page.evaluate(() =>
    (window as unknown as { dropAgentStream: () => void }).dropAgentStream(),
  )
  await expect(presence).toContainText('reconnecting in')
  await send('written while the console was away')
  await expect(presence).toContainText('Online as Sam', { timeout: 20_000 })
  await expect(log.getByRole('listitem')).toHaveText([/first message/, /written while the console/])
  await expect(item).toContainText('written while the console was away')
  // Still live after the reconnection.
  await send('and after it')
  await expect(log.getByRole('listitem')).toHaveCount(3)
})
