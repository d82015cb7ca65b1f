import type { Db, Executor } from '../db/database.js';
import { getClient } from '../clients/client.service.js';
import type { Principal as AuthContext } from '../auth/principal.js';
import { lookupEndOfSupport } from '../domain/end-of-support.js';
import { listClientSummaries } from '../clients/client.repository.js';
import { addCells, emptyCells } from '../domain/cells.js';
import { fiscalPeriods } from '../domain/fiscal-calendar.js';
import { createForecastAccumulator, type ForecastAccumulator } from '../domain/forecast.js';
import { levelRefreshes, type LevellingResult } from '../domain/levelling.js';
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

const endOfSupportLookup = (operatingSystem: string) => lookupEndOfSupport(operatingSystem);

/** Reads a forecast's inputs from one snapshot, so that a concurrent sync cannot tear it. */
function inSnapshot<T>(db: Db, work: (trx: Executor) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(work);
}

/** The forecast context of one client: its fiscal calendar, its and the MSP's policies, the request's what-ifs. */
async function clientContext(
  trx: Executor,
  mspId: string,
  client: { id: string; fiscalYearStartMonth: number },
  query: HorizonQuery,
  today: string,
): Promise<ForecastContext> {
  const policies = await repository.loadPolicies(trx, mspId, client.id);
  return {
    asOf: query.asOf ?? today,
    granularity: query.granularity,
    periods: query.periods,
    scenario: query.scenario,
    fiscalYearStartMonth: client.fiscalYearStartMonth,
    mspPolicies: policies.msp,
    clientPolicies: policies.byClient.get(client.id) ?? {},
    lifecycleOverrides: query.lifecycleMonths ?? {},
    endOfSupportLookup,
  };
}

export async function clientForecast(
  db: Db,
  auth: AuthContext,
  clientId: string,
  query: HorizonQuery & { include?: 'items' | undefined },
  today: string,
): Promise<ClientForecast> {
  const client = await getClient(db, auth, clientId);
  return inSnapshot(db, async (trx) => {
    const context = await clientContext(trx, auth.mspId, client, query, today);
    const accumulator = createForecastAccumulator(context, { includeItems: query.include === 'items' });
    for await (const batch of repository.assetBatches(trx, auth.mspId, { clientId }))
      accumulator.addAssets(batch);
    accumulator.addRecurringCosts(await repository.listRecurringCosts(trx, auth.mspId, clientId));
    accumulator.addInitiatives(await repository.listInitiatives(trx, auth.mspId, clientId));
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
  db: Db,
  auth: AuthContext,
  clientId: string,
  query: HorizonQuery & { quarterlyCapexCap: number; windowMonths: number; include?: 'items' | undefined },
  today: string,
): Promise<LevelledForecast> {
  const client = await getClient(db, auth, clientId);
  return inSnapshot(db, async (trx) => {
    const context = await clientContext(trx, auth.mspId, client, query, today);
    const assets = [];
    for await (const batch of repository.assetBatches(trx, auth.mspId, { clientId })) assets.push(...batch);
    const result = levelRefreshes(
      context,
      {
        assets,
        recurringCosts: await repository.listRecurringCosts(trx, auth.mspId, clientId),
        initiatives: await repository.listInitiatives(trx, auth.mspId, clientId),
      },
      {
        quarterlyCapexCap: query.quarterlyCapexCap,
        windowMonths: query.windowMonths,
        includeItems: query.include === 'items',
      },
    );
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
  });
}

export interface PortfolioForecast {
  asOf: string;
  granularity: Granularity;
  scenario: Scenario;
  fiscalYearStartMonth: number;
  periods: { key: string; label: string; start: string; end: string }[];
  currencies: {
    currency: string;
    clients: number;
    periods: ForecastPeriod[];
    totals: ForecastResult['totals'];
    counts: ForecastResult['counts'];
  }[];
  clients: {
    clientId: string;
    name: string;
    currency: string;
    periods: { key: string; capex: number; opex: number; total: number; refreshCount: number }[];
    totals: ForecastResult['totals'];
    counts: ForecastResult['counts'];
  }[];
}

/**
 * Every client of the MSP in one pass over its assets, read in keyset batches (memory stays flat in the number of
 * assets: what is kept is one accumulator of period cells per client). All clients share one fiscal calendar so
 * that periods line up across the book of business.
 */
export async function portfolioForecast(
  db: Db,
  auth: AuthContext,
  query: HorizonQuery & { fiscalYearStartMonth: number },
  today: string,
): Promise<PortfolioForecast> {
  const asOf = query.asOf ?? today;
  return inSnapshot(db, async (trx) => {
    const clients = await listClientSummaries(trx, auth.mspId);
    const policies = await repository.loadPolicies(trx, auth.mspId);
    const accumulators = new Map<string, ForecastAccumulator>();
    for (const client of clients) {
      accumulators.set(
        client.id,
        createForecastAccumulator({
          asOf,
          granularity: query.granularity,
          periods: query.periods,
          scenario: query.scenario,
          fiscalYearStartMonth: query.fiscalYearStartMonth,
          mspPolicies: policies.msp,
          clientPolicies: policies.byClient.get(client.id) ?? {},
          lifecycleOverrides: query.lifecycleMonths ?? {},
          endOfSupportLookup,
        }),
      );
    }
    for await (const batch of repository.assetBatches(trx, auth.mspId)) {
      // Batches are ordered by client, so consecutive assets share an accumulator.
      let start = 0;
      while (start < batch.length) {
        const clientId = batch[start]!.clientId;
        let end = start + 1;
        while (end < batch.length && batch[end]!.clientId === clientId) end += 1;
        accumulators.get(clientId)?.addAssets(batch.slice(start, end));
        start = end;
      }
    }
    for (const cost of await repository.listRecurringCosts(trx, auth.mspId)) {
      accumulators.get(cost.clientId)?.addRecurringCosts([cost]);
    }
    for (const initiative of await repository.listInitiatives(trx, auth.mspId)) {
      accumulators.get(initiative.clientId)?.addInitiatives([initiative]);
    }

    const periods = fiscalPeriods({
      asOf,
      granularity: query.granularity,
      periods: query.periods,
      fiscalYearStartMonth: query.fiscalYearStartMonth,
    });
    const byCurrency = new Map<string, PortfolioForecast['currencies'][number]>();
    const clientResults: PortfolioForecast['clients'] = [];
    for (const client of clients) {
      const result = accumulators.get(client.id)!.result();
      clientResults.push({
        clientId: client.id,
        name: client.name,
        currency: client.currency,
        periods: result.periods.map((period) => ({
          key: period.key,
          capex: period.capex.total,
          opex: period.opex.total,
          total: period.total,
          refreshCount: period.refreshCount,
        })),
        totals: result.totals,
        counts: result.counts,
      });
      const sum = byCurrency.get(client.currency) ?? {
        currency: client.currency,
        clients: 0,
        periods: result.periods.map((period) => ({
          ...emptyCells(),
          key: period.key,
          label: period.label,
          start: period.start,
          end: period.end,
        })),
        totals: { ...emptyCells() },
        counts: { undated: 0, unpriced: 0, overdue: 0 },
      };
      sum.clients += 1;
      result.periods.forEach((period, index) => addCells(sum.periods[index]!, period));
      addCells(sum.totals, result.totals);
      sum.counts.undated += result.counts.undated;
      sum.counts.unpriced += result.counts.unpriced;
      sum.counts.overdue += result.counts.overdue;
      byCurrency.set(client.currency, sum);
    }
    return {
      asOf,
      granularity: query.granularity,
      scenario: query.scenario,
      fiscalYearStartMonth: query.fiscalYearStartMonth,
      periods: periods.map(({ key, label, start, end }) => ({ key, label, start, end })),
      currencies: [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
      clients: clientResults,
    };
  });
}
