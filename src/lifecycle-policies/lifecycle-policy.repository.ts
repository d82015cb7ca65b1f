import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { sql, type Expression, type ExpressionBuilder, type Selectable } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Executor } from '../db/database.js';
import type { LifecyclePolicyTable } from '../db/schema.js';
import type { AssetCategory, LifecyclePolicy } from '../domain/forecast.types.js';
import type { PutLifecyclePolicy } from './lifecycle-policy.schemas.js';

/** The columns of a policy, with the level it is at (client_id null: the MSP's own). */
export const policyColumns = [
  'client_id',
  'category',
  'lifecycle_months',
  'replacement_cost',
  'annual_escalation_bps',
  'due_soon_days',
] as const;

type PolicyRow = Pick<Selectable<LifecyclePolicyTable>, (typeof policyColumns)[number]>;

/** The one mapping from a policy row to the domain's LifecyclePolicy. */
export function toPolicy(row: PolicyRow): LifecyclePolicy {
  return {
    category: row.category as AssetCategory,
    lifecycleMonths: row.lifecycle_months,
    replacementCost: row.replacement_cost,
    annualEscalationBps: row.annual_escalation_bps,
    dueSoonDays: row.due_soon_days,
  };
}

/** The policies of one level: the MSP's own (clientId null) or one client's overrides. */
export async function listPolicies(
  db: Executor,
  mspId: string,
  clientId: string | null,
): Promise<LifecyclePolicy[]> {
  let query = db.selectFrom('lifecycle_policies').select(policyColumns).where('msp_id', '=', mspId);
  query = clientId === null ? query.where('client_id', 'is', null) : query.where('client_id', '=', clientId);
  const rows = await query.orderBy('category').execute();
  return rows.map(toPolicy);
}

export interface PoliciesInEffect {
  msp: LifecyclePolicy[];
  client: LifecyclePolicy[];
}

function splitLevels(rows: readonly PolicyRow[]): PoliciesInEffect {
  return {
    msp: rows.filter((row) => row.client_id === null).map(toPolicy),
    client: rows.filter((row) => row.client_id !== null).map(toPolicy),
  };
}

const appliesToClient = (clientId: Expression<string>) => (eb: ExpressionBuilder<DB, 'lifecycle_policies'>) =>
  eb.or([eb('lifecycle_policies.client_id', 'is', null), eb('lifecycle_policies.client_id', '=', clientId)]);

/**
 * For embedding in a query over `clients`: the policies (both levels) that apply to the row's client, as a JSON
 * array, which saves the caller a round trip.
 */
export function clientPoliciesJson(eb: ExpressionBuilder<DB, 'clients'>) {
  return jsonArrayFrom(
    eb
      .selectFrom('lifecycle_policies')
      .select(policyColumns)
      .whereRef('lifecycle_policies.msp_id', '=', 'clients.msp_id')
      .where(appliesToClient(eb.ref('clients.id'))),
  );
}

/** Both levels that apply to one client, or undefined when the client is not the MSP's; one query. */
export async function findPoliciesInEffect(
  db: Executor,
  mspId: string,
  clientId: string,
): Promise<PoliciesInEffect | undefined> {
  const row = await db
    .selectFrom('clients')
    .select((eb) => clientPoliciesJson(eb).as('policies'))
    .where('clients.msp_id', '=', mspId)
    .where('clients.id', '=', clientId)
    .executeTakeFirst();
  return row && splitLevels(row.policies);
}

/**
 * Every client's policies in effect at once, for a portfolio: the MSP's policies and all client overrides in one
 * query, split per client (a client without overrides gets the MSP's alone).
 */
export async function findPoliciesInEffectByClient(
  db: Executor,
  mspId: string,
  /** Only these clients' overrides (and the MSP's policies); every client's when undefined. */
  clientIds?: readonly string[],
): Promise<(clientId: string) => PoliciesInEffect> {
  let query = db.selectFrom('lifecycle_policies').select(policyColumns).where('msp_id', '=', mspId);
  if (clientIds) {
    query = query.where((eb) =>
      eb.or([eb('client_id', 'is', null), eb('client_id', '=', sql<string>`any(${clientIds}::uuid[])`)]),
    );
  }
  const rows = await query.execute();
  const { msp } = splitLevels(rows.filter((row) => row.client_id === null));
  const byClient = new Map<string, LifecyclePolicy[]>();
  for (const row of rows) {
    if (row.client_id === null) continue;
    const forClient = byClient.get(row.client_id) ?? [];
    forClient.push(toPolicy(row));
    byClient.set(row.client_id, forClient);
  }
  return (clientId) => ({ msp, client: byClient.get(clientId) ?? [] });
}

export async function findPolicy(
  db: Executor,
  mspId: string,
  clientId: string | null,
  category: AssetCategory,
): Promise<LifecyclePolicy | undefined> {
  let query = db
    .selectFrom('lifecycle_policies')
    .select(policyColumns)
    .where('msp_id', '=', mspId)
    .where('category', '=', category);
  query = clientId === null ? query.where('client_id', 'is', null) : query.where('client_id', '=', clientId);
  const row = await query.executeTakeFirst();
  return row && toPolicy(row);
}

/** Creates or replaces the policy of one category at one level. */
export async function upsertPolicy(
  db: Executor,
  mspId: string,
  clientId: string | null,
  category: AssetCategory,
  values: PutLifecyclePolicy,
): Promise<LifecyclePolicy> {
  const fields = {
    lifecycle_months: values.lifecycleMonths ?? null,
    replacement_cost: values.replacementCost ?? null,
    annual_escalation_bps: values.annualEscalationBps ?? null,
    due_soon_days: values.dueSoonDays ?? null,
  };
  const row = await db
    .insertInto('lifecycle_policies')
    .values({ msp_id: mspId, client_id: clientId, category, ...fields })
    // The two partial unique indexes: one for MSP-level rows, one for client-level rows.
    .onConflict((oc) =>
      (clientId === null
        ? oc.columns(['msp_id', 'category']).where('client_id', 'is', null)
        : oc.columns(['msp_id', 'client_id', 'category']).where('client_id', 'is not', null)
      ).doUpdateSet({ ...fields, updated_at: new Date() }),
    )
    .returning(policyColumns)
    .executeTakeFirstOrThrow();
  return toPolicy(row);
}

export async function deletePolicy(
  db: Executor,
  mspId: string,
  clientId: string | null,
  category: AssetCategory,
): Promise<boolean> {
  let query = db
    .deleteFrom('lifecycle_policies')
    .where('msp_id', '=', mspId)
    .where('category', '=', category);
  query = clientId === null ? query.where('client_id', 'is', null) : query.where('client_id', '=', clientId);
  const result = await query.executeTakeFirst();
  return result.numDeletedRows > 0n;
}
