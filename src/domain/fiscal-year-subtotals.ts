/**
 * Fiscal-year subtotals of a run of forecast periods: what the packet's forecast table and the forecast CSV
 * print after the last quarter of each fiscal year in the horizon.
 */
import { sumCells, type Cells } from './cells.js';
import { fiscalPeriodKey, fiscalPeriodLabel, fiscalYearOf, type FiscalPeriod } from './fiscal-calendar.js';
import type { IsoDate } from './dates.js';

export const QUARTERS_PER_FISCAL_YEAR = 4;

export interface FiscalYearSubtotal<P extends FiscalPeriod & Cells = FiscalPeriod & Cells> {
  /** `FY2027` */
  key: string;
  /** `FY2027` */
  label: string;
  fiscalYear: number;
  /** The year's periods inside the horizon, in order; fewer than four quarters at either end of it. */
  periods: P[];
  /** The first period's first day. */
  start: IsoDate;
  /** The last period's last day. */
  end: IsoDate;
  cells: Cells;
}

/**
 * Groups consecutive periods by the fiscal year they fall in (read from each period's first day in the
 * forecast's fiscal calendar, not parsed from its key) and sums each group.
 */
export function fiscalYearSubtotals<P extends FiscalPeriod & Cells>(
  periods: readonly P[],
  fiscalYearStartMonth: number,
): FiscalYearSubtotal<P>[] {
  const groups: { fiscalYear: number; periods: P[] }[] = [];
  for (const period of periods) {
    const fiscalYear = fiscalYearOf(period.start, fiscalYearStartMonth);
    const last = groups.at(-1);
    if (last && last.fiscalYear === fiscalYear) last.periods.push(period);
    else groups.push({ fiscalYear, periods: [period] });
  }
  return groups.map(({ fiscalYear, periods: members }) => ({
    key: fiscalPeriodKey(fiscalYear),
    label: fiscalPeriodLabel(fiscalYear),
    fiscalYear,
    periods: members,
    start: members[0]!.start,
    end: members.at(-1)!.end,
    cells: sumCells(members),
  }));
}
