/**
 * The numbers a packet shows, and the part of them it stores as the packet's `figures`. Pure: read from the
 * forecast (with its items), the client's inventory and initiatives and the lifecycle context the forecast ran
 * with; nothing here formats, words or re-runs the forecast.
 */
import { sumCells, type Cells } from '../domain/cells.js';
import { addDays, addMonths, type IsoDate } from '../domain/dates.js';
import { fiscalYearSubtotals, type FiscalYearSubtotal } from '../domain/fiscal-year-subtotals.js';
import type { ForecastContext, ForecastPeriod, ForecastResult, Scenario } from '../domain/forecast.types.js';
import { lifecycleRulesOf, refreshClockOf, type LifecycleClock } from '../domain/refresh-clock.js';
import type { InventoryAsset, RoadmapInitiative } from './packet.repository.js';

/** The quarters the summary, the refresh schedule and "next 4 quarters" figures cover. */
export const NEAR_TERM_QUARTERS = 4;
/** An operating system whose support ends within this many days is listed under exposure. */
export const END_OF_SUPPORT_LOOKAHEAD_DAYS = 365;

type Amounts = Pick<ForecastPeriod, 'capex' | 'opex' | 'total' | 'refreshCount'>;

/** The numbers the packet printed, stored as the packet's `figures`. Minor units throughout. */
export interface PacketFigures {
  currency: string;
  asOf: string;
  scenario: Scenario;
  periodLabel: string;
  nextFourQuarters: {
    from: string;
    to: string;
    capex: number;
    opex: number;
    total: number;
    refreshCount: number;
  };
  opexNext12Months: { from: string; through: string; amount: number };
  counts: {
    assets: number;
    overdue: number;
    dueSoon: number;
    expiredWarranties: number;
    expiringWarranties: number;
    unsupported: number;
    decisionsNeeded: number;
    undated: number;
    unpriced: number;
  };
  periods: ({ key: string; label: string } & Amounts)[];
  fiscalYears: ({ key: string; label: string; quarters: number } & Amounts)[];
  totals: Amounts;
}

export interface FiguresSources {
  periodLabel: string;
  /** Quarters in the table and chart. */
  periods: number;
  /**
   * The client's quarterly forecast with items, at least `periods` quarters and twelve months past asOf long
   * (its periods beyond `periods` are only read for the 12-month opex).
   */
  forecast: ForecastResult & { currency: string };
  /** The context the forecast ran with: the assets' clocks are read with the same policies. */
  lifecycle: ForecastContext;
  inventory: readonly InventoryAsset[];
  initiatives: readonly RoadmapInitiative[];
}

/** Everything the packet shows that is a number or a selection, before any of it is put into words. */
export interface PacketNumbers {
  /** What is stored with the packet. */
  figures: PacketFigures;
  /** The quarters of the table and chart. */
  shown: ForecastPeriod[];
  nearTerm: ForecastPeriod[];
  nearTermCells: Cells;
  /** Over the shown quarters. */
  totals: Cells;
  fiscalYears: FiscalYearSubtotal<ForecastPeriod>[];
  /** Every inventory asset's refresh clock, by asset id. */
  clocks: ReadonlyMap<string, LifecycleClock>;
  /** Active and in-storage assets: the ones the forecast counts. */
  counted: InventoryAsset[];
  /** Initiatives waiting for a decision. */
  proposed: RoadmapInitiative[];
  /** Counted assets whose warranty has expired or expires soon, by expiry then name. */
  warrantyExposure: InventoryAsset[];
  /** Counted assets whose support has ended or ends within the lookahead, by end of support then name. */
  endOfSupportExposure: InventoryAsset[];
}

/** The packet's "decisions needed" rule: an initiative waits for the client's decision while it is proposed. */
export const needsDecision = (initiative: { status: string }): boolean => initiative.status === 'proposed';

export const isCounted = (asset: InventoryAsset): boolean =>
  asset.status === 'active' || asset.status === 'in_storage';

function amountsOf(cells: Cells): Amounts {
  return {
    capex: { ...cells.capex },
    opex: { ...cells.opex },
    total: cells.total,
    refreshCount: cells.refreshCount,
  };
}

/** Recurring and initiative opex charged from asOf through the day before its first anniversary. */
function opexNext12Months(forecast: ForecastResult): { from: IsoDate; through: IsoDate; amount: number } {
  const through = addDays(addMonths(forecast.asOf, 12), -1);
  const amount = forecast.periods
    .flatMap((period) => period.items ?? [])
    .filter((item) => (item.type === 'recurring' || item.type === 'initiative_opex') && item.date <= through)
    .reduce((sum, item) => sum + item.amount, 0);
  return { from: forecast.asOf, through, amount };
}

export function packetNumbers(sources: FiguresSources): PacketNumbers {
  const { forecast } = sources;
  const asOf = forecast.asOf;
  const shown = forecast.periods.slice(0, sources.periods);
  const nearTerm = forecast.periods.slice(0, NEAR_TERM_QUARTERS);
  const nearTermCells = sumCells(nearTerm);
  const totals = sumCells(shown);
  const fiscalYears = fiscalYearSubtotals(shown, forecast.fiscalYearStartMonth);

  const rules = lifecycleRulesOf(sources.lifecycle);
  const clocks = new Map<string, LifecycleClock>(
    sources.inventory.map((asset) => [asset.id, refreshClockOf(asset, rules)]),
  );
  const clockOf = (asset: InventoryAsset) => clocks.get(asset.id)!;
  const counted = sources.inventory.filter(isCounted);
  const countWhere = (test: (clock: LifecycleClock) => boolean) =>
    counted.filter((asset) => test(clockOf(asset))).length;
  const proposed = sources.initiatives.filter(needsDecision);

  const counts: PacketFigures['counts'] = {
    assets: counted.length,
    overdue: forecast.counts.overdue,
    dueSoon: countWhere((clock) => clock.status === 'due_soon'),
    expiredWarranties: countWhere((clock) => clock.warrantyStatus === 'expired'),
    expiringWarranties: countWhere((clock) => clock.warrantyStatus === 'expiring'),
    unsupported: countWhere((clock) => clock.endOfSupportOn !== null && clock.endOfSupportOn < asOf),
    decisionsNeeded: proposed.length,
    undated: forecast.counts.undated,
    unpriced: forecast.counts.unpriced,
  };

  const figures: PacketFigures = {
    currency: forecast.currency,
    asOf,
    scenario: forecast.scenario,
    periodLabel: sources.periodLabel,
    nextFourQuarters: {
      from: nearTerm[0]!.key,
      to: nearTerm.at(-1)!.key,
      capex: nearTermCells.capex.total,
      opex: nearTermCells.opex.total,
      total: nearTermCells.total,
      refreshCount: nearTermCells.refreshCount,
    },
    opexNext12Months: opexNext12Months(forecast),
    counts,
    periods: shown.map((period) => ({ key: period.key, label: period.label, ...amountsOf(period) })),
    fiscalYears: fiscalYears.map((year) => ({
      key: year.key,
      label: year.label,
      quarters: year.periods.length,
      ...amountsOf(year.cells),
    })),
    totals: amountsOf(totals),
  };

  const lookahead = addDays(asOf, END_OF_SUPPORT_LOOKAHEAD_DAYS);
  const warrantyExposure = counted
    .filter((asset) => {
      const status = clockOf(asset).warrantyStatus;
      return status === 'expired' || status === 'expiring';
    })
    .sort((a, b) => compareText(a.warrantyExpiresOn!, b.warrantyExpiresOn!) || compareText(a.name, b.name));
  const endOfSupportExposure = counted
    .filter((asset) => {
      const endsOn = clockOf(asset).endOfSupportOn;
      return endsOn !== null && endsOn <= lookahead;
    })
    .sort(
      (a, b) =>
        compareText(clockOf(a).endOfSupportOn!, clockOf(b).endOfSupportOn!) || compareText(a.name, b.name),
    );

  return {
    figures,
    shown,
    nearTerm,
    nearTermCells,
    totals,
    fiscalYears,
    clocks,
    counted,
    proposed,
    warrantyExposure,
    endOfSupportExposure,
  };
}

/** Code-unit order, not locale order, so that every process sorts identically. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
