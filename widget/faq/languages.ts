/**
 * The FAQ's readers of languages other than English (./text.ts `readerOf`):
 * the Snowball stemmer and stop words of each, from `@orama/stemmers` and
 * `@orama/stopwords` (Apache-2.0; the Snowball project's algorithms and lists).
 * Each language is its own lazy chunk (`faq-<code>`, 1.5 to 3.5 KiB brotli), loaded
 * with the FAQ chunk only for an FAQ in that language.
 */
import { english, type Reader, readerOf } from './text'

/** A language's module (./lang/faq-<code>.ts): its stemmer and stop words. */
type Language = { stemmer(word: string): string; stopwords: string[] }

/**
 * Languages with a stemmer, by ISO 639-1 code, each one chunk. Written out, one
 * import each: a bundler splits only imports it can read.
 */
const LANGUAGES: Record<string, () => Promise<Language>> = {
  ar: () => import('./lang/faq-ar'),
  da: () => import('./lang/faq-da'),
  de: () => import('./lang/faq-de'),
  es: () => import('./lang/faq-es'),
  fi: () => import('./lang/faq-fi'),
  fr: () => import('./lang/faq-fr'),
  it: () => import('./lang/faq-it'),
  nl: () => import('./lang/faq-nl'),
  no: () => import('./lang/faq-no'),
  pt: () => import('./lang/faq-pt'),
  ro: () => import('./lang/faq-ro'),
  ru: () => import('./lang/faq-ru'),
  sv: () => import('./lang/faq-sv'),
  tr: () => import('./lang/faq-tr'),
}
/** Norwegian Bokmål and Nynorsk share the Norwegian stemmer. */
const ALIASES: Record<string, string> = { nb: 'no', nn: 'no' }

/** A language without a stemmer (Hindi, Japanese…): words split and compared as they are. */
const plain = readerOf((w) => w, [])

/**
 * The reader of the FAQ's language `locale` (BCP 47; `pt-BR` reads as `pt`):
 * English's own ({@link english}), a Snowball language's once its chunks load,
 * else one that compares words as they are, accents dropped.
 *
 * @throws rejects when a language's chunk cannot load (the caller reports it).
 */
export async function readerFor(locale: string): Promise<Reader> {
  const code = locale.toLowerCase().split(/[-_]/)[0] ?? ''
  if (code === 'en' || !code) return english
  const load = LANGUAGES[ALIASES[code] ?? code]
  if (!load) return plain
  const { stemmer, stopwords } = await load()
  return readerOf(stemmer, stopwords)
}
