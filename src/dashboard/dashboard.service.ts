import type { Principal } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import { readSnapshot } from '../db/unit-of-work.js';
import { portfolioForecast } from '../forecast/forecast.service.js';
import { listDashboardClients, type DashboardClientRow } from './dashboard.repository.js';

/** The quarters "next capex" covers: the current calendar quarter (from today) and the three after it. */
export const DASHBOARD_QUARTERS = 4;

export interface DashboardClient extends DashboardClientRow {
  /** Refresh events already past due (the forecast's overdue count). */
  overdue: number;
  /** Assets whose replacement date falls within their due-soon window. */
  dueSoon: number;
  /** Committed capex over the next four calendar quarters, in the client's currency; null when out of range. */
  capexNextQuarters: number | null;
}

export interface Dashboard {
  asOf: string;
  quarters: { from: string; to: string };
  clients: DashboardClient[];
}

/**
 * The book of business at a glance, from one snapshot: each client's next meeting and newest packet (one query),
 * the portfolio forecast for four quarters with the due-soon counts, summed in the database in one pass. The number
 * of queries does not grow with the number of clients.
 */
export async function clientDashboard(db: Executor, auth: Principal, today: string): Promise<Dashboard> {
  return readSnapshot(db, async (tx) => {
    const rows = await listDashboardClients(tx, auth.mspId);
    const dueSoon = new Map<string, number>();
    const forecast = await portfolioForecast(
      tx,
      auth,
      { granularity: 'quarter', periods: DASHBOARD_QUARTERS, scenario: 'committed', fiscalYearStartMonth: 1 },
      today,
      { dueSoon },
    );
    const forecastOf = new Map(forecast.clients.map((client) => [client.clientId, client]));
    return {
      asOf: forecast.asOf,
      quarters: { from: forecast.periods[0]!.label, to: forecast.periods.at(-1)!.label },
      clients: rows.map((row) => {
        const figures = forecastOf.get(row.id);
        return {
          ...row,
          overdue: figures?.counts?.overdue ?? 0,
          dueSoon: dueSoon.get(row.id) ?? 0,
          capexNextQuarters: figures?.totals?.capex.total ?? null,
        };
      }),
    };
  });
}
