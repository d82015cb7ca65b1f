import { assetColumnsOf, assetFieldReader } from '../assets/asset.repository.js';
import type { Executor } from '../db/database.js';
import {
  recurringCostFieldColumns,
  recurringCostFieldsOf,
} from '../recurring-costs/recurring-cost.repository.js';
import { sql, type RawBuilder } from 'kysely';
import { addDaysToKey, type DateKey } from '../domain/dates.js';
import type { ForecastAsset, Initiative, RecurringCost } from '../domain/forecast.types.js';

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

/**
 * What the portfolio's refresh queries need besides the MSP: the horizon and what the engine resolved in advance.
 * Dates are the engine's date keys, as the queries compare them (see {@link addMonthsSql}).
 */
export interface RefreshCellsQuery {
  asOfKey: DateKey;
  /** The horizon's last day. */
  endKey: DateKey;
  /** First days of the 2nd … last period, then a day after the horizon: an event's period is how many it has passed. */
  periodStartKeys: DateKey[];
  /** addMonths(asOf, 12j) for j = 1, 2, … past the horizon: an event's escalation years are how many it has passed. */
  escalationStepKeys: DateKey[];
  /** The lifecycle policies the engine resolved: see {@link RefreshPolicies}. */
  policies: RefreshPolicies;
  /** Product end of support by operating-system text, as the engine's catalogue lookup answered. */
  catalogue: { operatingSystem: string; endOfSupportKey: DateKey | null }[];
  /** What counting initiatives do to assets, as the engine decided (assetActionsOf). */
  actions: { clientId: string; assetId: string; replacedKey: DateKey | null; upgraded: boolean }[];
  /** Only these clients' assets (a warm portfolio's stale clients); all of the MSP's when absent. */
  clientIds?: readonly string[];
  /**
   * Only the clients whose ids are from `from` (or the first) up to before `before` (or the last), read without
   * parallel workers: one of several parts of the MSP read side by side (see withSnapshotSessions).
   */
  clientRange?: { from: string | null; before: string | null };
}

/**
 * One row per client: its groups of assets whose first two refresh events fall alike, packed in `cells` (read them
 * with {@link forEachRefreshCell}). Each group's `events` codes the period and escalation year of the clock's first
 * and second event in the horizon (see {@link forEachRefreshEvent}). Events of assets that escalate (a price and a
 * non-zero rate) are grouped by their rate and base price, so that the engine's `escalate` rounds each distinct
 * charge once; the others arrive summed in `plain`, once per event. Every group also carries its assets' counts;
 * `later` counts the assets that may have a third event in the horizon ({@link laterRefreshCellsByClient} adds
 * those). `unknown_os` names operating systems missing from the query's `catalogue`: the client's cells are wrong
 * until the caller looks them up and asks again.
 *
 * Packed, a client's groups cost the driver one row instead of ~17 rows of twelve columns: on the benchmark's
 * 34,550 groups, reading them as rows took ~150 ms of the process's time (parsing, strings, garbage collection).
 */
export interface RefreshCellRow {
  client_id: string;
  unknown_os: string[] | null;
  /** Groups separated by ';', each the {@link REFRESH_CELL} fields in order, separated by ','; empty is absent. */
  cells: string;
}

/** The fields of one packed group, by position; an absent value reads as NaN (the counts' absent means zero). */
export const REFRESH_CELL = {
  events: 0,
  escBps: 1,
  escBase: 2,
  plain: 3,
  assets: 4,
  undated: 5,
  unpriced: 6,
  overdue: 7,
  /** Clocks due from asOf up to the category's due-soon days ahead (lifecycle status `due_soon`). */
  dueSoon: 8,
  later: 9,
} as const;
const CELL_FIELDS = 10;
const [ZERO, COMMA, SEMICOLON] = [48, 44, 59]; // '0', ',' and ';'

/**
 * Calls `add` with each group packed in a {@link RefreshCellRow}'s `cells`, as an array indexed by
 * {@link REFRESH_CELL} (the same array each time: read it before the next call). The fields are non-negative
 * integers written by PostgreSQL. A value read here differs from `Number(text)` only past 2^53, where both are
 * unsafe integers that the engine's range checks refuse.
 */
export function forEachRefreshCell(cells: string, add: (cell: Float64Array) => void): void {
  const cell = new Float64Array(CELL_FIELDS);
  const length = cells.length;
  let field = 0;
  let value = 0;
  let digits = false;
  for (let at = 0; at <= length; at++) {
    // The end closes the last group, as a ';' would.
    const code = at < length ? cells.charCodeAt(at) : SEMICOLON;
    const digit = code - ZERO;
    if (digit >= 0 && digit <= 9) {
      value = value * 10 + digit;
      digits = true;
      continue;
    }
    if ((code !== COMMA && code !== SEMICOLON) || field === CELL_FIELDS) {
      throw new Error(
        `refresh cells: unexpected ${at < length ? JSON.stringify(cells.charAt(at)) : 'end'} at ${at}`,
      );
    }
    cell[field++] = digits ? value : NaN;
    value = 0;
    digits = false;
    if (code === SEMICOLON) {
      if (field !== CELL_FIELDS) throw new Error(`refresh cells: a group of ${field} fields ends at ${at}`);
      add(cell);
      field = 0;
    }
  }
}

/** Period and escalation-year boundaries a query may have, so that an event's count of them, plus one, fits six bits. */
const EVENT_FIELD_LIMIT = 62;

/**
 * Calls `add` with the period and escalation years of each event coded in a row's `events`: (period + 1) + 64 ·
 * (escalation years + 1, or 0 when the charge does not escalate, which reads back as -1), the second event 4096
 * times the first, 0 for none. A horizon has at most 40 periods and 10 escalation years, well inside the six bits
 * each gets ({@link EVENT_FIELD_LIMIT}). One integer instead of four columns makes the query's group key and the
 * rows the driver reads narrower.
 */
export function forEachRefreshEvent(events: number, add: (period: number, years: number) => void): void {
  for (let rest = events; rest !== 0; rest >>= 12) {
    const event = rest & 4095;
    if (event !== 0) add((event & 63) - 1, (event >> 6) - 1);
  }
}

/** Refresh events after a clock's second, per client, period and escalated price (`period` is never null). */
export interface LaterRefreshCellRow {
  client_id: string;
  period: number;
  esc_bps: number | null;
  esc_y: number | null;
  esc_base: string | null;
  plain: string | null;
  refreshes: string;
}

/**
 * Lifecycle policies as the portfolio queries take them: the MSP's for every category, with its defaults filled in
 * and the view's what-if months beside them, and each client's own policy rows as stored (their nulls inherit).
 */
export interface RefreshPolicies {
  msp: {
    category: string;
    months: number;
    cost: number | null;
    bps: number;
    dueSoonDays: number;
    whatIf: number | null;
  }[];
  client: {
    clientId: string;
    category: string;
    months: number | null;
    cost: number | null;
    bps: number | null;
    dueSoonDays: number | null;
  }[];
}

/**
 * Every countable asset's refresh clock, one row each (SPEC §3 "Refresh clock of one asset", "Refresh events",
 * "Initiatives that act on assets"): `anchor` is the date of event k0 (k0 = 1 after a replacement, whose own date
 * is not an event), later events are addMonths(anchor, k·months); `due` and the counts describe the asset itself.
 *
 * Each level is a subquery with an unused `pg_is_in_recovery()` in its select list. PostgreSQL does not flatten a
 * subquery whose select list calls a volatile function into its parent, so a date computed once is not recomputed
 * wherever it is used (flattened, the query costs 2.6 times the CPU); unlike `offset 0` it does not keep the query
 * from running in parallel workers, and the function only reads a flag (a set-returning function or
 * `clock_timestamp()` measurably cost more per row).
 * The joins the MSP's data does not need (client policies, the catalogue) are left out.
 *
 * The assets come from their own index (migration 20261208000100), which has no asset ids. Initiatives act on a
 * few assets by id (`query.actions`), so when there are any, each row carries a `weight`: every asset counts once
 * as if nothing acted on it, and each acted-on asset, read again by id, once more with weight −1 as it was (which
 * cancels it exactly, being the same inputs through the same expressions) and once with weight 1 as the action
 * leaves it. The callers sum weights where they would count rows. Without actions there is no `weight` column.
 */
function assetClocks(mspId: string, query: RefreshCellsQuery) {
  const { asOfKey } = query;
  const { msp, client } = query.policies;
  const clientPolicies = client.length > 0;
  const catalogue = query.catalogue.length > 0;
  const actions = query.actions.length > 0;
  const range = query.clientRange;
  // The last day of each policy's due-soon window: the query compares keys only.
  const dueSoonUntil = (days: number | null) => (days === null ? null : addDaysToKey(asOfKey, days));
  const rules = sql`unnest(
      ${msp.map((r) => r.category)}::text[], ${msp.map((r) => r.whatIf)}::int[], ${msp.map((r) => r.months)}::int[],
      ${msp.map((r) => r.cost)}::bigint[], ${msp.map((r) => r.bps)}::int[],
      ${msp.map((r) => dueSoonUntil(r.dueSoonDays))}::int[]
    ) as r(category, what_if, months, cost, bps, due_soon_until)`;
  const ownRules = sql`unnest(
      ${client.map((r) => r.clientId)}::uuid[], ${client.map((r) => r.category)}::text[],
      ${client.map((r) => r.months)}::int[], ${client.map((r) => r.cost)}::bigint[],
      ${client.map((r) => r.bps)}::int[], ${client.map((r) => dueSoonUntil(r.dueSoonDays))}::int[]
    ) as cp(client_id, category, months, cost, bps, due_soon_until)`;
  const catalogueRows = sql`unnest(
      ${query.catalogue.map((c) => c.operatingSystem)}::text[], ${query.catalogue.map((c) => c.endOfSupportKey)}::int[]
    ) as c(os, end_of_support)`;
  const actionRows = sql`unnest(
      ${query.actions.map((a) => a.clientId)}::uuid[], ${query.actions.map((a) => a.assetId)}::uuid[],
      ${query.actions.map((a) => a.replacedKey)}::int[], ${query.actions.map((a) => a.upgraded)}::boolean[]
    ) as x(client_id, asset_id, replaced_on, upgraded)`;
  const months = clientPolicies
    ? sql`coalesce(a.lifecycle_months, r.what_if, cp.months, r.months)`
    : sql`coalesce(a.lifecycle_months, r.what_if, r.months)`;
  // One asset row with its policy and catalogue facts; `assets` is where the rows come from and what they carry
  // about actions. Each source joins the small tables itself, so that the planner sees the assets' own statistics.
  const clocks = (assets: RawBuilder<unknown>, acted: RawBuilder<unknown>) => sql`
      select a.client_id, ${months} as months,
             coalesce(a.replacement_cost, ${clientPolicies ? sql`cp.cost, ` : sql``}r.cost, a.purchase_cost) as base,
             ${clientPolicies ? sql`coalesce(cp.bps, r.bps)` : sql`r.bps`} as bps,
             ${clientPolicies ? sql`coalesce(cp.due_soon_until, r.due_soon_until)` : sql`r.due_soon_until`} as due_soon_until,
             a.in_service_key as in_service,
             ${catalogue ? sql`coalesce(a.end_of_support_key, c.end_of_support)` : sql`a.end_of_support_key`}
               as end_of_support,
             case when ${catalogue ? sql`c.os is null and ` : sql``}a.operating_system <> '' then a.operating_system end
               as unknown_os,
             ${addMonthsSql(sql`a.in_service_key`, months)} as age_due,
             ${acted},
             pg_is_in_recovery() as unflattened
      from ${assets}
      join ${rules} on r.category = a.category
      ${clientPolicies ? sql`left join ${ownRules} on cp.client_id = a.client_id and cp.category = a.category` : sql``}
      ${catalogue ? sql`left join ${catalogueRows} on c.os = a.operating_system` : sql``}
      -- The status predicate is written as the index's, so that the planner can read the index.
      where a.msp_id = ${mspId} and a.status in ('active', 'in_storage')
      ${query.clientIds === undefined ? sql`` : sql`and a.client_id = any(${[...query.clientIds]}::uuid[])`}
      ${range?.from ? sql`and a.client_id >= ${range.from}::uuid` : sql``}
      ${range?.before ? sql`and a.client_id < ${range.before}::uuid` : sql``}`;
  const rows = actions
    ? sql`${clocks(sql`assets a`, sql`1 as weight, null::int as replaced_on, false as upgraded`)}
      union all
      ${clocks(
        sql`assets a
          join ${actionRows} on x.client_id = a.client_id and x.asset_id = a.id
          cross join lateral (values (-1, null::int, false), (1, x.replaced_on, coalesce(x.upgraded, false)))
            as v(weight, replaced_on, upgraded)`,
        sql`v.weight, v.replaced_on, v.upgraded`,
      )}`
    : clocks(sql`assets a`, sql`null::int as replaced_on, false as upgraded`);
  return sql`
    select t.*,
           case when t.replaced_on is not null then 1 else 0 end as k0,
           case when t.replaced_on is not null then t.replaced_on
                when t.in_service is null then null
                when not t.upgraded and t.end_of_support > t.in_service
                     and t.end_of_support < t.age_due then greatest(t.end_of_support, ${asOfKey}::int)
                else greatest(t.age_due, ${asOfKey}::int) end as anchor,
           case when t.end_of_support > t.in_service and t.end_of_support < t.age_due
                then t.end_of_support else t.age_due end as due,
           pg_is_in_recovery() as unflattened
    from (${rows}) t`;
}

/**
 * The portfolio's refresh events, counted and summed inside PostgreSQL: one pass over the MSP's assets, one row
 * per asset with its first two events coded in one column, grouped (see {@link RefreshCellRow}). Most clocks have at most
 * two events in a horizon of ten years or less; the assets flagged `later` are expanded event by event by
 * {@link laterRefreshCellsByClient}. The TypeScript engine stays the definition: tests/integration/
 * portfolio-forecast.test.ts holds these queries to it cell by cell.
 *
 * Dates are date keys (see {@link addMonthsSql}), and every event is computed from its clock's anchor, never
 * chained; an event's month index is the anchor's plus its months, which rules events out before the day is
 * worked out. Runs inside the
 * caller's transaction (it sets how JIT compiles it and its work_mem for it alone).
 */
export async function refreshCellsByClient(
  db: Executor,
  mspId: string,
  query: RefreshCellsQuery,
): Promise<RefreshCellRow[]> {
  const { asOfKey, endKey } = query;
  if (
    query.periodStartKeys.length > EVENT_FIELD_LIMIT ||
    query.escalationStepKeys.length > EVENT_FIELD_LIMIT
  ) {
    throw new RangeError('The horizon has more periods or escalation years than a refresh row can code');
  }
  const { period, years } = eventBucketsOf(query);
  await settleQuerySettings(db, query.clientRange !== undefined);
  const { weight, count, sum, netted } = weightingOf(query);
  const result = await sql<RefreshCellRow>`
    -- Run in parallel, the workers' partial groups (about two per final group) meet in one process, where each
    -- sum(bigint) state would be taken back from its numeric form: summed as two integer halves, a price (at most
    -- 10^14, under 2^47, as the tables and policies check) needs no conversion, and that last step takes a third
    -- less time.
    -- array_agg without distinct: a distinct aggregate needs its rows sorted, which costs more than the caller's Set.
    select client_id, array_agg(unknown_os) filter (where unknown_os is not null) as unknown_os,
           string_agg(events || ',' || coalesce(esc_bps::text, '') || ',' || coalesce(esc_base::text, '') || ','
                      || coalesce((plain_high::numeric * 16777216 + plain_low)::text, '') || ',' || assets || ','
                      || coalesce(nullif(undated, 0)::text, '') || ',' || coalesce(nullif(unpriced, 0)::text, '')
                      || ',' || coalesce(nullif(overdue, 0)::text, '') || ',' || coalesce(nullif(due_soon, 0)::text, '')
                      || ',' || coalesce(nullif(later, 0)::text, ''),
                      ';') as cells
    from (
    select client_id, unknown_os, events, esc_bps, esc_base,
           ${sum(sql`(plain >> 24)::int`)} as plain_high, ${sum(sql`(plain & 16777215)::int`)} as plain_low,
           ${count()} as assets, ${count('undated')} as undated, ${count('unpriced')} as unpriced,
           ${count('overdue')} as overdue, ${count('due_soon')} as due_soon, ${count('later')} as later
    from (
      select e.client_id, e.unknown_os, e.undated, e.unpriced, e.overdue, e.due_soon, e.later${weight},
             case when e.e0 <= ${endKey}::int
                  then ${period(sql`e.e0`)} + 1
                       + case when e.escalates then 64 * (${years(sql`e.e0`)} + 1) else 0 end
                  else 0 end
             + case when e.e1 <= ${endKey}::int
                    then 4096 * (${period(sql`e.e1`)} + 1
                         + case when e.escalates then 64 * (${years(sql`e.e1`)} + 1) else 0 end)
                    else 0 end as events,
             case when e.escalates then e.bps end as esc_bps,
             case when e.escalates then e.base end as esc_base,
             case when not e.escalates then e.base end as plain
      from (
        select s.client_id, s.unknown_os, s.base, s.bps${weight},
               s.base is not null and s.bps <> 0 as escalates,
               s.in_service is null as undated,
               s.base is null as unpriced,
               s.due < ${asOfKey}::int as overdue,
               s.due >= ${asOfKey}::int and s.due <= s.due_soon_until as due_soon,
               case when s.k0 = 0 then s.anchor else ${addMonthsSql(sql`s.anchor`, sql`s.months`)} end as e0,
               case when (s.anchor >> 5) + (s.k0 + 1) * s.months <= ${endKey >> 5}::int
                    then ${addMonthsSql(sql`s.anchor`, sql`(s.k0 + 1) * s.months`)} end as e1,
               (s.anchor >> 5) + (s.k0 + 2) * s.months <= ${endKey >> 5}::int as later,
               pg_is_in_recovery() as unflattened
        from (${assetClocks(mspId, query)}) s
      ) e
    ) z
    group by client_id, unknown_os, events, esc_bps, esc_base
    ${netted}
    ) g
    group by client_id`.execute(db);
  return result.rows;
}

/**
 * The refresh events after each clock's second, for the clients whose assets {@link refreshCellsByClient} flagged
 * `later` (short lifecycles or long horizons): one row per client, period and escalated price, events without
 * escalation summed in `plain`.
 */
export async function laterRefreshCellsByClient(
  db: Executor,
  mspId: string,
  query: RefreshCellsQuery & { clientIds: readonly string[] },
): Promise<LaterRefreshCellRow[]> {
  await settleQuerySettings(db, query.clientRange !== undefined);
  const { endKey } = query;
  const { period, years } = eventBucketsOf(query);
  const { weight, count, sum, netted } = weightingOf(query);
  const result = await sql<LaterRefreshCellRow>`
    select client_id, period, esc_bps, esc_y, esc_base, ${sum(sql`plain`)}::text as plain, ${count()}::text as refreshes
    from (
      select v.client_id, v.period${weight},
             case when v.escalated then v.bps end as esc_bps,
             case when v.escalated then v.y end as esc_y,
             case when v.escalated then v.base end as esc_base,
             case when not v.escalated then v.base end as plain
      from (
        select g.client_id, g.base, g.bps${weight}, ${period(sql`g.on_date`)} as period,
               ${years(sql`g.on_date`)} as y,
               g.base is not null and g.bps <> 0 and ${years(sql`g.on_date`)} > 0 as escalated
        from (
          select w.client_id, w.base, w.bps${weight},
                 ${addMonthsSql(sql`w.anchor`, sql`w.k * w.months`)} as on_date,
                 pg_is_in_recovery() as unflattened
          from (
            select s.client_id, s.base, s.bps, s.anchor, s.months${weight},
                   generate_series(s.k0 + 2, (${endKey >> 5}::int - (s.anchor >> 5)) / s.months) as k
            from (${assetClocks(mspId, query)}) s
            where (s.anchor >> 5) + (s.k0 + 2) * s.months <= ${endKey >> 5}::int
          ) w
        ) g
        where g.on_date <= ${endKey}::int
      ) v
    ) z
    group by client_id, period, esc_bps, esc_y, esc_base
    ${netted}`.execute(db);
  return result.rows;
}

/**
 * How a refresh query counts and sums its rows. With initiatives' actions the rows are weighted (see assetClocks):
 * `weight` carries the column up through the query's levels, counts and sums are of weights, and `netted` drops a
 * group of acted-on assets alone, which nets to nothing (every one of its sums is zero). Without, rows are counted.
 */
function weightingOf(query: RefreshCellsQuery) {
  const weighted = query.actions.length > 0;
  return {
    weight: weighted ? sql`, weight` : sql``,
    /** The rows' count, or of those meeting a boolean column. */
    count: (condition?: string) => {
      const total = weighted ? sql`sum(weight)` : sql`count(*)`;
      return condition === undefined ? total : sql`${total} filter (where ${sql.ref(condition)})`;
    },
    sum: (value: RawBuilder<unknown>) => (weighted ? sql`sum(weight * ${value})` : sql`sum(${value})`),
    netted: weighted ? sql`having sum(weight) <> 0` : sql``,
  };
}

/**
 * An event's period index and escalation years, from its date key. Every event is on or after asOf (a clock's
 * anchor is never before it, nor is a replacement's date) and on or before the horizon's end.
 */
function eventBucketsOf(query: RefreshCellsQuery) {
  const { asOfKey, endKey } = query;
  return {
    period: (key: RawBuilder<unknown>) =>
      thresholdsOnOrBeforeSql(key, query.periodStartKeys, asOfKey, endKey),
    years: (key: RawBuilder<unknown>) =>
      thresholdsOnOrBeforeSql(key, query.escalationStepKeys, asOfKey, endKey),
  };
}

/**
 * How many of `thresholds` (ascending date keys) are on or before `key`, in SQL, for a key from `from` to `last`:
 * `width_bucket(key, thresholds)`. Thresholds past `last` never count and are left out. When the others are evenly
 * spaced, s apart from t₁ (a horizon's period starts are the first days of every period's first month; escalation
 * steps fall on asOf's day every twelve months), key ≥ t₁ + (k − 1)·s exactly when (key − t₁ + s) / s ≥ k, so the
 * count is one integer division: provided the next threshold, t₁ + m·s, is past `last`, and t₁ − s is not after
 * `from` (the dividend is never negative, so dividing truncates as floor does). A lone threshold takes any spacing
 * that meets both. Unevenly spaced thresholds (steps from a 29 February, clamped to the 28th in other years) keep
 * `width_bucket`, a binary search through an array on every call that costs the million-asset query about a tenth
 * of its time.
 */
export function thresholdsOnOrBeforeSql(
  key: RawBuilder<unknown>,
  thresholds: readonly DateKey[],
  from: DateKey,
  last: DateKey,
): RawBuilder<number> {
  const counted = thresholds.filter((threshold) => threshold <= last);
  const [first] = counted;
  if (first === undefined) return sql<number>`0`;
  const spacing = counted.length === 1 ? Math.max(last - first + 1, first - from, 1) : counted[1]! - first;
  const even =
    spacing > 0 &&
    counted.every((threshold, index) => threshold === first + index * spacing) &&
    first + counted.length * spacing > last &&
    first - spacing <= from;
  return even
    ? sql<number>`((${key} - ${first - spacing}::int) / ${spacing}::int)`
    : sql<number>`width_bucket(${key}, ${counted}::int[])`;
}

/**
 * `key` plus `months` calendar months, on date keys (dateKeyOf in src/domain/dates.ts, `date_key` in migration
 * 20261207000100: (year · 12 + month − 1) · 32 + day): addMonthsToKey in SQL. The month index grows by `months`; a
 * day past the 28th is clamped to the new month's last day. Integer arithmetic in place of `date + interval`, which
 * converts each date to year, month and day and back.
 */
export function addMonthsSql(key: RawBuilder<unknown>, months: RawBuilder<unknown>): RawBuilder<number> {
  const monthIndex = sql`((${key} >> 5) + ${months})`;
  const year = sql`(${monthIndex} / 12)`;
  const lastDay = sql`case when ${monthIndex} % 12 = 1
                           then case when ${year} % 4 = 0 and (${year} % 100 <> 0 or ${year} % 400 = 0) then 29 else 28 end
                           else 31 - ${monthIndex} % 12 % 7 % 2 end`;
  return sql<number>`(case when ${key} & 31 <= 28 then ${key} + 32 * (${months})
                          else ${monthIndex} * 32 + least(${key} & 31, ${lastDay}) end)`;
}

/**
 * Compiling the expressions (JIT, where the server has it and the query is large enough to pass `jit_above_cost`)
 * takes a tenth off the million-asset query; optimising and inlining the compiled code takes longer than the query
 * runs. The groups fit in memory.
 *
 * The assets are read from the countable assets' index, which carries the query's columns in client order (see
 * migration 20261208000100): the planner prices that scan above a sequential one, but in storage order every asset lands on a
 * different one of ~35,000 groups and the grouping stalls on memory. It is chosen only while the pages vacuum last
 * marked all-visible are at least nine tenths of the table's pages now (rows written since then grow the table);
 * otherwise the scan would visit the table for many assets anyway, and an embedded database that never vacuums keeps
 * the sequential scan. Updates since the last vacuum are not counted, as the planner does not count them either:
 * autovacuum comes by before a fifth of the rows have changed. The settings last until the transaction ends; what it
 * reads after these queries is one client's assets at most, by index either way. `serial` rules out parallel workers:
 * the query is one part of several that other sessions read at the same time.
 */
async function settleQuerySettings(db: Executor, serial: boolean): Promise<void> {
  // `set_config(…, true)` is `set local`: one statement, so that they cost one round trip.
  await sql`
    select set_config('jit_optimize_above_cost', '-1', true), set_config('jit_inline_above_cost', '-1', true),
           set_config('work_mem', '64MB', true),
           ${serial ? sql`set_config('max_parallel_workers_per_gather', '0', true),` : sql``}
           set_config('enable_seqscan', case when v.index_only then 'off' else current_setting('enable_seqscan') end, true),
           set_config('enable_bitmapscan', case when v.index_only then 'off' else current_setting('enable_bitmapscan') end, true)
    from (select c.relallvisible > 0
                 and c.relallvisible >= 0.9 * pg_relation_size(c.oid) / current_setting('block_size')::int as index_only
          from pg_class c where c.oid = 'assets'::regclass) v`.execute(db);
}
