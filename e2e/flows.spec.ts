/**
 * Configured bots: the demo templates completed in the browser end with
 * the expected lead in the demo database; the conversation survives a reload and a
 * move to another page; a broken document falls back to the built-in flow with one
 * console line; the phone chunk waits for the phone question; every trigger fires.
 */
import { expect, type Page, test } from '@playwright/test'
import {
  type Chat,
  fetchLeads,
  type HostOptions,
  hostUrl,
  leadFields,
  TEXT,
  TOKEN,
  uniqueIds,
  uuidOf,
  visitorLead,
  waitForLead,
  watchErrors,
} from './helpers'

/** The host page with these ids and a configuration document URL (`data-config-url`). */
const configured = (
  ids: { bot: string; customer: string },
  config?: string,
  page: HostOptions['page'] = 'host.html',
) => hostUrl(ids, TOKEN, config ? { config, page } : { page })

const dialog = (page: Page) => page.getByRole('dialog')
const log = (page: Page) => dialog(page).getByRole('log')
/** The composer's input (text, email, tel, date…). */
/** The question's text field: a one-line input, or for a text question a multi-line text box. */
const input = (page: Page) => dialog(page).locator('#rk-input')

async function send(page: Page, text: string) {
  await input(page).fill(text)
  await dialog(page).getByRole('button', { name: 'Send' }).click()
}

const attrs = (c: Chat) =>
  Object.fromEntries(c.profile.userDetails.attributes.map((a) => [a.key, a.value]))
const notes = (c: Chat) => c.profile.notes.map(({ title, description }) => ({ title, description }))

test('appointment template: booked with a date, a time and a skipped email; the phone chunk waits for its question', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('appt')
  const phoneChunk: string[] = []
  page.on('request', (r) => {
    if (/\/assets\/phone-/.test(r.url())) phoneChunk.push(r.url())
  })
  await page.goto(configured(ids, '/demo/templates/appointment.json'))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(dialog(page)).toHaveAccessibleName('Bright Smiles Dental')
  await expect(log(page)).toContainText('Welcome to Bright Smiles Dental!')
  await dialog(page).getByRole('button', { name: 'Cleaning' }).click()
  await expect(log(page)).toContainText('Which day suits you?')
  await expect(input(page)).toHaveAttribute('type', 'date')
  await send(page, '2027-03-15')
  await dialog(page).getByRole('button', { name: '14:00' }).click()
  await expect(log(page)).toContainText('Your name, please?')
  // Four questions in, and still no phone chunk: it waits for the phone question.
  await page.waitForTimeout(300)
  expect(phoneChunk).toEqual([])
  await send(page, 'Grace Hopper')
  await expect(log(page)).toContainText('A phone number, so we can confirm?')
  await expect.poll(() => phoneChunk.length).toBe(1)
  // The document's default country is GB: a national number needs no dial code.
  await expect(dialog(page).getByRole('combobox', { name: 'Country' })).toHaveValue('GB')
  await send(page, '07400 123456')
  await dialog(page).getByRole('button', { name: 'Skip' }).click()
  await expect(log(page)).toContainText(
    'Thanks Grace Hopper! We noted Cleaning on 2027-03-15 at 14:00.',
  )
  await expect(log(page).locator('strong', { hasText: 'Cleaning' })).toBeVisible()

  const lead = await visitorLead(page, request, ids, (c) => c.profile.notes.length > 0)
  expect(leadFields(lead)).toMatchObject({
    name: 'Grace Hopper',
    email: null,
    number: '7400123456',
    tags: ['appointment'],
  })
  expect(lead.profile.userDetails.contact.phone.prefix).toMatch(/44$/)
  expect(attrs(lead)).toEqual({ service: 'Cleaning', date: '2027-03-15', time: '14:00' })
  expect(lead.status).toBe('INPROGRESS')
  expect(notes(lead)).toEqual([
    { title: 'Appointment request', description: 'Cleaning on 2027-03-15 at 14:00' },
  ])
})

test('support-triage template: menu, quick replies, rating, webhook ticket and WhatsApp transfer', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('triage')
  await page.goto(configured(ids, '/demo/templates/support-triage.json'))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(dialog(page)).toHaveAccessibleName('Acme Support')
  // The main menu lists the other flows by name.
  await expect(dialog(page).getByRole('button', { name: 'Talk to sales' })).toBeVisible()
  await dialog(page).getByRole('button', { name: 'I need help' }).click()
  await dialog(page).getByRole('button', { name: 'Router' }).click()
  await send(page, 'It drops Wi-Fi every hour')
  await dialog(page).getByRole('button', { name: '5 of 5 stars' }).click()
  await send(page, 'ada@example.com')
  await expect(log(page)).toContainText('is marked urgent')
  const uuid = (await uuidOf(page)) as string
  const wa = log(page).getByRole('link', { name: /Continue on WhatsApp/ })
  const href = (await wa.getAttribute('href')) as string
  expect(href).toMatch(/^https:\/\/wa\.me\/447400123456\?text=/)
  expect(decodeURIComponent(href.split('text=')[1] as string)).toContain(`chat reference ${uuid}`)
  await expect(wa).toHaveAttribute('rel', 'noopener noreferrer')
  await expect(log(page)).toContainText('Anything else? Just reopen the chat.')
  // The header's "Continue on WhatsApp" button of the WhatsApp settings.
  await expect(
    dialog(page)
      .locator('header')
      .getByRole('link', { name: /WhatsApp/ }),
  ).toBeVisible()

  const lead = await waitForLead(request, ids.bot, ids.customer, uuid, (c) => c.status === 'REVIEW')
  const a = attrs(lead)
  expect(a).toMatchObject({
    product: 'Router',
    problem: 'It drops Wi-Fi every hour',
    urgency: '5',
    priority: 'high',
  })
  expect(a.ticket).toMatch(/^T-[0-9A-F]{6}$/)
  expect(leadFields(lead)).toMatchObject({ email: 'ada@example.com', tags: ['support'] })
  expect(notes(lead)).toEqual([
    { title: `Ticket ${a.ticket}`, description: 'Router: It drops Wi-Fi every hour (urgency 5)' },
  ])
})

test('a webhook that fails takes the failure branch; a document saved in the demo API is served at /widget/<bot>/config.json', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('hookfail')
  const doc = JSON.parse(
    await (await request.get('/demo/templates/support-triage.json')).text(),
  ) as { flows: { nodes: { id: string; url?: string }[] }[] }
  const hook = doc.flows[1]?.nodes.find((n) => n.id === 'ticket')
  if (hook) hook.url = hook.url?.replace('/demo/webhook/triage', '/demo/webhook/missing')
  const saved = await request.put(`/demo/api/config/${ids.bot}`, { data: doc })
  expect(saved.status()).toBe(200)
  // The demo API serves the saved document at /widget/<bot>/config.json.
  await page.goto(configured(ids, `/widget/${ids.bot}/config.json`))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await dialog(page).getByRole('button', { name: 'I need help' }).click()
  await dialog(page).getByRole('button', { name: 'App' }).click()
  await send(page, 'Login fails')
  await dialog(page).getByRole('button', { name: '2 of 5 stars' }).click()
  await send(page, 'bo@example.com')
  await expect(log(page)).toContainText('Our ticket system is not answering')
  const lead = await visitorLead(page, request, ids, (c) =>
    c.profile.userDetails.tags.includes('ticket-failed'),
  )
  expect(attrs(lead).ticket).toBeUndefined()
})

test('lead-capture template: cards, an email typo suggestion, multiple choice', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('capture')
  await page.goto(configured(ids, '/demo/templates/lead-capture.json'))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(log(page).getByText('Solar panels')).toBeVisible()
  await expect(log(page).getByRole('link', { name: /Read our guide/ })).toHaveAttribute(
    'target',
    '_blank',
  )
  await dialog(page).getByRole('button', { name: 'Solar' }).click()
  await send(page, 'Ada Lovelace')
  await send(page, 'ada@gmial.com')
  await expect(dialog(page)).toContainText('Did you mean ada@gmail.com?')
  await dialog(page).getByRole('button', { name: 'Use ada@gmail.com' }).click()
  await expect(log(page)).toContainText('And a phone number for the surveyor?')
  await dialog(page).getByRole('combobox', { name: 'Country' }).selectOption('US')
  await send(page, '201 555 0123')
  await dialog(page).getByRole('checkbox', { name: 'Chimney' }).check()
  await dialog(page).getByRole('checkbox', { name: 'Insulation' }).check()
  await dialog(page).getByRole('button', { name: 'Done' }).click()
  await expect(log(page)).toContainText('A surveyor will call you within one working day.')
  await expect(log(page).getByRole('link', { name: /See our recent work/ })).toBeVisible()

  const lead = await visitorLead(page, request, ids, (c) =>
    c.profile.userDetails.tags.includes('quote-request'),
  )
  expect(leadFields(lead)).toMatchObject({
    name: 'Ada Lovelace',
    email: 'ada@gmail.com',
    number: '2015550123',
    tags: ['solar', 'Chimney', 'Insulation', 'quote-request'],
  })
  expect(attrs(lead)).toEqual({ service: 'solar', extras: 'Chimney, Insulation' })
  expect(lead.status).toBe('OPEN')
})

for (const how of ['reload', 'second page'] as const) {
  test(`after a ${how} mid-flow the chat resumes at the same question with its transcript`, async ({
    page,
  }) => {
    const ids = uniqueIds(how === 'reload' ? 'resume' : 'navigate')
    const url = configured(ids, '/demo/templates/appointment.json')
    await page.goto(url)
    await page.getByRole('button', { name: 'Open chat' }).click()
    await dialog(page).getByRole('button', { name: 'Whitening' }).click()
    await send(page, '2028-01-02')
    await expect(log(page)).toContainText('And at what time?')
    const before = (await log(page).textContent()) as string
    if (how === 'reload') await page.reload()
    else await page.goto(configured(ids, '/demo/templates/appointment.json', 'second.html'))
    // Open before, open after; same transcript; the time buttons wait again.
    await expect(log(page)).toHaveText(before)
    await expect(dialog(page).getByRole('button', { name: '09:00' })).toBeVisible()
    await dialog(page).getByRole('button', { name: '09:00' }).click()
    await expect(log(page)).toContainText('Your name, please?')
  })
}

test('an invalid document logs one E_CONFIG line with its path and the built-in flow runs', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(configured(uniqueIds('badcfg'), '/demo/e2e/config/invalid.json'))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(page.getByRole('dialog', { name: 'Chat with us' })).toContainText(TEXT.askName)
  const config = errors.lines('[Reekolect] E_CONFIG:')
  expect(config).toHaveLength(1)
  expect(errors.widget()).toHaveLength(1)
  expect(errors.pageErrors).toEqual([])
  expect(config[0]).toContain('flows.0.nodes.1.next')
  expect(config[0]).toContain('unknown node "nowhere"')
})

test('a document URL answering 404 logs one E_CONFIG line and the built-in flow runs', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(configured(uniqueIds('nocfg'), '/demo/e2e/config/does-not-exist.json'))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(page.getByRole('dialog', { name: 'Chat with us' })).toContainText(TEXT.askName)
  const config = errors.lines('[Reekolect] E_CONFIG:')
  expect(config).toHaveLength(1)
  expect(config[0]).toContain('answered 404')
  expect(errors.pageErrors).toEqual([])
})

test.describe('triggers', () => {
  /**
   * The trigger fired: its teaser (e2e/teaser.spec.ts) previews the flow's first
   * message beside the launcher, and the chat window stays closed.
   */
  const teased = async (page: Page) => {
    await expect(page.getByRole('button', { name: 'Opened by a trigger.' })).toBeVisible()
    await expect(page.getByRole('dialog')).toHaveCount(0)
  }
  const noTeaser = async (page: Page) => {
    await expect(page.locator('[data-reekolect] .teaser')).toHaveCount(0)
    await expect(page.getByRole('dialog')).toHaveCount(0)
  }

  test('after N seconds, at most once per session', async ({ page }) => {
    const url = configured(uniqueIds('trig-time'), '/demo/e2e/config/trigger-time.json')
    await page.goto(url)
    await teased(page)
    await page.reload()
    await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
    await page.waitForTimeout(2500)
    await noTeaser(page)
  })

  test('after scrolling past the percentage', async ({ page }) => {
    await page.goto(configured(uniqueIds('trig-scroll'), '/demo/e2e/config/trigger-scroll.json'))
    await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
    await page.waitForTimeout(500)
    await noTeaser(page)
    await page.mouse.wheel(0, 100_000)
    await teased(page)
  })

  test('on exit intent (pointer leaving through the top)', async ({ page }) => {
    await page.goto(configured(uniqueIds('trig-exit'), '/demo/e2e/config/trigger-exit.json'))
    await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
    await page.mouse.move(400, 300)
    await page.evaluate(() =>
      document.dispatchEvent(
        new MouseEvent('mouseout', { clientX: 400, clientY: 0, bubbles: true }),
      ),
    )
    await teased(page)
  })

  test('URL include: not on other pages, yes after a pushState to a matching page', async ({
    page,
  }) => {
    const ids = uniqueIds('trig-incl')
    await page.goto(configured(ids, '/demo/e2e/config/trigger-include.json'))
    await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
    await page.waitForTimeout(2000)
    await noTeaser(page)
    // A single-page-app route change, no reload: page rules are evaluated again.
    await page.evaluate(() => history.pushState({}, '', '/demo/e2e/second.html'))
    await teased(page)
  })

  test('URL exclude: never on an excluded page', async ({ page }) => {
    await page.goto(configured(uniqueIds('trig-excl'), '/demo/e2e/config/trigger-exclude.json'))
    await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
    await page.waitForTimeout(2000)
    await noTeaser(page)
    await page.goto(
      configured(uniqueIds('trig-excl2'), '/demo/e2e/config/trigger-exclude.json', 'second.html'),
    )
    await teased(page)
  })

  test('action "open" opens the window on a desktop, and teases on a phone', async ({ page }) => {
    const doc = {
      version: 1,
      settings: { triggers: { afterSeconds: 1, action: 'open', oncePerSession: false } },
      flows: [
        {
          id: 'main',
          nodes: [
            { id: 'hello', type: 'message', text: 'Opened by a trigger.' },
            { id: 'q', type: 'ask', input: 'text', text: 'How can we help?' },
          ],
        },
      ],
    }
    await page.route('**/demo/e2e/trigger-open.json', (route) => route.fulfill({ json: doc }))
    const url = configured(uniqueIds('trig-open'), '/demo/e2e/trigger-open.json')
    await page.goto(url)
    await expect(page.getByRole('dialog')).toContainText('Opened by a trigger.')
    await expect(page.locator('[data-reekolect] .teaser')).toHaveCount(0)
    await page.setViewportSize({ width: 375, height: 667 })
    await page.evaluate(() => sessionStorage.clear())
    await page.goto(configured(uniqueIds('trig-open2'), '/demo/e2e/trigger-open.json'))
    await teased(page)
  })
})

test('user access hides the launcher on matching pages, and a light primary colour gets dark text', async ({
  page,
}) => {
  await page.goto(configured(uniqueIds('access'), '/demo/e2e/config/access-hide.json'))
  // The launcher exists but is not shown on host.html.
  await page.waitForFunction(() => document.querySelector('[data-reekolect]'))
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeHidden()
  await page.evaluate(() => history.pushState({}, '', '/demo/e2e/second.html'))
  const button = page.getByRole('button', { name: 'Open chat' })
  await expect(button).toBeVisible()
  const colors = await button.evaluate((el) => {
    const s = getComputedStyle(el)
    return { bg: s.backgroundColor, fg: s.color }
  })
  expect(colors.bg).toBe('rgb(253, 224, 71)')
  expect(colors.fg).toBe('rgb(17, 17, 17)')
})

test('the bot listing sees nothing from a trigger alone: no chat until the visitor opens it', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('trig-nolead')
  await page.goto(configured(ids, '/demo/e2e/config/trigger-time.json'))
  await expect(page.getByRole('button', { name: 'Opened by a trigger.' })).toBeVisible()
  await page.waitForTimeout(1000)
  expect(await fetchLeads(request, ids.bot, ids.customer, 'lead')).toEqual([])
  expect(await fetchLeads(request, ids.bot, ids.customer, 'non-lead')).toEqual([])
})
