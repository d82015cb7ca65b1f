/**
 * Formatting for the packet, the one edge where money stops being integer minor units and dates stop being
 * `YYYY-MM-DD`. Amounts are turned into decimal strings before Intl sees them, so no float ever rounds a cent.
 */

import { currencyDecimals, minorToDecimal } from '../domain/money.js';

const LOCALE = 'en-US';

export interface MoneyFormat {
  readonly currency: string;
  /** `$1,234.56` */
  money(minor: number): string;
  /** `1,234.56`: table cells, whose column header names the currency. */
  amount(minor: number): string;
  /** `$1.3M`: chart axes. */
  compact(minor: number): string;
}

const formats = new Map<string, MoneyFormat>();

export function moneyFormat(currency: string): MoneyFormat {
  let format = formats.get(currency);
  if (format) return format;
  const withSymbol = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
  const digits = currencyDecimals(currency);
  const plain = new Intl.NumberFormat(LOCALE, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  const compact = new Intl.NumberFormat(LOCALE, {
    style: 'currency',
    currency,
    notation: 'compact',
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  });
  const decimal = (minor: number) => minorToDecimal(minor, digits) as unknown as number;
  format = {
    currency,
    money: (minor) => withSymbol.format(decimal(minor)),
    amount: (minor) => plain.format(decimal(minor)),
    compact: (minor) => compact.format(minor / 10 ** digits),
  };
  formats.set(currency, format);
  return format;
}

export { minorToDecimal };

const longDate = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'long', timeZone: 'UTC' });
const mediumDate = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' });

const instantOf = (isoDate: string) => new Date(`${isoDate}T00:00:00Z`);

/** `November 22, 2026` */
export const formatLongDate = (isoDate: string): string => longDate.format(instantOf(isoDate));
/** `Nov 22, 2026` */
export const formatDate = (isoDate: string): string => mediumDate.format(instantOf(isoDate));
/** A timestamp's UTC calendar date, `Nov 22, 2026`. */
export const formatInstantDate = (instant: Date): string => mediumDate.format(instant);

export const plural = (count: number, one: string, many = `${one}s`): string =>
  `${new Intl.NumberFormat(LOCALE).format(count)} ${count === 1 ? one : many}`;
