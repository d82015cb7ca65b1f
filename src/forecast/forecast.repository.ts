import { assetColumnsOf, assetFieldReader } from '../assets/asset.repository.js';
import type { Executor } from '../db/database.js';
import {
  recurringCostFieldColumns,
  recurringCostFieldsOf,
} from '../recurring-costs/recurring-cost.repository.js';
import { sql } from 'kysely';
import {
  ASSET_CATEGORIES,
  type ForecastAsset,
  type Initiative,
  type RecurringCost,
} from '../domain/forecast.types.js';
import { DEFAULT_DUE_SOON_DAYS } from '../domain/refresh-clock.js';

/** Reads what a forecast needs, mapped to the pure engine's input types. Every query is scoped by MSP. */

/** Which clients a query reads: one, some (a portfolio's stale clients), or, when undefined, all of the MSP's. */
export type ClientScope = string | readonly string[] | undefined;

export async function listRecurringCosts(
  db: Executor,
  mspId: string,
  clients?: ClientScope,
): Promise<(RecurringCost & { clientId: string })[]> {
  let query = db
    .selectFrom('recurring_costs')
    .select([...recurringCostFieldColumns, 'client_id'])
    .where('msp_id', '=', mspId);
  if (typeof clients === 'string') query = query.where('client_id', '=', clients);
  else if (clients) query = query.where('client_id', '=', sql<string>`any(${clients}::uuid[])`);
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => ({ ...recurringCostFieldsOf(row), clientId: row.client_id }));
}

export async function listInitiatives(
  db: Executor,
  mspId: string,
  clients?: ClientScope,
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
  if (typeof clients === 'string') query = query.where('client_id', '=', clients);
  else if (clients) query = query.where('client_id', '=', sql<string>`any(${clients}::uuid[])`);
  const rows = await query.orderBy('id').execute();
  const assetIds = await linkedAssetIds(db, mspId, clients);
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
  clients: ClientScope,
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
  if (typeof clients === 'string') query = query.where('i.client_id', '=', clients);
  else if (clients) query = query.where('i.client_id', '=', sql<string>`any(${clients}::uuid[])`);
  const byInitiative = new Map<string, string[]>();
  for (const row of await query.orderBy('ia.initiative_id').orderBy('ia.asset_id').execute()) {
    const list = byInitiative.get(row.initiative_id);
    if (list === undefined) byInitiative.set(row.initiative_id, [row.asset_id]);
    else list.push(row.asset_id);
  }
  return byInitiative;
}

/** A client of the portfolio with the versions its cached figures are tagged by (see portfolio-cache.ts). */
export interface PortfolioClientRow {
  id: string;
  name: string;
  currency: string;
  /** Bumped by triggers whenever anything this client's forecast reads changes. */
  dataVersion: number;
  /** The MSP's, bumped when an MSP-level lifecycle policy changes. */
  mspDataVersion: number;
}

/** The MSP's clients in the portfolio's order, with their data versions: read them in the snapshot of the data. */
export async function listPortfolioClients(db: Executor, mspId: string): Promise<PortfolioClientRow[]> {
  const rows = await db
    .selectFrom('clients as c')
    .innerJoin('msps as m', 'm.id', 'c.msp_id')
    .select(['c.id', 'c.name', 'c.currency', 'c.data_version', 'm.data_version as msp_data_version'])
    .where('c.msp_id', '=', mspId)
    .orderBy('c.name')
    .orderBy('c.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    currency: row.currency,
    dataVersion: row.data_version,
    mspDataVersion: row.msp_data_version,
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

/** What the portfolio's refresh query needs besides the MSP: the horizon and what the engine resolved in advance. */
export interface RefreshCellsQuery {
  asOf: string;
  /** The horizon's last day. */
  end: string;
  /** First days of the 2nd … last period, then a day after the horizon: `width_bucket` gives the period index. */
  periodStarts: string[];
  /** addMonths(asOf, 12j) for j = 1, 2, … past the horizon: `width_bucket` gives the escalation years. */
  escalationSteps: string[];
  /** What-if lifecycle months by category. */
  lifecycleOverrides: { category: string; months: number }[];
  /** Product end of support by operating-system text, as the engine's catalogue lookup answered. */
  catalogue: { operatingSystem: string; endOfSupportOn: string | null }[];
  /** What counting initiatives do to assets, as the engine decided (assetActionsOf). */
  actions: { clientId: string; assetId: string; replacedOn: string | null; upgraded: boolean }[];
}

/**
 * One row per (client, period, escalated price): refresh events counted and summed inside PostgreSQL. An
 * escalated charge is round(base × factor^y), rounded per charge, so the database groups events by (bps, y, base)
 * and leaves the rounding to the engine's `escalate`; events without escalation arrive summed (`plain`).
 * `period` is null on rows that carry only counts. `unknownOs` names operating systems missing from `catalogue`:
 * their rows are wrong until the caller looks them up and asks again.
 */
export interface RefreshCellRow {
  client_id: string;
  period: number | null;
  unknown_os: string | null;
  esc_bps: number | null;
  esc_y: number | null;
  esc_base: string | null;
  plain: string | null;
  refreshes: string;
  undated: string;
  unpriced: string;
  overdue: string;
  /** Clocks due from asOf up to the category's due-soon days ahead (lifecycle status `due_soon`). */
  due_soon: string;
}

/**
 * The refresh events of every countable asset of the MSP, aggregated per client and period (SPEC §3 "Refresh
 * clock of one asset", "Refresh events", "Initiatives that act on assets"). The TypeScript engine stays the
 * definition: this query is held to it cell by cell by tests/integration/portfolio-forecast.test.ts.
 *
 * - `date + interval 'n months'` clamps to the month's last day exactly as addMonths does, and every event is
 *   computed from its clock's anchor (E1, or the replacement date), never chained.
 * - The number of events per clock is bounded by (end − anchor) / 28 days / L (a whole month has at least 28
 *   days); the surplus is dropped by `on_date <= end`. The first row of each asset is kept to carry its counts.
 * - `offset 0` keeps each level a subquery, so that a date computed once is not recomputed wherever it is used.
 * Runs inside the caller's transaction (it sets jit and work_mem for it alone).
 */
export async function refreshCellsByClient(
  db: Executor,
  mspId: string,
  query: RefreshCellsQuery,
  /** Only these clients' assets (a warm portfolio's stale clients); null for every client of the MSP. */
  clientIds: readonly string[] | null = null,
): Promise<RefreshCellRow[]> {
  // A dozen nested expressions make JIT compile for longer than the query runs; the groups fit in memory.
  await sql`set local jit = off`.execute(db);
  await sql`set local work_mem = '64MB'`.execute(db);
  const { asOf, end } = query;
  const result = await sql<RefreshCellRow>`
    with overrides as (
      select * from unnest(${query.lifecycleOverrides.map((o) => o.category)}::text[],
                           ${query.lifecycleOverrides.map((o) => o.months)}::int[]) as o(category, months)
    ), catalogue as (
      select * from unnest(${query.catalogue.map((c) => c.operatingSystem)}::text[],
                           ${query.catalogue.map((c) => c.endOfSupportOn)}::date[]) as c(os, end_of_support_on)
    ), actions as (
      select * from unnest(${query.actions.map((a) => a.clientId)}::uuid[],
                           ${query.actions.map((a) => a.assetId)}::uuid[],
                           ${query.actions.map((a) => a.replacedOn)}::date[],
                           ${query.actions.map((a) => a.upgraded)}::boolean[]) as x(client_id, asset_id, replaced_on, upgraded)
    ), rules as (
      select c.id as client_id, k.category,
             coalesce(o.months, cp.lifecycle_months, mp.lifecycle_months, 36) as months,
             coalesce(cp.replacement_cost, mp.replacement_cost) as replacement_cost,
             coalesce(cp.annual_escalation_bps, mp.annual_escalation_bps, 0) as bps,
             coalesce(cp.due_soon_days, mp.due_soon_days, ${DEFAULT_DUE_SOON_DAYS}) as due_soon_days
      from clients c
      cross join unnest(${[...ASSET_CATEGORIES]}::text[]) as k(category)
      left join lifecycle_policies cp
        on cp.msp_id = ${mspId} and cp.client_id = c.id and cp.category = k.category
      left join lifecycle_policies mp
        on mp.msp_id = ${mspId} and mp.client_id is null and mp.category = k.category
      left join overrides o on o.category = k.category
      where c.msp_id = ${mspId}
    )
    select client_id, period, unknown_os, esc_bps, esc_y, esc_base,
           sum(plain)::text as plain, count(period)::text as refreshes,
           count(*) filter (where undated)::text as undated, count(*) filter (where unpriced)::text as unpriced,
           count(*) filter (where overdue)::text as overdue, count(*) filter (where due_soon)::text as due_soon
    from (
      select e.client_id, e.period, e.undated, e.unpriced, e.overdue, e.due_soon, e.unknown_os,
             case when e.escalated then e.bps end as esc_bps,
             case when e.escalated then e.y end as esc_y,
             case when e.escalated then e.base end as esc_base,
             case when e.period is not null and not e.escalated then e.base end as plain
      from (
        select v.*, v.period is not null and v.base is not null and v.bps <> 0 and v.y > 0 as escalated
        from (
          select w.*,
                 case when w.on_date <= ${end}::date then width_bucket(w.on_date, ${query.periodStarts}::date[]) end as period,
                 width_bucket(w.on_date, ${query.escalationSteps}::date[]) as y
          from (
            select s.client_id, s.base, s.bps,
                   case when k = s.k0 then s.unknown_os end as unknown_os,
                   case when k = s.k0 then s.in_service is null end as undated,
                   case when k = s.k0 then s.base is null end as unpriced,
                   case when k = s.k0 then s.due < ${asOf}::date end as overdue,
                   case when k = s.k0 then s.due >= ${asOf}::date and s.due <= ${asOf}::date + s.due_soon_days
                        end as due_soon,
                   k = s.k0 as first_row,
                   case when k = 0 then s.anchor
                        else (s.anchor + make_interval(months => k * s.months))::date end as on_date
            from (
              select d.*,
                     case when d.replaced_on is not null then 1 else 0 end as k0,
                     case when d.replaced_on is not null then d.replaced_on
                          when d.in_service is null then null
                          when not d.upgraded and d.end_of_support_on > d.in_service
                               and d.end_of_support_on < d.age_due then greatest(d.end_of_support_on, ${asOf}::date)
                          else greatest(d.age_due, ${asOf}::date) end as anchor,
                     case when d.end_of_support_on > d.in_service and d.end_of_support_on < d.age_due
                          then d.end_of_support_on else d.age_due end as due
              from (
                select a.client_id,
                       coalesce(a.lifecycle_months, r.months) as months,
                       coalesce(a.replacement_cost, r.replacement_cost, a.purchase_cost) as base,
                       r.bps, r.due_soon_days,
                       coalesce(a.in_service_on, a.purchased_on) as in_service,
                       coalesce(a.end_of_support_on, cat.end_of_support_on) as end_of_support_on,
                       case when cat.os is null and a.operating_system <> '' then a.operating_system end as unknown_os,
                       (coalesce(a.in_service_on, a.purchased_on)
                         + make_interval(months => coalesce(a.lifecycle_months, r.months)))::date as age_due,
                       x.replaced_on,
                       coalesce(x.upgraded, false) as upgraded
                from assets a
                join rules r on r.client_id = a.client_id and r.category = a.category
                left join catalogue cat on cat.os = a.operating_system
                left join actions x on x.client_id = a.client_id and x.asset_id = a.id
                where a.msp_id = ${mspId} and a.status in ('active', 'in_storage')
                  and (${clientIds}::uuid[] is null or a.client_id = any(${clientIds}::uuid[]))
                offset 0
              ) d
              offset 0
            ) s
            cross join lateral generate_series(
              s.k0, greatest((${end}::date - s.anchor) / 28 / s.months, s.k0)) as k
            offset 0
          ) w
          where w.first_row or w.on_date <= ${end}::date
          offset 0
        ) v
      ) e
    ) z
    group by client_id, period, unknown_os, esc_bps, esc_y, esc_base`.execute(db);
  return result.rows;
}
