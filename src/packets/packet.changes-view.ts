/**
 * The "what changed since the last issued packet" part of the packet's view model: the comparison of
 * packet.changes.ts put into the packet's words and formats. Pure.
 */
import type { PacketChanges, SnapshotAmounts, SnapshotInitiative } from './packet.changes.js';
import * as copy from './packet.copy.js';
import { formatDate, formatInstantDate, type MoneyFormat } from './packet-format.js';
import type { RoadmapInitiative } from './packet.repository.js';

export interface ChangesSource {
  /** The last issued packet, or null when none was issued before. */
  baseline: { periodLabel: string; issuedAt: Date } | null;
  /** Null when there is no baseline, or it kept no snapshot (made before packets kept one). */
  changes: PacketChanges | null;
}

export interface ChangeRowView {
  label: string;
  then: string;
  now: string;
  change: string;
  /** `up`, `down` or `same`: spending more, less or the same. */
  changeClass: string;
}

export interface ChangesView {
  /** True when there is nothing to compare with: the section is one sentence. */
  brief: boolean;
  lede: string;
  forecast: { rows: ChangeRowView[]; total: ChangeRowView } | null;
  /** What the forecast table holds, or why there is none. */
  forecastNote: string | null;
  assets: { heading: string; items: { name: string; detail: string }[] }[];
  decisions: { date: string; initiative: string; decision: string; decisionClass: string; by: string }[];
  initiatives: { title: string; change: string }[];
  nothingElse: string | null;
}

export function changesView(
  source: ChangesSource,
  initiatives: readonly RoadmapInitiative[],
  money: MoneyFormat,
): ChangesView {
  const { baseline, changes } = source;
  const empty = {
    forecast: null,
    forecastNote: null,
    assets: [],
    decisions: [],
    initiatives: [],
    nothingElse: null,
  };
  if (!baseline) return { brief: true, lede: copy.changesCopy.first, ...empty };
  const issuedOn = formatInstantDate(baseline.issuedAt);
  if (!changes)
    return { brief: true, lede: copy.changesCopy.noSnapshot(baseline.periodLabel, issuedOn), ...empty };

  const row = (label: string, then: SnapshotAmounts, now: SnapshotAmounts): ChangeRowView => {
    const delta = now.total - then.total;
    return {
      label,
      then: money.amount(then.total),
      now: money.amount(now.total),
      change: delta === 0 ? copy.DASH : `${delta > 0 ? '+' : '−'}${money.amount(Math.abs(delta))}`,
      changeClass: delta > 0 ? 'up' : delta < 0 ? 'down' : 'same',
    };
  };
  const { periods, totals } = changes.forecast;
  const forecast =
    periods.length === 0
      ? null
      : {
          rows: periods.map((period) => row(period.label, period.then, period.now)),
          total: row(copy.changesCopy.forecastTotal, totals.then, totals.now),
        };

  const assets = [
    {
      heading: copy.changesCopy.assetsAdded(changes.assetsAdded.length),
      items: changes.assetsAdded.map((asset) => ({
        name: asset.name,
        detail: copy.CATEGORY_SINGULAR[asset.category],
      })),
    },
    {
      heading: copy.changesCopy.assetsRetired(changes.assetsRetired.length),
      items: changes.assetsRetired.map((asset) => ({
        name: asset.name,
        detail: asset.removed
          ? copy.changesCopy.removed
          : copy.changesCopy.retired(copy.ASSET_STATUS_LABELS[asset.status]),
      })),
    },
    {
      heading: copy.changesCopy.assetsReplaced(changes.assetsReplaced.length),
      items: changes.assetsReplaced.map((asset) => ({
        name: asset.name,
        detail: copy.CATEGORY_SINGULAR[asset.category],
      })),
    },
  ].filter((group) => group.items.length > 0);

  const made = new Set(changes.decisionIds);
  const decisions = initiatives
    .flatMap((initiative) =>
      initiative.decisions
        .filter((decision) => made.has(decision.id))
        .map((decision) => ({ decision, title: initiative.title })),
    )
    .sort((a, b) => a.decision.decidedAt.getTime() - b.decision.decidedAt.getTime())
    .map(({ decision, title }) => ({
      date: formatInstantDate(decision.decidedAt),
      initiative: title,
      decision: copy.DECISION_LABELS[decision.decision],
      decisionClass: `decision-${decision.decision}`,
      by: copy.decidedBy(decision.decidedBy, decision.role, decision.via),
    }));

  const target = (on: string | null) => (on ? formatDate(on) : copy.NOT_SCHEDULED.toLowerCase());
  const cost = (initiative: SnapshotInitiative) => {
    const parts: string[] = [];
    if (initiative.capexCost > 0) parts.push(copy.oneTimeCost(money.money(initiative.capexCost)));
    if (initiative.monthlyOpexCost > 0)
      parts.push(copy.monthlyCost(money.money(initiative.monthlyOpexCost), initiative.opexMonths));
    return parts.length > 0 ? parts.join(' + ') : copy.changesCopy.noCost;
  };
  const initiativeChanges = [
    ...changes.initiativesAdded.map((initiative) => ({
      title: initiative.title,
      change: copy.changesCopy.initiativeAdded(target(initiative.targetOn)),
    })),
    ...changes.initiativesMoved.map(({ initiative, from, to }) => ({
      title: initiative.title,
      change: copy.changesCopy.initiativeMoved(target(from), target(to)),
    })),
    ...changes.initiativesRepriced.map(({ initiative, then }) => ({
      title: initiative.title,
      change: copy.changesCopy.initiativeRepriced(cost(then), cost(initiative)),
    })),
  ];

  const quiet = assets.length === 0 && decisions.length === 0 && initiativeChanges.length === 0;
  return {
    brief: false,
    lede: copy.changesCopy.since(baseline.periodLabel, issuedOn),
    forecast,
    forecastNote: forecast ? copy.changesCopy.forecastNote(money.currency) : copy.changesCopy.noCommonPeriods,
    assets,
    decisions,
    initiatives: initiativeChanges,
    nothingElse: quiet ? copy.changesCopy.nothingElse : null,
  };
}
