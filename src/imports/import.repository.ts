import { sql } from 'kysely';
import {
  assetFieldColumns,
  assetFieldsOf,
  dateSourceColumns,
  dateSourcesOf,
} from '../assets/asset.repository.js';
import type { Executor } from '../db/database.js';
import type { ExistingAsset } from './import-plan.js';

/** Every asset of the client, with the fields an import compares. */
export async function listAssetsToMatch(
  db: Executor,
  mspId: string,
  clientId: string,
): Promise<ExistingAsset[]> {
  const rows = await db
    .selectFrom('assets')
    .select(['id', ...assetFieldColumns, ...dateSourceColumns])
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .execute();
  return rows.map((row) => ({ id: row.id, fields: assetFieldsOf(row), dateSources: dateSourcesOf(row) }));
}

/**
 * Serialises imports into one client until the transaction ends, so that two concurrent imports cannot both
 * decide to create the same asset tag.
 */
export async function lockClientImports(db: Executor, clientId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`assets-import:${clientId}`}, 0))`.execute(db);
}

/** A client a file can be imported into, with the names the operator's CLI shows. */
export interface ImportTarget {
  mspId: string;
  mspName: string;
  clientId: string;
  clientName: string;
  currency: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * For the operator's CLI, which works on the whole database: the clients with this id, or with this name
 * (case-insensitively) in any MSP.
 */
export async function findImportTargets(db: Executor, idOrName: string): Promise<ImportTarget[]> {
  let query = db
    .selectFrom('clients')
    .innerJoin('msps', 'msps.id', 'clients.msp_id')
    .select([
      'clients.id as clientId',
      'clients.name as clientName',
      'clients.currency as currency',
      'msps.id as mspId',
      'msps.name as mspName',
    ]);
  query = UUID.test(idOrName)
    ? query.where('clients.id', '=', idOrName)
    : query.where((eb) => eb(eb.fn('lower', ['clients.name']), '=', idOrName.trim().toLowerCase()));
  return query.orderBy('msps.name').orderBy('clients.id').execute();
}
