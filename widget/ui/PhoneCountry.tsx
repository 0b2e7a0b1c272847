import { useEffect, useRef, useState } from 'preact/hooks'
import { type Country, countries, countryMatcher, guessCountry } from '../core/countries'
import { dirOf, languageOf, type Translate } from '../core/i18n'
import css from './phone.css?inline'

/**
 * The search field's label and its short visible placeholder, in each language of
 * the core catalogues (English for the rest). Kept here, in the phone chunk, so
 * the chat window chunk does not pay for them.
 */
const SEARCH: Record<string, [label: string, placeholder: string]> = {
  en: ['Search country or dial code', 'Country or code'],
  es: ['Buscar país o prefijo', 'País o prefijo'],
  fr: ['Rechercher un pays ou un indicatif', 'Pays ou indicatif'],
  de: ['Land oder Vorwahl suchen', 'Land/Vorwahl'],
  pt: ['Pesquisar país ou código de discagem', 'País ou código'],
  hi: ['देश या डायल कोड खोजें', 'देश या कोड'],
  ar: ['ابحث عن دولة أو رمز الاتصال', 'دولة أو رمز'],
}

/**
 * An option's text: the dial code first, then the country's name, e.g.
 * "+44 United Kingdom". A select narrower than its text cuts the end, so the part
 * the visitor needs to check, the dial code, comes first and is never cut, and the
 * list's keyboard type-ahead finds a country by its code ("+4…"). In a
 * right-to-left language (`rtl` true) the code is isolated left to right
 * (LRI…PDI, Unicode UAX #9) so it reads "+44", not "44+". Without a known dial
 * code: the name alone.
 */
export function optionText(c: Country, rtl = false): string {
  if (!c.dial) return c.name
  return rtl ? `\u2066${c.dial}\u2069 ${c.name}` : `${c.dial} ${c.name}`
}

/** The country list of the last locale asked for: built once, not on every keystroke. */
let cache: { locale: string; list: Country[] } | undefined
function listOf(locale: string): Country[] {
  if (cache?.locale !== locale) cache = { locale, list: countries(locale) }
  return cache.list
}

let sheet: CSSStyleSheet | undefined
/**
 * Once the picker is in the page (a ref callback: before the first paint): styles
 * it in its shadow root with a constructable stylesheet (strict CSP holds). The
 * transcript keeps the question in view above it (it watches its own box shrink).
 */
function mounted(el: Element | null): void {
  const root = el?.getRootNode()
  if (!(root instanceof ShadowRoot)) return
  if (!sheet) {
    sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
  }
  if (!root.adoptedStyleSheets.includes(sheet))
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
}

/**
 * The dial-code picker of a phone question, a line above the number's input: a
 * search field and a native `<select>` (keyboard type-ahead and screen-reader
 * support for free) listing every country, dial code first (see {@link optionText}). Typing in the search
 * field narrows the list by name (any accent or case, in the visitor's language or
 * English), ISO code or dial code (`44`, `+44`); a single match is selected at
 * once. The selected country always stays in the list.
 *
 * Part of the phone chunk: the composer shows it once that chunk has loaded.
 * Without a `value` (no configured default), the visitor's likely country from
 * the locale and time zone is selected.
 */
export function PhoneCountry({
  value,
  onChange,
  locale,
  t,
}: {
  value: string
  onChange(code: string): void
  locale: string
  t: Translate
}) {
  const [query, setQuery] = useState('')
  const select = useRef<HTMLSelectElement>(null)
  const current = value || guessCountry(locale)
  useEffect(() => {
    if (!value) onChange(current)
  }, [value])
  const list = listOf(locale)
  const matches = countryMatcher(query)
  const shown = list.filter((c) => c.code === current || matches(c))
  // A configured country libphonenumber-js does not know still shows as chosen.
  if (!shown.some((c) => c.code === current))
    shown.unshift({ code: current, name: current, dial: '' } as Country)
  const [label, hint] = SEARCH[languageOf(locale)] ?? SEARCH.en!
  const rtl = dirOf(locale) === 'rtl'
  const search = (q: string) => {
    setQuery(q)
    const found = q.trim() ? list.filter(countryMatcher(q)) : []
    if (found.length === 1) onChange(found[0]!.code)
  }
  const onKeyDown = (e: KeyboardEvent) => {
    const field = e.currentTarget as HTMLInputElement
    if (e.key === 'Enter') {
      // Not the form's submit: on to the list, or to the number when one country is left.
      e.preventDefault()
      const number = field.form?.querySelector<HTMLInputElement>('.input')
      ;(shown.length === 1 && number ? number : select.current)?.focus()
    } else if (e.key === 'Escape' && query) {
      // Clears the search; only an empty field lets Escape close the chat.
      e.preventDefault()
      e.stopPropagation()
      search('')
    }
  }
  return (
    <div class="row ccs" ref={mounted}>
      <input
        type="search"
        class="ccq"
        aria-label={label}
        aria-controls="rk-cc"
        placeholder={hint}
        // A dial code reads left to right, "+49" not "49+", in Arabic too.
        dir={/^[\s+\d]/.test(query) ? 'ltr' : undefined}
        autocomplete="off"
        spellcheck={false}
        value={query}
        onInput={(e) => search(e.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <select
        ref={select}
        id="rk-cc"
        class="cc"
        aria-label={t('country')}
        value={current}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        {shown.map((c) => (
          <option key={c.code} value={c.code}>
            {optionText(c, rtl)}
          </option>
        ))}
      </select>
    </div>
  )
}
