import { z } from 'zod';
import { paginationQuery, uuid } from '../http/schemas.js';
import { createPacketBody } from '../packets/packet.schemas.js';

/** The most clients one run may name; an MSP with more runs them all by leaving `clientIds` out. */
export const MAX_RUN_CLIENT_IDS = 5000;

export const createPacketRunBody = z.strictObject({
  ...createPacketBody.shape,
  asOf: createPacketBody.shape.asOf.describe(
    'The date every packet of the run is computed at (YYYY-MM-DD); today (UTC) when omitted',
  ),
  periodLabel: createPacketBody.shape.periodLabel.describe(
    'The meeting, e.g. "FY2027 Q2 roadmap review"; defaults to each client\'s own fiscal quarter of asOf',
  ),
  clientIds: z
    .array(uuid)
    .min(1, 'must name at least one client; leave it out for all clients')
    .max(MAX_RUN_CLIENT_IDS, `must name at most ${MAX_RUN_CLIENT_IDS} clients; leave it out for all clients`)
    .optional()
    .describe('The clients to make packets for; all clients of the MSP when omitted'),
  force: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .describe(
      "true: render every client's packet afresh; false (default): reuse a client's packet for the same period " +
        'when it shows exactly what a packet made now would show',
    ),
});
export type CreatePacketRun = z.output<typeof createPacketRunBody>;

const runStatus = z
  .enum(['queued', 'running', 'done', 'failed'])
  .describe('done: every client has a packet or has failed for good (failed: all of them failed)');

export const packetRunCreatedSchema = z.object({
  id: uuid,
  status: runStatus,
  total: z.int().describe('Clients in the run'),
});
export type PacketRunCreated = z.infer<typeof packetRunCreatedSchema>;

const runFields = {
  id: uuid,
  status: runStatus,
  total: z.int(),
  done: z.int().describe('Clients with a packet'),
  failed: z.int().describe('Clients whose packet failed after its retries'),
  asOf: z.string().describe('YYYY-MM-DD'),
  periodLabel: z.string().nullable().describe("null: each client's own fiscal quarter of asOf"),
  scenario: z.enum(['committed', 'proposed']),
  periods: z.int(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
};

export const packetRunSummarySchema = z.object(runFields);
export type PacketRunSummary = z.infer<typeof packetRunSummarySchema>;

export const packetRunClientSchema = z.object({
  clientId: uuid,
  clientName: z.string(),
  status: z
    .enum(['queued', 'rendering', 'done', 'failed'])
    .describe('queued with an error: the last attempt failed and the packet will be tried again'),
  outcome: z
    .enum(['rendered', 'reused'])
    .optional()
    .describe(
      'Once done: rendered (made afresh for this run) or reused (the stored packet for the same period shows ' +
        'exactly what a new one would: nothing it shows has changed)',
    ),
  packetId: uuid
    .optional()
    .describe('The packet, once done; download it from /clients/{clientId}/packets/{packetId}.pdf'),
  error: z.string().optional().describe('Why the last attempt failed'),
  attempts: z.int().describe('Render attempts so far'),
});
export type PacketRunClient = z.infer<typeof packetRunClientSchema>;

export const packetRunSchema = z
  .object({
    ...runFields,
    clients: z.array(packetRunClientSchema),
    notice: z
      .string()
      .optional()
      .describe('Why the run is not moving, e.g. that no worker is running to render its packets'),
  })
  .meta({ id: 'PacketRun' });
export type PacketRun = z.infer<typeof packetRunSchema>;

export const packetRunParams = z.object({ runId: uuid });

export const listPacketRunsQuery = z.strictObject({ ...paginationQuery });
