/**
 * The budget chart's geometry, computed here so that the page needs no script: stacked capex/opex bars per
 * fiscal period on a "nice" axis, with the refresh count under each period. The template turns these numbers
 * into inline SVG; every value in it is a number or a label built here.
 */
import { chartMoney } from './packet-format.js';

export interface ChartPeriod {
  /** `FY2027 Q2` */
  label: string;
  capex: number;
  opex: number;
  refreshCount: number;
  /** Overdue refreshes charged in this period (the first): drawn apart from the period's planned capex. */
  backlog: number;
  /** The period had begun before asOf. */
  partial: boolean;
}

export interface ChartBar {
  x: number;
  width: number;
  centerX: number;
  capexY: number;
  capexHeight: number;
  backlogY: number;
  backlogHeight: number;
  opexY: number;
  opexHeight: number;
  /** Where the total sits above the bar; shown when there is room for it. */
  totalY: number;
  totalLabel: string;
  showTotal: boolean;
  quarter: string;
  year: string;
  refreshCount: number;
  /** "partial" under a period that had begun before asOf. */
  note: string;
}

export interface ChartView {
  width: number;
  height: number;
  viewBox: string;
  plotLeft: number;
  plotRight: number;
  plotTop: number;
  plotBottom: number;
  quarterY: number;
  yearY: number;
  refreshY: number;
  noteY: number;
  gridlines: { y: number; label: string }[];
  bars: ChartBar[];
  /** The text alternative: what the chart says in one sentence. */
  description: string;
}

const WIDTH = 680;
const HEIGHT = 240;
const PLOT = { left: 64, right: WIDTH - 8, top: 18, bottom: HEIGHT - 62 };
const MAX_BAR_WIDTH = 34;
const MAX_LABELLED_BARS = 16;

const round = (value: number) => Math.round(value * 100) / 100;

/** The smallest 1, 2, 2.5 or 5 × 10^k step that covers `max` in at most `ticks` steps. */
export function niceStep(max: number, ticks = 4): number {
  if (max <= 0) return 1;
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const multiple of [1, 2, 2.5, 5, 10]) {
    if (multiple * magnitude >= raw) return multiple * magnitude;
  }
  return 10 * magnitude;
}

export function budgetChart(
  periods: readonly ChartPeriod[],
  format: { currency: string; money(minor: number): string },
  partialNote: string,
): ChartView {
  const tallest = Math.max(0, ...periods.map((period) => period.capex + period.opex));
  const labels = chartMoney(format.currency, tallest);
  // Steps are whole units of currency at least, so that axis labels never show fractions of a cent.
  const step = Math.max(niceStep(tallest), 100);
  const top = tallest === 0 ? step * 4 : Math.ceil(tallest / step) * step;
  const plotHeight = PLOT.bottom - PLOT.top;
  const scale = (amount: number) => (amount / top) * plotHeight;

  const gridlines: ChartView['gridlines'] = [];
  for (let value = 0; value <= top + step / 2; value += step) {
    gridlines.push({
      y: round(PLOT.bottom - scale(value)),
      label: value === 0 ? '0' : labels.axis(value, step),
    });
  }

  const slot = (PLOT.right - PLOT.left) / Math.max(periods.length, 1);
  const barWidth = Math.min(slot * 0.62, MAX_BAR_WIDTH);
  const showTotals = periods.length <= MAX_LABELLED_BARS;
  const bars = periods.map((period, index): ChartBar => {
    const centerX = PLOT.left + slot * (index + 0.5);
    const capexHeight = scale(period.capex);
    const backlogHeight = scale(Math.min(period.backlog, period.capex));
    const opexHeight = scale(period.opex);
    const [fiscalYear = period.label, quarter = ''] = period.label.split(' ');
    return {
      x: round(centerX - barWidth / 2),
      width: round(barWidth),
      centerX: round(centerX),
      capexY: round(PLOT.bottom - capexHeight),
      capexHeight: round(capexHeight),
      backlogY: round(PLOT.bottom - backlogHeight),
      backlogHeight: round(backlogHeight),
      opexY: round(PLOT.bottom - capexHeight - opexHeight),
      opexHeight: round(opexHeight),
      totalY: round(PLOT.bottom - capexHeight - opexHeight - 4),
      totalLabel: labels.label(period.capex + period.opex),
      showTotal: showTotals && period.capex + period.opex > 0,
      quarter: quarter || fiscalYear,
      year: quarter ? fiscalYear : '',
      refreshCount: period.refreshCount,
      note: period.partial ? partialNote : '',
    };
  });

  const first = periods[0];
  const last = periods.at(-1);
  const peak = periods.reduce<ChartPeriod | undefined>(
    (best, period) => (!best || period.capex + period.opex > best.capex + best.opex ? period : best),
    undefined,
  );
  const description =
    first && last && peak
      ? `Capital and operating spend by fiscal quarter from ${first.label} to ${last.label}; the highest quarter is ` +
        `${peak.label} at ${format.money(peak.capex + peak.opex)}.`
      : 'No periods to show.';

  return {
    width: WIDTH,
    height: HEIGHT,
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    plotLeft: PLOT.left,
    plotRight: PLOT.right,
    plotTop: PLOT.top,
    plotBottom: PLOT.bottom,
    quarterY: PLOT.bottom + 15,
    yearY: PLOT.bottom + 27,
    refreshY: PLOT.bottom + 50,
    noteY: PLOT.bottom + 38,
    gridlines,
    bars,
    description,
  };
}
