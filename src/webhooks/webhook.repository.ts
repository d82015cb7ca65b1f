import { sql, type Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { WebhookAttemptOutcome, WebhookSubscriptionTable } from '../db/schema.js';

export interface WebhookSubscription {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

const columns = ['id', 'url', 'events', 'description', 'active', 'created_at', 'updated_at'] as const;

function toSubscription(row: Pick<Selectable<WebhookSubscriptionTable>, (typeof columns)[number]>) {
  return {
    id: row.id,
    url: row.url,
    events: [...row.events],
    description: row.description,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  } satisfies WebhookSubscription;
}

export async function insertSubscription(
  db: Executor,
  mspId: string,
  values: { id: string; url: string; events: string[]; description: string | null; secretSealed: string },
): Promise<WebhookSubscription> {
  const row = await db
    .insertInto('webhook_subscriptions')
    .values({
      id: values.id,
      msp_id: mspId,
      url: values.url,
      events: values.events,
      description: values.description,
      secret_sealed: values.secretSealed,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toSubscription(row);
}

export async function listSubscriptions(
  db: Executor,
  mspId: string,
  page: { limit: number; afterId?: string | undefined },
): Promise<WebhookSubscription[]> {
  let query = db.selectFrom('webhook_subscriptions').select(columns).where('msp_id', '=', mspId);
  if (page.afterId) query = query.where('id', '>', page.afterId);
  const rows = await query.orderBy('id').limit(page.limit).execute();
  return rows.map(toSubscription);
}

export async function findSubscription(
  db: Executor,
  mspId: string,
  id: string,
): Promise<WebhookSubscription | undefined> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toSubscription(row);
}

export async function updateSubscription(
  db: Executor,
  mspId: string,
  id: string,
  changes: { url?: string; events?: string[]; description?: string | null; active?: boolean },
): Promise<WebhookSubscription | undefined> {
  const row = await db
    .updateTable('webhook_subscriptions')
    .set({ ...changes, updated_at: sql<Date>`now()` })
    .where('msp_id', '=', mspId)
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst();
  return row && toSubscription(row);
}

export async function deleteSubscription(db: Executor, mspId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhook_subscriptions')
    .where('msp_id', '=', mspId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Whether any active subscription of the MSP wants events of this type (otherwise none is recorded). */
export async function hasSubscriberFor(db: Executor, mspId: string, type: string): Promise<boolean> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .select('id')
    .where('msp_id', '=', mspId)
    .where('active', '=', true)
    .where(sql<boolean>`${type} = any(events)`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface WebhookEventRecord {
  id: string;
  mspId: string;
  type: string;
  body: string;
  /** Set for a test event: the one subscription it goes to. */
  subscriptionId: string | null;
}

export async function insertEvent(
  db: Executor,
  values: { mspId: string; type: string; body: string; subscriptionId: string | null; createdAt: Date },
): Promise<string> {
  const row = await db
    .insertInto('webhook_events')
    .values({
      msp_id: values.mspId,
      type: values.type,
      body: values.body,
      subscription_id: values.subscriptionId,
      created_at: values.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Events not yet dispatched, locked for this transaction and skipped by any other process dispatching at the same
 * time: one event by id (right after its commit), or the oldest recorded before `recordedBefore` (the sweep).
 * Across every MSP: dispatching is the queue's work, not a tenant's request.
 */
export async function claimWaitingEvents(
  db: Executor,
  which: { eventId: string } | { recordedBefore: Date; limit: number },
): Promise<WebhookEventRecord[]> {
  let query = db
    .selectFrom('webhook_events')
    .select(['id', 'msp_id', 'type', 'body', 'subscription_id'])
    .where('dispatched_at', 'is', null);
  query =
    'eventId' in which
      ? query.where('id', '=', which.eventId)
      : query.where('created_at', '<', which.recordedBefore).orderBy('created_at').limit(which.limit);
  const rows = await query.forUpdate().skipLocked().execute();
  return rows.map((row) => ({
    id: row.id,
    mspId: row.msp_id,
    type: row.type,
    body: row.body,
    subscriptionId: row.subscription_id,
  }));
}

/** The subscriptions an event goes to: the named one for a test event, else every active one that wants its type. */
export async function listEventTargets(db: Executor, event: WebhookEventRecord): Promise<string[]> {
  let query = db.selectFrom('webhook_subscriptions').select('id').where('msp_id', '=', event.mspId);
  query = event.subscriptionId
    ? query.where('id', '=', event.subscriptionId)
    : query.where('active', '=', true).where(sql<boolean>`${event.type} = any(events)`);
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => row.id);
}

export async function markEventsDispatched(db: Executor, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await db
    .updateTable('webhook_events')
    .set({ dispatched_at: sql<Date>`now()` })
    .where('id', '=', sql<string>`any(${sql.val(eventIds)}::uuid[])`)
    .execute();
}

/**
 * Forgets events recorded before `before`, with their delivery attempts (the log keeps a retention period). Across
 * every MSP: it is the worker's housekeeping.
 */
export async function deleteEventsRecordedBefore(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('webhook_events').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** What one delivery needs: the event's body and the subscription's target and sealed secret. */
export interface DeliveryTarget {
  eventType: string;
  body: string;
  /** A test event, sent whether or not the subscription is active. */
  test: boolean;
  url: string;
  active: boolean;
  secretSealed: string;
}

export async function findDeliveryTarget(
  db: Executor,
  mspId: string,
  subscriptionId: string,
  eventId: string,
): Promise<DeliveryTarget | undefined> {
  const row = await db
    .selectFrom('webhook_events as e')
    .innerJoin('webhook_subscriptions as s', (join) =>
      join.onRef('s.msp_id', '=', 'e.msp_id').on('s.id', '=', subscriptionId),
    )
    .select(['e.type', 'e.body', 'e.subscription_id', 's.url', 's.active', 's.secret_sealed'])
    .where('e.msp_id', '=', mspId)
    .where('e.id', '=', eventId)
    .executeTakeFirst();
  return (
    row && {
      eventType: row.type,
      body: row.body,
      test: row.subscription_id !== null,
      url: row.url,
      active: row.active,
      secretSealed: row.secret_sealed,
    }
  );
}

export interface DeliveryAttempt {
  id: string;
  eventId: string;
  event: string;
  attempt: number;
  outcome: WebhookAttemptOutcome;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: string;
}

export async function insertAttempt(
  db: Executor,
  mspId: string,
  values: Omit<DeliveryAttempt, 'id' | 'attemptedAt'> & { subscriptionId: string },
): Promise<void> {
  await db
    .insertInto('webhook_delivery_attempts')
    .values({
      msp_id: mspId,
      subscription_id: values.subscriptionId,
      event_id: values.eventId,
      event_type: values.event,
      attempt: values.attempt,
      outcome: values.outcome,
      status_code: values.statusCode,
      error: values.error,
      duration_ms: values.durationMs,
    })
    .execute();
}

/** attempted_at to the microsecond as text, for a cursor that round-trips PostgreSQL's precision. */
const attemptedKey = sql<string>`to_char(attempted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A subscription's delivery log, the newest attempt first. */
export async function listAttempts(
  db: Executor,
  mspId: string,
  subscriptionId: string,
  page: { limit: number; after?: [string, string] | undefined },
): Promise<(DeliveryAttempt & { cursorKey: string })[]> {
  let query = db
    .selectFrom('webhook_delivery_attempts')
    .select([
      'id',
      'event_id',
      'event_type',
      'attempt',
      'outcome',
      'status_code',
      'error',
      'duration_ms',
      'attempted_at',
      attemptedKey.as('attempted_key'),
    ])
    .where('msp_id', '=', mspId)
    .where('subscription_id', '=', subscriptionId);
  if (page.after) {
    const [key, id] = page.after;
    const at = sql<Date>`cast(${key} as timestamptz)`;
    query = query.where((eb) =>
      eb.or([eb('attempted_at', '<', at), eb.and([eb('attempted_at', '=', at), eb('id', '<', id)])]),
    );
  }
  const rows = await query.orderBy('attempted_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
  return rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    event: row.event_type,
    attempt: row.attempt,
    outcome: row.outcome,
    statusCode: row.status_code,
    error: row.error,
    durationMs: row.duration_ms,
    attemptedAt: row.attempted_at.toISOString(),
    cursorKey: row.attempted_key,
  }));
}
