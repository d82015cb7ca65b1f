import { assetColumnsOf, assetFieldReader } from '../assets/asset.repository.js';
import type { Executor } from '../db/database.js';
import { policyColumns, toPolicy } from '../lifecycle-policies/lifecycle-policy.repository.js';
import type {
  AssetCategory,
  ForecastAsset,
  Initiative,
  LifecyclePolicy,
  PoliciesByCategory,
  RecurringCost,
} from '../domain/forecast.types.js';

/** Reads what a forecast needs, mapped to the pure engine's input types. Every query is scoped by MSP. */

export interface PolicySet {
  msp: PoliciesByCategory;
  byClient: Map<string, PoliciesByCategory>;
}

/** The MSP's policies and every client override (or one client's, when `clientId` is given), in one query. */
export async function loadPolicies(db: Executor, mspId: string, clientId?: string): Promise<PolicySet> {
  let query = db.selectFrom('lifecycle_policies').select(policyColumns).where('msp_id', '=', mspId);
  if (clientId)
    query = query.where((eb) => eb.or([eb('client_id', 'is', null), eb('client_id', '=', clientId)]));
  const rows = await query.execute();
  const msp: Partial<Record<AssetCategory, LifecyclePolicy>> = {};
  const byClient = new Map<string, Partial<Record<AssetCategory, LifecyclePolicy>>>();
  for (const row of rows) {
    const policy = toPolicy(row);
    if (row.client_id === null) msp[policy.category] = policy;
    else {
      const forClient = byClient.get(row.client_id) ?? {};
      forClient[policy.category] = policy;
      byClient.set(row.client_id, forClient);
    }
  }
  return { msp, byClient };
}

export async function listRecurringCosts(
  db: Executor,
  mspId: string,
  clientId?: string,
): Promise<(RecurringCost & { clientId: string })[]> {
  let query = db
    .selectFrom('recurring_costs')
    .select([
      'id',
      'client_id',
      'name',
      'vendor',
      'amount',
      'quantity',
      'interval',
      'starts_on',
      'ends_on',
      'annual_escalation_bps',
    ])
    .where('msp_id', '=', mspId);
  if (clientId) query = query.where('client_id', '=', clientId);
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    clientId: row.client_id,
    name: row.name,
    vendor: row.vendor,
    amount: row.amount,
    quantity: row.quantity,
    interval: row.interval,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    annualEscalationBps: row.annual_escalation_bps,
  }));
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
      'status',
      'target_on',
      'capex_cost',
      'monthly_opex_cost',
      'opex_months',
    ])
    .where('msp_id', '=', mspId)
    .where('status', 'in', ['proposed', 'approved', 'in_progress']);
  if (clientId) query = query.where('client_id', '=', clientId);
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    clientId: row.client_id,
    title: row.title,
    status: row.status,
    targetOn: row.target_on,
    capexCost: row.capex_cost,
    monthlyOpexCost: row.monthly_opex_cost,
    opexMonths: row.opex_months,
  }));
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
