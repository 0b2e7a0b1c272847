import { describe, expect, it } from 'vitest'
import { type Catalogue, languages, loadCatalogue, MESSAGE_KEYS, translator } from './i18n'

describe('built-in catalogues', () => {
  it.each(languages())('%s has every string, none empty, none with an emoji', async (lang) => {
    const cat = lang === 'en' ? undefined : await loadCatalogue(lang)
    if (lang !== 'en') expect(cat).toBeDefined()
    const t = translator(cat as Catalogue | undefined)
    expect(MESSAGE_KEYS.length).toBeGreaterThan(20)
    for (const key of MESSAGE_KEYS) {
      // Its own translation, not the English fallback.
      if (cat) expect(Object.hasOwn(cat, key), key).toBe(true)
      const text = t(key)
      expect(text, key).not.toBe('')
      // An emoji costs the first open a colour-font load (i18n.ts, greet).
      expect(text, key).not.toMatch(/\p{Extended_Pictographic}/u)
    }
  })
})
