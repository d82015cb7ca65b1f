import crypto from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import type { WebhookConfig } from '../config/config.js';
import type { Executor } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import { AppError, invalid, notFound } from '../http/errors.js';
import { decodeCreatedAtCursor, decodeTypedCursor, readPage, type Page } from '../http/schemas.js';
import { publishTestEvent } from './webhook-events.js';
import { generateSigningSecret, sealSecret } from './webhook-secret.js';
import { hostOf, resolveTarget, TargetRefusedError } from './webhook-target.js';
import * as webhooks from './webhook.repository.js';
import type { DeliveryAttempt, WebhookSubscription } from './webhook.repository.js';
import type { CreateWebhook, UpdateWebhook } from './webhook.schemas.js';

/** Refuses a target that is not on the public internet (unless the operator allows it), naming the field. */
async function checkTarget(url: string, settings: WebhookConfig): Promise<void> {
  try {
    await resolveTarget(hostOf(new URL(url)), settings);
  } catch (error) {
    if (error instanceof TargetRefusedError) {
      throw invalid(
        'body.url',
        `${error.message}; webhooks go to public addresses only (the operator can allow others with WEBHOOK_ALLOW_PRIVATE_TARGETS=true)`,
      );
    }
    throw error;
  }
}

/** Creates a subscription and answers it with its signing secret, which is stored sealed and never shown again. */
export async function createWebhook(
  db: Executor,
  settings: WebhookConfig,
  auth: Principal,
  input: CreateWebhook,
): Promise<WebhookSubscription & { secret: string }> {
  if (!settings.secretKey) {
    throw new AppError(
      'webhooks_not_configured',
      503,
      'Webhooks need WEBHOOK_SECRET_KEY to be set (32 random bytes, e.g. `openssl rand -base64 32`) in every process',
    );
  }
  await checkTarget(input.url, settings);
  const id = crypto.randomUUID();
  const secret = generateSigningSecret();
  const subscription = await webhooks.insertSubscription(db, auth.mspId, {
    id,
    url: input.url,
    events: input.events,
    description: input.description ?? null,
    secretSealed: sealSecret(settings.secretKey, id, secret),
  });
  return { ...subscription, secret };
}

export async function listWebhooks(
  db: Executor,
  auth: Principal,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<WebhookSubscription>> {
  const after = decodeTypedCursor(query.cursor, ['uuid']);
  return readPage(
    query.limit,
    (limit) => webhooks.listSubscriptions(db, auth.mspId, { limit, afterId: after?.[0] }),
    (subscription) => [subscription.id],
  );
}

export async function getWebhook(db: Executor, auth: Principal, id: string): Promise<WebhookSubscription> {
  const subscription = await webhooks.findSubscription(db, auth.mspId, id);
  if (!subscription) throw notFound('webhook');
  return subscription;
}

export async function updateWebhook(
  db: Executor,
  settings: WebhookConfig,
  auth: Principal,
  id: string,
  input: UpdateWebhook,
): Promise<WebhookSubscription> {
  await getWebhook(db, auth, id);
  if (input.url !== undefined) await checkTarget(input.url, settings);
  const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const updated = await webhooks.updateSubscription(db, auth.mspId, id, changes);
  if (!updated) throw notFound('webhook');
  return updated;
}

/** Deletes a subscription with its delivery log; deliveries still queued for it are dropped. */
export async function deleteWebhook(db: Executor, auth: Principal, id: string): Promise<void> {
  if (!(await webhooks.deleteSubscription(db, auth.mspId, id))) throw notFound('webhook');
}

/** Sends a `webhook.test` event to this subscription, whatever it subscribes to and even while it is paused. */
export async function sendTestEvent(db: Executor, auth: Principal, id: string): Promise<{ eventId: string }> {
  return withTransaction(db, async (tx) => {
    const subscription = await getWebhook(tx, auth, id);
    const eventId = await publishTestEvent(tx, auth.mspId, id, {
      webhookId: subscription.id,
      message: 'A test event from vCIO Planner: the subscription receives and verifies deliveries.',
    });
    return { eventId };
  });
}

export async function listDeliveries(
  db: Executor,
  auth: Principal,
  id: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<DeliveryAttempt>> {
  await getWebhook(db, auth, id);
  const after = decodeCreatedAtCursor(query.cursor);
  const page = await readPage(
    query.limit,
    (limit) => webhooks.listAttempts(db, auth.mspId, id, { limit, after }),
    (attempt) => [attempt.cursorKey, attempt.id],
  );
  return { ...page, items: page.items.map(({ cursorKey: _key, ...attempt }) => attempt) };
}
