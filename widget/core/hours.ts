/**
 * Business hours (`settings.hours`, the platform's help centre "Business Hours"):
 * whether the team is open at an instant, when it opens next, and how to say so
 * to a visitor. Framework-free and library-free: wall-clock times in a zone come
 * from `Intl.DateTimeFormat#formatToParts`, so the browser's time-zone database
 * decides offsets and daylight-saving changes.
 *
 * A range `{days, from, to}` on a date is one interval of instants, from the
 * instant the zone's clock shows `from` that day (inclusive) to the instant it
 * shows `to` (exclusive; `24:00` is the next day's midnight). A wall time the
 * clock skips (spring forward) is the first instant after the gap; a wall time
 * the clock shows twice (fall back) is its first occurrence, so a range that ends
 * inside the repeated hour ends the first time and is closed the second.
 */
import type { Hours } from '../config/schema'

const MINUTE = 60_000
const DAY = 86_400_000
type Day = Hours['weekly'][number]['days'][number]
/** Weekday names of `Date#getUTCDay()` (0 = Sunday), as the schema writes them. */
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as Day[]

const formats = new Map<string | undefined, Intl.DateTimeFormat>()

/**
 * The wall clock of `zone` at instant `t` (ms since the epoch; to the second,
 * milliseconds dropped), written as if it were UTC: `Date.UTC(year, month - 1, day, hour, minute, second)`.
 * `zone` undefined: the browser's own time zone.
 */
function wall(zone: string | undefined, t: number): number {
  let f = formats.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formats.set(zone, f)
  }
  const p: Record<string, number> = {}
  for (const { type, value } of f.formatToParts(t)) p[type] = Number(value)
  const { year = Number.NaN, month = Number.NaN, day, hour, minute, second } = p
  return Date.UTC(year, month - 1, day, hour, minute, second)
}

/** The zone's offset from UTC at instant `t`, ms (positive east of Greenwich). */
const offset = (zone: string, t: number) => {
  const s = Math.floor(t / 1000) * 1000
  return wall(zone, s) - s
}

/** The local date of `zone` at instant `t`, as the UTC midnight of that date (ms). */
const dateOf = (zone: string | undefined, t: number) => Math.floor(wall(zone, t) / DAY) * DAY

/**
 * The first instant at which the clock of `zone` shows wall time `w` (written as
 * UTC, see {@link wall}) or later: the instant itself when it exists, its first
 * occurrence when it exists twice, the end of the gap when it does not exist.
 * Assumes at most one offset change within a day of `w`.
 */
function instant(zone: string, w: number): number {
  // `w` read with the offset of a day before and of a day after: the candidates.
  const before = w - offset(zone, w - DAY)
  const after = w - offset(zone, w + DAY)
  const [a, b] = before < after ? [before, after] : [after, before]
  for (const t of [a, b]) if (offset(zone, t) === w - t) return t
  // In a gap: before the change the clock shows less than `w`, after it more.
  // Find the change to the second: offsets and changes are whole seconds.
  let [lo, hi] = [a, b]
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000
    if (mid + offset(zone, mid) >= w) hi = mid
    else lo = mid
  }
  return hi
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))

/** The open intervals `[start, end)` (ms) of the local date `date` (UTC midnight, ms) in `hours.timeZone`. */
function intervals(hours: Hours, date: number): [number, number][] {
  if (hours.closed.includes(new Date(date).toISOString().slice(0, 10))) return []
  const day = DAYS[new Date(date).getUTCDay()] as Day
  return hours.weekly
    .filter((r) => r.days.includes(day))
    .map((r) => [
      instant(hours.timeZone, date + minutes(r.from) * MINUTE),
      instant(hours.timeZone, date + minutes(r.to) * MINUTE),
    ])
}

/**
 * Whether the team is open at `now`: some weekly range of that day (in
 * `hours.timeZone`) contains it, `from` inclusive and `to` exclusive, and the day
 * is not a date closed. `now` must be a valid date (else `RangeError`).
 */
export function isOpen(hours: Hours, now: Date): boolean {
  const t = now.getTime()
  return intervals(hours, dateOf(hours.timeZone, t)).some(([s, e]) => s <= t && t < e)
}

/**
 * The first instant at or after `now` at which the team is open: `now` itself
 * (a new Date) while open, else the start of the next range, skipping dates
 * closed. `undefined` when the hours never open (no ranges, or every range falls
 * on dates closed). Looks up to `7 × (dates closed + 3)` days ahead.
 */
export function nextOpening(hours: Hours, now: Date): Date | undefined {
  const t = now.getTime()
  const today = dateOf(hours.timeZone, t)
  for (let i = 0; i <= 7 * (hours.closed.length + 3); i++) {
    const starts = intervals(hours, today + i * DAY)
      .filter(([s, e]) => s < e && t < e)
      .map(([s]) => Math.max(s, t))
    if (starts.length) return new Date(Math.min(...starts))
  }
  return undefined
}

const DATE_PART = /^(weekday|era|year|month|day|relatedYear|yearName)$/

/**
 * When the team is back, as a visitor reads it, in `locale` and the visitor's
 * `timeZone` (default: the browser's): "today at 2:00 PM", "tomorrow at 9:00 AM",
 * "Monday at 9:00 AM" within a week, "Monday, January 4 at 9:00 AM" later, "now"
 * when `next` is not after `now` (fr: "aujourd’hui à 14:00", "demain à 09:00",
 * "lundi à 09:00"). "Today" and "tomorrow" come from `Intl.RelativeTimeFormat`;
 * the locale's own joining of day and time ("at", "à", "um") from its full date
 * and time format, whose date is replaced by the day. Throws `RangeError` for a
 * malformed locale or an unknown time zone.
 */
export function describeNextOpening(
  next: Date,
  now: Date,
  locale: string,
  timeZone?: string,
): string {
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  if (next.getTime() <= now.getTime()) return relative.format(0, 'second')
  const days = Math.round(
    (dateOf(timeZone, next.getTime()) - dateOf(timeZone, now.getTime())) / DAY,
  )
  const day =
    days < 2
      ? relative.format(days, 'day')
      : new Intl.DateTimeFormat(locale, {
          timeZone,
          weekday: 'long',
          ...(days < 7 ? {} : { day: 'numeric', month: 'long' }),
        }).format(next)
  const parts = new Intl.DateTimeFormat(locale, {
    timeZone,
    dateStyle: 'full',
    timeStyle: 'short',
  }).formatToParts(next)
  let first = -1
  let last = -1
  parts.forEach((p, i) => {
    if (DATE_PART.test(p.type)) {
      if (first < 0) first = i
      last = i
    }
  })
  return [
    ...parts.slice(0, first).map((p) => p.value),
    day,
    ...parts.slice(last + 1).map((p) => p.value),
  ].join('')
}
