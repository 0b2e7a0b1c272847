/**
 * Skeleton, done-when 1 and 4: a visitor answers the built-in flow and the lead
 * reaches the platform, on the playground page and on the full-page landing page.
 */
import { expect, type Page, test } from '@playwright/test'
import {
  answerEmail,
  answerName,
  answerPhone,
  chat,
  chooseTopic,
  completeFlow,
  fetchLeads,
  launcher,
  leadFields,
  message,
  TEXT,
  transcript,
  uniqueIds,
  uuidOf,
  visitorLead,
  waitForLead,
  watchErrors,
} from './helpers'

// The dial-code picker defaults to the region of the browser locale (en-US → US).
test.use({ locale: 'en-US' })

test('playground: a visitor leaves name, email, GB phone and topic; the inbox and the API show the lead', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  // The playground page is shared (demo-bot/demo-customer): this lead is told apart by name and email.
  const { suffix } = uniqueIds('pg')
  const visitor = {
    name: `Ada Playground ${suffix}`,
    email: `ada.${suffix}@example.com`,
    phone: '07400 123456',
    country: 'GB',
    topic: 'Support',
  }
  await page.goto('/')
  // The playground's sample site is its preview iframe; the helpers take its Frame
  // (same getByRole/locator API). It shares the page's sessionStorage (same origin).
  await expect.poll(() => page.frame({ url: /\/demo\/playground\/preview\.html/ })).toBeTruthy()
  const site = page.frame({ url: /\/demo\/playground\/preview\.html/ }) as unknown as Page
  await launcher(site).click()
  await expect(chat(site)).toBeVisible()
  await expect(transcript(site)).toContainText(TEXT.greet)
  await completeFlow(site, visitor)

  // The transcript shows the answers as the visitor gave them (phone normalised with its dial code).
  for (const text of [visitor.name, visitor.email, '+44 7400123456', visitor.topic])
    await expect(message(site, 'visitor', text)).toBeVisible()
  // The flow has ended: no more input.
  await expect(chat(site).getByRole('textbox')).toHaveCount(0)

  const uuid = await uuidOf(page)
  expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)

  // The playground's inbox (refreshed by server-sent events) lists the lead with exactly these values.
  const card = page.locator('#leads > li', { hasText: visitor.email })
  await expect(async () => {
    await expect(card).toHaveCount(1)
    await expect(card.locator('.name')).toHaveText(visitor.name)
    const fields = await card.evaluate((li) =>
      Object.fromEntries(
        Array.from(li.querySelectorAll('dt'), (dt) => [
          dt.textContent,
          dt.nextElementSibling?.textContent,
        ]),
      ),
    )
    expect(fields).toMatchObject({
      Email: visitor.email,
      Phone: '+44 7400123456',
      Tags: visitor.topic,
      UUID: uuid,
    })
  }).toPass()
  await expect(card).toHaveAttribute('data-uuid', uuid as string)

  // The listing API returns it in the seed's shape.
  const lead = await waitForLead(request, 'demo-bot', 'demo-customer', uuid as string, (c) =>
    c.profile.userDetails.tags.includes(visitor.topic),
  )
  expect(lead.uuid).toBe(uuid)
  expect(lead.profile.userDetails.name).toBe(visitor.name)
  expect(lead.profile.userDetails.contact.email).toBe(visitor.email)
  expect(lead.profile.userDetails.contact.phone.number).toBe('7400123456')
  expect(lead.profile.userDetails.contact.phone.prefix).toBe('44')
  expect(lead.profile.userDetails.tags).toContain(visitor.topic)
  expect(lead).toMatchObject({
    _id: expect.stringMatching(/^[0-9a-f]{24}$/),
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
    status: 'OPEN',
    profile: { notes: [], userDetails: { attributes: [] } },
  })
  // One chat for this visitor, and it is a lead (not also listed as a non-lead).
  const leads = await fetchLeads(request, 'demo-bot', 'demo-customer', 'lead')
  expect(leads.filter((c) => c.uuid === uuid)).toHaveLength(1)
  const others = await fetchLeads(request, 'demo-bot', 'demo-customer', 'non-lead')
  expect(others.filter((c) => c.uuid === uuid)).toHaveLength(0)

  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

/** Opens the landing page of `ids` and checks it is the full-page chat: open at once, no launcher, no close button. */
async function openLandingPage(page: Page, ids: { bot: string; customer: string }) {
  await page.goto(`/page/${ids.bot}/${ids.customer}`)
  await expect(chat(page)).toBeVisible()
  await expect(page.locator('div[data-reekolect="page"]')).toHaveCount(1)
  await expect(launcher(page)).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Close chat' })).toHaveCount(0)
  await expect(transcript(page)).toContainText(TEXT.greet)
  await expect(chat(page).getByRole('textbox')).toBeFocused()
}

/** Answers the flow on the landing page with the default country (en-US → US). */
async function answerLandingPage(page: Page, suffix: string) {
  const visitor = {
    name: `Grace Landing ${suffix}`,
    email: `grace.${suffix}@example.com`,
    phone: '(212) 456-7890',
    topic: 'Pricing and sales',
  }
  await answerName(page, visitor.name)
  await answerEmail(page, visitor.email)
  await expect(chat(page).getByRole('combobox', { name: 'Country' })).toHaveValue('US')
  await answerPhone(page, visitor.phone)
  await chooseTopic(page, visitor.topic)
  // Escape does not close the landing page.
  await page.keyboard.press('Escape')
  await expect(chat(page)).toBeVisible()
  return visitor
}

test('landing page /page/<bot>/<customer> runs the flow full-page and sends the lead with those ids', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('page')
  // Whatever API origin the landing page uses, answer its lead PUTs with the seed's 200
  // and keep the bodies: this test is about what the page sends.
  const bodies: Record<string, unknown>[] = []
  await page.route('**/inbox/direct/lead', async (route) => {
    if (route.request().method() !== 'PUT') return route.fallback()
    bodies.push(route.request().postDataJSON())
    await route.fulfill({ json: { success: true, message: 'ok', code: 200 } })
  })
  await openLandingPage(page, ids)
  const visitor = await answerLandingPage(page, ids.suffix)

  const uuid = (await uuidOf(page)) as string
  expect(uuid).toBeTruthy()
  await expect
    .poll(() => bodies.at(-1))
    .toEqual({
      uuid,
      botId: ids.bot,
      customerId: ids.customer,
      name: visitor.name,
      email: visitor.email,
      phone: '2124567890',
      dialCode: '+1',
      tags: [visitor.topic],
    })
  // Every snapshot carries the ids of the path.
  for (const b of bodies)
    expect(b).toMatchObject({ uuid, botId: ids.bot, customerId: ids.customer })

  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

// The demo serves the shipped dist/page.html with its API and token on the tag.
test('landing page /page/<bot>/<customer> syncs the lead to the platform with those ids', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('page-sync')
  await openLandingPage(page, ids)
  const visitor = await answerLandingPage(page, ids.suffix)

  const lead = await visitorLead(page, request, ids, (c) =>
    c.profile.userDetails.tags.includes(visitor.topic),
  )
  expect(leadFields(lead)).toEqual({
    name: visitor.name,
    email: visitor.email,
    number: '2124567890',
    prefix: '1',
    tags: [visitor.topic],
  })
  expect(await fetchLeads(request, ids.bot, ids.customer, 'lead')).toHaveLength(1)
  expect(await fetchLeads(request, ids.bot, ids.customer, 'non-lead')).toHaveLength(0)

  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})
