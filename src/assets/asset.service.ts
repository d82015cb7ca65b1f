import { getClient } from '../clients/client.service.js';
import type { Db, Executor } from '../db/database.js';
import type { Principal as AuthContext } from '../auth/principal.js';
import { conflict, invalid, notFound } from '../http/errors.js';
import { decodeTypedCursor, encodeCursor } from '../http/schemas.js';
import {
  lifecycleRules,
  lifecycleRulesFor,
  policiesInEffect,
} from '../lifecycle-policies/lifecycle-policy.service.js';
import { refreshClockOf, type LifecycleRules } from '../domain/refresh-clock.js';
import * as assets from './asset.repository.js';
import {
  DATE_FIELDS,
  NO_OPTIONAL_ASSET_FIELDS,
  type Asset,
  type AssetFields,
  type AssetRecord,
  type CreateAsset,
  type DateSource,
  type DateSources,
  type ListAssetsQuery,
  type SyncAssetItem,
  type SyncAssets,
  type SyncResult,
  type UpdateAsset,
} from './asset.schemas.js';

/** The asset with its refresh clock at the rules' asOf. */
export function withLifecycle(asset: AssetRecord, rules: LifecycleRules): Asset {
  return { ...asset, lifecycle: refreshClockOf(asset, rules) };
}

const emptyFields: Omit<AssetFields, 'name' | 'category'> = { ...NO_OPTIONAL_ASSET_FIELDS, status: 'active' };

/** A new asset's date provenance: every date it has came from `source`. */
function sourcesOf(fields: AssetFields, source: DateSource): DateSources {
  return {
    purchasedOn: fields.purchasedOn === null ? null : source,
    inServiceOn: fields.inServiceOn === null ? null : source,
    warrantyExpiresOn: fields.warrantyExpiresOn === null ? null : source,
    endOfSupportOn: fields.endOfSupportOn === null ? null : source,
  };
}

/** Provenance after a change: a date that changes takes `source`, an unchanged one keeps its own. */
function changedSources(
  current: AssetRecord,
  changes: Partial<AssetFields>,
  source: DateSource,
): Partial<DateSources> {
  const out: Partial<DateSources> = {};
  for (const field of DATE_FIELDS) {
    const value = changes[field];
    if (value === undefined) continue;
    out[field] = value === null ? null : value === current[field] ? current.dateSources[field] : source;
  }
  return out;
}

function definedEntries<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

async function assertExternalIdFree(
  db: Executor,
  mspId: string,
  clientId: string,
  fields: Pick<AssetFields, 'externalSource' | 'externalId'>,
  exceptId?: string,
): Promise<void> {
  if (fields.externalSource === null || fields.externalId === null) return;
  const existing = await assets.findAssetByExternalId(
    db,
    mspId,
    clientId,
    fields.externalSource,
    fields.externalId,
  );
  if (existing && existing.id !== exceptId) {
    throw conflict(`Asset "${existing.name}" already has this external id`, [
      { path: 'body.externalId', message: `is already used by asset ${existing.id} for this externalSource` },
    ]);
  }
}

export async function createAsset(
  db: Db,
  auth: AuthContext,
  clientId: string,
  input: CreateAsset,
  asOf: string,
): Promise<Asset> {
  const fields: AssetFields = {
    ...emptyFields,
    ...definedEntries(input),
    name: input.name,
    category: input.category,
  };
  return db.transaction().execute(async (trx) => {
    await getClient(trx, auth, clientId);
    await assertExternalIdFree(trx, auth.mspId, clientId, fields);
    const created = await assets.insertAsset(trx, auth.mspId, clientId, {
      fields,
      dateSources: sourcesOf(fields, 'manual'),
    });
    return withLifecycle(created, await lifecycleRulesFor(trx, auth, clientId, asOf));
  });
}

export async function getAsset(
  db: Db,
  auth: AuthContext,
  clientId: string,
  assetId: string,
  asOf: string,
): Promise<Asset> {
  // The asset query is scoped to the MSP and the client, so a found asset proves the client too.
  const [asset, inEffect] = await Promise.all([
    assets.findAsset(db, auth.mspId, clientId, assetId),
    policiesInEffect(db, auth, clientId),
  ]);
  if (!asset || !inEffect) throw notFound('asset');
  return withLifecycle(asset, lifecycleRules(asOf, inEffect));
}

/** Rows read per round trip while a computed filter (lifecycleStatus) is thinning the page out. */
const SCAN_BATCH = 500;

export async function listAssets(
  db: Db,
  auth: AuthContext,
  clientId: string,
  query: ListAssetsQuery,
  asOf: string,
): Promise<{ items: Asset[]; nextCursor: string | null }> {
  const after = decodeTypedCursor(query.cursor, ['text', 'uuid']);
  const wanted = query.lifecycleStatus;
  // The database filter is exact for all but ok / due_soon / overdue, which depend on policies and the
  // end-of-support catalogue: for those, scan in order until the page fills.
  const computed = wanted === 'ok' || wanted === 'due_soon' || wanted === 'overdue';
  const filter: assets.AssetListFilter = {
    category: query.category,
    status: query.status,
    q: query.q,
    clock: wanted === 'inactive' || wanted === 'undated' ? wanted : computed ? 'dated' : undefined,
    limit: computed ? SCAN_BATCH : query.limit + 1,
    after,
  };
  // The policies (usually cached) load alongside the first page; an empty page proves nothing about the client,
  // so only then is the client looked up on its own.
  const [inEffect, firstBatch] = await Promise.all([
    policiesInEffect(db, auth, clientId),
    assets.listAssets(db, auth.mspId, clientId, filter),
  ]);
  if (!inEffect) throw notFound('client');
  if (firstBatch.length === 0) await getClient(db, auth, clientId);
  const rules = lifecycleRules(asOf, inEffect);

  const matches: Asset[] = [];
  let batch = firstBatch;
  for (;;) {
    for (const asset of batch) {
      const withClock = withLifecycle(asset, rules);
      if (!computed || withClock.lifecycle.status === wanted) matches.push(withClock);
      if (matches.length > query.limit) break;
    }
    const last = batch.at(-1);
    if (!computed || matches.length > query.limit || batch.length < SCAN_BATCH || !last) break;
    batch = await assets.listAssets(db, auth.mspId, clientId, { ...filter, after: [last.name, last.id] });
  }
  const more = matches.length > query.limit;
  const page = more ? matches.slice(0, query.limit) : matches;
  const last = page.at(-1);
  return { items: page, nextCursor: more && last ? encodeCursor([last.name, last.id]) : null };
}

export async function updateAsset(
  db: Db,
  auth: AuthContext,
  clientId: string,
  assetId: string,
  input: UpdateAsset,
  asOf: string,
): Promise<Asset> {
  const changes = definedEntries(input) as Partial<AssetFields>;
  return db.transaction().execute(async (trx) => {
    const current = await assets.findAsset(trx, auth.mspId, clientId, assetId);
    if (!current) throw notFound('asset');
    const merged = { ...current, ...changes };
    if ((merged.externalSource === null) !== (merged.externalId === null)) {
      const path =
        changes.externalId !== undefined || changes.externalSource === undefined
          ? 'externalId'
          : 'externalSource';
      throw invalid(`body.${path}`, 'externalSource and externalId are set together');
    }
    if (changes.externalSource !== undefined || changes.externalId !== undefined) {
      await assertExternalIdFree(trx, auth.mspId, clientId, merged, assetId);
    }
    const updated = await assets.updateAsset(trx, auth.mspId, clientId, assetId, {
      fields: changes,
      dateSources: changedSources(current, changes, 'manual'),
    });
    if (!updated) throw notFound('asset');
    return withLifecycle(updated, await lifecycleRulesFor(trx, auth, clientId, asOf));
  });
}

export async function deleteAsset(
  db: Db,
  auth: AuthContext,
  clientId: string,
  assetId: string,
): Promise<void> {
  if (!(await assets.deleteAsset(db, auth.mspId, clientId, assetId))) throw notFound('asset');
}

const syncedFieldNames = [
  'name',
  'category',
  'manufacturer',
  'model',
  'serialNumber',
  'assetTag',
  'location',
  'assignedTo',
  'operatingSystem',
  'purchasedOn',
  'inServiceOn',
  'warrantyExpiresOn',
  'endOfSupportOn',
  'purchaseCost',
  'replacementCost',
  'lifecycleMonths',
  'status',
  'notes',
] as const satisfies readonly (keyof SyncAssetItem & keyof AssetFields)[];

/** The fields an item changes on the stored asset, or undefined when every given field already matches. */
function syncChanges(current: AssetRecord, item: SyncAssetItem): Partial<AssetFields> | undefined {
  let changes: Partial<AssetFields> | undefined;
  for (const name of syncedFieldNames) {
    const value = item[name];
    if (value !== undefined && value !== current[name]) (changes ??= {})[name] = value as never;
  }
  return changes;
}

/**
 * Idempotent bulk upsert by (externalSource, externalId), in one transaction. A field an item leaves out keeps its
 * stored value; dates that change are recorded as coming from `sync`.
 */
export async function syncAssets(
  db: Db,
  auth: AuthContext,
  clientId: string,
  input: SyncAssets,
): Promise<SyncResult> {
  return db.transaction().execute(async (trx) => {
    await getClient(trx, auth, clientId);
    await assets.lockExternalSource(trx, clientId, input.externalSource);
    const existing = await assets.listAssetsFromSource(trx, auth.mspId, clientId, input.externalSource);
    const byExternalId = new Map(existing.map((asset) => [asset.externalId, asset]));

    const creates: assets.NewAsset[] = [];
    const updates: (assets.NewAsset & { id: string })[] = [];
    let unchanged = 0;
    for (const item of input.assets) {
      const current = byExternalId.get(item.externalId);
      if (!current) {
        const { externalId, ...given } = item;
        const fields: AssetFields = {
          ...emptyFields,
          ...definedEntries(given),
          name: item.name,
          category: item.category,
          externalSource: input.externalSource,
          externalId,
        };
        creates.push({ fields, dateSources: sourcesOf(fields, 'sync') });
        continue;
      }
      const changes = syncChanges(current, item);
      if (!changes) {
        unchanged += 1;
        continue;
      }
      const {
        id,
        clientId: _client,
        dateSources,
        createdAt: _created,
        updatedAt: _updated,
        ...stored
      } = current;
      updates.push({
        id,
        fields: { ...stored, ...changes },
        dateSources: { ...dateSources, ...changedSources(current, changes, 'sync') },
      });
    }

    const listed = new Set(input.assets.map((item) => item.externalId));
    const missing = input.retireMissing
      ? existing.filter(
          (asset) =>
            !listed.has(asset.externalId!) && (asset.status === 'active' || asset.status === 'in_storage'),
        )
      : [];

    const created = await assets.insertAssets(trx, auth.mspId, clientId, creates);
    const updated = await assets.updateAssets(trx, auth.mspId, clientId, updates);
    const retired = await assets.retireAssets(
      trx,
      auth.mspId,
      clientId,
      missing.map((asset) => asset.id),
    );
    return { created, updated, unchanged, retired };
  });
}
