import fc from 'fast-check';

import { addMonths, wholeMonthsBetween } from '../../../../src/domain/dates.js';
import {
  fiscalPeriodKey,
  fiscalPeriods,
  fiscalQuarterOf,
  fiscalYearOf,
} from '../../../../src/domain/fiscal-calendar.js';
import { forecast, refreshEventsOf } from '../../../../src/domain/forecast.js';
import type { ForecastAsset, ForecastContext, Initiative } from '../../../../src/domain/forecast.types.js';
import { levelRefreshes } from '../../../../src/domain/levelling.js';
import { escalate } from '../../../../src/domain/money.js';
import { aPolicy, anAsset, anInitiative, arbitraryDate } from './builders.js';

// Golden cases: asOf 2026-01-01, calendar fiscal years, quarters Q1 = Jan–Mar 2026, Q2 = Apr–Jun, …
// Every asset is due 36 months after it went into service, so `dueOn` below is the event date.
const asOf = '2026-01-01';
const context: ForecastContext = { asOf, periods: 4 };

function due(dueOn: string, cost: number, name = `due ${dueOn} for ${cost}`): ForecastAsset {
  return anAsset({ name, inServiceOn: addMonths(dueOn, -36), replacementCost: cost });
}

function capexByQuarter(result: ReturnType<typeof levelRefreshes>) {
  return Object.fromEntries(result.forecast.periods.map((p) => [p.key, p.capex.total]));
}

describe('levelRefreshes: golden cases', () => {
  it('when one quarter is over the cap and the next has room, then the nearest event moves one month', () => {
    // Q1: 60 (02-15) + 60 (03-15) = 120 > 100. Either event clears the excess; 03-15 reaches Q2 in one month.
    const assets = [due('2026-02-15', 60, 'February'), due('2026-03-15', 60, 'March')];
    const result = levelRefreshes(context, { assets }, { quarterlyCapexCap: 100, windowMonths: 3 });

    expect(result.moves).toEqual([
      {
        assetId: assets[1]!.id,
        name: 'March',
        fromDate: '2026-03-15',
        toDate: '2026-04-15',
        monthsMoved: 1,
        amount: 60,
      },
    ]);
    expect(capexByQuarter(result)).toEqual({
      'FY2026-Q1': 60,
      'FY2026-Q2': 60,
      'FY2026-Q3': 0,
      'FY2026-Q4': 0,
    });
    expect(result.overflow).toEqual([]);
    expect(result.optimal).toBe(true);
    expect(result.totals).toEqual({
      refreshBaseCost: 120,
      refreshCapexBefore: 120,
      refreshCapexAfter: 120,
      overflowBefore: 20,
      overflowAfter: 0,
    });
  });

  it('when the next quarter is full too, then a chain of moves makes room further on', () => {
    // Q1: A 60 (02-10) + B 50 (03-20) = 110; Q2: C 50 (05-10) + D 50 (06-10) = 100; Q3 empty; cap 100, W 3.
    // Q1's events cannot reach Q3, so no single move helps. Fewest moves, then fewest months:
    // D 06-10 → 07-10 (+1) and B 03-20 → 04-20 (+1). Q1 60, Q2 100, Q3 50.
    const [a, b, c, d] = [
      due('2026-02-10', 60, 'A'),
      due('2026-03-20', 50, 'B'),
      due('2026-05-10', 50, 'C'),
      due('2026-06-10', 50, 'D'),
    ];
    const result = levelRefreshes(
      context,
      { assets: [a!, b!, c!, d!] },
      { quarterlyCapexCap: 100, windowMonths: 3 },
    );

    expect(
      result.moves.map(({ name, fromDate, toDate, monthsMoved }) => ({
        name,
        fromDate,
        toDate,
        monthsMoved,
      })),
    ).toEqual([
      { name: 'B', fromDate: '2026-03-20', toDate: '2026-04-20', monthsMoved: 1 },
      { name: 'D', fromDate: '2026-06-10', toDate: '2026-07-10', monthsMoved: 1 },
    ]);
    expect(capexByQuarter(result)).toEqual({
      'FY2026-Q1': 60,
      'FY2026-Q2': 100,
      'FY2026-Q3': 50,
      'FY2026-Q4': 0,
    });
    expect(result.optimal).toBe(true);
  });

  it('when only a careful split fits (4, 4, 3, 3, 3, 3 into two quarters of 10), then it is found with the fewest moves', () => {
    // All six are due 2026-03-15 and may move to April. First-fit decreasing puts 4 + 4 in one quarter and
    // then cannot place the fourth 3. The only split is {4, 3, 3} + {4, 3, 3}, so three events move.
    const assets = [400, 400, 300, 300, 300, 300].map((cost) => due('2026-03-15', cost));
    const result = levelRefreshes(
      { asOf, periods: 2 },
      { assets },
      { quarterlyCapexCap: 1_000, windowMonths: 1 },
    );

    expect(result.overflow).toEqual([]);
    expect(result.moves.map((move) => move.amount).sort()).toEqual([300, 300, 400]);
    expect(result.moves.every((move) => move.toDate === '2026-04-15')).toBe(true);
    expect(capexByQuarter(result)).toEqual({ 'FY2026-Q1': 1_000, 'FY2026-Q2': 1_000 });
    expect(result.optimal).toBe(true);
  });

  it('when no plan fits, then the least total overflow is found, even if that means a second quarter goes over', () => {
    // Q1: 1500 of initiative capex + 300 + 1234 + 400 + 600 (all due 03-15) = 4034; Q2 empty; cap 1901, W 1.
    // Moving S to Q2 leaves overflow (2133 − S) while S ≤ 1901 (best S = 1834: 299), but (2133 − S) + (S − 1901)
    // = 232 for 1901 < S ≤ 2133, which only S = 1234 + 400 + 300 = 1934 reaches. Filling Q2 up to the cap
    // and then carrying the smallest clearing event, as a sweep would, gives 233.
    const assets = [300, 1_234, 400, 600].map((cost) => due('2026-03-15', cost));
    const initiatives = [anInitiative({ status: 'approved', targetOn: '2026-02-01', capexCost: 1_500 })];
    const result = levelRefreshes(
      { asOf, periods: 2 },
      { assets, initiatives },
      { quarterlyCapexCap: 1_901, windowMonths: 1 },
    );

    expect(result.moves.map((move) => move.amount).sort((a, b) => a - b)).toEqual([300, 400, 1_234]);
    expect(result.overflow.map(({ key, capex, overflow }) => ({ key, capex, overflow }))).toEqual([
      { key: 'FY2026-Q1', capex: 2_100, overflow: 199 },
      { key: 'FY2026-Q2', capex: 1_934, overflow: 33 },
    ]);
    expect(result.totals.overflowAfter).toBe(232);
    expect(result.optimal).toBe(true);
  });

  it('when initiative capex alone is over the cap, then the overflow is reported and the refresh moves out of its way', () => {
    const initiatives = [anInitiative({ status: 'approved', targetOn: '2026-02-01', capexCost: 150 })];
    const assets = [due('2026-03-01', 30, 'Switch')];
    const result = levelRefreshes(
      context,
      { assets, initiatives },
      { quarterlyCapexCap: 100, windowMonths: 2 },
    );

    expect(result.moves).toMatchObject([{ name: 'Switch', toDate: '2026-04-01', monthsMoved: 1 }]);
    expect(result.overflow).toEqual([
      {
        key: 'FY2026-Q1',
        label: 'FY2026 Q1',
        start: '2026-01-01',
        end: '2026-03-31',
        capex: 150,
        cap: 100,
        overflow: 50,
      },
    ]);
    expect(result.totals.overflowAfter).toBe(50);
    expect(result.optimal).toBe(true);
  });

  it('when overdue events cannot leave the first quarter within the window, then nothing moves and the overflow stays', () => {
    // Both were due in 2025, so both fall on asOf (2026-01-01); moving at most 2 months keeps them in Q1,
    // and they may not move before asOf.
    const assets = [due('2025-06-01', 80), due('2025-07-01', 80)];
    const result = levelRefreshes(context, { assets }, { quarterlyCapexCap: 100, windowMonths: 2 });

    expect(result.moves).toEqual([]);
    expect(result.overflow).toMatchObject([{ key: 'FY2026-Q1', capex: 160, overflow: 60 }]);
    expect(result.forecast.counts.overdue).toBe(2);
    expect(result.optimal).toBe(true);
  });

  it('when a move crosses an escalation year, then the base total is unchanged and both escalated totals are reported', () => {
    // Due 2027-01-15: 12 whole months after asOf → 100 × 1.1 = 110, plus 50 of initiative capex in that
    // quarter = 160 > 100. One month earlier (2026-12-15) is 11 whole months → 100.
    const levelled = levelRefreshes(
      {
        asOf,
        periods: 5,
        mspPolicies: { laptop: aPolicy('laptop', { annualEscalationBps: 1_000 }) },
      },
      {
        assets: [due('2027-01-15', 100, 'Laptop')],
        initiatives: [anInitiative({ targetOn: '2027-02-01', capexCost: 50 })],
      },
      { quarterlyCapexCap: 100, windowMonths: 3 },
    );

    expect(levelled.moves).toMatchObject([
      { fromDate: '2027-01-15', toDate: '2026-12-15', monthsMoved: -1, amount: 100 },
    ]);
    expect(levelled.totals).toMatchObject({
      refreshBaseCost: 100,
      refreshCapexBefore: 110,
      refreshCapexAfter: 100,
    });
    expect(levelled.forecast.totals.capex.refresh).toBe(100);
  });

  it('when the forecast is shown by year, then the cap still applies per quarter and the forecast comes back by year', () => {
    const assets = [due('2026-02-15', 60), due('2026-03-15', 60)];
    const result = levelRefreshes(
      { asOf, granularity: 'year', periods: 1 },
      { assets },
      { quarterlyCapexCap: 100, windowMonths: 3, includeItems: true },
    );

    expect(result.forecast.periods.map((p) => [p.key, p.capex.refresh, p.items!.length])).toEqual([
      ['FY2026', 120, 2],
    ]);
    expect(result.moves).toHaveLength(1);
    expect(result.overflow).toEqual([]);
  });

  it('when the window or the cap is invalid, then it throws', () => {
    const inputs = { assets: [] };
    expect(() => levelRefreshes(context, inputs, { quarterlyCapexCap: -1, windowMonths: 3 })).toThrow(
      RangeError,
    );
    expect(() => levelRefreshes(context, inputs, { quarterlyCapexCap: 100, windowMonths: 1.5 })).toThrow(
      RangeError,
    );
    expect(() => levelRefreshes(context, inputs, { quarterlyCapexCap: 100, windowMonths: 121 })).toThrow(
      RangeError,
    );
  });
});

// Property tests: small random plans, checked against an independent brute force over every month offset.

const smallPlan = fc.record({
  asOf: fc.constantFrom('2026-01-01', '2026-03-15', '2026-05-31', '2027-11-30'),
  fiscalYearStartMonth: fc.integer({ min: 1, max: 12 }),
  periods: fc.integer({ min: 2, max: 6 }),
  bps: fc.integer({ min: 0, max: 2_000 }),
  windowMonths: fc.integer({ min: 0, max: 3 }),
  cap: fc.integer({ min: 0, max: 2_500 }),
  assets: fc.array(
    fc.record({
      inServiceOn: arbitraryDate(2022, 2025),
      lifecycleMonths: fc.integer({ min: 12, max: 48 }),
      replacementCost: fc.constantFrom(0, 100, 300, 400, 600, 1_000, 1_234),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  initiatives: fc.array(
    fc.record({ targetOn: arbitraryDate(2026, 2028), capexCost: fc.constantFrom(0, 200, 500, 1_500) }),
    { maxLength: 2 },
  ),
});

type SmallPlan = typeof smallPlan extends fc.Arbitrary<infer T> ? T : never;

function setUp(plan: SmallPlan) {
  const planContext: ForecastContext = {
    asOf: plan.asOf,
    fiscalYearStartMonth: plan.fiscalYearStartMonth,
    periods: plan.periods,
    mspPolicies: { laptop: aPolicy('laptop', { annualEscalationBps: plan.bps }) },
  };
  const assets = plan.assets.map((asset, i) => anAsset({ ...asset, name: `asset ${i}` }));
  const initiatives: Initiative[] = plan.initiatives.map((initiative) => anInitiative({ ...initiative }));
  return { planContext, assets, initiatives };
}

/** The least total overflow over every assignment of month offsets, computed from first principles. */
function bruteForceLeastOverflow(
  plan: SmallPlan,
  planContext: ForecastContext,
  assets: ForecastAsset[],
  initiatives: Initiative[],
) {
  const quarterKey = (date: string) =>
    fiscalPeriodKey(
      fiscalYearOf(date, plan.fiscalYearStartMonth),
      fiscalQuarterOf(date, plan.fiscalYearStartMonth),
    );
  const quarters = fiscalPeriods({ ...planContext, granularity: 'quarter' });
  const end = quarters.at(-1)!.end;
  const fixed = new Map(quarters.map((q) => [q.key, 0]));
  for (const period of forecast(planContext, { initiatives }).periods)
    fixed.set(period.key, period.capex.initiatives);
  const choices = assets
    .flatMap((asset) => refreshEventsOf(asset, planContext))
    .map((event) => {
      const options: { key: string; amount: number }[] = [];
      for (let delta = -plan.windowMonths; delta <= plan.windowMonths; delta++) {
        const date = addMonths(event.date, delta);
        if (date < plan.asOf || date > end) continue;
        const years = Math.floor(wholeMonthsBetween(plan.asOf, date) / 12);
        options.push({ key: quarterKey(date), amount: escalate(event.baseCost, plan.bps, years) });
      }
      return options;
    });
  const combinations = choices.reduce((n, options) => n * options.length, 1);
  let least = Infinity;
  const loads = new Map(fixed);
  const visit = (i: number) => {
    if (i === choices.length) {
      let overflow = 0;
      for (const load of loads.values()) overflow += Math.max(0, load - plan.cap);
      least = Math.min(least, overflow);
      return;
    }
    for (const option of choices[i]!) {
      loads.set(option.key, loads.get(option.key)! + option.amount);
      visit(i + 1);
      loads.set(option.key, loads.get(option.key)! - option.amount);
    }
  };
  return { combinations, least: () => (visit(0), least) };
}

describe('levelRefreshes: properties', () => {
  it('when a plan under the cap exists, then levelling finds one; in general it finds the least possible overflow', () => {
    fc.assert(
      fc.property(smallPlan, (plan) => {
        const { planContext, assets, initiatives } = setUp(plan);
        const brute = bruteForceLeastOverflow(plan, planContext, assets, initiatives);
        fc.pre(brute.combinations <= 20_000);
        const result = levelRefreshes(
          planContext,
          { assets, initiatives },
          { quarterlyCapexCap: plan.cap, windowMonths: plan.windowMonths, searchNodeLimit: 10_000_000 },
        );
        const least = brute.least();
        expect(result.optimal).toBe(true);
        expect(result.totals.overflowAfter).toBe(least);
        if (least === 0) {
          expect(result.overflow).toEqual([]);
          for (const period of result.forecast.periods)
            expect(period.capex.total).toBeLessThanOrEqual(plan.cap);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  const largerPlan = smallPlan.chain(
    (plan) =>
      fc.record({
        ...Object.fromEntries(Object.entries(plan).map(([k, v]) => [k, fc.constant(v)])),
        windowMonths: fc.integer({ min: 0, max: 12 }),
        cap: fc.integer({ min: 0, max: 20_000 }),
        assets: fc.array(
          fc.record({
            inServiceOn: arbitraryDate(2021, 2026),
            lifecycleMonths: fc.integer({ min: 6, max: 60 }),
            replacementCost: fc.integer({ min: 0, max: 5_000 }),
          }),
          { maxLength: 60 },
        ),
      }) as fc.Arbitrary<SmallPlan>,
  );

  it('when any plan is levelled, then the base total, the events and the window hold, and it is no worse than not moving', () => {
    fc.assert(
      fc.property(largerPlan, fc.integer({ min: 0, max: 3_000 }), (plan, searchNodeLimit) => {
        const { planContext, assets, initiatives } = setUp(plan);
        const quarters = fiscalPeriods({ ...planContext, granularity: 'quarter' });
        const end = quarters.at(-1)!.end;
        const result = levelRefreshes(
          planContext,
          { assets, initiatives },
          {
            quarterlyCapexCap: plan.cap,
            windowMonths: plan.windowMonths,
            includeItems: true,
            searchNodeLimit,
          },
        );

        // Each asset keeps its number of events, and each levelled charge is its base escalated to its new date.
        const before = assets.flatMap((asset) => refreshEventsOf(asset, planContext));
        const after = result.forecast.periods.flatMap((p) =>
          p.items!.filter((item) => item.type === 'refresh'),
        );
        const baseOf = new Map(before.map((event) => [event.assetId, event.baseCost]));
        const count = (ids: string[]) =>
          ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());
        expect(count(after.map((item) => item.refId))).toEqual(count(before.map((event) => event.assetId)));
        for (const item of after) {
          const years = Math.floor(wholeMonthsBetween(plan.asOf, item.date) / 12);
          expect(item.amount).toBe(escalate(baseOf.get(item.refId)!, plan.bps, years));
        }
        const baseTotal = before.reduce((t, event) => t + event.baseCost, 0);
        expect(after.reduce((t, item) => t + baseOf.get(item.refId)!, 0)).toBe(baseTotal);
        expect(result.totals.refreshBaseCost).toBe(baseTotal);
        expect(result.totals.refreshCapexBefore).toBe(before.reduce((t, event) => t + event.amount, 0));
        expect(result.totals.refreshCapexAfter).toBe(result.forecast.totals.capex.refresh);

        for (const move of result.moves) {
          expect(move.monthsMoved).not.toBe(0);
          expect(Math.abs(move.monthsMoved)).toBeLessThanOrEqual(plan.windowMonths);
          expect(move.toDate).toBe(addMonths(move.fromDate, move.monthsMoved));
          expect(move.toDate >= plan.asOf && move.toDate <= end).toBe(true);
        }

        // The overflow report is exactly the levelled quarters over the cap.
        const overflowing = result.forecast.periods
          .filter((p) => p.capex.total > plan.cap)
          .map((p) => ({ key: p.key, overflow: p.capex.total - plan.cap }));
        expect(result.overflow.map(({ key, overflow }) => ({ key, overflow }))).toEqual(overflowing);
        expect(result.totals.overflowAfter).toBe(overflowing.reduce((t, q) => t + q.overflow, 0));
        expect(result.totals.overflowAfter).toBeLessThanOrEqual(result.totals.overflowBefore);
        if (result.totals.overflowBefore === 0) expect(result.moves).toEqual([]);

        // Recurring costs, initiatives and counts are untouched by levelling.
        const unlevelled = forecast(planContext, { assets, initiatives });
        expect(result.forecast.counts).toEqual(unlevelled.counts);
        expect(result.forecast.totals.capex.initiatives).toBe(unlevelled.totals.capex.initiatives);
        expect(result.forecast.totals.refreshCount).toBe(unlevelled.totals.refreshCount);
      }),
      { numRuns: 200 },
    );
  });
});
