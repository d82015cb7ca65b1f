/**
 * What-if levelling (SPEC §3 "What-ifs"): move refresh events by whole months, within a window, so that no
 * fiscal quarter's capex goes over a cap.
 *
 * The problem. Each refresh event may move by δ ∈ [−W, W] months (addMonths from its own date), never before
 * asOf and never past the horizon's end. Its escalated cost depends on where it lands; initiative capex is
 * fixed. Minimise, in this order: (1) the total overflow Σ max(0, capex(q) − cap), (2) the number of events
 * moved, (3) the months moved. Deciding whether overflow 0 is reachable is NP-hard (when every window covers
 * every quarter it is bin packing), so no fast algorithm can promise it, and the usual greedies miss easy
 * cases: first-fit decreasing cannot split {4, 4, 3, 3, 3, 3} into two quarters of 10.
 *
 * How. Cheap heuristics build a first plan (moves into quarters with room; sweeps that carry an excess on to
 * the next quarter, which finds chains of moves; single-event local search), then a branch and bound over
 * every placement of every event improves on it until it has searched everything or spent `searchNodeLimit`.
 *
 * What it guarantees, and what the tests check:
 * - Always: the same events, each asset's base (pre-escalation) cost unchanged, so the base total is
 *   unchanged; every move within its window and the horizon; a plan no worse, in the order above, than not
 *   moving at all.
 * - With `optimal: true`: no plan has less overflow. Either the result is within the cap, or the search
 *   finished, and then whenever a plan within the cap exists the result is within the cap, and no plan with
 *   that overflow moves fewer events, or as many by fewer months. Small and typical plans finish well inside
 *   the node limit; a large, tight one may not, or may run into `shouldStop` (the caller's deadline), and then
 *   the result is the best plan found. Requests over MAX_LEVELLING_PLACEMENTS are refused up front.
 *
 * A move re-anchors nothing: the asset's later cycles stay where its clock puts them. Re-anchoring would
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
import {
  assetActionsOf,
  createForecastAccumulator,
  forecast,
  refreshEventsOf,
  resolveForecastContext,
} from './forecast.js';
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
  /**
   * Asked now and then during the search (a deadline, say): once it answers true the search stops and the best
   * plan found so far is returned with `optimal` false, unless it is within the cap.
   */
  shouldStop?: () => boolean;
}

/**
 * The most placements (each movable event × each month it may land in) one levelling may search: past it the
 * request is refused rather than left to run for minutes.
 */
export const MAX_LEVELLING_PLACEMENTS = 200_000;

/** A levelling request too large to search: too many refresh events times too wide a window. */
export class LevellingTooLargeError extends RangeError {
  constructor(
    readonly events: number,
    readonly placements: number,
  ) {
    super(
      `Levelling ${events} refresh events within this window means searching ${placements} placements, over ` +
        `the limit of ${MAX_LEVELLING_PLACEMENTS}; narrow windowMonths or shorten the horizon`,
    );
    this.name = 'LevellingTooLargeError';
  }
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

/**
 * The search problem. Event e (0 ≤ e < count) has placements [start[e], start[e + 1]), "stay" (δ = 0) first
 * and then the others by distance; a placement is a quarter, the months moved and the escalated cost there.
 */
interface Problem {
  readonly count: number;
  readonly start: Int32Array;
  readonly quarter: Int32Array;
  readonly delta: Int32Array;
  readonly size: Float64Array;
  /** Capex no move can change, per quarter: initiatives and the events that cannot or need not move. */
  readonly fixed: Float64Array;
  readonly cap: number;
}

/** A complete plan and its score, compared in the order (overflow, moved, monthsMoved). */
interface Plan {
  readonly choice: Int32Array;
  readonly overflow: number;
  readonly moved: number;
  readonly monthsMoved: number;
}

export function levelRefreshes(
  context: ForecastContext,
  inputs: LevellingInputs,
  options: LevellingOptions,
): LevellingResult {
  const { quarterlyCapexCap: cap, windowMonths } = options;
  const nodeLimit = options.searchNodeLimit ?? DEFAULT_SEARCH_NODE_LIMIT;
  if (!Number.isSafeInteger(cap) || cap < 0) {
    throw new RangeError('quarterlyCapexCap must be a whole amount ≥ 0');
  }
  if (!Number.isInteger(windowMonths) || windowMonths < 0 || windowMonths > MAX_LEVELLING_WINDOW_MONTHS) {
    throw new RangeError(`windowMonths must be a whole number from 0 to ${MAX_LEVELLING_WINDOW_MONTHS}`);
  }
  if (!Number.isSafeInteger(nodeLimit) || nodeLimit < 0) throw new RangeError('searchNodeLimit must be ≥ 0');

  const assets = [...inputs.assets];
  const recurringCosts = [...(inputs.recurringCosts ?? [])];
  const initiatives = [...(inputs.initiatives ?? [])];
  const quarterContext = quarterContextOf(context);
  const { horizon } = resolveForecastContext(quarterContext);
  const actions = assetActionsOf(initiatives, quarterContext);
  const events = assets.flatMap((asset) => refreshEventsOf(asset, quarterContext, actions));
  const { problem, movable } = problemOf(quarterContext, events, initiatives, windowMonths, cap);
  const placements = problem.start[problem.count]!;
  if (placements > MAX_LEVELLING_PLACEMENTS) throw new LevellingTooLargeError(problem.count, placements);
  const shouldStop = options.shouldStop ?? (() => false);

  const stay = planOf(problem, problem.start.slice(0, problem.count));
  const builds: ((arrangement: Arrangement) => void)[] = [
    (a) => relieveWithRoom(a, shouldStop),
    (a) => (sweep(a, 1, shouldStop), sweep(a, -1, shouldStop), relieveWithRoom(a, shouldStop)),
    (a) => (sweep(a, -1, shouldStop), sweep(a, 1, shouldStop), relieveWithRoom(a, shouldStop)),
  ];
  let heuristic = stay;
  for (const build of builds) {
    if (shouldStop()) break;
    const plan = arrange(problem, build, shouldStop);
    if (isBetter(plan, heuristic)) heuristic = plan;
  }
  const plan = shouldStop()
    ? { ...heuristic, optimal: false }
    : branchAndBound(problem, heuristic, nodeLimit, shouldStop);

  const levelled: RefreshEvent[] = [...events];
  const moves: RefreshMove[] = [];
  const loads = Float64Array.from(problem.fixed);
  movable.forEach((eventIndex, e) => {
    const option = plan.choice[e]!;
    const amount = problem.size[option]!;
    loads[problem.quarter[option]!]! += amount;
    const delta = problem.delta[option]!;
    if (delta === 0) return;
    const event = events[eventIndex]!;
    const toDate = isoDateOfKey(addMonthsToKey(dateKeyOf(event.date), delta));
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
  accumulator.addInitiatives(initiatives);
  accumulator.countAssets(assets);
  accumulator.addRefreshEvents(levelled);
  accumulator.addRecurringCosts(recurringCosts);

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
      overflowBefore: stay.overflow,
      overflowAfter: plan.overflow,
    },
    // No plan can have less than zero overflow, so a plan within the cap is optimal however the search ended.
    optimal: plan.optimal || plan.overflow === 0,
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

/** The search problem of a quarterly context; `movable[e]` is event e's index in `events`. */
function problemOf(
  quarterContext: ForecastContext,
  events: readonly RefreshEvent[],
  initiatives: readonly Initiative[],
  windowMonths: number,
  cap: number,
): { problem: Problem; movable: number[] } {
  const { asOfKey, horizon, rules } = resolveForecastContext(quarterContext);
  const quarterOf = (key: DateKey) => Math.floor((monthIndexOfKey(key) - horizon.firstMonthIndex) / 3);
  const fixed = new Float64Array(horizon.periods.length);
  forecast(quarterContext, { initiatives }).periods.forEach(
    (period, q) => (fixed[q] = period.capex.initiatives),
  );

  const movable: number[] = [];
  const starts = [0];
  const quarters: number[] = [];
  const deltas: number[] = [];
  const sizes: number[] = [];
  events.forEach((event, index) => {
    const dateKey = dateKeyOf(event.date);
    const placements =
      event.amount > 0 && windowMonths > 0
        ? placementsOf(dateKey, event, rules.forCategory(event.category).escalationBps, windowMonths)
        : [];
    if (placements.length < 2) {
      fixed[quarterOf(dateKey)]! += event.amount;
      return;
    }
    movable.push(index);
    for (const placement of placements) {
      quarters.push(placement.quarter);
      deltas.push(placement.delta);
      sizes.push(placement.size);
    }
    starts.push(quarters.length);
  });
  const problem: Problem = {
    count: movable.length,
    start: Int32Array.from(starts),
    quarter: Int32Array.from(quarters),
    delta: Int32Array.from(deltas),
    size: Float64Array.from(sizes),
    fixed,
    cap,
  };
  return { problem, movable };

  /**
   * Stay first, then the others by distance. Within one quarter only placements that no other beats on both
   * cost and distance are kept: the cap sees only the quarter, so dropping the rest cannot make a plan worse.
   */
  function placementsOf(dateKey: DateKey, event: RefreshEvent, bps: number, window: number) {
    const candidates: { quarter: number; delta: number; size: number }[] = [];
    for (let delta = -window; delta <= window; delta++) {
      const movedKey = addMonthsToKey(dateKey, delta);
      if (movedKey < asOfKey || movedKey > horizon.endKey) continue;
      const years = Math.floor(wholeMonthsBetweenKeys(asOfKey, movedKey) / 12);
      candidates.push({ quarter: quarterOf(movedKey), delta, size: escalate(event.baseCost, bps, years) });
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
    return kept.sort((a, b) => distance(a) - distance(b) || a.size - b.size || a.delta - b.delta);
  }
}

function planOf(problem: Problem, choice: Int32Array): Plan {
  const loads = Float64Array.from(problem.fixed);
  let moved = 0;
  let monthsMoved = 0;
  for (let e = 0; e < problem.count; e++) {
    const option = choice[e]!;
    loads[problem.quarter[option]!]! += problem.size[option]!;
    if (problem.delta[option] !== 0) moved++;
    monthsMoved += Math.abs(problem.delta[option]!);
  }
  const overflow = loads.reduce((total, load) => total + Math.max(0, load - problem.cap), 0);
  return { choice, overflow, moved, monthsMoved };
}

function isBetter(a: Plan, b: Plan): boolean {
  if (a.overflow !== b.overflow) return a.overflow < b.overflow;
  if (a.moved !== b.moved) return a.moved < b.moved;
  return a.monthsMoved < b.monthsMoved;
}

/** A plan being built by the heuristics: where each event is, and each quarter's load. */
class Arrangement {
  readonly choice: Int32Array;
  readonly loads: Float64Array;
  /** Events that are or were in each quarter; `eventsIn` filters out those that have left. */
  private readonly visitors: number[][];

  constructor(readonly problem: Problem) {
    this.choice = problem.start.slice(0, problem.count);
    this.loads = Float64Array.from(problem.fixed);
    this.visitors = Array.from({ length: problem.fixed.length }, () => []);
    for (let e = 0; e < problem.count; e++) {
      this.loads[this.quarterOf(e)]! += this.sizeOf(e);
      this.visitors[this.quarterOf(e)]!.push(e);
    }
  }

  quarterOf(e: number): number {
    return this.problem.quarter[this.choice[e]!]!;
  }

  sizeOf(e: number): number {
    return this.problem.size[this.choice[e]!]!;
  }

  excess(q: number): number {
    return this.loads[q]! - this.problem.cap;
  }

  eventsIn(q: number): number[] {
    return this.visitors[q]!.filter((e) => this.quarterOf(e) === q);
  }

  move(e: number, option: number): void {
    this.loads[this.quarterOf(e)]! -= this.sizeOf(e);
    this.choice[e] = option;
    this.loads[this.quarterOf(e)]! += this.sizeOf(e);
    this.visitors[this.quarterOf(e)]!.push(e);
  }

  /** The change in total overflow if event e took `option`. */
  overflowChange(e: number, option: number): number {
    const { cap, quarter, size } = this.problem;
    const over = (load: number) => Math.max(0, load - cap);
    const from = this.quarterOf(e);
    const to = quarter[option]!;
    if (from === to) {
      return over(this.loads[from]! - this.sizeOf(e) + size[option]!) - over(this.loads[from]!);
    }
    return (
      over(this.loads[from]! - this.sizeOf(e)) -
      over(this.loads[from]!) +
      over(this.loads[to]! + size[option]!) -
      over(this.loads[to]!)
    );
  }
}

function arrange(
  problem: Problem,
  build: (arrangement: Arrangement) => void,
  shouldStop: () => boolean,
): Plan {
  const arrangement = new Arrangement(problem);
  build(arrangement);
  improveLocally(arrangement, shouldStop);
  return planOf(problem, arrangement.choice);
}

/**
 * Takes one event out of over-full quarter q to the placement `target` picks for it (-1: none). Prefers an
 * event big enough to clear the excess, the smallest such, then the nearest; otherwise the biggest. Returns
 * false when no event can go anywhere.
 */
function moveOneOut(arrangement: Arrangement, q: number, target: (e: number) => number): boolean {
  const excess = arrangement.excess(q);
  const { delta } = arrangement.problem;
  let bestEvent = -1;
  let bestOption = -1;
  let bestClears = false;
  let bestSize = 0;
  for (const e of arrangement.eventsIn(q)) {
    const option = target(e);
    if (option < 0) continue;
    const size = arrangement.sizeOf(e);
    const clears = size >= excess;
    const better =
      bestEvent < 0 ||
      (clears !== bestClears
        ? clears
        : size !== bestSize
          ? clears
            ? size < bestSize
            : size > bestSize
          : Math.abs(delta[option]!) < Math.abs(delta[bestOption]!));
    if (better) {
      bestEvent = e;
      bestOption = option;
      bestClears = clears;
      bestSize = size;
    }
  }
  if (bestEvent < 0) return false;
  arrangement.move(bestEvent, bestOption);
  return true;
}

/** The nearest placement of e, other than its quarter q, whose quarter has room for it and passes `allowed`. */
function placementWithRoom(
  arrangement: Arrangement,
  e: number,
  q: number,
  allowed: (target: number) => boolean,
) {
  const { start, quarter, size, cap } = arrangement.problem;
  for (let option = start[e]!; option < start[e + 1]!; option++) {
    const target = quarter[option]!;
    if (target !== q && allowed(target) && arrangement.loads[target]! + size[option]! <= cap) return option;
  }
  return -1;
}

/**
 * Quarters in date order; an over-full one sends events to placements whose quarter has room for them. A
 * move never puts a quarter over the cap, so a quarter once cleared stays clear.
 */
function relieveWithRoom(arrangement: Arrangement, shouldStop: () => boolean): void {
  const anywhere = () => true;
  for (let q = 0; q < arrangement.loads.length; q++) {
    while (
      arrangement.excess(q) > 0 &&
      !shouldStop() &&
      moveOneOut(arrangement, q, (e) => placementWithRoom(arrangement, e, q, anywhere))
    );
  }
}

/**
 * One pass in a direction (1: forward in time). An over-full quarter first sends events to quarters with
 * room, then carries the excess on to the next quarter it can reach, which deals with it in its turn. This
 * finds the chains a single move cannot: Q1 over, Q2 full, Q3 empty, each event moving one quarter at most.
 */
function sweep(arrangement: Arrangement, direction: 1 | -1, shouldStop: () => boolean): void {
  const { start, quarter, size } = arrangement.problem;
  const quarterCount = arrangement.loads.length;
  for (let i = 0; i < quarterCount; i++) {
    const q = direction === 1 ? i : quarterCount - 1 - i;
    const ahead = (target: number) => (target - q) * direction > 0;
    const carry = (e: number) => {
      let best = -1;
      for (let option = start[e]!; option < start[e + 1]!; option++) {
        if (!ahead(quarter[option]!)) continue;
        const distance = Math.abs(quarter[option]! - q);
        const bestDistance = best < 0 ? Infinity : Math.abs(quarter[best]! - q);
        if (distance < bestDistance || (distance === bestDistance && size[option]! < size[best]!)) {
          best = option;
        }
      }
      return best;
    };
    while (
      arrangement.excess(q) > 0 &&
      !shouldStop() &&
      (moveOneOut(arrangement, q, (e) => placementWithRoom(arrangement, e, q, () => true)) ||
        moveOneOut(arrangement, q, carry))
    );
  }
}

/**
 * Single-event local search to finish a heuristic plan: an event takes another placement when that lowers
 * the total overflow (a cheaper month across an escalation anniversary, say), or keeps it and shortens the
 * move (undoing what a sweep did needlessly). Each step improves (overflow, months moved), so it ends.
 */
function improveLocally(arrangement: Arrangement, shouldStop: () => boolean): void {
  const { count, start, delta } = arrangement.problem;
  for (let changed = true; changed && !shouldStop();) {
    changed = false;
    for (let e = 0; e < count; e++) {
      const distance = Math.abs(delta[arrangement.choice[e]!]!);
      for (let option = start[e]!; option < start[e + 1]!; option++) {
        if (option === arrangement.choice[e]) continue;
        const change = arrangement.overflowChange(e, option);
        if (change < 0 || (change === 0 && Math.abs(delta[option]!) < distance)) {
          arrangement.move(e, option);
          changed = true;
          break;
        }
      }
    }
  }
}

/**
 * Depth-first branch and bound over the events, biggest first, each trying stay and then nearer placements
 * first. A node is cut when a lower bound on every completion is no better than the incumbent: the overflow
 * so far plus whatever the remaining events' cheapest costs cannot fit into the slack left in all quarters,
 * with the moves and months so far (both only grow). Within the node limit it is exhaustive, so its answer is
 * optimal; it starts from the heuristic plan, so it is never worse than that.
 */
function branchAndBound(
  problem: Problem,
  incumbent: Plan,
  nodeLimit: number,
  shouldStop: () => boolean,
): Plan & { optimal: boolean } {
  const { count, start, quarter, delta, size, fixed, cap } = problem;
  const extreme = (e: number, pick: (a: number, b: number) => number, initial: number) => {
    let value = initial;
    for (let o = start[e]!; o < start[e + 1]!; o++) value = pick(value, size[o]!);
    return value;
  };
  const largest = (e: number) => extreme(e, Math.max, 0);
  const options = (e: number) => start[e + 1]! - start[e]!;
  const order = Array.from({ length: count }, (_, e) => e).sort(
    (a, b) => largest(b) - largest(a) || options(a) - options(b) || a - b,
  );
  const remainingCheapest = new Float64Array(count + 1);
  for (let level = count - 1; level >= 0; level--) {
    remainingCheapest[level] = remainingCheapest[level + 1]! + extreme(order[level]!, Math.min, Infinity);
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
  // Could some completion of the current partial plan beat the best so far? Its bound, compared as isBetter.
  const canBeat = (level: number) => {
    const bound = overflow + Math.max(0, remainingCheapest[level]! - slack);
    if (bound !== best.overflow) return bound < best.overflow;
    if (moved !== best.moved) return moved < best.moved;
    return monthsMoved < best.monthsMoved;
  };
  if (!canBeat(0)) return { ...best, optimal: true };

  // cursor[level]: the placement tried at that level, counted from the event's first; -1 before the first.
  const cursor = new Int32Array(count).fill(-1);
  let nodes = 0;
  for (let level = 0; level >= 0;) {
    const e = order[level]!;
    if (cursor[level]! >= 0) place(start[e]! + cursor[level]!, -1);
    cursor[level]!++;
    if (start[e]! + cursor[level]! >= start[e + 1]!) {
      cursor[level] = -1;
      level--;
      continue;
    }
    if (++nodes > nodeLimit || ((nodes & 1023) === 0 && shouldStop())) return { ...best, optimal: false };
    place(start[e]! + cursor[level]!, 1);
    if (!canBeat(level + 1)) continue;
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
