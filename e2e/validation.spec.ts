/**
 * Skeleton, done-when 2: an invalid answer is explained inline, next to the
 * input, and the chat flow waits for a valid one.
 */
import { expect, test } from '@playwright/test'
import {
  answer,
  answerName,
  chat,
  fetchLeads,
  hostUrl,
  launcher,
  TEXT,
  transcript,
  uniqueIds,
  visitorLead,
  waitForLead,
  watchErrors,
} from './helpers'

test('an invalid email shows an inline error and the flow does not advance', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('email')
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await expect(chat(page)).toBeVisible()
  await answerName(page, 'Linus')

  // The input is named by the question it answers.
  const input = chat(page).getByRole('textbox', { name: TEXT.askEmail('Linus') })
  await expect(input).toHaveAttribute('aria-invalid', 'false')
  const messages = transcript(page).locator('.msg')
  const before = await messages.count()

  await answer(page, 'linus@example') // no dot in the domain: not a lead's address
  const error = chat(page).getByText(TEXT.errEmail)
  await expect(error).toBeVisible()
  await expect(input).toHaveAttribute('aria-invalid', 'true')
  await expect(input).toHaveAttribute('aria-describedby', 'rk-err')
  await expect(error).toHaveId('rk-err')
  // What the visitor typed stays in the input to be corrected, and nothing was said.
  await expect(input).toHaveValue('linus@example')
  await expect(messages).toHaveCount(before)
  await expect(transcript(page)).not.toContainText(TEXT.askPhone)
  await expect(chat(page).getByRole('combobox', { name: 'Country' })).toHaveCount(0)

  // Another malformed address: still the same question.
  await answer(page, 'not an email')
  await expect(error).toBeVisible()
  await expect(input).toHaveAttribute('aria-invalid', 'true')
  await expect(messages).toHaveCount(before)

  // The platform got the name, never an email.
  const lead = await visitorLead(page, request, ids)
  expect(lead.profile.userDetails.name).toBe('Linus')
  expect(lead.profile.userDetails.contact.email).toBeNull()

  // A valid address clears the error and the flow moves on.
  await answer(page, 'Linus@Example.org')
  await expect(transcript(page)).toContainText(TEXT.askPhone)
  await expect(chat(page).getByText(TEXT.errEmail)).toHaveCount(0)
  // The same input now answers the phone question, with no error left on it.
  const next = chat(page).getByRole('textbox', { name: TEXT.askPhone })
  await expect(next).toHaveAttribute('aria-invalid', 'false')
  await expect(next).not.toHaveAttribute('aria-describedby', /./)
  await waitForLead(
    request,
    ids.bot,
    ids.customer,
    lead.uuid,
    (c) => c.profile.userDetails.contact.email === 'linus@example.org',
  )
  expect(await fetchLeads(request, ids.bot, ids.customer)).toHaveLength(1)

  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
})
