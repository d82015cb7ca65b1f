import { csvField, forecastToCsv } from '../../../src/forecast/forecast-csv.js';
import { forecast } from '../../../src/domain/forecast.js';

describe('the forecast as CSV', () => {
  const result = {
    currency: 'USD',
    ...forecast(
      { asOf: '2026-11-22', granularity: 'quarter', periods: 6, fiscalYearStartMonth: 7 },
      {
        recurringCosts: [
          {
            id: '00000000-0000-4000-8000-000000000001',
            name: 'MSA',
            vendor: null,
            amount: 10_000,
            quantity: 2,
            interval: 'month',
            startsOn: '2026-01-15',
            endsOn: null,
            annualEscalationBps: 0,
          },
        ],
      },
    ),
  };
  const rows = forecastToCsv(result)
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));

  it('when the horizon spans fiscal years, then each year gets a subtotal row after its last quarter in the horizon', () => {
    expect(rows.map((row) => `${row[0]} ${row[1]}`)).toEqual([
      'row_type period_key',
      'period FY2027-Q2',
      'period FY2027-Q3',
      'period FY2027-Q4',
      'fiscal_year_subtotal FY2027',
      'period FY2028-Q1',
      'period FY2028-Q2',
      'period FY2028-Q3',
      'fiscal_year_subtotal FY2028',
      'horizon_total TOTAL',
    ]);
    expect(rows[4]![2]).toBe('FY2027 subtotal (3 of 4 quarters)');
  });

  it('when subtotals and the total are read back, then they equal the sums of the period rows', () => {
    const total = (row: string[]) => Number(row[12]);
    expect(total(rows[4]!)).toBe(total(rows[1]!) + total(rows[2]!) + total(rows[3]!));
    expect(total(rows[8]!)).toBe(total(rows[5]!) + total(rows[6]!) + total(rows[7]!));
    expect(total(rows[9]!)).toBe(result.totals.total);
    // 20,000 a month on the 15th; 2026-11-15 is before asOf, so Dec 2026 … Mar 2028: 16 charges.
    expect(result.totals.opex.recurring).toBe(16 * 20_000);
  });

  it('when asOf falls inside the first quarter, then its row, its fiscal year and the total say partial', () => {
    expect(rows[0]!.at(-1)).toBe('partial');
    expect(rows.slice(1).map((row) => `${row[1]} ${row.at(-1)}`)).toEqual([
      'FY2027-Q2 true',
      'FY2027-Q3 false',
      'FY2027-Q4 false',
      'FY2027 true',
      'FY2028-Q1 false',
      'FY2028-Q2 false',
      'FY2028-Q3 false',
      'FY2028 false',
      'TOTAL true',
    ]);
  });

  it('when a text field could be read as a formula or holds separators, then it is neutralised and quoted', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(-5)).toBe('-5');
  });
});
