/**
 * The fiscal calendar (SPEC §3). A fiscal year starting in month F is named by the calendar year in which it
 * ends (F = 7: FY2027 runs 2026-07-01 … 2027-06-30; F = 1: FY2027 is calendar 2027). Q1 is months F..F+2.
 */
import {
  type DateKey,
  type IsoDate,
  dateKeyOf,
  dateKeyOfMonth,
  isoDateOfKey,
  lastDayKeyOfMonth,
  monthIndexOfKey,
} from './dates.js';

export type Granularity = 'quarter' | 'year';

export const DEFAULT_PERIOD_COUNT: Readonly<Record<Granularity, number>> = { quarter: 12, year: 5 };
export const MAX_PERIOD_COUNT: Readonly<Record<Granularity, number>> = { quarter: 40, year: 10 };
const MONTHS_PER_PERIOD: Readonly<Record<Granularity, number>> = { quarter: 3, year: 12 };

export interface FiscalPeriod {
  /** `FY2027-Q1` or `FY2027`. */
  key: string;
  /** `FY2027 Q1` or `FY2027`. */
  label: string;
  start: IsoDate;
  /** Inclusive: the period's last day. */
  end: IsoDate;
}

/** A forecast's run of periods, with the integers the hot loop needs to place a date in O(1). */
export interface Horizon {
  readonly granularity: Granularity;
  readonly fiscalYearStartMonth: number;
  readonly monthsPerPeriod: number;
  /** Month index (year × 12 + month − 1) of the first period's first month. */
  readonly firstMonthIndex: number;
  readonly startKey: DateKey;
  /** The last period's last day, inclusive. */
  readonly endKey: DateKey;
  readonly periods: readonly FiscalPeriod[];
}

export interface HorizonRequest {
  asOf: IsoDate;
  granularity?: Granularity;
  /** Number of periods; defaults to 12 quarters or 5 years. */
  periods?: number;
  fiscalYearStartMonth?: number;
}

export function assertFiscalYearStartMonth(month: number): void {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`fiscalYearStartMonth must be an integer from 1 to 12, got ${month}`);
  }
}

/** Months since the start of the fiscal year that contains `monthIndex` (0–11). */
function monthOfFiscalYear(monthIndex: number, fiscalYearStartMonth: number): number {
  return (((monthIndex - (fiscalYearStartMonth - 1)) % 12) + 12) % 12;
}

function fiscalYearOfMonthIndex(monthIndex: number, fiscalYearStartMonth: number): number {
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  return fiscalYearStartMonth !== 1 && month >= fiscalYearStartMonth ? year + 1 : year;
}

export function fiscalYearOf(date: IsoDate, fiscalYearStartMonth: number): number {
  assertFiscalYearStartMonth(fiscalYearStartMonth);
  return fiscalYearOfMonthIndex(monthIndexOfKey(dateKeyOf(date)), fiscalYearStartMonth);
}

export function fiscalQuarterOf(date: IsoDate, fiscalYearStartMonth: number): 1 | 2 | 3 | 4 {
  assertFiscalYearStartMonth(fiscalYearStartMonth);
  const offset = monthOfFiscalYear(monthIndexOfKey(dateKeyOf(date)), fiscalYearStartMonth);
  return (Math.floor(offset / 3) + 1) as 1 | 2 | 3 | 4;
}

export function fiscalPeriodKey(fiscalYear: number, quarter?: number): string {
  return quarter === undefined ? `FY${fiscalYear}` : `FY${fiscalYear}-Q${quarter}`;
}

export function fiscalPeriodLabel(fiscalYear: number, quarter?: number): string {
  return quarter === undefined ? `FY${fiscalYear}` : `FY${fiscalYear} Q${quarter}`;
}

function periodStartingAt(
  firstMonthIndex: number,
  granularity: Granularity,
  fiscalYearStartMonth: number,
): FiscalPeriod {
  const fiscalYear = fiscalYearOfMonthIndex(firstMonthIndex, fiscalYearStartMonth);
  const quarter =
    granularity === 'quarter'
      ? Math.floor(monthOfFiscalYear(firstMonthIndex, fiscalYearStartMonth) / 3) + 1
      : undefined;
  return {
    key: fiscalPeriodKey(fiscalYear, quarter),
    label: fiscalPeriodLabel(fiscalYear, quarter),
    start: isoDateOfKey(dateKeyOfMonth(firstMonthIndex, 1)),
    end: isoDateOfKey(lastDayKeyOfMonth(firstMonthIndex + MONTHS_PER_PERIOD[granularity] - 1)),
  };
}

/** The horizon of SPEC §3: its first period contains `asOf`; it ends with the last period's last day. */
/**
 * Horizons already built, by request: a portfolio resolves the same horizon for every client, and a horizon is
 * never changed once built. Bounded, oldest first out.
 */
const horizons = new Map<string, Horizon>();
const HORIZON_MEMO_LIMIT = 256;

export function horizonOf(request: HorizonRequest): Horizon {
  const key = `${request.asOf}|${request.granularity}|${request.periods}|${request.fiscalYearStartMonth}`;
  let horizon = horizons.get(key);
  if (horizon === undefined) {
    horizon = buildHorizon(request);
    if (horizons.size >= HORIZON_MEMO_LIMIT) horizons.delete(horizons.keys().next().value!);
    horizons.set(key, horizon);
  }
  return horizon;
}

function buildHorizon(request: HorizonRequest): Horizon {
  const granularity = request.granularity ?? 'quarter';
  if (granularity !== 'quarter' && granularity !== 'year') {
    throw new RangeError(`granularity must be quarter or year, got ${String(granularity)}`);
  }
  const count = request.periods ?? DEFAULT_PERIOD_COUNT[granularity];
  const max = MAX_PERIOD_COUNT[granularity];
  if (!Number.isInteger(count) || count < 1 || count > max) {
    throw new RangeError(`periods must be an integer from 1 to ${max} for granularity ${granularity}`);
  }
  const fiscalYearStartMonth = request.fiscalYearStartMonth ?? 1;
  assertFiscalYearStartMonth(fiscalYearStartMonth);

  const monthsPerPeriod = MONTHS_PER_PERIOD[granularity];
  const asOfMonth = monthIndexOfKey(dateKeyOf(request.asOf));
  const offset = monthOfFiscalYear(asOfMonth, fiscalYearStartMonth);
  const firstMonthIndex = asOfMonth - (offset % monthsPerPeriod);
  const periods: FiscalPeriod[] = [];
  for (let i = 0; i < count; i++) {
    periods.push(periodStartingAt(firstMonthIndex + i * monthsPerPeriod, granularity, fiscalYearStartMonth));
  }
  return {
    granularity,
    fiscalYearStartMonth,
    monthsPerPeriod,
    firstMonthIndex,
    startKey: dateKeyOfMonth(firstMonthIndex, 1),
    endKey: lastDayKeyOfMonth(firstMonthIndex + count * monthsPerPeriod - 1),
    periods,
  };
}

/** A period is partial when asOf is after its start: only the rest of it is forecast (only the first can be). */
export function isPartialPeriod(asOf: IsoDate, period: { start: IsoDate }): boolean {
  return asOf > period.start;
}

/** The periods of a horizon; see {@link horizonOf}. */
export function fiscalPeriods(request: HorizonRequest): FiscalPeriod[] {
  return [...horizonOf(request).periods];
}

/** Index of the period that holds `key`, or -1 when the date is outside the horizon. */
export function periodIndexOfKey(horizon: Horizon, key: DateKey): number {
  if (key < horizon.startKey || key > horizon.endKey) return -1;
  return Math.floor((monthIndexOfKey(key) - horizon.firstMonthIndex) / horizon.monthsPerPeriod);
}
