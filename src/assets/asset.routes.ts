import { defineRoute } from '../http/route.js';
import { listPage } from '../http/schemas.js';
import {
  assetParams,
  assetSchema,
  clientAssetsParams,
  createAssetBody,
  getAssetQuery,
  listAssetsQuery,
  MAX_SYNC_ASSETS,
  syncAssetsBody,
  syncResultSchema,
  updateAssetBody,
} from './asset.schemas.js';
import * as service from './asset.service.js';

const tag = 'Assets';
const lifecycleNote =
  'Each asset carries its computed `lifecycle` (refresh clock) at today, or at `?asOf=` where the route takes it.';

export const assetRoutes = [
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/assets',
    operationId: 'listAssets',
    summary: "List a client's assets",
    description: `Ordered by name. ${lifecycleNote}`,
    tag,
    scope: 'read',
    params: clientAssetsParams,
    query: listAssetsQuery,
    responses: { 200: { description: 'A page of assets', schema: listPage(assetSchema) } },
    handler: async ({ app, auth, params, query }) => ({
      body: await service.listAssets(
        app.database.db,
        auth,
        params.clientId,
        query,
        query.asOf ?? app.clock.today(),
      ),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/clients/:clientId/assets',
    operationId: 'createAsset',
    summary: 'Add an asset',
    description: `Dates given here are recorded as coming from \`manual\`. ${lifecycleNote}`,
    tag,
    scope: 'write',
    params: clientAssetsParams,
    body: createAssetBody,
    responses: {
      201: { description: 'The new asset', schema: assetSchema },
      409: { description: 'Another asset of the client has this externalSource and externalId' },
    },
    handler: async ({ app, auth, params, body }) => ({
      status: 201,
      body: await service.createAsset(app.database.db, auth, params.clientId, body, app.clock.today()),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/clients/:clientId/assets/sync',
    operationId: 'syncAssets',
    summary: 'Upsert assets from another tool by external id',
    description:
      `Idempotent: sending the same payload twice changes nothing the second time. Up to ${MAX_SYNC_ASSETS} assets, ` +
      'all written in one transaction or none at all. Dates that change are recorded as coming from `sync`.',
    tag,
    scope: 'write',
    params: clientAssetsParams,
    body: syncAssetsBody,
    bodyLimit: 16 * 1024 * 1024,
    responses: { 200: { description: 'What the sync did', schema: syncResultSchema } },
    handler: async ({ app, auth, params, body }) => ({
      body: await service.syncAssets(app.database.db, auth, params.clientId, body),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/assets/:assetId',
    operationId: 'getAsset',
    summary: 'Get an asset with its refresh clock',
    tag,
    scope: 'read',
    params: assetParams,
    query: getAssetQuery,
    responses: { 200: { description: 'The asset', schema: assetSchema } },
    handler: async ({ app, auth, params, query }) => ({
      body: await service.getAsset(
        app.database.db,
        auth,
        params.clientId,
        params.assetId,
        query.asOf ?? app.clock.today(),
      ),
    }),
  }),
  defineRoute({
    method: 'patch',
    path: '/clients/:clientId/assets/:assetId',
    operationId: 'updateAsset',
    summary: 'Change an asset',
    description: `Dates that change are recorded as coming from \`manual\`; null clears a field. ${lifecycleNote}`,
    tag,
    scope: 'write',
    params: assetParams,
    body: updateAssetBody,
    responses: {
      200: { description: 'The changed asset', schema: assetSchema },
      409: { description: 'Another asset of the client has this externalSource and externalId' },
    },
    handler: async ({ app, auth, params, body }) => ({
      body: await service.updateAsset(
        app.database.db,
        auth,
        params.clientId,
        params.assetId,
        body,
        app.clock.today(),
      ),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/clients/:clientId/assets/:assetId',
    operationId: 'deleteAsset',
    summary: 'Delete an asset',
    tag,
    scope: 'write',
    params: assetParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ app, auth, params }) => {
      await service.deleteAsset(app.database.db, auth, params.clientId, params.assetId);
      return { status: 204 };
    },
  }),
];
