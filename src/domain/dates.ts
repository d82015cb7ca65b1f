/**
 * Calendar dates (SPEC §2): ISO `YYYY-MM-DD` strings at the edges, integer arithmetic inside. No JS `Date` is
 * involved, so no time zone can move a date by a day.
 *
 * Hot loops (a forecast streams up to a million assets) work on a packed integer, the `DateKey`:
 * `monthIndex × 32 + day`, where `monthIndex = year × 12 + (month − 1)`. It orders exactly like the date, so
 * comparing two dates is `<`, and adding months is an addition plus the month-end clamp.
 */

export type IsoDate = string;
export type DateKey = number;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const CHAR_0 = 48;
const CHAR_DASH = 45;

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

function daysInMonthIndex(monthIndex: number): number {
  return daysInMonth(Math.floor(monthIndex / 12), (monthIndex % 12) + 1);
}

function digit(value: string, at: number): number {
  const d = value.charCodeAt(at) - CHAR_0;
  return d >= 0 && d <= 9 ? d : -1;
}

/** The packed key of an ISO date, or -1 when `value` is not a real calendar date in `YYYY-MM-DD` form. */
function tryDateKey(value: string): DateKey {
  if (value.length !== 10 || value.charCodeAt(4) !== CHAR_DASH || value.charCodeAt(7) !== CHAR_DASH) {
    return -1;
  }
  const y0 = digit(value, 0);
  const y1 = digit(value, 1);
  const y2 = digit(value, 2);
  const y3 = digit(value, 3);
  const m0 = digit(value, 5);
  const m1 = digit(value, 6);
  const d0 = digit(value, 8);
  const d1 = digit(value, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return -1;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return -1;
  return (year * 12 + month - 1) * 32 + day;
}

/** True when `value` is `YYYY-MM-DD` and names a day that exists (no Feb 30, Feb 29 only in leap years). */
export function isIsoDate(value: unknown): value is IsoDate {
  return typeof value === 'string' && tryDateKey(value) >= 0;
}

export function dateKeyOf(value: IsoDate): DateKey {
  const key = tryDateKey(value);
  if (key < 0) throw new RangeError(`Not a calendar date in YYYY-MM-DD form: ${JSON.stringify(value)}`);
  return key;
}

export function isoDateOfKey(key: DateKey): IsoDate {
  const monthIndex = key >> 5;
  const year = Math.floor(monthIndex / 12);
  // Four-digit years only: anything else is not an ISO date the database or API would accept.
  if (year < 0 || year > 9999) {
    throw new RangeError(`Date outside years 0000–9999 (month index ${monthIndex})`);
  }
  const month = (monthIndex % 12) + 1;
  const day = key & 31;
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

export function monthIndexOfKey(key: DateKey): number {
  return key >> 5;
}

export function dateKeyOfMonth(monthIndex: number, day: number): DateKey {
  return monthIndex * 32 + day;
}

/** The last day of the month that `monthIndex` names. */
export function lastDayKeyOfMonth(monthIndex: number): DateKey {
  return monthIndex * 32 + daysInMonthIndex(monthIndex);
}

/** `key` plus `months` calendar months, clamped to the target month's last day (Jan 31 + 1 → Feb 28/29). */
export function addMonthsToKey(key: DateKey, months: number): DateKey {
  const monthIndex = (key >> 5) + months;
  const day = key & 31;
  if (day <= 28) return monthIndex * 32 + day;
  const last = daysInMonthIndex(monthIndex);
  return monthIndex * 32 + (day < last ? day : last);
}

/**
 * Whole calendar months from `from` to `to`: the greatest integer m such that addMonths(from, m) ≤ to.
 * addMonths is strictly increasing in m (each m lands in a different month), so m is well defined; it is
 * negative when `to` is before `from`. With the clamp, Jan 31 → Feb 28 counts as one whole month.
 */
export function wholeMonthsBetweenKeys(from: DateKey, to: DateKey): number {
  const months = (to >> 5) - (from >> 5);
  // addMonths(from, months) lands in to's month; it is ≤ to unless its (clamped) day is after to's day.
  const fromDay = from & 31;
  const toDay = to & 31;
  if (fromDay <= toDay) return months;
  const clamped = Math.min(fromDay, daysInMonthIndex(to >> 5));
  return clamped <= toDay ? months : months - 1;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function dateKeyOfEpochDay(epochDay: number): DateKey {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return (year * 12 + month - 1) * 32 + day;
}

export function addDaysToKey(key: DateKey, days: number): DateKey {
  const monthIndex = key >> 5;
  const epochDay = epochDayOf(Math.floor(monthIndex / 12), (monthIndex % 12) + 1, key & 31);
  return dateKeyOfEpochDay(epochDay + days);
}

export function addMonths(date: IsoDate, months: number): IsoDate {
  assertInteger(months, 'months');
  return isoDateOfKey(addMonthsToKey(dateKeyOf(date), months));
}

export function addDays(date: IsoDate, days: number): IsoDate {
  assertInteger(days, 'days');
  return isoDateOfKey(addDaysToKey(dateKeyOf(date), days));
}

/** See {@link wholeMonthsBetweenKeys}. */
export function wholeMonthsBetween(from: IsoDate, to: IsoDate): number {
  return wholeMonthsBetweenKeys(dateKeyOf(from), dateKeyOf(to));
}

/** Orders two valid ISO dates; fixed-width `YYYY-MM-DD` strings sort as their dates do. */
export function compareIsoDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The UTC calendar date of an instant (SPEC §3: `asOf` defaults to today in UTC). */
export function utcIsoDateOf(instant: Date): IsoDate {
  const year = instant.getUTCFullYear();
  const key = (year * 12 + instant.getUTCMonth()) * 32 + instant.getUTCDate();
  return isoDateOfKey(key);
}

function assertInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer, got ${value}`);
}
