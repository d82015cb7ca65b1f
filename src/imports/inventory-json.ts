/**
 * Reads the JSON inventories other tools produce (Microsoft Graph's managed devices, GLPI's native inventory) into
 * the same table the import planner reads from a CSV file. No I/O: bytes in, a table out.
 *
 * - One record per device, numbered from 1 in the order the file lists them; that number is the `row` of every
 *   error and warning about the device.
 * - One column per value the preset takes, named by the JSON path it comes from (`serialNumber`,
 *   `content.bios.ssn`), so an error names the field as the file spells it.
 * - Each cell already holds what a CSV cell would: a timestamp becomes its calendar date, an OS its catalogue
 *   name, a chassis its category. A value of the wrong JSON type, or a timestamp that is not one, is an error of
 *   its record, and the record is not planned (as a CSV row with an unreadable cell is not).
 * - Encoding: UTF-8 as JSON requires; a UTF-8 or UTF-16 byte order mark is honoured (Windows PowerShell's
 *   `Out-File` writes UTF-16 with one).
 */
import { TextDecoder } from 'node:util';
import { parseImportDate } from './values.js';

/** The file cannot be read as the preset's JSON at all (as opposed to a device whose values are wrong). */
export class JsonInventoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonInventoryError';
  }
}

export type JsonObject = Record<string, unknown>;

/** A column's value for one record: text, nothing (the field is blank), or why it cannot be read. */
export type JsonCell = { text: string } | { error: string; value: string | null } | undefined;

export interface JsonColumn<Field extends string = string> {
  /** The JSON path the value comes from, as the report and errors name the column. */
  header: string;
  field: Field;
  read: (record: JsonObject) => JsonCell;
}

/** A problem found while reading the records, numbered like the planner's. */
export interface JsonIssue {
  row: number | null;
  column: string | null;
  value: string | null;
  message: string;
}

export interface JsonRecords {
  records: unknown[];
  warnings: JsonIssue[];
}

export interface JsonSource<Field extends string = string> {
  /** Finds the device records in the parsed document; a message when the document is not this kind of file. */
  records: (document: unknown) => JsonRecords | { error: string };
  columns: readonly JsonColumn<Field>[];
}

/** The planner's input, as `csv.ts` reads a CSV file and this module a JSON one. */
export interface JsonTable {
  format: 'json';
  encoding: string;
  encodingFallback: false;
  delimiter: null;
  header: string[];
  headerRow: null;
  /** The records whose every value could be read. */
  records: { row: number; cells: string[] }[];
  /** How many records the file has, including those with errors. */
  recordCount: number;
  errors: JsonIssue[];
  warnings: JsonIssue[];
}

function decode(bytes: Uint8Array): { text: string; encoding: string } {
  const [first, second, third] = bytes;
  if (first === 0xef && second === 0xbb && third === 0xbf)
    return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  if (first === 0xff && second === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (first === 0xfe && second === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    throw new JsonInventoryError('The file is not UTF-8 text, so it is not JSON');
  }
}

/** Parses the file and reads every record through the source's columns. */
export function readJsonInventory(bytes: Uint8Array, source: JsonSource): JsonTable {
  const { text, encoding } = decode(bytes);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new JsonInventoryError(`The file is not valid JSON: ${(error as Error).message}`);
  }
  const found = source.records(document);
  if ('error' in found) throw new JsonInventoryError(found.error);

  const header = source.columns.map((column) => column.header);
  const records: JsonTable['records'] = [];
  const errors: JsonIssue[] = [];
  found.records.forEach((record, index) => {
    const row = index + 1;
    if (!isObject(record)) {
      errors.push({ row, column: null, value: null, message: `is ${describeType(record)}, not an object` });
      return;
    }
    const cells: string[] = [];
    let readable = true;
    for (const column of source.columns) {
      const cell = column.read(record);
      if (cell && 'error' in cell) {
        errors.push({ row, column: column.header, value: cell.value, message: cell.error });
        readable = false;
      }
      cells.push(cell && 'text' in cell ? cell.text : '');
    }
    if (readable) records.push({ row, cells });
  });
  return {
    format: 'json',
    encoding,
    encodingFallback: false,
    delimiter: null,
    header,
    headerRow: null,
    records,
    recordCount: found.records.length,
    errors,
    warnings: found.warnings,
  };
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** The value at a dotted path (`content.bios.ssn`; a number segment indexes a list: `users.0.login`). */
export function valueAt(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const segment of path.split('.')) {
    if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
    else if (isObject(value)) value = value[segment];
    else return undefined;
  }
  return value;
}

/** Text from a string or number; null, absent and blank are nothing; any other type is an error. */
export function textCell(value: unknown): JsonCell {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return { text: String(value) };
  if (typeof value !== 'string') {
    return {
      error: `is ${describeType(value)}, not text`,
      value: typeof value === 'object' ? null : String(value),
    };
  }
  const text = value.trim();
  return text === '' ? undefined : { text };
}

/** The first of several paths that gives text, or the first error. */
export function firstText(record: unknown, paths: readonly string[]): JsonCell {
  for (const path of paths) {
    const cell = textCell(valueAt(record, path));
    if (cell) return cell;
  }
  return undefined;
}

const ISO_TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * The calendar date of an ISO 8601 timestamp, as written: `2016-12-31T23:59:43.797191-08:00` is 2016-12-31, the
 * day it was where the timestamp was written, not 2017-01-01 (the same instant in UTC). A device enrolled on a
 * Friday evening in California was in service that Friday. Timestamps in UTC (`…Z`, what Graph sends) are their UTC
 * date. `0001-01-01T00:00:00Z` (.NET's DateTime.MinValue, Graph's "never") is no date.
 */
export function timestampDate(value: unknown): JsonCell {
  const cell = textCell(value);
  if (!cell || 'error' in cell) return cell;
  const match = ISO_TIMESTAMP.exec(cell.text);
  if (!match) {
    return {
      error: 'is not an ISO 8601 date or timestamp such as 2024-03-05 or 2024-03-05T14:30:00Z',
      value: cell.text,
    };
  }
  const [, date, hours, minutes, seconds] = match;
  if (date === '0001-01-01') return undefined;
  if (Number(hours ?? 0) > 23 || Number(minutes ?? 0) > 59 || Number(seconds ?? 0) > 60) {
    return { error: 'is not a real time of day', value: cell.text };
  }
  const parsed = parseImportDate(date!);
  return parsed.error === undefined ? { text: parsed.value } : { error: parsed.error, value: cell.text };
}
