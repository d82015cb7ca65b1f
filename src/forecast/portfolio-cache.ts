import type { Cells } from '../domain/cells.js';
import type { ForecastResult, Granularity, LifecycleOverrides, Scenario } from '../domain/forecast.types.js';
import { perDatabase } from '../db/per-database.js';

/**
 * Each client's figures in the portfolio, remembered per process so that a portfolio read again with nothing
 * changed computes nothing, and one read after a change recomputes only the clients that changed.
 *
 * An entry is filed under (MSP, client, view) and tagged with the client's and the MSP's data versions, read in
 * the snapshot the figures were computed from. The database bumps those versions in triggers on every table a
 * client's forecast reads (migration 20261205000100), so an entry whose tags match the versions of the snapshot
 * being read holds exactly the figures that snapshot would give. Other processes' writes bump the same versions:
 * no process has to tell another anything. The view is part of the key rather than of the tag, so that the
 * dashboard (four quarters) and the API's portfolio (its own horizon) do not evict each other.
 *
 * Bounded by entry count (least recently used out first). An entry holds its figures as one Float64Array of
 * 9 × periods + 8 numbers (see ClientFigures), under 3 kB at the largest horizon (40 quarters): the bound of
 * 20,000 entries is ten views of a 2,000-client MSP and about 60 MB at most. Entries are shared between reads:
 * nothing may write into them.
 */
export const PORTFOLIO_CACHE_ENTRIES = 20_000;

/** What the portfolio asks of every client besides the client itself. */
export interface PortfolioView {
  asOf: string;
  granularity: Granularity;
  periods: number | undefined;
  scenario: Scenario;
  fiscalYearStartMonth: number;
  lifecycleOverrides: LifecycleOverrides | undefined;
}

/**
 * One client's figures, packed as the portfolio sums them: for each period its eight cells (capex refresh,
 * initiatives, total; opex recurring, initiatives, total; total; refresh count) and its partial flag (1 or 0),
 * then the totals' eight cells. Every amount is a safe integer, so a Float64Array holds it exactly. A warm read
 * sums these arrays and prints from them without building a period object per client and period twice.
 */
export interface ClientFigures {
  readonly cells: Float64Array;
  readonly counts: Readonly<ForecastResult['counts']>;
}

/** Why a client or a currency has no figures in the portfolio. */
export interface PortfolioError {
  code: 'forecast_out_of_range';
  detail: string;
  /** The input to look at, as in a 422's `errors[].path`. */
  path: string | null;
}

/** One client's entry: its figures or why it has none, and its count of assets due soon. */
export type PortfolioEntry =
  | { readonly figures: ClientFigures; readonly error?: never; readonly dueSoon: number }
  | { readonly figures?: never; readonly error: PortfolioError; readonly dueSoon: number };

const CELLS = 8;
/** A period's cells and its partial flag. */
const PERIOD_STRIDE = CELLS + 1;

function writeCells(into: Float64Array, at: number, cells: Cells): void {
  into[at] = cells.capex.refresh;
  into[at + 1] = cells.capex.initiatives;
  into[at + 2] = cells.capex.total;
  into[at + 3] = cells.opex.recurring;
  into[at + 4] = cells.opex.initiatives;
  into[at + 5] = cells.opex.total;
  into[at + 6] = cells.total;
  into[at + 7] = cells.refreshCount;
}

function readCells(from: Float64Array, at: number): Cells {
  return {
    capex: { refresh: from[at]!, initiatives: from[at + 1]!, total: from[at + 2]! },
    opex: { recurring: from[at + 3]!, initiatives: from[at + 4]!, total: from[at + 5]! },
    total: from[at + 6]!,
    refreshCount: from[at + 7]!,
  };
}

/** Packs a forecast's periods and totals. */
export function packFigures(result: Pick<ForecastResult, 'periods' | 'totals' | 'counts'>): ClientFigures {
  const { periods, totals } = result;
  const cells = new Float64Array(periods.length * PERIOD_STRIDE + CELLS);
  periods.forEach((period, index) => {
    writeCells(cells, index * PERIOD_STRIDE, period);
    cells[index * PERIOD_STRIDE + CELLS] = period.partial ? 1 : 0;
  });
  writeCells(cells, periods.length * PERIOD_STRIDE, totals);
  return { cells, counts: { ...result.counts } };
}

/** Packed cells for `periodCount` periods and the totals, all zero: what sums start from. */
export function emptyFigureCells(periodCount: number): Float64Array {
  return new Float64Array(periodCount * PERIOD_STRIDE + CELLS);
}

/** Adds one client's packed cells to a sum of the same horizon (the partial flags are not summed). */
export function addFigureCells(into: Float64Array, from: Float64Array): void {
  if (into.length !== from.length) throw new Error('figures of different horizons cannot be summed');
  for (let at = 0; at < from.length; at += 1) into[at]! += from[at]!;
}

/** The cells of period `index`, or of the totals when `index` is the period count. */
export function cellsAt(cells: Float64Array, index: number): Cells {
  return readCells(cells, index * PERIOD_STRIDE);
}

/** Each period's capex, opex and grand totals, refresh count and partial flag, under the portfolio's keys. */
export function periodTotalsOf(
  cells: Float64Array,
  periods: readonly { key: string }[],
): { key: string; capex: number; opex: number; total: number; refreshCount: number; partial: boolean }[] {
  const totals = [];
  for (let index = 0, at = 0; index < periods.length; index += 1, at += PERIOD_STRIDE) {
    totals.push({
      key: periods[index]!.key,
      capex: cells[at + 2]!,
      opex: cells[at + 5]!,
      total: cells[at + 6]!,
      refreshCount: cells[at + 7]!,
      partial: cells[at + CELLS] === 1,
    });
  }
  return totals;
}

export function periodCountOf(cells: Float64Array): number {
  return (cells.length - CELLS) / PERIOD_STRIDE;
}

interface Stored {
  clientVersion: number;
  mspVersion: number;
  entry: PortfolioEntry;
}

/** The key of a view: every input of the forecast that is not stored in the database. */
export function viewKeyOf(view: PortfolioView): string {
  const overrides = Object.entries(view.lifecycleOverrides ?? {})
    .filter(([, months]) => months !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([
    view.asOf,
    view.granularity,
    view.periods ?? null,
    view.scenario,
    view.fiscalYearStartMonth,
    overrides,
  ]);
}

export class PortfolioCache {
  private readonly entries = new Map<string, Stored>();
  /** Lookups answered from the cache and lookups that were not, since the cache was made or cleared (for tests). */
  readonly stats = { hits: 0, misses: 0 };

  constructor(private readonly maxEntries = PORTFOLIO_CACHE_ENTRIES) {}

  /** The client's entry for the view, when it was computed at these versions. */
  get(
    mspId: string,
    clientId: string,
    viewKey: string,
    versions: { clientVersion: number; mspVersion: number },
  ): PortfolioEntry | undefined {
    const key = `${mspId}/${clientId}/${viewKey}`;
    const stored = this.entries.get(key);
    if (
      stored === undefined ||
      stored.clientVersion !== versions.clientVersion ||
      stored.mspVersion !== versions.mspVersion
    ) {
      this.stats.misses += 1;
      return undefined;
    }
    // Least recently used first: a hit moves the entry to the end of the map's order.
    this.entries.delete(key);
    this.entries.set(key, stored);
    this.stats.hits += 1;
    return stored.entry;
  }

  /** Files the client's entry for the view, computed at these versions, in place of any older one. */
  set(
    mspId: string,
    clientId: string,
    viewKey: string,
    versions: { clientVersion: number; mspVersion: number },
    entry: PortfolioEntry,
  ): void {
    const key = `${mspId}/${clientId}/${viewKey}`;
    const previous = this.entries.get(key);
    // A slower reader of an older snapshot must not replace what a newer one filed (versions only grow).
    if (
      previous !== undefined &&
      (previous.clientVersion > versions.clientVersion || previous.mspVersion > versions.mspVersion)
    ) {
      return;
    }
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { ...versions, entry });
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets every entry and resets the stats (for tests and benchmarks). */
  clear(): void {
    this.entries.clear();
    this.stats.hits = 0;
    this.stats.misses = 0;
  }
}

/** The cache that belongs to one database (each app and each test database has its own). */
export const portfolioCacheOf = perDatabase(() => new PortfolioCache());
