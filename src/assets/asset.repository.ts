import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { compiledOnce } from '../db/compiled-once.js';
import type { Executor } from '../db/database.js';
import { escapeLike } from '../db/like.js';
import type { AssetTable } from '../db/schema.js';
import type { AssetCategory, AssetFields, AssetRecord, AssetStatus, DateSources } from './asset.schemas.js';

const columns = [
  'id',
  'client_id',
  'name',
  'category',
  'manufacturer',
  'model',
  'serial_number',
  'asset_tag',
  'location',
  'assigned_to',
  'operating_system',
  'purchased_on',
  'purchased_on_source',
  'in_service_on',
  'in_service_on_source',
  'warranty_expires_on',
  'warranty_expires_on_source',
  'end_of_support_on',
  'end_of_support_on_source',
  'purchase_cost',
  'replacement_cost',
  'lifecycle_months',
  'status',
  'notes',
  'external_source',
  'external_id',
  'created_at',
  'updated_at',
] as const;

type AssetRow = Pick<Selectable<AssetTable>, (typeof columns)[number]>;

/** The columns behind {@link AssetFields}, for any query that reads an asset's own fields. */
export const assetFieldColumns = [
  'name',
  'category',
  'manufacturer',
  'model',
  'serial_number',
  'asset_tag',
  'location',
  'assigned_to',
  'operating_system',
  'purchased_on',
  'in_service_on',
  'warranty_expires_on',
  'end_of_support_on',
  'purchase_cost',
  'replacement_cost',
  'lifecycle_months',
  'status',
  'notes',
  'external_source',
  'external_id',
] as const;

export type AssetFieldRow = Pick<Selectable<AssetTable>, (typeof assetFieldColumns)[number]>;

/** The one mapping from an asset row to its domain fields. */
export function assetFieldsOf(row: AssetFieldRow): AssetFields {
  return {
    name: row.name,
    category: row.category as AssetCategory,
    manufacturer: row.manufacturer,
    model: row.model,
    serialNumber: row.serial_number,
    assetTag: row.asset_tag,
    location: row.location,
    assignedTo: row.assigned_to,
    operatingSystem: row.operating_system,
    purchasedOn: row.purchased_on,
    inServiceOn: row.in_service_on,
    warrantyExpiresOn: row.warranty_expires_on,
    endOfSupportOn: row.end_of_support_on,
    purchaseCost: row.purchase_cost,
    replacementCost: row.replacement_cost,
    lifecycleMonths: row.lifecycle_months,
    status: row.status as AssetStatus,
    notes: row.notes,
    externalSource: row.external_source,
    externalId: row.external_id,
  };
}

function toAsset(row: AssetRow): AssetRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    ...assetFieldsOf(row),
    dateSources: {
      purchasedOn: row.purchased_on_source,
      inServiceOn: row.in_service_on_source,
      warrantyExpiresOn: row.warranty_expires_on_source,
      endOfSupportOn: row.end_of_support_on_source,
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** An asset's fields as columns; only the fields present in `fields` are mapped, so it serves updates too. */
function toColumns(fields: Partial<AssetFields>, sources: Partial<DateSources>): Updateable<AssetTable> {
  const out: Updateable<AssetTable> = {};
  if (fields.name !== undefined) out.name = fields.name;
  if (fields.category !== undefined) out.category = fields.category;
  if (fields.manufacturer !== undefined) out.manufacturer = fields.manufacturer;
  if (fields.model !== undefined) out.model = fields.model;
  if (fields.serialNumber !== undefined) out.serial_number = fields.serialNumber;
  if (fields.assetTag !== undefined) out.asset_tag = fields.assetTag;
  if (fields.location !== undefined) out.location = fields.location;
  if (fields.assignedTo !== undefined) out.assigned_to = fields.assignedTo;
  if (fields.operatingSystem !== undefined) out.operating_system = fields.operatingSystem;
  if (fields.purchasedOn !== undefined) out.purchased_on = fields.purchasedOn;
  if (fields.inServiceOn !== undefined) out.in_service_on = fields.inServiceOn;
  if (fields.warrantyExpiresOn !== undefined) out.warranty_expires_on = fields.warrantyExpiresOn;
  if (fields.endOfSupportOn !== undefined) out.end_of_support_on = fields.endOfSupportOn;
  if (fields.purchaseCost !== undefined) out.purchase_cost = fields.purchaseCost;
  if (fields.replacementCost !== undefined) out.replacement_cost = fields.replacementCost;
  if (fields.lifecycleMonths !== undefined) out.lifecycle_months = fields.lifecycleMonths;
  if (fields.status !== undefined) out.status = fields.status;
  if (fields.notes !== undefined) out.notes = fields.notes;
  if (fields.externalSource !== undefined) out.external_source = fields.externalSource;
  if (fields.externalId !== undefined) out.external_id = fields.externalId;
  if (sources.purchasedOn !== undefined) out.purchased_on_source = sources.purchasedOn;
  if (sources.inServiceOn !== undefined) out.in_service_on_source = sources.inServiceOn;
  if (sources.warrantyExpiresOn !== undefined) out.warranty_expires_on_source = sources.warrantyExpiresOn;
  if (sources.endOfSupportOn !== undefined) out.end_of_support_on_source = sources.endOfSupportOn;
  return out;
}

export interface NewAsset {
  fields: AssetFields;
  dateSources: DateSources;
}

function toInsertable(mspId: string, clientId: string, asset: NewAsset): Insertable<AssetTable> {
  return {
    ...toColumns(asset.fields, asset.dateSources),
    msp_id: mspId,
    client_id: clientId,
  } as Insertable<AssetTable>;
}

export async function insertAsset(
  db: Executor,
  mspId: string,
  clientId: string,
  asset: NewAsset,
): Promise<AssetRecord> {
  const row = await db
    .insertInto('assets')
    .values(toInsertable(mspId, clientId, asset))
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toAsset(row);
}

/** Ids per `in (...)` list, below PostgreSQL's 65535 bind parameters. */
const ID_BATCH = 10_000;
/** 27 columns a row: 1000 rows stay well below PostgreSQL's 65535 bind parameters. */
const INSERT_BATCH = 1000;

/** Inserts many assets with multi-row statements; answers how many were written. */
export async function insertAssets(
  db: Executor,
  mspId: string,
  clientId: string,
  assets: readonly NewAsset[],
): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < assets.length; start += INSERT_BATCH) {
    const batch = assets.slice(start, start + INSERT_BATCH);
    const result = await db
      .insertInto('assets')
      .values(batch.map((asset) => toInsertable(mspId, clientId, asset)))
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

// The hottest read of the API: compiled once, then only bound (see compiledOnce).
const selectAsset = compiledOnce((db, mspId: string, clientId: string, assetId: string) =>
  db
    .selectFrom('assets')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', assetId),
);

export async function findAsset(
  db: Executor,
  mspId: string,
  clientId: string,
  assetId: string,
): Promise<AssetRecord | undefined> {
  const [row] = await selectAsset(db, mspId, clientId, assetId);
  return row && toAsset(row);
}

export async function findAssetByExternalId(
  db: Executor,
  mspId: string,
  clientId: string,
  externalSource: string,
  externalId: string,
): Promise<AssetRecord | undefined> {
  const row = await db
    .selectFrom('assets')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('external_source', '=', externalSource)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row && toAsset(row);
}

/** Every asset of one client that came from `externalSource`. */
export async function listAssetsFromSource(
  db: Executor,
  mspId: string,
  clientId: string,
  externalSource: string,
): Promise<AssetRecord[]> {
  const rows = await db
    .selectFrom('assets')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('external_source', '=', externalSource)
    .execute();
  return rows.map(toAsset);
}

/** Which of `assetIds` are assets of this client. */
export async function findClientAssetIds(
  db: Executor,
  mspId: string,
  clientId: string,
  assetIds: readonly string[],
): Promise<Set<string>> {
  if (assetIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('assets')
    .select('id')
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', 'in', assetIds)
    .execute();
  return new Set(rows.map((row) => row.id));
}

export interface AssetListFilter {
  category?: AssetCategory | undefined;
  status?: AssetStatus | undefined;
  /** Narrows to assets that can have the given computed lifecycle status; the caller computes the rest. */
  clock?: 'inactive' | 'undated' | 'dated' | undefined;
  q?: string | undefined;
  limit: number;
  after?: readonly [string, string] | undefined;
}

/** A page of one client's assets by (name, id). */
export async function listAssets(
  db: Executor,
  mspId: string,
  clientId: string,
  filter: AssetListFilter,
): Promise<AssetRecord[]> {
  let query = db
    .selectFrom('assets')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId);
  if (filter.category) query = query.where('category', '=', filter.category);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.clock === 'inactive') query = query.where('status', 'not in', ['active', 'in_storage']);
  if (filter.clock === 'undated' || filter.clock === 'dated') {
    query = query.where('status', 'in', ['active', 'in_storage']);
    query =
      filter.clock === 'undated'
        ? query.where('in_service_on', 'is', null).where('purchased_on', 'is', null)
        : query.where((eb) =>
            eb.or([eb('in_service_on', 'is not', null), eb('purchased_on', 'is not', null)]),
          );
  }
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('name', 'ilike', pattern),
        eb('model', 'ilike', pattern),
        eb('serial_number', 'ilike', pattern),
        eb('asset_tag', 'ilike', pattern),
        eb('assigned_to', 'ilike', pattern),
        eb('operating_system', 'ilike', pattern),
      ]),
    );
  }
  if (filter.after) {
    const [name, id] = filter.after;
    query = query.where((eb) =>
      eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]),
    );
  }
  const rows = await query.orderBy('name').orderBy('id').limit(filter.limit).execute();
  return rows.map(toAsset);
}

export async function updateAsset(
  db: Executor,
  mspId: string,
  clientId: string,
  assetId: string,
  changes: { fields: Partial<AssetFields>; dateSources: Partial<DateSources> },
): Promise<AssetRecord | undefined> {
  const row = await db
    .updateTable('assets')
    .set({ ...toColumns(changes.fields, changes.dateSources), updated_at: new Date() })
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', assetId)
    .returning(columns)
    .executeTakeFirst();
  return row && toAsset(row);
}

/** Rewrites many assets in one statement; every column is set from the given full rows. */
export async function updateAssets(
  db: Executor,
  mspId: string,
  clientId: string,
  assets: readonly (NewAsset & { id: string })[],
): Promise<number> {
  if (assets.length === 0) return 0;
  const rows = assets.map(({ id, fields, dateSources }) => ({ id, ...toColumns(fields, dateSources) }));
  // One JSON parameter, typed by the record definition, instead of thousands of bind parameters.
  const result = await sql`
    update assets as a set
      name = v.name, category = v.category, manufacturer = v.manufacturer, model = v.model,
      serial_number = v.serial_number, asset_tag = v.asset_tag, location = v.location, assigned_to = v.assigned_to,
      operating_system = v.operating_system,
      purchased_on = v.purchased_on, purchased_on_source = v.purchased_on_source,
      in_service_on = v.in_service_on, in_service_on_source = v.in_service_on_source,
      warranty_expires_on = v.warranty_expires_on, warranty_expires_on_source = v.warranty_expires_on_source,
      end_of_support_on = v.end_of_support_on, end_of_support_on_source = v.end_of_support_on_source,
      purchase_cost = v.purchase_cost, replacement_cost = v.replacement_cost, lifecycle_months = v.lifecycle_months,
      status = v.status, notes = v.notes, external_source = v.external_source, external_id = v.external_id,
      updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
      id uuid, name text, category text, manufacturer text, model text, serial_number text, asset_tag text,
      location text, assigned_to text, operating_system text,
      purchased_on date, purchased_on_source text, in_service_on date, in_service_on_source text,
      warranty_expires_on date, warranty_expires_on_source text, end_of_support_on date, end_of_support_on_source text,
      purchase_cost bigint, replacement_cost bigint, lifecycle_months integer, status text, notes text,
      external_source text, external_id text)
    where a.msp_id = ${mspId} and a.client_id = ${clientId} and a.id = v.id
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Sets status `retired` on the given assets; answers how many changed. */
export async function retireAssets(
  db: Executor,
  mspId: string,
  clientId: string,
  assetIds: readonly string[],
): Promise<number> {
  let retired = 0;
  for (let start = 0; start < assetIds.length; start += ID_BATCH) {
    const result = await db
      .updateTable('assets')
      .set({ status: 'retired', updated_at: new Date() })
      .where('msp_id', '=', mspId)
      .where('client_id', '=', clientId)
      .where('id', 'in', assetIds.slice(start, start + ID_BATCH))
      .executeTakeFirst();
    retired += Number(result.numUpdatedRows);
  }
  return retired;
}

/**
 * Serialises syncs of one source into one client until the transaction ends, so that two concurrent syncs
 * cannot both decide to create the same external id.
 */
export async function lockExternalSource(
  db: Executor,
  clientId: string,
  externalSource: string,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`assets-sync:${clientId}:${externalSource}`}, 0))`.execute(
    db,
  );
}

export async function deleteAsset(
  db: Executor,
  mspId: string,
  clientId: string,
  assetId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('assets')
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', assetId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
