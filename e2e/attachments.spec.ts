/**
 * Attachments in the live chat, on the built bundle: after a hand-off the visitor
 * attaches an image with the composer's attach button, sees its preview and
 * progress, and it is sent as a message that the agent side receives and can
 * open (`GET …/attachments/:id`); a file too large or of another type is refused
 * inline and nothing is uploaded; a failing server gets Retry, and Retry sends it.
 * The attach chunk loads only once the visitor reaches for a file. Axe in each new
 * state; zero CSP violations on the strict-policy host page.
 */
import { crc32, deflateSync } from 'node:zlib'
import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import {
  agentStream,
  axeViolations,
  bubble,
  chat,
  conversation,
  handOffAsAda,
  hostUrl,
  launcher,
  setAvailability,
  TOKEN,
  transcript,
  uniqueIds,
  uuidOf,
  watchErrors,
} from './helpers'

test.use({ locale: 'en-US' })

/** A real `w`×`h` PNG of one colour (RGBA), made here: signature, IHDR, IDAT, IEND. */
function png(w: number, h: number, rgba = [234, 88, 12, 255]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([len, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr.set([8, 6, 0, 0, 0], 8)
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(Array.from({ length: w }, () => rgba).flat()),
  ])
  const raw = Buffer.concat(Array.from({ length: h }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const ATTACH = '**/inbox/direct/attachments'
const picker = (page: Page) => chat(page).locator('input[type=file]')
const attachButton = (page: Page) => chat(page).getByRole('button', { name: 'Attach a file' })
const tray = (page: Page) => chat(page).getByRole('list', { name: 'Files to send' })

/** The chat handed to a person by the host's `Reekolect('handoff')`, an agent online. */
async function goLive(page: Page, request: APIRequestContext, ids: { bot: string }, url: string) {
  await setAvailability(request, ids.bot, true)
  await page.goto(url)
  await expect(launcher(page)).toBeVisible()
  await page.evaluate(() =>
    (window as unknown as { Reekolect(c: string): void }).Reekolect('handoff'),
  )
  await expect(chat(page).getByText('Waiting for a person to join…')).toBeVisible()
}

/** Counts the uploads the page makes (POSTs to the attachments endpoint). */
function countUploads(page: Page) {
  const posts: string[] = []
  page.on('request', (r) => {
    if (r.method() === 'POST' && /\/inbox\/direct\/attachments$/.test(r.url())) posts.push(r.url())
  })
  return posts
}

test('after "Talk to a person" an image is previewed, uploaded with progress and sent, a PDF dropped is sent; the agent receives them and opens them', async ({
  page,
  request,
  baseURL,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('attach')
  const agents = agentStream(baseURL as string, ids)
  await agents.ready
  const attachChunk: string[] = []
  page.on('request', (r) => {
    if (/\/assets\/attach-[\w-]+\.js$/.test(r.url())) attachChunk.push(r.url())
  })
  try {
    await handOffAsAda(page, request, ids, true)
    await expect(chat(page).getByText('Waiting for a person to join…')).toBeVisible()
    const uuid = (await uuidOf(page)) as string

    // The attach button is there, the attach chunk is not: it loads on use.
    await expect(attachButton(page)).toBeVisible()
    expect(attachChunk).toEqual([])
    const box = await attachButton(page).boundingBox()
    expect(box?.width).toBeGreaterThanOrEqual(44)
    expect(box?.height).toBeGreaterThanOrEqual(44)

    // The upload is held while the visitor looks at the tray.
    let release!: () => void
    const held = new Promise<void>((go) => {
      release = go
    })
    await page.route(ATTACH, async (route) => {
      await held
      await route.continue()
    })
    const image = png(40, 30)
    await picker(page).setInputFiles({ name: 'shot.png', mimeType: 'image/png', buffer: image })
    await expect(tray(page)).toBeVisible()
    expect(attachChunk).toHaveLength(1)
    const item = tray(page).getByRole('listitem')
    await expect(item).toContainText('shot.png')
    await expect(item.getByRole('progressbar', { name: 'Sending shot.png' })).toBeVisible()
    // The preview is the image, drawn on a canvas (no style attribute, no blob: URL).
    await expect
      .poll(() =>
        item.locator('canvas').evaluate((c: HTMLCanvasElement) => {
          const d = c.getContext('2d')?.getImageData(c.width / 2, c.height / 2, 1, 1).data
          return d ? [...d] : []
        }),
      )
      .toEqual([234, 88, 12, 255])
    expect(await item.evaluate((li) => li.querySelectorAll('[style]').length)).toBe(0)
    expect(await axeViolations(page), 'a file uploading').toEqual([])
    release()

    // Sent: it leaves the tray and is the visitor's message, with the image.
    await expect(tray(page)).toHaveCount(0)
    await expect.poll(() => bubble(page, -1)).toMatch(/^You: shot\.png/)
    const sent = transcript(page).locator('.msg.visitor').last()
    const link = sent.getByRole('link', { name: /Open the file, PNG · 1 kB/ })
    await expect(link).toHaveAttribute('target', '_blank')
    await expect(link.locator('img')).toHaveJSProperty('complete', true)
    expect(await link.locator('img').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(40)
    await expect(sent.locator('.ack')).toHaveText('Delivered')
    expect(await axeViolations(page), 'an image sent').toEqual([])

    // The agent side: the stream's message carries the attachment, and its URL serves the file.
    await expect
      .poll(() =>
        agents.events.some(
          (e) => e.event === 'message' && (e.data as { attachment?: unknown }).attachment,
        ),
      )
      .toBe(true)
    const event = agents.events.find(
      (e) => e.event === 'message' && (e.data as { attachment?: unknown }).attachment,
    )?.data as {
      uuid: string
      by: string
      text: string
      attachment: { url: string; type: string; size: number }
    }
    expect(event).toMatchObject({
      uuid,
      by: 'visitor',
      text: 'shot.png',
      attachment: { type: 'image/png', size: image.length, name: 'shot.png' },
    })
    expect((await conversation(request, ids, uuid)).at(-1)).toMatchObject({ text: 'shot.png' })
    const file = await request.get(event.attachment.url)
    expect(file.status()).toBe(200)
    expect(file.headers()['content-type']).toBe('image/png')
    expect(file.headers()['x-content-type-options']).toBe('nosniff')
    expect(file.headers()['content-disposition']).toMatch(/^inline; filename="shot.png"/)
    expect(Buffer.compare(await file.body(), image)).toBe(0)

    // A PDF dropped on the transcript (anywhere on the chat window) is sent too, as a document.
    const dropped = await page.evaluateHandle(() => {
      const dt = new DataTransfer()
      dt.items.add(new File(['%PDF-1.4\n%%EOF\n'], 'quote.pdf', { type: 'application/pdf' }))
      return dt
    })
    await transcript(page).dispatchEvent('drop', { dataTransfer: dropped })
    await expect.poll(() => bubble(page, -1)).toMatch(/^You: quote\.pdf/)
    const doc = transcript(page)
      .locator('.msg.visitor')
      .last()
      .getByRole('link', { name: /PDF · 1 kB/ })
    await expect(doc.locator('svg.doc')).toBeVisible()
    const pdf = await request.get((await doc.getAttribute('href')) as string)
    expect(pdf.headers()['content-type']).toBe('application/pdf')
    expect(pdf.headers()['content-disposition']).toMatch(/^attachment; filename="quote.pdf"/)

    // The playground's agent console shows it as a thumbnail that opens it.
    const agent = await page.context().newPage()
    await agent.goto(`/?${new URLSearchParams({ bot: ids.bot, customer: ids.customer })}`)
    const console_ = agent.getByRole('region', { name: 'Agent console' })
    await console_.getByRole('button', { name: /Ada Lovelace/ }).click()
    const opens = console_
      .getByRole('log')
      .getByRole('link', { name: /Open shot\.png \(PNG, 1 kB\)/ })
    await expect(opens).toHaveAttribute('href', event.attachment.url)
    await expect(opens).toHaveAttribute('target', '_blank')
    await expect(opens.locator('img')).toHaveJSProperty('naturalWidth', 40)
    await agent.close()
    expect(errors.pageErrors).toEqual([])
    expect(errors.widget()).toEqual([])
  } finally {
    agents.stop()
    await setAvailability(request, ids.bot, null)
  }
})

test('a file too large or of another type is refused inline, with one E_ATTACHMENT line, and nothing is uploaded', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('attachno')
  const uploads = countUploads(page)
  try {
    await goLive(page, request, ids, hostUrl(ids))
    await attachButton(page).click()
    // Named and declared as an image, but an HTML page.
    await picker(page).setInputFiles({
      name: 'cat.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<!doctype html><script>alert(1)</script>'),
    })
    const wrong = tray(page).getByRole('listitem').filter({ hasText: 'cat.png' })
    await expect(wrong).toContainText(
      'Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.',
    )
    const big = Buffer.alloc(10 * 1024 * 1024 + 1)
    png(1, 1).copy(big)
    await picker(page).setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: big })
    const large = tray(page).getByRole('listitem').filter({ hasText: 'huge.png' })
    await expect(large).toContainText('This file is larger than 10 MB.')
    await expect(large).toContainText('10.5 MB')
    // Announced politely, once each.
    await expect(chat(page).locator('.tray [aria-live="polite"]')).toHaveText(
      'huge.png: This file is larger than 10 MB.',
    )
    expect(await axeViolations(page), 'files refused').toEqual([])
    expect(errors.lines('[Reekolect] E_ATTACHMENT: cat.png was not sent')).toHaveLength(1)
    expect(errors.lines('[Reekolect] E_ATTACHMENT: huge.png was not sent')).toHaveLength(1)

    // Removed: the tray empties, focus goes back to the text box, nothing was sent.
    await chat(page).getByRole('button', { name: 'Remove cat.png' }).click()
    await chat(page).getByRole('button', { name: 'Remove huge.png' }).click()
    await expect(tray(page)).toHaveCount(0)
    await expect(chat(page).getByRole('textbox', { name: 'Your message' })).toBeFocused()
    expect(uploads).toEqual([])
    await expect(transcript(page).locator('.msg.visitor')).toHaveCount(0)
  } finally {
    await setAvailability(request, ids.bot, null)
  }
})

test('a server that fails is retried with backoff, then shows Retry, also after a reload; Retry sends the file', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('attachretry')
  const uploads = countUploads(page)
  try {
    await goLive(page, request, ids, hostUrl(ids))
    let failing = true
    await page.route(ATTACH, (route) =>
      failing
        ? route.fulfill({ status: 503, json: { success: false, message: 'down', code: 503 } })
        : route.continue(),
    )
    await attachButton(page).click()
    await picker(page).setInputFiles({
      name: 'receipt.png',
      mimeType: 'image/png',
      buffer: png(8, 8),
    })
    const item = tray(page).getByRole('listitem')
    await expect(item).toContainText('Couldn’t send it. Trying again…')
    const retry = item.getByRole('button', { name: 'Retry' })
    await expect(retry).toBeVisible({ timeout: 10_000 })
    await expect(item).toContainText('Not sent.')
    // Three attempts: the first and two by themselves.
    expect(uploads).toHaveLength(3)
    expect(
      errors.lines('[Reekolect] E_ATTACHMENT: receipt.png could not be uploaded'),
    ).toHaveLength(1)
    expect(await axeViolations(page), 'an upload failed').toEqual([])
    await expect(transcript(page).locator('.msg.visitor')).toHaveCount(0)

    // Nothing is lost: a reload (or the next page of the site) shows it again, with Retry.
    await page.reload()
    await expect(tray(page).getByRole('listitem')).toContainText('receipt.png')
    await expect(tray(page).getByRole('listitem')).toContainText('Not sent.')
    expect(uploads).toHaveLength(3)

    failing = false
    await tray(page).getByRole('button', { name: 'Retry' }).click()
    await expect(tray(page)).toHaveCount(0)
    await expect.poll(() => bubble(page, -1)).toMatch(/^You: receipt\.png/)
    const uuid = (await uuidOf(page)) as string
    await expect
      .poll(async () => (await conversation(request, ids, uuid)).map((m) => m.text))
      .toContain('receipt.png')
    expect(uploads).toHaveLength(4)
  } finally {
    await setAvailability(request, ids.bot, null)
  }
})

test('in the dark theme the tray (a file refused, one uploading) and the file sent have no axe violation', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('attachdark')
  const saved = await request.put(`/demo/api/config/${ids.bot}`, {
    data: {
      version: 1,
      settings: { design: { primaryColor: '#0f766e', theme: 'dark' } },
      flows: [{ id: 'main', nodes: [{ id: 'hi', type: 'message', text: 'Hi!' }] }],
    },
  })
  expect(saved.status()).toBe(200)
  try {
    await goLive(
      page,
      request,
      ids,
      hostUrl(ids, TOKEN, { config: `/widget/${ids.bot}/config.json` }),
    )
    let release!: () => void
    const held = new Promise<void>((go) => {
      release = go
    })
    await page.route(ATTACH, async (route) => {
      await held
      await route.continue()
    })
    await attachButton(page).click()
    await picker(page).setInputFiles([
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
      { name: 'dark.png', mimeType: 'image/png', buffer: png(6, 6) },
    ])
    await expect(tray(page).getByRole('listitem')).toHaveCount(2)
    await expect(tray(page).getByRole('progressbar', { name: 'Sending dark.png' })).toBeVisible()
    expect(await axeViolations(page), 'dark: a file refused, one uploading').toEqual([])
    release()
    await expect.poll(() => bubble(page, -1)).toMatch(/^You: dark\.png/)
    expect(await axeViolations(page), 'dark: an image sent').toEqual([])
  } finally {
    await setAvailability(request, ids.bot, null)
  }
})

test('under the strict CSP and Trusted Types, the preview and the sent image cause no violation', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  try {
    await goLive(page, request, { bot: 'csp-bot' }, '/demo/csp/strict.html')
    await attachButton(page).click()
    await picker(page).setInputFiles({ name: 'p.png', mimeType: 'image/png', buffer: png(4, 4) })
    const sent = transcript(page).locator('.msg.visitor').last()
    await expect(sent.locator('img')).toHaveJSProperty('complete', true)
    expect(await sent.locator('img').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(4)
    expect(
      await page.evaluate(() => (window as unknown as { violations: string[] }).violations),
    ).toEqual([])
    expect(errors.pageErrors).toEqual([])
  } finally {
    await setAvailability(request, 'csp-bot', null)
  }
})
