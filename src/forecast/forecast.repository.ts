import { assetColumnsOf, assetFieldReader } from '../assets/asset.repository.js';
import type { Executor } from '../db/database.js';
import {
  recurringCostFieldColumns,
  recurringCostFieldsOf,
} from '../recurring-costs/recurring-cost.repository.js';
import type { ForecastAsset, Initiative, RecurringCost } from '../domain/forecast.types.js';

/** Reads what a forecast needs, mapped to the pure engine's input types. Every query is scoped by MSP. */

export async function listRecurringCosts(
  db: Executor,
  mspId: string,
  clientId?: string,
): Promise<(RecurringCost & { clientId: string })[]> {
  let query = db
    .selectFrom('recurring_costs')
    .select([...recurringCostFieldColumns, 'client_id'])
    .where('msp_id', '=', mspId);
  if (clientId) query = query.where('client_id', '=', clientId);
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => ({ ...recurringCostFieldsOf(row), clientId: row.client_id }));
}

export async function listInitiatives(
  db: Executor,
  mspId: string,
  clientId?: string,
): Promise<(Initiative & { clientId: string })[]> {
  let query = db
    .selectFrom('initiatives')
    .select([
      'id',
      'client_id',
      'title',
      'kind',
      'status',
      'target_on',
      'capex_cost',
      'monthly_opex_cost',
      'opex_months',
    ])
    .where('msp_id', '=', mspId)
    .where('status', 'in', COUNTABLE_STATUSES);
  if (clientId) query = query.where('client_id', '=', clientId);
  const rows = await query.orderBy('id').execute();
  const assetIds = await linkedAssetIds(db, mspId, clientId);
  return rows.map((row) => ({
    id: row.id,
    clientId: row.client_id,
    title: row.title,
    kind: row.kind,
    status: row.status,
    assetIds: assetIds.get(row.id) ?? [],
    targetOn: row.target_on,
    capexCost: row.capex_cost,
    monthlyOpexCost: row.monthly_opex_cost,
    opexMonths: row.opex_months,
  }));
}

/** Statuses that some scenario counts; the others never reach the engine. */
const COUNTABLE_STATUSES = ['proposed', 'approved', 'in_progress'] as const;

/** The assets linked to countable replacements and upgrades (a project's links change no forecast), by initiative. */
async function linkedAssetIds(
  db: Executor,
  mspId: string,
  clientId?: string,
): Promise<Map<string, string[]>> {
  let query = db
    .selectFrom('initiative_assets as ia')
    .innerJoin('initiatives as i', (join) =>
      join.onRef('i.id', '=', 'ia.initiative_id').onRef('i.msp_id', '=', 'ia.msp_id'),
    )
    .select(['ia.initiative_id', 'ia.asset_id'])
    .where('ia.msp_id', '=', mspId)
    .where('i.kind', '!=', 'project')
    .where('i.status', 'in', COUNTABLE_STATUSES);
  if (clientId) query = query.where('i.client_id', '=', clientId);
  const byInitiative = new Map<string, string[]>();
  for (const row of await query.orderBy('ia.initiative_id').orderBy('ia.asset_id').execute()) {
    const list = byInitiative.get(row.initiative_id);
    if (list === undefined) byInitiative.set(row.initiative_id, [row.asset_id]);
    else list.push(row.asset_id);
  }
  return byInitiative;
}

export type ClientForecastAsset = ForecastAsset & { clientId: string };

/** The asset fields a forecast reads: {@link ForecastAsset} but its id. */
const FORECAST_FIELDS = [
  'name',
  'category',
  'status',
  'operatingSystem',
  'purchasedOn',
  'inServiceOn',
  'warrantyExpiresOn',
  'endOfSupportOn',
  'purchaseCost',
  'replacementCost',
  'lifecycleMonths',
] as const satisfies readonly Exclude<keyof ForecastAsset, 'id'>[];
const forecastFieldsExhaustive: [
  Exclude<keyof ForecastAsset, 'id' | (typeof FORECAST_FIELDS)[number]>,
] extends [never]
  ? true
  : never = true;
void forecastFieldsExhaustive;
const forecastColumns = assetColumnsOf(FORECAST_FIELDS);
const forecastFieldsOf = assetFieldReader(FORECAST_FIELDS);

/**
 * The MSP's countable assets (active and in storage) in keyset batches ordered by (client, id), so that a
 * portfolio of a million assets is read with flat memory. With `clientId`, one client's.
 */
export async function* assetBatches(
  db: Executor,
  mspId: string,
  options: { clientId?: string; batchSize?: number } = {},
): AsyncGenerator<ClientForecastAsset[]> {
  const batchSize = options.batchSize ?? 5000;
  let after: { clientId: string; id: string } | undefined;
  for (;;) {
    let query = db
      .selectFrom('assets')
      .select(['id', 'client_id', ...forecastColumns])
      .where('msp_id', '=', mspId)
      .where('status', 'in', ['active', 'in_storage']);
    if (options.clientId) query = query.where('client_id', '=', options.clientId);
    if (after) {
      // A row comparison, so that PostgreSQL seeks in the (msp_id, client_id, id) index instead of rescanning.
      const { clientId, id } = after;
      query = query.where((eb) => eb(eb.refTuple('client_id', 'id'), '>', eb.tuple(clientId, id)));
    }
    const rows = await query.orderBy('client_id').orderBy('id').limit(batchSize).execute();
    if (rows.length === 0) return;
    yield rows.map((row) => ({
      id: row.id,
      clientId: row.client_id,
      ...forecastFieldsOf(row),
    }));
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { clientId: last.client_id, id: last.id };
  }
}
