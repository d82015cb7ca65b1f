import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export interface DashboardClientRow {
  id: string;
  name: string;
  currency: string;
  fiscalYearStartMonth: number;
  vcioName: string | null;
  nextMeetingOn: string | null;
  lastPacket: { id: string; asOf: string; createdAt: string } | null;
}

/**
 * Every client of the MSP with its newest packet, in one query: a lateral join reads one row per client from the
 * packets' (client_id, created_at DESC, id) index, so the cost does not grow with a client's packet history.
 */
export async function listDashboardClients(db: Executor, mspId: string): Promise<DashboardClientRow[]> {
  const rows = await db
    .selectFrom('clients as c')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('packets')
          .select(['id', 'as_of', 'created_at'])
          .where('msp_id', '=', mspId)
          .whereRef('client_id', '=', 'c.id')
          .orderBy('created_at', 'desc')
          .orderBy('id')
          .limit(1)
          .as('p'),
      (join) => join.onTrue(),
    )
    .select([
      'c.id',
      'c.name',
      'c.currency',
      'c.fiscal_year_start_month',
      'c.vcio_name',
      'c.next_meeting_on',
      'p.id as packet_id',
      'p.as_of as packet_as_of',
      'p.created_at as packet_created_at',
    ])
    .where('c.msp_id', '=', mspId)
    .orderBy(sql`lower(c.name)`)
    .orderBy('c.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    currency: row.currency,
    fiscalYearStartMonth: row.fiscal_year_start_month,
    vcioName: row.vcio_name,
    nextMeetingOn: row.next_meeting_on,
    lastPacket:
      row.packet_id && row.packet_as_of && row.packet_created_at
        ? { id: row.packet_id, asOf: row.packet_as_of, createdAt: row.packet_created_at.toISOString() }
        : null,
  }));
}
