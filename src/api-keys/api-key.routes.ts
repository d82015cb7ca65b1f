import { defineRoute } from '../http/route.js';
import { listPage } from '../http/schemas.js';
import {
  apiKeyParams,
  apiKeySchema,
  createApiKeyBody,
  createdApiKeySchema,
  listApiKeysQuery,
} from './api-key.schemas.js';
import * as service from './api-key.service.js';

const tag = 'API keys';

export const apiKeyRoutes = [
  defineRoute({
    method: 'get',
    path: '/api-keys',
    operationId: 'listApiKeys',
    summary: "List the MSP's API keys (never their secrets)",
    tag,
    scope: 'admin',
    mspWide: true,
    query: listApiKeysQuery,
    responses: { 200: { description: 'A page of keys', schema: listPage(apiKeySchema) } },
    handler: async ({ app, auth, query }) => ({
      body: await service.listApiKeys(app.database.db, auth, query),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key; its secret is in this answer only',
    tag,
    scope: 'admin',
    mspWide: true,
    body: createApiKeyBody,
    responses: { 201: { description: 'The new key with its secret', schema: createdApiKeySchema } },
    handler: async ({ app, auth, body }) => ({
      status: 201,
      // The answer carries a secret: no cache may keep it.
      headers: { 'Cache-Control': 'no-store' },
      body: await service.createApiKey(app.database.db, auth, body),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/api-keys/:keyId',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key; it stops working at once',
    tag,
    scope: 'admin',
    mspWide: true,
    params: apiKeyParams,
    responses: { 200: { description: 'The revoked key', schema: apiKeySchema } },
    handler: async ({ app, auth, params }) => ({
      body: await service.revokeApiKey(app.database.db, app.authenticator, auth, params.keyId),
    }),
  }),
];
