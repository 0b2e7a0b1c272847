/**
 * Starting again and the previous conversation (widget/more/) on the built bundle:
 * "New conversation" after the flow ends runs the bot's chat flow again with the
 * lead's known fields (no question asked twice) and moves what the transcript showed
 * behind a collapsed "Previous conversation" disclosure; a returning visitor (a new
 * tab session: a new UUID, the same browser's storage) is welcomed back by name,
 * with the previous conversation collapsed above the new one.
 */
import { expect, type Page, test } from '@playwright/test'
import {
  ADA,
  axeViolations,
  chat,
  completeFlow,
  conversation,
  handOffAsAda,
  hostUrl,
  launcher,
  lines,
  seenLines,
  setAvailability,
  TEXT,
  TOKEN,
  transcript,
  uniqueIds,
  uuidOf,
  visitorLead,
  watchErrors,
} from './helpers'

const GREET_NAMED = `Hi ${ADA.name}! I can help you get in touch with our team.`
const disclosure = (page: Page) =>
  chat(page).getByRole('button', { name: /^Previous conversation/ })
const earlier = (page: Page) => chat(page).locator('#rk-earlier')

test('after the flow ends, "New conversation" runs it again without asking known fields; the old transcript is collapsed above', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('again')
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await completeFlow(page, ADA)
  const before = await seenLines(page)
  const again = chat(page).getByRole('button', { name: 'New conversation' })
  await expect(again).toBeVisible()
  expect(await axeViolations(page), 'flow ended').toEqual([])

  await again.click()
  // The flow from its start, with the lead's name, email and phone: only the topic is asked.
  await expect.poll(() => seenLines(page)).toEqual([`bot: ${GREET_NAMED}`, `bot: ${TEXT.askTopic}`])
  await expect(chat(page).getByRole('button', { name: TEXT.topics[0] })).toBeFocused()
  await expect(again).toHaveCount(0)
  await expect(disclosure(page)).toHaveText(`Previous conversation · ${before.length} messages`)
  await expect(disclosure(page)).toHaveAttribute('aria-expanded', 'false')
  await expect(earlier(page)).toBeHidden()
  expect(await axeViolations(page), 'new conversation, previous collapsed').toEqual([])

  const pageScroll = await page.evaluate(() => window.scrollY)
  await disclosure(page).click()
  await expect(disclosure(page)).toHaveAttribute('aria-expanded', 'true')
  await expect(earlier(page)).toBeVisible()
  // Shown above the button, which keeps focus in view; the host page stays put.
  await expect(disclosure(page)).toBeFocused()
  await expect(disclosure(page)).toBeInViewport()
  expect(await transcript(page).evaluate((e) => e.scrollHeight > e.clientHeight)).toBe(true)
  expect(await page.evaluate(() => window.scrollY)).toBe(pageScroll)
  await expect(earlier(page).locator('.msg')).toHaveText(
    before.map((l) => l.replace(/^bot: /, 'Bot: ').replace(/^visitor: /, 'You: ')),
  )
  expect(await axeViolations(page), 'previous conversation expanded').toEqual([])

  // The inbox has both conversations, each message once, in order.
  await chat(page).getByRole('button', { name: TEXT.topics[1] }).click()
  // The new conversation's own thanks (the previous one, expanded above, has one too).
  await expect.poll(async () => (await seenLines(page)).at(-1)).toBe(`bot: ${TEXT.thanks}`)
  const uuid = (await uuidOf(page)) as string
  const now = await seenLines(page)
  await expect
    .poll(async () => lines(await conversation(request, ids, uuid)))
    .toEqual([...before, ...now])

  // A reload keeps both.
  await page.reload()
  await expect.poll(() => seenLines(page)).toEqual(now)
  await expect(disclosure(page)).toHaveText(`Previous conversation · ${before.length} messages`)
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})

test('a returning visitor in a new tab session is welcomed back by name, not asked again, with the previous conversation collapsed', async ({
  context,
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('back')
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await completeFlow(page, ADA)
  const before = await seenLines(page)
  const first = (await uuidOf(page)) as string
  await page.close()

  // A new tab: a new sessionStorage, so a new UUID; the same IndexedDB.
  const tab = await context.newPage()
  const tabErrors = watchErrors(tab)
  await tab.goto(hostUrl(ids))
  await launcher(tab).click()
  await expect(chat(tab).getByText(`Welcome back, ${ADA.name}`)).toBeVisible()
  await expect.poll(() => seenLines(tab)).toEqual([`bot: ${GREET_NAMED}`, `bot: ${TEXT.askTopic}`])
  const uuid = (await uuidOf(tab)) as string
  expect(uuid).not.toBe(first)
  await expect(disclosure(tab)).toHaveText(`Previous conversation · ${before.length} messages`)
  await expect(disclosure(tab)).toHaveAttribute('aria-expanded', 'false')
  await expect(earlier(tab)).toBeHidden()
  expect(await axeViolations(tab), 'welcome back').toEqual([])

  await disclosure(tab).click()
  await expect(earlier(tab)).toBeVisible()
  await expect(earlier(tab).locator('.msg').first()).toHaveText(`Bot: ${TEXT.greet}`)
  await expect(earlier(tab).locator('.msg')).toHaveCount(before.length)
  expect(await axeViolations(tab), 'welcome back, expanded').toEqual([])

  // The new tab session's lead has the known fields from the start.
  const lead = await visitorLead(tab, request, ids, (c) => c.profile.userDetails.name === ADA.name)
  expect(lead.profile.userDetails.contact.email).toBe(ADA.email)
  expect(errors.pageErrors).toEqual([])
  expect(tabErrors.pageErrors).toEqual([])
  expect(tabErrors.widget()).toEqual([])
})

test('after an agent closed the live conversation, "New conversation" starts the bot’s flow again', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('againlive')
  await handOffAsAda(page, request, ids, true)
  await expect(chat(page).getByText('Waiting for a person to join…')).toBeVisible()
  const uuid = (await uuidOf(page)) as string
  const res = await request.put('/inbox/direct/lead', {
    headers: { 'x-bp-token': TOKEN },
    data: { uuid, botId: ids.bot, customerId: ids.customer, status: 'CLOSED' },
  })
  expect(res.status()).toBe(200)
  await expect(chat(page).getByText('This conversation was closed.')).toBeVisible()
  await chat(page).getByRole('button', { name: 'New conversation' }).click()
  await expect.poll(() => seenLines(page)).toEqual([`bot: ${GREET_NAMED}`, `bot: ${TEXT.askTopic}`])
  await expect(chat(page).getByText('This conversation was closed.')).toHaveCount(0)
  await expect(chat(page).getByRole('textbox', { name: 'Your message' })).toHaveCount(0)
  await setAvailability(request, ids.bot, null)
})
