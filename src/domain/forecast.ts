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
import { type Horizon, horizonOf, isPartialPeriod } from './fiscal-calendar.js';
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
  /**
   * Refresh events of the assets, plus the undated, unpriced and overdue counts. Initiatives that act on assets
   * (replacement, upgrade) change those events, so they must be added first: adding such an initiative after its
   * assets throws.
   */
  addAssets(assets: Iterable<ForecastAsset>): void;
  addRecurringCosts(costs: Iterable<RecurringCost>): void;
  /** Initiative capex and opex, and what counting replacements and upgrades do to their linked assets. */
  addInitiatives(initiatives: Iterable<Initiative>): void;
  /**
   * The counts of {@link addAssets} without its refresh events, for a caller that places the events itself
   * (levelling) and hands them to {@link addRefreshEvents}. Using both on the same assets counts them twice.
   */
  countAssets(assets: Iterable<ForecastAsset>): void;
  /** Adds refresh events as given (date and amount); events outside the horizon are ignored. */
  addRefreshEvents(events: Iterable<RefreshEvent>): void;
  /**
   * Refresh events already summed by period elsewhere (the portfolio sums them in the database): `amount` is
   * added to the period's refresh capex and `count` to its refresh count. With {@link addAssetCounts} it stands in
   * for {@link addAssets}; a caller that uses it must check the result against this engine (the portfolio does,
   * in its tests).
   */
  addRefreshCell(period: number, amount: number, count: number): void;
  /** The undated, unpriced and overdue counts of assets whose refresh events come through {@link addRefreshCell}. */
  addAssetCounts(counts: ForecastResult['counts']): void;
  /** The forecast so far; the accumulator stays usable. */
  result(): ForecastResult;
}

/** The input whose charges took a forecast past the exact range: what a caller names to the user. */
export interface ForecastRangeSource {
  type: 'asset' | 'recurringCost' | 'initiative';
  id: string;
  name: string;
  field: 'replacementCost' | 'amount' | 'capexCost' | 'monthlyOpexCost';
}

/**
 * A forecast whose amounts cannot be represented exactly as JSON numbers (past 2^53 − 1 minor units). Charges are
 * non-negative integers, so a cell at or below that bound was summed exactly; past it, a silently rounded budget
 * would be worse than none. `source` is the input with the largest single charge, the likeliest mistake.
 */
export class ForecastRangeError extends RangeError {
  constructor(readonly source: ForecastRangeSource) {
    super(
      `The forecast's amounts exceed ${Number.MAX_SAFE_INTEGER} minor units, the largest exact amount; ` +
        `${source.type} "${source.name}" (${source.field}) has the largest charges`,
    );
    this.name = 'ForecastRangeError';
  }

  /** Where to look, in the form of a problem's `errors[].path`: `recurringCosts[<id>].amount`. */
  get path(): string {
    const collection = { asset: 'assets', recurringCost: 'recurringCosts', initiative: 'initiatives' };
    return `${collection[this.source.type]}[${this.source.id}].${this.source.field}`;
  }
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

/**
 * What counting initiatives do to one asset (SPEC §3 "Initiatives that act on assets"): the earliest replacement
 * date D = max(targetOn, asOf) of its `replacement` initiatives, and whether an `upgrade` covers it.
 */
export interface AssetAction {
  /** D of the earliest counting replacement, -1 when none. */
  replacementKey: DateKey;
  replacementId: string | null;
  upgraded: boolean;
}

/** An initiative's date as the forecast uses it: no target date yet plans it as of today. */
function initiativeTargetKey(initiative: Initiative, asOfKey: DateKey): DateKey {
  return initiative.targetOn === null ? asOfKey : dateKeyOf(initiative.targetOn);
}

/** Records a counting initiative's effect on its linked assets; the earliest replacement wins (then the lower id). */
function recordAssetActions(
  actions: Map<string, AssetAction>,
  initiative: Initiative,
  asOfKey: DateKey,
): void {
  if (initiative.kind === 'project') return;
  const targetKey = initiativeTargetKey(initiative, asOfKey);
  const replacementKey = targetKey < asOfKey ? asOfKey : targetKey;
  for (const assetId of initiative.assetIds) {
    let action = actions.get(assetId);
    if (action === undefined) {
      action = { replacementKey: -1, replacementId: null, upgraded: false };
      actions.set(assetId, action);
    }
    if (initiative.kind === 'upgrade') {
      action.upgraded = true;
    } else if (
      action.replacementId === null ||
      replacementKey < action.replacementKey ||
      (replacementKey === action.replacementKey && initiative.id < action.replacementId)
    ) {
      action.replacementKey = replacementKey;
      action.replacementId = initiative.id;
    }
  }
}

/** What the scenario's counting initiatives do to each linked asset, by asset id. */
export function assetActionsOf(
  initiatives: Iterable<Initiative>,
  context: ForecastContext,
): Map<string, AssetAction> {
  const { asOfKey, scenario } = resolveForecastContext(context);
  const statuses = SCENARIO_STATUSES[scenario];
  const actions = new Map<string, AssetAction>();
  for (const initiative of initiatives) {
    if (statuses.has(initiative.status)) recordAssetActions(actions, initiative, asOfKey);
  }
  return actions;
}

/** One refresh event of an asset, as the accumulator and {@link refreshEventsOf} see it. */
interface EventVisit {
  dateKey: DateKey;
  cycle: number;
  reason: 'age' | 'end_of_support';
  overdue: boolean;
  /** The replacement initiative that pays for this event instead (amount 0), or null when it is charged. */
  coveredBy: string | null;
  /** The replacement whose date started this event's clock, or null. */
  replacementId: string | null;
}

/**
 * Walks an asset's refresh events inside the horizon, in date order. Its own events (E1 on due on, or asOf when
 * overdue, then every L months from E1) are covered when a replacement acts on it; the replacement then starts a
 * fresh clock at addMonths(D, k·L), k ≥ 1, with no end of support applying to it.
 */
function visitRefreshEvents(
  facts: ClockFacts,
  action: AssetAction | undefined,
  asOfKey: DateKey,
  endKey: DateKey,
  visit: (event: EventVisit) => void,
): void {
  const months = facts.lifecycleMonths;
  const coveredBy = action?.replacementId ?? null;
  if (facts.dueKey >= 0) {
    const overdue = facts.dueKey < asOfKey;
    const first = firstEventKey(facts, asOfKey);
    for (let cycle = 0; ; cycle++) {
      // E(k+1) = addMonths(E1, k·L), from E1 each time: chaining would let a month-end clamp creep.
      const dateKey = cycle === 0 ? first : addMonthsToKey(first, cycle * months);
      if (dateKey > endKey) break;
      visit({
        dateKey,
        cycle,
        reason: cycle === 0 ? facts.dueReason : 'age',
        overdue: overdue && cycle === 0,
        coveredBy,
        replacementId: null,
      });
    }
  }
  if (action === undefined || action.replacementId === null) return;
  for (let cycle = 1; ; cycle++) {
    const dateKey = addMonthsToKey(action.replacementKey, cycle * months);
    if (dateKey > endKey) break;
    visit({
      dateKey,
      cycle,
      reason: 'age',
      overdue: false,
      coveredBy: null,
      replacementId: action.replacementId,
    });
  }
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
  private readonly actions = new Map<string, AssetAction>();
  /** The largest single charge so far and where it came from, to name in a ForecastRangeError. */
  private largestCharge = 0;
  private largestSource: ForecastRangeSource | null = null;
  private readonly visitedAssetIds = new Set<string>();
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
  ): void {
    if (this.items === null) return;
    this.items[period]!.push({ type, refId, name, date: isoDateOfKey(dateKey), amount, overdue });
  }

  /**
   * One charge, remembered when it is the largest so far (its source is named if the forecast goes out of range).
   * Plain arguments rather than a source object: this runs once per charge of a million-asset portfolio.
   */
  private charged(
    amount: number,
    type: ForecastRangeSource['type'],
    id: string,
    name: string,
    field: ForecastRangeSource['field'],
  ): number {
    if (amount > this.largestCharge) {
      this.largestCharge = amount;
      this.largestSource = { type, id, name, field };
    }
    return amount;
  }

  /** escalate(), with a charge past the exact range reported as the input it came from. */
  private escalated(
    type: ForecastRangeSource['type'],
    id: string,
    name: string,
    field: ForecastRangeSource['field'],
    base: number,
    bps: number,
    years: number,
    quantity = 1,
  ): number {
    let amount: number;
    try {
      amount = escalate(base, bps, years, quantity);
    } catch (error) {
      if (error instanceof RangeError) throw new ForecastRangeError({ type, id, name, field });
      throw error;
    }
    return this.charged(amount, type, id, name, field);
  }

  private addRefreshItem(
    period: number,
    assetId: string,
    name: string,
    event: Omit<EventVisit, 'replacementId'>,
    amount: number,
  ): void {
    if (this.items === null) return;
    const item: ForecastItem = {
      type: 'refresh',
      refId: assetId,
      name,
      date: isoDateOfKey(event.dateKey),
      amount,
      overdue: event.overdue,
      reason: event.reason,
      cycle: event.cycle,
    };
    if (event.coveredBy !== null) item.coveredBy = event.coveredBy;
    this.items[period]!.push(item);
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
      this.visitedAssetIds.add(asset.id);
      computeClockFacts(asset, rules, facts);
      if (!facts.counted) continue;
      const category = rules.forCategory(asset.category);
      const base = asset.replacementCost ?? category.replacementCost ?? asset.purchaseCost;
      // The counts describe the inventory as it is, so they come before any initiative acts on the asset.
      // Unpriced is a data-quality count, kept whether or not an event falls in the horizon and whether or
      // not the asset is dated.
      if (base === null) this.unpriced++;
      if (facts.dueKey < 0) this.undated++;
      else if (facts.dueKey < asOfKey) this.overdue++;
      if (!withEvents) continue;

      const action = this.actions.get(asset.id);
      if (action?.upgraded) computeClockFacts(asset, rules, facts, true);
      visitRefreshEvents(facts, action, asOfKey, endKey, (event) => {
        const period = this.periodIndex(event.dateKey);
        if (event.coveredBy !== null) {
          this.addRefreshItem(period, asset.id, asset.name, event, 0);
          return;
        }
        const amount =
          base === null
            ? 0
            : this.escalated(
                'asset',
                asset.id,
                asset.name,
                'replacementCost',
                base,
                category.escalationBps,
                escalationYears(asOfKey, event.dateKey),
              );
        this.refresh[period]! += amount;
        this.refreshCount[period]!++;
        this.addRefreshItem(period, asset.id, asset.name, event, amount);
      });
    }
  }

  addRefreshEvents(events: Iterable<RefreshEvent>): void {
    const { horizon } = this.resolved;
    for (const event of events) {
      const dateKey = dateKeyOf(event.date);
      if (dateKey < horizon.startKey || dateKey > horizon.endKey) continue;
      const period = this.periodIndex(dateKey);
      this.refresh[period]! += this.charged(
        event.amount,
        'asset',
        event.assetId,
        event.name,
        'replacementCost',
      );
      this.refreshCount[period]!++;
      this.addRefreshItem(
        period,
        event.assetId,
        event.name,
        { dateKey, cycle: event.cycle, reason: event.reason, overdue: event.overdue, coveredBy: null },
        event.amount,
      );
    }
  }

  addRefreshCell(period: number, amount: number, count: number): void {
    if (!Number.isInteger(period) || period < 0 || period >= this.refresh.length) {
      throw new RangeError(`period ${period} is outside the horizon`);
    }
    if (!Number.isSafeInteger(amount) || amount < 0 || !Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`refresh cell ${period}: amount and count must be non-negative safe integers`);
    }
    this.refresh[period]! += amount;
    this.refreshCount[period]! += count;
  }

  addAssetCounts(counts: ForecastResult['counts']): void {
    this.undated += counts.undated;
    this.unpriced += counts.unpriced;
    this.overdue += counts.overdue;
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
        const amount = this.escalated(
          'recurringCost',
          cost.id,
          cost.name,
          'amount',
          cost.amount,
          cost.annualEscalationBps,
          anniversaries,
          cost.quantity,
        );
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
      if (initiative.kind !== 'project') {
        const late = initiative.assetIds.find((assetId) => this.visitedAssetIds.has(assetId));
        if (late !== undefined) {
          throw new Error(`initiative ${initiative.id} acts on asset ${late}, which was added before it`);
        }
        recordAssetActions(this.actions, initiative, asOfKey);
      }
      // No target date yet: plan it as if it started today rather than leave a decision out of the budget.
      const targetKey = initiativeTargetKey(initiative, asOfKey);
      if (initiative.capexCost !== 0) {
        const dateKey = targetKey < asOfKey ? asOfKey : targetKey;
        if (dateKey <= horizon.endKey) {
          const period = this.periodIndex(dateKey);
          this.initiativeCapex[period]! += this.charged(
            initiative.capexCost,
            'initiative',
            initiative.id,
            initiative.title,
            'capexCost',
          );
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
        this.initiativeOpex[period]! += this.charged(
          initiative.monthlyOpexCost,
          'initiative',
          initiative.id,
          initiative.title,
          'monthlyOpexCost',
        );
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
        partial: isPartialPeriod(context.asOf, fiscalPeriod),
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
    // Charges are non-negative integers, so every partial sum is at most the grand total: when the total is a
    // safe integer, every cell was summed exactly.
    // A total past the range implies at least one charge, so its source is known (unless it came as a sum).
    if (!Number.isSafeInteger(totals.total)) {
      // Refresh cells added as sums carry no source: the caller recomputes such a client event by event.
      if (this.largestSource === null) throw new RangeError('The forecast exceeds the exact range');
      throw new ForecastRangeError(this.largestSource);
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
  if (inputs.initiatives) accumulator.addInitiatives(inputs.initiatives);
  if (inputs.assets) accumulator.addAssets(inputs.assets);
  if (inputs.recurringCosts) accumulator.addRecurringCosts(inputs.recurringCosts);
  return accumulator.result();
}

/**
 * The charged refresh events of one asset inside the context's horizon, in date order (for levelling and the
 * calendar feed), with what counting initiatives do to it (`actions`, from {@link assetActionsOf}). Empty for
 * inactive assets, and for undated ones unless a replacement starts their clock.
 */
export function refreshEventsOf(
  asset: ForecastAsset,
  context: ForecastContext,
  actions?: ReadonlyMap<string, AssetAction>,
): RefreshEvent[] {
  const { rules, asOfKey, horizon } = resolveForecastContext(context);
  const action = actions?.get(asset.id);
  const facts = emptyClockFacts();
  computeClockFacts(asset, rules, facts, action?.upgraded ?? false);
  const events: RefreshEvent[] = [];
  if (!facts.counted) return events;
  const category = rules.forCategory(asset.category);
  const base = asset.replacementCost ?? category.replacementCost ?? asset.purchaseCost;
  visitRefreshEvents(facts, action, asOfKey, horizon.endKey, (event) => {
    if (event.coveredBy !== null) return;
    const years = escalationYears(asOfKey, event.dateKey);
    let amount = 0;
    try {
      if (base !== null) amount = escalate(base, category.escalationBps, years);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new ForecastRangeError({
        type: 'asset',
        id: asset.id,
        name: asset.name,
        field: 'replacementCost',
      });
    }
    events.push({
      assetId: asset.id,
      name: asset.name,
      category: asset.category,
      date: isoDateOfKey(event.dateKey),
      cycle: event.cycle,
      reason: event.reason,
      replacementId: event.replacementId,
      overdue: event.overdue,
      baseCost: base ?? 0,
      escalationYears: years,
      amount,
    });
  });
  return events;
}
