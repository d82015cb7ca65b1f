import type { Cells } from '../domain/cells.js';
import { fiscalYearSubtotals, QUARTERS_PER_FISCAL_YEAR } from '../domain/fiscal-year-subtotals.js';
import type { ForecastPeriod, ForecastResult } from '../domain/forecast.types.js';

/**
 * The forecast as CSV for spreadsheets: one row per period and, for quarterly forecasts, a subtotal row after the
 * last quarter of each fiscal year in the horizon (over the quarters the horizon holds), then a horizon total.
 * Amounts stay integers in minor units, as everywhere else; the currency is on every row. `partial` is true on a
 * row that covers only part of its span because asOf falls after the first period's start.
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
  'partial',
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
  const periodRow = (period: ForecastPeriod) => [
    'period',
    period.key,
    period.label,
    period.start,
    period.end,
    forecast.currency,
    ...cellsOf(period),
    period.partial ? 'true' : 'false',
  ];
  if (forecast.granularity !== 'quarter') {
    rows.push(...forecast.periods.map(periodRow));
  } else {
    for (const year of fiscalYearSubtotals(forecast.periods, forecast.fiscalYearStartMonth)) {
      rows.push(...year.periods.map(periodRow));
      const quarters =
        year.periods.length === QUARTERS_PER_FISCAL_YEAR
          ? ''
          : ` (${year.periods.length} of ${QUARTERS_PER_FISCAL_YEAR} quarters)`;
      rows.push([
        'fiscal_year_subtotal',
        year.key,
        `${year.label} subtotal${quarters}`,
        year.start,
        year.end,
        forecast.currency,
        ...cellsOf(year.cells),
        year.periods.some((period) => period.partial) ? 'true' : 'false',
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
    first?.partial ? 'true' : 'false',
  ]);
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
