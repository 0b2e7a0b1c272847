/**
 * Defects a visitor, a site owner or an integrating developer hit: each test drives
 * the built bundle as they would and checks what they notice.
 */
import { expect, test } from '@playwright/test'
import {
  answer,
  answerEmail,
  answerName,
  answerPhone,
  chat,
  hostUrl,
  launcher,
  TEXT,
  transcript,
  uniqueIds,
  visitorLead,
  watchErrors,
} from './helpers'

test('identify before the first open: greeted by name, the name and email are not asked, the lead has both sides', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('identify')
  await page.goto(hostUrl(ids))
  await expect(launcher(page)).toBeVisible()
  await page.evaluate(() =>
    window.Reekolect?.('identify', { name: 'Ada Lovelace', email: 'ada@example.com' }),
  )
  await launcher(page).click()
  await expect(transcript(page)).toContainText(
    'Hi Ada Lovelace! I can help you get in touch with our team.',
  )
  // The next missing field is asked at once; name and email are not.
  await expect(transcript(page)).toContainText(TEXT.askPhone)
  await expect(transcript(page)).not.toContainText(TEXT.askName)
  await answerPhone(page, '07400 123456', 'GB')
  const lead = await visitorLead(
    page,
    request,
    ids,
    (c) => !!c.profile.userDetails.contact.phone.number,
  )
  expect(lead.profile.userDetails.name).toBe('Ada Lovelace')
  expect(lead.profile.userDetails.contact.email).toBe('ada@example.com')
  expect(lead.profile.userDetails.contact.phone.number).toBe('7400123456')
  // After a reload the chat reopens as it was, not as an empty window.
  await page.reload()
  await expect(transcript(page)).toContainText('Hi Ada Lovelace!')
  await expect(chat(page).getByRole('button', { name: TEXT.topics[0] })).toBeVisible()
  expect(errors.pageErrors).toEqual([])
})

test('a name with a right-to-left override does not reverse the rest of the bot sentence', async ({
  page,
}) => {
  await page.goto(hostUrl(uniqueIds('bidi')))
  await launcher(page).click()
  await expect(transcript(page)).toContainText(TEXT.askName)
  await answer(page, '\u202Eeve')
  await expect(transcript(page)).toContainText('What is your email address?')
  // Where "What" sits on screen relative to the name: after it, in an LTR sentence.
  const [nameX, whatX] = await page.evaluate(() => {
    const root = document.querySelector('[data-reekolect]')?.shadowRoot
    const bot = [...(root?.querySelectorAll('.msg.bot') ?? [])].at(-1)
    const text = [...(bot?.childNodes ?? [])].find(
      (n) => n.nodeType === 3 && n.textContent?.includes('What'),
    ) as Text
    const s = text.data
    const range = (from: number, to: number) => {
      const r = document.createRange()
      r.setStart(text, from)
      r.setEnd(text, to)
      return r.getBoundingClientRect().left
    }
    const at = s.indexOf('eve')
    const what = s.indexOf('What')
    return [range(at, at + 3), range(what, what + 4)]
  })
  expect(whatX).toBeGreaterThan(nameX)
})

for (const rule of ['transform: translateZ(0)', 'filter: blur(0)', 'will-change: transform']) {
  test(`body { ${rule} } on a long page: the launcher stays in the viewport's corner`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto(hostUrl(uniqueIds('fixed')))
    await page.addStyleTag({ content: `body { ${rule} } .tall { height: 5000px }` })
    await expect(launcher(page)).toBeVisible()
    await page.mouse.wheel(0, 2000)
    await page.waitForFunction(() => window.scrollY > 1000)
    const box = await launcher(page).boundingBox()
    expect(box).not.toBeNull()
    expect(box!.y + box!.height).toBeLessThanOrEqual(800)
    expect(box!.y + box!.height).toBeGreaterThan(700)
    expect(box!.x + box!.width).toBeGreaterThan(1180)
  })
}

test('built-in flow: a mistyped email gets "Did you mean", and one click takes the correction', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('suggest')
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await expect(transcript(page)).toContainText(TEXT.askName)
  await answer(page, 'Ada')
  await answer(page, 'ada@gmial.com')
  await expect(chat(page)).toContainText('Did you mean ada@gmail.com?')
  await expect(chat(page).getByRole('textbox')).toHaveAttribute('aria-invalid', 'true')
  await chat(page).getByRole('button', { name: 'Use ada@gmail.com' }).click()
  await expect(transcript(page)).toContainText(TEXT.askPhone)
  const lead = await visitorLead(page, request, ids, (c) => !!c.profile.userDetails.contact.email)
  expect(lead.profile.userDetails.contact.email).toBe('ada@gmail.com')
})

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 375, height: 667 },
]) {
  test(`phone question at ${viewport.width}×${viewport.height}: the chosen country's dial code and the search hint are not cut`, async ({
    page,
  }) => {
    await page.setViewportSize(viewport)
    await page.goto(hostUrl(uniqueIds('dialcode')))
    await launcher(page).click()
    await answerName(page, 'Ada')
    await answerEmail(page, 'ada@example.com')
    const select = chat(page).getByRole('combobox', { name: 'Country' })
    const search = chat(page).getByRole('searchbox', { name: 'Search country or dial code' })
    await expect(search).toBeVisible()
    // Long names too: the end of a too-narrow select is cut, never its dial code.
    for (const [code, dial] of [
      ['GB', '+44'],
      ['VC', '+1'],
      ['BA', '+387'],
    ] as const) {
      await select.selectOption(code)
      const fit = await select.evaluate((el: HTMLSelectElement, dial) => {
        const text = el.selectedOptions[0]?.textContent ?? ''
        const style = getComputedStyle(el)
        const ctx = document.createElement('canvas').getContext('2d')!
        ctx.font = style.font
        // Everything up to and including the dial code must lie in the text box,
        // which is the select's inner width less its padding and drop-down arrow.
        const upTo = text.slice(0, text.indexOf(dial) + dial.length)
        const arrow = 20
        const box =
          el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - arrow
        return { needed: ctx.measureText(upTo).width, box, text }
      }, dial)
      expect(fit.text).toContain(dial)
      expect(fit.needed, `"${fit.text}"`).toBeLessThanOrEqual(fit.box)
    }
    // The search field's visible hint says what it finds, in full.
    const hint = await search.evaluate((el: HTMLInputElement) => {
      const style = getComputedStyle(el)
      const ctx = document.createElement('canvas').getContext('2d')!
      ctx.font = style.font
      const box = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      return { text: el.placeholder, needed: ctx.measureText(el.placeholder).width, box }
    })
    expect(hint.text).toMatch(/country/i)
    expect(hint.needed, hint.text).toBeLessThanOrEqual(hint.box)
  })
}
