import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { MspTable } from '../db/schema.js';

export interface Msp {
  id: string;
  name: string;
  currency: string;
  pageSize: 'letter' | 'a4';
  accentColor: string;
  footerText: string | null;
  hasLogo: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface MspBranding {
  logo: { mime: string; data: Buffer } | null;
}

const columns = [
  'id',
  'name',
  'currency',
  'page_size',
  'accent_color',
  'footer_text',
  'logo_mime',
  'created_at',
  'updated_at',
] as const;

function toMsp(row: Pick<Selectable<MspTable>, (typeof columns)[number]>): Msp {
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    pageSize: row.page_size,
    accentColor: row.accent_color,
    footerText: row.footer_text,
    hasLogo: row.logo_mime !== null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function insertMsp(db: Executor, values: { name: string; currency: string }): Promise<Msp> {
  const row = await db.insertInto('msps').values(values).returning(columns).executeTakeFirstOrThrow();
  return toMsp(row);
}

export async function findMsp(db: Executor, mspId: string): Promise<Msp | undefined> {
  const row = await db.selectFrom('msps').select(columns).where('id', '=', mspId).executeTakeFirst();
  return row && toMsp(row);
}

export async function findMspLogo(db: Executor, mspId: string): Promise<MspBranding['logo']> {
  const row = await db
    .selectFrom('msps')
    .select(['logo_mime', 'logo_data'])
    .where('id', '=', mspId)
    .executeTakeFirst();
  return row?.logo_mime && row.logo_data ? { mime: row.logo_mime, data: Buffer.from(row.logo_data) } : null;
}

export interface MspChanges {
  name?: string;
  currency?: string;
  pageSize?: 'letter' | 'a4';
  accentColor?: string;
  footerText?: string | null;
  logo?: { mime: string; data: Buffer } | null;
}

export async function updateMsp(db: Executor, mspId: string, changes: MspChanges): Promise<Msp | undefined> {
  const row = await db
    .updateTable('msps')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.currency !== undefined ? { currency: changes.currency } : {}),
      ...(changes.pageSize !== undefined ? { page_size: changes.pageSize } : {}),
      ...(changes.accentColor !== undefined ? { accent_color: changes.accentColor } : {}),
      ...(changes.footerText !== undefined ? { footer_text: changes.footerText } : {}),
      ...(changes.logo !== undefined
        ? { logo_mime: changes.logo?.mime ?? null, logo_data: changes.logo?.data ?? null }
        : {}),
      updated_at: new Date(),
    })
    .where('id', '=', mspId)
    .returning(columns)
    .executeTakeFirst();
  return row && toMsp(row);
}

/**
 * For the operator's CLI, which has no key: every MSP with its number of clients, by name. The one query here
 * not scoped to a known MSP, because listing and finding MSPs is its purpose.
 */
export async function listMspsForOperator(
  db: Executor,
): Promise<{ id: string; name: string; currency: string; clients: number; createdAt: string }[]> {
  const rows = await db
    .selectFrom('msps as m')
    .select((eb) => [
      'm.id',
      'm.name',
      'm.currency',
      'm.created_at',
      eb
        .selectFrom('clients as c')
        .whereRef('c.msp_id', '=', 'm.id')
        .select((count) => count.fn.countAll<string>().as('n'))
        .as('clients'),
    ])
    .orderBy((eb) => eb.fn('lower', ['m.name']))
    .orderBy('m.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    currency: row.currency,
    clients: Number(row.clients ?? 0),
    createdAt: row.created_at.toISOString(),
  }));
}
