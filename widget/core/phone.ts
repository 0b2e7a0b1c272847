/**
 * Phone numbers, through libphonenumber-js with its "min" metadata. This module is
 * its own chunk, imported only when a phone question is shown: it is most of the
 * widget's bytes and most visitors never reach a phone question.
 */
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/min'

/** A country of the dial-code list: ISO code, localised name, dial code with "+". */
export interface Country {
  code: CountryCode
  name: string
  dial: string
}

/** Every country libphonenumber-js knows, named in `locale` through `Intl.DisplayNames`, sorted by name. */
export function countries(locale: string): Country[] {
  let names: Intl.DisplayNames | undefined
  try {
    names = new Intl.DisplayNames([locale, 'en'], { type: 'region' })
  } catch {
    /* old engines: ISO codes as names */
  }
  return getCountries()
    .map((code) => ({
      code,
      name: names?.of(code) ?? code,
      dial: `+${getCountryCallingCode(code)}`,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, locale))
}

/**
 * Parses and validates `raw` as a number of `country` (or as an international
 * number when it starts with `+` or `00`).
 *
 * @returns national significant number (digits only) and dial code (`+44`), or
 * `undefined` when the number is not valid.
 */
export function parsePhone(
  raw: string,
  country: string,
): { phone: string; dialCode: string } | undefined {
  const text = raw.trim().replace(/^00/, '+')
  const known = (getCountries() as string[]).includes(country)
    ? (country as CountryCode)
    : undefined
  const n = parsePhoneNumberFromString(text, known)
  if (!n?.isValid()) return undefined
  return { phone: String(n.nationalNumber), dialCode: `+${n.countryCallingCode}` }
}

/** The visitor's likely country from a BCP 47 locale (`en-GB` → `GB`), with no network call. Default `US`. */
export function guessCountry(locale: string): string {
  try {
    return new Intl.Locale(locale).maximize().region ?? 'US'
  } catch {
    return 'US'
  }
}
