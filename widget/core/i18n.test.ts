import { describe, expect, it } from 'vitest'
import { type Catalogue, LANGUAGES, loadCatalogue, type MessageKey, translator } from './i18n'

/** Every string of a built-in catalogue; English is the translator's fallback. */
async function strings(lang: string): Promise<[MessageKey, string][]> {
  if (lang !== 'en') return Object.entries((await loadCatalogue(lang)) as Catalogue) as never
  const keys = Object.keys((await loadCatalogue('de')) as Catalogue) as MessageKey[]
  const t = translator()
  return keys.map((k) => [k, t(k)])
}

describe('built-in catalogues', () => {
  it.each(LANGUAGES)('%s has every string, none empty, none with an emoji', async (lang) => {
    const all = await strings(lang)
    expect(all.length).toBeGreaterThan(20)
    for (const [key, text] of all) {
      expect(text, key).not.toBe('')
      // An emoji costs the first open a colour-font load (i18n.ts, greet).
      expect(text, key).not.toMatch(/\p{Extended_Pictographic}/u)
    }
  })
})
