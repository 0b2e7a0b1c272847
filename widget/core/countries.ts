/**
 * The dial-code country list: names, search and the visitor's likely country. Part
 * of the lazily loaded phone chunk (re-exported by `./phone`), never of the chat
 * window chunk.
 */
import { type CountryCode, getCountries, getCountryCallingCode } from 'libphonenumber-js/min'

/** A country of the dial-code list: ISO code, localised name, dial code with "+". */
export interface Country {
  code: CountryCode
  name: string
  dial: string
}

/** `Intl.DisplayNames` for regions, or `undefined` on old engines (ISO codes as names). */
function regionNames(locale: string): Intl.DisplayNames | undefined {
  try {
    return new Intl.DisplayNames([locale, 'en'], { type: 'region' })
  } catch {
    return undefined
  }
}

/** Every country libphonenumber-js knows, named in `locale` through `Intl.DisplayNames`, sorted by name. */
export function countries(locale: string): Country[] {
  const names = regionNames(locale)
  return getCountries()
    .map((code) => ({
      code,
      name: names?.of(code) ?? code,
      dial: `+${getCountryCallingCode(code)}`,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, locale))
}

/** Lower case without accents: `España` → `espana`. */
const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()

/**
 * A predicate for `query`: a country matches by its name in the list's language or
 * in English (accent- and case-insensitive, anywhere in the name), by its ISO code,
 * or, when the query is a dial code (`44`, `+44`, `0044`), by the start of its dial
 * code. An empty query matches every country.
 */
export function countryMatcher(query: string): (c: Country) => boolean {
  const q = fold(query.trim())
  const digits = /^\+?[\d\s]+$/.test(q) && q.replace(/\D/g, '').replace(/^00/, '')
  if (digits) return (c) => c.dial.startsWith(`+${digits}`)
  const english = regionNames('en')
  return (c) =>
    !q || c.code.toLowerCase() === q || fold(`${c.name}|${english?.of(c.code)}`).includes(q)
}

/**
 * Countries of the IANA time zones of most visitors, by the zone's city
 * (`Europe/London` → `London`): `<ISO code> <city> <city>…|…`. Unlike the
 * language, the time zone says where the visitor is.
 */
const ZONES =
  'GB London Belfast|IE Dublin|US New_York Chicago Denver Phoenix Los_Angeles Anchorage Honolulu Detroit|' +
  'CA Toronto Vancouver Edmonton Winnipeg Halifax|AU Sydney Melbourne Brisbane Perth Adelaide|' +
  'NZ Auckland|IN Kolkata Calcutta|ZA Johannesburg|NG Lagos|KE Nairobi|GH Accra|SG Singapore|' +
  'PH Manila|HK Hong_Kong|MX Mexico_City Tijuana Monterrey|AR Buenos_Aires|CO Bogota|CL Santiago|' +
  'PE Lima|BR Sao_Paulo|PT Lisbon|ES Madrid|FR Paris|BE Brussels|CH Zurich|AT Vienna|DE Berlin|' +
  'NL Amsterdam|IT Rome|AE Dubai|SA Riyadh|MA Casablanca|EG Cairo|JP Tokyo|CN Shanghai|KR Seoul|' +
  'PL Warsaw|SE Stockholm|TR Istanbul|UA Kyiv Kiev|RU Moscow|PK Karachi|ID Jakarta'

/** The country of an IANA time zone (`Europe/London` → `GB`), when {@link ZONES} knows it. */
const zoneCountry = (timeZone: string): string | undefined => {
  const city = timeZone.slice(timeZone.lastIndexOf('/') + 1)
  return ZONES.split('|')
    .find((group) => group.split(' ').indexOf(city) > 0)
    ?.slice(0, 2)
}

/** The browser's IANA time zone (`Europe/London`), `''` when unknown. */
const browserZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? ''
  } catch {
    return ''
  }
}

/**
 * The visitor's likely country, with no network call: the locale's own region
 * (`en-GB` → `GB`); for a locale without one (`en`, `de`), the country of the time
 * zone (`Europe/London` → `GB`) when known, else the language's likely region
 * (`de` → `DE`). Default `US`.
 */
export function guessCountry(locale: string, timeZone = browserZone()): string {
  let loc: Intl.Locale | undefined
  try {
    loc = new Intl.Locale(locale)
  } catch {
    /* unreadable locale: the time zone, else US */
  }
  return loc?.region ?? zoneCountry(timeZone) ?? loc?.maximize().region ?? 'US'
}
