import { defineRoute } from '../http/route.js';
import { changeMsp, getMsp } from './msp.service.js';
import { mspSchema, updateMspBody } from './msp.schemas.js';

const tag = 'MSP';

export const mspRoutes = [
  defineRoute({
    method: 'get',
    path: '/msp',
    operationId: 'getMsp',
    summary: "The calling key's MSP: name, default currency and packet branding",
    tag,
    scope: 'read',
    mspWide: true,
    responses: { 200: { description: 'The MSP', schema: mspSchema } },
    handler: async ({ app, auth }) => ({ body: await getMsp(app.database.db, auth) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/msp',
    operationId: 'updateMsp',
    summary: "Change the MSP's name, default currency or packet branding",
    tag,
    scope: 'admin',
    mspWide: true,
    body: updateMspBody,
    responses: { 200: { description: 'The changed MSP', schema: mspSchema } },
    handler: async ({ app, auth, body }) => ({ body: await changeMsp(app.database.db, auth, body) }),
  }),
];
