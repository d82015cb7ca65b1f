/**
 * The forecast's inputs and output (SPEC §3, Appendix A). Inputs are plain domain objects: services map
 * database rows to them, so nothing here knows about storage.
 */
import type { IsoDate } from './dates.js';
import type { Granularity } from './fiscal-calendar.js';

export type { IsoDate } from './dates.js';
export type { Granularity } from './fiscal-calendar.js';

export const ASSET_CATEGORIES = [
  'desktop',
  'laptop',
  'server',
  'virtual_host',
  'network_switch',
  'firewall',
  'wireless_ap',
  'storage',
  'backup_appliance',
  'ups',
  'printer',
  'phone_system',
  'mobile',
  'peripheral',
  'software',
  'other',
] as const;
export type AssetCategory = (typeof ASSET_CATEGORIES)[number];

export type AssetStatus = 'active' | 'in_storage' | 'retired' | 'disposed';

export interface LifecyclePolicy {
  category: AssetCategory;
  lifecycleMonths: number | null;
  replacementCost: number | null;
  annualEscalationBps: number | null;
  dueSoonDays: number | null;
}

export type PoliciesByCategory = Readonly<Partial<Record<AssetCategory, LifecyclePolicy>>>;

/** What-if lifecycle months per category, for one forecast (SPEC §3 "What-ifs"). */
export type LifecycleOverrides = Readonly<Partial<Record<AssetCategory, number>>>;

export interface ForecastAsset {
  id: string;
  name: string;
  category: AssetCategory;
  status: AssetStatus;
  operatingSystem: string | null;
  purchasedOn: IsoDate | null;
  inServiceOn: IsoDate | null;
  warrantyExpiresOn: IsoDate | null;
  endOfSupportOn: IsoDate | null;
  purchaseCost: number | null;
  replacementCost: number | null;
  lifecycleMonths: number | null;
}

export interface RecurringCost {
  id: string;
  name: string;
  vendor: string | null;
  /** Per unit per interval, minor units. */
  amount: number;
  quantity: number;
  interval: 'month' | 'year';
  startsOn: IsoDate;
  endsOn: IsoDate | null;
  annualEscalationBps: number;
}

export type InitiativeStatus =
  'proposed' | 'approved' | 'in_progress' | 'completed' | 'declined' | 'deferred';

/**
 * What an initiative does to its linked assets (SPEC §3 "Initiatives that act on assets"): `replacement` replaces
 * them on its date, `upgrade` upgrades their operating system, `project` only refers to them.
 */
export const INITIATIVE_KINDS = ['replacement', 'upgrade', 'project'] as const;
export type InitiativeKind = (typeof INITIATIVE_KINDS)[number];

export interface Initiative {
  id: string;
  title: string;
  kind: InitiativeKind;
  status: InitiativeStatus;
  /** Linked assets; what happens to them depends on `kind`. */
  assetIds: readonly string[];
  targetOn: IsoDate | null;
  capexCost: number;
  monthlyOpexCost: number;
  /** Null: open-ended, charged to the horizon's end. */
  opexMonths: number | null;
}

export type Scenario = 'committed' | 'proposed';

/**
 * Looks an operating system up in the end-of-support catalogue (src/domain/end-of-support.ts): the product's end
 * of support (null when none is announced) and, for a release row, its end of servicing and what to update to.
 */
export type EndOfSupportLookup = (operatingSystem: string) => {
  endOfSupportOn: IsoDate | null;
  endOfServicingOn: IsoDate | null;
  updateTo: string | null;
} | null;

/**
 * Everything a forecast depends on besides its inputs. Treat it as immutable once used: the engine caches what
 * it derives from a context object (per-category rules, the horizon) against that object.
 */
export interface ForecastContext {
  readonly asOf: IsoDate;
  readonly granularity?: Granularity;
  readonly periods?: number;
  readonly scenario?: Scenario;
  readonly fiscalYearStartMonth?: number;
  readonly mspPolicies?: PoliciesByCategory;
  readonly clientPolicies?: PoliciesByCategory;
  readonly lifecycleOverrides?: LifecycleOverrides;
  readonly endOfSupportLookup?: EndOfSupportLookup;
}

export interface ForecastInputs {
  assets?: Iterable<ForecastAsset>;
  recurringCosts?: Iterable<RecurringCost>;
  initiatives?: Iterable<Initiative>;
}

export interface ForecastOptions {
  /** Keep every charge, so each period lists the items that sum to its cells (`include=items`). */
  includeItems?: boolean;
}

export type ForecastItemType = 'refresh' | 'recurring' | 'initiative_capex' | 'initiative_opex';

export interface ForecastItem {
  type: ForecastItemType;
  refId: string;
  name: string;
  date: IsoDate;
  amount: number;
  overdue: boolean;
  /** Refresh items: why the event falls when it does (a first event's reason; later cycles are `age`). */
  reason?: 'age' | 'end_of_support';
  /** Refresh items: 0 for the asset's first event, k for the k-th after it (a replacement's clock starts at 1). */
  cycle?: number;
  /**
   * Refresh items: the replacement initiative that pays for this event instead. Such an item has amount 0 and is
   * not in the period's refresh count; it is listed so that a reader sees which initiative covers which asset.
   */
  coveredBy?: string;
}

export interface CapexCells {
  refresh: number;
  initiatives: number;
  total: number;
}

export interface OpexCells {
  recurring: number;
  initiatives: number;
  total: number;
}

export interface ForecastPeriod {
  key: string;
  label: string;
  start: IsoDate;
  end: IsoDate;
  capex: CapexCells;
  opex: OpexCells;
  total: number;
  refreshCount: number;
  /** True when asOf is after the period's start: only part of the period is forecast (only the first can be). */
  partial: boolean;
  items?: ForecastItem[];
}

export interface ForecastResult {
  asOf: IsoDate;
  granularity: Granularity;
  scenario: Scenario;
  fiscalYearStartMonth: number;
  periods: ForecastPeriod[];
  totals: { capex: CapexCells; opex: OpexCells; total: number; refreshCount: number };
  counts: { undated: number; unpriced: number; overdue: number };
}

/** One replacement of one asset (SPEC §3 "Refresh events"). */
export interface RefreshEvent {
  assetId: string;
  name: string;
  category: AssetCategory;
  date: IsoDate;
  /** 0 for the first event (E1), k for E(k+1). */
  cycle: number;
  /** Why the first event falls when it does; later cycles are always `age`. */
  reason: 'age' | 'end_of_support';
  /** The replacement initiative whose date started this event's clock, when one did. */
  replacementId: string | null;
  /** E1 of an asset whose due date is before asOf, moved to asOf. */
  overdue: boolean;
  /** Cost before escalation; 0 when the asset is unpriced. */
  baseCost: number;
  escalationYears: number;
  amount: number;
}
