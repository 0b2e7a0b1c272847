import { useEffect, useState } from 'preact/hooks'
import type { Translate } from '../core/i18n'
import type { Country } from '../core/phone'

/**
 * The dial-code picker of a phone question: a native `<select>` (keyboard type-ahead
 * and screen-reader support for free) listing every country with its dial code.
 * The country list comes from the lazily loaded phone chunk.
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
  const [list, setList] = useState<Country[]>([])
  useEffect(() => {
    let live = true
    void import('../core/phone').then((m) => live && setList(m.countries(locale)))
    return () => {
      live = false
    }
  }, [locale])
  return (
    <select
      class="cc"
      aria-label={t('country')}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    >
      {list.length ? (
        list.map((c) => (
          <option key={c.code} value={c.code}>
            {`${c.name} (${c.dial})`}
          </option>
        ))
      ) : (
        <option value={value}>{value}</option>
      )}
    </select>
  )
}
