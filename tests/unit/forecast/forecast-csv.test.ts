import { csvAmount, csvField, forecastToCsv } from '../../../src/forecast/forecast-csv.js';
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
  const parse = (csv: string) =>
    csv
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
  const rows = parse(forecastToCsv(result, 'minor'));

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

  it('when tools ask for minor units, then the header is the plain one and the amounts are the integers of the JSON', () => {
    expect(rows[0]).toEqual([
      'row_type',
      'period_key',
      'period_label',
      'start',
      'end',
      'currency',
      'capex_refresh',
      'capex_initiatives',
      'capex_total',
      'opex_recurring',
      'opex_initiatives',
      'opex_total',
      'total',
      'refresh_count',
      'partial',
    ]);
    expect(rows.at(-1)![12]).toBe(String(16 * 20_000));
  });

  it('when a person opens it, then amounts are exact decimals in major units under headers that name the currency', () => {
    const major = parse(forecastToCsv(result));
    expect(major[0]!.slice(6, 13)).toEqual([
      'capex_refresh_USD',
      'capex_initiatives_USD',
      'capex_total_USD',
      'opex_recurring_USD',
      'opex_initiatives_USD',
      'opex_total_USD',
      'total_USD',
    ]);
    expect(major[0]![13]).toBe('refresh_count');
    // 16 charges of 20,000 cents: 3,200.00 dollars; refresh_count stays a count.
    expect(major.at(-1)!.slice(5, 14)).toEqual([
      'USD',
      '0.00',
      '0.00',
      '0.00',
      '3200.00',
      '0.00',
      '3200.00',
      '3200.00',
      '0',
    ]);
  });

  it('when the currency has no minor unit or three decimals, then the amounts have as many decimals as it has', () => {
    const inYen = parse(forecastToCsv({ ...result, currency: 'JPY' }));
    expect(inYen[0]![12]).toBe('total_JPY');
    expect(inYen.at(-1)![12]).toBe('320000');
    const inDinars = parse(forecastToCsv({ ...result, currency: 'BHD' }));
    expect(inDinars.at(-1)![12]).toBe('320.000');
  });

  it('when an amount is near the largest exact integer or negative, then its decimal is exact digit for digit', () => {
    expect(csvAmount(9_007_199_254_740_991, 'USD', 'major')).toBe('90071992547409.91');
    expect(csvAmount(-5, 'USD', 'major')).toBe('-0.05');
    expect(csvField(csvAmount(-1250, 'EUR', 'major'))).toBe('-12.50');
    expect(csvAmount(5324000, 'USD', 'minor')).toBe(5324000);
    expect(csvAmount(5324000, 'USD', 'major')).toBe('53240.00');
  });
});
