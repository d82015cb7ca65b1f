import type { Executor } from '../db/database.js';
import { addDaysToKey, addMonthsToKey, isoDateOfKey } from '../domain/dates.js';
import { assetActionsOf, resolveForecastContext, type ForecastAccumulator } from '../domain/forecast.js';
import type { ForecastContext, Initiative } from '../domain/forecast.types.js';
import { escalate } from '../domain/money.js';
import type { LifecycleRules } from '../domain/refresh-clock.js';
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
 * `scope` is 'some' when `clients` are only some of the MSP's (a warm portfolio's stale ones): the query then
 * reads their assets alone.
 */
export async function addRefreshCellsFromDatabase(
  db: Executor,
  mspId: string,
  clients: ReadonlyMap<string, ClientRefreshInputs>,
  dueSoon?: Map<string, number>,
  scope: 'all' | 'some' = 'all',
): Promise<Set<string>> {
  const failed = new Set<string>();
  const first = clients.values().next();
  if (first.done) return failed;
  // Every client shares the view (asOf, horizon, scenario, what-ifs); only their policies differ, and those the
  // query reads itself.
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
    lifecycleOverrides: Object.entries(sample.lifecycleOverrides ?? {}).map(([category, months]) => ({
      category,
      months: months!,
    })),
    catalogue: [],
    actions,
  };

  const rows = await withCatalogue(rules, (catalogue) =>
    repository.refreshCellsByClient(
      db,
      mspId,
      { ...query, catalogue },
      scope === 'all' ? null : [...clients.keys()],
    ),
  );

  for (const row of rows) {
    const dueSoonCount = Number(row.due_soon);
    if (dueSoon !== undefined && dueSoonCount > 0) {
      dueSoon.set(row.client_id, (dueSoon.get(row.client_id) ?? 0) + dueSoonCount);
    }
    const client = clients.get(row.client_id);
    if (client === undefined || failed.has(row.client_id)) continue;
    try {
      client.accumulator.addAssetCounts({
        undated: Number(row.undated),
        unpriced: Number(row.unpriced),
        overdue: Number(row.overdue),
      });
      if (row.period === null) continue;
      const count = Number(row.refreshes);
      let amount = row.plain === null ? 0 : Number(row.plain);
      if (row.esc_base !== null) {
        // The same rounding as the engine's, once per distinct charge: every event here has this amount.
        amount += escalate(Number(row.esc_base), row.esc_bps!, row.esc_y!) * count;
      }
      client.accumulator.addRefreshCell(row.period, amount, count);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      failed.add(row.client_id);
    }
  }
  return failed;
}

/**
 * Runs a query that needs the catalogue's end of support for each operating-system text, with the texts this process
 * already knows; when rows name texts it does not, asks the engine's catalogue for them and runs it once more.
 */
async function withCatalogue<Row extends { unknown_os: string | null }>(
  rules: LifecycleRules,
  run: (catalogue: repository.RefreshCellsQuery['catalogue']) => Promise<Row[]>,
): Promise<Row[]> {
  const lookedUp = new Map(knownEndOfSupport);
  const catalogueOf = () =>
    [...lookedUp].map(([operatingSystem, endOfSupportOn]) => ({ operatingSystem, endOfSupportOn }));
  const rows = await run(catalogueOf());
  const unknown = new Set(rows.flatMap((row) => (row.unknown_os === null ? [] : [row.unknown_os])));
  if (unknown.size === 0) return rows;
  for (const operatingSystem of unknown) {
    const key = rules.catalogueFacts(operatingSystem).endOfSupportKey;
    const endOfSupportOn = key < 0 ? null : isoDateOfKey(key);
    lookedUp.set(operatingSystem, endOfSupportOn);
    if (knownEndOfSupport.size < KNOWN_LIMIT) knownEndOfSupport.set(operatingSystem, endOfSupportOn);
  }
  const again = await run(catalogueOf());
  if (again.some((row) => row.unknown_os !== null)) {
    throw new Error('operating systems stayed unknown after looking them up');
  }
  return again;
}

/** For tests: forgets the operating-system texts looked up so far. */
export function forgetKnownOperatingSystems(): void {
  knownEndOfSupport.clear();
}
