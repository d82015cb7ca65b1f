/**
 * The roadmap timeline's geometry: quarters across, the refresh waves and each open initiative down, drawn by the
 * template as inline SVG (no script on the page, like the budget chart). Pure; every value is a number or a label
 * built here.
 */
import type { IsoDate } from '../domain/dates.js';
import { addMonths } from '../domain/dates.js';
import { compareText } from './packet.figures.js';

export interface TimelineQuarter {
  key: string;
  /** `FY2027 Q2` */
  label: string;
  start: IsoDate;
  end: IsoDate;
  partial: boolean;
  refreshCount: number;
  refreshAmount: number;
}

export interface TimelineInitiative {
  title: string;
  status: 'proposed' | 'approved' | 'in_progress' | 'deferred';
  targetOn: IsoDate | null;
  capexCost: number;
  monthlyOpexCost: number;
  opexMonths: number | null;
}

export interface TimelineLabels {
  money(minor: number): string;
  /** A running cost a month, "$1,200/mo": its own kind of label, whole units. */
  monthly(minor: number): string;
  partial: string;
  later: string;
  backlog(count: number, amount: string): string;
  wave(count: number, amount: string): string;
  noRefresh: string;
  more(count: number): string;
}

export interface TimelineColumn {
  x: number;
  width: number;
  centerX: number;
  quarter: string;
  year: string;
  note: string;
}

export interface TimelineRow {
  y: number;
  height: number;
  /** The label's lines (a long title wraps at word boundaries, never inside a word). */
  lines: { text: string; y: number }[];
  kind: 'backlog' | 'wave' | 'initiative' | 'more';
  statusClass: string;
  marks: {
    x: number;
    y: number;
    width: number;
    height: number;
    centerX: number;
    labelY: number;
    label: string;
    diamond: string | null;
  }[];
  /** Initiatives with a running cost: the line across the months it is paid. */
  span: { x1: number; x2: number; y: number; open: boolean } | null;
}

export interface TimelineView {
  width: number;
  height: number;
  viewBox: string;
  labelRight: number;
  plotLeft: number;
  plotRight: number;
  headerBottom: number;
  columns: TimelineColumn[];
  rows: TimelineRow[];
  description: string;
}

const WIDTH = 680;
const LABEL_WIDTH = 196;
const HEADER = 40;
const LINE = 12;
const ROW_PAD = 16;
const MAX_LABEL_CHARS = 32;
const MAX_INITIATIVE_ROWS = 14;

const round = (value: number) => Math.round(value * 100) / 100;

/** Words packed into lines of at most `max` characters; a word longer than that gets a line of its own. */
export function wrapWords(text: string, max: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= max)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length > 0 ? lines : [''];
}

export function roadmapTimeline(
  quarters: readonly TimelineQuarter[],
  backlog: { count: number; amount: number },
  initiatives: readonly TimelineInitiative[],
  labels: TimelineLabels,
): TimelineView {
  const plotLeft = LABEL_WIDTH + 8;
  const plotRight = WIDTH - 4;
  // One column per quarter and a last one for what comes later or has no date.
  const slot = (plotRight - plotLeft) / (quarters.length + 1);
  const columns: TimelineColumn[] = quarters.map((quarter, index) => {
    const [year = quarter.label, name = ''] = quarter.label.split(' ');
    return {
      x: round(plotLeft + slot * index),
      width: round(slot),
      centerX: round(plotLeft + slot * (index + 0.5)),
      quarter: name || year,
      year: name ? year : '',
      note: quarter.partial ? labels.partial : '',
    };
  });
  const laterX = plotLeft + slot * quarters.length;
  columns.push({
    x: round(laterX),
    width: round(slot),
    centerX: round(laterX + slot / 2),
    quarter: labels.later,
    year: '',
    note: '',
  });

  const rows: TimelineRow[] = [];
  let y = HEADER + 6;
  const addRow = (kind: TimelineRow['kind'], title: string, statusClass: string) => {
    const text = wrapWords(title, MAX_LABEL_CHARS);
    const height = Math.max(34, text.length * LINE + ROW_PAD);
    const row: TimelineRow = {
      y: round(y),
      height,
      lines: text.map((line, index) => ({
        text: line,
        y: round(y + height / 2 - ((text.length - 1) * LINE) / 2 + index * LINE + 3),
      })),
      kind,
      statusClass,
      marks: [],
      span: null,
    };
    rows.push(row);
    y += height;
    return row;
  };

  const largestWave = Math.max(backlog.amount, ...quarters.map((quarter) => quarter.refreshAmount), 1);
  const barFor = (row: TimelineRow, index: number, amount: number, label: string) => {
    const width = Math.max(3, ((slot - 10) * amount) / largestWave);
    const center = plotLeft + slot * (index + 0.5);
    row.marks.push({
      x: round(center - width / 2),
      y: round(row.y + 7),
      width: round(width),
      height: 10,
      centerX: round(center),
      labelY: round(row.y + 28),
      label,
      diamond: null,
    });
  };
  if (backlog.count > 0 && quarters.length > 0) {
    const row = addRow('backlog', 'Overdue backlog', 'backlog');
    barFor(row, 0, backlog.amount, labels.backlog(backlog.count, labels.money(backlog.amount)));
  }
  const waves = addRow('wave', 'Planned refreshes', 'wave');
  quarters.forEach((quarter, index) => {
    if (quarter.refreshCount > 0)
      barFor(
        waves,
        index,
        quarter.refreshAmount,
        labels.wave(quarter.refreshCount, labels.money(quarter.refreshAmount)),
      );
  });

  const columnOf = (date: IsoDate | null): number =>
    date === null
      ? quarters.length
      : Math.max(
          0,
          quarters.findIndex((quarter) => date <= quarter.end),
        );
  const sorted = [...initiatives].sort(
    (a, b) => compareText(a.targetOn ?? '9999', b.targetOn ?? '9999') || compareText(a.title, b.title),
  );
  const shown = sorted.length > MAX_INITIATIVE_ROWS ? sorted.slice(0, MAX_INITIATIVE_ROWS - 1) : sorted;
  const lastEnd = quarters.at(-1)?.end;
  for (const initiative of shown) {
    const row = addRow('initiative', initiative.title, `status-${initiative.status.replace('_', '-')}`);
    const inside = initiative.targetOn !== null && lastEnd !== undefined && initiative.targetOn <= lastEnd;
    const index = inside ? columnOf(initiative.targetOn) : quarters.length;
    const center = plotLeft + slot * (index + 0.5);
    const middle = row.y + row.height / 2;
    const size = 6;
    const cost = [
      initiative.capexCost > 0 ? labels.money(initiative.capexCost) : '',
      initiative.monthlyOpexCost > 0 ? labels.monthly(initiative.monthlyOpexCost) : '',
    ]
      .filter(Boolean)
      .join(' + ');
    row.marks.push({
      x: round(center - size),
      y: round(middle - size),
      width: size * 2,
      height: size * 2,
      centerX: round(center),
      labelY: round(middle + size + 9),
      label: cost,
      diamond: `${round(center)},${round(middle - size)} ${round(center + size)},${round(middle)} ${round(center)},${round(middle + size)} ${round(center - size)},${round(middle)}`,
    });
    if (inside && initiative.monthlyOpexCost > 0) {
      const months = initiative.opexMonths;
      const paidUntil = months === null ? null : addMonths(initiative.targetOn!, months);
      const endIndex = paidUntil === null || paidUntil > lastEnd ? quarters.length : columnOf(paidUntil);
      const x2 = endIndex >= quarters.length ? laterX : plotLeft + slot * (endIndex + 0.5);
      if (x2 > center + size)
        row.span = {
          x1: round(center + size),
          x2: round(x2),
          y: round(middle),
          open: endIndex >= quarters.length,
        };
    }
  }
  if (shown.length < sorted.length) addRow('more', labels.more(sorted.length - shown.length), 'more');

  const height = round(y + 6);
  const first = quarters[0];
  const last = quarters.at(-1);
  return {
    width: WIDTH,
    height,
    viewBox: `0 0 ${WIDTH} ${height}`,
    labelRight: LABEL_WIDTH,
    plotLeft,
    plotRight,
    headerBottom: HEADER,
    columns,
    rows,
    description:
      first && last
        ? `Roadmap from ${first.label} to ${last.label}: refresh waves by quarter and ${initiatives.length} open initiatives at their target quarters.`
        : 'No quarters to show.',
  };
}
