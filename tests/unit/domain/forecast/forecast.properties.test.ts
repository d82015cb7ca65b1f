import fc from 'fast-check';

import { isoDateOfKey } from '../../../../src/domain/dates.js';
import { fiscalQuarterOf } from '../../../../src/domain/fiscal-calendar.js';
import {
  assetActionsOf,
  createForecastAccumulator,
  forecast,
  refreshEventsOf,
} from '../../../../src/domain/forecast.js';
import type {
  ForecastContext,
  ForecastPeriod,
  ForecastResult,
} from '../../../../src/domain/forecast.types.js';
import { arbitraryAsset, arbitraryContext, arbitraryInputs as inputs } from './builders.js';

/** Refresh items that are charged: a refresh a replacement covers is listed with amount 0 and not counted. */
const charged = (items: NonNullable<ForecastPeriod['items']>) =>
  items.filter((item) => item.type === 'refresh' && item.coveredBy === undefined);

function sumOf(items: ForecastPeriod['items'], type: string): number {
  return items!.filter((item) => item.type === type).reduce((total, item) => total + item.amount, 0);
}

/** The numbers of a result without its items. */
function cells(result: ForecastResult) {
  return { ...result, periods: result.periods.map(({ items: _items, ...period }) => period) };
}

describe('forecast properties', () => {
  it('when items are listed, then they sum to every cell and lie inside their period, on or after asOf', () => {
    fc.assert(
      fc.property(arbitraryContext, inputs, (context, input) => {
        const result = forecast(context, input, { includeItems: true });
        for (const period of result.periods) {
          const items = period.items!;
          expect(sumOf(items, 'refresh')).toBe(period.capex.refresh);
          expect(sumOf(items, 'initiative_capex')).toBe(period.capex.initiatives);
          expect(sumOf(items, 'recurring')).toBe(period.opex.recurring);
          expect(sumOf(items, 'initiative_opex')).toBe(period.opex.initiatives);
          expect(charged(items)).toHaveLength(period.refreshCount);
          for (const item of items.filter((each) => each.coveredBy !== undefined)) {
            expect(item.amount).toBe(0);
          }
          expect(period.capex.total).toBe(period.capex.refresh + period.capex.initiatives);
          expect(period.opex.total).toBe(period.opex.recurring + period.opex.initiatives);
          expect(period.total).toBe(period.capex.total + period.opex.total);
          for (const item of items) {
            expect(item.date >= period.start && item.date <= period.end && item.date >= context.asOf).toBe(
              true,
            );
            expect(Number.isSafeInteger(item.amount) && item.amount >= 0).toBe(true);
          }
        }
      }),
    );
  });

  it('when periods are summed, then they equal the totals', () => {
    fc.assert(
      fc.property(arbitraryContext, inputs, (context, input) => {
        const result = forecast(context, input);
        const sum = (select: (p: ForecastPeriod) => number) =>
          result.periods.reduce((t, p) => t + select(p), 0);
        expect(result.totals).toEqual({
          capex: {
            refresh: sum((p) => p.capex.refresh),
            initiatives: sum((p) => p.capex.initiatives),
            total: sum((p) => p.capex.total),
          },
          opex: {
            recurring: sum((p) => p.opex.recurring),
            initiatives: sum((p) => p.opex.initiatives),
            total: sum((p) => p.opex.total),
          },
          total: sum((p) => p.total),
          refreshCount: sum((p) => p.refreshCount),
        });
      }),
    );
  });

  it('when items are switched on, then no number changes', () => {
    fc.assert(
      fc.property(arbitraryContext, inputs, (context, input) => {
        expect(cells(forecast(context, input, { includeItems: true }))).toEqual(forecast(context, input));
      }),
    );
  });

  it('when the same horizon is forecast by quarter and by year, then every whole fiscal year agrees', () => {
    fc.assert(
      fc.property(arbitraryContext, inputs, fc.integer({ min: 1, max: 10 }), (context, input, years) => {
        const yearly = forecast({ ...context, granularity: 'year', periods: years }, input);
        // The quarter horizon starts at asOf's quarter and ends where the last fiscal year does.
        const quarterOfAsOf = fiscalQuarterOf(context.asOf, context.fiscalYearStartMonth ?? 1);
        const quarterly = forecast(
          { ...context, granularity: 'quarter', periods: 4 * years - quarterOfAsOf + 1 },
          input,
        );
        expect(quarterly.periods.at(-1)!.end).toBe(yearly.periods.at(-1)!.end);
        for (const year of yearly.periods) {
          const quarters = quarterly.periods.filter((q) => q.key.startsWith(`${year.key}-`));
          const sum = (select: (p: ForecastPeriod) => number) => quarters.reduce((t, p) => t + select(p), 0);
          expect({
            refresh: sum((p) => p.capex.refresh),
            capexInitiatives: sum((p) => p.capex.initiatives),
            recurring: sum((p) => p.opex.recurring),
            opexInitiatives: sum((p) => p.opex.initiatives),
            refreshCount: sum((p) => p.refreshCount),
          }).toEqual({
            refresh: year.capex.refresh,
            capexInitiatives: year.capex.initiatives,
            recurring: year.opex.recurring,
            opexInitiatives: year.opex.initiatives,
            refreshCount: year.refreshCount,
          });
        }
        expect(quarterly.counts).toEqual(yearly.counts);
      }),
    );
  });

  it('when an asset lasts longer, then it never gets more refresh events', () => {
    fc.assert(
      fc.property(
        arbitraryContext,
        arbitraryAsset,
        fc.integer({ min: 1, max: 72 }),
        fc.integer({ min: 0, max: 48 }),
        (context, asset, months, extra) => {
          const shorter = refreshEventsOf({ ...asset, lifecycleMonths: months }, context);
          const longer = refreshEventsOf({ ...asset, lifecycleMonths: months + extra }, context);
          expect(longer.length).toBeLessThanOrEqual(shorter.length);
        },
      ),
    );
  });

  it('when a what-if lengthens the policy lifecycle, then the forecast never has more refresh events', () => {
    fc.assert(
      fc.property(
        arbitraryContext,
        fc.array(arbitraryAsset, { maxLength: 25 }),
        fc.integer({ min: 1, max: 72 }),
        fc.integer({ min: 0, max: 48 }),
        (context, assets, months, extra) => {
          const withMonths = (m: number): ForecastContext => ({
            ...context,
            lifecycleOverrides: { laptop: m, server: m, firewall: m },
          });
          const shorter = forecast(withMonths(months), { assets }).totals.refreshCount;
          const longer = forecast(withMonths(months + extra), { assets }).totals.refreshCount;
          expect(longer).toBeLessThanOrEqual(shorter);
        },
      ),
    );
  });

  it('when the inputs arrive in any order and any batches, then the result is the same', () => {
    fc.assert(
      fc.property(
        arbitraryContext,
        inputs,
        fc.integer({ min: 1, max: 10 }),
        fc.func(fc.integer()),
        (context, input, batchSize, shuffleKey) => {
          const shuffled = [...input.assets].sort((a, b) => shuffleKey(a.id) - shuffleKey(b.id));
          const accumulator = createForecastAccumulator(context, { includeItems: true });
          accumulator.addInitiatives([...input.initiatives].reverse());
          for (let i = 0; i < shuffled.length; i += batchSize)
            accumulator.addAssets(shuffled.slice(i, i + batchSize));
          accumulator.addRecurringCosts([...input.recurringCosts].reverse());
          expect(accumulator.result()).toEqual(forecast(context, input, { includeItems: true }));
        },
      ),
    );
  });

  it('when refresh events are listed per asset, then they are exactly the charged forecast refresh items', () => {
    fc.assert(
      fc.property(arbitraryContext, inputs, (context, { assets, initiatives }) => {
        const result = forecast(context, { assets, initiatives }, { includeItems: true });
        const fromItems = charged(result.periods.flatMap((p) => p.items!))
          .map(
            ({ refId, date, amount, overdue, reason, cycle }) =>
              `${refId} ${date} ${amount} ${overdue} ${reason} ${cycle}`,
          )
          .sort();
        const actions = assetActionsOf(initiatives, context);
        const fromEvents = assets
          .flatMap((asset) => refreshEventsOf(asset, context, actions))
          .map(
            ({ assetId, date, amount, overdue, reason, cycle }) =>
              `${assetId} ${date} ${amount} ${overdue} ${reason} ${cycle}`,
          )
          .sort();
        expect(fromEvents).toEqual(fromItems);
      }),
    );
  });

  it('when an initiative is a project, then it never changes a refresh figure, whatever assets it links', () => {
    fc.assert(
      fc.property(arbitraryContext, inputs, (context, input) => {
        const asProjects = input.initiatives.map((initiative) => ({
          ...initiative,
          kind: 'project' as const,
        }));
        const withLinks = forecast(context, { ...input, initiatives: asProjects });
        const withoutLinks = forecast(context, {
          ...input,
          initiatives: asProjects.map((initiative) => ({ ...initiative, assetIds: [] })),
        });
        expect(withLinks).toEqual(withoutLinks);
        const noInitiatives = forecast(context, {
          assets: input.assets,
          recurringCosts: input.recurringCosts,
        });
        withLinks.periods.forEach((period, index) => {
          expect(period.capex.refresh).toBe(noInitiatives.periods[index]!.capex.refresh);
          expect(period.refreshCount).toBe(noInitiatives.periods[index]!.refreshCount);
        });
      }),
    );
  });

  // SPEC §3 restarts a replaced asset's clock on the replacement's date D, so a replacement brought forward of the
  // asset's own first refresh can add a cycle inside the horizon (D + L before E1 + L). What must hold is that a
  // replacement on or after the asset's own first refresh, counted as that asset's refresh, never adds one.
  it('when a replacement on or after an asset first refresh covers it, then its refresh count never rises', () => {
    fc.assert(
      fc.property(arbitraryContext, inputs, (context, input) => {
        const replacements = input.initiatives.map((initiative) => ({
          ...initiative,
          kind: 'replacement' as const,
        }));
        const before = forecast(context, { assets: input.assets });
        const after = forecast(context, { assets: input.assets, initiatives: replacements });
        expect(after.counts).toEqual(before.counts);
        const actions = assetActionsOf(replacements, context);
        const horizonEnd = before.periods.at(-1)!.end;
        for (const asset of input.assets) {
          const action = actions.get(asset.id);
          const own = refreshEventsOf(asset, context);
          if (action === undefined || own.length === 0) continue;
          const replacedOn = isoDateOfKey(action.replacementKey);
          if (replacedOn < own[0]!.date) continue;
          const replaced = refreshEventsOf(asset, context, actions);
          expect(replaced.length + (replacedOn <= horizonEnd ? 1 : 0)).toBeLessThanOrEqual(own.length);
        }
      }),
    );
  });

  it('when an upgrade covers assets, then the counts never change and no asset is refreshed sooner', () => {
    fc.assert(
      fc.property(arbitraryContext, inputs, (context, input) => {
        const upgrades = input.initiatives.map((initiative) => ({ ...initiative, kind: 'upgrade' as const }));
        const actions = assetActionsOf(upgrades, context);
        for (const asset of input.assets) {
          const own = refreshEventsOf(asset, context);
          const upgraded = refreshEventsOf(asset, context, actions);
          if (own.length > 0 && upgraded.length > 0) expect(upgraded[0]!.date >= own[0]!.date).toBe(true);
        }
        expect(forecast(context, { assets: input.assets, initiatives: upgrades }).counts).toEqual(
          forecast(context, { assets: input.assets }).counts,
        );
      }),
    );
  });

  it('when asOf is after a period start, then that period, and only the first, is partial', () => {
    fc.assert(
      fc.property(arbitraryContext, (context) => {
        const { periods } = forecast(context, {});
        periods.forEach((period, index) => {
          expect(period.partial).toBe(context.asOf > period.start);
          if (index > 0) expect(period.partial).toBe(false);
        });
      }),
    );
  });
});
