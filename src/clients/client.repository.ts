import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import { escapeLike } from '../db/like.js';
import type { ClientTable } from '../db/schema.js';
import type { Client, CreateClient, UpdateClient } from './client.schemas.js';

const columns = [
  'id',
  'name',
  'currency',
  'fiscal_year_start_month',
  'contact_name',
  'contact_email',
  'vcio_name',
  'next_meeting_on',
  'notes',
  'created_at',
  'updated_at',
] as const;

function toClient(row: Pick<Selectable<ClientTable>, (typeof columns)[number]>): Client {
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    fiscalYearStartMonth: row.fiscal_year_start_month,
    contactName: row.contact_name,
    contactEmail: row.contact_email,
    vcioName: row.vcio_name,
    nextMeetingOn: row.next_meeting_on,
    notes: row.notes,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function insertClient(
  db: Executor,
  mspId: string,
  values: CreateClient & { currency: string },
): Promise<Client> {
  const row = await db
    .insertInto('clients')
    .values({
      msp_id: mspId,
      name: values.name,
      currency: values.currency,
      fiscal_year_start_month: values.fiscalYearStartMonth,
      contact_name: values.contactName ?? null,
      contact_email: values.contactEmail ?? null,
      vcio_name: values.vcioName ?? null,
      next_meeting_on: values.nextMeetingOn ?? null,
      notes: values.notes ?? null,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toClient(row);
}

export async function findClient(db: Executor, mspId: string, clientId: string): Promise<Client | undefined> {
  const row = await db
    .selectFrom('clients')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('id', '=', clientId)
    .executeTakeFirst();
  return row && toClient(row);
}

export async function findClientByName(
  db: Executor,
  mspId: string,
  name: string,
): Promise<Client | undefined> {
  const row = await db
    .selectFrom('clients')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .executeTakeFirst();
  return row && toClient(row);
}

export interface ClientListFilter {
  q?: string | undefined;
  /** A client-limited key lists its own client only. */
  onlyClientId?: string | null;
  limit: number;
  after?: [string, string] | undefined;
}

export async function listClients(db: Executor, mspId: string, filter: ClientListFilter): Promise<Client[]> {
  let query = db.selectFrom('clients').select(columns).where('msp_id', '=', mspId);
  if (filter.onlyClientId) query = query.where('id', '=', filter.onlyClientId);
  if (filter.q) query = query.where('name', 'ilike', `%${escapeLike(filter.q)}%`);
  if (filter.after) {
    const [name, id] = filter.after;
    query = query.where((eb) =>
      eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]),
    );
  }
  const rows = await query.orderBy('name').orderBy('id').limit(filter.limit).execute();
  return rows.map(toClient);
}

/** Every client of the MSP by name: the few columns a book-of-business view needs. */
export async function listClientSummaries(
  db: Executor,
  mspId: string,
): Promise<{ id: string; name: string; currency: string; fiscalYearStartMonth: number }[]> {
  const rows = await db
    .selectFrom('clients')
    .select(['id', 'name', 'currency', 'fiscal_year_start_month'])
    .where('msp_id', '=', mspId)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    currency: row.currency,
    fiscalYearStartMonth: row.fiscal_year_start_month,
  }));
}

export async function updateClient(
  db: Executor,
  mspId: string,
  clientId: string,
  changes: UpdateClient,
): Promise<Client | undefined> {
  const row = await db
    .updateTable('clients')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.currency !== undefined ? { currency: changes.currency } : {}),
      ...(changes.fiscalYearStartMonth !== undefined
        ? { fiscal_year_start_month: changes.fiscalYearStartMonth }
        : {}),
      ...(changes.contactName !== undefined ? { contact_name: changes.contactName } : {}),
      ...(changes.contactEmail !== undefined ? { contact_email: changes.contactEmail } : {}),
      ...(changes.vcioName !== undefined ? { vcio_name: changes.vcioName } : {}),
      ...(changes.nextMeetingOn !== undefined ? { next_meeting_on: changes.nextMeetingOn } : {}),
      ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
      updated_at: new Date(),
    })
    .where('msp_id', '=', mspId)
    .where('id', '=', clientId)
    .returning(columns)
    .executeTakeFirst();
  return row && toClient(row);
}

export async function deleteClient(db: Executor, mspId: string, clientId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('clients')
    .where('msp_id', '=', mspId)
    .where('id', '=', clientId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * For the operator's CLI, which has no key: the clients of one MSP, or of every MSP, with their MSP's name. The
 * one query here not scoped to the caller's MSP, because finding the client is its purpose.
 */
export async function listClientsForOperator(
  db: Executor,
  mspId?: string,
): Promise<{ id: string; name: string; mspId: string; mspName: string }[]> {
  let query = db
    .selectFrom('clients as c')
    .innerJoin('msps as m', 'm.id', 'c.msp_id')
    .select(['c.id', 'c.name', 'c.msp_id', 'm.name as msp_name']);
  if (mspId !== undefined) query = query.where('c.msp_id', '=', mspId);
  const rows = await query.orderBy('m.name').orderBy('c.name').orderBy('c.id').execute();
  return rows.map((row) => ({ id: row.id, name: row.name, mspId: row.msp_id, mspName: row.msp_name }));
}
