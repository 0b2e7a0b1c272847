import { describe, expect, it } from 'vitest'
import type { Hours } from '../config/schema'
import { describeNextOpening, isOpen, nextOpening } from './hours'

// Every expectation below is an instant worked out by hand from the zone's UTC
// offset on that date (and, on change days, the instant of the change), written
// in UTC. Calendar facts used: 2026-01-12, -01-19, -03-09, -07-13, -10-26 and
// -12-28 are Mondays; 2026-01-16, -03-06 and -12-25 Fridays; 2026-03-08,
// -03-29, -10-25 and -11-01 Sundays.

type Day = Hours['weekly'][number]['days'][number]
const WEEKDAYS: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri']
const hours = (
  timeZone: string,
  weekly: [Day[], string, string][],
  closed: string[] = [],
): Hours => ({ timeZone, weekly: weekly.map(([days, from, to]) => ({ days, from, to })), closed })
const at = (iso: string) => new Date(iso)
/** The instants at which the team is open, of those given. */
const openAt = (h: Hours, ...isos: string[]) => isos.filter((iso) => isOpen(h, at(iso)))
const next = (h: Hours, iso: string) => nextOpening(h, at(iso))?.toISOString()

describe('isOpen: range edges, in winter and summer time', () => {
  const london = hours('Europe/London', [[WEEKDAYS, '09:00', '17:30']])

  it('opens at "from" and closes at "to" (GMT = UTC in January)', () => {
    expect(
      openAt(
        london,
        '2026-01-12T08:59:59Z', // Monday 08:59:59 GMT: not yet
        '2026-01-12T09:00:00Z', // 09:00:00: open ("from" is inclusive)
        '2026-01-12T17:29:59Z', // 17:29:59: still open
        '2026-01-12T17:30:00Z', // 17:30:00: closed ("to" is exclusive)
      ),
    ).toEqual(['2026-01-12T09:00:00Z', '2026-01-12T17:29:59Z'])
  })

  it('follows the wall clock into summer time (BST = UTC+1 in July)', () => {
    expect(
      openAt(
        london,
        '2026-07-13T07:59:59Z', // Monday 08:59:59 BST
        '2026-07-13T08:00:00Z', // 09:00 BST
        '2026-07-13T16:29:59Z', // 17:29:59 BST
        '2026-07-13T16:30:00Z', // 17:30 BST
      ),
    ).toEqual(['2026-07-13T08:00:00Z', '2026-07-13T16:29:59Z'])
  })

  it('is closed all day on a date closed, and open the day before', () => {
    const h = hours('Europe/London', [[WEEKDAYS, '09:00', '17:30']], ['2026-12-25'])
    expect(openAt(h, '2026-12-24T12:00:00Z', '2026-12-25T12:00:00Z')).toEqual([
      '2026-12-24T12:00:00Z',
    ])
  })

  it('is closed on days without a range, and with no ranges at all', () => {
    // Saturday 2026-01-17 noon.
    expect(
      isOpen(hours('Europe/London', [[WEEKDAYS, '09:00', '17:30']]), at('2026-01-17T12:00:00Z')),
    ).toBe(false)
    expect(isOpen(hours('UTC', []), at('2026-01-12T12:00:00Z'))).toBe(false)
  })

  it('uses every range of a day (a lunch break)', () => {
    const h = hours('UTC', [
      [WEEKDAYS, '09:00', '12:00'],
      [WEEKDAYS, '13:00', '17:00'],
    ])
    expect(
      openAt(h, '2026-01-12T11:59:59Z', '2026-01-12T12:30:00Z', '2026-01-12T13:00:00Z'),
    ).toEqual(['2026-01-12T11:59:59Z', '2026-01-12T13:00:00Z'])
  })

  it('"24:00" keeps the range open until midnight, and not after', () => {
    const h = hours('UTC', [[['sat'], '22:00', '24:00']])
    expect(
      openAt(
        h,
        '2026-01-17T23:59:59Z', // Saturday 23:59:59
        '2026-01-18T00:00:00Z', // Sunday 00:00: the Saturday range is over
      ),
    ).toEqual(['2026-01-17T23:59:59Z'])
  })
})

describe('isOpen: zones far from UTC', () => {
  it('Pacific/Auckland: Monday 09:00 NZDT (UTC+13) is Sunday 20:00 UTC; in July NZST (UTC+12)', () => {
    const h = hours('Pacific/Auckland', [[WEEKDAYS, '09:00', '17:00']])
    expect(
      openAt(
        h,
        '2026-01-11T19:59:59Z', // Monday 08:59:59 NZDT
        '2026-01-11T20:00:00Z', // Monday 09:00 NZDT
        '2026-01-12T03:59:59Z', // Monday 16:59:59 NZDT
        '2026-01-12T04:00:00Z', // Monday 17:00 NZDT
        '2026-07-12T21:00:00Z', // Monday 2026-07-13 09:00 NZST
        '2026-07-12T20:00:00Z', // Monday 08:00 NZST
      ),
    ).toEqual(['2026-01-11T20:00:00Z', '2026-01-12T03:59:59Z', '2026-07-12T21:00:00Z'])
  })

  it('America/Los_Angeles: Friday 16:59 PST (UTC−8) is Saturday 00:59 UTC, and still open', () => {
    const h = hours('America/Los_Angeles', [[WEEKDAYS, '09:00', '17:00']])
    expect(
      openAt(
        h,
        '2026-01-16T16:59:59Z', // Friday 08:59:59 PST
        '2026-01-16T17:00:00Z', // Friday 09:00 PST
        '2026-01-17T00:59:59Z', // Friday 16:59:59 PST
        '2026-01-17T01:00:00Z', // Friday 17:00 PST
      ),
    ).toEqual(['2026-01-16T17:00:00Z', '2026-01-17T00:59:59Z'])
  })

  it('Asia/Kolkata: 09:30–18:00 IST (UTC+5:30) is 04:00–12:30 UTC', () => {
    const h = hours('Asia/Kolkata', [[WEEKDAYS, '09:30', '18:00']])
    expect(
      openAt(
        h,
        '2026-01-12T03:59:59Z',
        '2026-01-12T04:00:00Z',
        '2026-01-12T12:29:59Z',
        '2026-01-12T12:30:00Z',
      ),
    ).toEqual(['2026-01-12T04:00:00Z', '2026-01-12T12:29:59Z'])
  })
})

describe('nextOpening', () => {
  const london = hours('Europe/London', [[WEEKDAYS, '09:00', '17:30']])

  it('is now while open, later the same day before opening', () => {
    expect(next(london, '2026-01-12T10:15:00Z')).toBe('2026-01-12T10:15:00.000Z')
    expect(next(london, '2026-01-12T07:00:00Z')).toBe('2026-01-12T09:00:00.000Z')
  })

  it('skips the weekend: from Friday closing and from Saturday to Monday 09:00', () => {
    expect(next(london, '2026-01-16T17:30:00Z')).toBe('2026-01-19T09:00:00.000Z')
    expect(next(london, '2026-01-17T12:00:00Z')).toBe('2026-01-19T09:00:00.000Z')
  })

  it('skips dates closed: Christmas on a Friday, then Monday the 28th too', () => {
    const christmas = hours('Europe/London', [[WEEKDAYS, '09:00', '17:30']], ['2026-12-25'])
    // Thursday 24th after closing → Friday closed, weekend → Monday 28th 09:00 GMT.
    expect(next(christmas, '2026-12-24T18:00:00Z')).toBe('2026-12-28T09:00:00.000Z')
    const longer = hours(
      'Europe/London',
      [[WEEKDAYS, '09:00', '17:30']],
      ['2026-12-25', '2026-12-28'],
    )
    expect(next(longer, '2026-12-24T18:00:00Z')).toBe('2026-12-29T09:00:00.000Z')
  })

  it('finds the opening after ten closed Mondays of a Monday-only team', () => {
    // Mondays from 2026-01-12, ten of them closed: the next is 2026-03-23 (12 Jan + 70 days).
    const closed = Array.from({ length: 10 }, (_, i) =>
      new Date(Date.UTC(2026, 0, 12 + 7 * i)).toISOString().slice(0, 10),
    )
    const h = hours('UTC', [[['mon'], '09:00', '10:00']], closed)
    expect(next(h, '2026-01-11T00:00:00Z')).toBe('2026-03-23T09:00:00.000Z')
  })

  it('is undefined when there are no ranges', () => {
    expect(nextOpening(hours('UTC', []), at('2026-01-12T00:00:00Z'))).toBeUndefined()
  })

  it('works in the team zone, not UTC: Auckland, Los Angeles, Kolkata', () => {
    // Friday 2026-01-16 17:00 NZDT = 04:00Z → Monday 19th 09:00 NZDT = Sunday 18th 20:00Z.
    expect(
      next(hours('Pacific/Auckland', [[WEEKDAYS, '09:00', '17:00']]), '2026-01-16T04:00:00Z'),
    ).toBe('2026-01-18T20:00:00.000Z')
    // Saturday 00:30Z is Friday 16:30 PST: open now.
    expect(
      next(hours('America/Los_Angeles', [[WEEKDAYS, '09:00', '17:00']]), '2026-01-17T00:30:00Z'),
    ).toBe('2026-01-17T00:30:00.000Z')
    // Saturday 2026-01-17 18:00 IST = 12:30Z (Monday–Saturday team) → Monday 19th 09:30 IST = 04:00Z.
    const kolkata = hours('Asia/Kolkata', [[[...WEEKDAYS, 'sat'], '09:30', '18:00']])
    expect(next(kolkata, '2026-01-17T12:30:00Z')).toBe('2026-01-19T04:00:00.000Z')
  })

  it('takes the offset of the opening day, not of now, across a change (New York, March 2026)', () => {
    // Friday 2026-03-06 17:00 EST (UTC−5) = 22:00Z. Clocks go forward on Sunday 8th,
    // so Monday 9th 09:00 is EDT (UTC−4) = 13:00Z, not 14:00Z.
    const ny = hours('America/New_York', [[WEEKDAYS, '09:00', '17:00']])
    expect(next(ny, '2026-03-06T22:00:00Z')).toBe('2026-03-09T13:00:00.000Z')
  })

  it('a day the zone skipped entirely (Pacific/Apia, 2011-12-30) has no opening', () => {
    // Samoa jumped from Thursday 2011-12-29 23:59:59 (UTC−10) to Saturday 2011-12-31
    // 00:00 (UTC+14) at 2011-12-30T10:00Z. From Thursday 17:00 (03:00Z on the 30th)
    // the next 09:00 is Saturday's: 2011-12-30T19:00Z.
    const apia = hours('Pacific/Apia', [[[...WEEKDAYS, 'sat', 'sun'], '09:00', '17:00']])
    expect(next(apia, '2011-12-30T03:00:00Z')).toBe('2011-12-30T19:00:00.000Z')
  })
})

describe('daylight-saving change days', () => {
  describe('Europe/London, spring forward: Sunday 2026-03-29, 01:00 GMT → 02:00 BST at 01:00Z', () => {
    it('a range starting inside the gap (01:30) opens at the first instant after it, 02:00 BST', () => {
      // 01:30 never shows; the first instant after the gap is 01:00Z (02:00 BST).
      // 03:00 BST = 02:00Z.
      const h = hours('Europe/London', [[['sun'], '01:30', '03:00']])
      expect(
        openAt(
          h,
          '2026-03-29T00:59:59Z', // 00:59:59 GMT
          '2026-03-29T01:00:00Z', // 02:00:00 BST
          '2026-03-29T01:59:59Z', // 02:59:59 BST
          '2026-03-29T02:00:00Z', // 03:00 BST
        ),
      ).toEqual(['2026-03-29T01:00:00Z', '2026-03-29T01:59:59Z'])
      expect(next(h, '2026-03-29T00:00:00Z')).toBe('2026-03-29T01:00:00.000Z')
    })

    it('a range wholly inside the gap never opens that day; a week later it does', () => {
      const h = hours('Europe/London', [[['sun'], '01:15', '01:45']])
      // Next Sunday, 2026-04-05, 01:15 BST = 00:15Z.
      expect(next(h, '2026-03-29T00:00:00Z')).toBe('2026-04-05T00:15:00.000Z')
    })

    it('00:00–24:00 lasts 23 hours: from 00:00Z to 23:00Z (Monday 00:00 BST)', () => {
      const h = hours('Europe/London', [[['sun'], '00:00', '24:00']])
      expect(
        openAt(
          h,
          '2026-03-28T23:59:59Z',
          '2026-03-29T00:00:00Z',
          '2026-03-29T22:59:59Z',
          '2026-03-29T23:00:00Z',
        ),
      ).toEqual(['2026-03-29T00:00:00Z', '2026-03-29T22:59:59Z'])
    })

    it('09:00 on the change day is BST: 08:00Z', () => {
      const h = hours('Europe/London', [[['sun'], '09:00', '17:00']])
      expect(next(h, '2026-03-29T00:00:00Z')).toBe('2026-03-29T08:00:00.000Z')
    })
  })

  describe('Europe/London, fall back: Sunday 2026-10-25, 02:00 BST → 01:00 GMT at 01:00Z', () => {
    // 01:00–01:59 shows twice: 00:00Z–00:59Z (BST), then 01:00Z–01:59Z (GMT).
    it('a range ending inside the repeated hour ends at its first occurrence', () => {
      const h = hours('Europe/London', [[['sun'], '00:00', '01:30']])
      // 00:00 BST = Saturday 23:00Z; the first 01:30 is 00:30Z.
      expect(
        openAt(
          h,
          '2026-10-24T23:00:00Z', // 00:00 BST
          '2026-10-25T00:29:59Z', // 01:29:59 BST
          '2026-10-25T00:30:00Z', // 01:30 BST
          '2026-10-25T01:15:00Z', // 01:15 GMT, the second time the clock shows 01:15
        ),
      ).toEqual(['2026-10-24T23:00:00Z', '2026-10-25T00:29:59Z'])
    })

    it('a range starting inside the repeated hour starts at its first occurrence', () => {
      const h = hours('Europe/London', [[['sun'], '01:30', '03:00']])
      // Starts at the first 01:30 (00:30Z), so the second 01:15 (01:15Z) is inside it;
      // 03:00 GMT = 03:00Z.
      expect(next(h, '2026-10-25T00:00:00Z')).toBe('2026-10-25T00:30:00.000Z')
      expect(
        openAt(h, '2026-10-25T01:15:00Z', '2026-10-25T02:59:59Z', '2026-10-25T03:00:00Z'),
      ).toEqual(['2026-10-25T01:15:00Z', '2026-10-25T02:59:59Z'])
    })

    it('00:00–24:00 lasts 25 hours: Saturday 23:00Z to Monday 00:00Z', () => {
      const h = hours('Europe/London', [[['sun'], '00:00', '24:00']])
      expect(
        openAt(
          h,
          '2026-10-24T22:59:59Z',
          '2026-10-24T23:00:00Z',
          '2026-10-25T23:59:59Z',
          '2026-10-26T00:00:00Z',
        ),
      ).toEqual(['2026-10-24T23:00:00Z', '2026-10-25T23:59:59Z'])
    })
  })

  describe('America/New_York, spring forward: Sunday 2026-03-08, 02:00 EST → 03:00 EDT at 07:00Z', () => {
    it('a range starting inside the gap (02:30) opens at 03:00 EDT = 07:00Z', () => {
      const h = hours('America/New_York', [[['sun'], '02:30', '04:00']])
      // From 01:00 EST (06:00Z). 04:00 EDT = 08:00Z.
      expect(next(h, '2026-03-08T06:00:00Z')).toBe('2026-03-08T07:00:00.000Z')
      expect(
        openAt(
          h,
          '2026-03-08T06:59:59Z',
          '2026-03-08T07:00:00Z',
          '2026-03-08T07:59:59Z',
          '2026-03-08T08:00:00Z',
        ),
      ).toEqual(['2026-03-08T07:00:00Z', '2026-03-08T07:59:59Z'])
    })

    it("a range from 01:00 to the gap's 02:00 lasts one hour: 06:00Z–07:00Z", () => {
      const h = hours('America/New_York', [[['sun'], '01:00', '02:00']])
      expect(
        openAt(
          h,
          '2026-03-08T05:59:59Z',
          '2026-03-08T06:00:00Z',
          '2026-03-08T06:59:59Z',
          '2026-03-08T07:00:00Z',
        ),
      ).toEqual(['2026-03-08T06:00:00Z', '2026-03-08T06:59:59Z'])
    })
  })

  describe('America/New_York, fall back: Sunday 2026-11-01, 02:00 EDT → 01:00 EST at 06:00Z', () => {
    // 01:00–01:59 shows twice: 05:00Z–05:59Z (EDT), then 06:00Z–06:59Z (EST).
    it('01:00–02:00 covers both 01:00 hours: 05:00Z to 07:00Z (02:00 EST)', () => {
      const h = hours('America/New_York', [[['sun'], '01:00', '02:00']])
      expect(next(h, '2026-11-01T04:00:00Z')).toBe('2026-11-01T05:00:00.000Z')
      expect(
        openAt(
          h,
          '2026-11-01T04:59:59Z', // 00:59:59 EDT
          '2026-11-01T05:00:00Z', // the first 01:00 (EDT)
          '2026-11-01T06:30:00Z', // the second 01:30 (EST)
          '2026-11-01T07:00:00Z', // 02:00 EST
        ),
      ).toEqual(['2026-11-01T05:00:00Z', '2026-11-01T06:30:00Z'])
    })

    it('00:00–01:30 closes at the first 01:30 (05:30Z), and the repeated 01:15 is closed', () => {
      const h = hours('America/New_York', [[['sun'], '00:00', '01:30']])
      expect(
        openAt(h, '2026-11-01T05:29:59Z', '2026-11-01T05:30:00Z', '2026-11-01T06:15:00Z'),
      ).toEqual(['2026-11-01T05:29:59Z'])
    })
  })
})

describe('describeNextOpening', () => {
  /** Spaces as a reader sees them: ICU may join a time and "AM" with a narrow no-break space. */
  const say = (...args: Parameters<typeof describeNextOpening>) =>
    describeNextOpening(...args).replace(/\s/g, ' ')
  // Monday 2026-01-12 10:00 in London (GMT = UTC).
  const now = at('2026-01-12T10:00:00Z')

  it('says today, tomorrow, a weekday within the week, a date beyond it (en)', () => {
    const z = 'Europe/London'
    expect(say(at('2026-01-12T14:00:00Z'), now, 'en', z)).toBe('today at 2:00 PM')
    expect(say(at('2026-01-12T14:00:00Z'), now, 'en-GB', z)).toBe('today at 14:00')
    expect(say(at('2026-01-13T09:00:00Z'), now, 'en', z)).toBe('tomorrow at 9:00 AM')
    expect(say(at('2026-01-15T09:00:00Z'), now, 'en', z)).toBe('Thursday at 9:00 AM')
    expect(say(at('2026-01-19T09:00:00Z'), now, 'en', z)).toBe('Monday, January 19 at 9:00 AM')
    expect(say(now, now, 'en', z)).toBe('now')
  })

  it('says the same in French', () => {
    const z = 'Europe/Paris' // UTC+1 in January
    expect(say(at('2026-01-12T13:00:00Z'), now, 'fr', z)).toBe('aujourd’hui à 14:00')
    expect(say(at('2026-01-13T08:00:00Z'), now, 'fr', z)).toBe('demain à 09:00')
    expect(say(at('2026-01-15T08:00:00Z'), now, 'fr', z)).toBe('jeudi à 09:00')
    expect(say(at('2026-01-19T08:00:00Z'), now, 'fr', z)).toBe('lundi 19 janvier à 09:00')
    expect(say(now, now, 'fr', z)).toBe('maintenant')
  })

  it('counts days and hours in the visitor’s time zone', () => {
    // Now 2026-01-12T22:00Z, opening 2026-01-13T09:00Z.
    const late = at('2026-01-12T22:00:00Z')
    const open = at('2026-01-13T09:00:00Z')
    // London: Monday 22:00 → Tuesday 09:00.
    expect(say(open, late, 'en', 'Europe/London')).toBe('tomorrow at 9:00 AM')
    // Tokyo (UTC+9): Tuesday 07:00 → Tuesday 18:00.
    expect(say(open, late, 'en', 'Asia/Tokyo')).toBe('today at 6:00 PM')
    // Los Angeles (UTC−8): Monday 14:00 → Tuesday 01:00.
    expect(say(open, late, 'en', 'America/Los_Angeles')).toBe('tomorrow at 1:00 AM')
  })

  it('tells a visitor in Paris when a London team is back after the weekend', () => {
    // Friday 2026-01-16 18:00 GMT, after closing → Monday 09:00 GMT = 10:00 in Paris.
    const friday = at('2026-01-16T18:00:00Z')
    const back = nextOpening(hours('Europe/London', [[WEEKDAYS, '09:00', '17:30']]), friday)
    expect(back && say(back, friday, 'fr', 'Europe/Paris')).toBe('lundi à 10:00')
  })
})
