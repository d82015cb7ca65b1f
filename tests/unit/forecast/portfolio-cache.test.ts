import { emptyCells } from '../../../src/domain/cells.js';
import {
  addFigureCells,
  cellsAt,
  emptyFigureCells,
  packFigures,
  periodCountOf,
  PortfolioCache,
  viewKeyOf,
  type PortfolioEntry,
} from '../../../src/forecast/portfolio-cache.js';

const view = {
  asOf: '2026-11-22',
  granularity: 'quarter' as const,
  periods: 4,
  scenario: 'committed' as const,
  fiscalYearStartMonth: 1,
  lifecycleOverrides: undefined,
};
const KEY = viewKeyOf(view);

function entry(amount: number): PortfolioEntry {
  const cells = {
    capex: { refresh: amount, initiatives: 1, total: amount + 1 },
    opex: { recurring: 2, initiatives: 3, total: 5 },
    total: amount + 6,
    refreshCount: 7,
  };
  return {
    figures: packFigures({
      periods: [
        { ...cells, key: 'FY2027-Q1', label: 'Q1', start: '2027-01-01', end: '2027-03-31', partial: true },
        {
          ...emptyCells(),
          key: 'FY2027-Q2',
          label: 'Q2',
          start: '2027-04-01',
          end: '2027-06-30',
          partial: false,
        },
      ],
      totals: cells,
      counts: { undated: 1, unpriced: 2, overdue: 3 },
    }),
    dueSoon: 4,
  };
}

const at = (clientVersion: number, mspVersion = 0) => ({ clientVersion, mspVersion });

describe('portfolio cache', () => {
  it('when the versions are those the entry was filed at, then it answers the same figures', () => {
    const cache = new PortfolioCache();
    cache.set('m', 'c', KEY, at(3, 1), entry(9_007_199_254_740_000));
    expect(cache.get('m', 'c', KEY, at(3, 1))).toEqual(entry(9_007_199_254_740_000));
    expect(cache.stats).toEqual({ hits: 1, misses: 0 });
  });

  it('when either version moved, then it has no entry', () => {
    const cache = new PortfolioCache();
    cache.set('m', 'c', KEY, at(3, 1), entry(5));
    expect(cache.get('m', 'c', KEY, at(4, 1))).toBeUndefined();
    expect(cache.get('m', 'c', KEY, at(3, 2))).toBeUndefined();
    expect(cache.get('m', 'c', viewKeyOf({ ...view, scenario: 'proposed' }), at(3, 1))).toBeUndefined();
    expect(cache.stats).toEqual({ hits: 0, misses: 3 });
  });

  it('when a reader of an older snapshot files its entry late, then the newer entry stays', () => {
    const cache = new PortfolioCache();
    cache.set('m', 'c', KEY, at(5), entry(50));
    cache.set('m', 'c', KEY, at(4), entry(40));
    expect(cache.get('m', 'c', KEY, at(5))).toEqual(entry(50));
  });

  it('keeps an error and its due-soon count', () => {
    const cache = new PortfolioCache();
    const failed: PortfolioEntry = {
      error: { code: 'forecast_out_of_range', detail: 'too large', path: 'assets[x].replacementCost' },
      dueSoon: 2,
    };
    cache.set('m', 'c', KEY, at(1), failed);
    expect(cache.get('m', 'c', KEY, at(1))).toEqual(failed);
  });

  it('when full, then it forgets the least recently used entry', () => {
    const cache = new PortfolioCache(2);
    cache.set('m', 'a', KEY, at(1), entry(1));
    cache.set('m', 'b', KEY, at(1), entry(2));
    cache.get('m', 'a', KEY, at(1));
    cache.set('m', 'c', KEY, at(1), entry(3));
    expect(cache.size).toBe(2);
    expect(cache.get('m', 'b', KEY, at(1))).toBeUndefined();
    expect(cache.get('m', 'a', KEY, at(1))).toEqual(entry(1));
    expect(cache.get('m', 'c', KEY, at(1))).toEqual(entry(3));
  });

  it('keys a view by every what-if, whatever their order', () => {
    const one = viewKeyOf({ ...view, lifecycleOverrides: { laptop: 48, server: 60 } });
    expect(viewKeyOf({ ...view, lifecycleOverrides: { server: 60, laptop: 48 } })).toBe(one);
    expect(viewKeyOf({ ...view, lifecycleOverrides: { server: 60, laptop: 47 } })).not.toBe(one);
    expect(viewKeyOf({ ...view, asOf: '2026-11-23' })).not.toBe(KEY);
    expect(viewKeyOf({ ...view, periods: undefined })).not.toBe(KEY);
    expect(viewKeyOf({ ...view, fiscalYearStartMonth: 7 })).not.toBe(KEY);
    expect(viewKeyOf({ ...view, granularity: 'year' })).not.toBe(KEY);
  });

  it('packs a forecast’s cells exactly and sums them cell by cell', () => {
    const { figures } = entry(9_007_199_254_740_000) as { figures: NonNullable<PortfolioEntry['figures']> };
    expect(periodCountOf(figures.cells)).toBe(2);
    expect(cellsAt(figures.cells, 0)).toEqual({
      capex: { refresh: 9_007_199_254_740_000, initiatives: 1, total: 9_007_199_254_740_001 },
      opex: { recurring: 2, initiatives: 3, total: 5 },
      total: 9_007_199_254_740_006,
      refreshCount: 7,
    });
    expect(cellsAt(figures.cells, 1)).toEqual(emptyCells());
    const sum = emptyFigureCells(2);
    addFigureCells(sum, figures.cells);
    addFigureCells(sum, figures.cells);
    expect(cellsAt(sum, 2).refreshCount).toBe(14);
    expect(() => addFigureCells(emptyFigureCells(3), figures.cells)).toThrow(/different horizons/);
  });
});
