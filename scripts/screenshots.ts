/**
 * `npm run screenshots`: real renders of the built widget for the README, taken by
 * Playwright in Chromium against the demo server (desktop and phone, chat closed
 * and open, the dark theme, and the playground's agent console). Writes docs/*.png.
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type FrameLocator, type Page } from '@playwright/test'
import { chromiumArgs, chromiumPath } from '../e2e/browser'

const port = 4687
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

async function chat(page: Page, answers: string[], scope: Page | FrameLocator = page) {
  for (const a of answers) {
    await scope.getByRole('textbox').last().fill(a)
    await page.keyboard.press('Enter')
    await page.waitForTimeout(150)
  }
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
  const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })
  await desktop.goto(base)
  // The playground's sample site is its preview iframe.
  const site = desktop.frameLocator('#preview-frame')
  await site.getByRole('button', { name: 'Open chat' }).click()
  await chat(desktop, ['Ada Lovelace', 'ada@example.com', '07400 123456'], site)
  await site.getByRole('button', { name: 'Pricing and sales' }).click()
  await desktop.locator('#leads').getByText('ada@example.com').waitFor()
  await desktop.waitForTimeout(400)
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
  await agentConsole.evaluate((e) => e.scrollIntoView({ block: 'end' }))
  await desktop.waitForTimeout(300)
  await desktop.screenshot({ path: 'docs/agent-console.png' })

  const phone = await browser.newPage({
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
  })
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
  const ar = await browser.newPage({
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'ar',
  })
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
  const darkPhone = await browser.newPage({
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
    colorScheme: 'dark',
  })
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
  await browser.close()
  console.log('wrote docs/*.png')
} finally {
  if (server.pid) process.kill(-server.pid)
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true })
}
