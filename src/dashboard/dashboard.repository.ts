import { sql } from 'kysely';
import type { Executor } from '../db/database.js';

export interface DashboardClientRow {
  id: string;
  name: string;
  currency: string;
  fiscalYearStartMonth: number;
  vcioName: string | null;
  nextMeetingOn: string | null;
  /** The packet most recently issued to the client (handed over), if any. */
  lastIssued: { id: string; asOf: string; periodLabel: string; issuedAt: string } | null;
  /** Drafts made after the last issued packet (all drafts if none was issued): packets waiting to be issued. */
  draftsWaiting: number;
}

/**
 * Every client of the MSP with its last issued packet and the drafts made since, in one query: lateral joins read
 * per client from the packets' (client_id, created_at DESC, id) index, so the cost does not grow with the number of
 * clients' other rows.
 */
export async function listDashboardClients(db: Executor, mspId: string): Promise<DashboardClientRow[]> {
  const rows = await db
    .selectFrom('clients as c')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('packets')
          .select(['id', 'as_of', 'period_label', 'issued_at', 'created_at'])
          .where('msp_id', '=', mspId)
          .whereRef('client_id', '=', 'c.id')
          .where('status', '=', 'issued')
          .orderBy('issued_at', 'desc')
          .orderBy('id')
          .limit(1)
          .as('p'),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      'c.id',
      'c.name',
      'c.currency',
      'c.fiscal_year_start_month',
      'c.vcio_name',
      'c.next_meeting_on',
      'p.id as packet_id',
      'p.as_of as packet_as_of',
      'p.period_label as packet_period_label',
      'p.issued_at as packet_issued_at',
      eb
        .selectFrom('packets as d')
        .select((count) => count.fn.countAll<number>().as('n'))
        .where('d.msp_id', '=', mspId)
        .whereRef('d.client_id', '=', 'c.id')
        .where('d.status', '=', 'draft')
        .where((draft) =>
          draft.or([
            draft('p.created_at', 'is', null),
            draft('d.created_at', '>', draft.ref('p.created_at')),
          ]),
        )
        .as('drafts_waiting'),
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
    lastIssued:
      row.packet_id && row.packet_as_of && row.packet_period_label && row.packet_issued_at
        ? {
            id: row.packet_id,
            asOf: row.packet_as_of,
            periodLabel: row.packet_period_label,
            issuedAt: row.packet_issued_at.toISOString(),
          }
        : null,
    draftsWaiting: Number(row.drafts_waiting ?? 0),
  }));
}
