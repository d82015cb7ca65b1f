import type { Executor } from '../db/database.js';
import { databaseOf, withTransaction, type UnitOfWork } from '../db/unit-of-work.js';
import * as webhooks from './webhook.repository.js';
import { webhookQueueOf, type WebhookQueue } from './webhook-queue.js';

/** What happened, as a subscriber names it. */
export type WebhookEventType =
  'decision.recorded' | 'import.committed' | 'packet_run.finished' | 'packet.issued';

export const webhookEventTypes: readonly WebhookEventType[] = [
  'decision.recorded',
  'import.committed',
  'packet_run.finished',
  'packet.issued',
];

/** Sent by `POST /webhooks/{id}/test` to that one subscription, whatever it subscribes to. */
export const TEST_EVENT = 'webhook.test';

/** How long the sweep leaves an event to its own dispatch after commit before it takes it over. */
const SWEEP_GRACE_MS = 2000;
const SWEEP_BATCH = 100;
/** How long events and their delivery log are kept. */
export const WEBHOOK_LOG_RETENTION_DAYS = 30;

/**
 * Records that something happened, in the caller's transaction, for every subscription of the MSP that wants it;
 * delivery starts once the transaction commits (nothing is sent for work that rolls back). The body is the
 * envelope `{ type, timestamp, data }`; keep `data` small (ids, the decision, counts): subscribers fetch the rest.
 * With no subscriber for the type nothing is recorded.
 */
export async function publishEvent(
  trx: Executor,
  mspId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<void> {
  await withTransaction(trx, async (tx) => {
    if (!(await webhooks.hasSubscriberFor(tx, mspId, type))) return;
    await recordEvent(tx, mspId, type, data, null);
  });
}

/** Records a test event for one subscription (active or not) and dispatches it after commit. */
export async function publishTestEvent(
  db: Executor,
  mspId: string,
  subscriptionId: string,
  data: Record<string, unknown>,
): Promise<string> {
  return withTransaction(db, (tx) => recordEvent(tx, mspId, TEST_EVENT, data, subscriptionId));
}

async function recordEvent(
  tx: UnitOfWork,
  mspId: string,
  type: string,
  data: Record<string, unknown>,
  subscriptionId: string | null,
): Promise<string> {
  // Wall-clock time, not the injected clock: receivers judge a delivery's freshness against their own clocks.
  const at = new Date();
  const body = JSON.stringify({ type, timestamp: at.toISOString(), data });
  const eventId = await webhooks.insertEvent(tx, { mspId, type, body, subscriptionId, createdAt: at });
  const database = databaseOf(tx);
  tx.afterCommit(() => {
    const queue = webhookQueueOf(database);
    // Not awaited: the caller's answer does not wait for the queue. Whatever fails here, the sweep picks up.
    if (queue) void dispatchEvents(database, queue, { eventId }).catch(() => undefined);
  });
  return eventId;
}

/**
 * Turns waiting events into delivery jobs, one per subscription, and marks them dispatched, in one transaction:
 * one event right after its commit, or (the sweep) those that waited longer than the grace period.
 */
export async function dispatchEvents(
  db: Executor,
  queue: WebhookQueue,
  which: { eventId: string } | 'sweep',
): Promise<number> {
  return withTransaction(db, async (tx) => {
    const events = await webhooks.claimWaitingEvents(
      tx,
      which === 'sweep'
        ? { recordedBefore: new Date(Date.now() - SWEEP_GRACE_MS), limit: SWEEP_BATCH }
        : which,
    );
    for (const event of events) {
      for (const subscriptionId of await webhooks.listEventTargets(tx, event)) {
        await queue.enqueue(tx, { mspId: event.mspId, eventId: event.id, subscriptionId });
      }
    }
    await webhooks.markEventsDispatched(
      tx,
      events.map((event) => event.id),
    );
    return events.length;
  });
}

/** The worker's periodic pass: dispatches events left waiting, and forgets those past the log's retention. */
export async function sweepEvents(db: Executor, queue: WebhookQueue): Promise<void> {
  await dispatchEvents(db, queue, 'sweep');
  await webhooks.deleteEventsRecordedBefore(
    db,
    new Date(Date.now() - WEBHOOK_LOG_RETENTION_DAYS * 24 * 60 * 60 * 1000),
  );
}
