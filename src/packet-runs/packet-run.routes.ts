import { defineRoute } from '../http/route.js';
import { listPage } from '../http/schemas.js';
import {
  createPacketRunBody,
  listPacketRunsQuery,
  packetRunCreatedSchema,
  packetRunParams,
  packetRunSchema,
  packetRunSummarySchema,
} from './packet-run.schemas.js';
import * as service from './packet-run.service.js';

const tag = 'Packet runs';

export const packetRunRoutes = [
  defineRoute({
    method: 'post',
    path: '/packet-runs',
    operationId: 'createPacketRun',
    summary: 'Make the quarterly roadmap packets of many clients (or all of them) in the background',
    description:
      'One packet per client, all at the same asOf and for the same meeting; workers render them. A client whose ' +
      'packet for the same asOf, period label, scenario and quarters shows exactly what a packet made now would ' +
      '(the same content hash: nothing it shows changed, e.g. no decision recorded since) reuses it at once ' +
      '(outcome `reused`); the others are rendered afresh (outcome `rendered`), and with `force: true` every ' +
      'client is. A packet that fails is retried with backoff, then fails alone; the run goes on. Follow progress ' +
      'at the Location.',
    tag,
    scope: 'write',
    mspWide: true,
    body: createPacketRunBody,
    responses: {
      202: { description: 'The run was queued', schema: packetRunCreatedSchema },
      503: { description: 'This process cannot run packet jobs' },
    },
    handler: async ({ app, auth, body }) => {
      const created = await service.startPacketRun(
        { db: app.database.db, clock: app.clock, queue: app.packetQueue },
        auth,
        body,
      );
      return { status: 202, body: created, headers: { Location: `/api/v1/packet-runs/${created.id}` } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/packet-runs',
    operationId: 'listPacketRuns',
    summary: 'Packet runs, newest first',
    tag,
    scope: 'read',
    mspWide: true,
    query: listPacketRunsQuery,
    responses: {
      200: {
        description: 'A page of packet runs with their progress',
        schema: listPage(packetRunSummarySchema),
      },
    },
    handler: async ({ app, auth, query }) => ({
      body: await service.listPacketRuns(app.database.db, auth, query),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/packet-runs/:runId',
    operationId: 'getPacketRun',
    summary: "A packet run's progress, client by client",
    tag,
    scope: 'read',
    mspWide: true,
    params: packetRunParams,
    responses: { 200: { description: 'The run', schema: packetRunSchema } },
    handler: async ({ app, auth, params }) => ({
      body: await service.getPacketRun(app.database.db, auth, params.runId, { queue: app.packetQueue }),
    }),
  }),
];
