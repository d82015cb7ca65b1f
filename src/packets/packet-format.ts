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
/** Dates already written, since a packet prints the same few hundred dates over and over (3 µs each). */
const mediumDates = new Map<string, string>();

/** `Nov 22, 2026` */
export function formatDate(isoDate: string): string {
  let text = mediumDates.get(isoDate);
  if (text === undefined) {
    if (mediumDates.size >= 10_000) mediumDates.clear();
    text = mediumDate.format(instantOf(isoDate));
    mediumDates.set(isoDate, text);
  }
  return text;
}
/** A timestamp's UTC calendar date, `Nov 22, 2026`. */
export const formatInstantDate = (instant: Date): string => mediumDate.format(instant);

const counts = new Intl.NumberFormat(LOCALE);

export const plural = (count: number, one: string, many = `${one}s`): string =>
  `${counts.format(count)} ${count === 1 ? one : many}`;

/**
 * A chart's money labels, all in one unit and at one precision, so that "$46K" never stands next to "$45.1K":
 * the unit (none, K, M, B) follows the largest amount; `label` prints one decimal in K, M and B, `axis` the
 * fewest decimals that tell the axis steps apart.
 */
export interface ChartMoney {
  label(minor: number): string;
  axis(minor: number, step: number): string;
}

const UNITS = [
  { divisor: 1e9, suffix: 'B' },
  { divisor: 1e6, suffix: 'M' },
  { divisor: 1e3, suffix: 'K' },
] as const;

export function chartMoney(currency: string, largestMinor: number): ChartMoney {
  const digits = new Intl.NumberFormat(LOCALE, { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits!;
  const largest = Math.abs(largestMinor) / 10 ** digits;
  const unit = UNITS.find((candidate) => largest >= candidate.divisor) ?? { divisor: 1, suffix: '' };
  // A formatter costs tens of microseconds to make and an axis asks for one per tick: one per precision.
  const formatters = new Map<number, Intl.NumberFormat>();
  const formatter = (fractionDigits: number) => {
    let made = formatters.get(fractionDigits);
    if (!made) {
      made = new Intl.NumberFormat(LOCALE, {
        style: 'currency',
        currency,
        minimumFractionDigits: fractionDigits,
        maximumFractionDigits: fractionDigits,
      });
      formatters.set(fractionDigits, made);
    }
    return made;
  };
  const labelDigits = unit.suffix === '' ? 0 : 1;
  const label = formatter(labelDigits);
  const inUnit = (minor: number) => minor / 10 ** digits / unit.divisor;
  return {
    label: (minor) => `${label.format(inUnit(minor))}${unit.suffix}`,
    axis: (minor, step) => {
      const stepInUnit = inUnit(step);
      const axisDigits = Number.isInteger(stepInUnit)
        ? 0
        : stepInUnit * 10 === Math.round(stepInUnit * 10)
          ? 1
          : 2;
      return `${formatter(axisDigits).format(inUnit(minor))}${unit.suffix}`;
    },
  };
}

/**
 * Text for inside a double-quoted CSS string (the page's margin boxes: running header and footer). Every character
 * other than an ASCII letter, digit or space becomes a hex escape (whose trailing space CSS consumes), so no value
 * can close the string, the rule or the style element, and HTML escaping leaves it unchanged.
 */
export function cssStringContent(text: string): string {
  let out = '';
  for (const character of text) {
    out += /^[A-Za-z0-9 ]$/.test(character)
      ? character
      : `\\${character.codePointAt(0)!.toString(16).padStart(6, '0')} `;
  }
  return out;
}
