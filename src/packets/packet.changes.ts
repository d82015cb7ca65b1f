/**
 * What changed since the last issued packet. Pure: a packet stores a compact snapshot of what it showed
 * (`packetSnapshotOf`), and the next packet compares its own snapshot with the last issued one
 * (`packetChanges`). Nothing here reads the database, formats or words anything.
 */
import type { AssetCategory, AssetStatus, InitiativeStatus } from '../domain/forecast.types.js';

/** The figures of one forecast period, in minor units. */
export interface SnapshotAmounts {
  capex: number;
  opex: number;
  total: number;
}

export interface SnapshotPeriod extends SnapshotAmounts {
  key: string;
  label: string;
}

export interface SnapshotAsset {
  id: string;
  name: string;
  category: AssetCategory;
  status: AssetStatus;
  /** Linked to a completed replacement initiative: the asset has been replaced. */
  replaced: boolean;
}

export interface SnapshotInitiative {
  id: string;
  title: string;
  targetOn: string | null;
  status: InitiativeStatus;
  capexCost: number;
  monthlyOpexCost: number;
  opexMonths: number | null;
}

/** What a packet showed, kept with it so that a later packet can say what changed. Stored as JSON. */
export interface PacketSnapshot {
  version: 1;
  /** The forecast periods the packet's table showed, in order. */
  periods: SnapshotPeriod[];
  assets: SnapshotAsset[];
  initiatives: SnapshotInitiative[];
  /** Every decision on record when the packet was made. */
  decisionIds: string[];
}

export interface SnapshotSources {
  periods: readonly {
    key: string;
    label: string;
    capex: { total: number };
    opex: { total: number };
    total: number;
  }[];
  inventory: readonly { id: string; name: string; category: AssetCategory; status: AssetStatus }[];
  /** Assets linked to a completed replacement initiative. */
  replacedAssetIds: ReadonlySet<string>;
  initiatives: readonly (SnapshotInitiative & { decisions: readonly { id: string }[] })[];
}

export function packetSnapshotOf(sources: SnapshotSources): PacketSnapshot {
  return {
    version: 1,
    periods: sources.periods.map((period) => ({
      key: period.key,
      label: period.label,
      capex: period.capex.total,
      opex: period.opex.total,
      total: period.total,
    })),
    assets: sources.inventory.map((asset) => ({
      id: asset.id,
      name: asset.name,
      category: asset.category,
      status: asset.status,
      replaced: sources.replacedAssetIds.has(asset.id),
    })),
    initiatives: sources.initiatives.map((initiative) => ({
      id: initiative.id,
      title: initiative.title,
      targetOn: initiative.targetOn,
      status: initiative.status,
      capexCost: initiative.capexCost,
      monthlyOpexCost: initiative.monthlyOpexCost,
      opexMonths: initiative.opexMonths,
    })),
    decisionIds: sources.initiatives.flatMap((initiative) =>
      initiative.decisions.map((decision) => decision.id),
    ),
  };
}

/** A snapshot read back from the database; anything that is not one (an older packet's) is treated as absent. */
export function parseSnapshot(value: unknown): PacketSnapshot | null {
  if (typeof value !== 'object' || value === null) return null;
  const snapshot = value as Partial<PacketSnapshot>;
  if (
    snapshot.version !== 1 ||
    !Array.isArray(snapshot.periods) ||
    !Array.isArray(snapshot.assets) ||
    !Array.isArray(snapshot.initiatives) ||
    !Array.isArray(snapshot.decisionIds)
  )
    return null;
  return snapshot as PacketSnapshot;
}

export interface PeriodChange {
  key: string;
  label: string;
  then: SnapshotAmounts;
  now: SnapshotAmounts;
}

export interface PacketChanges {
  /** Periods shown by both packets, in the current packet's order; totals over those same periods. */
  forecast: { periods: PeriodChange[]; totals: { then: SnapshotAmounts; now: SnapshotAmounts } };
  /** Assets that were not in the last issued packet. */
  assetsAdded: SnapshotAsset[];
  /** Assets counted then (active or in storage) that are retired, disposed or gone now. */
  assetsRetired: (SnapshotAsset & { removed: boolean })[];
  /** Assets whose replacement was completed since. */
  assetsReplaced: SnapshotAsset[];
  /** Decisions recorded since, by id. */
  decisionIds: string[];
  initiativesAdded: SnapshotInitiative[];
  /** Initiatives whose target date changed. */
  initiativesMoved: { initiative: SnapshotInitiative; from: string | null; to: string | null }[];
  /** Initiatives whose one-time or monthly cost (or its months) changed. */
  initiativesRepriced: { initiative: SnapshotInitiative; then: SnapshotInitiative }[];
}

const isCounted = (status: AssetStatus): boolean => status === 'active' || status === 'in_storage';

const sumAmounts = (amounts: readonly SnapshotAmounts[]): SnapshotAmounts =>
  amounts.reduce(
    (sum, amount) => ({
      capex: sum.capex + amount.capex,
      opex: sum.opex + amount.opex,
      total: sum.total + amount.total,
    }),
    { capex: 0, opex: 0, total: 0 },
  );

const amountsOf = (period: SnapshotPeriod): SnapshotAmounts => ({
  capex: period.capex,
  opex: period.opex,
  total: period.total,
});

export function packetChanges(previous: PacketSnapshot, current: PacketSnapshot): PacketChanges {
  const thenPeriods = new Map(previous.periods.map((period) => [period.key, period]));
  const periods = current.periods
    .filter((period) => thenPeriods.has(period.key))
    .map((period) => ({
      key: period.key,
      label: period.label,
      then: amountsOf(thenPeriods.get(period.key)!),
      now: amountsOf(period),
    }));

  const thenAssets = new Map(previous.assets.map((asset) => [asset.id, asset]));
  const nowAssets = new Map(current.assets.map((asset) => [asset.id, asset]));
  const assetsRetired: PacketChanges['assetsRetired'] = [];
  for (const then of previous.assets) {
    if (!isCounted(then.status)) continue;
    const now = nowAssets.get(then.id);
    if (!now) assetsRetired.push({ ...then, removed: true });
    else if (!isCounted(now.status)) assetsRetired.push({ ...now, removed: false });
  }

  const thenInitiatives = new Map(previous.initiatives.map((initiative) => [initiative.id, initiative]));
  const initiativesAdded: SnapshotInitiative[] = [];
  const initiativesMoved: PacketChanges['initiativesMoved'] = [];
  const initiativesRepriced: PacketChanges['initiativesRepriced'] = [];
  for (const initiative of current.initiatives) {
    const then = thenInitiatives.get(initiative.id);
    if (!then) {
      initiativesAdded.push(initiative);
      continue;
    }
    if (then.targetOn !== initiative.targetOn)
      initiativesMoved.push({ initiative, from: then.targetOn, to: initiative.targetOn });
    if (
      then.capexCost !== initiative.capexCost ||
      then.monthlyOpexCost !== initiative.monthlyOpexCost ||
      then.opexMonths !== initiative.opexMonths
    )
      initiativesRepriced.push({ initiative, then });
  }

  const decided = new Set(previous.decisionIds);
  return {
    forecast: {
      periods,
      totals: {
        then: sumAmounts(periods.map((period) => period.then)),
        now: sumAmounts(periods.map((period) => period.now)),
      },
    },
    assetsAdded: current.assets.filter((asset) => !thenAssets.has(asset.id)),
    assetsRetired,
    assetsReplaced: current.assets.filter((asset) => asset.replaced && !thenAssets.get(asset.id)?.replaced),
    decisionIds: current.decisionIds.filter((id) => !decided.has(id)),
    initiativesAdded,
    initiativesMoved,
    initiativesRepriced,
  };
}
