import type { Cells } from '../domain/cells.js';
import { fiscalYearSubtotals, QUARTERS_PER_FISCAL_YEAR } from '../domain/fiscal-year-subtotals.js';
import type { ForecastPeriod, ForecastResult } from '../domain/forecast.types.js';
import { currencyDecimals, minorToDecimal } from '../domain/money.js';
import type { PortfolioForecast } from './forecast.service.js';

/**
 * How amounts are written. `major` (the default) is for people: 53240.00 for $53,240, with the currency's own
 * decimals (JPY 0, BHD 3), written from the integer minor units so no float rounds a cent, and the currency in
 * the amount columns' headers (`capex_total_USD`). `minor` is for tools: integers in minor units under the plain
 * headers (`capex_total`), as the JSON has them.
 */
export type CsvUnits = 'major' | 'minor';

/** The amount columns of the client forecast CSV, in order; their headers carry `_<currency>` in major units. */
const CLIENT_AMOUNT_COLUMNS = [
  'capex_refresh',
  'capex_initiatives',
  'capex_total',
  'opex_recurring',
  'opex_initiatives',
  'opex_total',
  'total',
] as const;

/** The client forecast CSV's header in minor units; in major units each amount column ends in `_<currency>`. */
export const FORECAST_CSV_COLUMNS = [
  'row_type',
  'period_key',
  'period_label',
  'start',
  'end',
  'currency',
  ...CLIENT_AMOUNT_COLUMNS,
  'refresh_count',
  'partial',
] as const;

const amountColumn = (name: string, currency: string | undefined, units: CsvUnits) =>
  units === 'major' && currency !== undefined ? `${name}_${currency}` : name;

/** One amount as written in the CSV: the integer, or the exact decimal in the currency's major unit. */
export function csvAmount(minor: number, currency: string, units: CsvUnits): string | number {
  return units === 'minor' ? minor : minorToDecimal(minor, currencyDecimals(currency));
}

/** Quotes a field when it holds a separator, quote or line break; neutralises spreadsheet formulas. */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  // A decimal amount ("-12.50") is a number, not a formula: only other text starting with - is neutralised.
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const toCsv = (rows: (string | number)[][]) =>
  `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;

/**
 * A client's forecast as CSV for spreadsheets: one row per period and, for quarterly forecasts, a subtotal row
 * after the last quarter of each fiscal year in the horizon (over the quarters the horizon holds), then a horizon
 * total. The currency is on every row as well as in the headers. `partial` is true on a row that covers only part
 * of its span because asOf falls after the first period's start.
 */
export function forecastToCsv(
  forecast: ForecastResult & { currency: string },
  units: CsvUnits = 'major',
): string {
  const { currency } = forecast;
  const cellsOf = (cells: Cells): (string | number)[] => [
    ...[
      cells.capex.refresh,
      cells.capex.initiatives,
      cells.capex.total,
      cells.opex.recurring,
      cells.opex.initiatives,
      cells.opex.total,
      cells.total,
    ].map((amount) => csvAmount(amount, currency, units)),
    cells.refreshCount,
  ];
  const header = FORECAST_CSV_COLUMNS.map((name) =>
    (CLIENT_AMOUNT_COLUMNS as readonly string[]).includes(name) ? amountColumn(name, currency, units) : name,
  );
  const rows: (string | number)[][] = [header];
  const periodRow = (period: ForecastPeriod) => [
    'period',
    period.key,
    period.label,
    period.start,
    period.end,
    currency,
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
        currency,
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
    currency,
    ...cellsOf(forecast.totals),
    first?.partial ? 'true' : 'false',
  ]);
  return toCsv(rows);
}

/**
 * The portfolio as CSV, long format (one row per client and period) so that a pivot table can turn it either
 * way: `client_period` rows, a `client_total` per client, then the book of business per currency
 * (`book_period`, `book_total`); amounts in different currencies are never added. A client or currency without
 * figures has one `client_error` or `book_error` row whose `error` says why. In major units the amount headers
 * carry the currency when the whole book is in one (`total_USD`); a book in several currencies keeps plain
 * headers and the `currency` column says which each row is in.
 */
export function portfolioToCsv(portfolio: PortfolioForecast, units: CsvUnits = 'major'): string {
  const currencies = new Set(portfolio.clients.map((client) => client.currency));
  const only = currencies.size === 1 ? [...currencies][0] : undefined;
  const rows: (string | number)[][] = [
    [
      'row_type',
      'client_id',
      'client_name',
      'currency',
      'period_key',
      'period_label',
      'start',
      'end',
      amountColumn('capex', only, units),
      amountColumn('opex', only, units),
      amountColumn('total', only, units),
      'refresh_count',
      'partial',
      'error',
    ],
  ];
  const labels = new Map(portfolio.periods.map((period) => [period.key, period]));
  const first = portfolio.periods[0];
  const last = portfolio.periods.at(-1);
  const span = { start: first?.start ?? '', end: last?.end ?? '', partial: first?.partial ?? false };
  const row = (
    type: string,
    who: { id: string; name: string; currency: string },
    period: { key: string; label: string; start: string; end: string; partial: boolean },
    cells: { capex: number; opex: number; total: number; refreshCount: number } | undefined,
    error = '',
  ) => [
    type,
    who.id,
    who.name,
    who.currency,
    period.key,
    period.label,
    period.start,
    period.end,
    ...(cells
      ? [
          csvAmount(cells.capex, who.currency, units),
          csvAmount(cells.opex, who.currency, units),
          csvAmount(cells.total, who.currency, units),
          cells.refreshCount,
        ]
      : ['', '', '', '']),
    period.partial ? 'true' : 'false',
    error,
  ];
  const horizon = { key: 'TOTAL', label: 'Horizon total', ...span };
  for (const client of portfolio.clients) {
    const who = { id: client.clientId, name: client.name, currency: client.currency };
    if (client.error) {
      rows.push(row('client_error', who, horizon, undefined, client.error.detail));
      continue;
    }
    for (const period of client.periods) {
      const { label, start, end } = labels.get(period.key) ?? { label: period.key, start: '', end: '' };
      rows.push(row('client_period', who, { ...period, label, start, end }, period));
    }
    const { totals } = client;
    rows.push(
      row('client_total', who, horizon, {
        capex: totals.capex.total,
        opex: totals.opex.total,
        total: totals.total,
        refreshCount: totals.refreshCount,
      }),
    );
  }
  for (const book of portfolio.currencies) {
    const who = { id: '', name: `All clients in ${book.currency}`, currency: book.currency };
    if (book.error) {
      rows.push(row('book_error', who, horizon, undefined, book.error.detail));
      continue;
    }
    const flat = (cells: Cells) => ({
      capex: cells.capex.total,
      opex: cells.opex.total,
      total: cells.total,
      refreshCount: cells.refreshCount,
    });
    for (const period of book.periods) rows.push(row('book_period', who, period, flat(period)));
    rows.push(row('book_total', who, horizon, flat(book.totals)));
  }
  return toCsv(rows);
}
