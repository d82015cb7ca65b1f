/**
 * The capex/opex forecast (SPEC §3, Appendix A). An accumulator, so a caller can stream a portfolio's assets
 * in batches and never hold them all: per asset the work is O(its refresh events) and, with items off, it
 * allocates nothing. Cells are plain sums of integer charges, so the order of batches does not matter.
 */
import {
  type DateKey,
  addMonthsToKey,
  dateKeyOf,
  isoDateOfKey,
  monthIndexOfKey,
  wholeMonthsBetweenKeys,
} from './dates.js';
import { type Horizon, horizonOf } from './fiscal-calendar.js';
import type {
  ForecastAsset,
  ForecastContext,
  ForecastInputs,
  ForecastItem,
  ForecastItemType,
  ForecastOptions,
  ForecastPeriod,
  ForecastResult,
  Initiative,
  InitiativeStatus,
  RecurringCost,
  RefreshEvent,
  Scenario,
} from './forecast.types.js';
import { escalate } from './money.js';
import {
  type ClockFacts,
  type LifecycleRules,
  computeClockFacts,
  emptyClockFacts,
  lifecycleRulesOf,
} from './refresh-clock.js';

export interface ForecastAccumulator {
  /** Refresh events of the assets, plus the undated, unpriced and overdue counts. */
  addAssets(assets: Iterable<ForecastAsset>): void;
  addRecurringCosts(costs: Iterable<RecurringCost>): void;
  addInitiatives(initiatives: Iterable<Initiative>): void;
  /**
   * The counts of {@link addAssets} without its refresh events, for a caller that places the events itself
   * (levelling) and hands them to {@link addRefreshEvents}. Using both on the same assets counts them twice.
   */
  countAssets(assets: Iterable<ForecastAsset>): void;
  /** Adds refresh events as given (date and amount); events outside the horizon are ignored. */
  addRefreshEvents(events: Iterable<RefreshEvent>): void;
  /** The forecast so far; the accumulator stays usable. */
  result(): ForecastResult;
}

/** What a context resolves to; built once per context object and reused by every call that gets it. */
export interface ResolvedForecastContext {
  readonly context: ForecastContext;
  readonly asOfKey: DateKey;
  readonly scenario: Scenario;
  readonly horizon: Horizon;
  readonly rules: LifecycleRules;
}

const resolvedByContext = new WeakMap<ForecastContext, ResolvedForecastContext>();

export function resolveForecastContext(context: ForecastContext): ResolvedForecastContext {
  let resolved = resolvedByContext.get(context);
  if (resolved === undefined) {
    const scenario = context.scenario ?? 'committed';
    if (scenario !== 'committed' && scenario !== 'proposed') {
      throw new RangeError(`scenario must be committed or proposed, got ${String(scenario)}`);
    }
    resolved = {
      context,
      asOfKey: dateKeyOf(context.asOf),
      scenario,
      horizon: horizonOf(context),
      rules: lifecycleRulesOf(context),
    };
    resolvedByContext.set(context, resolved);
  }
  return resolved;
}

const SCENARIO_STATUSES: Readonly<Record<Scenario, ReadonlySet<InitiativeStatus>>> = {
  committed: new Set(['approved', 'in_progress']),
  proposed: new Set(['approved', 'in_progress', 'proposed']),
};

const ITEM_TYPE_ORDER: Readonly<Record<ForecastItemType, number>> = {
  refresh: 0,
  recurring: 1,
  initiative_capex: 2,
  initiative_opex: 3,
};

/** Items by date, then type (in the contract's order: refresh, recurring, initiative capex, opex), then name. */
export function compareForecastItems(a: ForecastItem, b: ForecastItem): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  const byType = ITEM_TYPE_ORDER[a.type] - ITEM_TYPE_ORDER[b.type];
  if (byType !== 0) return byType;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  // Code-unit order, not locale order, so that every process sorts identically; the id makes it total.
  return a.refId < b.refId ? -1 : a.refId > b.refId ? 1 : 0;
}

/** First event: due on, or asOf when the asset is overdue (SPEC §3 "Refresh events"). */
function firstEventKey(facts: ClockFacts, asOfKey: DateKey): DateKey {
  return facts.dueKey < asOfKey ? asOfKey : facts.dueKey;
}

/** y = floor(whole calendar months from asOf to the event / 12). */
function escalationYears(asOfKey: DateKey, dateKey: DateKey): number {
  return Math.floor(wholeMonthsBetweenKeys(asOfKey, dateKey) / 12);
}

/** Smallest k ≥ 0 with addMonths(start, k × step) ≥ bound; the months are counted from start each time. */
function firstStepOnOrAfter(startKey: DateKey, stepMonths: number, boundKey: DateKey): number {
  if (startKey >= boundKey) return 0;
  const months = wholeMonthsBetweenKeys(startKey, boundKey);
  const atOrAfter = addMonthsToKey(startKey, months) === boundKey ? months : months + 1;
  return Math.ceil(atOrAfter / stepMonths);
}

class Accumulator implements ForecastAccumulator {
  private readonly resolved: ResolvedForecastContext;
  private readonly statuses: ReadonlySet<InitiativeStatus>;
  private readonly refresh: Float64Array;
  private readonly initiativeCapex: Float64Array;
  private readonly recurring: Float64Array;
  private readonly initiativeOpex: Float64Array;
  private readonly refreshCount: Float64Array;
  private readonly items: ForecastItem[][] | null;
  private readonly facts = emptyClockFacts();
  private undated = 0;
  private unpriced = 0;
  private overdue = 0;

  constructor(context: ForecastContext, options: ForecastOptions) {
    this.resolved = resolveForecastContext(context);
    this.statuses = SCENARIO_STATUSES[this.resolved.scenario];
    const count = this.resolved.horizon.periods.length;
    this.refresh = new Float64Array(count);
    this.initiativeCapex = new Float64Array(count);
    this.recurring = new Float64Array(count);
    this.initiativeOpex = new Float64Array(count);
    this.refreshCount = new Float64Array(count);
    this.items = options.includeItems ? Array.from({ length: count }, () => []) : null;
  }

  private periodIndex(dateKey: DateKey): number {
    const { firstMonthIndex, monthsPerPeriod } = this.resolved.horizon;
    return Math.floor((monthIndexOfKey(dateKey) - firstMonthIndex) / monthsPerPeriod);
  }

  private addItem(
    period: number,
    type: ForecastItemType,
    refId: string,
    name: string,
    dateKey: DateKey,
    amount: number,
    overdue: boolean,
    reason?: RefreshEvent['reason'],
    cycle?: number,
  ): void {
    if (this.items === null) return;
    const date = isoDateOfKey(dateKey);
    this.items[period]!.push(
      type === 'refresh'
        ? { type, refId, name, date, amount, overdue, reason, cycle }
        : { type, refId, name, date, amount, overdue },
    );
  }

  addAssets(assets: Iterable<ForecastAsset>): void {
    this.visitAssets(assets, true);
  }

  countAssets(assets: Iterable<ForecastAsset>): void {
    this.visitAssets(assets, false);
  }

  private visitAssets(assets: Iterable<ForecastAsset>, withEvents: boolean): void {
    const { rules, asOfKey, horizon } = this.resolved;
    const facts = this.facts;
    const endKey = horizon.endKey;
    for (const asset of assets) {
      computeClockFacts(asset, rules, facts);
      if (!facts.counted) continue;
      const category = rules.forCategory(asset.category);
      const base = asset.replacementCost ?? category.replacementCost ?? asset.purchaseCost;
      // Unpriced is a data-quality count, kept whether or not an event falls in the horizon and whether or
      // not the asset is dated.
      if (base === null) this.unpriced++;
      if (facts.dueKey < 0) {
        this.undated++;
        continue;
      }
      const overdue = facts.dueKey < asOfKey;
      if (overdue) this.overdue++;
      if (!withEvents) continue;

      const first = firstEventKey(facts, asOfKey);
      const months = facts.lifecycleMonths;
      for (let cycle = 0; ; cycle++) {
        // E(k+1) = addMonths(E1, k·L), from E1 each time: chaining would let a month-end clamp creep.
        const dateKey = cycle === 0 ? first : addMonthsToKey(first, cycle * months);
        if (dateKey > endKey) break;
        const amount =
          base === null ? 0 : escalate(base, category.escalationBps, escalationYears(asOfKey, dateKey));
        const period = this.periodIndex(dateKey);
        this.refresh[period]! += amount;
        this.refreshCount[period]!++;
        this.addItem(
          period,
          'refresh',
          asset.id,
          asset.name,
          dateKey,
          amount,
          overdue && cycle === 0,
          cycle === 0 ? facts.dueReason : 'age',
          cycle,
        );
      }
    }
  }

  addRefreshEvents(events: Iterable<RefreshEvent>): void {
    const { horizon } = this.resolved;
    for (const event of events) {
      const dateKey = dateKeyOf(event.date);
      if (dateKey < horizon.startKey || dateKey > horizon.endKey) continue;
      const period = this.periodIndex(dateKey);
      this.refresh[period]! += event.amount;
      this.refreshCount[period]!++;
      this.addItem(
        period,
        'refresh',
        event.assetId,
        event.name,
        dateKey,
        event.amount,
        event.overdue,
        event.reason,
        event.cycle,
      );
    }
  }

  addRecurringCosts(costs: Iterable<RecurringCost>): void {
    const { asOfKey, horizon } = this.resolved;
    for (const cost of costs) {
      if (cost.interval !== 'month' && cost.interval !== 'year') {
        throw new RangeError(`recurring cost ${cost.id}: interval must be month or year`);
      }
      const stepMonths = cost.interval === 'month' ? 1 : 12;
      const startKey = dateKeyOf(cost.startsOn);
      const lastKey =
        cost.endsOn === null ? horizon.endKey : Math.min(dateKeyOf(cost.endsOn), horizon.endKey);
      if (lastKey < asOfKey) continue;
      // Anniversaries of startsOn on or before asOf are already in today's price; n counts those after it.
      const monthsToAsOf = wholeMonthsBetweenKeys(startKey, asOfKey);
      const anniversariesByAsOf = monthsToAsOf >= 12 ? Math.floor(monthsToAsOf / 12) : 0;
      for (let k = firstStepOnOrAfter(startKey, stepMonths, asOfKey); ; k++) {
        const offset = k * stepMonths;
        const dateKey = addMonthsToKey(startKey, offset);
        if (dateKey > lastKey) break;
        // addMonths is strictly increasing, so anniversary j ≤ this charge exactly when 12j ≤ offset.
        const anniversaries = Math.floor(offset / 12) - anniversariesByAsOf;
        const amount = escalate(cost.amount, cost.annualEscalationBps, anniversaries, cost.quantity);
        const period = this.periodIndex(dateKey);
        this.recurring[period]! += amount;
        this.addItem(period, 'recurring', cost.id, cost.name, dateKey, amount, false);
      }
    }
  }

  addInitiatives(initiatives: Iterable<Initiative>): void {
    const { asOfKey, horizon } = this.resolved;
    for (const initiative of initiatives) {
      if (!this.statuses.has(initiative.status)) continue;
      // No target date yet: plan it as if it started today rather than leave a decision out of the budget.
      const targetKey = initiative.targetOn === null ? asOfKey : dateKeyOf(initiative.targetOn);
      if (initiative.capexCost !== 0) {
        const dateKey = targetKey < asOfKey ? asOfKey : targetKey;
        if (dateKey <= horizon.endKey) {
          const period = this.periodIndex(dateKey);
          this.initiativeCapex[period]! += initiative.capexCost;
          this.addItem(
            period,
            'initiative_capex',
            initiative.id,
            initiative.title,
            dateKey,
            initiative.capexCost,
            false,
          );
        }
      }
      if (initiative.monthlyOpexCost === 0) continue;
      const months = initiative.opexMonths;
      // Months before asOf are dropped, not shifted: they are spending that has already happened.
      for (let k = firstStepOnOrAfter(targetKey, 1, asOfKey); months === null || k < months; k++) {
        const dateKey = addMonthsToKey(targetKey, k);
        if (dateKey > horizon.endKey) break;
        const period = this.periodIndex(dateKey);
        this.initiativeOpex[period]! += initiative.monthlyOpexCost;
        this.addItem(
          period,
          'initiative_opex',
          initiative.id,
          initiative.title,
          dateKey,
          initiative.monthlyOpexCost,
          false,
        );
      }
    }
  }

  result(): ForecastResult {
    const { context, horizon, scenario } = this.resolved;
    const totals = {
      capex: { refresh: 0, initiatives: 0, total: 0 },
      opex: { recurring: 0, initiatives: 0, total: 0 },
      total: 0,
      refreshCount: 0,
    };
    const periods = horizon.periods.map((fiscalPeriod, i): ForecastPeriod => {
      const refresh = this.refresh[i]!;
      const capexInitiatives = this.initiativeCapex[i]!;
      const recurring = this.recurring[i]!;
      const opexInitiatives = this.initiativeOpex[i]!;
      const capexTotal = refresh + capexInitiatives;
      const opexTotal = recurring + opexInitiatives;
      const period: ForecastPeriod = {
        ...fiscalPeriod,
        capex: { refresh, initiatives: capexInitiatives, total: capexTotal },
        opex: { recurring, initiatives: opexInitiatives, total: opexTotal },
        total: capexTotal + opexTotal,
        refreshCount: this.refreshCount[i]!,
      };
      if (this.items !== null) period.items = this.items[i]!.sort(compareForecastItems);
      totals.capex.refresh += refresh;
      totals.capex.initiatives += capexInitiatives;
      totals.opex.recurring += recurring;
      totals.opex.initiatives += opexInitiatives;
      totals.refreshCount += period.refreshCount;
      return period;
    });
    totals.capex.total = totals.capex.refresh + totals.capex.initiatives;
    totals.opex.total = totals.opex.recurring + totals.opex.initiatives;
    totals.total = totals.capex.total + totals.opex.total;
    // Sums of doubles are exact below 2^53; past it, a silently rounded budget is worse than an error.
    if (!Number.isSafeInteger(totals.total)) {
      throw new RangeError('The forecast total exceeds the safe integer range of minor units');
    }
    return {
      asOf: context.asOf,
      granularity: horizon.granularity,
      scenario,
      fiscalYearStartMonth: horizon.fiscalYearStartMonth,
      periods,
      totals,
      counts: { undated: this.undated, unpriced: this.unpriced, overdue: this.overdue },
    };
  }
}

export function createForecastAccumulator(
  context: ForecastContext,
  options: ForecastOptions = {},
): ForecastAccumulator {
  return new Accumulator(context, options);
}

export function forecast(
  context: ForecastContext,
  inputs: ForecastInputs,
  options: ForecastOptions = {},
): ForecastResult {
  const accumulator = createForecastAccumulator(context, options);
  if (inputs.assets) accumulator.addAssets(inputs.assets);
  if (inputs.recurringCosts) accumulator.addRecurringCosts(inputs.recurringCosts);
  if (inputs.initiatives) accumulator.addInitiatives(inputs.initiatives);
  return accumulator.result();
}

/**
 * The refresh events of one asset inside the context's horizon, in date order (for levelling and the
 * calendar feed). Empty for inactive and undated assets.
 */
export function refreshEventsOf(asset: ForecastAsset, context: ForecastContext): RefreshEvent[] {
  const { rules, asOfKey, horizon } = resolveForecastContext(context);
  const facts = emptyClockFacts();
  computeClockFacts(asset, rules, facts);
  const events: RefreshEvent[] = [];
  if (!facts.counted || facts.dueKey < 0) return events;
  const category = rules.forCategory(asset.category);
  const base = asset.replacementCost ?? category.replacementCost ?? asset.purchaseCost;
  const overdue = facts.dueKey < asOfKey;
  const first = firstEventKey(facts, asOfKey);
  for (let cycle = 0; ; cycle++) {
    const dateKey = cycle === 0 ? first : addMonthsToKey(first, cycle * facts.lifecycleMonths);
    if (dateKey > horizon.endKey) break;
    const years = escalationYears(asOfKey, dateKey);
    events.push({
      assetId: asset.id,
      name: asset.name,
      category: asset.category,
      date: isoDateOfKey(dateKey),
      cycle,
      reason: cycle === 0 ? facts.dueReason : 'age',
      overdue: overdue && cycle === 0,
      baseCost: base ?? 0,
      escalationYears: years,
      amount: base === null ? 0 : escalate(base, category.escalationBps, years),
    });
  }
  return events;
}
