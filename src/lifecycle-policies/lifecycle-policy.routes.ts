import { defineRoute } from '../http/route.js';
import {
  clientPoliciesParams,
  clientPolicyParams,
  lifecyclePolicyList,
  lifecyclePolicySchema,
  mspPolicyParams,
  putLifecyclePolicyBody,
} from './lifecycle-policy.schemas.js';
import * as service from './lifecycle-policy.service.js';

const tag = 'Lifecycle policies';
const mspLevel = { clientId: null };
const inheritance =
  'A field that is null inherits: an asset uses its own value, else the client policy, else the MSP policy, else the ' +
  'built-in default (36 months, 180 due-soon days, no escalation).';

export const lifecyclePolicyRoutes = [
  defineRoute({
    method: 'get',
    path: '/lifecycle-policies',
    operationId: 'listMspLifecyclePolicies',
    summary: "List the MSP's lifecycle policies, by category",
    tag,
    scope: 'read',
    mspWide: true,
    responses: { 200: { description: 'The policies that are set', schema: lifecyclePolicyList } },
    handler: async ({ app, auth }) => ({ body: await service.listPolicies(app.database.db, auth, mspLevel) }),
  }),
  defineRoute({
    method: 'get',
    path: '/lifecycle-policies/:category',
    operationId: 'getMspLifecyclePolicy',
    summary: "Get the MSP's lifecycle policy for a category",
    tag,
    scope: 'read',
    mspWide: true,
    params: mspPolicyParams,
    responses: { 200: { description: 'The policy', schema: lifecyclePolicySchema } },
    handler: async ({ app, auth, params }) => ({
      body: await service.getPolicy(app.database.db, auth, mspLevel, params.category),
    }),
  }),
  defineRoute({
    method: 'put',
    path: '/lifecycle-policies/:category',
    operationId: 'putMspLifecyclePolicy',
    summary: "Set the MSP's lifecycle policy for a category",
    description: inheritance,
    tag,
    scope: 'write',
    mspWide: true,
    params: mspPolicyParams,
    body: putLifecyclePolicyBody,
    responses: { 200: { description: 'The policy as stored', schema: lifecyclePolicySchema } },
    handler: async ({ app, auth, params, body }) => ({
      body: await service.putPolicy(app.database.db, auth, mspLevel, params.category, body),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/lifecycle-policies/:category',
    operationId: 'deleteMspLifecyclePolicy',
    summary: "Remove the MSP's lifecycle policy for a category (back to the built-in defaults)",
    tag,
    scope: 'write',
    mspWide: true,
    params: mspPolicyParams,
    responses: { 204: { description: 'Removed' } },
    handler: async ({ app, auth, params }) => {
      await service.deletePolicy(app.database.db, auth, mspLevel, params.category);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/lifecycle-policies',
    operationId: 'listClientLifecyclePolicies',
    summary: "List a client's lifecycle policy overrides, by category",
    tag,
    scope: 'read',
    params: clientPoliciesParams,
    responses: { 200: { description: 'The overrides that are set', schema: lifecyclePolicyList } },
    handler: async ({ app, auth, params }) => ({
      body: await service.listPolicies(app.database.db, auth, { clientId: params.clientId }),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/lifecycle-policies/:category',
    operationId: 'getClientLifecyclePolicy',
    summary: "Get a client's lifecycle policy override for a category",
    tag,
    scope: 'read',
    params: clientPolicyParams,
    responses: { 200: { description: 'The override', schema: lifecyclePolicySchema } },
    handler: async ({ app, auth, params }) => ({
      body: await service.getPolicy(app.database.db, auth, { clientId: params.clientId }, params.category),
    }),
  }),
  defineRoute({
    method: 'put',
    path: '/clients/:clientId/lifecycle-policies/:category',
    operationId: 'putClientLifecyclePolicy',
    summary: "Set a client's lifecycle policy override for a category",
    description: inheritance,
    tag,
    scope: 'write',
    params: clientPolicyParams,
    body: putLifecyclePolicyBody,
    responses: { 200: { description: 'The override as stored', schema: lifecyclePolicySchema } },
    handler: async ({ app, auth, params, body }) => ({
      body: await service.putPolicy(
        app.database.db,
        auth,
        { clientId: params.clientId },
        params.category,
        body,
      ),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/clients/:clientId/lifecycle-policies/:category',
    operationId: 'deleteClientLifecyclePolicy',
    summary: "Remove a client's lifecycle policy override for a category (back to the MSP policy)",
    tag,
    scope: 'write',
    params: clientPolicyParams,
    responses: { 204: { description: 'Removed' } },
    handler: async ({ app, auth, params }) => {
      await service.deletePolicy(app.database.db, auth, { clientId: params.clientId }, params.category);
      return { status: 204 };
    },
  }),
];
