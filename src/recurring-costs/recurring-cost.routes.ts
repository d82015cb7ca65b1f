import { defineRoute } from '../http/route.js';
import { listPage } from '../http/schemas.js';
import {
  clientRecurringCostsParams,
  createRecurringCostBody,
  listRecurringCostsQuery,
  recurringCostParams,
  recurringCostSchema,
  updateRecurringCostBody,
} from './recurring-cost.schemas.js';
import * as service from './recurring-cost.service.js';

const tag = 'Recurring costs';

export const recurringCostRoutes = [
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/recurring-costs',
    operationId: 'listRecurringCosts',
    summary: "List a client's recurring (operating) costs",
    tag,
    scope: 'read',
    params: clientRecurringCostsParams,
    query: listRecurringCostsQuery,
    responses: {
      200: { description: 'A page of recurring costs, by name', schema: listPage(recurringCostSchema) },
    },
    handler: async ({ app, auth, params, query }) => ({
      body: await service.listRecurringCosts(app.database.db, auth, params.clientId, query),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/clients/:clientId/recurring-costs',
    operationId: 'createRecurringCost',
    summary: 'Add a recurring cost (licences, subscriptions, managed services)',
    tag,
    scope: 'write',
    params: clientRecurringCostsParams,
    body: createRecurringCostBody,
    responses: { 201: { description: 'The new recurring cost', schema: recurringCostSchema } },
    handler: async ({ app, auth, params, body }) => ({
      status: 201,
      body: await service.createRecurringCost(app.database.db, auth, params.clientId, body),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/recurring-costs/:recurringCostId',
    operationId: 'getRecurringCost',
    summary: 'Get a recurring cost',
    tag,
    scope: 'read',
    params: recurringCostParams,
    responses: { 200: { description: 'The recurring cost', schema: recurringCostSchema } },
    handler: async ({ app, auth, params }) => ({
      body: await service.getRecurringCost(app.database.db, auth, params.clientId, params.recurringCostId),
    }),
  }),
  defineRoute({
    method: 'patch',
    path: '/clients/:clientId/recurring-costs/:recurringCostId',
    operationId: 'updateRecurringCost',
    summary: 'Change a recurring cost',
    tag,
    scope: 'write',
    params: recurringCostParams,
    body: updateRecurringCostBody,
    responses: { 200: { description: 'The changed recurring cost', schema: recurringCostSchema } },
    handler: async ({ app, auth, params, body }) => ({
      body: await service.updateRecurringCost(
        app.database.db,
        auth,
        params.clientId,
        params.recurringCostId,
        body,
      ),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/clients/:clientId/recurring-costs/:recurringCostId',
    operationId: 'deleteRecurringCost',
    summary: 'Delete a recurring cost',
    tag,
    scope: 'write',
    params: recurringCostParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ app, auth, params }) => {
      await service.deleteRecurringCost(app.database.db, auth, params.clientId, params.recurringCostId);
      return { status: 204 };
    },
  }),
];
