import type { ForecastPeriod } from './forecast.types.js';

/** The amounts of a period or a total: what gets summed across periods, fiscal years and clients. */
export type Cells = Pick<ForecastPeriod, 'capex' | 'opex' | 'total' | 'refreshCount'>;

export function emptyCells(): Cells {
  return {
    capex: { refresh: 0, initiatives: 0, total: 0 },
    opex: { recurring: 0, initiatives: 0, total: 0 },
    total: 0,
    refreshCount: 0,
  };
}

export function addCells(into: Cells, from: Cells): Cells {
  into.capex.refresh += from.capex.refresh;
  into.capex.initiatives += from.capex.initiatives;
  into.capex.total += from.capex.total;
  into.opex.recurring += from.opex.recurring;
  into.opex.initiatives += from.opex.initiatives;
  into.opex.total += from.opex.total;
  into.total += from.total;
  into.refreshCount += from.refreshCount;
  return into;
}

export function sumCells(periods: readonly Cells[]): Cells {
  return periods.reduce<Cells>((sum, period) => addCells(sum, period), emptyCells());
}
