/**
 * How the FAQ reads text. English (below; other languages: {@link readerOf}): a visitor's question and the FAQ's phrasings
 * go through the same steps, so "Returning my boots??" and "return boot" meet:
 *
 * 1. fold: Unicode compatibility forms, accents dropped ("café" → "cafe"), lower
 *    case, apostrophes dropped ("don't" → "dont");
 * 2. split into words at anything but letters and digits;
 * 3. chat spellings read as words ("u" → "you", "pls" → "please");
 * 4. words that carry no topic dropped ({@link STOP}: "the", "can", "you", "hi");
 * 5. the Porter stemmer (the `stemmer` package; M. F. Porter, "An algorithm for
 *    suffix stripping", 1980): "returns", "returning", "returned" → "return";
 * 6. words of one meaning mapped to one term ({@link SYNONYMS}): "postage",
 *    "shipping", "dispatch" → the term of "delivery".
 *
 * The lists are this module's: general English of shops and services, not of one
 * FAQ. A site owner's own words belong in an entry's `alternatives`.
 */
import { stemmer } from 'stemmer'

/** Chat spellings, read as the word they stand for (before stop words and stemming). */
const CHAT: Record<string, string> = {
  u: 'you',
  ur: 'your',
  r: 'are',
  y: 'why',
  pls: 'please',
  plz: 'please',
  thx: 'thanks',
  wat: 'what',
  wot: 'what',
  wanna: 'want',
  im: 'i',
  ive: 'i',
  id: 'i',
  cant: 'not',
  dont: 'not',
  doesnt: 'not',
  didnt: 'not',
  isnt: 'not',
  wont: 'not',
  hasnt: 'not',
  havent: 'not',
  arent: 'not',
  wasnt: 'not',
  couldnt: 'not',
  never: 'not',
  no: 'not',
  tmrw: 'tomorrow',
  tmr: 'tomorrow',
  asap: 'soon',
}

/**
 * Words that say nothing about the topic of a question: English function words,
 * question and helper verbs, greetings and politeness. Kept out: "not" (a problem:
 * "does not work"), "much" and "long" (cost or time), "where" and "when".
 */
export const STOP = new Set(
  `a about above after again all also am an and any anyone anything are as at be
  been before being both but by can could did do does doing done for from get gets
  getting got had has have having he her here hers hey hi hello him his how i if in
  into is it its itself just me might mine more most my myself need needs of off on
  once only or other our ours out over own please same shall she should so some
  someone something such than thank thanks that the their theirs them then there
  these they this those through to too under until up us very want wants was we
  were what which while who whom why will with would yes yet you your yours
  yourself use used using work works working ok okay hiya morning afternoon evening dear sir madam guys team`
    .trim()
    .split(/\s+/),
)

/**
 * Groups of words of one meaning in questions to a shop or service; each word
 * (stemmed) is read as the group's first. Written as plain words: they are stemmed
 * like the text ({@link terms}).
 */
const GROUPS = [
  'delivery deliver shipping ship postage post dispatch courier send sent',
  'parcel package packet',
  'cost price charge fee pricing',
  'refund reimburse reimbursement moneyback',
  'cancel cancellation',
  'exchange swap',
  'discount promo promotion coupon deal',
  'guarantee warranty',
  'repair fix mend',
  'damaged broken faulty defective ripped torn dented cracked',
  'phone telephone call ring',
  'password login signin',
  'invoice receipt',
  'unsubscribe optout',
  'stock restock',
  'instalment installment monthly finance credit',
  'cheaper less lower cheap',
  'shop store',
  'address location located based postcode directions',
  'parking park',
  'order purchase',
  'student students unidays',
  'open opening',
  'close closing shut',
  'wrong incorrect mistake accident',
  'arrive come receive reach',
  'late delay delayed overdue',
  'customs duty duties import',
  'match beat',
  'keyworker nhs nurse nurses doctor doctors',
  'tomorrow nextday',
  'size sizing fit measure measurement small smaller big bigger large larger',
  'colour color',
  'email mail',
  'voucher giftcard',
  'weekday monday tuesday wednesday thursday friday saturday sunday weekend',
  'abroad international overseas worldwide internationally',
]

/**
 * Phrases read as one word (after chat spellings): what a phrase means is not what
 * its words mean alone ("sign up" is not "sign in", "send back" is a return).
 */
const PHRASES: Record<string, string> = {
  'log in': 'login',
  'log on': 'login',
  'sign in': 'login',
  'sign up': 'subscribe',
  'opt out': 'unsubscribe',
  'money back': 'refund',
  'send back': 'return',
  'sent back': 'return',
  'send it back': 'return',
  'bring back': 'return',
  'take back': 'return',
  'how much': 'cost',
  'how long': 'duration',
  'how many days': 'duration',
  'how quickly': 'duration',
  'how fast': 'duration',
  'how soon': 'duration',
  'next day': 'tomorrow',
  'pick up': 'collect',
  'pick it up': 'collect',
  'sold out': 'stock',
  'out of stock': 'stock',
  'back in stock': 'stock',
  'in stock': 'stock',
  'get in touch': 'contact',
  'car park': 'parking',
  'pay later': 'instalment',
  'pay monthly': 'instalment',
  'spread the cost': 'instalment',
  'e gift': 'gift',
  'where is my': 'track',
  'where s my': 'track',
  'fall apart': 'broken',
  'turn up': 'arrive',
  'mailing list': 'newsletter',
  'american express': 'amex',
  'master card': 'mastercard',
  'key worker': 'keyworker',
  'blue light': 'keyworker',
  'speak to': 'contact',
  'talk to': 'contact',
  'locked out': 'login',
  'bank holiday': 'holiday',
  'united states': 'country',
  'united kingdom': 'country',
  'new zealand': 'country',
  'south africa': 'country',
  'hong kong': 'country',
}
const LONGEST = 3
/** {@link PHRASES} by the stems of their words ("signing up" is "sign up"), built on first use. */
let phrases: Map<string, string> | undefined

const stems = new Map<string, string>()
/** The Porter stem of `word`, remembered: an FAQ repeats its words, and stemming is the costly step. */
function stem(word: string): string {
  let s = stems.get(word)
  if (s === undefined) {
    if (stems.size > 20000) stems.clear()
    s = stemmer(word)
    stems.set(word, s)
  }
  return s
}

/** Folds, splits and maps chat spellings and phrases: the words of `text` as a reader would list them. */
export function words(text: string): string[] {
  const list = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((w) => CHAT[w] ?? w)
  if (!phrases) {
    phrases = new Map()
    for (const [k, v] of Object.entries(PHRASES)) phrases.set(k.split(' ').map(stem).join(' '), v)
  }
  const stemmed = list.map(stem)
  const out: string[] = []
  for (let i = 0; i < list.length; i++) {
    let n = LONGEST
    for (; n > 1; n--) {
      const phrase = phrases.get(stemmed.slice(i, i + n).join(' '))
      if (phrase) {
        out.push(phrase)
        i += n - 1
        break
      }
    }
    if (n === 1) out.push(list[i] as string)
  }
  return out
}

let synonyms: Map<string, string> | undefined
/** The synonym map, stem → the group's term, built on first use. */
function synonymOf(stemmed: string): string {
  if (!synonyms) {
    synonyms = new Map()
    for (const group of GROUPS) {
      const [head, ...rest] = group.split(' ').map(stem)
      for (const w of rest) synonyms.set(w, head as string)
    }
  }
  return synonyms.get(stemmed) ?? stemmed
}

/** Country names that are also common words of shops ("jersey", "china"): read as words. */
const NOT_COUNTRIES = new Set([
  'jersey',
  'guernsey',
  'china',
  'chad',
  'jordan',
  'georgia',
  'guinea',
  'niger',
  'mali',
  'sark',
  'man',
  'turkey',
])
let countryWords: Set<string> | undefined
/**
 * Whether `word` names a country or a continent: the one-word English region names
 * of `Intl.DisplayNames` (CLDR), and "usa", "uk", "europe"… Several-word names are
 * {@link PHRASES}.
 */
function isCountry(word: string): boolean {
  if (!countryWords) {
    countryWords = new Set(
      'country countries usa america uk britain england scotland wales europe eu asia africa'.split(
        ' ',
      ),
    )
    try {
      const names = new Intl.DisplayNames(['en'], { type: 'region' })
      for (let a = 65; a < 91; a++)
        for (let b = 65; b < 91; b++) {
          const code = String.fromCharCode(a, b)
          const name = names.of(code)
          if (name && name !== code && /^[a-z]+$/i.test(name)) {
            const w = name.toLowerCase()
            if (!NOT_COUNTRIES.has(w)) countryWords.add(w)
          }
        }
    } catch {
      // Without Intl.DisplayNames (old engines): the short list above.
    }
  }
  return countryWords.has(word)
}

/** One word as the term it is indexed and searched by; `undefined` for a stop word. */
export function term(word: string): string | undefined {
  if (STOP.has(word)) return undefined
  if (isCountry(word)) return 'country'
  if (/^\d{1,2}(am|pm)$/.test(word)) return 'time'
  return synonymOf(stem(word))
}

/** The terms of `text`, in order, repeats kept ({@link words}, then {@link term}). */
export function terms(text: string): string[] {
  return words(text).flatMap((w) => term(w) ?? [])
}

/** Every word the lists know (synonyms, chat spellings, stop words): not misspellings. */
export function lexicon(): string[] {
  return [
    ...GROUPS.flatMap((g) => g.split(' ')),
    ...Object.keys(CHAT),
    ...Object.values(PHRASES),
    ...STOP,
  ]
}

/**
 * How the FAQ matcher reads one language (widget/faq/index.ts): `words` lists the
 * words of a text, `term` gives a word's indexed term (`undefined`: a stop
 * word), `lexicon` the words its lists know (never corrected as typos).
 */
export interface Reader {
  words(text: string): string[]
  term(word: string): string | undefined
  lexicon(): string[]
}

/** English, as above: chat spellings, phrases, stop words, the Porter stemmer, synonyms. */
export const english: Reader = { words, term, lexicon }

/** The accents of `s` dropped, after Unicode compatibility forms ("Réservé" → "Reserve"). */
const unaccent = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '')

/**
 * A reader of another language from its stemmer and stop words (those of the
 * Snowball project, as `@orama/stemmers` and `@orama/stopwords` ship them, in
 * lower case with their accents): lower case, split at anything but letters and
 * digits (so an apostrophe splits an elision: "l'hôtel" → "l", "hôtel"), stop
 * words dropped, each other word stemmed as written (the stemmers' rules read
 * accents: "reservación" → "reserv"), then its accents dropped. A word typed
 * without them that then differs from the FAQ's ("arrivee", "arrivée") is one
 * edit from it: the matcher's typo correction reads it as the FAQ's.
 * No synonyms or phrases: an entry's `alternatives` say what its visitors say.
 */
export function readerOf(stem: (word: string) => string, stopwords: readonly string[]): Reader {
  const stop = new Set(stopwords.flatMap((w) => [w.normalize('NFC'), unaccent(w)]))
  const terms = new Map<string, string>()
  return {
    words: (text) =>
      text
        .normalize('NFC')
        .toLowerCase()
        .split(/[^\p{L}\p{M}\p{N}]+/u)
        .filter(Boolean),
    term(word) {
      if (stop.has(word) || stop.has(unaccent(word))) return undefined
      let t = terms.get(word)
      if (t === undefined) {
        if (terms.size > 20000) terms.clear()
        t = unaccent(stem(word))
        terms.set(word, t)
      }
      return t
    },
    lexicon: () => [...stop],
  }
}
