/**
 * The playground : its editor changes the preview live, an
 * invalid document is listed with its path and never reaches the preview, a flow
 * completed in the preview lands in the playground's inbox, the embed snippet
 * names the bot, and the event log shows the widget's events. Each test has its
 * own bot (`/?bot=&customer=`), so documents and leads are never shared.
 */
import { createRequire } from 'node:module'
import { expect, type FrameLocator, type Page, test } from '@playwright/test'
import { type Chat, fetchLeads, TEXT, UUID_KEY, uniqueIds, watchErrors } from './helpers'

type Ids = { bot: string; customer: string }

test.use({ locale: 'en-US' })

const openPlayground = (page: Page, ids: Ids) =>
  page.goto(`/?${new URLSearchParams({ bot: ids.bot, customer: ids.customer })}`)

/** The sample site in the preview iframe. */
const preview = (page: Page): FrameLocator => page.frameLocator('#preview-frame')
const launcher = (page: Page) => preview(page).getByRole('button', { name: 'Open chat' })
const dialog = (page: Page) => preview(page).getByRole('dialog')
const status = (page: Page) => page.locator('#apply-status')
const json = (page: Page) => page.getByLabel('Document (JSON)')
const applyButton = (page: Page) => page.getByRole('button', { name: 'Apply', exact: true })

/** Picks a template and waits until the server has it (the preview then restarts). */
async function useTemplate(page: Page, name: string) {
  await page.getByLabel('Document', { exact: true }).selectOption(name)
  await expect(status(page)).toContainText('Applied at')
}

/** Replaces the JSON document and applies it at once. */
async function applyJson(page: Page, doc: unknown) {
  await json(page).fill(JSON.stringify(doc, null, 2))
  await applyButton(page).click()
}

/**
 * Waits until the preview page has loaded at least `n` times (first load, then one
 * restart per applied document): locators in the frame then find the new page. At
 * least, not exactly: on a slow machine the editor's apply-when-you-stop-typing may
 * apply a half-edited document before the test's next keystroke or its click on
 * Apply, which restarts the preview once more; what the visitor then sees is
 * checked on its own.
 */
const loads = (page: Page, n: number) =>
  expect
    .poll(() => page.locator('#event-log li[data-name="preview:loaded"]').count())
    .toBeGreaterThanOrEqual(n)

/**
 * The status after Apply: "Applied at …", or, when the editor's apply-when-you-stop-typing
 * had already applied this very document, "no changes since the last apply".
 */
const APPLIED = /Applied at|Applied: no changes since the last apply/

/** axe's WCAG A/AA violations in the playground's design form. */
async function formViolations(page: Page) {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') })
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(el: Element | null, o: object): Promise<{ violations: { id: string }[] }>
        }
      }
    ).axe
    const r = await axe.run(document.getElementById('design'), {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    })
    return r.violations.map((v) => v.id)
  })
}

/** The computed background of the preview's launcher. */
const launcherColour = (page: Page) =>
  launcher(page).evaluate((el) => getComputedStyle(el).backgroundColor)

test('editor: the appointment template with a new colour and welcome shows in the preview', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('pg-edit')
  await openPlayground(page, ids)
  await useTemplate(page, 'appointment')
  // The form follows the document.
  await expect(page.getByLabel('Bot name')).toHaveValue('Bright Smiles Dental')
  await expect(page.getByLabel('Primary colour')).toHaveValue('#0f766e')
  await expect.poll(() => launcherColour(page)).toBe('rgb(15, 118, 110)')

  const welcome = `Hello from the playground ${ids.suffix}!`
  await page.getByLabel('Primary colour').fill('#d61f69')
  await page.getByLabel('Welcome message').fill(welcome)
  // The JSON follows the form.
  await expect(json(page)).toHaveValue(/"primaryColor": "#d61f69"/)
  await expect(json(page)).toHaveValue(new RegExp(`"welcome": "${welcome}"`))
  await applyButton(page).click()
  await expect(status(page)).toContainText('Applied')
  await expect(page.locator('#problems')).toBeEmpty()
  await loads(page, 3)

  // The server keeps the edited document, and the restarted preview shows it.
  const saved = await (await request.get(`/widget/${ids.bot}/config.json`)).json()
  expect(saved.settings.design.primaryColor).toBe('#d61f69')
  expect(saved.settings.general.welcome).toBe(welcome)
  await expect.poll(() => launcherColour(page)).toBe('rgb(214, 31, 105)')
  await launcher(page).click()
  await expect(dialog(page)).toHaveAccessibleName('Bright Smiles Dental')
  await expect(dialog(page).getByRole('log')).toContainText(welcome)
  await expect(dialog(page).getByRole('button', { name: 'Cleaning' })).toBeVisible()

  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('editor: an invalid document is listed with its path and the preview keeps the last valid one', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('pg-invalid')
  await openPlayground(page, ids)
  await useTemplate(page, 'appointment')
  const restarts = page.locator('#event-log li[data-name="preview:restart"]')
  await expect(restarts).toHaveCount(1)

  // A `next` to a node that does not exist: valid JSON, refused by the schema's references.
  const doc = JSON.parse(await json(page).inputValue())
  doc.flows[0].nodes[0].next = 'nowhere'
  await applyJson(page, doc)
  const problems = page.locator('#problems')
  await expect(problems).toContainText('Not applied: 1 problem')
  await expect(problems.getByRole('listitem')).toHaveText(
    /^flows\.0\.nodes\.0\.next — unknown node "nowhere" Line \d+$/,
  )
  await expect(status(page)).toContainText('Not applied')
  // "Line n" selects the place in the JSON.
  await problems.getByRole('button', { name: /^Go to line \d+/ }).click()
  await expect(json(page)).toBeFocused()
  const selected = await json(page).evaluate((t: HTMLTextAreaElement) =>
    t.value.slice(t.selectionStart, t.selectionEnd),
  )
  expect(selected).toBe('"next": "nowhere"')

  // A schema error on a setting is listed and marks its form field.
  doc.flows[0].nodes[0].next = undefined
  doc.settings.design.primaryColor = 'teal'
  await applyJson(page, doc)
  await expect(problems.getByRole('listitem')).toContainText(
    'settings.design.primaryColor — must be a #rrggbb colour',
  )
  await expect(page.getByLabel('Primary colour')).toHaveAttribute('aria-invalid', 'true')

  // A JSON syntax error too, with its line.
  await json(page).fill('{\n  "version": 1,\n  "flows": [,]\n}')
  await expect(problems).toContainText('the JSON has a syntax error')
  await expect(problems.getByRole('listitem')).toHaveText(/^JSON syntax — .+ Line 3$/)
  await expect(page.locator('#design-off')).toBeVisible()

  // None reached the server or the preview: it still runs the template.
  const saved = await (await request.get(`/widget/${ids.bot}/config.json`)).json()
  expect(saved.flows[0].nodes[0].next).toBeUndefined()
  expect(saved.settings.design.primaryColor).toBe('#0f766e')
  await expect(restarts).toHaveCount(1)
  await loads(page, 2)
  await launcher(page).click()
  await expect(dialog(page)).toHaveAccessibleName('Bright Smiles Dental')
  await expect(dialog(page).getByRole('log')).toContainText('Welcome to Bright Smiles Dental!')
  await dialog(page).getByRole('button', { name: 'Cleaning' }).click()
  await expect(dialog(page).getByRole('log')).toContainText('Which day suits you?')
})

test('editor: business hours set in the form; outside them the preview’s hand-off leaves a message', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('pg-hours')
  await openPlayground(page, ids)
  await useTemplate(page, 'support-triage')
  // The form shows the template's hours: London, its first range.
  const hours = page.getByRole('group', { name: 'Business hours' })
  await expect(hours.getByLabel('Set business hours')).toBeChecked()
  await expect(hours.getByLabel('Time zone')).toHaveValue('Europe/London')
  await expect(hours.getByLabel('From')).toHaveValue('08:00')
  await expect(hours.getByLabel('To')).toHaveValue('20:00')
  await expect(hours.getByLabel('Fri')).toBeChecked()
  await expect(hours.getByLabel('Sun')).not.toBeChecked()
  expect(await formViolations(page), 'the design form with business hours').toEqual([])

  // Off removes them from the document; on again writes the form's range.
  await hours.getByLabel('Set business hours').uncheck()
  await expect(json(page)).not.toHaveValue(/"hours"/)
  await expect(hours.getByLabel('Time zone')).toBeDisabled()
  await hours.getByLabel('Set business hours').check()
  // Open every day but today (in London): closed now, whatever the time.
  const today = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'Europe/London' })
    .format(Date.now())
    .slice(0, 3)
  for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])
    await hours.getByLabel(day, { exact: true }).setChecked(day !== today)
  await hours.getByLabel('From').fill('09:00')
  await hours.getByLabel('To').fill('17:30')
  await expect(json(page)).toHaveValue(/"from": "09:00",\s+"to": "17:30"/)
  await applyButton(page).click()
  await expect(status(page)).toContainText(APPLIED)
  const saved = await (await request.get(`/widget/${ids.bot}/config.json`)).json()
  expect(saved.settings.hours).toEqual({
    timeZone: 'Europe/London',
    weekly: [
      {
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].filter(
          (d) => d !== today.toLowerCase(),
        ),
        from: '09:00',
        to: '17:30',
      },
    ],
  })

  // The preview: the agent console is online, but the hours are closed.
  await loads(page, 3)
  await launcher(page).click()
  await dialog(page).getByRole('button', { name: 'Talk to a person' }).click()
  const log = dialog(page).getByRole('log')
  await expect(log).toContainText('Our team is away right now. We’re back')
  await expect(dialog(page).getByText('The team is away. Leave a message.')).toBeVisible()
  await expect(
    dialog(page).getByRole('textbox', { name: 'Leave your email address and we’ll reply there.' }),
  ).toBeVisible()
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('done-when: a flow written in the editor and completed in the preview lands in the inbox', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('pg-lead')
  await openPlayground(page, ids)
  await expect(page.locator('#status')).toContainText('No leads yet')
  await useTemplate(page, 'lead-capture')
  await applyJson(page, {
    version: 1,
    settings: { design: { botName: 'Quick Bot' }, general: { welcome: 'A two-question flow.' } },
    flows: [
      {
        id: 'quick',
        name: 'Quick lead',
        nodes: [
          { id: 'name', type: 'ask', input: 'name', text: 'Your name?' },
          { id: 'email', type: 'ask', input: 'email', text: 'Your email?' },
          { id: 'bye', type: 'end', text: 'Thanks, we will write soon.' },
        ],
      },
    ],
  })
  await expect(status(page)).toContainText(APPLIED)
  // The flow picker of the JavaScript API lists the document's flows.
  await expect(page.getByLabel('Flow', { exact: true })).toHaveValue('quick')

  await loads(page, 3)
  await launcher(page).click()
  await expect(dialog(page)).toHaveAccessibleName('Quick Bot')
  const log = dialog(page).getByRole('log')
  await expect(log).toContainText('Your name?')
  const name = `Lin Preview ${ids.suffix}`
  const email = `lin.${ids.suffix}@example.com`
  const box = dialog(page).getByRole('textbox')
  await box.fill(name)
  await dialog(page).getByRole('button', { name: 'Send' }).click()
  await expect(log).toContainText('Your email?')
  await box.fill(email)
  await dialog(page).getByRole('button', { name: 'Send' }).click()
  await expect(log).toContainText('Thanks, we will write soon.')

  // The preview shares the playground's session storage (same origin): its visitor.
  const uuid = await page.evaluate((k) => sessionStorage.getItem(k), UUID_KEY)
  expect(uuid).toBeTruthy()
  // The inbox (live, by server-sent events) lists the lead the preview just captured.
  const card = page.locator('#leads > li', { hasText: email })
  await expect(card).toHaveCount(1)
  await expect(card.locator('.name')).toHaveText(name)
  await expect(card).toHaveAttribute('data-uuid', uuid as string)
  const leads: Chat[] = await fetchLeads(request, ids.bot, ids.customer)
  expect(leads.map((c) => c.profile.userDetails.contact.email)).toEqual([email])
  await expect(page.locator('#event-log li[data-name="lead:synced"]').first()).toBeVisible()

  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('snippet: the embed tag names the bot and customer, and Copy copies it', async ({
  page,
  context,
}) => {
  const ids = uniqueIds('pg-snip')
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await openPlayground(page, ids)
  const origin = new URL(page.url()).origin
  const expected = `<script id="Reekolect-messenger-widget" src="${origin}/Reekolect.js" data-api-url="${origin}" data-token="demo-token" data-config-url="${origin}/widget/${ids.bot}/config.json" defer>${ids.bot},${ids.customer}</script>`
  await expect(page.locator('#snippet')).toHaveText(expected)
  await page.getByRole('button', { name: 'Copy snippet' }).click()
  await expect(page.locator('#copy-status')).toHaveText('Copied')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected)

  // The header, the landing-page link and the preview use the same ids.
  await expect(page.locator('#bot-id')).toHaveText(ids.bot)
  await expect(page.getByRole('link', { name: 'Landing page of this bot' })).toHaveAttribute(
    'href',
    `/page/${ids.bot}/${ids.customer}`,
  )
  await expect(page.locator('#preview-frame')).toHaveAttribute(
    'src',
    new RegExp(`bot=${ids.bot}&customer=${ids.customer}`),
  )
  // The phone toggle narrows the preview to 375 px.
  await page.getByRole('button', { name: 'Phone · 375 px' }).click()
  await expect(page.getByRole('button', { name: 'Phone · 375 px' })).toHaveAttribute(
    'aria-pressed',
    'true',
  )
  await expect.poll(() => page.locator('#preview-frame').evaluate((f) => f.clientWidth)).toBe(375)
})

test('event log: opening the preview chat logs open and message; commands are logged and run', async ({
  page,
}) => {
  const ids = uniqueIds('pg-log')
  await openPlayground(page, ids)
  const entries = page.locator('#event-log')
  await expect(entries.locator('li[data-name="ready"]')).toHaveCount(1)
  await launcher(page).click()
  await expect(dialog(page).getByRole('log')).toContainText(TEXT.greet)
  await expect(entries.locator('li[data-kind="event"][data-name="open"]')).toHaveCount(1)
  await expect(
    entries.locator('li[data-kind="event"][data-name="message"]', { hasText: TEXT.greet }),
  ).toHaveCount(1)

  // A command button calls window.Reekolect in the preview; its event comes back.
  await page.getByRole('button', { name: 'Close', exact: true }).click()
  await expect(entries.locator('li[data-kind="command"][data-name="close"]')).toHaveCount(1)
  await expect(entries.locator('li[data-kind="event"][data-name="close"]')).toHaveCount(1)
  await expect(dialog(page)).toBeHidden()
  await page.getByRole('button', { name: 'Open', exact: true }).click()
  await expect(dialog(page)).toBeVisible()
  await expect(entries.locator('li[data-kind="event"][data-name="open"]')).toHaveCount(2)
})
