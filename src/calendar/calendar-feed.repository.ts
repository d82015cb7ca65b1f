import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { CalendarFeedTokenTable } from '../db/schema.js';

/** A calendar feed token as it is listed: never its secret. */
export interface CalendarFeed {
  id: string;
  clientId: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const columns = ['id', 'client_id', 'name', 'token_prefix', 'created_at', 'last_used_at'] as const;

function toCalendarFeed(
  row: Pick<Selectable<CalendarFeedTokenTable>, (typeof columns)[number]>,
): CalendarFeed {
  return {
    id: row.id,
    clientId: row.client_id,
    name: row.name,
    prefix: row.token_prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

export async function insertCalendarFeed(
  db: Executor,
  mspId: string,
  values: { clientId: string; name: string; prefix: string; hash: Buffer },
): Promise<CalendarFeed> {
  const row = await db
    .insertInto('calendar_feed_tokens')
    .values({
      msp_id: mspId,
      client_id: values.clientId,
      name: values.name,
      token_prefix: values.prefix,
      token_hash: values.hash,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toCalendarFeed(row);
}

export async function listCalendarFeeds(
  db: Executor,
  mspId: string,
  clientId: string,
): Promise<CalendarFeed[]> {
  const rows = await db
    .selectFrom('calendar_feed_tokens')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toCalendarFeed);
}

/** Deletes the feed's token, which stops working at once; false when the client has no such feed. */
export async function deleteCalendarFeed(
  db: Executor,
  mspId: string,
  clientId: string,
  feedId: string,
): Promise<boolean> {
  const deleted = await db
    .deleteFrom('calendar_feed_tokens')
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', feedId)
    .returning('id')
    .executeTakeFirst();
  return deleted !== undefined;
}

/** What checking a presented feed token needs, by the clear-text prefix of the token. */
export interface CalendarFeedCredential {
  id: string;
  mspId: string;
  clientId: string;
  hash: Buffer;
}

/**
 * The tokens that share a prefix, across every MSP: like API keys, the token is what tells which MSP the caller
 * belongs to, so this lookup cannot filter by msp_id.
 */
export async function findCalendarFeedCredentials(
  db: Executor,
  prefix: string,
): Promise<CalendarFeedCredential[]> {
  const rows = await db
    .selectFrom('calendar_feed_tokens')
    .select(['id', 'msp_id', 'client_id', 'token_hash'])
    .where('token_prefix', '=', prefix)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    mspId: row.msp_id,
    clientId: row.client_id,
    hash: row.token_hash,
  }));
}

/** Notes when a verified feed token was used; the id came from its own verified row. */
export async function recordCalendarFeedUse(db: Executor, feedId: string, at: Date): Promise<void> {
  await db.updateTable('calendar_feed_tokens').set({ last_used_at: at }).where('id', '=', feedId).execute();
}
