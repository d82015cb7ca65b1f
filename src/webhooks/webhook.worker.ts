import type { Logger } from 'pino';
import type { WebhookConfig } from '../config/config.js';
import type { Database, Db } from '../db/database.js';
import { sweepEvents } from './webhook-events.js';
import { WebhookQueue, type DeliveryJob } from './webhook-queue.js';
import { openSecret, SealedSecretError, signatureHeader } from './webhook-secret.js';
import { sendDelivery } from './webhook-sender.js';
import * as webhooks from './webhook.repository.js';

/** Deliveries at once per process: they wait on other servers, not on this one's CPU. */
const DELIVERY_CONCURRENCY = 8;

export interface DeliveryDependencies {
  db: Db;
  settings: WebhookConfig;
  logger: Logger;
}

/**
 * One attempt at one delivery: signs the event's body for the subscription (Standard Webhooks headers), posts it,
 * and logs the attempt. A failed attempt that may succeed later is thrown for the queue to retry; a refused target,
 * an unreadable secret or the last attempt ends the delivery as `failed`.
 */
export async function deliverWebhook(
  deps: DeliveryDependencies,
  job: DeliveryJob,
  maxAttempts: number,
): Promise<void> {
  const { mspId, eventId, subscriptionId } = job.data;
  const target = await webhooks.findDeliveryTarget(deps.db, mspId, subscriptionId, eventId);
  // Deleted since, or paused: nothing to deliver and nothing to log.
  if (!target || (!target.active && !target.test)) return;
  const log = deps.logger.child({
    component: 'webhook-delivery',
    eventId,
    subscriptionId,
    attempt: job.attempt,
  });
  const record = (
    values: Omit<webhooks.DeliveryAttempt, 'id' | 'attemptedAt' | 'eventId' | 'event' | 'attempt'>,
  ) =>
    webhooks.insertAttempt(deps.db, mspId, {
      ...values,
      subscriptionId,
      eventId,
      event: target.eventType,
      attempt: job.attempt,
    });

  let secret: string;
  try {
    secret = openSecret(requireKey(deps.settings), subscriptionId, target.secretSealed);
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    log.error('webhook not delivered: its signing secret cannot be opened with this WEBHOOK_SECRET_KEY');
    await record({ outcome: 'failed', statusCode: null, error: error.message, durationMs: 0 });
    return;
  }
  // Wall-clock seconds: receivers reject deliveries whose timestamp is far from their own time.
  const timestamp = Math.floor(Date.now() / 1000);
  const result = await sendDelivery({
    url: target.url,
    body: target.body,
    headers: {
      'webhook-id': eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secret, eventId, timestamp, target.body),
    },
    timeoutMs: deps.settings.timeoutSeconds * 1000,
    policy: deps.settings,
  });
  const last = result.refused || job.attempt >= maxAttempts;
  const outcome = result.delivered ? 'delivered' : last ? 'failed' : 'retrying';
  await record({
    outcome,
    statusCode: result.statusCode,
    error: result.error,
    durationMs: result.durationMs,
  });
  const summary = { statusCode: result.statusCode, outcome, ms: result.durationMs };
  if (outcome === 'delivered') log.info(summary, 'webhook delivered');
  else log.warn({ ...summary, error: result.error }, 'webhook attempt failed');
  if (outcome === 'retrying') throw new Error(result.error ?? 'The delivery failed');
}

function requireKey(settings: WebhookConfig): Buffer {
  if (!settings.secretKey) throw new SealedSecretError();
  return settings.secretKey;
}

/**
 * The webhook queue of a process: the embedded `serve` and `vcio-planner worker` deliver, an API process on
 * PostgreSQL only enqueues. Events recorded by processes without a queue are dispatched by a worker's sweep.
 */
export async function startWebhookQueue(options: {
  database: Database;
  databaseUrl: string | undefined;
  settings: WebhookConfig;
  role: 'worker' | 'api';
  logger: Logger;
  pollingIntervalSeconds?: number;
}): Promise<WebhookQueue> {
  const { database, settings, logger } = options;
  const queue = await WebhookQueue.open({
    database,
    databaseUrl: options.databaseUrl,
    maxAttempts: settings.maxAttempts,
    retryDelaySeconds: settings.retryDelaySeconds,
    role: options.role,
    logger,
    ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}),
  });
  if (options.role === 'worker') {
    try {
      const deps = { db: database.db, settings, logger };
      await queue.work((job) => deliverWebhook(deps, job, settings.maxAttempts), {
        concurrency: DELIVERY_CONCURRENCY,
        sweep: () => sweepEvents(database.db, queue),
      });
    } catch (error) {
      await queue.stop();
      throw error;
    }
  }
  return queue;
}
