/**
 * Phone numbers, through libphonenumber-js with its "min" metadata. Part of the
 * phone chunk (its entry is widget/ui/phone.ts, which adds the dial-code picker),
 * imported only when a phone question is shown: it is most of the widget's bytes
 * and most visitors never reach a phone question.
 */
import { type CountryCode, getCountries, parsePhoneNumberFromString } from 'libphonenumber-js/min'

export { type Country, countries, countryMatcher, guessCountry } from './countries'

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
