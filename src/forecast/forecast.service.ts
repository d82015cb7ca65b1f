import type { Executor } from '../db/database.js';
import { readSnapshot } from '../db/unit-of-work.js';
import { getClient } from '../clients/client.service.js';
import type { Principal } from '../auth/principal.js';
import { listClientSummaries } from '../clients/client.repository.js';
import { addCells, emptyCells } from '../domain/cells.js';
import { fiscalPeriods, isPartialPeriod } from '../domain/fiscal-calendar.js';
import {
  createForecastAccumulator,
  ForecastRangeError,
  type ForecastAccumulator,
} from '../domain/forecast.js';
import type { LevellingResult } from '../domain/levelling.js';
import { forecastContextFor, planningFactsByClient, planningFactsOf } from './forecast-context.js';
import { levelOnWorker } from './levelling-runner.js';
import { addRefreshCellsFromDatabase, type ClientRefreshInputs } from './portfolio-refresh.js';
import * as repository from './forecast.repository.js';
import type {
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
  return forecastContextFor(
    {
      asOf: query.asOf ?? today,
      granularity: query.granularity,
      periods: query.periods,
      scenario: query.scenario,
      fiscalYearStartMonth: client.fiscalYearStartMonth,
      lifecycleOverrides: query.lifecycleMonths,
    },
    await planningFactsOf(tx, auth, client.id),
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
    const context = await clientContext(trx, auth, client, query, today);
    const accumulator = createForecastAccumulator(context, { includeItems: query.include === 'items' });
    // Initiatives first: a replacement or an upgrade changes its assets' refresh events.
    accumulator.addInitiatives(await repository.listInitiatives(trx, auth.mspId, clientId));
    for await (const batch of repository.assetBatches(trx, auth.mspId, { clientId }))
      accumulator.addAssets(batch);
    accumulator.addRecurringCosts(await repository.listRecurringCosts(trx, auth.mspId, clientId));
    return {
      clientId,
      currency: client.currency,
      lifecycleOverrides: context.lifecycleOverrides ?? {},
      ...accumulator.result(),
    };
  });
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

/** Why a client or a currency has no figures in the portfolio. */
export interface PortfolioError {
  code: 'forecast_out_of_range';
  detail: string;
  /** The input to look at, as in a 422's `errors[].path`. */
  path: string | null;
}

export type PortfolioCurrency = { currency: string; clients: number; excludedClients: number } & (
  | {
      periods: ForecastPeriod[];
      totals: ForecastResult['totals'];
      counts: ForecastResult['counts'];
      error?: never;
    }
  | { error: PortfolioError; periods?: never; totals?: never; counts?: never }
);

export type PortfolioClient = { clientId: string; name: string; currency: string } & (
  | {
      periods: {
        key: string;
        capex: number;
        opex: number;
        total: number;
        refreshCount: number;
        partial: boolean;
      }[];
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
  } = {},
): Promise<PortfolioForecast> {
  const asOf = query.asOf ?? today;
  return readSnapshot(db, async (trx) => {
    const clients = await listClientSummaries(trx, auth.mspId);
    const factsOf = await planningFactsByClient(trx, auth.mspId);
    const view = {
      asOf,
      granularity: query.granularity,
      periods: query.periods,
      scenario: query.scenario,
      fiscalYearStartMonth: query.fiscalYearStartMonth,
      lifecycleOverrides: query.lifecycleMonths,
    };
    const initiativesOf = groupByClient(await repository.listInitiatives(trx, auth.mspId));
    const costsOf = groupByClient(await repository.listRecurringCosts(trx, auth.mspId));
    const inputs = new Map<string, ClientRefreshInputs>();
    for (const client of clients) {
      const context = forecastContextFor(view, factsOf(client.id));
      const accumulator = createForecastAccumulator(context);
      inputs.set(client.id, { context, initiatives: initiativesOf(client.id), accumulator });
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
    if (options.refresh === 'engine') {
      for await (const batch of repository.assetBatches(trx, auth.mspId)) {
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
      for (const clientId of await addRefreshCellsFromDatabase(trx, auth.mspId, inputs, options.dueSoon))
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
          if (options.refresh === 'engine') {
            failed.set(clientId, portfolioErrorOf(error));
            return undefined;
          }
        }
      }
      if (options.refresh === 'engine') return undefined;
      // Out of the exact range on the database path: recount this client event by event, so that its figures or
      // its error are the engine's own (the error names the input with the largest charge).
      failed.delete(clientId);
      const { context, initiatives } = inputs.get(clientId)!;
      try {
        const accumulator = createForecastAccumulator(context);
        accumulator.addInitiatives(initiatives);
        for await (const batch of repository.assetBatches(trx, auth.mspId, { clientId }))
          accumulator.addAssets(batch);
        accumulator.addRecurringCosts(costsOf(clientId));
        return accumulator.result();
      } catch (error) {
        failed.set(clientId, portfolioErrorOf(error));
        return undefined;
      }
    };

    const periods = fiscalPeriods({
      asOf,
      granularity: query.granularity,
      periods: query.periods,
      fiscalYearStartMonth: query.fiscalYearStartMonth,
    });
    const sums = new Map<
      string,
      {
        clients: number;
        excludedClients: number;
        periods: ForecastPeriod[];
        totals: ForecastResult['totals'];
        counts: ForecastResult['counts'];
      }
    >();
    const clientResults: PortfolioClient[] = [];
    for (const client of clients) {
      const sum = sums.get(client.currency) ?? {
        clients: 0,
        excludedClients: 0,
        periods: periods.map((period) => ({
          ...emptyCells(),
          key: period.key,
          label: period.label,
          start: period.start,
          end: period.end,
          partial: isPartialPeriod(asOf, period),
        })),
        totals: { ...emptyCells() },
        counts: { undated: 0, unpriced: 0, overdue: 0 },
      };
      sums.set(client.currency, sum);
      sum.clients += 1;
      const result = await resultOf(client.id);
      const header = { clientId: client.id, name: client.name, currency: client.currency };
      if (result === undefined) {
        clientResults.push({ ...header, error: failed.get(client.id)! });
        sum.excludedClients += 1;
        continue;
      }
      clientResults.push({
        ...header,
        periods: result.periods.map((period) => ({
          key: period.key,
          capex: period.capex.total,
          opex: period.opex.total,
          total: period.total,
          refreshCount: period.refreshCount,
          partial: period.partial,
        })),
        totals: result.totals,
        counts: result.counts,
      });
      result.periods.forEach((period, index) => addCells(sum.periods[index]!, period));
      addCells(sum.totals, result.totals);
      sum.counts.undated += result.counts.undated;
      sum.counts.unpriced += result.counts.unpriced;
      sum.counts.overdue += result.counts.overdue;
    }
    const currencies: PortfolioCurrency[] = [...sums.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, sum]) => {
        const header = { currency, clients: sum.clients, excludedClients: sum.excludedClients };
        // Each client's cells are exact and non-negative, so a grand total that is still a safe integer means
        // every per-currency sum was exact; past it, the sum cannot be written as an exact JSON number.
        if (!Number.isSafeInteger(sum.totals.total)) {
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
        return { ...header, periods: sum.periods, totals: sum.totals, counts: sum.counts };
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
