/**
 * Bot content in every language (docs/configuration.md, "Languages") on the
 * built bundle, with the multilingual template (demo/templates/multilingual.json:
 * English, French and Spanish, an FAQ in each and one French-only entry): a
 * visitor with `data-locale` reads the bot in their language; `setLocale` mid-flow
 * asks the waiting question again in the new language, and what follows (the next
 * questions, their buttons, the FAQ's answers) is in it; a language the document
 * lacks falls back as documented (the language of a regional tag, else the
 * document's `defaultLocale`).
 */
import { expect, type Page, test } from '@playwright/test'
import {
  axeViolations,
  hostUrl,
  seenLines,
  TOKEN,
  uniqueIds,
  visitorLead,
  watchErrors,
} from './helpers'

const CONFIG = '/demo/templates/multilingual.json'
const dialog = (page: Page) => page.getByRole('dialog')
const said = (page: Page) => seenLines(page, dialog(page).getByRole('log'))
/** Waits until the newest line the visitor sees is `line`. */
const saysLast = (page: Page, line: string) =>
  expect.poll(async () => (await said(page)).at(-1)).toBe(line)

/** Opens the multilingual bot's chat for a visitor of `locale` (none: the browser's, English). */
async function open(page: Page, locale?: string) {
  const ids = uniqueIds('i18n-content')
  await page.goto(hostUrl(ids, TOKEN, { config: CONFIG, ...(locale ? { locale } : {}) }))
  await page.getByRole('button', { name: 'Open chat' }).click()
  await expect(dialog(page)).toBeVisible()
  return ids
}

/** Types `text` into the composer (or the "Ask a question" box) and sends it with Enter. */
async function type(page: Page, text: string, box = dialog(page).getByRole('textbox')) {
  await box.fill(text)
  await box.press('Enter')
}

test('a visitor with data-locale="fr" reads the bot in French: header, welcome, question, buttons; axe finds nothing', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await open(page, 'fr')
  await expect(page.getByRole('dialog', { name: 'Hôtel Azur' })).toBeVisible()
  await expect(
    dialog(page).getByText('Chambres face à la mer, à deux pas du Vieux-Nice'),
  ).toBeVisible()
  await expect
    .poll(() => said(page))
    .toEqual([
      'bot: Bienvenue à l’Hôtel Azur de Nice !',
      'bot: Posez-moi vos questions sur votre séjour, ou demandez une chambre.',
    ])
  await expect(dialog(page).getByRole('button', { name: 'Demander une chambre' })).toBeVisible()
  await expect(dialog(page).getByRole('textbox', { name: 'Posez une question' })).toBeVisible()
  expect(await axeViolations(page)).toEqual([])
  await dialog(page).getByRole('button', { name: 'Demander une chambre' }).click()
  await saysLast(page, 'bot: Quel est votre nom ?')
  expect([...errors.consoleErrors, ...errors.pageErrors]).toEqual([])
})

test('setLocale("fr") mid-flow asks the waiting question again in French; the next questions, buttons and placeholder are French; the lead keeps the document’s values', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = await open(page)
  await dialog(page).getByRole('button', { name: 'Ask for a room' }).click()
  await saysLast(page, 'bot: What is your name?')
  await type(page, 'Ada')
  await saysLast(page, 'bot: Thanks, Ada! Your email address, for the confirmation?')

  await page.evaluate(() => window.Reekolect?.('setLocale', 'fr'))
  await saysLast(page, 'bot: Merci, Ada ! Votre adresse e-mail, pour la confirmation ?')
  // Said once more, in French; what was said before stays as it was (its "You" is now "Vous").
  expect((await said(page)).slice(-3)).toEqual([
    'visitor: Ada',
    'bot: Thanks, Ada! Your email address, for the confirmation?',
    'bot: Merci, Ada ! Votre adresse e-mail, pour la confirmation ?',
  ])
  await expect(dialog(page).getByRole('log').locator('.msg.visitor .sr').last()).toHaveText('Vous:')
  await expect(page.getByRole('dialog', { name: 'Hôtel Azur' })).toBeVisible()
  await expect(dialog(page).getByRole('button', { name: 'Envoyer' })).toBeVisible()
  expect(await axeViolations(page)).toEqual([])

  await type(page, 'ada@example.com')
  await saysLast(page, 'bot: Quelle chambre souhaitez-vous ?')
  const rooms = dialog(page).getByRole('button', { name: /^(Simple|Double|Suite vue mer)$/ })
  await expect(rooms).toHaveText(['Simple', 'Double', 'Suite vue mer'])
  await dialog(page).getByRole('button', { name: 'Suite vue mer' }).click()
  await saysLast(page, 'bot: Pour combien de nuits ?')
  await expect(dialog(page).getByRole('textbox')).toHaveAttribute('placeholder', 'Nuits, de 1 à 30')
  await type(page, '3')
  await saysLast(
    page,
    'bot: Merci, Ada ! Nous vous envoyons notre meilleur tarif par e-mail dans l’heure.',
  )
  // The visitor chose "Suite vue mer"; the lead stores the label in the document's language.
  const lead = await visitorLead(page, request, ids, (c) =>
    c.profile.userDetails.attributes.some((a) => a.key === 'nights'),
  )
  const attrs = Object.fromEntries(lead.profile.userDetails.attributes.map((a) => [a.key, a.value]))
  expect(attrs).toMatchObject({ room: 'Sea-view suite', nights: '3' })
  expect([...errors.consoleErrors, ...errors.pageErrors]).toEqual([])
})

test('free questions are answered from the FAQ of the visitor’s language, before and after setLocale', async ({
  page,
}) => {
  await open(page)
  await type(
    page,
    'Is breakfast included?',
    dialog(page).getByRole('textbox', { name: 'Ask a question' }),
  )
  await expect
    .poll(() => said(page))
    .toContain(
      'bot: Breakfast is €18 a person, served on the terrace from 7 to 10:30 am; it is included in suites.',
    )
  await saysLast(page, 'bot: Did that help?')

  await page.evaluate(() => window.Reekolect?.('setLocale', 'fr'))
  const box = dialog(page).getByRole('textbox', { name: 'Posez une question' })
  // In other words than the FAQ's ("Où garer ma voiture ?"), read as French: stems, stop words.
  await type(page, 'est-ce que je peux garer ma voiture', box)
  await expect
    .poll(() => said(page))
    .toContain(
      'bot: Notre garage compte 12 places à 25 € la nuit ; réservez la vôtre avec la chambre.',
    )
  await saysLast(page, 'bot: Cela vous a-t-il aidé ?')
  // The French-only entry answers French visitors.
  await type(page, 'Y a-t-il une taxe de séjour ?', box)
  await expect
    .poll(() => said(page))
    .toContain(
      'bot: Oui : la taxe de séjour de Nice est de 2,88 € par adulte et par nuit, réglée à l’hôtel.',
    )
  expect(await axeViolations(page)).toEqual([])
})

for (const { locale, reads, lines, button, box } of [
  {
    locale: 'es-MX',
    reads: 'the language of a regional tag: Spanish',
    lines: [
      'bot: ¡Bienvenido al Hotel Azur de Niza!',
      'bot: Pregúnteme por su estancia, o pida una habitación.',
    ],
    button: 'Pedir una habitación',
    box: 'Haz una pregunta',
  },
  {
    locale: 'de',
    reads: 'the defaultLocale for a language it lacks: English texts, German widget strings',
    lines: [
      'bot: Welcome to Hotel Azur in Nice!',
      'bot: Ask me about your stay, or ask for a room.',
    ],
    button: 'Ask for a room',
    box: 'Stellen Sie eine Frage',
  },
]) {
  test(`data-locale="${locale}" falls back to ${reads}`, async ({ page }) => {
    await open(page, locale)
    await expect.poll(() => said(page)).toEqual(lines)
    await expect(dialog(page).getByRole('button', { name: button })).toBeVisible()
    // The widget's own strings come from the visitor's catalogue.
    await expect(dialog(page).getByRole('textbox', { name: box })).toBeVisible()
    expect(await axeViolations(page)).toEqual([])
  })
}
