/**
 * The refresh clock of one asset (SPEC §3 "Refresh clock of one asset"), as Appendix A's `lifecycle` object.
 * Pure: the end-of-support catalogue is injected as a lookup function.
 */
import {
  type DateKey,
  type IsoDate,
  addDaysToKey,
  addMonthsToKey,
  dateKeyOf,
  isoDateOfKey,
} from './dates.js';
import type {
  AssetCategory,
  EndOfSupportLookup,
  ForecastAsset,
  LifecycleOverrides,
  LifecyclePolicy,
  PoliciesByCategory,
} from './forecast.types.js';

export type LifecycleStatus = 'ok' | 'due_soon' | 'overdue' | 'undated' | 'inactive';
export type WarrantyStatus = 'unknown' | 'expired' | 'expiring' | 'active';
export type DueReason = 'age' | 'end_of_support';
export type EndOfSupportSource = 'asset' | 'catalogue';
/**
 * The operating system at asOf (SPEC §3): `unsupported` once its product's end of support has passed,
 * `update_due` once its release's end of servicing has passed while the product is supported (a free in-place
 * update fixes it), `supported` when a known date has not passed, `unknown` with no date and no catalogue match.
 */
export type OsStatus = 'unsupported' | 'update_due' | 'supported' | 'unknown';

export const DEFAULT_LIFECYCLE_MONTHS = 36;
export const DEFAULT_DUE_SOON_DAYS = 180;
export const WARRANTY_EXPIRING_DAYS = 90;

export interface LifecycleContext {
  readonly asOf: IsoDate;
  readonly mspPolicies?: PoliciesByCategory;
  readonly clientPolicies?: PoliciesByCategory;
  readonly lifecycleOverrides?: LifecycleOverrides;
  readonly endOfSupportLookup?: EndOfSupportLookup;
}

/** Appendix A: `Asset.lifecycle`. */
export interface LifecycleClock {
  lifecycleMonths: number;
  /** Null when the asset is undated or inactive: it has no clock running. */
  dueOn: IsoDate | null;
  dueReason: DueReason | null;
  status: LifecycleStatus;
  warrantyStatus: WarrantyStatus;
  endOfSupportOn: IsoDate | null;
  endOfSupportSource: EndOfSupportSource | null;
  osStatus: OsStatus;
  /** Set only when `osStatus` is `update_due`: the release to update to. */
  osUpdateTo: string | null;
}

/** A category's policy, resolved through the layers once per context rather than once per asset. */
export interface CategoryRules {
  /** Policy layers only (what-if override ?? client ?? MSP ?? 36); an asset's own override still wins. */
  readonly lifecycleMonths: number;
  readonly replacementCost: number | null;
  readonly escalationBps: number;
  /** Last day that still counts as due soon: asOf + the due-soon window. */
  readonly dueSoonLimitKey: DateKey;
}

/** Keys a list of policy rows by category. */
export function policiesByCategory(policies: Iterable<LifecyclePolicy>): PoliciesByCategory {
  const byCategory: Partial<Record<AssetCategory, LifecyclePolicy>> = {};
  for (const policy of policies) byCategory[policy.category] = policy;
  return byCategory;
}

const NO_DATE = -1;

/** What the catalogue says of one operating-system text, as date keys (-1 for none). */
interface CatalogueFacts {
  matched: boolean;
  endOfSupportKey: DateKey;
  endOfServicingKey: DateKey;
  updateTo: string | null;
}
const NO_CATALOGUE_MATCH: CatalogueFacts = Object.freeze({
  matched: false,
  endOfSupportKey: NO_DATE,
  endOfServicingKey: NO_DATE,
  updateTo: null,
});
const keyOrNone = (date: IsoDate | null): DateKey => (date === null ? NO_DATE : dateKeyOf(date));
/** Distinct operating-system spellings remembered per context; a runaway set falls back to plain lookups. */
const END_OF_SUPPORT_CACHE_LIMIT = 10_000;

/** The context, digested for many assets: per-category rules and a memoised end-of-support catalogue. */
export class LifecycleRules {
  readonly asOfKey: DateKey;
  readonly warrantyExpiringLimitKey: DateKey;
  private readonly categories = new Map<string, CategoryRules>();
  private readonly catalogueCache = new Map<string, CatalogueFacts>();

  constructor(private readonly context: LifecycleContext) {
    this.asOfKey = dateKeyOf(context.asOf);
    this.warrantyExpiringLimitKey = addDaysToKey(this.asOfKey, WARRANTY_EXPIRING_DAYS);
    for (const [category, months] of Object.entries(context.lifecycleOverrides ?? {})) {
      assertLifecycleMonths(months, `lifecycleOverrides.${category}`);
    }
  }

  forCategory(category: AssetCategory): CategoryRules {
    const cached = this.categories.get(category);
    if (cached !== undefined) return cached;
    const client = this.context.clientPolicies?.[category];
    const msp = this.context.mspPolicies?.[category];
    // The what-if override replaces the policy layers, not the asset's own override: an asset with its own
    // lifecycle months was set by hand for a reason ("this server gets 60 months"), and a "what if laptops
    // lasted 48 months" question is about the policy, so it must not silently rewrite such exceptions.
    const lifecycleMonths =
      this.context.lifecycleOverrides?.[category] ??
      client?.lifecycleMonths ??
      msp?.lifecycleMonths ??
      DEFAULT_LIFECYCLE_MONTHS;
    assertLifecycleMonths(lifecycleMonths, `${category} lifecycle policy`);
    const dueSoonDays = client?.dueSoonDays ?? msp?.dueSoonDays ?? DEFAULT_DUE_SOON_DAYS;
    const rules: CategoryRules = {
      lifecycleMonths,
      replacementCost: client?.replacementCost ?? msp?.replacementCost ?? null,
      escalationBps: client?.annualEscalationBps ?? msp?.annualEscalationBps ?? 0,
      dueSoonLimitKey: addDaysToKey(this.asOfKey, dueSoonDays),
    };
    this.categories.set(category, rules);
    return rules;
  }

  /** What the catalogue says of an operating system's text. */
  catalogueFacts(operatingSystem: string | null): CatalogueFacts {
    const lookup = this.context.endOfSupportLookup;
    if (lookup === undefined || operatingSystem === null || operatingSystem === '') return NO_CATALOGUE_MATCH;
    const cached = this.catalogueCache.get(operatingSystem);
    if (cached !== undefined) return cached;
    const match = lookup(operatingSystem);
    const facts: CatalogueFacts =
      match === null
        ? NO_CATALOGUE_MATCH
        : {
            matched: true,
            endOfSupportKey: keyOrNone(match.endOfSupportOn),
            endOfServicingKey: keyOrNone(match.endOfServicingOn),
            updateTo: match.updateTo,
          };
    if (this.catalogueCache.size < END_OF_SUPPORT_CACHE_LIMIT)
      this.catalogueCache.set(operatingSystem, facts);
    return facts;
  }
}

const rulesByContext = new WeakMap<LifecycleContext, LifecycleRules>();

/** The rules of a context, built once per context object. */
export function lifecycleRulesOf(context: LifecycleContext): LifecycleRules {
  let rules = rulesByContext.get(context);
  if (rules === undefined) {
    rules = new LifecycleRules(context);
    rulesByContext.set(context, rules);
  }
  return rules;
}

/**
 * The clock as integers, written into a caller-owned object so that the forecast can run it for a million
 * assets without allocating. Date fields are DateKeys, -1 for none.
 */
export interface ClockFacts {
  /** Only active and in-storage assets count (SPEC §3). */
  counted: boolean;
  lifecycleMonths: number;
  inServiceKey: DateKey;
  dueKey: DateKey;
  dueReason: DueReason;
  /** The asset's own end of support, else the catalogue's product end of support. */
  endOfSupportKey: DateKey;
  endOfSupportSource: EndOfSupportSource | null;
  catalogue: CatalogueFacts;
}

export function emptyClockFacts(): ClockFacts {
  return {
    counted: false,
    lifecycleMonths: 0,
    inServiceKey: NO_DATE,
    dueKey: NO_DATE,
    dueReason: 'age',
    endOfSupportKey: NO_DATE,
    endOfSupportSource: null,
    catalogue: NO_CATALOGUE_MATCH,
  };
}

/**
 * The clock of one asset as it is. `upgraded` is the forecast's view of an asset that a counting `upgrade`
 * initiative covers: its end of support no longer moves the clock (SPEC §3).
 */
export function computeClockFacts(
  asset: ForecastAsset,
  rules: LifecycleRules,
  out: ClockFacts,
  upgraded = false,
): void {
  const lifecycleMonths = asset.lifecycleMonths ?? rules.forCategory(asset.category).lifecycleMonths;
  if (asset.lifecycleMonths !== null) {
    assertLifecycleMonths(lifecycleMonths, `asset ${asset.id} lifecycleMonths`);
  }
  out.lifecycleMonths = lifecycleMonths;
  out.counted = asset.status === 'active' || asset.status === 'in_storage';

  out.catalogue = rules.catalogueFacts(asset.operatingSystem);
  if (asset.endOfSupportOn !== null) {
    out.endOfSupportKey = dateKeyOf(asset.endOfSupportOn);
    out.endOfSupportSource = 'asset';
  } else {
    out.endOfSupportKey = out.catalogue.endOfSupportKey;
    out.endOfSupportSource = out.endOfSupportKey === NO_DATE ? null : 'catalogue';
  }

  const inService = asset.inServiceOn ?? asset.purchasedOn;
  out.inServiceKey = inService === null ? NO_DATE : dateKeyOf(inService);
  out.dueKey = NO_DATE;
  out.dueReason = 'age';
  // An undated asset has no clock, even with a known end of support: SPEC §3 gives it no refresh event.
  if (!out.counted || out.inServiceKey === NO_DATE) return;
  const ageDueKey = addMonthsToKey(out.inServiceKey, lifecycleMonths);
  // A device deployed on an already-unsupported system needs an OS upgrade, not new hardware: only an end of
  // support after the in-service date moves the clock.
  const movesClock = !upgraded && out.endOfSupportKey > out.inServiceKey;
  if (movesClock && out.endOfSupportKey < ageDueKey) {
    out.dueKey = out.endOfSupportKey;
    out.dueReason = 'end_of_support';
  } else {
    out.dueKey = ageDueKey;
  }
}

export function lifecycleStatusOf(
  facts: ClockFacts,
  category: CategoryRules,
  asOfKey: DateKey,
): LifecycleStatus {
  if (!facts.counted) return 'inactive';
  if (facts.inServiceKey === NO_DATE) return 'undated';
  if (facts.dueKey < asOfKey) return 'overdue';
  return facts.dueKey <= category.dueSoonLimitKey ? 'due_soon' : 'ok';
}

export function osStatusOf(facts: ClockFacts, asOfKey: DateKey): OsStatus {
  if (facts.endOfSupportKey !== NO_DATE && facts.endOfSupportKey < asOfKey) return 'unsupported';
  const servicingKey = facts.catalogue.endOfServicingKey;
  if (servicingKey !== NO_DATE && servicingKey < asOfKey) return 'update_due';
  return facts.endOfSupportKey !== NO_DATE || facts.catalogue.matched ? 'supported' : 'unknown';
}

export function warrantyStatusOf(warrantyExpiresOn: IsoDate | null, rules: LifecycleRules): WarrantyStatus {
  if (warrantyExpiresOn === null) return 'unknown';
  const key = dateKeyOf(warrantyExpiresOn);
  if (key < rules.asOfKey) return 'expired';
  return key <= rules.warrantyExpiringLimitKey ? 'expiring' : 'active';
}

/** The asset's clock at `asOf`. Pass the same context (or its rules) for many assets to reuse the work. */
export function refreshClockOf(
  asset: ForecastAsset,
  context: LifecycleContext | LifecycleRules,
): LifecycleClock {
  const rules = context instanceof LifecycleRules ? context : lifecycleRulesOf(context);
  const facts = emptyClockFacts();
  computeClockFacts(asset, rules, facts);
  const hasClock = facts.dueKey !== NO_DATE;
  const osStatus = osStatusOf(facts, rules.asOfKey);
  return {
    lifecycleMonths: facts.lifecycleMonths,
    dueOn: hasClock ? isoDateOfKey(facts.dueKey) : null,
    dueReason: hasClock ? facts.dueReason : null,
    status: lifecycleStatusOf(facts, rules.forCategory(asset.category), rules.asOfKey),
    warrantyStatus: warrantyStatusOf(asset.warrantyExpiresOn, rules),
    endOfSupportOn: facts.endOfSupportKey === NO_DATE ? null : isoDateOfKey(facts.endOfSupportKey),
    endOfSupportSource: facts.endOfSupportSource,
    osStatus,
    osUpdateTo: osStatus === 'update_due' ? facts.catalogue.updateTo : null,
  };
}

function assertLifecycleMonths(months: number, what: string): void {
  if (!Number.isSafeInteger(months) || months < 1) {
    throw new RangeError(`${what} must be a positive whole number of months, got ${months}`);
  }
}
