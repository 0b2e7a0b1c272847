/**
 * Language maps as the schema leaves them (./locale.ts resolves them): the mark on
 * each validated map, and the types of a document before and after resolution.
 * Kept apart from ./locale.ts so that the settings chunk, which validates and
 * marks, does not carry the resolution.
 */

/**
 * The mark the schema puts on each language map it validated (a non-enumerable
 * property: JSON and equality checks do not see it). A registered symbol, so the
 * settings build, which validates the document, and the chat build, which reads
 * it, agree on it.
 */
const MAP = Symbol.for('reekolect.languageMap')

declare const brand: unique symbol
/**
 * A language map as validated: BCP 47 language tag (any case) → the text (or
 * list of texts) in that language, at least one entry. Only a type: at run time
 * a plain object, marked by {@link markMap}.
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

/** Marks `value`, when it is a validated language map (an object, not a list), for `localize` (./locale.ts). */
export function markMap<T>(value: T): T {
  if (value && typeof value === 'object' && !Array.isArray(value))
    Object.defineProperty(value, MAP, { value: true })
  return value
}

/** Whether `x` is a language map marked by the schema. */
export const isLanguageMap = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && MAP in x
