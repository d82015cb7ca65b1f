import { addMonths as dateFnsAddMonths } from 'date-fns';
import fc from 'fast-check';

import {
  addDays,
  addMonths,
  compareIsoDates,
  daysInMonth,
  isIsoDate,
  utcIsoDateOf,
  wholeMonthsBetween,
} from '../../../../src/domain/dates.js';

/** Any real calendar date from 1900 to 2200, as an ISO string. */
const isoDate = fc
  .record({
    year: fc.integer({ min: 1900, max: 2200 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.nat(),
  })
  .map(({ year, month, day }) => iso(year, month, 1 + (day % daysInMonth(year, month))));

function iso(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

describe('addMonths', () => {
  it.each([
    ['2027-01-31', 1, '2027-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2028-02-29', 12, '2029-02-28'],
    ['2026-12-31', 2, '2027-02-28'],
    ['2026-08-31', 1, '2026-09-30'],
    ['2026-01-15', -13, '2024-12-15'],
    ['2026-05-20', 0, '2026-05-20'],
  ])('when %s is moved by %i months, then it lands on %s (clamped to the month end)', (from, months, to) => {
    expect(addMonths(from, months)).toBe(to);
  });

  it('when compared with date-fns on any date and month count, then both give the same day', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -240, max: 240 }), (date, months) => {
        const [year, month, day] = date.split('-').map(Number) as [number, number, number];
        // Noon local time: date-fns works in local time, and noon is never skipped by a DST change.
        const viaDateFns = dateFnsAddMonths(new Date(year, month - 1, day, 12), months);
        expect(addMonths(date, months)).toBe(
          iso(viaDateFns.getFullYear(), viaDateFns.getMonth() + 1, viaDateFns.getDate()),
        );
      }),
    );
  });

  it('when given a string that is not a calendar date, then it throws a RangeError', () => {
    expect(() => addMonths('2026-02-30', 1)).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it.each([
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-01-01', -1, '2025-12-31'],
    // 2026-03-15 + 180 days: 16 (rest of March) + 30 + 31 + 30 + 31 + 31 = 169 to Aug 31, + 11 → Sep 11.
    ['2026-03-15', 180, '2026-09-11'],
  ])('when %s is moved by %i days, then it lands on %s', (from, days, to) => {
    expect(addDays(from, days)).toBe(to);
  });

  it('when compared with UTC millisecond arithmetic, then both give the same day', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -40_000, max: 40_000 }), (date, days) => {
        const viaUtc = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000)
          .toISOString()
          .slice(0, 10);
        expect(addDays(date, days)).toBe(viaUtc);
      }),
    );
  });
});

describe('wholeMonthsBetween', () => {
  it.each([
    ['2026-01-31', '2026-02-28', 1],
    ['2026-01-31', '2026-02-27', 0],
    ['2026-01-15', '2027-01-14', 11],
    ['2026-01-15', '2027-01-15', 12],
    ['2026-03-31', '2026-04-30', 1],
    ['2026-03-15', '2026-03-15', 0],
    ['2026-03-15', '2026-03-14', -1],
    ['2026-03-15', '2025-03-15', -12],
  ])('when counting from %s to %s, then there are %i whole months', (from, to, months) => {
    expect(wholeMonthsBetween(from, to)).toBe(months);
  });

  it('when m whole months lie between two dates, then addMonths(from, m) ≤ to < addMonths(from, m + 1)', () => {
    fc.assert(
      fc.property(isoDate, isoDate, (from, to) => {
        const months = wholeMonthsBetween(from, to);
        expect(compareIsoDates(addMonths(from, months), to)).toBeLessThanOrEqual(0);
        expect(compareIsoDates(addMonths(from, months + 1), to)).toBe(1);
      }),
    );
  });
});

describe('isIsoDate', () => {
  it.each(['2026-01-01', '2028-02-29', '2000-02-29', '2026-12-31', '0001-01-01'])(
    'when the value is %s, then it is a calendar date',
    (value) => expect(isIsoDate(value)).toBe(true),
  );

  it.each([
    '2026-02-29',
    '1900-02-29',
    '2026-02-30',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-1-01',
    '20260101',
    ' 2026-01-01',
    '2026-01-01T00:00:00Z',
    '2026/01/01',
    '',
  ])('when the value is %j, then it is not a calendar date', (value) => expect(isIsoDate(value)).toBe(false));

  it('when a date string round-trips through UTC Date, then isIsoDate accepts it, and rejects any day past the month', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (year, month, day) => {
          const value = iso(year, month, day);
          const roundTrips = new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
          expect(isIsoDate(value)).toBe(roundTrips);
        },
      ),
    );
  });

  it('when the value is not a string, then it is not a calendar date', () => {
    expect(isIsoDate(20260101)).toBe(false);
    expect(isIsoDate(null)).toBe(false);
  });
});

describe('utcIsoDateOf', () => {
  it('when the instant is late evening in New York, then the UTC date is the next day', () => {
    expect(utcIsoDateOf(new Date('2026-03-01T23:30:00-05:00'))).toBe('2026-03-02');
  });
});
