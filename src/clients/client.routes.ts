import { defineRoute } from '../http/route.js';
import { listPage } from '../http/schemas.js';
import {
  clientParams,
  clientSchema,
  createClientBody,
  listClientsQuery,
  updateClientBody,
} from './client.schemas.js';
import * as service from './client.service.js';

const tag = 'Clients';

export const clientRoutes = [
  defineRoute({
    method: 'get',
    path: '/clients',
    operationId: 'listClients',
    summary: 'List clients',
    tag,
    scope: 'read',
    query: listClientsQuery,
    responses: { 200: { description: 'A page of clients, by name', schema: listPage(clientSchema) } },
    handler: async ({ app, auth, query }) => ({
      body: await service.listClients(app.database.db, auth, query),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/clients',
    operationId: 'createClient',
    summary: 'Create a client',
    tag,
    scope: 'write',
    body: createClientBody,
    responses: {
      201: { description: 'The new client', schema: clientSchema },
      409: { description: 'Another client of the MSP has this name' },
    },
    handler: async ({ app, auth, body }) => ({
      status: 201,
      body: await service.createClient(app.database.db, auth, body),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/clients/:clientId',
    operationId: 'getClient',
    summary: 'Get a client',
    tag,
    scope: 'read',
    params: clientParams,
    responses: { 200: { description: 'The client', schema: clientSchema } },
    handler: async ({ app, auth, params }) => ({
      body: await service.getClient(app.database.db, auth, params.clientId),
    }),
  }),
  defineRoute({
    method: 'patch',
    path: '/clients/:clientId',
    operationId: 'updateClient',
    summary: 'Change a client',
    tag,
    scope: 'write',
    params: clientParams,
    body: updateClientBody,
    responses: {
      200: { description: 'The changed client', schema: clientSchema },
      409: { description: 'Another client of the MSP has this name' },
    },
    handler: async ({ app, auth, params, body }) => ({
      body: await service.updateClient(app.database.db, auth, params.clientId, body),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/clients/:clientId',
    operationId: 'deleteClient',
    summary: 'Delete a client and everything recorded for it',
    tag,
    scope: 'admin',
    params: clientParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ app, auth, params }) => {
      await service.deleteClient(app.database.db, auth, params.clientId);
      return { status: 204 };
    },
  }),
];
