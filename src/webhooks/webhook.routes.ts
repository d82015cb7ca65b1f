import { defineRoute } from '../http/route.js';
import { listPage } from '../http/schemas.js';
import {
  createdWebhookSchema,
  createWebhookBody,
  deliveryAttemptSchema,
  listDeliveriesQuery,
  listWebhooksQuery,
  testEventSchema,
  updateWebhookBody,
  webhookParams,
  webhookSchema,
} from './webhook.schemas.js';
import * as service from './webhook.service.js';

const tag = 'Webhooks';

const refusedTarget = {
  description:
    'Not valid; a URL that resolves to a loopback, private or otherwise non-public address is refused on `body.url`',
};

export const webhookRoutes = [
  defineRoute({
    method: 'get',
    path: '/webhooks',
    operationId: 'listWebhooks',
    summary: "List the MSP's webhook subscriptions (never their secrets)",
    tag,
    scope: 'admin',
    mspWide: true,
    query: listWebhooksQuery,
    responses: { 200: { description: 'A page of subscriptions', schema: listPage(webhookSchema) } },
    handler: async ({ app, auth, query }) => ({
      body: await service.listWebhooks(app.database.db, auth, query),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/webhooks',
    operationId: 'createWebhook',
    summary: 'Subscribe a URL to events; the signing secret is in this answer only',
    description: [
      'Each delivery is a POST of the envelope `{ type, timestamp, data }`, where `data` is, by event:',
      '`decision.recorded`: `clientId, initiativeId, decision, decidedBy, role, decidedAt, status`;',
      '`import.committed`: `clientId, preset, rows, created, updated, unchanged`;',
      '`packet_run.finished`: `packetRunId, status, total, done, failed`;',
      '`packet.issued`: `clientId, packetId, periodLabel, asOf, issuedAt`;',
      '`webhook.test` (sent by the test route only): `webhookId, message`.',
      'Headers (Standard Webhooks): `webhook-id` (the event, the same on every retry), `webhook-timestamp` (Unix',
      'seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body, keyed with the secret>`.',
      'A non-2xx answer, an error or a timeout is retried with exponential backoff (WEBHOOK_MAX_ATTEMPTS attempts).',
    ].join(' '),
    tag,
    scope: 'admin',
    mspWide: true,
    body: createWebhookBody,
    responses: {
      201: { description: 'The subscription with its signing secret', schema: createdWebhookSchema },
      400: refusedTarget,
      503: {
        description:
          'The operator has not set WEBHOOK_SECRET_KEY (webhooks_not_configured), or the database is unavailable',
      },
    },
    handler: async ({ app, auth, body }) => ({
      status: 201,
      // The answer carries a secret: no cache may keep it.
      headers: { 'Cache-Control': 'no-store' },
      body: await service.createWebhook(app.database.db, app.config.webhooks, auth, body),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/webhooks/:webhookId',
    operationId: 'getWebhook',
    summary: 'One webhook subscription (never its secret)',
    tag,
    scope: 'admin',
    mspWide: true,
    params: webhookParams,
    responses: { 200: { description: 'The subscription', schema: webhookSchema } },
    handler: async ({ app, auth, params }) => ({
      body: await service.getWebhook(app.database.db, auth, params.webhookId),
    }),
  }),
  defineRoute({
    method: 'patch',
    path: '/webhooks/:webhookId',
    operationId: 'updateWebhook',
    summary: 'Change the URL, events or description, or pause and resume deliveries (`active`)',
    tag,
    scope: 'admin',
    mspWide: true,
    params: webhookParams,
    body: updateWebhookBody,
    responses: { 200: { description: 'The subscription', schema: webhookSchema }, 400: refusedTarget },
    handler: async ({ app, auth, params, body }) => ({
      body: await service.updateWebhook(app.database.db, app.config.webhooks, auth, params.webhookId, body),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/webhooks/:webhookId',
    operationId: 'deleteWebhook',
    summary: 'Delete a subscription and its delivery log; nothing more is delivered to it',
    tag,
    scope: 'admin',
    mspWide: true,
    params: webhookParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ app, auth, params }) => {
      await service.deleteWebhook(app.database.db, auth, params.webhookId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/webhooks/:webhookId/test',
    operationId: 'testWebhook',
    summary: 'Send a `webhook.test` event to this subscription now; its attempts show in the delivery log',
    tag,
    scope: 'admin',
    mspWide: true,
    params: webhookParams,
    responses: { 202: { description: 'The test event is queued', schema: testEventSchema } },
    handler: async ({ app, auth, params }) => ({
      status: 202,
      body: await service.sendTestEvent(app.database.db, auth, params.webhookId),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/webhooks/:webhookId/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'The delivery log: every attempt, newest first, with its status code, error and duration',
    tag,
    scope: 'admin',
    mspWide: true,
    params: webhookParams,
    query: listDeliveriesQuery,
    responses: { 200: { description: 'A page of attempts', schema: listPage(deliveryAttemptSchema) } },
    handler: async ({ app, auth, params, query }) => ({
      body: await service.listDeliveries(app.database.db, auth, params.webhookId, query),
    }),
  }),
];
