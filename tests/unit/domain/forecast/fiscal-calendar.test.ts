import fc from 'fast-check';

import { addDays, dateKeyOf, daysInMonth } from '../../../../src/domain/dates.js';
import {
  fiscalPeriods,
  fiscalQuarterOf,
  fiscalYearOf,
  horizonOf,
  periodIndexOfKey,
} from '../../../../src/domain/fiscal-calendar.js';

const isoDate = fc
  .record({
    year: fc.integer({ min: 1950, max: 2150 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.nat(),
  })
  .map(
    ({ year, month, day }) =>
      `${year}-${String(month).padStart(2, '0')}-${String(1 + (day % daysInMonth(year, month))).padStart(2, '0')}`,
  );

describe('fiscalYearOf and fiscalQuarterOf', () => {
  it.each([
    // F = 7: FY2027 runs 2026-07-01 … 2027-06-30 (named by the year in which it ends).
    ['2026-07-01', 7, 2027, 1],
    ['2026-06-30', 7, 2026, 4],
    ['2026-09-30', 7, 2027, 1],
    ['2026-10-01', 7, 2027, 2],
    ['2027-01-15', 7, 2027, 3],
    ['2027-04-01', 7, 2027, 4],
    // F = 1: the calendar year.
    ['2027-01-01', 1, 2027, 1],
    ['2027-03-31', 1, 2027, 1],
    ['2027-12-31', 1, 2027, 4],
    // F = 4 (UK style): 2026-04-01 opens FY2027.
    ['2026-03-31', 4, 2026, 4],
    ['2026-04-01', 4, 2027, 1],
    // F = 12: December opens the next fiscal year.
    ['2026-12-01', 12, 2027, 1],
    ['2026-11-30', 12, 2026, 4],
  ])(
    'when the date is %s and the fiscal year starts in month %i, then it is FY%i Q%i',
    (date, f, year, quarter) => {
      expect(fiscalYearOf(date, f)).toBe(year);
      expect(fiscalQuarterOf(date, f)).toBe(quarter);
    },
  );

  it.each([0, 13, 6.5])('when the fiscal year start month is %d, then it throws', (month) => {
    expect(() => fiscalYearOf('2026-01-01', month)).toThrow(RangeError);
  });
});

describe('horizonOf', () => {
  it('when the granularity is quarter and the fiscal year starts in July, then the first quarter holds asOf', () => {
    expect(
      fiscalPeriods({ asOf: '2026-03-15', granularity: 'quarter', periods: 4, fiscalYearStartMonth: 7 }),
    ).toEqual([
      { key: 'FY2026-Q3', label: 'FY2026 Q3', start: '2026-01-01', end: '2026-03-31' },
      { key: 'FY2026-Q4', label: 'FY2026 Q4', start: '2026-04-01', end: '2026-06-30' },
      { key: 'FY2027-Q1', label: 'FY2027 Q1', start: '2026-07-01', end: '2026-09-30' },
      { key: 'FY2027-Q2', label: 'FY2027 Q2', start: '2026-10-01', end: '2026-12-31' },
    ]);
  });

  it('when the granularity is year, then the first fiscal year holds asOf and the horizon ends with the last', () => {
    const horizon = horizonOf({
      asOf: '2026-03-15',
      granularity: 'year',
      periods: 2,
      fiscalYearStartMonth: 7,
    });
    expect(horizon.periods).toEqual([
      { key: 'FY2026', label: 'FY2026', start: '2025-07-01', end: '2026-06-30' },
      { key: 'FY2027', label: 'FY2027', start: '2026-07-01', end: '2027-06-30' },
    ]);
    expect(horizon.endKey).toBe(dateKeyOf('2027-06-30'));
  });

  it('when no granularity or count is given, then it is 12 quarters of calendar years', () => {
    const periods = fiscalPeriods({ asOf: '2026-11-30' });
    expect(periods).toHaveLength(12);
    expect(periods[0]).toEqual({
      key: 'FY2026-Q4',
      label: 'FY2026 Q4',
      start: '2026-10-01',
      end: '2026-12-31',
    });
    expect(periods[11]!.key).toBe('FY2029-Q3');
  });

  it('when the granularity is year and no count is given, then it is 5 years', () => {
    expect(fiscalPeriods({ asOf: '2026-11-30', granularity: 'year' }).map((p) => p.key)).toEqual([
      'FY2026',
      'FY2027',
      'FY2028',
      'FY2029',
      'FY2030',
    ]);
  });

  it('when a February quarter ends in a leap year, then its end is the 29th', () => {
    const [period] = fiscalPeriods({ asOf: '2028-02-10', periods: 1, fiscalYearStartMonth: 12 });
    expect(period).toEqual({ key: 'FY2028-Q1', label: 'FY2028 Q1', start: '2027-12-01', end: '2028-02-29' });
  });

  it.each([
    ['quarter', 40, true],
    ['quarter', 41, false],
    ['year', 10, true],
    ['year', 11, false],
    ['quarter', 0, false],
    ['year', 2.5, false],
  ] as const)(
    'when %s granularity asks for %d periods, then it is accepted: %s',
    (granularity, periods, ok) => {
      const build = () => horizonOf({ asOf: '2026-01-01', granularity, periods });
      if (ok) expect(build().periods).toHaveLength(periods);
      else expect(build).toThrow(RangeError);
    },
  );

  it('when any horizon is built, then its periods are contiguous, named after their own dates, and the first holds asOf', () => {
    fc.assert(
      fc.property(
        isoDate,
        fc.constantFrom('quarter' as const, 'year' as const),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 12 }),
        (asOf, granularity, periods, fiscalYearStartMonth) => {
          const horizon = horizonOf({ asOf, granularity, periods, fiscalYearStartMonth });
          const first = horizon.periods[0]!;
          expect(first.start <= asOf && asOf <= first.end).toBe(true);
          horizon.periods.forEach((period, i) => {
            const year = fiscalYearOf(period.start, fiscalYearStartMonth);
            expect(fiscalYearOf(period.end, fiscalYearStartMonth)).toBe(year);
            if (granularity === 'year') {
              expect(period.key).toBe(`FY${year}`);
            } else {
              const quarter = fiscalQuarterOf(period.start, fiscalYearStartMonth);
              expect(fiscalQuarterOf(period.end, fiscalYearStartMonth)).toBe(quarter);
              expect(period.key).toBe(`FY${year}-Q${quarter}`);
              expect(period.label).toBe(`FY${year} Q${quarter}`);
            }
            if (i > 0) expect(period.start).toBe(addDays(horizon.periods[i - 1]!.end, 1));
            expect(periodIndexOfKey(horizon, dateKeyOf(period.start))).toBe(i);
            expect(periodIndexOfKey(horizon, dateKeyOf(period.end))).toBe(i);
          });
          expect(periodIndexOfKey(horizon, dateKeyOf(addDays(first.start, -1)))).toBe(-1);
          expect(periodIndexOfKey(horizon, dateKeyOf(addDays(horizon.periods.at(-1)!.end, 1)))).toBe(-1);
        },
      ),
    );
  });
});
