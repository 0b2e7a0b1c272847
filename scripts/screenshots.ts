/**
 * `npm run screenshots`: real renders of the built widget for the README, taken by
 * Playwright in Chromium against the demo server (desktop and phone, chat closed
 * and open, the dark theme, the playground's agent console, and a live
 * conversation with an agent: on the desktop and a phone, light and dark, before
 * and after the agent closes it). Writes docs/*.png. `SHOTS_PORT` (default 4687):
 * the demo server's port.
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, expect, type FrameLocator, type Page } from '@playwright/test'
import { chromiumArgs, chromiumPath } from '../e2e/browser'

const port = Number(process.env.SHOTS_PORT ?? 4687)
const base = `http://127.0.0.1:${port}`
const db = join(tmpdir(), `reekolect-shots-${process.pid}-${Date.now()}.db`)

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/demo/api/fault`)).ok) return
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('demo server did not start')
}

/**
 * Waits until the bot has said what it paces behind its typing indicator (`.tb`,
 * widget/ui/bubbles.tsx; none before pacing existed), then for the last
 * entrance animation.
 */
async function settled(page: Page, scope: Page | FrameLocator = page) {
  await page.waitForTimeout(150)
  await expect(scope.locator('.tb')).toHaveCount(0, { timeout: 10_000 })
  await page.waitForTimeout(300)
}

/** Answers the bot's questions in turn, each once the bot has asked it. */
async function chat(page: Page, answers: string[], scope: Page | FrameLocator = page) {
  for (const a of answers) {
    await settled(page, scope)
    await scope.getByRole('textbox').last().fill(a)
    await page.keyboard.press('Enter')
  }
  await settled(page, scope)
}

/** Token of the demo server (the agent side's `x-bot-token`, the widget's `x-bp-token`). */
const TOKEN = 'demo-token'

/** A JSON request to the demo server; throws unless it answers 2xx. */
async function send(method: string, path: string, body: unknown): Promise<Response> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-bot-token': TOKEN, 'x-bp-token': TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return res
}

/** The bot of the conversation shots: Sunny Roofs, name and email, then a person. */
const TALK_BOT = 'talk-bot'
const SAM = { id: 'sam', name: 'Sam' }
const talkDoc = {
  version: 1,
  settings: {
    design: { primaryColor: '#c2410c', botName: 'Sunny Roofs', theme: 'auto' },
    window: { subtitle: 'We usually reply in a few minutes' },
  },
  flows: [
    {
      id: 'talk',
      nodes: [
        { id: 'hi', type: 'message', text: 'Hi! 👋 I’m the **Sunny Roofs** assistant.' },
        { id: 'name', type: 'ask', input: 'name', text: 'What is your name?' },
        { id: 'email', type: 'ask', input: 'email', text: 'Thanks {name}! Your email address?' },
        { id: 'person', type: 'handoff' },
      ],
    },
  ],
}

/** A 640×300 PNG drawn in the page: a tiled gable roof under a blue sky, one tile cracked. */
async function roofPhoto(page: Page): Promise<Buffer> {
  const b64 = await page.evaluate(async () => {
    const c = new OffscreenCanvas(640, 300)
    const g = c.getContext('2d') as OffscreenCanvasRenderingContext2D
    const sky = g.createLinearGradient(0, 0, 0, 300)
    sky.addColorStop(0, '#4f8fcf')
    sky.addColorStop(1, '#d5ebf8')
    g.fillStyle = sky
    g.fillRect(0, 0, 640, 300)
    g.fillStyle = '#fde68a'
    g.beginPath()
    g.arc(560, 60, 30, 0, Math.PI * 2)
    g.fill()
    // The wall under the roof, with a window.
    g.fillStyle = '#f5f0e6'
    g.fillRect(110, 200, 420, 100)
    g.fillStyle = '#334155'
    g.fillRect(280, 225, 80, 60)
    // The roof: a triangle of tile rows, each offset by half a tile.
    g.save()
    g.beginPath()
    g.moveTo(320, 30)
    g.lineTo(600, 210)
    g.lineTo(40, 210)
    g.closePath()
    g.clip()
    for (let row = 0; row < 8; row++) {
      const y = 30 + row * 23
      g.fillStyle = `hsl(14 60% ${38 + row * 2}%)`
      g.fillRect(0, y, 640, 23)
      g.strokeStyle = 'rgba(60, 20, 10, 0.6)'
      g.lineWidth = 2
      g.beginPath()
      g.moveTo(0, y)
      g.lineTo(640, y)
      for (let x = (row % 2) * 16; x < 640; x += 32) {
        g.moveTo(x, y)
        g.lineTo(x, y + 23)
      }
      g.stroke()
    }
    g.restore()
    // The cracked tile.
    g.strokeStyle = '#111827'
    g.lineWidth = 3
    g.beginPath()
    g.moveTo(372, 122)
    g.lineTo(380, 132)
    g.lineTo(375, 140)
    g.lineTo(386, 146)
    g.stroke()
    const blob = await c.convertToBlob({ type: 'image/png' })
    const bytes = new Uint8Array(await blob.arrayBuffer())
    let s = ''
    for (const b of bytes) s += String.fromCharCode(b)
    return btoa(s)
  })
  return Buffer.from(b64, 'base64')
}

/** A new page as a phone of 375×667 CSS px shows it. */
const phonePage = (browser: Browser, colorScheme: 'light' | 'dark', locale = 'en-GB') =>
  browser.newPage({
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale,
    colorScheme,
  })

/**
 * A live conversation as a visitor has it on `page` (a new page, any viewport): the
 * Sunny Roofs bot asks name and email and gets Sam; Sam writes twice (one group of
 * bubbles under his name), the visitor answers and sends a photo of the roof, Sam
 * reads it and is typing again. With `close`, Sam answers, closes the conversation,
 * and the bot asks for a rating. Ends with the transcript scrolled to the bottom.
 */
async function liveConversation(page: Page, close: boolean): Promise<void> {
  await page.goto(`${base}/demo/playground/preview.html?bot=${TALK_BOT}&customer=demo-customer`)
  const win = page.getByRole('dialog', { name: 'Sunny Roofs' })
  const log = win.getByRole('log')
  const say = async (text: string, then: string | RegExp) => {
    const box = win.getByRole('textbox')
    await box.fill(text)
    await box.press('Enter')
    await expect(log).toContainText(then, { timeout: 15_000 })
  }
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(log).toContainText('What is your name?', { timeout: 15_000 })
  await say('Ada Lovelace', 'Your email address?')
  await say('ada@example.com', 'Let me get you a person.')
  await expect(win.getByText('Waiting for a person')).toBeVisible({ timeout: 15_000 })
  const uuid = (await page.evaluate(() => sessionStorage.getItem('reekolect:uuid'))) as string
  const key = { uuid, botId: TALK_BOT, customerId: 'demo-customer' }
  const reply = async (text: string) => {
    await send('POST', '/inbox/direct/reply', { ...key, text, agent: SAM })
    await expect(log).toContainText(text, { timeout: 15_000 })
  }
  await reply('Hi Ada, I’m Sam from the roofing team.')
  await reply('Could you send me a photo of where the water comes in?')
  await say('Sure, it’s above the back bedroom.', 'above the back bedroom')
  await win
    .locator('input[type=file]')
    .setInputFiles({ name: 'roof.png', mimeType: 'image/png', buffer: await roofPhoto(page) })
  const sent = log.locator('.msg.visitor').last().locator('img')
  await expect(sent).toBeVisible({ timeout: 15_000 })
  await expect(sent).toHaveJSProperty('complete', true)
  // Sam reads up to it once the inbox has it (the image shows before it is delivered).
  await expect(log.locator('.msg.visitor').last()).toContainText('Delivered', { timeout: 15_000 })
  const q = new URLSearchParams({ botId: TALK_BOT, customerId: 'demo-customer', uuid })
  const list = (await (
    await fetch(`${base}/inbox/direct/messages?${q}`, { headers: { 'x-bot-token': TOKEN } })
  ).json()) as { data: { id: string }[] }
  await send('POST', '/inbox/direct/read', { ...key, upTo: list.data.at(-1)?.id })
  await expect(log.locator('.msg.visitor').last()).toContainText('Read', { timeout: 15_000 })
  if (close) {
    await reply('Thanks! A cracked tile. A roofer can replace it on Tuesday morning.')
    await send('PUT', '/inbox/direct/lead', { ...key, status: 'CLOSED' })
    await win.getByRole('group', { name: 'How was your conversation with Sam?' }).waitFor()
  } else {
    await send('POST', '/inbox/direct/agent-typing', { ...key, agent: SAM })
    await expect(win.getByText('Sam is typing')).toBeVisible()
  }
  await settled(page)
  await log.evaluate((e) => e.scrollTo({ top: e.scrollHeight }))
  // The open fade-in and the newest bubble's entrance are over.
  await page.waitForTimeout(300)
}

// Its own process group, so that killing the group ends npx and the server under it.
const server = spawn('npx', ['tsx', 'demo/server.ts'], {
  env: { ...process.env, PORT: String(port), REEKOLECT_DB: db },
  stdio: 'ignore',
  detached: true,
})
try {
  await waitForServer()
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  const desktopPage = (colorScheme: 'light' | 'dark') =>
    browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', colorScheme })
  const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
  await desktop.goto(base)
  // The playground's sample site is its preview iframe.
  const site = desktop.frameLocator('#preview-frame')
  await site.getByRole('button', { name: 'Open chat' }).click()
  await chat(desktop, ['Ada Lovelace', 'ada@example.com', '07400 123456'], site)
  await site.getByRole('button', { name: 'Pricing and sales' }).click()
  await desktop.locator('#leads').getByText('ada@example.com').waitFor()
  await settled(desktop, site)
  await desktop.screenshot({ path: 'docs/playground.png' })

  // The agent console below it: Ada's conversation, answered by Sam, Ada typing.
  const agentConsole = desktop.locator('#console')
  const item = agentConsole.locator('.conversation-item', { hasText: 'Ada Lovelace' })
  await item.click()
  const reply = agentConsole.getByLabel('Reply to the visitor')
  await reply.fill('Hi Ada, Sam here. A 4 kW system starts at £5,000 installed.')
  await reply.press('Enter')
  await agentConsole.getByRole('log').getByText('Sam here').waitFor()
  await fetch(`${base}/inbox/direct/typing`, {
    method: 'POST',
    headers: { 'x-bp-token': 'demo-token', 'content-type': 'application/json' },
    body: JSON.stringify({
      uuid: await item.getAttribute('data-uuid'),
      botId: 'demo-bot',
      customerId: 'demo-customer',
    }),
  })
  await agentConsole.getByText('Visitor is typing…').waitFor()
  await agentConsole.evaluate((e) => e.scrollIntoView({ block: 'start' }))
  await desktop.waitForTimeout(300)
  await desktop.screenshot({ path: 'docs/agent-console.png' })

  const phone = await phonePage(browser, 'light')
  // The sample site alone (the playground's preview page), as a visitor's phone shows it.
  await phone.goto(`${base}/demo/playground/preview.html?bot=demo-bot&customer=demo-customer`)
  await phone.getByRole('button', { name: 'Open chat' }).waitFor()
  await phone.waitForTimeout(300)
  await phone.screenshot({ path: 'docs/phone-closed.png' })
  await phone.getByRole('button', { name: 'Open chat' }).click()
  await chat(phone, ['Grace Hopper'])
  await phone.waitForTimeout(300)
  await phone.screenshot({ path: 'docs/phone-open.png' })

  // Arabic, right to left, on a phone and on the landing page.
  const ar = await phonePage(browser, 'light', 'ar')
  await ar.goto(`${base}/demo/e2e/host.html?bot=demo-bot&customer=demo-customer&locale=ar`)
  await ar.getByRole('button', { name: 'Open chat' }).click()
  await chat(ar, ['ليلى'])
  await ar.waitForTimeout(300)
  await ar.screenshot({ path: 'docs/phone-open-ar.png' })
  // The dark theme: the lead-capture template with design.theme "auto", on the sample
  // site in a dark system setting (both follow prefers-color-scheme).
  const template = JSON.parse(
    await (await fetch(`${base}/demo/templates/lead-capture.json`)).text(),
  ) as { settings: { design: Record<string, unknown> } }
  template.settings.design.theme = 'auto'
  const saved = await fetch(`${base}/demo/api/config/dark-bot`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(template),
  })
  if (!saved.ok) throw new Error(`saving the dark bot's document: ${saved.status}`)
  const darkSite = `${base}/demo/playground/preview.html?bot=dark-bot&customer=demo-customer`
  const darkDesktop = await browser.newPage({
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    colorScheme: 'dark',
  })
  await darkDesktop.goto(darkSite)
  await darkDesktop.getByRole('button', { name: 'Open chat' }).click()
  await darkDesktop.getByRole('button', { name: 'Solar' }).click()
  await chat(darkDesktop, ['Ada Lovelace', 'ada@example'])
  await darkDesktop.waitForTimeout(300)
  await darkDesktop.screenshot({ path: 'docs/desktop-dark.png' })
  const darkPhone = await phonePage(browser, 'dark')
  await darkPhone.goto(darkSite)
  await darkPhone.getByRole('button', { name: 'Open chat' }).click()
  await darkPhone.getByRole('button', { name: 'Repair' }).click()
  await chat(darkPhone, ['Grace Hopper'])
  await darkPhone.waitForTimeout(300)
  await darkPhone.screenshot({ path: 'docs/phone-open-dark.png' })

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
  await page.goto(`${base}/page/demo-bot/demo-customer`)
  await chat(page, ['Ada Lovelace', 'ada@example.com'])
  await page.waitForTimeout(300)
  await page.screenshot({ path: 'docs/landing-page.png' })

  // A live conversation with Sam, and its rating once he closes it: on the desktop
  // and on a phone, each in the light and the dark theme (the bot's theme "auto").
  await send('PUT', `/demo/api/config/${TALK_BOT}`, talkDoc)
  await send('POST', '/demo/api/agents', { botId: TALK_BOT, online: true, agents: [SAM] })
  const shots: [string, (scheme: 'light' | 'dark') => Promise<Page>, 'light' | 'dark', boolean][] =
    [
      ['live-desktop', desktopPage, 'light', false],
      ['live-phone-dark', (s) => phonePage(browser, s), 'dark', false],
      ['rating-desktop-dark', desktopPage, 'dark', true],
      ['rating-phone', (s) => phonePage(browser, s), 'light', true],
    ]
  for (const [name, open, scheme, close] of shots) {
    const p = await open(scheme)
    await liveConversation(p, close)
    await p.screenshot({ path: `docs/${name}.png` })
    await p.close()
  }
  await browser.close()
  console.log('wrote docs/*.png')
} finally {
  if (server.pid) process.kill(-server.pid)
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true })
}
