/**
 * The refresh schedule and the exposure lists as groups (quarter, then category, then model) rather than one row
 * per device, so that a 1,000-device client still reads in a few pages; every device stays listed in the
 * inventory appendix. Pure: numbers and names only, worded by the view model.
 */
import type { IsoDate } from '../domain/dates.js';
import { isPartialPeriod } from '../domain/fiscal-calendar.js';
import type { AssetCategory, ForecastItem, ForecastPeriod } from '../domain/forecast.types.js';
import type { LifecycleClock, LifecycleRules } from '../domain/refresh-clock.js';
import { compareText } from './packet.figures.js';
import type { InventoryAsset } from './packet.repository.js';
import { operatingSystemName, operatingSystemProduct } from './packet-words.js';

/** Why the devices of a group are replaced when they are. */
export type GroupReason =
  | { kind: 'lifecycle'; months: number }
  | { kind: 'end_of_support'; operatingSystem: string | null }
  | { kind: 'next_cycle'; months: number }
  | { kind: 'unexplained' };

export interface RefreshGroup {
  category: AssetCategory;
  /** "Dell Latitude 5440"; null when neither is recorded. */
  model: string | null;
  reason: GroupReason;
  /** The replacement initiative that pays for these devices instead, by id. */
  coveredBy: string | null;
  names: string[];
  count: number;
  /** Sum of the forecast's charges (zero for covered devices). */
  amount: number;
  /** Devices charged at zero because no price is known. */
  unpriced: number;
  /** Overdue groups: the earliest and latest date the devices fell due. */
  dueFrom: IsoDate | null;
  dueTo: IsoDate | null;
}

export interface ScheduleBlock {
  /** `backlog`: devices already past their date, charged on asOf; `quarter`: the rest of a quarter's refreshes. */
  kind: 'backlog' | 'quarter';
  label: string;
  start: IsoDate;
  end: IsoDate;
  /** The quarter had begun before asOf. */
  partial: boolean;
  groups: RefreshGroup[];
  /** Charged refreshes (covered ones are not counted, as in the forecast's refresh count). */
  count: number;
  amount: number;
}

export const modelOf = (asset: Pick<InventoryAsset, 'manufacturer' | 'model'>): string | null =>
  [asset.manufacturer, asset.model].filter(Boolean).join(' ') || null;

const reasonKey = (reason: GroupReason): string =>
  reason.kind === 'end_of_support'
    ? `eos:${reason.operatingSystem ?? ''}`
    : reason.kind === 'unexplained'
      ? 'none'
      : `${reason.kind}:${reason.months}`;

function reasonOf(
  item: ForecastItem,
  asset: InventoryAsset | undefined,
  clock: LifecycleClock | undefined,
): GroupReason {
  if (item.reason === undefined || item.cycle === undefined || !asset || !clock)
    return { kind: 'unexplained' };
  if (item.cycle > 0) return { kind: 'next_cycle', months: clock.lifecycleMonths };
  if (item.reason === 'end_of_support')
    return {
      kind: 'end_of_support',
      operatingSystem: asset.operatingSystem ? operatingSystemProduct(asset.operatingSystem) : null,
    };
  return { kind: 'lifecycle', months: clock.lifecycleMonths };
}

/** Category, then model (unrecorded last), then what is covered by an initiative last. */
function compareGroups(a: RefreshGroup, b: RefreshGroup): number {
  return (
    compareText(a.category, b.category) ||
    Number(a.model === null) - Number(b.model === null) ||
    compareText(a.model ?? '', b.model ?? '') ||
    Number(a.coveredBy !== null) - Number(b.coveredBy !== null) ||
    compareText(reasonKey(a.reason), reasonKey(b.reason))
  );
}

function groupItems(
  items: readonly ForecastItem[],
  assets: ReadonlyMap<string, InventoryAsset>,
  clocks: ReadonlyMap<string, LifecycleClock>,
): RefreshGroup[] {
  const groups = new Map<string, RefreshGroup>();
  for (const item of items) {
    const asset = assets.get(item.refId);
    const clock = clocks.get(item.refId);
    const category = asset?.category ?? 'other';
    const model = asset ? modelOf(asset) : null;
    const reason = reasonOf(item, asset, clock);
    const coveredBy = item.coveredBy ?? null;
    const key = [category, model ?? '', coveredBy ?? '', reasonKey(reason)].join('\u0000');
    const group = groups.get(key) ?? {
      category,
      model,
      reason,
      coveredBy,
      names: [],
      count: 0,
      amount: 0,
      unpriced: 0,
      dueFrom: null,
      dueTo: null,
    };
    group.names.push(item.name);
    group.count += 1;
    group.amount += item.amount;
    // Escalation is never negative, so a charged refresh costs nothing exactly when the device has no price.
    if (coveredBy === null && asset !== undefined && item.amount === 0) group.unpriced += 1;
    const dueOn = item.overdue ? clock?.dueOn : undefined;
    if (dueOn) {
      if (group.dueFrom === null || dueOn < group.dueFrom) group.dueFrom = dueOn;
      if (group.dueTo === null || dueOn > group.dueTo) group.dueTo = dueOn;
    }
    groups.set(key, group);
  }
  const sorted = [...groups.values()].sort(compareGroups);
  for (const group of sorted) group.names.sort(compareText);
  return sorted;
}

const charged = (items: readonly ForecastItem[]) => items.filter((item) => item.coveredBy === undefined);

/** A schedule block's refreshes, before they are grouped: the console lists them one by one. */
export interface ScheduleItemBlock {
  kind: ScheduleBlock['kind'];
  label: string;
  start: IsoDate;
  end: IsoDate;
  partial: boolean;
  items: ForecastItem[];
}

/**
 * The schedule's blocks of refresh items: the overdue backlog apart (it is charged on asOf, inside the first
 * quarter, but is a debt rather than that quarter's plan), then each quarter's refreshes.
 */
export function scheduleItemBlocks(periods: readonly ForecastPeriod[], asOf: IsoDate): ScheduleItemBlock[] {
  const blocks: ScheduleItemBlock[] = [];
  periods.forEach((period, index) => {
    const refreshes = (period.items ?? []).filter((item) => item.type === 'refresh');
    const block = (kind: ScheduleBlock['kind'], items: ForecastItem[]): ScheduleItemBlock => ({
      kind,
      label: period.label,
      start: period.start,
      end: period.end,
      partial: isPartialPeriod(asOf, period),
      items,
    });
    if (index === 0) {
      const overdue = refreshes.filter((item) => item.overdue);
      if (overdue.length > 0) blocks.push(block('backlog', overdue));
      blocks.push(
        block(
          'quarter',
          refreshes.filter((item) => !item.overdue),
        ),
      );
    } else blocks.push(block('quarter', refreshes));
  });
  return blocks;
}

/** The schedule of the near-term quarters (see scheduleItemBlocks), each block's refreshes grouped. */
export function refreshScheduleBlocks(
  periods: readonly ForecastPeriod[],
  asOf: IsoDate,
  assets: ReadonlyMap<string, InventoryAsset>,
  clocks: ReadonlyMap<string, LifecycleClock>,
): ScheduleBlock[] {
  return scheduleItemBlocks(periods, asOf).map(({ items, ...block }) => ({
    ...block,
    groups: groupItems(items, assets, clocks),
    count: charged(items).length,
    amount: items.reduce((sum, item) => sum + item.amount, 0),
  }));
}

/** The overdue backlog: devices past their replacement date, which the forecast charges on asOf. */
export function overdueBacklog(firstPeriod: ForecastPeriod): { count: number; amount: number } {
  const items = (firstPeriod.items ?? []).filter(
    (item) => item.type === 'refresh' && item.overdue && item.coveredBy === undefined,
  );
  return { count: items.length, amount: items.reduce((sum, item) => sum + item.amount, 0) };
}

/** The initiative that pays for each device's next refresh, from the forecast's items. */
export function coverageOf(periods: readonly ForecastPeriod[]): Map<string, string> {
  const covered = new Map<string, string>();
  for (const period of periods)
    for (const item of period.items ?? [])
      if (item.type === 'refresh' && item.coveredBy !== undefined && !covered.has(item.refId))
        covered.set(item.refId, item.coveredBy);
  return covered;
}

/** What replacing a device costs at today's prices, as the forecast prices it before escalation; null: no price. */
export function priceToday(asset: InventoryAsset, rules: LifecycleRules): number | null {
  return (
    asset.replacementCost ?? rules.forCategory(asset.category).replacementCost ?? asset.purchaseCost ?? null
  );
}

export interface ExposureGroup {
  /** Warranty groups: category and model; end-of-support groups: the operating system's name. */
  category: AssetCategory | null;
  model: string | null;
  operatingSystem: string | null;
  coveredBy: string | null;
  /** Free in-place update that fixes it (update due). */
  updateTo: string | null;
  names: string[];
  count: number;
  /** Replacing them at today's prices (covered devices are not counted: their initiative pays). */
  amount: number;
  unpriced: number;
  firstOn: IsoDate;
  lastOn: IsoDate;
}

interface ExposureInput {
  asset: InventoryAsset;
  on: IsoDate;
  key: string;
  category: AssetCategory | null;
  model: string | null;
  operatingSystem: string | null;
  updateTo: string | null;
}

function groupExposure(
  inputs: readonly ExposureInput[],
  rules: LifecycleRules,
  coverage: ReadonlyMap<string, string>,
): ExposureGroup[] {
  const groups = new Map<string, ExposureGroup>();
  for (const input of inputs) {
    const coveredBy = coverage.get(input.asset.id) ?? null;
    const key = `${input.key}\u0000${coveredBy ?? ''}`;
    const group = groups.get(key) ?? {
      category: input.category,
      model: input.model,
      operatingSystem: input.operatingSystem,
      coveredBy,
      updateTo: input.updateTo,
      names: [],
      count: 0,
      amount: 0,
      unpriced: 0,
      firstOn: input.on,
      lastOn: input.on,
    };
    group.names.push(input.asset.name);
    group.count += 1;
    if (coveredBy === null && input.updateTo === null) {
      const price = priceToday(input.asset, rules);
      if (price === null) group.unpriced += 1;
      else group.amount += price;
    }
    if (input.on < group.firstOn) group.firstOn = input.on;
    if (input.on > group.lastOn) group.lastOn = input.on;
    groups.set(key, group);
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      compareText(a.firstOn, b.firstOn) ||
      compareText(a.operatingSystem ?? '', b.operatingSystem ?? '') ||
      compareText(a.category ?? '', b.category ?? '') ||
      compareText(a.model ?? '', b.model ?? ''),
  );
  for (const group of sorted) group.names.sort(compareText);
  return sorted;
}

export interface Exposure {
  expiredWarranties: ExposureGroup[];
  expiringWarranties: ExposureGroup[];
  unsupported: ExposureGroup[];
  supportEnding: ExposureGroup[];
  updateDue: ExposureGroup[];
}

/**
 * Warranty and operating-system exposure of the counted devices. Unsupported (the product line ended: replace or
 * upgrade, which costs money) is kept apart from update due (a release of a product that goes on left servicing:
 * a free in-place update fixes it).
 */
export function exposureOf(
  counted: readonly InventoryAsset[],
  clocks: ReadonlyMap<string, LifecycleClock>,
  rules: LifecycleRules,
  coverage: ReadonlyMap<string, string>,
  asOf: IsoDate,
  lookaheadEnd: IsoDate,
): Exposure {
  const expired: ExposureInput[] = [];
  const expiring: ExposureInput[] = [];
  const unsupported: ExposureInput[] = [];
  const ending: ExposureInput[] = [];
  const updateDue: ExposureInput[] = [];
  for (const asset of counted) {
    const clock = clocks.get(asset.id)!;
    const model = modelOf(asset);
    const byModel = { category: asset.category, model, operatingSystem: null, updateTo: null };
    if (clock.warrantyStatus === 'expired' || clock.warrantyStatus === 'expiring') {
      const input = {
        asset,
        on: asset.warrantyExpiresOn!,
        key: `${asset.category}|${model ?? ''}`,
        ...byModel,
      };
      (clock.warrantyStatus === 'expired' ? expired : expiring).push(input);
    }
    // A product that ends is one exposure whatever the release; an update is due per release.
    const product = asset.operatingSystem ? operatingSystemProduct(asset.operatingSystem) : null;
    const release = asset.operatingSystem ? operatingSystemName(asset.operatingSystem) : null;
    const byProduct = { category: null, model: null, operatingSystem: product, key: product ?? '' };
    const endsOn = clock.endOfSupportOn;
    if (endsOn !== null && endsOn < asOf)
      unsupported.push({ asset, on: endsOn, updateTo: null, ...byProduct });
    else if (endsOn !== null && endsOn <= lookaheadEnd)
      ending.push({ asset, on: endsOn, updateTo: null, ...byProduct });
    else if (clock.osStatus === 'update_due')
      updateDue.push({
        asset,
        on: asOf,
        updateTo: clock.osUpdateTo,
        category: null,
        model: null,
        operatingSystem: release,
        key: release ?? '',
      });
  }
  return {
    expiredWarranties: groupExposure(expired, rules, coverage),
    expiringWarranties: groupExposure(expiring, rules, coverage),
    unsupported: groupExposure(unsupported, rules, coverage),
    supportEnding: groupExposure(ending, rules, coverage),
    updateDue: groupExposure(updateDue, rules, coverage),
  };
}

/** Devices and what replacing the uncovered ones costs at today's prices. */
export const exposureTotals = (groups: readonly ExposureGroup[]) => ({
  count: groups.reduce((sum, group) => sum + group.count, 0),
  amount: groups.reduce((sum, group) => sum + group.amount, 0),
  unpriced: groups.reduce((sum, group) => sum + group.unpriced, 0),
  covered: groups.reduce((sum, group) => sum + (group.coveredBy === null ? 0 : group.count), 0),
});
