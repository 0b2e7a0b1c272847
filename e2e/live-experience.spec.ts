/**
 * The live chat as a visitor lives it, on the built bundle: typing both ways, the
 * read state of their messages (sent → delivered → read, kept by a reload), the
 * time of each message, alerts while they look away (the tab title, the badge),
 * what the transcript's live region gets, and axe in the waiting, talking and
 * closed states. The agent side is the platform's agent endpoints
 * (docs/platform-api.md, "Agent side: reply, typing, read, status", header
 * `x-bot-token`) called from the test, and in the last test the playground's agent
 * console in a second browser context.
 */
import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import {
  agentStream,
  axeViolations,
  chat,
  conversation,
  hostUrl,
  lastLine,
  launcher,
  TEXT,
  TOKEN,
  transcript,
  uniqueIds,
  uuidOf,
  watchErrors,
} from './helpers'

type Ids = { bot: string; customer: string }

test.use({ locale: 'en-US' })

const SAM = { id: 'sam', name: 'Sam' }
/** A short time as en-US writes it (`Intl.DateTimeFormat` `timeStyle: 'short'`). */
const SHORT_TIME = /^\d{1,2}:\d{2}\s?[AP]M$/

/**
 * Makes the bot's agents available (demo/live/index.ts, `POST /demo/api/agents`),
 * so that a hand-off waits for a person whether or not an agent console is open.
 */
async function online(request: APIRequestContext, ids: Ids) {
  const res = await request.post('/demo/api/agents', {
    data: { online: true, botId: ids.bot, agents: [SAM] },
  })
  expect(res.status()).toBe(200)
}

/** One of the agent endpoints for the visitor `uuid`. */
async function agent(
  request: APIRequestContext,
  path: 'reply' | 'agent-typing' | 'read',
  ids: Ids,
  uuid: string,
  body: Record<string, unknown>,
) {
  const res = await request.post(`/inbox/direct/${path}`, {
    headers: { 'x-bot-token': TOKEN },
    data: { botId: ids.bot, customerId: ids.customer, uuid, ...body },
  })
  expect(res.status()).toBe(200)
}

/** The visitor's chat, handed to a person (`Reekolect('handoff')`), waiting with its live text box. */
async function goLive(page: Page, ids: Ids): Promise<string> {
  await page.goto(hostUrl(ids))
  await expect(launcher(page)).toBeVisible()
  await page.evaluate(() =>
    (window as unknown as { Reekolect(c: string): void }).Reekolect('handoff'),
  )
  await expect(chat(page).getByText('Waiting for a person to join…')).toBeVisible()
  await expect(box(page)).toBeVisible()
  // The bot's messages have all shown (they come after its typing, while the box already waits).
  await expect(transcript(page).locator('.msg').last()).toContainText(TEXT.handoff)
  return (await uuidOf(page)) as string
}

const box = (page: Page) => chat(page).getByRole('textbox', { name: 'Your message' })
const typingLine = (page: Page) => chat(page).getByText('Sam is typing…')
/** The read state under the visitor's newest message. */
const ack = (page: Page) => transcript(page).locator('.msg.visitor').last().locator('.ack')

/** Records, in the page, the text of every entry added to the transcript's log from now on (without its time and read state). */
const watchLog = (page: Page) =>
  transcript(page)
    .locator('.msgs')
    .evaluate((msgs) => {
      const w = window as unknown as { __added: string[] }
      w.__added = []
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes) {
            const copy = n.cloneNode(true) as Element
            copy.querySelector?.('.meta')?.remove()
            w.__added.push(copy.textContent ?? '')
          }
      }).observe(msgs, { childList: true })
    })
const logAdded = (page: Page) =>
  page.evaluate(() => (window as unknown as { __added: string[] }).__added)

test('typing both ways, sent → delivered → read (kept by a reload), the time of each message, one log entry per message', async ({
  page,
  request,
  baseURL,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('livex')
  await online(request, ids)
  const agents = agentStream(baseURL as string, ids)
  await agents.ready
  try {
    const uuid = await goLive(page, ids)
    expect(await axeViolations(page), 'live, waiting').toEqual([])
    await watchLog(page)

    // The visitor types: the agent side hears it.
    await box(page).pressSequentially('Where is')
    await expect
      .poll(
        () =>
          agents.events.filter(
            (e) => e.event === 'typing' && (e.data as { uuid: string }).uuid === uuid,
          ).length,
      )
      .toBeGreaterThan(0)

    // Sent while the outbox's POST is on its way, delivered once the inbox answers.
    let release!: () => void
    const held = new Promise<void>((go) => {
      release = go
    })
    await page.route('**/inbox/direct/messages', async (route) => {
      if (route.request().method() === 'POST') await held
      await route.continue()
    })
    await box(page).pressSequentially(' my order?')
    await box(page).press('Enter')
    await expect.poll(() => lastLine(page)).toBe('visitor: Where is my order?')
    await expect(ack(page)).toHaveText('Sent')
    release()
    await expect(ack(page)).toHaveText('Delivered')
    await page.unroute('**/inbox/direct/messages')

    // The agent types: "Sam is typing…" below the messages, outside the log.
    await agent(request, 'agent-typing', ids, uuid, { agent: SAM })
    await expect(typingLine(page)).toBeVisible()
    await expect(transcript(page).getByText('Sam is typing…')).toHaveCount(0)
    await expect(chat(page).getByText('You’re talking to Sam')).toBeVisible()

    // The agent reads up to the visitor's message: read, and the message is not added again.
    const mine = (await conversation(request, ids, uuid)).at(-1)
    expect(mine?.text).toBe('Where is my order?')
    await agent(request, 'read', ids, uuid, { upTo: mine?.id })
    await expect(ack(page)).toHaveText('Read')
    await expect(ack(page)).toHaveAttribute('aria-live', 'off')
    await agent(request, 'agent-typing', ids, uuid, { agent: SAM })
    await expect(typingLine(page)).toBeVisible()
    expect(await axeViolations(page), 'live, talking, typing and read shown').toEqual([])

    // His reply ends the typing line and adds one entry to the log.
    await agent(request, 'reply', ids, uuid, { text: 'It ships today.', agent: SAM })
    await expect.poll(() => lastLine(page)).toBe('Sam: It ships today.')
    await expect(typingLine(page)).toHaveCount(0)
    expect(await logAdded(page)).toEqual(['You: Where is my order?', 'Sam: It ships today.'])

    // Each message shows its time, in a <time datetime> element.
    const reply = (await conversation(request, ids, uuid)).at(-1)
    const agentTime = transcript(page).locator('.msg.agent').last().locator('time')
    await expect(agentTime).toHaveAttribute('datetime', reply?.at as string)
    await expect(agentTime).toHaveText(SHORT_TIME)
    const myTime = transcript(page).locator('.msg.visitor').last().locator('time')
    await expect(myTime).toHaveText(SHORT_TIME)
    expect(Date.parse((await myTime.getAttribute('datetime')) as string)).toBeCloseTo(
      Date.parse(mine?.at as string),
      -3,
    )

    // The next page view: the chat, open on this one, opens by itself, still read.
    // (Clicking the launcher meanwhile raced its opening and could find "Close chat".)
    await page.reload()
    await expect(box(page)).toBeVisible()
    await expect(ack(page)).toHaveText('Read')
    expect(errors.pageErrors).toEqual([])
    expect(errors.widget()).toEqual([])
  } finally {
    agents.stop()
  }
})

/** Makes the page report itself hidden (`document.visibilityState`), or visible again, as a tab switch does. */
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((h) => {
    if (h) {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => 'hidden',
      })
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
    } else {
      Reflect.deleteProperty(document, 'visibilityState')
      Reflect.deleteProperty(document, 'hidden')
    }
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)

test('an agent message while the tab is hidden or the chat closed: the tab title, restored on return; axe once the conversation is closed', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('livex-alerts')
  await online(request, ids)
  const uuid = await goLive(page, ids)
  const title = await page.title()

  await setHidden(page, true)
  await agent(request, 'reply', ids, uuid, { text: 'Still there?', agent: SAM })
  await expect(page).toHaveTitle(`(1) New message — ${title}`)
  await agent(request, 'reply', ids, uuid, { text: 'I have news.', agent: SAM })
  await expect(page).toHaveTitle(`(2) New message — ${title}`)
  await setHidden(page, false)
  await expect(page).toHaveTitle(title)

  await chat(page).getByRole('button', { name: 'Close chat' }).click()
  await agent(request, 'reply', ids, uuid, { text: 'Your parcel left.', agent: SAM })
  await expect(page).toHaveTitle(`(1) New message — ${title}`)
  await expect(launcher(page)).toHaveAccessibleName(/1 unread/)
  await launcher(page).click()
  await expect(page).toHaveTitle(title)
  await expect.poll(() => lastLine(page)).toBe('Sam: Your parcel left.')
  // Three agent messages, each once.
  await expect(transcript(page).locator('.msg.agent')).toHaveCount(3)

  // The business closes the conversation (the lead PUT's status).
  const res = await request.put('/inbox/direct/lead', {
    headers: { 'x-bp-token': TOKEN },
    data: { uuid, botId: ids.bot, customerId: ids.customer, status: 'CLOSED' },
  })
  expect(res.status()).toBe(200)
  await expect(chat(page).getByText('This conversation was closed.')).toBeVisible()
  await expect(chat(page).getByRole('button', { name: 'New conversation' })).toBeVisible()
  expect(await axeViolations(page), 'live, closed').toEqual([])
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('with the agent console in a second browser: it shows the visitor typing, the visitor sees Sam typing, and Read once he opens the conversation', async ({
  page,
  browser,
  request,
}) => {
  const ids = uniqueIds('livex-console')
  await online(request, ids)
  const agentContext = await browser.newContext({ locale: 'en-US' })
  try {
    const agentPage = await agentContext.newPage()
    await agentPage.goto(`/?${new URLSearchParams({ bot: ids.bot, customer: ids.customer })}`)
    const console_ = agentPage.getByRole('region', { name: 'Agent console' })
    await expect(console_.getByRole('status').first()).toContainText('Online as Sam')

    await goLive(page, ids)
    await box(page).fill('Hello, anyone?')
    await box(page).press('Enter')
    await expect(ack(page)).toHaveText('Delivered')

    // Opening the conversation reads it: the visitor sees Read.
    const item = console_.getByRole('button', { name: /Visitor/ })
    await item.click()
    await expect(console_.getByRole('log')).toContainText('Hello, anyone?')
    await expect(ack(page)).toHaveText('Read')

    // The visitor types in the widget: the console says so (the widget tells at most
    // every 3 s, and the console ends "typing" at the visitor's message: type for 4 s).
    await box(page).pressSequentially('One more thing', { delay: 300 })
    await expect(console_.getByText('Visitor is typing…')).toBeVisible()

    // Sam types a reply: the visitor sees it, then his message.
    const reply = console_.getByLabel('Reply to the visitor')
    await reply.pressSequentially('Hi! Sam here.')
    await expect(typingLine(page)).toBeVisible()
    await reply.press('Enter')
    await expect.poll(() => lastLine(page)).toBe('Sam: Hi! Sam here.')
    await expect(typingLine(page)).toHaveCount(0)
  } finally {
    await agentContext.close()
  }
})
