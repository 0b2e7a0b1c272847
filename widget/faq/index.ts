/**
 * The FAQ chunk: answers a visitor's free question from the bot's FAQ (the bot
 * configuration document's `faq`, docs/configuration.md "FAQ"), in the browser.
 * Loaded lazily, when the first free question arrives: nothing imports it
 * statically (scripts/imports.test.ts), so a chat without free questions
 * downloads none of it.
 *
 * How a question is matched (measured by `npm run bench:faq`, docs/benchmarks.md):
 *
 * 1. its words are read as terms (`./text`: folding, chat spellings, phrases,
 *    stop words, the Porter stemmer, synonyms); a word the FAQ does not know is
 *    corrected to the nearest word it knows, one edit away (two for words of 9
 *    letters or more), found with MiniSearch's radix tree (`SearchableMap.fuzzyGet`);
 * 2. each entry is scored by cosine similarity of idf-weighted terms (words the
 *    FAQ does not know count against every entry, so a question about something
 *    else scores low): a third the similarity to its nearest phrasing (`question` or one of
 *    its `alternatives`), two thirds the similarity to the whole entry (every
 *    phrasing and the `answer`, a term weighing more the more of them have it);
 * 3. the best entry answers when its score reaches the threshold and leads the
 *    second best by the margin. A wrong answer is worse than none: the defaults
 *    favour not answering;
 * 4. otherwise, when the best entries score in the middle band (at least
 *    `suggest`), the bot asks "Did you mean…?" with up to 3 of them (every entry
 *    of the best 3 that reaches the band) for the visitor to pick, as help
 *    centres do when a search is unsure; below the band the FAQ does not know.
 */
import SearchableMap from 'minisearch/SearchableMap'
import { english, type Reader } from './text'

export type { Reader } from './text'

/** What the matcher reads of an FAQ entry (`FaqItem` of the configuration document fits). */
export interface FaqEntry {
  id: string
  question: string
  alternatives?: readonly string[] | undefined
  answer: string
}

/** The best entry for a question. */
export interface FaqMatch<T extends FaqEntry = FaqEntry> {
  item: T
  /** Similarity of the question to the entry, 0 (no term in common) to 1 (the same terms). */
  score: number
  /** `score` minus the score of the next entry (0–1): how clearly this entry wins. */
  margin: number
}

/** Tuning of {@link createFaq}; the defaults are {@link FAQ_DEFAULTS}. */
export interface FaqOptions {
  /** Least score an answer needs, 0–1. */
  threshold?: number
  /** Least lead over the second-best entry an answer needs, 0–1. */
  margin?: number
  /** Least score of an entry offered as a suggestion ("Did you mean…?") when none answers, 0–1; above `threshold`: none offered. */
  suggest?: number
  /** How the FAQ's language is read (./languages.ts `readerFor`). Default: English. */
  reader?: Reader
}

/**
 * Defaults of {@link FaqOptions}, chosen on the benchmark's development questions
 * (bench/faq-questions.ts) for the most right answers less twice the wrong ones,
 * plus half the questions whose entry is among the suggestions (a pick is one
 * more step for the visitor): a lower threshold answers more questions, and more
 * of them wrongly; with suggestions below it, 0.40 beats 0.38 on both
 * development sets. The margin only keeps a near tie between two entries from
 * being answered (they are suggested instead).
 */
export const FAQ_DEFAULTS = { threshold: 0.4, margin: 0.01, suggest: 0.28 } as const

/** Suggestions offered at most ("Did you mean…?"). */
export const MAX_SUGGESTIONS = 3

/**
 * What the bot does with a question ({@link Faq.reply}): `answer` with `match`;
 * `suggest` the `matches` (1 to {@link MAX_SUGGESTIONS}, best first) for the
 * visitor to pick from; or `unknown`: no entry is near enough (`best`, when any
 * entry shares a term with the question, is the nearest, for an editor).
 */
export type FaqReply<T extends FaqEntry = FaqEntry> =
  | { kind: 'answer'; match: FaqMatch<T> }
  | { kind: 'suggest'; matches: FaqMatch<T>[] }
  | { kind: 'unknown'; best?: FaqMatch<T> | undefined }

/** The FAQ as a matcher. */
export interface Faq<T extends FaqEntry = FaqEntry> {
  /**
   * The entry that answers `question`, or `undefined` when none does clearly
   * enough (below the threshold or the margin, or a question of no words that
   * carry a topic, such as "hello"). Never throws.
   */
  match(question: string): FaqMatch<T> | undefined
  /**
   * The answer, the suggestions or "I don't know" for `question`: an answer as
   * {@link match} gives it; else the entries of the best {@link MAX_SUGGESTIONS}
   * that score at least the `suggest` band; else unknown. Never throws.
   */
  reply(question: string): FaqReply<T>
  /** The best `limit` (default 3) entries for `question`, best first, whatever their scores: for an editor that shows why. */
  rank(question: string, limit?: number): FaqMatch<T>[]
}

/** Questions are read up to this many characters (the composer's limit for free text). */
const MAX_QUESTION = 1000
/*
 * The weights below were chosen on the benchmark's development questions (its
 * tuning set and first held-out set, bench/faq-questions.ts), not on the set
 * the final figures come from.
 */
/** In an entry's whole vector, a term counts once per phrasing that has it, twice in the `question`… */
const QUESTION_WEIGHT = 2
/** …and once in the answer. */
const ANSWER_WEIGHT = 1
/** Weight of the similarity to the whole entry, against 1 for the nearest phrasing. */
const WHOLE_WEIGHT = 2
/** An unknown word weighs this share of what a word of no entry would. */
const UNKNOWN = 0.5
/** An unknown number ("6", "2024") weighs less: numbers seldom name the topic. */
const UNKNOWN_NUMBER = 1 / 6

type Vector = Map<string, number>

/** Cosine similarity of two weighted term vectors given with their norms. */
function cosine(a: Vector, an: number, b: Vector, bn: number): number {
  let dot = 0
  for (const [t, w] of a) dot += w * (b.get(t) ?? 0)
  return dot && dot / (an * bn)
}
const norm = (v: Vector) => Math.sqrt([...v.values()].reduce((s, w) => s + w * w, 0))

/**
 * Builds the matcher of `items` (0–500 entries; the schema's limit). Building
 * reads every phrasing once; a match then costs well under a millisecond for
 * 200 entries (`npm run bench:faq`).
 */
export function createFaq<T extends FaqEntry>(
  items: readonly T[],
  options: FaqOptions = {},
): Faq<T> {
  const threshold = options.threshold ?? FAQ_DEFAULTS.threshold
  const minMargin = options.margin ?? FAQ_DEFAULTS.margin
  const band = options.suggest ?? FAQ_DEFAULTS.suggest
  const { words, term, lexicon } = options.reader ?? english
  const phrasings = items.map((item) => [item.question, ...(item.alternatives ?? [])])

  // The words the FAQ and the lists know (for typo correction), and in how many
  // entries each term occurs (for its weight).
  const known = new SearchableMap<number>()
  const df = new Map<string, number>()
  for (const [i, item] of items.entries()) {
    const seen = new Set<string>()
    for (const text of [...(phrasings[i] ?? []), item.answer])
      for (const w of words(text)) {
        known.set(w, (known.get(w) ?? 0) + 1)
        const t = term(w)
        if (t) seen.add(t)
      }
    for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1)
  }
  for (const w of lexicon()) if (!known.has(w)) known.set(w, 0)

  /**
   * Inverse entry frequency: a term of every entry tells little, one of a single
   * entry much. A term of no entry weighs {@link UNKNOWN} of what its frequency
   * would say (about as much as a term of a few entries), an unknown number
   * {@link UNKNOWN_NUMBER}.
   */
  const idf = (t: string) => {
    const n = df.get(t) ?? 0
    if (n) return Math.log(1 + items.length / (n + 0.5))
    return Math.log(1 + items.length / 0.5) * (/\d/.test(t) ? UNKNOWN_NUMBER : UNKNOWN)
  }

  /** A word the FAQ does not know, as the known word one edit away (two from 9 letters) seen most. */
  const correct = (w: string): string => {
    const t = term(w)
    if (!t || df.has(t) || known.has(w) || w.length < 5 || /\d/.test(w)) return w
    let best = w
    let distance = Number.POSITIVE_INFINITY
    let seen = -1
    for (const [k, [count, d]] of known.fuzzyGet(w, w.length >= 9 ? 2 : 1))
      if (d < distance || (d === distance && count > seen)) [best, distance, seen] = [k, d, count]
    return best
  }

  const vector = (terms: Iterable<string>): Vector => {
    const v: Vector = new Map()
    for (const t of terms) v.set(t, idf(t))
    return v
  }
  const termsOf = (text: string) => words(text).flatMap((w) => term(w) ?? [])
  // Each phrasing as a vector, and each entry as one: there a term weighs its
  // idf times 1 + ln(count), counting 2 for the question, 1 for each
  // alternative and 1 for the answer that have it.
  const nearest = phrasings.map((list) =>
    list.map((text) => {
      const v = vector(termsOf(text))
      return { v, n: norm(v) }
    }),
  )
  const whole = items.map((item, i) => {
    const tf = new Map<string, number>()
    for (const [k, { v }] of (nearest[i] ?? []).entries())
      for (const t of v.keys()) tf.set(t, (tf.get(t) ?? 0) + (k ? 1 : QUESTION_WEIGHT))
    for (const t of new Set(termsOf(item.answer))) tf.set(t, (tf.get(t) ?? 0) + ANSWER_WEIGHT)
    const v: Vector = new Map()
    for (const [t, f] of tf) v.set(t, (1 + Math.log(f)) * idf(t))
    return { v, n: norm(v) }
  })

  const rank = (question: string, limit = 3): FaqMatch<T>[] => {
    const q = vector(
      words(String(question).slice(0, MAX_QUESTION))
        .map(correct)
        .flatMap((w) => term(w) ?? []),
    )
    if (!q.size) return []
    const qn = norm(q)
    const scored = items.map((item, i) => {
      let best = 0
      for (const p of nearest[i] ?? []) best = Math.max(best, cosine(q, qn, p.v, p.n))
      const w = whole[i] as { v: Vector; n: number }
      return { item, score: (best + WHOLE_WEIGHT * cosine(q, qn, w.v, w.n)) / (1 + WHOLE_WEIGHT) }
    })
    scored.sort((a, b) => b.score - a.score)
    return scored
      .slice(0, Math.max(0, limit))
      .filter((s) => s.score > 0)
      .map((s, k) => ({ ...s, margin: s.score - (scored[k + 1]?.score ?? 0) }))
  }

  const answers = (top: FaqMatch<T> | undefined) =>
    !!top && top.score >= threshold && top.margin >= minMargin

  return {
    rank,
    match(question) {
      const [top] = rank(question, 1)
      return answers(top) ? top : undefined
    },
    reply(question) {
      const ranked = rank(question, MAX_SUGGESTIONS)
      const [best] = ranked
      if (best && answers(best)) return { kind: 'answer', match: best }
      const matches = ranked.filter((m) => m.score >= band)
      return matches.length ? { kind: 'suggest', matches } : { kind: 'unknown', best }
    },
  }
}
export { readerFor } from './languages'
