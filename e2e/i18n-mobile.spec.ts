/**
 * International and at home on a phone: Arabic right to left with zero axe
 * violations, other languages from their catalogues, and on a 375×667 phone a
 * full-screen chat whose composer stays above the on-screen keyboard.
 */
import { expect, test } from '@playwright/test'
import { axeViolations, hostUrl, uniqueIds } from './helpers'

const url = (prefix: string, locale?: string) =>
  hostUrl(uniqueIds(prefix), undefined, locale ? { locale } : {})

test('Arabic renders right to left, translated, with zero axe violations at each question', async ({
  page,
}) => {
  await page.goto(url('ar', 'ar'))
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeVisible()
  expect(await axeViolations(page), 'launcher closed').toEqual([])
  await page.getByRole('button', { name: 'Open chat' }).click()
  const dialog = page.getByRole('dialog', { name: 'تحدث معنا' })
  await expect(dialog).toBeVisible()
  await expect(dialog).toHaveAttribute('dir', 'rtl')
  await expect(dialog).toHaveAttribute('lang', 'ar')
  await expect(dialog.getByText('ما اسمك؟')).toBeVisible()
  // The launcher is renamed in the visitor's language once the chat is loaded.
  await expect(page.getByRole('button', { name: 'إغلاق المحادثة' }).first()).toBeVisible()
  // Mirrored: the bot's bubbles sit on the right, the visitor's on the left.
  const box = await dialog.boundingBox()
  const greet = await dialog.locator('.msg.bot').first().boundingBox()
  expect(greet && box && greet.x + greet.width).toBeGreaterThan(
    (box?.x ?? 0) + (box?.width ?? 0) - 30,
  )
  expect(await axeViolations(page), 'name question').toEqual([])
  await dialog.getByRole('textbox').fill('مُحَمَّد')
  await dialog.getByRole('button', { name: 'إرسال' }).click()
  await expect(dialog.getByText('شكرًا يا \u2068مُحَمَّد\u2069!')).toBeVisible()
  await dialog.getByRole('textbox').fill('ليس بريدًا')
  await dialog.getByRole('button', { name: 'إرسال' }).click()
  await expect(dialog.getByText('يرجى إدخال بريد إلكتروني صحيح')).toBeVisible()
  expect(await axeViolations(page), 'email question with an error').toEqual([])
  await dialog.getByRole('textbox').fill('m@example.com')
  await dialog.getByRole('button', { name: 'إرسال' }).click()
  await expect(dialog.getByRole('combobox', { name: 'الدولة' })).toBeVisible()
  expect(await axeViolations(page), 'phone question').toEqual([])
  await dialog.getByRole('combobox', { name: 'الدولة' }).selectOption('AE')
  await dialog.getByRole('textbox').fill('050 123 4567')
  await dialog.getByRole('button', { name: 'إرسال' }).click()
  await expect(dialog.getByRole('button', { name: 'الدعم' })).toBeVisible()
  expect(await axeViolations(page), 'choice question').toEqual([])
})

for (const [locale, title, ask] of [
  ['es', 'Chatea con nosotros', '¿Cómo te llamas?'],
  ['fr-CA', 'Discutons', 'Comment vous appelez-vous ?'],
  ['de', 'Chatten Sie mit uns', 'Wie heißen Sie?'],
  ['pt-BR', 'Fale connosco', 'Como se chama?'],
  ['hi', 'हमसे चैट करें', 'आपका नाम क्या है?'],
] as const) {
  test(`data-locale="${locale}" speaks its language`, async ({ page }) => {
    await page.goto(url('i18n', locale))
    await page.getByRole('button', { name: 'Open chat' }).click()
    const dialog = page.getByRole('dialog', { name: title })
    await expect(dialog.getByText(ask)).toBeVisible()
    await expect(dialog).toHaveAttribute('dir', 'ltr')
  })
}

test.describe('on a 375×667 phone', () => {
  test.use({ viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true })

  test('the chat fills the screen, inputs are 16 px, the composer stays above the keyboard', async ({
    page,
  }) => {
    // A stand-in for the on-screen keyboard: a visualViewport whose height we shrink.
    await page.addInitScript(() => {
      let covered = 0
      const vv = Object.assign(new EventTarget(), { offsetTop: 0, offsetLeft: 0, scale: 1 })
      Object.defineProperties(vv, {
        width: { get: () => innerWidth },
        height: { get: () => innerHeight - covered },
        // The spec calls this to "open the keyboard" over the bottom `px` of the screen.
        cover: {
          value: (px: number) => {
            covered = px
            vv.dispatchEvent(new Event('resize'))
          },
        },
      })
      Object.defineProperty(window, 'visualViewport', { value: vv })
    })
    await page.goto(url('phone'))
    await page.evaluate(() => scrollTo(0, 500))
    await page.getByRole('button', { name: 'Open chat' }).click()
    const dialog = page.getByRole('dialog')
    await expect(dialog).toBeVisible()
    // After the 180 ms open animation (it slides up 12 px).
    await expect
      .poll(async () => {
        const b = await dialog.boundingBox()
        return b && [b.x, b.y, b.width, b.height].map(Math.round)
      })
      .toEqual([0, 0, 375, 667])
    const input = dialog.getByRole('textbox')
    expect(
      await input.evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize)),
    ).toBeGreaterThanOrEqual(16)
    // The page behind does not scroll while the chat is full screen.
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe(
      'hidden',
    )
    // The keyboard opens: 300 px of the screen are covered.
    await page.evaluate(() =>
      (window.visualViewport as unknown as { cover(px: number): void }).cover(300),
    )
    await expect
      .poll(async () => {
        const b = await input.boundingBox()
        return b ? b.y + b.height : 9999
      })
      .toBeLessThanOrEqual(367)
    await expect(input).toBeInViewport()
    // Closing restores the page's scroll and lets it scroll again.
    await dialog.getByRole('button', { name: 'Close chat' }).click()
    await expect(dialog).toBeHidden()
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe(
      'visible',
    )
    expect(await page.evaluate(() => scrollY)).toBe(500)
  })
})
