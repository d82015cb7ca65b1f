import { sumCells, type Cells } from '../domain/cells.js';
import type { ForecastPeriod, ForecastResult } from '../domain/forecast.types.js';

/**
 * The forecast as CSV for spreadsheets: one row per period and, for quarterly forecasts, a subtotal row after the
 * last quarter of each fiscal year in the horizon (over the quarters the horizon holds), then a horizon total.
 * Amounts stay integers in minor units, as everywhere else; the currency is on every row.
 */
export const FORECAST_CSV_COLUMNS = [
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
] as const;

function cellsOf(period: Cells): (string | number)[] {
  return [
    period.capex.refresh,
    period.capex.initiatives,
    period.capex.total,
    period.opex.recurring,
    period.opex.initiatives,
    period.opex.total,
    period.total,
    period.refreshCount,
  ];
}

/** Quotes a field when it holds a separator, quote or line break; neutralises spreadsheet formulas. */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function forecastToCsv(forecast: ForecastResult & { currency: string }): string {
  const rows: (string | number)[][] = [[...FORECAST_CSV_COLUMNS]];
  const fiscalYearOf = (period: ForecastPeriod) => period.key.slice(0, 6);
  for (let index = 0; index < forecast.periods.length; index += 1) {
    const period = forecast.periods[index]!;
    rows.push([
      'period',
      period.key,
      period.label,
      period.start,
      period.end,
      forecast.currency,
      ...cellsOf(period),
    ]);
    const next = forecast.periods[index + 1];
    if (forecast.granularity === 'quarter' && (!next || fiscalYearOf(next) !== fiscalYearOf(period))) {
      const year = forecast.periods.filter((candidate) => fiscalYearOf(candidate) === fiscalYearOf(period));
      const quarters = year.length === 4 ? '' : ` (${year.length} of 4 quarters)`;
      rows.push([
        'fiscal_year_subtotal',
        fiscalYearOf(period),
        `${fiscalYearOf(period)} subtotal${quarters}`,
        year[0]!.start,
        period.end,
        forecast.currency,
        ...cellsOf(sumCells(year)),
      ]);
    }
  }
  const first = forecast.periods[0];
  const last = forecast.periods.at(-1);
  rows.push([
    'horizon_total',
    'TOTAL',
    'Horizon total',
    first?.start ?? '',
    last?.end ?? '',
    forecast.currency,
    ...cellsOf(forecast.totals),
  ]);
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
