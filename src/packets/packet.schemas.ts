import { z } from 'zod';
import { isoDate, paginationQuery, requiredText, uuid } from '../http/schemas.js';
import { MAX_PERIOD_COUNT } from '../domain/fiscal-calendar.js';

/** A packet shows the next four quarters in detail, so its forecast is at least four quarters long. */
export const MIN_PACKET_QUARTERS = 4;
export const DEFAULT_PACKET_QUARTERS = 12;

const packetFields = {
  asOf: isoDate
    .optional()
    .describe('The date the packet is computed at (YYYY-MM-DD); today (UTC) when omitted'),
  periods: z.coerce
    .number({ error: 'must be a whole number of quarters' })
    .int('must be a whole number of quarters')
    .min(MIN_PACKET_QUARTERS, `must be from ${MIN_PACKET_QUARTERS} to ${MAX_PERIOD_COUNT.quarter} quarters`)
    .max(
      MAX_PERIOD_COUNT.quarter,
      `must be from ${MIN_PACKET_QUARTERS} to ${MAX_PERIOD_COUNT.quarter} quarters`,
    )
    .default(DEFAULT_PACKET_QUARTERS)
    .describe('Fiscal quarters in the forecast table and chart (default 12, as the forecast API)'),
  scenario: z
    .enum(['committed', 'proposed'])
    .default('committed')
    .describe('committed: approved and in-progress initiatives; proposed: proposed ones too'),
};

export const createPacketBody = z.strictObject({
  ...packetFields,
  periodLabel: requiredText(100)
    .optional()
    .describe('The meeting, e.g. "FY2027 Q2 roadmap review"; defaults to the fiscal quarter of asOf'),
});
export type CreatePacket = z.output<typeof createPacketBody>;

export const previewPacketQuery = z.strictObject({
  ...packetFields,
  periodLabel: requiredText(100).optional(),
});
export type PreviewPacket = z.output<typeof previewPacketQuery>;

export const packetSchema = z
  .object({
    id: uuid,
    clientId: uuid,
    asOf: z.string().describe('YYYY-MM-DD'),
    periodLabel: z.string(),
    scenario: z.enum(['committed', 'proposed']),
    status: z
      .enum(['draft', 'issued'])
      .describe(
        'draft until issued (handed to the client); "since the last packet" means since the last issued one',
      ),
    issuedAt: z.string().nullable().describe('When it was issued; null while a draft'),
    sha256: z.string().describe('Hex SHA-256 of the PDF bytes; also the ETag of the download'),
    pageCount: z.int(),
    sizeBytes: z.int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Packet' });
export type Packet = z.infer<typeof packetSchema>;

export const clientPacketsParams = z.object({ clientId: uuid });
export const packetParams = z.object({ clientId: uuid, packetId: uuid });

export const listPacketsQuery = z.strictObject({ ...paginationQuery });
