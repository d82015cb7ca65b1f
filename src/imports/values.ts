/**
 * Reading one cell of an import into one of our values. No I/O; every function answers `{ value }` or
 * `{ error }` with a message that completes the sentence "<column> "<value>" …".
 *
 * Dates (SPEC §2: `YYYY-MM-DD` strings, never a JS Date):
 * - `YYYY-MM-DD` (also with `/` or `.`), with or without a time after it (`2023-01-05 00:00:00`, `…T…Z`);
 * - numeric dates with the year last, read as month/day/year (US exports, Snipe-IT, Excel in the US) unless the
 *   caller asks for day/month/year: `1/23/23`, `01/23/2023`, `1-23-2023`, `23.1.2023` (with `dmy`);
 * - month names: `5-Jan-23`, `5 January 2023`, `Jan 5, 2023`;
 * - two-digit years pivot at 70: 00–69 are 2000–2069, 70–99 are 1970–1999;
 * - the date must exist (2/30/23 is an error, not March 2) and lie in 1900–2199, as the API requires;
 * - `0000-00-00` (MySQL's "no date", which older Snipe-IT exports carry) counts as blank.
 *
 * Money becomes an integer of minor units by string arithmetic, never through a float:
 * - `$1,234.56`, `1234.5`, `USD 1,234`, `1 234,56 €`, `1.234,56`, `1'234.50`;
 * - with both `.` and `,`, the last one is the decimal separator; with only commas, a single comma followed by
 *   exactly three digits groups thousands (`1,234` = 1234, as US exports mean it), otherwise it is the decimal
 *   separator (`12,5`); with only dots, one dot is the decimal separator and several group thousands;
 * - more decimals than the currency has are rounded half up (`12.345` USD → 1235 cents);
 * - a currency symbol or code must be the client's (`€` in a USD client's file is an error, not a conversion);
 * - negative amounts, `(12.00)` included, are errors.
 */
import { currencyDecimals } from '../domain/money.js';
import { addMonths, daysInMonth, isIsoDate } from '../domain/dates.js';
import type { AssetCategory, AssetStatus } from '../domain/forecast.types.js';
import { ASSET_CATEGORIES } from '../domain/forecast.types.js';

export type Parsed<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

export type DateOrder = 'mdy' | 'dmy';

const MONTH_NAMES =
  'January February March April May June July August September October November December'.split(' ');

/** Month names and their three-letter abbreviations (and "Sept"), lower case → 1–12. */
const MONTHS = new Map<string, number>([
  ...MONTH_NAMES.flatMap((name, index): [string, number][] => [
    [name.toLowerCase(), index + 1],
    [name.slice(0, 3).toLowerCase(), index + 1],
  ]),
  ['sept', 9],
]);

/** A time of day after a date, which spreadsheets and databases like to add: ` 0:00`, ` 12:30:00 PM`, `T00:00:00Z`. */
const TIME_SUFFIX =
  /^(.+?)(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?\s*(?:Z|[+-]\d{2}:?\d{2})?)$/;

/** Two-digit years: 00–69 → 2000–2069, 70–99 → 1970–1999. */
export function expandTwoDigitYear(year: number): number {
  return year < 70 ? 2000 + year : 1900 + year;
}

function yearOf(text: string): number {
  const year = Number(text);
  return text.length <= 2 ? expandTwoDigitYear(year) : year;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function calendarDate(year: number, month: number, day: number, example: string): Parsed<string> {
  if (month < 1 || month > 12) return { error: `is not a date: there is no month ${month} (${example})` };
  if (day < 1 || day > daysInMonth(year, month)) {
    return {
      error: `is not a real calendar date: ${MONTH_NAMES[month - 1]} ${year} has ${daysInMonth(year, month)} days`,
    };
  }
  if (year < 1900 || year > 2199) return { error: 'must be a date from 1900 to 2199' };
  const iso = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  return isIsoDate(iso) ? { value: iso } : { error: `is not a date (${example})` };
}

/** Reads a non-blank date cell; see the module comment for the accepted forms. */
export function parseImportDate(raw: string, order: DateOrder = 'mdy'): Parsed<string> {
  const example = order === 'mdy' ? 'use YYYY-MM-DD or M/D/YYYY' : 'use YYYY-MM-DD or D/M/YYYY';
  let text = raw.trim();
  const withTime = TIME_SUFFIX.exec(text);
  if (withTime) text = withTime[1]!.trim();

  let match = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/.exec(text);
  if (match) return calendarDate(Number(match[1]), Number(match[3]), Number(match[4]), example);

  match = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})$/.exec(text);
  if (match) {
    const first = Number(match[1]);
    const second = Number(match[3]);
    const year = yearOf(match[4]!);
    return order === 'mdy'
      ? calendarDate(year, first, second, example)
      : calendarDate(year, second, first, example);
  }

  match = /^(\d{1,2})[- ]([A-Za-z]{3,9})\.?[- ,]\s*(\d{4}|\d{2})$/.exec(text);
  const monthSecond = match && MONTHS.get(match[2]!.toLowerCase());
  if (match && monthSecond) return calendarDate(yearOf(match[3]!), monthSecond, Number(match[1]), example);
  match = /^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$/.exec(text);
  const monthFirst = match && MONTHS.get(match[1]!.toLowerCase());
  if (match && monthFirst) return calendarDate(Number(match[3]), monthFirst, Number(match[2]), example);
  return { error: `is not a date; ${example}` };
}

/** MySQL's zero date, which some exports write for "no date". */
export function isZeroDate(raw: string): boolean {
  return /^0000-00-00(?:[ T]00:00:00)?$/.test(raw.trim());
}

/** The warranty's last day: the purchase date plus the warranty's months, clamped to the month end. */
export function warrantyEndOn(purchasedOn: string, months: number): string {
  return addMonths(purchasedOn, months);
}

/** Symbols that name a currency; an amount that carries one must be in the client's currency. */
const KNOWN_SYMBOLS = ['$', '€', '£', '¥', '₹', '₩', '₽', '₺', '₪', '₫', '₱', 'R$', 'kr', 'zł', 'Fr', 'CHF'];

const symbolCache = new Map<string, Set<string>>();

/** What may stand next to an amount in `currency`: its ISO code and its symbols (`$`, `US$` for USD). */
function acceptedMarks(currency: string): Set<string> {
  let marks = symbolCache.get(currency);
  if (!marks) {
    marks = new Set([currency.toLowerCase()]);
    for (const currencyDisplay of ['symbol', 'narrowSymbol'] as const) {
      try {
        const part = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay })
          .formatToParts(1)
          .find((candidate) => candidate.type === 'currency');
        if (part) marks.add(part.value.toLowerCase());
      } catch {
        // An unknown code keeps just itself.
      }
    }
    symbolCache.set(currency, marks);
  }
  return marks;
}

const MONEY_EXAMPLE = 'is not an amount of money (e.g. 1234.56 or $1,234.56)';
const MAX_MINOR_UNITS = 100_000_000_000_000n;

/**
 * Reads a non-blank money cell into minor units of `currency`; see the module comment for the rules. A form where a
 * person types the amount passes `extraDecimals: 'reject'`: 12.345 dollars is then a typing error, not 1235 cents.
 */
export function parseMoney(
  raw: string,
  currency: string,
  options: { extraDecimals?: 'round' | 'reject' } = {},
): Parsed<number> {
  let text = raw.trim().replace(/[\u00a0\u202f]/g, ' ');
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  // Split off what is not part of the number: a sign, a symbol or code before or after it.
  const match = /^([-+]?)\s*([^\d\s.,'-]*)\s*([-+]?)\s*([\d.,' ]*\d[\d.,' ]*?)\s*([^\d\s.,']*)$/.exec(text);
  if (!match) return { error: MONEY_EXAMPLE };
  const [, signBefore, markBefore, signAfter, number, markAfter] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (signBefore === '-' || signAfter === '-') negative = true;
  if (markBefore && markAfter) return { error: MONEY_EXAMPLE };
  const mark = (markBefore || markAfter).trim();
  if (mark) {
    const accepted = acceptedMarks(currency);
    const lower = mark.toLowerCase();
    // Dollars with a country prefix: US$, CA$, A$, NZ$.
    const dollar = /^([A-Za-z]{1,2})\$$/.exec(mark);
    const prefixedDollar =
      dollar !== null && accepted.has('$') && currency.startsWith(dollar[1]!.toUpperCase());
    if (!accepted.has(lower) && !prefixedDollar) {
      const known =
        dollar !== null ||
        KNOWN_SYMBOLS.some((symbol) => symbol.toLowerCase() === lower) ||
        /^[A-Za-z]{3}$/.test(mark);
      return {
        error: known
          ? `is in another currency (${mark}); this client's amounts are in ${currency}`
          : MONEY_EXAMPLE,
      };
    }
  }
  if (negative) return { error: 'must not be negative' };

  const digits = splitAmount(number);
  if (!digits) return { error: MONEY_EXAMPLE };
  const scale = currencyDecimals(currency);
  let fraction = digits.fraction;
  let roundUp = false;
  // Trailing zeros past the currency's decimals (12.500) say nothing more and are accepted.
  if (options.extraDecimals === 'reject' && /[1-9]/.test(fraction.slice(scale))) {
    return {
      error:
        scale === 0
          ? `must be a whole amount: ${currency} has no decimals`
          : `has more decimals than ${currency} has (${scale})`,
    };
  }
  if (fraction.length > scale) {
    roundUp = fraction.charCodeAt(scale) >= 0x35; // '5'
    fraction = fraction.slice(0, scale);
  }
  let minor = BigInt(digits.whole + fraction.padEnd(scale, '0'));
  if (roundUp) minor += 1n;
  if (minor > MAX_MINOR_UNITS) return { error: 'is too large' };
  return { value: Number(minor) };
}

/** The whole and fraction digits of `1,234.56`-like text, or undefined when the grouping makes no sense. */
function splitAmount(number: string): { whole: string; fraction: string } | undefined {
  const lastDot = number.lastIndexOf('.');
  const lastComma = number.lastIndexOf(',');
  let decimalAt = -1;
  if (lastDot >= 0 && lastComma >= 0) decimalAt = Math.max(lastDot, lastComma);
  else if (lastComma >= 0) {
    const single = number.indexOf(',') === lastComma;
    decimalAt = single && !/^,\d{3}$/.test(number.slice(lastComma)) ? lastComma : -1;
  } else if (lastDot >= 0) {
    decimalAt = number.indexOf('.') === lastDot ? lastDot : -1;
  }
  const wholeText = decimalAt < 0 ? number : number.slice(0, decimalAt);
  const fraction = decimalAt < 0 ? '' : number.slice(decimalAt + 1);
  if (!/^\d*$/.test(fraction)) return undefined;
  const groups = wholeText.split(/[.,' ]/);
  // With separators every group after the first has exactly three digits: 1,234,567 but not 1,23,4.
  if (
    groups.length > 1 &&
    (!/^\d{1,3}$/.test(groups[0]!) || groups.slice(1).some((group) => !/^\d{3}$/.test(group)))
  ) {
    return undefined;
  }
  const whole = groups.join('');
  if (!/^\d*$/.test(whole) || whole.length + fraction.length === 0) return undefined;
  return { whole: whole === '' ? '0' : whole, fraction };
}

/** Reads a whole number such as a count of months (`36`, `36 months`); `unit` names what it counts. */
export function parseWholeNumber(raw: string, min: number, max: number, unit: string): Parsed<number> {
  const match = /^(\d+)(?:\.0+)?\s*(?:mo|mos|month|months)?$/i.exec(raw.trim());
  if (!match) return { error: `is not a whole number of ${unit}` };
  const value = Number(match[1]);
  if (value < min || value > max) return { error: `must be from ${min} to ${max} ${unit}` };
  return { value };
}

/** Lower case, words separated by single spaces: `Wireless Access-Points` → `wireless access points`. */
function words(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * Free-text categories, tried in order; the first whose pattern occurs as whole words wins. The order settles
 * the overlaps: "Battery Backup" is a UPS before it is a backup, "Network Printer" a printer before network
 * gear, "Mobile Phone" a mobile before a phone system, "Virtual Host Server" a virtual host before a server.
 */
const CATEGORY_RULES: readonly [AssetCategory, RegExp][] = [
  ['ups', /\b(ups|upses|battery backups?|uninterruptible( power)?( supply| supplies)?)\b/],
  [
    'virtual_host',
    /\b(hypervisors?|virtual hosts?|vm hosts?|virtuali[sz]ation( hosts?)?|esxi( hosts?)?|hyper v( hosts?)?|vsphere|proxmox|nutanix)\b/,
  ],
  ['backup_appliance', /\b(backups?( appliances?| devices?| servers?)?|bdrs?|datto|backup nas)\b/],
  [
    'mobile',
    /\b(mobiles?( phones?| devices?)?|cell( phones?)?|cellphones?|cellular|smart ?phones?|iphones?|android|tablets?|ipads?|handhelds?)\b/,
  ],
  [
    'phone_system',
    /\b(phones?( systems?)?|telephones?|telephony|voip|pbx|pabx|handsets?|desk phones?|sip phones?|conference phones?)\b/,
  ],
  [
    'printer',
    /\b(printers?|mfps?|mfcs?|copiers?|plotters?|multi ?function( devices?| printers?)?|photocopiers?)\b/,
  ],
  [
    'storage',
    /\b(nas|sans|san|storage( arrays?| appliances?| devices?)?|disk arrays?|das|synology|qnap|netapp)\b/,
  ],
  [
    'firewall',
    /\b(firewalls?|utms?|security appliances?|sonicwall|fortigate|fortinet|meraki mx|routers?|gateways?)\b/,
  ],
  ['wireless_ap', /\b(access points?|waps?|aps|ap|wireless( access)?( points?)?|wi ?fi|wlan)\b/],
  ['network_switch', /\b(switch|switches|network( gear| equipment| devices?)?|networking)\b/],
  ['server', /\b(servers?|rack servers?|blades?)\b/],
  ['laptop', /\b(laptops?|notebooks?|ultrabooks?|macbooks?( pro| air)?|chromebooks?)\b/],
  [
    'desktop',
    /\b(desktops?|workstations?|pcs?|computers?|towers?|all in ones?|aio|imacs?|mac minis?|mac pro|thin clients?|mini pcs?)\b/,
  ],
  [
    'peripheral',
    /\b(monitors?|displays?|screens?|keyboards?|mouse|mice|docks?|docking stations?|webcams?|cameras?|headsets?|speakers?|projectors?|scanners?|peripherals?|accessories|accessory|tvs?|televisions?)\b/,
  ],
  ['software', /\b(software|licen[cs]es?|subscriptions?|saas|applications?|apps?)\b/],
  ['other', /\b(other|misc|miscellaneous)\b/],
];

/** Our own category names, as `words` leaves them: `virtual_host` → `virtual host`. */
const CATEGORY_NAMES = new Map<string, AssetCategory>(
  ASSET_CATEGORIES.map((category) => [category.replace('_', ' '), category]),
);

/** One of our 16 categories for free text; `known` is false when nothing matched and `other` is a guess. */
export function mapCategory(raw: string): { category: AssetCategory; known: boolean } {
  const text = words(raw);
  const exact = CATEGORY_NAMES.get(text);
  if (exact) return { category: exact, known: true };
  for (const [category, pattern] of CATEGORY_RULES) {
    if (pattern.test(text)) return { category, known: true };
  }
  return { category: 'other', known: false };
}

/**
 * Status labels, ours and Snipe-IT's. Snipe-IT keeps the label of a checked-out asset ("Ready to Deploy") and
 * shows "Deployed" only on screen, so a deployable label with someone assigned is `active`, without anyone
 * `in_storage`.
 */
const STATUS_RULES: readonly [AssetStatus | 'deployable', RegExp][] = [
  ['deployable', /^(ready to deploy|deployable|ready|available)$/],
  ['active', /^(active|deployed|in use|in service|assigned|checked out|production|live|operational)$/],
  [
    'in_storage',
    /^(in storage|storage|stored|in stock|stock|spare|spares|inventory|pending\b.*|out for repair|in repair|repair|under repair|rma)$/,
  ],
  [
    'retired',
    /^(retired|archived|broken|undeployable|out of service|decommissioned|damaged|defective|end of life|eol|inactive)$/,
  ],
  [
    'disposed',
    /^(disposed|lost|stolen|lost stolen|lost or stolen|missing|sold|recycled|destroyed|donated|scrapped|e waste|ewaste)$/,
  ],
];

/** Our status for a label; `known` is false when the label was not recognised and `active` is a guess. */
export function mapStatus(raw: string, hasAssignee: boolean): { status: AssetStatus; known: boolean } {
  const text = words(raw);
  for (const [status, pattern] of STATUS_RULES) {
    if (pattern.test(text)) {
      if (status === 'deployable') return { status: hasAssignee ? 'active' : 'in_storage', known: true };
      return { status, known: true };
    }
  }
  return { status: 'active', known: false };
}

/** Excel turns long numeric serials into `6.37702E+15`; the digits are gone by the time we see the file. */
export function looksLikeScientificNotation(raw: string): boolean {
  return /^\d(?:\.\d+)?E\+\d+$/i.test(raw.trim());
}
