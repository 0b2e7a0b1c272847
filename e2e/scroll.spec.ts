/**
 * The newest message stays in view: after every step of each demo template and of
 * the built-in flow, on a desktop and on a phone, the last message of the
 * transcript lies inside the transcript's visible box — not under the choice
 * buttons, the dial-code picker or an inline error, not below the closing
 * WhatsApp button, not pushed down by an image that loads late, not hidden when
 * the window or the keyboard takes space. A visitor who scrolled up to read
 * history is not moved: a "New messages" button takes them down.
 */
import { expect, type Locator, type Page, test } from '@playwright/test'
import { axeViolations, hostUrl, TOKEN, uniqueIds } from './helpers'

const dialog = (page: Page) => page.getByRole('dialog')
const log = (page: Page) => dialog(page).getByRole('log')
/** The question's text field: a one-line input, or for a text question a multi-line text box. */
const input = (page: Page) => dialog(page).locator('#rk-input')
const newMessages = (page: Page) => dialog(page).getByRole('button', { name: 'New messages' })

async function send(page: Page, text: string) {
  await input(page).fill(text)
  await dialog(page).getByRole('button', { name: 'Send' }).click()
}

/**
 * Where the message matching `which` (the newest by default) sits against the
 * transcript's visible box: `inside`, or a sentence with both boxes (viewport px).
 * A message taller than the box counts as inside when its end is shown.
 */
function placeOf(page: Page, which?: string): Promise<string> {
  return log(page).evaluate((el, which) => {
    const all = [...el.querySelectorAll('.msg')].reverse()
    const m = which ? all.find((x) => x.textContent?.includes(which)) : all[0]
    if (!m) return `no message ${which ?? ''}`
    const box = el.getBoundingClientRect()
    const top = box.top + el.clientTop
    const bottom = top + el.clientHeight
    const r = m.getBoundingClientRect()
    const tall = r.height > el.clientHeight
    if (r.bottom <= bottom + 1 && (r.top >= top - 1 || tall)) return 'inside'
    const px = (n: number) => Math.round(n)
    return `"${m.textContent?.slice(0, 40)}" at ${px(r.top)}–${px(r.bottom)} px, the transcript shows ${px(top)}–${px(bottom)} px`
  }, which)
}

/**
 * The newest message contains `text` and is inside the transcript's visible box,
 * and still is a moment later (late layout — a picker, an image — has settled).
 */
async function newestShown(page: Page, text: string, step: string): Promise<void> {
  await expect(log(page).locator('.msg').last(), step).toContainText(text)
  await expect.poll(() => placeOf(page), { message: step, timeout: 3000 }).toBe('inside')
  await page.waitForTimeout(200)
  expect(await placeOf(page), `${step} (a moment later)`).toBe('inside')
}

/** One step of a run-through: what the visitor does, then text of the newest message. */
type Step = [name: string, act: (page: Page) => Promise<void>, newest: string]

const open = async (page: Page) => {
  await page.getByRole('button', { name: 'Open chat' }).click()
}
const click = (name: string) => async (page: Page) => {
  await dialog(page).getByRole('button', { name, exact: true }).click()
}
const type = (text: string) => (page: Page) => send(page, text)
/** Waits for the dial-code picker (the phone chunk), which comes after the question. */
const picker = async (page: Page) => {
  await expect(dialog(page).getByRole('combobox', { name: 'Country' })).toBeVisible()
}
const withError = (text: string) => async (page: Page) => {
  await expect(dialog(page).locator('.err')).toContainText(text)
}
const both =
  (...acts: ((page: Page) => Promise<void>)[]) =>
  async (page: Page) => {
    for (const a of acts) await a(page)
  }

/** Full run-throughs: the page (a host page, a template as a configured bot) and the steps. */
const FLOWS: {
  name: string
  url: (ids: { bot: string; customer: string }) => string
  steps: Step[]
}[] = [
  {
    name: 'the built-in flow',
    url: (ids) => hostUrl(ids),
    steps: [
      ['open', open, 'What is your name?'],
      ['name', type('Ada Lovelace'), 'What is your email address?'],
      [
        'an invalid email',
        both(type('not-an-email'), withError('valid email')),
        'What is your email address?',
      ],
      ['email', both(type('ada@example.com'), picker), 'And your phone number'],
      [
        'phone',
        both(async (page) => {
          await dialog(page).getByRole('combobox', { name: 'Country' }).selectOption('GB')
        }, type('07400 123456')),
        'What can we help you with?',
      ],
      ['topic', click('Support'), 'Our team will get back to you shortly.'],
    ],
  },
  {
    name: 'the appointment template',
    url: (ids) => hostUrl(ids, TOKEN, { config: '/demo/templates/appointment.json' }),
    steps: [
      ['open', open, 'What would you like to book?'],
      ['service', click('Cleaning'), 'Which day suits you?'],
      ['date', type('2027-03-15'), 'And at what time?'],
      ['time', click('14:00'), 'Your name, please?'],
      ['name', both(type('Grace Hopper'), picker), 'A phone number, so we can confirm?'],
      ['phone', type('07400 123456'), 'And an email for the reminder?'],
      ['skip', click('Skip'), 'We will call you to confirm.'],
    ],
  },
  {
    name: 'the lead-capture template',
    url: (ids) => hostUrl(ids, TOKEN, { config: '/demo/templates/lead-capture.json' }),
    steps: [
      ['open', open, 'Which one are you after?'],
      ['card', click('Solar'), 'What is your name?'],
      ['name', type('Ada Lovelace'), 'Your email address?'],
      [
        'an email with a typo',
        both(type('ada@gmial.com'), withError('Did you mean ada@gmail.com?')),
        'Your email address?',
      ],
      ['the suggestion', both(click('Use ada@gmail.com'), picker), 'And a phone number'],
      [
        'phone',
        both(async (page) => {
          await dialog(page).getByRole('combobox', { name: 'Country' }).selectOption('US')
        }, type('201 555 0123')),
        'Anything else we should look at?',
      ],
      [
        'extras',
        async (page) => {
          await dialog(page).getByRole('checkbox', { name: 'Chimney' }).check()
          await dialog(page).getByRole('checkbox', { name: 'Insulation' }).check()
          await click('Done')(page)
        },
        'See our recent work',
      ],
    ],
  },
  {
    name: 'the support-triage template',
    url: (ids) => hostUrl(ids, TOKEN, { config: '/demo/templates/support-triage.json' }),
    steps: [
      ['open', open, 'How can we help you today?'],
      ['menu', click('I need help'), 'Which product is it about?'],
      ['product', click('Router'), 'Tell us what happens'],
      ['problem', type('It drops Wi-Fi every hour'), 'How urgent is it'],
      ['rating', click('5 of 5 stars'), 'Your email, for the ticket?'],
      ['email', type('ada@example.com'), 'Anything else? Just reopen the chat.'],
    ],
  },
]

const VIEWPORTS = [
  { name: 'desktop 1280×800', use: { viewport: { width: 1280, height: 800 } } },
  {
    name: 'phone 375×667',
    use: { viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true },
  },
] as const

for (const vp of VIEWPORTS) {
  test.describe(vp.name, () => {
    test.use(vp.use)

    for (const flow of FLOWS) {
      test(`${flow.name}: the newest message is in view after every step`, async ({ page }) => {
        await page.goto(flow.url(uniqueIds('scroll')))
        for (const [name, act, newest] of flow.steps) {
          await act(page)
          await newestShown(page, newest, `${flow.name}, after "${name}"`)
        }
        if (flow.name === 'the support-triage template')
          expect(await placeOf(page, 'Continue on WhatsApp'), 'the WhatsApp button').toBe('inside')
      })
    }
  })
}

test('the window getting shorter keeps the newest message in view', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(hostUrl(uniqueIds('scroll-resize')))
  await open(page)
  await send(page, 'Ada Lovelace')
  await send(page, 'ada@example.com')
  await picker(page)
  await newestShown(page, 'And your phone number', 'before the resize')
  await page.setViewportSize({ width: 1280, height: 420 })
  await newestShown(page, 'And your phone number', 'after the resize')
})

test.describe('on a phone with the on-screen keyboard', () => {
  test.use({ viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true })

  test('the keyboard opening keeps the newest message in view', async ({ page }) => {
    // A stand-in for the on-screen keyboard: a visualViewport whose height we shrink.
    await page.addInitScript(() => {
      let covered = 0
      const vv = Object.assign(new EventTarget(), { offsetTop: 0, offsetLeft: 0, scale: 1 })
      Object.defineProperties(vv, {
        width: { get: () => innerWidth },
        height: { get: () => innerHeight - covered },
        cover: {
          value: (px: number) => {
            covered = px
            vv.dispatchEvent(new Event('resize'))
          },
        },
      })
      Object.defineProperty(window, 'visualViewport', { value: vv })
    })
    await page.goto(hostUrl(uniqueIds('scroll-kbd')))
    await open(page)
    await send(page, 'Ada Lovelace')
    await send(page, 'ada@example.com')
    await picker(page)
    await newestShown(page, 'And your phone number', 'keyboard closed')
    await page.evaluate(() =>
      (window.visualViewport as unknown as { cover(px: number): void }).cover(300),
    )
    await newestShown(page, 'And your phone number', 'keyboard open')
  })
})

/** Filler messages: enough history that the transcript scrolls, even on a tall phone. */
const history = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `m${i}`,
    type: 'message',
    text: `Message ${i + 1} of the history, long enough to take two lines in the chat window.`,
  }))

/** Saves a configuration document for `bot` in the demo API; returns its URL for data-config-url. */
async function saveConfig(page: Page, bot: string, nodes: unknown[]): Promise<string> {
  const doc = { version: 1, settings: {}, flows: [{ id: 'main', nodes }] }
  const res = await page.request.put(`/demo/api/config/${bot}`, { data: doc })
  expect(res.status(), await res.text()).toBe(200)
  return `/widget/${bot}/config.json`
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'content-type',
  'access-control-allow-methods': 'POST',
}

/**
 * Answers the webhook `https://hook.example/<name>` only when `release(name)` is
 * called: until then the bot's next message waits, as behind a slow system.
 */
async function heldWebhooks(page: Page, names: string[]) {
  const gates = new Map(
    names.map((n) => {
      let open = () => {}
      const opened = new Promise<void>((r) => {
        open = r
      })
      return [n, { open, opened }] as const
    }),
  )
  await page.route('https://hook.example/**', async (route) => {
    if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: CORS })
    const gate = gates.get(new URL(route.request().url()).pathname.slice(1))
    await gate?.opened
    return route.fulfill({
      status: 200,
      headers: { ...CORS, 'content-type': 'application/json' },
      body: '{}',
    })
  })
  return (name: string) => gates.get(name)?.open()
}

/** Scrolls the transcript up with the mouse wheel, like a visitor reading history. */
async function scrollUp(page: Page, transcript: Locator) {
  await transcript.hover()
  await page.mouse.wheel(0, -400)
  await expect
    .poll(() => transcript.evaluate((el) => el.scrollTop))
    .toBeLessThan(await transcript.evaluate((el) => el.scrollHeight - el.clientHeight - 100))
  // The wheel's scroll has ended: two frames without a change.
  await page.waitForTimeout(150)
}

test('a visitor reading history is not moved; "New messages" takes them down and goes', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  const ids = uniqueIds('scroll-up')
  const release = await heldWebhooks(page, ['first', 'second'])
  const config = await saveConfig(page, ids.bot, [
    ...history(12),
    { id: 'go', type: 'ask', input: 'choice', text: 'Ready?', options: [{ label: 'Go' }] },
    { id: 'h1', type: 'webhook', url: 'https://hook.example/first' },
    { id: 'a1', type: 'message', text: 'The first answer is here.' },
    { id: 'h2', type: 'webhook', url: 'https://hook.example/second' },
    { id: 'a2', type: 'message', text: 'The second answer is here.' },
    { id: 'end', type: 'end' },
  ])
  await page.goto(hostUrl(ids, TOKEN, { config }))
  await open(page)
  const transcript = log(page)
  await newestShown(page, 'Ready?', 'the question')
  await click('Go')(page)
  await newestShown(page, 'Go', 'the answer')
  await expect(newMessages(page)).toHaveCount(0)

  // Reading history while the bot is busy: its message does not move the view.
  await scrollUp(page, transcript)
  const before = await transcript.evaluate((el) => el.scrollTop)
  release('first')
  await expect(transcript).toContainText('The first answer is here.')
  await expect(newMessages(page)).toBeVisible()
  expect(await transcript.evaluate((el) => el.scrollTop)).toBeCloseTo(before, 0)
  expect(await placeOf(page)).not.toBe('inside')
  expect(await axeViolations(page), 'with the "New messages" button').toEqual([])
  // Keyboard: from the transcript, Tab reaches the button; Enter takes the visitor down.
  await transcript.focus()
  await page.keyboard.press('Tab')
  await expect(newMessages(page)).toBeFocused()
  await page.keyboard.press('Enter')
  await newestShown(page, 'The first answer is here.', 'after "New messages"')
  await expect(newMessages(page)).toHaveCount(0)
  // Focus stays in the window, on the transcript the visitor asked to read.
  await expect(transcript).toBeFocused()

  // Once more, and this time the visitor scrolls down by themselves: the button goes.
  await scrollUp(page, transcript)
  release('second')
  await expect(transcript).toContainText('The second answer is here.')
  await expect(newMessages(page)).toBeVisible()
  await transcript.hover()
  await page.mouse.wheel(0, 5000)
  await expect(newMessages(page)).toHaveCount(0)
  await newestShown(page, 'The second answer is here.', 'scrolled down by the visitor')
})

test('an image that loads late does not push the newest message out of view', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  const ids = uniqueIds('scroll-img')
  let served = false
  await page.route('https://img.example/**', async (route) => {
    await new Promise((r) => setTimeout(r, 1200))
    served = true
    await route.fulfill({
      status: 200,
      contentType: 'image/svg+xml',
      body: '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"><rect width="600" height="400" fill="#0f766e"/></svg>',
    })
  })
  const config = await saveConfig(page, ids.bot, [
    ...history(8),
    { id: 'img', type: 'image', src: 'https://img.example/shop.svg', alt: 'Our shop' },
    {
      id: 'q',
      type: 'ask',
      input: 'choice',
      text: 'What brings you here today?',
      options: [{ label: 'Just looking' }, { label: 'A repair' }],
    },
  ])
  await page.goto(hostUrl(ids, TOKEN, { config }))
  await open(page)
  await newestShown(page, 'What brings you here today?', 'before the image loads')
  const img = log(page).getByRole('img', { name: 'Our shop' })
  await expect
    .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalHeight > 0), {
      timeout: 5000,
    })
    .toBe(true)
  expect(served).toBe(true)
  await newestShown(page, 'What brings you here today?', 'after the image loaded')
})
