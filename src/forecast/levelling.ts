/**
 * What-if levelling (SPEC §3 "What-ifs"): move refresh events by whole months, within a window, so that no
 * fiscal quarter's capex goes over a cap.
 *
 * The problem. Each refresh event may move by δ ∈ [−W, W] months (addMonths from its own date), never before
 * asOf and never past the horizon's end. Its escalated cost depends on where it lands; initiative capex is
 * fixed. Minimise, in this order: (1) the total overflow Σ max(0, capex(q) − cap), (2) the number of events
 * moved, (3) the months moved. Deciding whether overflow 0 is reachable is NP-hard (with every window covering
 * every quarter it is bin packing), so no fast algorithm can promise it; a greedy by deadline, for one, fails
 * on sizes like {6, 4, 4, 3, 3} into two quarters of 10.
 *
 * What this module guarantees instead, and what the tests check:
 * - Always: the base (pre-escalation) refresh total and the set of events are unchanged; every move stays in
 *   its window and the horizon; no quarter that was within the cap is pushed over it by the greedy pass, and
 *   the plan returned is never worse, in the order above, than that greedy plan.
 * - `optimal: true` (the branch and bound finished within `searchNodeLimit`): no plan has less overflow, so
 *   when a cap-respecting plan exists the result respects the cap; and among the plans with that overflow
 *   none moves fewer events, or the same number by fewer months.
 *
 * Each move re-anchors nothing: the asset's later cycles stay where its clock puts them. Re-anchoring would
 * push events in or out of the horizon and change the budget being levelled.
 */
import {
  type DateKey,
  addMonthsToKey,
  dateKeyOf,
  isoDateOfKey,
  monthIndexOfKey,
  wholeMonthsBetweenKeys,
} from './dates.js';
import { horizonOf } from './fiscal-calendar.js';
import { createForecastAccumulator, forecast, refreshEventsOf, resolveForecastContext } from './forecast.js';
import type {
  ForecastAsset,
  ForecastContext,
  ForecastResult,
  Initiative,
  IsoDate,
  RecurringCost,
  RefreshEvent,
} from './forecast.types.js';
import { escalate } from './money.js';

export interface LevellingInputs {
  assets: Iterable<ForecastAsset>;
  recurringCosts?: Iterable<RecurringCost>;
  initiatives?: Iterable<Initiative>;
}

export interface LevellingOptions {
  /** Most capex (refresh + initiatives) any fiscal quarter may carry, in minor units. */
  quarterlyCapexCap: number;
  /** How many months each refresh event may move, earlier or later. */
  windowMonths: number;
  includeItems?: boolean;
  /** Bound on the branch and bound's work; past it the best plan found so far is returned. */
  searchNodeLimit?: number;
}

export interface RefreshMove {
  assetId: string;
  name: string;
  fromDate: IsoDate;
  toDate: IsoDate;
  /** Negative: brought forward. */
  monthsMoved: number;
  /** The escalated cost at its new date. */
  amount: number;
}

export interface QuarterOverflow {
  key: string;
  label: string;
  start: IsoDate;
  end: IsoDate;
  capex: number;
  cap: number;
  overflow: number;
}

export interface LevellingResult {
  /** The levelled forecast, in the context's granularity. */
  forecast: ForecastResult;
  /** Every event that moved, by original date. */
  moves: RefreshMove[];
  /** Quarters still over the cap. With `optimal`, no plan has less total overflow. */
  overflow: QuarterOverflow[];
  totals: {
    /** Sum of the horizon's refresh events before escalation: the same before and after levelling. */
    refreshBaseCost: number;
    refreshCapexBefore: number;
    refreshCapexAfter: number;
    overflowBefore: number;
    overflowAfter: number;
  };
  optimal: boolean;
}

export const MAX_LEVELLING_WINDOW_MONTHS = 120;
export const DEFAULT_SEARCH_NODE_LIMIT = 250_000;

/** One placement of one event: quarter, months moved and the escalated cost there. */
interface Placements {
  /** Options of event e are [start[e], start[e + 1]); the first is always "stay" (δ = 0). */
  readonly start: Int32Array;
  readonly quarter: Int32Array;
  readonly delta: Int32Array;
  readonly size: Float64Array;
}

export function levelRefreshes(
  context: ForecastContext,
  inputs: LevellingInputs,
  options: LevellingOptions,
): LevellingResult {
  const { quarterlyCapexCap: cap, windowMonths } = options;
  const nodeLimit = options.searchNodeLimit ?? DEFAULT_SEARCH_NODE_LIMIT;
  if (!Number.isSafeInteger(cap) || cap < 0)
    throw new RangeError('quarterlyCapexCap must be a whole amount ≥ 0');
  if (!Number.isInteger(windowMonths) || windowMonths < 0 || windowMonths > MAX_LEVELLING_WINDOW_MONTHS) {
    throw new RangeError(`windowMonths must be a whole number from 0 to ${MAX_LEVELLING_WINDOW_MONTHS}`);
  }
  if (!Number.isSafeInteger(nodeLimit) || nodeLimit < 0) throw new RangeError('searchNodeLimit must be ≥ 0');

  const assets = [...inputs.assets];
  const recurringCosts = [...(inputs.recurringCosts ?? [])];
  const initiatives = [...(inputs.initiatives ?? [])];
  const quarterContext = quarterContextOf(context);
  const resolved = resolveForecastContext(quarterContext);
  const { asOfKey, horizon, rules } = resolved;
  const quarterCount = horizon.periods.length;
  const quarterOf = (key: DateKey) => Math.floor((monthIndexOfKey(key) - horizon.firstMonthIndex) / 3);

  const fixed = new Float64Array(quarterCount);
  const fixedCapex = forecast(quarterContext, { initiatives });
  fixedCapex.periods.forEach((period, q) => (fixed[q] = period.capex.initiatives));

  const events = assets.flatMap((asset) => refreshEventsOf(asset, quarterContext));
  // Only events with a cost and somewhere to go take part in the search; the rest are fixed load.
  const movable: number[] = [];
  const starts: number[] = [0];
  const quarters: number[] = [];
  const deltas: number[] = [];
  const sizes: number[] = [];
  for (const [index, event] of events.entries()) {
    const dateKey = dateKeyOf(event.date);
    const before = quarters.length;
    if (event.amount > 0) {
      const bps = rules.forCategory(event.category).escalationBps;
      placementsOf(dateKey, event.baseCost, bps, windowMonths, asOfKey, horizon.endKey, quarterOf, {
        quarters,
        deltas,
        sizes,
      });
    }
    if (quarters.length - before > 1) {
      movable.push(index);
      starts.push(quarters.length);
    } else {
      quarters.length = deltas.length = sizes.length = before;
      fixed[quarterOf(dateKey)]! += event.amount;
    }
  }
  const placements: Placements = {
    start: Int32Array.from(starts),
    quarter: Int32Array.from(quarters),
    delta: Int32Array.from(deltas),
    size: Float64Array.from(sizes),
  };

  const greedy = levelGreedily(placements, movable.length, fixed, cap);
  const searched = branchAndBound(placements, movable.length, fixed, cap, greedy, nodeLimit);

  const levelled: RefreshEvent[] = [...events];
  const moves: RefreshMove[] = [];
  const loads = Float64Array.from(fixed);
  movable.forEach((eventIndex, e) => {
    const option = searched.choice[e]!;
    loads[placements.quarter[option]!]! += placements.size[option]!;
    const delta = placements.delta[option]!;
    if (delta === 0) return;
    const event = events[eventIndex]!;
    const toDate = isoDateOfKey(addMonthsToKey(dateKeyOf(event.date), delta));
    const amount = placements.size[option]!;
    levelled[eventIndex] = { ...event, date: toDate, amount };
    moves.push({
      assetId: event.assetId,
      name: event.name,
      fromDate: event.date,
      toDate,
      monthsMoved: delta,
      amount,
    });
  });
  moves.sort(
    (a, b) =>
      compareStrings(a.fromDate, b.fromDate) ||
      compareStrings(a.name, b.name) ||
      compareStrings(a.assetId, b.assetId),
  );

  const accumulator = createForecastAccumulator(context, { includeItems: options.includeItems ?? false });
  accumulator.countAssets(assets);
  accumulator.addRefreshEvents(levelled);
  accumulator.addRecurringCosts(recurringCosts);
  accumulator.addInitiatives(initiatives);

  const overflow: QuarterOverflow[] = [];
  horizon.periods.forEach((period, q) => {
    const capex = loads[q]!;
    if (capex > cap) overflow.push({ ...period, capex, cap, overflow: capex - cap });
  });
  const sum = (list: RefreshEvent[], field: 'baseCost' | 'amount') => list.reduce((t, e) => t + e[field], 0);
  return {
    forecast: accumulator.result(),
    moves,
    overflow,
    totals: {
      refreshBaseCost: sum(events, 'baseCost'),
      refreshCapexBefore: sum(events, 'amount'),
      refreshCapexAfter: sum(levelled, 'amount'),
      overflowBefore: overflowOf(
        placements,
        movable.length,
        fixed,
        cap,
        stayChoice(placements, movable.length),
      ),
      overflowAfter: searched.overflow,
    },
    optimal: searched.optimal,
  };
}

/**
 * The same context over fiscal quarters ending where the context's horizon ends, since the cap is per
 * quarter whatever granularity the forecast is shown in.
 */
function quarterContextOf(context: ForecastContext): ForecastContext {
  const { horizon } = resolveForecastContext(context);
  if (horizon.granularity === 'quarter') return context;
  const firstQuarter = horizonOf({ ...context, granularity: 'quarter', periods: 1 }).firstMonthIndex;
  const periods = (monthIndexOfKey(horizon.endKey) + 1 - firstQuarter) / 3;
  return { ...context, granularity: 'quarter', periods };
}

interface PlacementLists {
  quarters: number[];
  deltas: number[];
  sizes: number[];
}

/**
 * Appends an event's placements: stay first, then the others by distance. Within one quarter only placements
 * that no other beats on both cost and distance are kept; dropping the rest cannot make any plan worse, since
 * the cap only sees the quarter.
 */
function placementsOf(
  dateKey: DateKey,
  baseCost: number,
  bps: number,
  windowMonths: number,
  asOfKey: DateKey,
  endKey: DateKey,
  quarterOf: (key: DateKey) => number,
  out: PlacementLists,
): void {
  const candidates: { quarter: number; delta: number; size: number }[] = [];
  for (let delta = -windowMonths; delta <= windowMonths; delta++) {
    const movedKey = addMonthsToKey(dateKey, delta);
    if (movedKey < asOfKey || movedKey > endKey) continue;
    const years = Math.floor(wholeMonthsBetweenKeys(asOfKey, movedKey) / 12);
    candidates.push({ quarter: quarterOf(movedKey), delta, size: escalate(baseCost, bps, years) });
  }
  const distance = (c: { delta: number }) => Math.abs(c.delta);
  candidates.sort(
    (a, b) => a.quarter - b.quarter || a.size - b.size || distance(a) - distance(b) || a.delta - b.delta,
  );
  // Sorted by cost within each quarter, so a placement is kept when it is nearer than every cheaper one.
  const kept: typeof candidates = [];
  let nearest = Infinity;
  candidates.forEach((c, i) => {
    if (i === 0 || candidates[i - 1]!.quarter !== c.quarter) nearest = Infinity;
    if (distance(c) < nearest) {
      kept.push(c);
      nearest = distance(c);
    }
  });
  kept.sort((a, b) => distance(a) - distance(b) || a.size - b.size || a.delta - b.delta);
  for (const c of kept) {
    out.quarters.push(c.quarter);
    out.deltas.push(c.delta);
    out.sizes.push(c.size);
  }
}

interface Plan {
  choice: Int32Array;
  overflow: number;
  moved: number;
  monthsMoved: number;
}

function stayChoice(placements: Placements, count: number): Int32Array {
  return placements.start.slice(0, count);
}

function overflowOf(
  placements: Placements,
  count: number,
  fixed: Float64Array,
  cap: number,
  choice: Int32Array,
) {
  const loads = Float64Array.from(fixed);
  for (let e = 0; e < count; e++) loads[placements.quarter[choice[e]!]!]! += placements.size[choice[e]!]!;
  return loads.reduce((total, load) => total + Math.max(0, load - cap), 0);
}

function planOf(
  placements: Placements,
  count: number,
  fixed: Float64Array,
  cap: number,
  choice: Int32Array,
): Plan {
  let moved = 0;
  let monthsMoved = 0;
  for (let e = 0; e < count; e++) {
    const delta = placements.delta[choice[e]!]!;
    if (delta !== 0) moved++;
    monthsMoved += Math.abs(delta);
  }
  return { choice, overflow: overflowOf(placements, count, fixed, cap, choice), moved, monthsMoved };
}

/**
 * A quick first plan. Quarters are visited in date order; while one is over the cap, one event still on its
 * own date moves to a placement whose quarter has room for it: an event big enough to clear the overflow if
 * there is one (nearest first, then the smallest such), else the biggest. A move never puts a quarter over the
 * cap, so a quarter once cleared stays clear.
 */
function levelGreedily(placements: Placements, count: number, fixed: Float64Array, cap: number): Plan {
  const { start, quarter, delta, size } = placements;
  const choice = stayChoice(placements, count);
  const loads = Float64Array.from(fixed);
  const staying: number[][] = Array.from({ length: fixed.length }, () => []);
  for (let e = 0; e < count; e++) {
    loads[quarter[start[e]!]!]! += size[start[e]!]!;
    staying[quarter[start[e]!]!]!.push(e);
  }
  for (let q = 0; q < loads.length; q++) {
    while (loads[q]! > cap) {
      const over = loads[q]! - cap;
      let best = -1;
      let bestEvent = -1;
      let bestClears = false;
      for (const e of staying[q]!) {
        if (choice[e] !== start[e]) continue;
        const current = size[start[e]!]!;
        const clears = current >= over;
        for (let o = start[e]! + 1; o < start[e + 1]!; o++) {
          const target = quarter[o]!;
          if (target === q || loads[target]! + size[o]! > cap) continue;
          if (
            best < 0 ||
            isBetterGreedyMove(clears, current, Math.abs(delta[o]!), bestClears, bestEvent, best)
          ) {
            best = o;
            bestEvent = e;
            bestClears = clears;
          }
        }
      }
      if (best < 0) break;
      loads[q]! -= size[start[bestEvent]!]!;
      loads[quarter[best]!]! += size[best]!;
      choice[bestEvent] = best;
    }
  }
  return planOf(placements, count, fixed, cap, choice);

  function isBetterGreedyMove(
    clears: boolean,
    current: number,
    distance: number,
    bestClears: boolean,
    bestEvent: number,
    best: number,
  ): boolean {
    if (clears !== bestClears) return clears;
    const bestCurrent = size[start[bestEvent]!]!;
    const bestDistance = Math.abs(delta[best]!);
    if (clears) return distance !== bestDistance ? distance < bestDistance : current < bestCurrent;
    return current !== bestCurrent ? current > bestCurrent : distance < bestDistance;
  }
}

/**
 * Depth-first branch and bound over the events, biggest first, each trying "stay" and then its nearer
 * placements first. A node is pruned when a lower bound on every completion is no better than the incumbent:
 * overflow so far plus whatever the remaining events' smallest costs cannot fit into the slack left in all
 * quarters, with the moves and months so far (both only grow). Exhaustive within the node limit, so its
 * answer is then optimal; it starts from the greedy plan, so it is never worse than that.
 */
function branchAndBound(
  placements: Placements,
  count: number,
  fixed: Float64Array,
  cap: number,
  incumbent: Plan,
  nodeLimit: number,
): Plan & { optimal: boolean } {
  const { start, quarter, delta, size } = placements;
  const largest = (e: number) => {
    let max = 0;
    for (let o = start[e]!; o < start[e + 1]!; o++) max = Math.max(max, size[o]!);
    return max;
  };
  const smallest = (e: number) => {
    let min = Infinity;
    for (let o = start[e]!; o < start[e + 1]!; o++) min = Math.min(min, size[o]!);
    return min;
  };
  const order = Array.from({ length: count }, (_, e) => e).sort(
    (a, b) => largest(b) - largest(a) || start[a + 1]! - start[a]! - (start[b + 1]! - start[b]!) || a - b,
  );
  const remainingSmallest = new Float64Array(count + 1);
  for (let level = count - 1; level >= 0; level--) {
    remainingSmallest[level] = remainingSmallest[level + 1]! + smallest(order[level]!);
  }

  const loads = Float64Array.from(fixed);
  let overflow = 0;
  let slack = 0;
  for (const load of loads) {
    overflow += Math.max(0, load - cap);
    slack += Math.max(0, cap - load);
  }
  let moved = 0;
  let monthsMoved = 0;
  const place = (option: number, sign: 1 | -1) => {
    const q = quarter[option]!;
    const before = loads[q]!;
    const after = before + sign * size[option]!;
    loads[q] = after;
    overflow += Math.max(0, after - cap) - Math.max(0, before - cap);
    slack += Math.max(0, cap - after) - Math.max(0, cap - before);
    const distance = Math.abs(delta[option]!);
    if (distance !== 0) moved += sign;
    monthsMoved += sign * distance;
  };

  let best = incumbent;
  const beats = (bound: number) =>
    bound !== best.overflow
      ? bound < best.overflow
      : moved !== best.moved
        ? moved < best.moved
        : monthsMoved < best.monthsMoved;

  if (count === 0 || !beats(overflow + Math.max(0, remainingSmallest[0]! - slack))) {
    return { ...best, optimal: true };
  }
  // cursor[level]: the placement tried at that level, relative to the event's first; -1 before the first.
  const cursor = new Int32Array(count).fill(-1);
  let nodes = 0;
  let level = 0;
  while (level >= 0) {
    const e = order[level]!;
    const first = start[e]!;
    if (cursor[level]! >= 0) place(first + cursor[level]!, -1);
    cursor[level]!++;
    if (first + cursor[level]! >= start[e + 1]!) {
      cursor[level] = -1;
      level--;
      continue;
    }
    if (++nodes > nodeLimit) return { ...best, optimal: false };
    place(first + cursor[level]!, 1);
    if (!beats(overflow + Math.max(0, remainingSmallest[level + 1]! - slack))) continue;
    if (level + 1 < count) {
      level++;
      continue;
    }
    const choice = new Int32Array(count);
    for (let l = 0; l < count; l++) choice[order[l]!] = start[order[l]!]! + cursor[l]!;
    best = { choice, overflow, moved, monthsMoved };
  }
  return { ...best, optimal: true };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
