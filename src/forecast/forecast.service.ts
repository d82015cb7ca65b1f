import type { Executor } from '../db/database.js';
import { readSnapshot } from '../db/unit-of-work.js';
import { getClient } from '../clients/client.service.js';
import type { Principal } from '../auth/principal.js';
import { fiscalPeriods, isPartialPeriod } from '../domain/fiscal-calendar.js';
import {
  createForecastAccumulator,
  ForecastRangeError,
  type ForecastAccumulator,
} from '../domain/forecast.js';
import type { LevellingResult } from '../domain/levelling.js';
import {
  forecastContextFor,
  planningFactsByClient,
  planningFactsOf,
  type ClientPlanningFacts,
} from './forecast-context.js';
import { levelOnWorker } from './levelling-runner.js';
import { addRefreshCellsFromDatabase, type ClientRefreshInputs } from './portfolio-refresh.js';
import * as repository from './forecast.repository.js';
import {
  addFigureCells,
  cellsAt,
  emptyFigureCells,
  packFigures,
  periodTotalsOf,
  portfolioCacheOf,
  viewKeyOf,
  type PortfolioEntry,
  type PortfolioError,
  type PortfolioView,
} from './portfolio-cache.js';
import type { Client } from '../clients/client.schemas.js';
import type {
  ForecastAsset,
  ForecastContext,
  ForecastPeriod,
  ForecastResult,
  Granularity,
  LifecycleOverrides,
  Scenario,
} from '../domain/forecast.types.js';

export interface HorizonQuery {
  asOf?: string | undefined;
  granularity: Granularity;
  periods?: number | undefined;
  scenario: Scenario;
  lifecycleMonths?: LifecycleOverrides | undefined;
}

export type ClientForecast = ForecastResult & {
  clientId: string;
  currency: string;
  lifecycleOverrides: LifecycleOverrides;
};

/** Rows by their client, as a lookup that answers [] for a client without any. */
function groupByClient<T extends { clientId: string }>(rows: readonly T[]): (clientId: string) => T[] {
  const byClient = new Map<string, T[]>();
  for (const row of rows) {
    const list = byClient.get(row.clientId);
    if (list === undefined) byClient.set(row.clientId, [row]);
    else list.push(row);
  }
  return (clientId) => byClient.get(clientId) ?? [];
}

/** The forecast context of one client for a horizon query, read through the snapshot `tx`. */
async function clientContext(
  tx: Executor,
  auth: Principal,
  client: { id: string; fiscalYearStartMonth: number },
  query: HorizonQuery,
  today: string,
): Promise<ForecastContext> {
  return contextOf(client, query, today, await planningFactsOf(tx, auth, client.id));
}

function contextOf(
  client: { fiscalYearStartMonth: number },
  query: HorizonQuery,
  today: string,
  facts: ClientPlanningFacts,
): ForecastContext {
  return forecastContextFor(
    {
      asOf: query.asOf ?? today,
      granularity: query.granularity,
      periods: query.periods,
      scenario: query.scenario,
      fiscalYearStartMonth: client.fiscalYearStartMonth,
      lifecycleOverrides: query.lifecycleMonths,
    },
    facts,
  );
}

export async function clientForecast(
  db: Executor,
  auth: Principal,
  clientId: string,
  query: HorizonQuery & { include?: 'items' | undefined },
  today: string,
): Promise<ClientForecast> {
  return readSnapshot(db, async (trx) => {
    const client = await getClient(trx, auth, clientId);
    const facts = await planningFactsOf(trx, auth, clientId);
    const assets = repository.assetBatches(trx, auth.mspId, { clientId });
    return forecastInSnapshot(trx, auth, { client, facts, assets }, query, today);
  });
}

/** What a caller that reads a client's records itself already has when it asks for the client's forecast. */
export interface ClientForecastReads {
  client: Client;
  facts: ClientPlanningFacts;
  /**
   * The client's assets, in batches and in any order; those of every status may be given, since the engine counts
   * only active and in-storage ones.
   */
  assets: AsyncIterable<Iterable<ForecastAsset>> | Iterable<Iterable<ForecastAsset>>;
}

/**
 * {@link clientForecast} for a caller that reads in its own snapshot `trx` and has already read the client, its
 * planning facts and its assets (the packet reads its inventory once, for the forecast and for the appendix); the
 * initiatives and recurring costs are read here.
 */
export async function forecastInSnapshot(
  trx: Executor,
  auth: Principal,
  { client, facts, assets }: ClientForecastReads,
  query: HorizonQuery & { include?: 'items' | undefined },
  today: string,
): Promise<ClientForecast> {
  const context = contextOf(client, query, today, facts);
  const accumulator = createForecastAccumulator(context, { includeItems: query.include === 'items' });
  // Initiatives first: a replacement or an upgrade changes its assets' refresh events.
  accumulator.addInitiatives(await repository.listInitiatives(trx, auth.mspId, client.id));
  for await (const batch of assets) accumulator.addAssets(batch);
  accumulator.addRecurringCosts(await repository.listRecurringCosts(trx, auth.mspId, client.id));
  return {
    clientId: client.id,
    currency: client.currency,
    lifecycleOverrides: context.lifecycleOverrides ?? {},
    ...accumulator.result(),
  };
}

export type LevelledForecast = Omit<LevellingResult, 'forecast'> & {
  forecast: ClientForecast;
  quarterlyCapexCap: number;
  windowMonths: number;
};

/**
 * The what-if "keep every quarter's capex under a cap by moving refreshes up to N months": the levelled forecast,
 * every moved event and what no move can fix.
 */
export async function levelClientForecast(
  db: Executor,
  auth: Principal,
  clientId: string,
  query: HorizonQuery & { quarterlyCapexCap: number; windowMonths: number; include?: 'items' | undefined },
  today: string,
): Promise<LevelledForecast> {
  // Read in one snapshot, then search with the transaction closed: the search may take seconds, and on the
  // embedded database an open transaction would hold its only connection for every other request.
  const { client, context, inputs } = await readSnapshot(db, async (trx) => {
    const client = await getClient(trx, auth, clientId);
    const context = await clientContext(trx, auth, client, query, today);
    const assets = [];
    for await (const batch of repository.assetBatches(trx, auth.mspId, { clientId })) assets.push(...batch);
    const inputs = {
      assets,
      recurringCosts: await repository.listRecurringCosts(trx, auth.mspId, clientId),
      initiatives: await repository.listInitiatives(trx, auth.mspId, clientId),
    };
    return { client, context, inputs };
  });
  const result = await levelOnWorker(context, inputs, {
    quarterlyCapexCap: query.quarterlyCapexCap,
    windowMonths: query.windowMonths,
    includeItems: query.include === 'items',
  });
  return {
    ...result,
    quarterlyCapexCap: query.quarterlyCapexCap,
    windowMonths: query.windowMonths,
    forecast: {
      clientId,
      currency: client.currency,
      lifecycleOverrides: context.lifecycleOverrides ?? {},
      ...result.forecast,
    },
  };
}

export type { PortfolioError } from './portfolio-cache.js';

export type PortfolioCurrency = { currency: string; clients: number; excludedClients: number } & (
  | {
      periods: ForecastPeriod[];
      totals: ForecastResult['totals'];
      counts: ForecastResult['counts'];
      error?: never;
    }
  | { error: PortfolioError; periods?: never; totals?: never; counts?: never }
);

/** One period of one client in the portfolio: its capex and opex totals. */
export interface PortfolioClientPeriod {
  key: string;
  capex: number;
  opex: number;
  total: number;
  refreshCount: number;
  partial: boolean;
}

export type PortfolioClient = { clientId: string; name: string; currency: string } & (
  | {
      periods: PortfolioClientPeriod[];
      totals: ForecastResult['totals'];
      counts: ForecastResult['counts'];
      error?: never;
    }
  | { error: PortfolioError; periods?: never; totals?: never; counts?: never }
);

export interface PortfolioForecast {
  asOf: string;
  granularity: Granularity;
  scenario: Scenario;
  fiscalYearStartMonth: number;
  periods: { key: string; label: string; start: string; end: string; partial: boolean }[];
  currencies: PortfolioCurrency[];
  clients: PortfolioClient[];
}

function portfolioErrorOf(error: unknown): PortfolioError {
  if (error instanceof ForecastRangeError) {
    return { code: 'forecast_out_of_range', detail: error.message, path: error.path };
  }
  throw error;
}

/** Where a portfolio's refresh events are computed (the results are the same; see portfolio-refresh.ts). */
export type PortfolioRefreshPath = 'database' | 'engine';

/**
 * Every client of the MSP. Refresh events are counted and summed per client and period in the database
 * (`database`, the default), or read asset by asset in keyset batches into the engine (`engine`, what the
 * database path is tested against; memory stays flat either way: what is kept is one accumulator of period cells
 * per client). All clients share one fiscal calendar so that periods line up across the book of business.
 *
 * On the database path each client's figures come from the process's portfolio cache when the client's data
 * versions, read in this snapshot, are those the entry was computed at (portfolio-cache.ts); only the other
 * clients are computed, and filed. The engine path neither reads nor fills the cache: it is the reference.
 */
export async function portfolioForecast(
  db: Executor,
  auth: Principal,
  query: HorizonQuery & { fiscalYearStartMonth: number },
  today: string,
  options: {
    refresh?: PortfolioRefreshPath;
    /** Filled with each client's count of assets due soon, from the same pass (database path only). */
    dueSoon?: Map<string, number>;
    /** The clients each part needs when the database path reads the assets in parts (tests; see CLIENTS_PER_PART). */
    clientsPerPart?: number;
  } = {},
): Promise<PortfolioForecast> {
  const asOf = query.asOf ?? today;
  const view: PortfolioView = {
    asOf,
    granularity: query.granularity,
    periods: query.periods,
    scenario: query.scenario,
    fiscalYearStartMonth: query.fiscalYearStartMonth,
    lifecycleOverrides: query.lifecycleMonths,
  };
  const periods = fiscalPeriods({
    asOf,
    granularity: query.granularity,
    periods: query.periods,
    fiscalYearStartMonth: query.fiscalYearStartMonth,
  });
  return readSnapshot(db, async (trx) => {
    const clients = await repository.listPortfolioClients(trx, auth.mspId);
    const engine = options.refresh === 'engine';
    // A snapshot transaction is read only: it never sees versions of data that might still roll back.
    const cache = engine || !trx.snapshot ? undefined : portfolioCacheOf(trx.database);
    const viewKey = viewKeyOf(view);
    const versionsOf = (client: repository.PortfolioClientRow) => ({
      clientVersion: client.dataVersion,
      mspVersion: client.mspDataVersion,
    });
    const entries = new Map<string, PortfolioEntry>();
    const stale: string[] = [];
    for (const client of clients) {
      const entry = cache?.get(auth.mspId, client.id, viewKey, versionsOf(client));
      if (entry === undefined) stale.push(client.id);
      else entries.set(client.id, entry);
    }
    if (stale.length > 0) {
      const scope = stale.length === clients.length ? 'all' : 'some';
      const computed = await computePortfolioEntries(trx, auth.mspId, stale, scope, view, periods, {
        engine,
        clientsPerPart: options.clientsPerPart,
      });
      for (const client of clients) {
        const entry = computed.get(client.id);
        if (entry === undefined) continue;
        entries.set(client.id, entry);
        cache?.set(auth.mspId, client.id, viewKey, versionsOf(client), entry);
      }
    }
    if (options.dueSoon !== undefined && !engine) {
      for (const [clientId, entry] of entries) {
        if (entry.dueSoon > 0) options.dueSoon.set(clientId, entry.dueSoon);
      }
    }

    const sums = new Map<
      string,
      { clients: number; excludedClients: number; cells: Float64Array; counts: ForecastResult['counts'] }
    >();
    const clientResults: PortfolioClient[] = [];
    for (const client of clients) {
      let sum = sums.get(client.currency);
      if (sum === undefined) {
        sum = {
          clients: 0,
          excludedClients: 0,
          cells: emptyFigureCells(periods.length),
          counts: { undated: 0, unpriced: 0, overdue: 0 },
        };
        sums.set(client.currency, sum);
      }
      sum.clients += 1;
      const entry = entries.get(client.id)!;
      const header = { clientId: client.id, name: client.name, currency: client.currency };
      if (entry.error !== undefined) {
        clientResults.push({ ...header, error: { ...entry.error } });
        sum.excludedClients += 1;
        continue;
      }
      const { cells, counts } = entry.figures;
      clientResults.push({
        ...header,
        periods: periodTotalsOf(cells, periods),
        totals: cellsAt(cells, periods.length),
        counts: { ...counts },
      });
      addFigureCells(sum.cells, cells);
      sum.counts.undated += counts.undated;
      sum.counts.unpriced += counts.unpriced;
      sum.counts.overdue += counts.overdue;
    }
    const currencies: PortfolioCurrency[] = [...sums.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, sum]) => {
        const header = { currency, clients: sum.clients, excludedClients: sum.excludedClients };
        // Each client's cells are exact and non-negative, so a grand total that is still a safe integer means
        // every per-currency sum was exact; past it, the sum cannot be written as an exact JSON number.
        const totals = cellsAt(sum.cells, periods.length);
        if (!Number.isSafeInteger(totals.total)) {
          return {
            ...header,
            error: {
              code: 'forecast_out_of_range',
              detail:
                `The ${currency} book of business exceeds ${Number.MAX_SAFE_INTEGER} minor units, the largest ` +
                'exact amount; each client is listed with its own figures',
              path: null,
            },
          };
        }
        return {
          ...header,
          periods: periods.map((period, index) => ({
            ...cellsAt(sum.cells, index),
            key: period.key,
            label: period.label,
            start: period.start,
            end: period.end,
            partial: isPartialPeriod(asOf, period),
          })),
          totals,
          counts: sum.counts,
        };
      });
    return {
      asOf,
      granularity: query.granularity,
      scenario: query.scenario,
      fiscalYearStartMonth: query.fiscalYearStartMonth,
      periods: periods.map(({ key, label, start, end }) => ({
        key,
        label,
        start,
        end,
        partial: asOf > start,
      })),
      currencies,
      clients: clientResults,
    };
  });
}

/**
 * The portfolio entries of `clientIds` (every client of the MSP when `scope` is 'all'), read through the snapshot
 * `trx`: initiatives, recurring costs, policies and refresh cells of those clients alone.
 */
async function computePortfolioEntries(
  trx: Executor,
  mspId: string,
  clientIds: readonly string[],
  scope: 'all' | 'some',
  view: PortfolioView,
  periods: readonly { key: string }[],
  { engine, clientsPerPart }: { engine: boolean; clientsPerPart: number | undefined },
): Promise<Map<string, PortfolioEntry>> {
  const only = scope === 'all' ? undefined : clientIds;
  const factsOf = await planningFactsByClient(trx, mspId, only);
  const initiativesOf = groupByClient(await repository.listInitiatives(trx, mspId, only));
  const costsOf = groupByClient(await repository.listRecurringCosts(trx, mspId, only));
  const inputs = new Map<string, ClientRefreshInputs>();
  for (const clientId of clientIds) {
    const context = forecastContextFor(view, factsOf(clientId));
    const accumulator = createForecastAccumulator(context);
    inputs.set(clientId, { context, initiatives: initiativesOf(clientId), accumulator });
  }
  // One client's data must not take the book of business down: a client whose forecast goes out of the exact
  // range is reported as such and left out of its currency's totals.
  const failed = new Map<string, PortfolioError>();
  const feed = (clientId: string, work: (accumulator: ForecastAccumulator) => void): void => {
    const client = inputs.get(clientId);
    if (client === undefined || failed.has(clientId)) return;
    try {
      work(client.accumulator);
    } catch (error) {
      failed.set(clientId, portfolioErrorOf(error));
    }
  };
  // Initiatives first: a replacement or an upgrade changes its assets' refresh events.
  for (const [clientId, client] of inputs) {
    feed(clientId, (accumulator) => accumulator.addInitiatives(client.initiatives));
  }
  const recount = new Set<string>();
  const dueSoon = new Map<string, number>();
  if (engine) {
    for await (const batch of repository.assetBatches(trx, mspId)) {
      // Batches are ordered by client, so consecutive assets share an accumulator.
      let start = 0;
      while (start < batch.length) {
        const clientId = batch[start]!.clientId;
        let end = start + 1;
        while (end < batch.length && batch[end]!.clientId === clientId) end += 1;
        const slice = batch.slice(start, end);
        feed(clientId, (accumulator) => accumulator.addAssets(slice));
        start = end;
      }
    }
  } else {
    for (const clientId of await addRefreshCellsFromDatabase(
      trx,
      mspId,
      inputs,
      dueSoon,
      only,
      clientsPerPart,
    ))
      recount.add(clientId);
  }
  for (const [clientId] of inputs) {
    feed(clientId, (accumulator) => accumulator.addRecurringCosts(costsOf(clientId)));
  }
  const resultOf = async (clientId: string): Promise<ForecastResult | undefined> => {
    if (!recount.has(clientId) && !failed.has(clientId)) {
      try {
        return inputs.get(clientId)!.accumulator.result();
      } catch (error) {
        if (engine) {
          failed.set(clientId, portfolioErrorOf(error));
          return undefined;
        }
      }
    }
    if (engine) return undefined;
    // Out of the exact range on the database path: recount this client event by event, so that its figures or
    // its error are the engine's own (the error names the input with the largest charge).
    failed.delete(clientId);
    const { context, initiatives } = inputs.get(clientId)!;
    try {
      const accumulator = createForecastAccumulator(context);
      accumulator.addInitiatives(initiatives);
      for await (const batch of repository.assetBatches(trx, mspId, { clientId }))
        accumulator.addAssets(batch);
      accumulator.addRecurringCosts(costsOf(clientId));
      return accumulator.result();
    } catch (error) {
      failed.set(clientId, portfolioErrorOf(error));
      return undefined;
    }
  };

  const entries = new Map<string, PortfolioEntry>();
  for (const clientId of clientIds) {
    const result = await resultOf(clientId);
    const clientDueSoon = dueSoon.get(clientId) ?? 0;
    if (result === undefined) {
      entries.set(clientId, { error: failed.get(clientId)!, dueSoon: clientDueSoon });
      continue;
    }
    if (
      result.periods.length !== periods.length ||
      result.periods.some((period, index) => period.key !== periods[index]!.key)
    ) {
      throw new Error(`client ${clientId}'s periods are not the portfolio's`);
    }
    entries.set(clientId, { figures: packFigures(result), dueSoon: clientDueSoon });
  }
  return entries;
}
