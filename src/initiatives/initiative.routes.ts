import { defineRoute } from '../http/route.js';
import { listPage } from '../http/schemas.js';
import {
  clientInitiativesParams,
  createInitiativeBody,
  initiativeParams,
  initiativeSchema,
  listInitiativesQuery,
  recordDecisionBody,
  updateInitiativeBody,
} from './initiative.schemas.js';
import * as service from './initiative.service.js';

const tag = 'Initiatives';

export const initiativeRoutes = [
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/initiatives',
    operationId: 'listInitiatives',
    summary: "List a client's roadmap initiatives",
    description:
      'Ordered by target date, undated ones last; each carries its linked assets and decision history.',
    tag,
    scope: 'read',
    params: clientInitiativesParams,
    query: listInitiativesQuery,
    responses: { 200: { description: 'A page of initiatives', schema: listPage(initiativeSchema) } },
    handler: async ({ app, auth, params, query }) => ({
      body: await service.listInitiatives(app.database.db, auth, params.clientId, query),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/clients/:clientId/initiatives',
    operationId: 'createInitiative',
    summary: 'Propose an initiative',
    tag,
    scope: 'write',
    params: clientInitiativesParams,
    body: createInitiativeBody,
    responses: { 201: { description: 'The new initiative', schema: initiativeSchema } },
    handler: async ({ app, auth, params, body }) => ({
      status: 201,
      body: await service.createInitiative(app.database.db, auth, params.clientId, body),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/initiatives/:initiativeId',
    operationId: 'getInitiative',
    summary: 'Get an initiative with its decisions',
    tag,
    scope: 'read',
    params: initiativeParams,
    responses: { 200: { description: 'The initiative', schema: initiativeSchema } },
    handler: async ({ app, auth, params }) => ({
      body: await service.getInitiative(app.database.db, auth, params.clientId, params.initiativeId),
    }),
  }),
  defineRoute({
    method: 'patch',
    path: '/clients/:clientId/initiatives/:initiativeId',
    operationId: 'updateInitiative',
    summary: 'Change an initiative',
    description:
      '`assetIds`, when given, replaces the linked assets. Record the client’s answer with the decisions route.',
    tag,
    scope: 'write',
    params: initiativeParams,
    body: updateInitiativeBody,
    responses: { 200: { description: 'The changed initiative', schema: initiativeSchema } },
    handler: async ({ app, auth, params, body }) => ({
      body: await service.updateInitiative(app.database.db, auth, params.clientId, params.initiativeId, body),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/clients/:clientId/initiatives/:initiativeId',
    operationId: 'deleteInitiative',
    summary: 'Delete an initiative that has no recorded decisions',
    tag,
    scope: 'write',
    params: initiativeParams,
    responses: {
      204: { description: 'Deleted' },
      409: { description: 'The initiative has decisions, which are kept' },
    },
    handler: async ({ app, auth, params }) => {
      await service.deleteInitiative(app.database.db, auth, params.clientId, params.initiativeId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/clients/:clientId/initiatives/:initiativeId/decisions',
    operationId: 'recordDecision',
    summary: "Record the client's decision on an initiative",
    description:
      'Appends to the decision history (decisions are never edited) and moves the status: approved → approved, ' +
      'declined → declined, deferred → deferred.',
    tag,
    scope: 'write',
    params: initiativeParams,
    body: recordDecisionBody,
    responses: {
      201: { description: 'The initiative with the new decision', schema: initiativeSchema },
      409: { description: 'The initiative is completed' },
    },
    handler: async ({ app, auth, params, body }) => ({
      status: 201,
      body: await service.recordDecision(
        app.database.db,
        auth,
        params.clientId,
        params.initiativeId,
        body,
        app.clock.now(),
      ),
    }),
  }),
];
