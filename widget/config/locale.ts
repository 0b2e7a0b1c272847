/**
 * Bot content in every language (docs/configuration.md, "Languages"): any text
 * of the bot configuration document a visitor reads may be a string or a
 * language map, `{"en": "Hello", "fr": "Bonjour"}`. The schema (./schema.ts)
 * marks each map it validates; {@link localizeDocument} gives the
 * document in one visitor's language, every map replaced by the entry the
 * fallback chain picks ({@link pickTag}). Imported by the triggers' teaser
 * chunk (its text) and the configured-bot chunk (everything else, again on
 * `setLocale`), never by the settings chunk's entry nor the chat window's.
 */
/**
 * The key of the mark the schema puts on each language map it validated
 * (`markMap` of ./schema.ts, a non-enumerable property: JSON and equality checks
 * do not see it). A registered symbol, so the settings build, which validates
 * the document, and the chat build, which reads it, agree on it without sharing
 * a module (a shared one would be a chunk of its own, one more request at page
 * load).
 */
const MAP = Symbol.for('reekolect.languageMap')

declare const brand: unique symbol
/**
 * A language map as validated: BCP 47 language tag (any case) → the text (or
 * list of texts) in that language, at least one entry. Only a type: at run time
 * a plain object, marked by the schema.
 */
export type LanguageMap<T = string> = { readonly [tag: string]: T } & { readonly [brand]: T }

/** `T` with every {@link LanguageMap} replaced by one of its values: the document in one language. */
export type Resolved<T> =
  T extends LanguageMap<infer V>
    ? V
    : T extends readonly (infer U)[]
      ? Resolved<U>[]
      : T extends object
        ? { [K in keyof T]: Resolved<T[K]> }
        : T

/** Whether `x` is a language map marked by the schema. */
export const isLanguageMap = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && MAP in x

/** A tag in the form tags are compared in: lower case, `-` between subtags (`pt_BR` → `pt-br`). */
const norm = (tag: string) => tag.toLowerCase().replace(/_/g, '-')
/** The language subtag of a normalised tag: `pt-br` → `pt`. */
const language = (tag: string) => tag.split('-')[0] as string

/**
 * The fallback chain: the index in `tags` of the entry that speaks to a visitor
 * whose languages, most wanted first, are `chain` (the visitor's locale, the
 * document's `defaultLocale`, `en`). For each of them in turn: the same tag
 * (`pt-BR`), else its language (`pt`), else another tag of that language
 * (`pt-PT`); when none matches, the first entry (unless `first` is false). Tags
 * compare case-insensitively (`_` reads as `-`). `-1` for no tags at all, or none
 * matching without `first`.
 */
export function pickTag(
  tags: readonly string[],
  chain: readonly (string | undefined)[],
  first = true,
): number {
  const lower = tags.map(norm)
  for (const wanted of chain) {
    if (!wanted) continue
    const tag = norm(wanted)
    const lang = language(tag)
    for (const i of [
      lower.indexOf(tag),
      lower.indexOf(lang),
      lower.findIndex((t) => language(t) === lang),
    ])
      if (i >= 0) return i
  }
  return first && tags.length ? 0 : -1
}

/** The entry of `map` the chain picks ({@link pickTag}). */
const choose = (map: Record<string, unknown>, chain: readonly (string | undefined)[]) => {
  const tags = Object.keys(map)
  return map[tags[pickTag(tags, chain)] as string]
}

/**
 * `value` in one language: every language map in it (at any depth) replaced by
 * its entry for `locale`, else for `fallback` (the document's `defaultLocale`),
 * else for `en`, else its first ({@link pickTag}); everything else copied as is.
 * A reply button (an object without `type` that has a `label`) whose label is a
 * map and that has no `value` gets the label in the document's own language
 * (`fallback`, else `en`, else the first) as its value: what the lead stores
 * (attribute, tag) and conditions compare with reads the same in every language.
 */
export function localize<T>(value: T, locale: string | undefined, fallback?: string): Resolved<T> {
  const chain = [locale, fallback, 'en']
  const walk = (x: unknown): unknown => {
    if (isLanguageMap(x)) return walk(choose(x, chain))
    if (Array.isArray(x)) return x.map(walk)
    if (!x || typeof x !== 'object') return x
    const o = x as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(o)) out[k] = walk(o[k])
    if (isLanguageMap(o.label) && !('type' in o) && o.value === undefined)
      out.value = choose(o.label, [fallback, 'en'])
    return out
  }
  return walk(value) as Resolved<T>
}

/**
 * The FAQ entries for a visitor whose languages are `chain`: entries without
 * `lang` always; of those with one, the entries of the language the chain picks
 * among their `lang`s ({@link pickTag}, without its last resort: entries of a
 * language nobody in the chain reads are for nobody else), and for a regional
 * pick (`fr-CA`) those of its language (`fr`) too.
 */
function faqFor<I extends { lang?: string | undefined }>(
  items: readonly I[],
  chain: readonly (string | undefined)[],
): I[] {
  const tags = [...new Set(items.flatMap((i) => (i.lang ? [norm(i.lang)] : [])))]
  const picked = tags[pickTag(tags, chain, false)]
  const wanted = picked ? [picked, language(picked)] : []
  return items.filter((i) => !i.lang || wanted.includes(norm(i.lang)))
}

/** What {@link localizeDocument} reads of a document (`BotDocument` of ./schema.ts, which gives `BotConfig`). */
interface Document {
  defaultLocale?: string | undefined
  settings: { general: { language?: string | undefined } }
  faq?: { items: { lang?: string | undefined; question?: unknown }[] } | undefined
}

/** The language a document falls back to: its `defaultLocale`, else `settings.general.language`. */
const fallbackOf = (doc: Document) => doc.defaultLocale ?? doc.settings.general.language

/**
 * The language the FAQ of `doc` is read in by a visitor of `locale` (BCP 47), for
 * how its words are stemmed (widget/faq/languages.ts): among the entries that
 * visitor gets, the tag the fallback chain picks from the first question that is
 * a language map, else the `lang` of the first entry that has one, else the
 * document's `defaultLocale` (or `settings.general.language`), else `en`.
 */
export function faqLanguage(doc: Document, locale: string | undefined): string {
  const fallback = fallbackOf(doc)
  const chain = [locale, fallback, 'en']
  const items = faqFor(doc.faq?.items ?? [], chain)
  const mapped = items.find((i) => isLanguageMap(i.question))?.question as
    | Record<string, unknown>
    | undefined
  if (mapped) {
    const tags = Object.keys(mapped)
    return tags[pickTag(tags, chain)] as string
  }
  return items.find((i) => i.lang)?.lang ?? fallback ?? 'en'
}

/**
 * The document in the language of `locale` (the visitor's, BCP 47): every
 * language map resolved by the fallback chain ({@link localize}: `locale`, the
 * document's `defaultLocale`, which defaults to `settings.general.language`,
 * then `en`, then the map's first entry), and the FAQ reduced to that
 * language's entries ({@link faqFor}). Never throws.
 */
export function localizeDocument<D extends Document>(
  doc: D,
  locale: string | undefined,
): Resolved<D> {
  const fallback = fallbackOf(doc)
  const faq = doc.faq && {
    ...doc.faq,
    items: faqFor(doc.faq.items, [locale, fallback, 'en']),
  }
  return localize(faq ? { ...doc, faq } : doc, locale, fallback)
}
