import fc from 'fast-check';

import { fiscalYearSubtotals } from '../../../../src/domain/fiscal-year-subtotals.js';
import { forecast } from '../../../../src/domain/forecast.js';
import type { ForecastContext } from '../../../../src/domain/forecast.types.js';
import { aRecurringCost, arbitraryContext, arbitraryRecurringCost } from './builders.js';

describe('fiscal-year subtotals', () => {
  // Fiscal year from July, asOf 2026-11-22: the first quarter is FY2027 Q2 (Oct–Dec 2026).
  const context: ForecastContext = {
    asOf: '2026-11-22',
    granularity: 'quarter',
    periods: 8,
    fiscalYearStartMonth: 7,
  };
  const monthly = aRecurringCost({ amount: 1_000, startsOn: '2026-01-01' });
  const result = forecast(context, { recurringCosts: [monthly] });

  it('when quarters span fiscal years, then each year groups its quarters in the horizon, partial years included', () => {
    const years = fiscalYearSubtotals(result.periods, result.fiscalYearStartMonth);
    expect(
      years.map((year) => ({
        key: year.key,
        label: year.label,
        fiscalYear: year.fiscalYear,
        periods: year.periods.map((period) => period.key),
        start: year.start,
        end: year.end,
      })),
    ).toEqual([
      {
        key: 'FY2027',
        label: 'FY2027',
        fiscalYear: 2027,
        periods: ['FY2027-Q2', 'FY2027-Q3', 'FY2027-Q4'],
        start: '2026-10-01',
        end: '2027-06-30',
      },
      {
        key: 'FY2028',
        label: 'FY2028',
        fiscalYear: 2028,
        periods: ['FY2028-Q1', 'FY2028-Q2', 'FY2028-Q3', 'FY2028-Q4'],
        start: '2027-07-01',
        end: '2028-06-30',
      },
      {
        key: 'FY2029',
        label: 'FY2029',
        fiscalYear: 2029,
        periods: ['FY2029-Q1'],
        start: '2028-07-01',
        end: '2028-09-30',
      },
    ]);
  });

  it('when a year is summed, then its cells are the sums of its quarters’ cells', () => {
    const [first, second, third] = fiscalYearSubtotals(result.periods, result.fiscalYearStartMonth);
    // 1,000 a month on the 1st: December 2026 … June 2027 is 7 charges, a whole year 12, July–September 3.
    expect(first!.cells.opex).toEqual({ recurring: 7_000, initiatives: 0, total: 7_000 });
    expect(second!.cells.total).toBe(12_000);
    expect(third!.cells).toEqual({
      capex: { refresh: 0, initiatives: 0, total: 0 },
      opex: { recurring: 3_000, initiatives: 0, total: 3_000 },
      total: 3_000,
      refreshCount: 0,
    });
  });

  it('when there are no periods, then there are no subtotals', () => {
    expect(fiscalYearSubtotals([], 7)).toEqual([]);
  });

  it('when any horizon is grouped, then every year is named like its periods’ keys and the years add up to the totals', () => {
    fc.assert(
      fc.property(arbitraryContext, fc.array(arbitraryRecurringCost, { maxLength: 3 }), (ctx, costs) => {
        const any = forecast(ctx, { recurringCosts: costs });
        const years = fiscalYearSubtotals(any.periods, any.fiscalYearStartMonth);
        expect(years.flatMap((year) => year.periods)).toEqual(any.periods);
        for (const year of years) {
          for (const period of year.periods) expect(period.key.split('-')[0]).toBe(year.key);
          expect(year.periods.length).toBeLessThanOrEqual(any.granularity === 'quarter' ? 4 : 1);
        }
        expect(new Set(years.map((year) => year.key)).size).toBe(years.length);
        expect(years.reduce((sum, year) => sum + year.cells.total, 0)).toBe(any.totals.total);
      }),
    );
  });
});
