import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import type { Principal } from '../auth/principal.js';
import { conflict, invalid, notFound } from '../http/errors.js';
import { decodeTypedCursor, pageOf } from '../http/schemas.js';
import {
  lifecycleRules,
  lifecycleRulesFor,
  policiesInEffect,
} from '../lifecycle-policies/lifecycle-policy.service.js';
import { refreshClockOf, type LifecycleRules } from '../domain/refresh-clock.js';
import { pickAssetFields, SYNCED_FIELDS, type AssetFields } from './asset.fields.js';
import * as assets from './asset.repository.js';
import type {
  Asset,
  AssetRecord,
  CreateAsset,
  ListAssetsQuery,
  SyncAssetItem,
  SyncAssets,
  SyncResult,
  UpdateAsset,
} from './asset.schemas.js';
import { planAssetWrite, type AssetWrite } from './asset.write-plan.js';

/** The asset with its refresh clock at the rules' asOf. */
export function withLifecycle(asset: AssetRecord, rules: LifecycleRules): Asset {
  return { ...asset, lifecycle: refreshClockOf(asset, rules) };
}

/** A stored asset as a write starts from it. */
function storedWrite(asset: AssetRecord): AssetWrite {
  return { fields: pickAssetFields(asset), dateSources: asset.dateSources };
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
  db: Executor,
  auth: Principal,
  clientId: string,
  input: CreateAsset,
  asOf: string,
): Promise<Asset> {
  const write = planAssetWrite(undefined, input, 'manual');
  return withTransaction(db, async (trx) => {
    await getClient(trx, auth, clientId);
    await assertExternalIdFree(trx, auth.mspId, clientId, write.fields);
    const created = await assets.insertAsset(trx, auth.mspId, clientId, write);
    return withLifecycle(created, await lifecycleRulesFor(trx, auth, clientId, asOf));
  });
}

export async function getAsset(
  db: Executor,
  auth: Principal,
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
  db: Executor,
  auth: Principal,
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
  return pageOf(matches, query.limit, (asset) => [asset.name, asset.id]);
}

/** The orders a browsed list can take: the stored columns, and the computed refresh due date. */
export const ASSET_LIST_ORDERS = [
  'name',
  'category',
  'model',
  'inService',
  'dueOn',
  'replacementCost',
] as const;
export type AssetListOrder = (typeof ASSET_LIST_ORDERS)[number];

export interface BrowseAssetsQuery extends Pick<
  ListAssetsQuery,
  'category' | 'status' | 'lifecycleStatus' | 'q'
> {
  order: AssetListOrder;
  direction: 'asc' | 'desc';
  offset: number;
  limit: number;
}

const STORED_ORDERS: Record<Exclude<AssetListOrder, 'dueOn'>, assets.AssetOrder> = {
  name: 'name',
  category: 'category',
  model: 'model',
  inService: 'in_service',
  replacementCost: 'replacement_cost',
};

/**
 * A page of a client's assets by offset, with how many match in all: the console's inventory, which says "51–100
 * of 1,234" and links to any page. The same filters as {@link listAssets}, and in name order the same rows. The
 * database pages and counts by itself unless the page depends on the computed clock (a lifecycle status ok,
 * due_soon or overdue, or the order by due date): then the matching dated assets are read in name order, their
 * clocks computed, and the page cut from those.
 */
export async function browseAssets(
  db: Executor,
  auth: Principal,
  clientId: string,
  query: BrowseAssetsQuery,
  asOf: string,
): Promise<{ items: Asset[]; total: number }> {
  const wanted = query.lifecycleStatus;
  const computedStatus = wanted === 'ok' || wanted === 'due_soon' || wanted === 'overdue';
  const filter = {
    category: query.category,
    status: query.status,
    q: query.q,
    clock: wanted === 'inactive' || wanted === 'undated' ? wanted : computedStatus ? 'dated' : undefined,
  } as const;
  if (!computedStatus && query.order !== 'dueOn') {
    const [inEffect, rows, total] = await Promise.all([
      policiesInEffect(db, auth, clientId),
      assets.listAssetsByOffset(db, auth.mspId, clientId, filter, {
        order: STORED_ORDERS[query.order],
        direction: query.direction,
        offset: query.offset,
        limit: query.limit,
      }),
      assets.countAssets(db, auth.mspId, clientId, filter),
    ]);
    if (!inEffect) throw notFound('client');
    if (total === 0) await getClient(db, auth, clientId);
    const rules = lifecycleRules(asOf, inEffect);
    return { items: rows.map((asset) => withLifecycle(asset, rules)), total };
  }
  const [inEffect, rows] = await Promise.all([
    policiesInEffect(db, auth, clientId),
    assets.listAssetsByOffset(db, auth.mspId, clientId, filter, {
      order: 'name',
      direction: query.order === 'name' ? query.direction : 'asc',
      offset: 0,
    }),
  ]);
  if (!inEffect) throw notFound('client');
  if (rows.length === 0) await getClient(db, auth, clientId);
  const rules = lifecycleRules(asOf, inEffect);
  let matches = rows.map((asset) => withLifecycle(asset, rules));
  if (computedStatus) matches = matches.filter((asset) => asset.lifecycle.status === wanted);
  if (query.order === 'dueOn') {
    const sign = query.direction === 'asc' ? 1 : -1;
    // A stable sort keeps name order among equal dates; assets with no due date go last either way.
    matches.sort((a, b) => {
      const left = a.lifecycle.dueOn;
      const right = b.lifecycle.dueOn;
      if (left === null || right === null) return left === right ? 0 : left === null ? 1 : -1;
      return sign * left.localeCompare(right);
    });
  }
  return { items: matches.slice(query.offset, query.offset + query.limit), total: matches.length };
}

/**
 * The client's assets among `assetIds`, by name, as stored (no refresh clock): what an initiative's linked assets
 * are called. Ids of other clients' assets are left out.
 */
export async function findAssetsByIds(
  db: Executor,
  auth: Principal,
  clientId: string,
  assetIds: readonly string[],
): Promise<AssetRecord[]> {
  if (assetIds.length === 0) return [];
  return assets.listAssets(db, auth.mspId, clientId, { ids: assetIds, limit: assetIds.length });
}

export async function updateAsset(
  db: Executor,
  auth: Principal,
  clientId: string,
  assetId: string,
  input: UpdateAsset,
  asOf: string,
): Promise<Asset> {
  return withTransaction(db, async (trx) => {
    const current = await assets.findAsset(trx, auth.mspId, clientId, assetId);
    if (!current) throw notFound('asset');
    const write = planAssetWrite(storedWrite(current), input, 'manual');
    const changes = write.changes.fields;
    const merged = write.fields;
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
    const updated = await assets.updateAsset(trx, auth.mspId, clientId, assetId, write.changes);
    if (!updated) throw notFound('asset');
    return withLifecycle(updated, await lifecycleRulesFor(trx, auth, clientId, asOf));
  });
}

export async function deleteAsset(
  db: Executor,
  auth: Principal,
  clientId: string,
  assetId: string,
): Promise<void> {
  if (!(await assets.deleteAsset(db, auth.mspId, clientId, assetId))) throw notFound('asset');
}

/** The fields a sync item gives; the rest keep their stored values. */
function syncedFieldsOf(item: SyncAssetItem): Partial<AssetFields> {
  const given: Partial<Record<keyof AssetFields, unknown>> = {};
  for (const name of SYNCED_FIELDS) given[name] = item[name];
  return given as Partial<AssetFields>;
}

/**
 * Idempotent bulk upsert by (externalSource, externalId), in one transaction. A field an item leaves out keeps its
 * stored value; dates that change are recorded as coming from `sync`.
 */
export async function syncAssets(
  db: Executor,
  auth: Principal,
  clientId: string,
  input: SyncAssets,
): Promise<SyncResult> {
  return withTransaction(db, async (trx) => {
    await getClient(trx, auth, clientId);
    await assets.lockExternalSource(trx, clientId, input.externalSource);
    const existing = await assets.listAssetsFromSource(trx, auth.mspId, clientId, input.externalSource);
    const byExternalId = new Map(existing.map((asset) => [asset.externalId, asset]));

    const creates: assets.NewAsset[] = [];
    const updates: (assets.NewAsset & { id: string })[] = [];
    let unchanged = 0;
    for (const item of input.assets) {
      const current = byExternalId.get(item.externalId);
      const given = syncedFieldsOf(item);
      if (!current) {
        creates.push(
          planAssetWrite(
            undefined,
            {
              ...given,
              name: item.name,
              category: item.category,
              externalSource: input.externalSource,
              externalId: item.externalId,
            },
            'sync',
          ),
        );
        continue;
      }
      const write = planAssetWrite(storedWrite(current), given, 'sync');
      if (!write.changed) {
        unchanged += 1;
        continue;
      }
      updates.push({ id: current.id, fields: write.fields, dateSources: write.dateSources });
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
