import pg from 'pg';

/**
 * The one place where the two drivers are made to agree on how PostgreSQL values come back:
 * - DATE stays the `YYYY-MM-DD` text PostgreSQL sends (never a JS Date at midnight in some time zone);
 * - int8 becomes a JS number. Money and counts fit comfortably below 2^53; a value that does not is an error
 *   rather than a silently rounded number.
 * Everything else keeps each driver's default parsing (timestamptz → Date, bytea → bytes, jsonb → object).
 */
export const DATE_OID = 1082;
export const INT8_OID = 20;

export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`int8 value ${text} is outside the safe integer range`);
  }
  return value;
}

const keepText = (text: string): string => text;

/** Parsers for PGlite's `parsers` option. */
export const pgliteParsers: Record<number, (text: string) => unknown> = {
  [DATE_OID]: keepText,
  [INT8_OID]: parseInt8,
};

/** A type-parser set for node-postgres pools, scoped to our pools rather than patched globally. */
export const pgTypeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      if (oid === DATE_OID) return keepText;
      if (oid === INT8_OID) return parseInt8;
    }
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};
