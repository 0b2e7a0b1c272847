/**
 * Issue "Never lose a lead, never break the host page", content half: every
 * visitor, host and bot string is rendered as text (never as HTML), travels to the
 * platform unchanged, and Unicode (RTL scripts, emoji sequences, combining marks)
 * survives the round trip byte for byte.
 */
import { expect, type Page, test } from '@playwright/test'
import {
  answer,
  answerEmail,
  answerName,
  answerPhone,
  chat,
  chooseTopic,
  completeFlow,
  hostUrl,
  launcher,
  leadFields,
  message,
  TEXT,
  transcript,
  uniqueIds,
  visitorLead,
  watchErrors,
} from './helpers'

// The dial-code picker defaults to the region of the browser locale (en-US → US).
test.use({ locale: 'en-US' })

const IMG = '<img src=x onerror=window.__xss=1>'
const SCRIPT = '<script>window.__xss=1</script>'
const JS_URL = 'javascript:alert(1)'
const SVG = '<svg onload=window.__xss=1>'

/** What the widget's shadow root and the page hold that would mean injected markup or script. */
function scan(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('[data-reekolect]')?.shadowRoot
    if (!root) throw new Error('no widget')
    const all = [...root.querySelectorAll('*')]
    return {
      xss: (window as unknown as { __xss?: unknown }).__xss,
      onAttributes: all.flatMap((el) =>
        [...el.attributes]
          .filter((a) => a.name.toLowerCase().startsWith('on'))
          .map((a) => `${el.localName}[${a.name}]`),
      ),
      markup: all
        .filter((el) =>
          ['img', 'script', 'iframe', 'object', 'embed', 'a', 'image', 'foreignobject'].includes(
            el.localName.toLowerCase(),
          ),
        )
        .map((el) => el.localName),
      javascriptUrls: all.flatMap((el) =>
        [...el.attributes]
          .filter((a) => /^\s*javascript:/i.test(a.value) && a.name !== 'aria-label')
          .map((a) => `${el.localName}[${a.name}]`),
      ),
      pageImages: document.querySelectorAll('img').length,
      pageScripts: [...document.scripts].map((s) => s.src || 'inline'),
    }
  })
}

test('XSS payloads typed, identified and sent as messages are rendered and stored as plain text', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const dialogs: string[] = []
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  const ids = uniqueIds('xss')
  await page.goto(hostUrl(ids))
  const scriptsBefore = await page.evaluate(() =>
    [...document.scripts].map((s) => s.src || 'inline'),
  )
  await launcher(page).click()
  await expect(chat(page)).toBeVisible()
  // The host listens to the widget's message event.
  await page.evaluate(() => {
    const w = window as unknown as { seen: unknown[] }
    w.seen = []
    window.Reekolect?.('on', 'message', (m) => w.seen.push(m))
  })

  // Name: accepted as typed; the bot repeats it in its next question.
  const name = `${IMG} ${SCRIPT} ${JS_URL}`
  await answerName(page, name)
  await expect(message(page, 'visitor', name)).toBeVisible()
  await expect(message(page, 'bot', TEXT.askEmail(name))).toBeVisible()

  // Email: the payloads are rejected by validation, shown as nothing but an error.
  const said = transcript(page).locator('.msg.visitor')
  await expect(said).toHaveCount(1)
  for (const bad of [IMG, SCRIPT, JS_URL, `${SVG}@example.com`]) {
    await answer(page, bad)
    await expect(chat(page).getByText(TEXT.errEmail)).toBeVisible()
  }
  await answerEmail(page, `xss.${ids.suffix}@example.com`)
  // The rejected answers never became messages.
  await expect(said).toHaveCount(2)

  // Phone: rejected too.
  for (const bad of [IMG, JS_URL]) {
    await answer(page, bad)
    await expect(chat(page).getByRole('textbox')).toHaveAttribute('aria-invalid', 'true')
  }
  await answerPhone(page, '07400 123456', 'GB')
  await expect(said).toHaveCount(3)
  await chooseTopic(page, 'Support')

  // The host's identify with payloads in every field.
  const hostName = `${SVG}${IMG}`
  await page.evaluate(
    ([hostName, script, js, img]) =>
      window.Reekolect?.('identify', {
        name: hostName,
        tags: [script, js],
        attributes: { [img]: js, note: script },
      }),
    [hostName, SCRIPT, JS_URL, IMG] as const,
  )
  // Messages posted to the window are not the widget's business.
  await page.evaluate(
    ([img, script]) => {
      window.postMessage(img, '*')
      window.postMessage({ type: 'reekolect', command: 'identify', name: script, html: img }, '*')
    },
    [IMG, SCRIPT] as const,
  )

  const lead = await visitorLead(page, request, ids, (c) => c.profile.userDetails.name === hostName)
  expect(leadFields(lead)).toMatchObject({
    name: hostName,
    email: `xss.${ids.suffix}@example.com`,
    tags: ['Support', SCRIPT, JS_URL],
  })
  expect(lead.profile.userDetails.attributes).toEqual([
    { key: IMG, value: JS_URL },
    { key: 'note', value: SCRIPT },
  ])

  // The message event hands the host the literal strings.
  const seen = await page.evaluate(() => (window as unknown as { seen: unknown[] }).seen)
  expect(seen).toContainEqual(expect.objectContaining({ from: 'visitor', text: name }))
  expect(seen).toContainEqual(expect.objectContaining({ from: 'bot', text: TEXT.askEmail(name) }))

  // Nothing ran, nothing was parsed as markup, anywhere.
  await page.waitForTimeout(300)
  const found = await scan(page)
  expect(found).toEqual({
    xss: undefined,
    onAttributes: [],
    markup: [],
    javascriptUrls: [],
    pageImages: 0,
    pageScripts: scriptsBefore,
  })
  expect(dialogs).toEqual([])
  // The transcript shows the payloads literally, as text.
  await expect(transcript(page)).toContainText(IMG)
  await expect(transcript(page)).toContainText(SCRIPT)
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('an RTL name with emoji and combining marks reaches the platform byte for byte', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('unicode')
  // Arabic with harakat, Hebrew with niqqud, a ZWJ emoji sequence with a skin tone, a decomposed é.
  const name = 'مُحَمَّد שָׁלוֹם 👩🏽‍💻 e\u0301'
  const bodies: Record<string, unknown>[] = []
  // Read at the route: ky streams the body, so request events do not carry it.
  await page.route('**/inbox/direct/lead', (route) => {
    if (route.request().method() === 'PUT') bodies.push(route.request().postDataJSON())
    return route.fallback()
  })
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await completeFlow(page, {
    name,
    email: `unicode.${ids.suffix}@example.com`,
    phone: '07400 123456',
    country: 'GB',
    topic: 'Something else',
  })
  await expect(message(page, 'visitor', name)).toBeVisible()
  const shown = await transcript(page)
    .locator('.msg.visitor')
    .first()
    // The message's own text node (after the hidden "You: ", before its time and state).
    .evaluate((el) => [...el.childNodes].find((n) => n.nodeType === Node.TEXT_NODE)?.textContent)
  expect(shown).toBe(name)

  const lead = await visitorLead(page, request, ids, (c) => c.profile.userDetails.tags.length > 0)
  const stored = lead.profile.userDetails.name as string
  expect(stored).toBe(name)
  // Byte for byte: the same code points, not just the same rendering (no NFC normalisation).
  expect([...Buffer.from(stored, 'utf8')]).toEqual([...Buffer.from(name, 'utf8')])
  expect(bodies.at(-1)).toMatchObject({ name })
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})
