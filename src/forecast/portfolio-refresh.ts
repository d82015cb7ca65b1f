import type { Executor } from '../db/database.js';
import { withSnapshotSessions } from '../db/unit-of-work.js';
import { addDaysToKey, addMonthsToKey, dateKeyOf, type DateKey } from '../domain/dates.js';
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
const knownEndOfSupport = new Map<string, DateKey | null>();
const KNOWN_LIMIT = 10_000;

/**
 * Clients per part when the MSP's assets are read in parts side by side (see {@link addRefreshCellsFromDatabase});
 * a smaller book is read in one query, whose few milliseconds another session would not shorten.
 */
export const CLIENTS_PER_PART = 50;

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
 *
 * All of a large MSP's clients are read in parts, runs of client ids that sessions sharing the transaction's
 * snapshot read at the same time (withSnapshotSessions), each without parallel workers: every part groups its
 * clients to the end in its own process, where one parallel query hands its workers' partial groups to one process
 * to finish and pack. On the 1,000,000-asset benchmark that takes a fifth off the query. The parts cut the clients
 * into equal counts, not equal assets; `clientsPerPart` (default {@link CLIENTS_PER_PART}) sets how many clients
 * a part needs at least.
 */
export async function addRefreshCellsFromDatabase(
  db: Executor,
  mspId: string,
  clients: ReadonlyMap<string, ClientRefreshInputs>,
  dueSoon?: Map<string, number>,
  only?: readonly string[],
  clientsPerPart = CLIENTS_PER_PART,
): Promise<Set<string>> {
  const failed = new Set<string>();
  const first = clients.values().next();
  if (first.done) return failed;
  // Every client shares the view (asOf, horizon, scenario, what-ifs) and the MSP's policies; only their own
  // policies differ.
  const { context: sample } = first.value;
  const { asOfKey, horizon, rules } = resolveForecastContext(sample);
  const afterEnd = addDaysToKey(horizon.endKey, 1);
  const escalationSteps: DateKey[] = [];
  for (let years = 1; ; years++) {
    const step = addMonthsToKey(asOfKey, 12 * years);
    if (step > horizon.endKey) break;
    escalationSteps.push(step);
  }
  const actions: repository.RefreshCellsQuery['actions'] = [];
  for (const [clientId, { context, initiatives }] of clients) {
    for (const [assetId, action] of assetActionsOf(initiatives, context)) {
      actions.push({
        clientId,
        assetId,
        replacedKey: action.replacementId === null ? null : action.replacementKey,
        upgraded: action.upgraded,
      });
    }
  }
  const query: repository.RefreshCellsQuery = {
    asOfKey,
    endKey: horizon.endKey,
    periodStartKeys: [...horizon.periods.slice(1).map((period) => dateKeyOf(period.start)), afterEnd],
    escalationStepKeys: [...escalationSteps, afterEnd],
    policies: policiesOf(sample, clients),
    catalogue: [],
    actions,
  };

  const parts = only === undefined ? Math.floor(clients.size / clientsPerPart) : 1;
  const { rows, catalogue } = await withCatalogue(rules, (known) =>
    withSnapshotSessions(db, parts, async (sessions) => {
      const cells = { ...query, catalogue: known, ...(only === undefined ? {} : { clientIds: only }) };
      if (sessions.length === 1) return repository.refreshCellsByClient(db, mspId, cells);
      // Client ids in PostgreSQL's uuid order (lower-case hex orders as the bytes do).
      const ids = [...clients.keys()].sort();
      const bound = (part: number) =>
        part === 0 || part === sessions.length
          ? null
          : ids[Math.floor((part * ids.length) / sessions.length)]!;
      const read = await Promise.all(
        sessions.map((session, part) =>
          repository.refreshCellsByClient(session, mspId, {
            ...cells,
            clientRange: { from: bound(part), before: bound(part + 1) },
          }),
        ),
      );
      return read.flat();
    }),
  );

  const withLater = new Set<string>();
  /** Adds to a client's cells; a client whose sums leave the exact range is left to the caller. */
  function feed<Input>(
    clientId: string,
    add: (accumulator: ForecastAccumulator, input: Input) => void,
    input: Input,
  ) {
    const client = clients.get(clientId);
    if (client === undefined || failed.has(clientId)) return;
    try {
      add(client.accumulator, input);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      failed.add(clientId);
    }
  }
  const { dueSoon: DUE_SOON, later: LATER } = repository.REFRESH_CELL;
  for (const row of rows) {
    const clientId = row.client_id;
    let clientDueSoon = 0;
    repository.forEachRefreshCell(row.cells, (cell) => {
      if (cell[DUE_SOON]! > 0) clientDueSoon += cell[DUE_SOON]!;
      if (cell[LATER]! > 0) withLater.add(clientId);
      feed(clientId, addCell, cell);
    });
    if (dueSoon !== undefined && clientDueSoon > 0) {
      dueSoon.set(clientId, (dueSoon.get(clientId) ?? 0) + clientDueSoon);
    }
  }
  if (withLater.size > 0) {
    const later = await repository.laterRefreshCellsByClient(db, mspId, {
      ...query,
      catalogue,
      clientIds: [...withLater],
    });
    for (const row of later) {
      feed(
        row.client_id,
        (accumulator, row) => {
          const count = Number(row.refreshes);
          let amount = row.plain === null ? 0 : Number(row.plain);
          // The same rounding as the engine's, once per distinct charge: every event here has this amount.
          if (row.esc_base !== null)
            amount += escalate(Number(row.esc_base), row.esc_bps!, row.esc_y!) * count;
          accumulator.addRefreshCell(row.period, amount, count);
        },
        row,
      );
    }
  }
  return failed;
}

/** Adds one group of {@link repository.refreshCellsByClient}: its assets' counts and their first two events. */
function addCell(accumulator: ForecastAccumulator, cell: Float64Array): void {
  const { events, escBps, escBase, plain, assets, undated, unpriced, overdue } = repository.REFRESH_CELL;
  if (cell[undated]! > 0 || cell[unpriced]! > 0 || cell[overdue]! > 0) {
    accumulator.addAssetCounts({
      undated: countIn(cell, undated),
      unpriced: countIn(cell, unpriced),
      overdue: countIn(cell, overdue),
    });
  }
  // Every asset of the group has its first event, and its second when there is one, each at the same charge.
  const count = cell[assets]!;
  const base = cell[escBase]!;
  repository.forEachRefreshEvent(cell[events]!, (period, years) =>
    accumulator.addRefreshCell(
      period,
      Number.isNaN(base)
        ? countIn(cell, plain)
        : // The same rounding as the engine's, once per distinct charge: every event here has this amount.
          (years > 0 ? escalate(base, cell[escBps]!, years) : base) * count,
      count,
    ),
  );
}

/** A packed group's field whose absence means zero. */
function countIn(cell: Float64Array, field: number): number {
  const value = cell[field]!;
  return Number.isNaN(value) ? 0 : value;
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
async function withCatalogue<Row extends { unknown_os: readonly string[] | null }>(
  rules: LifecycleRules,
  run: (catalogue: repository.RefreshCellsQuery['catalogue']) => Promise<Row[]>,
): Promise<{ rows: Row[]; catalogue: repository.RefreshCellsQuery['catalogue'] }> {
  const lookedUp = new Map(knownEndOfSupport);
  const catalogueOf = () =>
    [...lookedUp].map(([operatingSystem, endOfSupportKey]) => ({ operatingSystem, endOfSupportKey }));
  const first = catalogueOf();
  const rows = await run(first);
  const unknown = new Set(rows.flatMap((row) => row.unknown_os ?? []));
  if (unknown.size === 0) return { rows, catalogue: first };
  for (const operatingSystem of unknown) {
    const key = rules.catalogueFacts(operatingSystem).endOfSupportKey;
    const endOfSupportKey = key < 0 ? null : key;
    lookedUp.set(operatingSystem, endOfSupportKey);
    if (knownEndOfSupport.size < KNOWN_LIMIT) knownEndOfSupport.set(operatingSystem, endOfSupportKey);
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
