import { sql, type Insertable, type OrderByItemBuilder, type Selectable, type Updateable } from 'kysely';
import { compiledOnce } from '../db/compiled-once.js';
import type { Executor } from '../db/database.js';
import { escapeLike } from '../db/like.js';
import type { AssetTable } from '../db/schema.js';
import {
  ASSET_FIELD_ENTRIES,
  ASSET_FIELDS,
  DATE_FIELDS,
  type AssetCategory,
  type AssetFieldName,
  type AssetFields,
  type AssetStatus,
  type DateSources,
} from './asset.fields.js';
import type { AssetRecord } from './asset.schemas.js';

type FieldTable = typeof ASSET_FIELDS;
type ColumnOf<Name extends AssetFieldName> = FieldTable[Name]['column'];
type SourceColumn = (typeof ASSET_FIELDS)[(typeof DATE_FIELDS)[number]]['sourceColumn'];

/** The columns behind the given fields, in the order given. */
export function assetColumnsOf<const Names extends readonly AssetFieldName[]>(
  names: Names,
): ColumnOf<Names[number]>[] {
  return names.map((name) => ASSET_FIELDS[name].column);
}

/** The columns behind {@link AssetFields}, for any query that reads an asset's own fields. */
export const assetFieldColumns = assetColumnsOf(ASSET_FIELD_ENTRIES.map(([name]) => name));

/** Every field column, each date followed by its provenance: the order of the table. */
const fieldAndSourceColumns = ASSET_FIELD_ENTRIES.flatMap(([, spec]) =>
  'sourceColumn' in spec ? [spec.column, spec.sourceColumn] : [spec.column],
) as (ColumnOf<AssetFieldName> | SourceColumn)[];

const columns = ['id', 'client_id', ...fieldAndSourceColumns, 'created_at', 'updated_at'] as const;

type AssetRow = Pick<Selectable<AssetTable>, (typeof columns)[number]>;

export type AssetFieldRow = Pick<Selectable<AssetTable>, ColumnOf<AssetFieldName>>;

/** A mapping from a row that holds the columns of `names` to those fields. */
export function assetFieldReader<const Names extends readonly AssetFieldName[]>(
  names: Names,
): (row: Pick<Selectable<AssetTable>, ColumnOf<Names[number]>>) => Pick<AssetFields, Names[number]> {
  const pairs = names.map((name) => [name, ASSET_FIELDS[name].column] as const);
  return (row) => {
    const cells = row as Record<string, unknown>;
    const out: Partial<Record<AssetFieldName, unknown>> = {};
    for (const [name, column] of pairs) out[name] = cells[column];
    return out as Pick<AssetFields, Names[number]>;
  };
}

/** The one mapping from an asset row to its domain fields. */
export const assetFieldsOf: (row: AssetFieldRow) => AssetFields = assetFieldReader(
  ASSET_FIELD_ENTRIES.map(([name]) => name),
);

/** The provenance of each date, from a row that holds the source columns. */
export function dateSourcesOf(row: Pick<Selectable<AssetTable>, SourceColumn>): DateSources {
  const out: Partial<DateSources> = {};
  for (const field of DATE_FIELDS) out[field] = row[ASSET_FIELDS[field].sourceColumn];
  return out as DateSources;
}

/** The provenance columns, for any query that reads {@link dateSourcesOf}. */
export const dateSourceColumns = DATE_FIELDS.map((field) => ASSET_FIELDS[field].sourceColumn);

/**
 * An asset row as the domain (and the API) shows it. Spelled out rather than derived from the field table like
 * {@link assetFieldsOf}: a list maps every row, and an object literal of a fixed shape is built and serialised about
 * ten times faster than one filled key by key. A field added to the table is missing here until it is added (the
 * type says so).
 */
function toAsset(row: AssetRow): AssetRecord {
  return {
    id: row.id,
    clientId: row.client_id,
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
    status: row.status,
    notes: row.notes,
    externalSource: row.external_source,
    externalId: row.external_id,
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
  const out: Record<string, unknown> = {};
  for (const [name, spec] of ASSET_FIELD_ENTRIES) {
    if (fields[name] !== undefined) out[spec.column] = fields[name];
  }
  for (const field of DATE_FIELDS) {
    if (sources[field] !== undefined) out[ASSET_FIELDS[field].sourceColumn] = sources[field];
  }
  return out as Updateable<AssetTable>;
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
  /** Only these assets (an initiative's linked ones); not empty. */
  ids?: readonly string[] | undefined;
  limit: number;
  after?: readonly [string, string] | undefined;
}

type AssetQuery = ReturnType<typeof assetsOfClient>;

const assetsOfClient = (db: Executor, mspId: string, clientId: string) =>
  db.selectFrom('assets').where('msp_id', '=', mspId).where('client_id', '=', clientId);

/** The filter's conditions (all but the page's own `limit` and `after`). */
function whereMatching(query: AssetQuery, filter: Omit<AssetListFilter, 'limit' | 'after'>): AssetQuery {
  if (filter.category) query = query.where('category', '=', filter.category);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.ids) query = query.where('id', 'in', filter.ids);
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
  return query;
}

/** The assets after (name, id) in the list's order. */
const afterCursor = (query: AssetQuery, name: string, id: string): AssetQuery =>
  query.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]));

const pageOfAssets = (query: AssetQuery, limit: number) =>
  query.select(columns).orderBy('name').orderBy('id').limit(limit);

// The API's plain list (no filter, the way an integration pages through a client) is compiled once, then only
// bound (see compiledOnce); the same SQL as a filtered list built without filters.
const firstPage = compiledOnce((db, mspId: string, clientId: string, limit: number) =>
  pageOfAssets(assetsOfClient(db, mspId, clientId), limit),
);
const nextPage = compiledOnce(
  (db, mspId: string, clientId: string, name: string, id: string, limit: number) =>
    pageOfAssets(afterCursor(assetsOfClient(db, mspId, clientId), name, id), limit),
);

/** A page of one client's assets by (name, id). */
export async function listAssets(
  db: Executor,
  mspId: string,
  clientId: string,
  filter: AssetListFilter,
): Promise<AssetRecord[]> {
  const { limit, after, ...conditions } = filter;
  if (Object.values(conditions).every((condition) => condition === undefined)) {
    const rows = after
      ? await nextPage(db, mspId, clientId, after[0], after[1], limit)
      : await firstPage(db, mspId, clientId, limit);
    return rows.map(toAsset);
  }
  let query = whereMatching(assetsOfClient(db, mspId, clientId), conditions);
  if (after) query = afterCursor(query, after[0], after[1]);
  const rows = await pageOfAssets(query, limit).execute();
  return rows.map(toAsset);
}

/** The stored columns an asset list can be ordered by; ties go by (name, id) in the same direction. */
export type AssetOrder = 'name' | 'category' | 'model' | 'in_service' | 'replacement_cost';

export interface AssetOffsetPage {
  order: AssetOrder;
  direction: 'asc' | 'desc';
  offset: number;
  /** Undefined: every matching asset from `offset` on. */
  limit?: number | undefined;
}

/**
 * One client's matching assets in the order asked, by offset, for a page that shows where it is in the whole list
 * ("51–100 of 1,234"). Blanks sort last whichever the direction.
 */
export async function listAssetsByOffset(
  db: Executor,
  mspId: string,
  clientId: string,
  filter: Omit<AssetListFilter, 'limit' | 'after'>,
  page: AssetOffsetPage,
): Promise<AssetRecord[]> {
  let query = whereMatching(assetsOfClient(db, mspId, clientId), filter).select(columns);
  const direction = page.direction;
  const blanksLast = (order: OrderByItemBuilder) =>
    direction === 'asc' ? order.asc().nullsLast() : order.desc().nullsLast();
  switch (page.order) {
    case 'category':
      query = query.orderBy('category', direction);
      break;
    case 'model':
      query = query.orderBy('model', blanksLast);
      break;
    case 'in_service':
      query = query.orderBy(sql`coalesce(in_service_on, purchased_on)`, blanksLast);
      break;
    case 'replacement_cost':
      query = query.orderBy('replacement_cost', blanksLast);
      break;
    case 'name':
      break;
  }
  query = query.orderBy('name', direction).orderBy('id', direction).offset(page.offset);
  if (page.limit !== undefined) query = query.limit(page.limit);
  const rows = await query.execute();
  return rows.map(toAsset);
}

/** How many of one client's assets match the filter. */
export async function countAssets(
  db: Executor,
  mspId: string,
  clientId: string,
  filter: Omit<AssetListFilter, 'limit' | 'after'>,
): Promise<number> {
  const row = await whereMatching(assetsOfClient(db, mspId, clientId), filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
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

/** `column = v.column` for every field and provenance column, for {@link updateAssets}. */
const assignFromRecord = sql.join(
  fieldAndSourceColumns.map((column) => sql`${sql.ref(column)} = ${sql.ref(`v.${column}`)}`),
);
/** The typed columns of the JSON record set {@link updateAssets} reads. */
const recordDefinition = sql.join(
  ASSET_FIELD_ENTRIES.flatMap(([, spec]) => [
    sql`${sql.ref(spec.column)} ${sql.raw(spec.sqlType)}`,
    ...('sourceColumn' in spec ? [sql`${sql.ref(spec.sourceColumn)} text`] : []),
  ]),
);

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
    update assets as a set ${assignFromRecord}, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, ${recordDefinition})
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
