import fc from 'fast-check';

import { fiscalQuarterOf } from '../../../../src/domain/fiscal-calendar.js';
import { createForecastAccumulator, forecast, refreshEventsOf } from '../../../../src/domain/forecast.js';
import type {
  ForecastContext,
  ForecastPeriod,
  ForecastResult,
} from '../../../../src/domain/forecast.types.js';
import { arbitraryAsset, arbitraryContext, arbitraryInitiative, arbitraryRecurringCost } from './builders.js';

const inputs = fc.record({
  assets: fc.array(arbitraryAsset, { maxLength: 25 }),
  recurringCosts: fc.array(arbitraryRecurringCost, { maxLength: 5 }),
  initiatives: fc.array(arbitraryInitiative, { maxLength: 5 }),
});

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
          expect(items.filter((item) => item.type === 'refresh')).toHaveLength(period.refreshCount);
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
          for (let i = 0; i < shuffled.length; i += batchSize)
            accumulator.addAssets(shuffled.slice(i, i + batchSize));
          accumulator.addInitiatives([...input.initiatives].reverse());
          accumulator.addRecurringCosts([...input.recurringCosts].reverse());
          expect(accumulator.result()).toEqual(forecast(context, input, { includeItems: true }));
        },
      ),
    );
  });

  it('when refresh events are listed per asset, then they are exactly the forecast refresh items', () => {
    fc.assert(
      fc.property(arbitraryContext, fc.array(arbitraryAsset, { maxLength: 25 }), (context, assets) => {
        const result = forecast(context, { assets }, { includeItems: true });
        const fromItems = result.periods
          .flatMap((p) => p.items!)
          .map(({ refId, date, amount, overdue }) => `${refId} ${date} ${amount} ${overdue}`)
          .sort();
        const fromEvents = assets
          .flatMap((asset) => refreshEventsOf(asset, context))
          .map(({ assetId, date, amount, overdue }) => `${assetId} ${date} ${amount} ${overdue}`)
          .sort();
        expect(fromEvents).toEqual(fromItems);
      }),
    );
  });

  it('when items are listed, then each refresh item carries its event’s reason and cycle and no other item does', () => {
    fc.assert(
      fc.property(arbitraryContext, inputs, (context, input) => {
        const items = forecast(context, input, { includeItems: true }).periods.flatMap((p) => p.items!);
        const key = (id: string, date: string, reason?: string, cycle?: number) =>
          `${id} ${date} ${reason} ${cycle}`;
        const fromItems = items
          .filter((item) => item.type === 'refresh')
          .map((item) => key(item.refId, item.date, item.reason, item.cycle))
          .sort();
        const fromEvents = input.assets
          .flatMap((asset) => refreshEventsOf(asset, context))
          .map((event) => key(event.assetId, event.date, event.reason, event.cycle))
          .sort();
        expect(fromItems).toEqual(fromEvents);
        const others = items.filter((item) => item.type !== 'refresh');
        expect(others.filter((item) => 'reason' in item || 'cycle' in item)).toEqual([]);
      }),
    );
  });

  it('when refresh events are added as given, then their items keep the events’ reason and cycle', () => {
    fc.assert(
      fc.property(
        arbitraryContext,
        fc.uniqueArray(arbitraryAsset, { maxLength: 25, selector: (asset) => asset.id }),
        (context, assets) => {
          const events = assets.flatMap((asset) => refreshEventsOf(asset, context));
          const accumulator = createForecastAccumulator(context, { includeItems: true });
          accumulator.addRefreshEvents(events);
          const items = accumulator.result().periods.flatMap((p) => p.items!);
          const byKey = (id: string, date: string) => `${id} ${date}`;
          const expected = new Map(events.map((e) => [byKey(e.assetId, e.date), [e.reason, e.cycle]]));
          for (const item of items) {
            expect([item.reason, item.cycle]).toEqual(expected.get(byKey(item.refId, item.date)));
          }
          expect(items).toHaveLength(events.length);
        },
      ),
    );
  });
});
