import type { Executor } from '../db/database.js';
import { addDaysToKey, addMonthsToKey, isoDateOfKey } from '../domain/dates.js';
import { assetActionsOf, resolveForecastContext, type ForecastAccumulator } from '../domain/forecast.js';
import { ASSET_CATEGORIES, type ForecastContext, type Initiative } from '../domain/forecast.types.js';
import { escalate } from '../domain/money.js';
import {
  DEFAULT_DUE_SOON_DAYS,
  DEFAULT_LIFECYCLE_MONTHS,
  type LifecycleRules,
} from '../domain/refresh-clock.js';
import * as repository from './forecast.repository.js';

/**
 * The portfolio's refresh events, counted and summed per client and period inside the database (reading a
 * million assets into the process costs ten times a pass over them in SQL). The engine still decides everything
 * that is not per asset: the horizon, what initiatives do to which assets, the catalogue's answer for each
 * operating-system text, and the rounding of every escalated charge. The query is held to the engine cell by cell
 * by tests/integration/portfolio-forecast.test.ts.
 */

/** Operating-system texts already looked up, across requests: the catalogue is fixed for the process's life. */
const knownEndOfSupport = new Map<string, string | null>();
const KNOWN_LIMIT = 10_000;

export interface ClientRefreshInputs {
  context: ForecastContext;
  initiatives: readonly Initiative[];
  accumulator: ForecastAccumulator;
}

/**
 * Adds every client's refresh cells and asset counts to its accumulator (which already holds the client's
 * initiatives). Returns the clients whose cells could not be added exactly (an amount past 2^53 − 1): the caller
 * recomputes those event by event, so that the error names the input as the engine does. `dueSoon`, when given,
 * receives each client's count of clocks due soon (their lifecycle status `due_soon`), from the same pass.
 * `only` names the clients when they are only some of the MSP's (a warm portfolio's stale ones): the queries then
 * read their assets alone.
 */
export async function addRefreshCellsFromDatabase(
  db: Executor,
  mspId: string,
  clients: ReadonlyMap<string, ClientRefreshInputs>,
  dueSoon?: Map<string, number>,
  only?: readonly string[],
): Promise<Set<string>> {
  const failed = new Set<string>();
  const first = clients.values().next();
  if (first.done) return failed;
  // Every client shares the view (asOf, horizon, scenario, what-ifs) and the MSP's policies; only their own
  // policies differ.
  const { context: sample } = first.value;
  const { asOfKey, horizon, rules } = resolveForecastContext(sample);
  const afterEnd = isoDateOfKey(addDaysToKey(horizon.endKey, 1));
  const escalationSteps: string[] = [];
  for (let years = 1; ; years++) {
    const step = addMonthsToKey(asOfKey, 12 * years);
    if (step > horizon.endKey) break;
    escalationSteps.push(isoDateOfKey(step));
  }
  const actions: repository.RefreshCellsQuery['actions'] = [];
  for (const [clientId, { context, initiatives }] of clients) {
    for (const [assetId, action] of assetActionsOf(initiatives, context)) {
      actions.push({
        clientId,
        assetId,
        replacedOn: action.replacementId === null ? null : isoDateOfKey(action.replacementKey),
        upgraded: action.upgraded,
      });
    }
  }
  const query: repository.RefreshCellsQuery = {
    asOf: isoDateOfKey(asOfKey),
    end: isoDateOfKey(horizon.endKey),
    periodStarts: [...horizon.periods.slice(1).map((period) => period.start), afterEnd],
    escalationSteps: [...escalationSteps, afterEnd],
    policies: policiesOf(sample, clients),
    catalogue: [],
    actions,
  };

  const { rows, catalogue } = await withCatalogue(rules, (known) =>
    repository.refreshCellsByClient(db, mspId, {
      ...query,
      catalogue: known,
      ...(only === undefined ? {} : { clientIds: only }),
    }),
  );

  const withLater = new Set<string>();
  /** Adds to a client's cells; a client whose sums leave the exact range is left to the caller. */
  const feed = (clientId: string, work: (accumulator: ForecastAccumulator) => void) => {
    const client = clients.get(clientId);
    if (client === undefined || failed.has(clientId)) return;
    try {
      work(client.accumulator);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      failed.add(clientId);
    }
  };
  for (const row of rows) {
    if (dueSoon !== undefined && row.due_soon !== null) {
      dueSoon.set(row.client_id, (dueSoon.get(row.client_id) ?? 0) + Number(row.due_soon));
    }
    if (row.later !== null) withLater.add(row.client_id);
    feed(row.client_id, (accumulator) => addRow(accumulator, row));
  }
  if (withLater.size > 0) {
    const later = await repository.laterRefreshCellsByClient(db, mspId, {
      ...query,
      catalogue,
      clientIds: [...withLater],
    });
    for (const row of later) {
      feed(row.client_id, (accumulator) => {
        const count = Number(row.refreshes);
        let amount = row.plain === null ? 0 : Number(row.plain);
        // The same rounding as the engine's, once per distinct charge: every event here has this amount.
        if (row.esc_base !== null) amount += escalate(Number(row.esc_base), row.esc_bps!, row.esc_y!) * count;
        accumulator.addRefreshCell(row.period, amount, count);
      });
    }
  }
  return failed;
}

/** Adds one row of {@link repository.refreshCellsByClient}: its assets' counts and their first two events. */
function addRow(accumulator: ForecastAccumulator, row: repository.RefreshCellRow): void {
  if (row.undated !== null || row.unpriced !== null || row.overdue !== null) {
    accumulator.addAssetCounts({
      undated: Number(row.undated ?? 0),
      unpriced: Number(row.unpriced ?? 0),
      overdue: Number(row.overdue ?? 0),
    });
  }
  // Every asset of the row has its first event, and its second when there is one, each at the same charge.
  const count = Number(row.assets);
  repository.forEachRefreshEvent(row.events, (period, years) =>
    accumulator.addRefreshCell(period, chargesOf(row, years, count), count),
  );
}

/** What `count` events of a row cost in a period `years` escalation years from asOf. */
function chargesOf(row: repository.RefreshCellRow, years: number, count: number): number {
  if (row.esc_base === null) return Number(row.plain ?? 0);
  const base = Number(row.esc_base);
  // The same rounding as the engine's, once per distinct charge: every event here has this amount.
  return (years > 0 ? escalate(base, row.esc_bps!, years) : base) * count;
}

/**
 * The policies the clients' contexts were built from, as the queries take them: the MSP's (the same in every
 * context) with their defaults and the view's what-ifs, and each client's own rows.
 */
function policiesOf(
  sample: ForecastContext,
  clients: ReadonlyMap<string, ClientRefreshInputs>,
): repository.RefreshPolicies {
  return {
    msp: ASSET_CATEGORIES.map((category) => {
      const policy = sample.mspPolicies?.[category];
      return {
        category,
        months: policy?.lifecycleMonths ?? DEFAULT_LIFECYCLE_MONTHS,
        cost: policy?.replacementCost ?? null,
        bps: policy?.annualEscalationBps ?? 0,
        dueSoonDays: policy?.dueSoonDays ?? DEFAULT_DUE_SOON_DAYS,
        whatIf: sample.lifecycleOverrides?.[category] ?? null,
      };
    }),
    client: [...clients].flatMap(([clientId, { context }]) =>
      Object.values(context.clientPolicies ?? {}).map((policy) => ({
        clientId,
        category: policy.category,
        months: policy.lifecycleMonths,
        cost: policy.replacementCost,
        bps: policy.annualEscalationBps,
        dueSoonDays: policy.dueSoonDays,
      })),
    ),
  };
}

/**
 * Runs a query that needs the catalogue's end of support for each operating-system text, with the texts this process
 * already knows; when rows name texts it does not, asks the engine's catalogue for them and runs it once more.
 */
async function withCatalogue<Row extends { unknown_os: string | null }>(
  rules: LifecycleRules,
  run: (catalogue: repository.RefreshCellsQuery['catalogue']) => Promise<Row[]>,
): Promise<{ rows: Row[]; catalogue: repository.RefreshCellsQuery['catalogue'] }> {
  const lookedUp = new Map(knownEndOfSupport);
  const catalogueOf = () =>
    [...lookedUp].map(([operatingSystem, endOfSupportOn]) => ({ operatingSystem, endOfSupportOn }));
  const first = catalogueOf();
  const rows = await run(first);
  const unknown = new Set(rows.flatMap((row) => (row.unknown_os === null ? [] : [row.unknown_os])));
  if (unknown.size === 0) return { rows, catalogue: first };
  for (const operatingSystem of unknown) {
    const key = rules.catalogueFacts(operatingSystem).endOfSupportKey;
    const endOfSupportOn = key < 0 ? null : isoDateOfKey(key);
    lookedUp.set(operatingSystem, endOfSupportOn);
    if (knownEndOfSupport.size < KNOWN_LIMIT) knownEndOfSupport.set(operatingSystem, endOfSupportOn);
  }
  const complete = catalogueOf();
  const again = await run(complete);
  if (again.some((row) => row.unknown_os !== null)) {
    throw new Error('operating systems stayed unknown after looking them up');
  }
  return { rows: again, catalogue: complete };
}

/** For tests: forgets the operating-system texts looked up so far. */
export function forgetKnownOperatingSystems(): void {
  knownEndOfSupport.clear();
}
