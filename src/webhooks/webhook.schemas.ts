import { z } from 'zod';
import { paginationQuery, text, uuid } from '../http/schemas.js';
import { webhookEventTypes, type WebhookEventType } from './webhook-events.js';

export const webhookEventTypeSchema = z
  .enum(webhookEventTypes as [WebhookEventType, ...WebhookEventType[]])
  .describe('An event a subscription receives');

/** http or https, no credentials in the URL, at most 2,000 characters; the address is checked by the service. */
const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2000, 'must be at most 2000 characters')
  .refine((value) => {
    const url = new URL(value);
    return url.username === '' && url.password === '';
  }, 'must not carry a user name or password')
  .describe('Where deliveries are POSTed (https recommended)');

const eventList = z
  .array(webhookEventTypeSchema)
  .min(1, 'must name at least one event')
  .max(webhookEventTypes.length)
  .refine((events) => new Set(events).size === events.length, 'must not name an event twice');

export const webhookSchema = z.object({
  id: uuid,
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  description: z.string().nullable(),
  active: z
    .boolean()
    .describe('Deliveries are made while true; a paused subscription still takes test events'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const createdWebhookSchema = webhookSchema.extend({
  secret: z
    .string()
    .describe(
      'The signing secret (`whsec_` + base64). It is shown this once and cannot be retrieved again: store it now.',
    ),
});

export const createWebhookBody = z.strictObject({
  url: webhookUrl,
  events: eventList,
  description: text(500).nullable().optional(),
});
export type CreateWebhook = z.output<typeof createWebhookBody>;

export const updateWebhookBody = z.strictObject({
  url: webhookUrl.optional(),
  events: eventList.optional(),
  description: text(500).nullable().optional(),
  active: z.boolean().optional(),
});
export type UpdateWebhook = z.output<typeof updateWebhookBody>;

export const webhookParams = z.object({ webhookId: uuid });
export const listWebhooksQuery = z.strictObject(paginationQuery);
export const listDeliveriesQuery = z.strictObject(paginationQuery);

export const deliveryAttemptSchema = z.object({
  id: uuid,
  eventId: uuid.describe('The event, sent as the `webhook-id` header (the same on every attempt)'),
  event: z.string().describe('The event type, e.g. `decision.recorded` or `webhook.test`'),
  attempt: z.int().describe('1 for the first attempt, 2 for the first retry, …'),
  outcome: z
    .enum(['delivered', 'retrying', 'failed'])
    .describe('`retrying`: another attempt follows; `failed`: the last one, or a refused target'),
  statusCode: z.int().nullable().describe("The target's HTTP status, when it answered"),
  error: z.string().nullable(),
  durationMs: z.int(),
  attemptedAt: z.string(),
});

export const testEventSchema = z.object({
  eventId: uuid.describe('The test event, as its `webhook-id`; its attempts show in the delivery log'),
});
