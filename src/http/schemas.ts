import { z } from 'zod';
import { invalid } from './errors.js';

/** A real calendar date `YYYY-MM-DD` between 1900 and 2199 (zod's ISO date already rejects 2023-02-30). */
export const isoDate = z.iso
  .date({ error: 'must be a real calendar date as YYYY-MM-DD' })
  .refine(
    (value) => value >= '1900-01-01' && value <= '2199-12-31',
    'must be between 1900-01-01 and 2199-12-31',
  );

/** Money in minor units (cents): a non-negative whole number up to 10^14. */
export const money = z
  .int({ error: 'must be a whole number of minor units (cents)' })
  .min(0, 'must not be negative')
  .max(100_000_000_000_000, 'is too large')
  .meta({ format: 'money', description: 'Money in minor units (cents for USD): 5324000 is $53,240.00' });

export const uuid = z.uuid({ error: 'must be a UUID' });

export const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');

/** PostgreSQL text cannot hold NUL; refusing it here names the field instead of failing in the database. */
const noNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain NUL characters';

/** A search term (`?q=`): trimmed, not empty, no NUL, so a bad one is refused naming `query.q`. */
export const searchTerm = () => z.string().trim().min(1).max(200).refine(noNul, NUL_MESSAGE).optional();

/** Optional free text: trimmed, empty becomes null. */
export const text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine(noNul, NUL_MESSAGE)
    .transform((value) => {
      const trimmed = value.trim();
      return trimmed === '' ? null : trimmed;
    });

/** Required text: trimmed and not empty. */
export const requiredText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(noNul, NUL_MESSAGE);

const repeatableParams = new WeakSet<z.ZodType>();

/**
 * A query parameter that may be repeated: `?lifecycleMonths=desktop:60&lifecycleMonths=laptop:48` is read as
 * `desktop:60,laptop:48`. Any other parameter given twice is refused, naming it, rather than one of its values
 * being silently dropped.
 */
export function repeatableParam<T extends z.ZodType>(schema: T): T {
  repeatableParams.add(schema);
  return schema;
}

export const isRepeatableParam = (schema: z.ZodType | undefined): boolean =>
  schema !== undefined && repeatableParams.has(schema);

export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
};

export const listPage = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Cursors are opaque to clients: the last row's sort key, base64url-encoded JSON. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, length: number): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(key) &&
      key.length === length &&
      key.every((part) => typeof part === 'string' || typeof part === 'number')
    ) {
      return key as (string | number)[];
    }
  } catch {
    // fall through to the validation error
  }
  throw invalid('query.cursor', 'is not a cursor this API returned');
}

export const problemSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of problem'),
    title: z.string().describe('A short summary of the kind of problem'),
    status: z.int().min(400).max(599).describe('The HTTP status'),
    detail: z.string().describe('What went wrong with this request, for a person'),
    code: z.string().describe('A stable code for programs, e.g. validation_failed or not_found'),
    errors: z
      .array(
        z.object({
          path: z.string().describe('Where the value was: body.assets[3].name, query.periods'),
          message: z.string(),
        }),
      )
      .optional()
      .describe('Each offending field (validation_failed)'),
  })
  .meta({
    id: 'Problem',
    description: 'An error, as application/problem+json (RFC 9457)',
    examples: [
      {
        type: 'https://vcio-planner.dev/problems/validation-failed',
        title: 'Bad Request',
        status: 400,
        detail: 'The request is not valid',
        code: 'validation_failed',
        errors: [{ path: 'query.periods', message: 'Too big: expected number to be <=40' }],
      },
    ],
  });

const cursorPartTests = {
  text: (part: unknown) => typeof part === 'string' && !part.includes('\u0000'),
  uuid: (part: unknown) => typeof part === 'string' && uuid.safeParse(part).success,
  date: (part: unknown) => typeof part === 'string' && isoDate.safeParse(part).success,
} as const;

/**
 * A cursor whose parts are checked against the sort key they stand for, so that a tampered cursor is a 400 on
 * `query.cursor` rather than a value the database refuses.
 */
export function decodeTypedCursor<const Parts extends readonly (keyof typeof cursorPartTests)[]>(
  cursor: string | undefined,
  parts: Parts,
): { -readonly [K in keyof Parts]: string } | undefined {
  const key = decodeCursor(cursor, parts.length);
  if (key === undefined) return undefined;
  if (!parts.every((part, index) => cursorPartTests[part](key[index]))) {
    throw invalid('query.cursor', 'is not a cursor this API returned');
  }
  return key as { -readonly [K in keyof Parts]: string };
}

const MICROSECOND_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const HEX_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor of lists ordered newest first (packets, packet runs): [created_at to the microsecond, id]. */
export function decodeCreatedAtCursor(cursor: string | undefined): [string, string] | undefined {
  const key = decodeCursor(cursor, 2);
  if (key === undefined) return undefined;
  const [at, id] = key;
  if (
    typeof at === 'string' &&
    MICROSECOND_TIMESTAMP.test(at) &&
    typeof id === 'string' &&
    HEX_UUID.test(id)
  ) {
    return [at, id];
  }
  throw invalid('query.cursor', 'is not a cursor this API returned');
}

/** One page of a list and the cursor of the next, if there is one. */
export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

/**
 * Reads one page of at most `limit` rows: `load` is asked for one row more, which only proves that a next page
 * exists; the cursor is the last row's sort key (`keyOf`).
 */
export async function readPage<Row>(
  limit: number,
  load: (limit: number) => Promise<Row[]>,
  keyOf: (row: Row) => readonly (string | number)[],
): Promise<Page<Row>> {
  return pageOf(await load(limit + 1), limit, keyOf);
}

/** The first `limit` of `rows`, with a next cursor when `rows` has more (see readPage). */
export function pageOf<Row>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => readonly (string | number)[],
): Page<Row> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: more && last ? encodeCursor(keyOf(last)) : null };
}
