/**
 * The packet as a plain, typed object for the templates (STYLE: templates get view models, never rows). Pure:
 * the numbers come from packet.figures.ts, the words from packet.copy.ts and the formatting from
 * packet-format.ts; this file only puts them where the templates print them. It also returns the figures, which
 * are stored with the PDF.
 */
import { addDays } from '../domain/dates.js';
import {
  fiscalPeriodLabel,
  fiscalQuarterOf,
  fiscalYearOf,
  horizonOf,
  isPartialPeriod,
} from '../domain/fiscal-calendar.js';
import type { Cells } from '../domain/cells.js';
import { QUARTERS_PER_FISCAL_YEAR } from '../domain/fiscal-year-subtotals.js';
import type { AssetCategory, Scenario } from '../domain/forecast.types.js';
import { lifecycleRulesOf } from '../domain/refresh-clock.js';
import { budgetChart, type ChartView } from './packet-chart.js';
import * as copy from './packet.copy.js';
import {
  chartMoney,
  cssStringContent,
  formatDate,
  formatInstantDate,
  formatLongDate,
  moneyFormat,
  type MoneyFormat,
} from './packet-format.js';
import { roadmapTimeline, type TimelineView } from './packet-roadmap.js';
import {
  coverageOf,
  exposureOf,
  exposureTotals,
  modelOf,
  overdueBacklog,
  refreshScheduleBlocks,
  type ExposureGroup,
  type GroupReason,
  type RefreshGroup,
} from './packet-schedule.js';
import { operatingSystemName, sampleOf, wordsOf, type Words } from './packet-words.js';
import {
  compareText,
  END_OF_SUPPORT_LOOKAHEAD_DAYS,
  isCounted,
  packetNumbers,
  type FiguresSources,
  type PacketFigures,
  type PacketNumbers,
} from './packet.figures.js';
import { packetTheme, type PacketTheme } from './packet-theme.js';
import { changesView, type ChangesSource, type ChangesView } from './packet.changes-view.js';
import type { DecisionEntry, InventoryAsset, RoadmapInitiative } from './packet.repository.js';

export type { PacketFigures } from './packet.figures.js';

export interface PacketSources extends FiguresSources {
  msp: { name: string; pageSize: 'letter' | 'a4'; accentColor: string; footerText: string | null };
  /** The logo as a checked `data:` URI, or null. */
  logoSrc: string | null;
  client: {
    name: string;
    currency: string;
    fiscalYearStartMonth: number;
    contactName: string | null;
    vcioName: string | null;
    nextMeetingOn: string | null;
  };
  scenario: Scenario;
  /** The day the packet is made (the clock's today), which may differ from asOf. */
  preparedOn: string;
  /** The decisions since the last issued packet, and when that packet was made (null: none was issued). */
  decisions: { lastPacketAt: Date | null; decisions: readonly DecisionEntry[] };
  /** What changed since the last issued packet. */
  changes: ChangesSource;
}

export interface ForecastRowView {
  kind: 'period' | 'subtotal' | 'total';
  label: string;
  /** "Partial: from Nov 22, 2026" under a period that had begun before asOf. */
  note: string | null;
  range: string;
  refresh: string;
  initiativesCapex: string;
  capex: string;
  recurring: string;
  initiativesOpex: string;
  opex: string;
  total: string;
  refreshCount: string;
}

/** One line of the refresh schedule: devices of one model, replaced for one reason in one block. */
export interface ScheduleRowView {
  model: Words;
  count: string;
  reason: string;
  overdue: boolean;
  covered: boolean;
  names: Words[];
  more: string | null;
  amount: string;
}

export interface ScheduleBlockView {
  title: string;
  range: string;
  summary: string;
  backlog: boolean;
  categories: { label: string; rows: ScheduleRowView[] }[];
  empty: boolean;
  total: string;
}

/** One line of the exposure tables: devices of one model (warranty) or one operating system. */
export interface ExposureRowView {
  label: Words;
  sub: string | null;
  count: string;
  when: string;
  names: Words[];
  more: string | null;
  remedy: string;
  cost: string;
}

export interface InitiativeView {
  title: Words;
  summary: string | null;
  priority: string;
  priorityClass: string;
  status: string;
  statusClass: string;
  target: string;
  capex: string | null;
  opex: string | null;
  linkedAssets: string | null;
  inForecast: string;
  decisions: { date: string; decision: string; decisionClass: string; by: Words; note: string | null }[];
  needsDecision: boolean;
}

export interface InventoryAssetView {
  name: Words;
  tag: string | null;
  makeModel: Words | null;
  serial: string | null;
  assignedTo: Words | null;
  location: string | null;
  operatingSystem: Words | null;
  inService: string;
  warranty: string;
  warrantyClass: string;
  due: string;
  status: string;
  statusClass: string;
}

export interface PacketView {
  theme: PacketTheme & { pageSize: 'Letter' | 'A4'; pageClass: 'letter' | 'a4' };
  title: string;
  /** The running header and footer, printed in the page's margin boxes (none on the cover), as CSS string content. */
  running: { left: string; right: string; footer: string };
  cover: {
    mspName: string;
    logoSrc: string | null;
    clientName: Words;
    periodLabel: string;
    asOf: string;
    preparedOn: string;
    meetingOn: string | null;
    vcioName: string | null;
    contactName: string | null;
    scenario: string;
  };
  summary: {
    currency: string;
    headline: { capex: string; nearTermRange: string; opex: string };
    years: { label: string; note: string | null; capex: string; opex: string; total: string }[];
    backlog: { amount: string; text: string } | null;
    risks: { label: string; count: string; amount: string; caveat: string; remedy: string }[];
    decisionsNeeded: { title: Words; target: string; amount: string }[];
    approveAll: string | null;
    plan: { range: string; capex: string; opex: string; total: string };
    counts: string;
    dataNotes: string[];
  };
  roadmap: TimelineView & { empty: boolean; legendPartial: boolean };
  chart: ChartView & { currency: string; range: string; hasBacklog: boolean };
  changes: ChangesView;
  forecast: { currency: string; scenario: string; rows: ForecastRowView[] };
  schedule: { blocks: ScheduleBlockView[]; count: string; total: string; empty: boolean };
  exposure: {
    warranties: ExposureRowView[];
    unsupported: ExposureRowView[];
    ending: ExposureRowView[];
    updateDue: ExposureRowView[];
    warrantyNote: string;
    endOfSupportNote: string;
  };
  initiatives: {
    quarters: { label: string; range: string; initiatives: InitiativeView[] }[];
    note: string | null;
    empty: boolean;
  };
  decisions: {
    since: string;
    rows: {
      date: string;
      initiative: Words;
      decision: string;
      decisionClass: string;
      by: Words;
      note: string | null;
    }[];
    empty: boolean;
  };
  inventory: {
    total: string;
    groups: { label: string; count: string; assets: InventoryAssetView[] }[];
    empty: boolean;
  };
}

type Clocks = PacketNumbers['clocks'];

/** How many device names a schedule or exposure line prints before "and N more (see the appendix)". */
const NAMES_PER_LINE = 8;

const rangeText = (start: string, end: string): string => copy.labelRange(formatDate(start), formatDate(end));

export function buildPacketView(sources: PacketSources): { view: PacketView; figures: PacketFigures } {
  const numbers = packetNumbers(sources);
  const { figures, shown, nearTerm, nearTermCells, totals } = numbers;
  const { client, forecast } = sources;
  const { counts, opexNext12Months } = figures;
  const money = moneyFormat(forecast.currency);
  const asOf = figures.asOf;
  const nearTermRange = copy.labelRange(nearTerm[0]!.label, nearTerm.at(-1)!.label);
  const horizonRange = copy.labelRange(shown[0]!.label, shown.at(-1)!.label);
  const theme = packetTheme(sources.msp.accentColor);
  const backlog = overdueBacklog(shown[0]!);
  const coverage = coverageOf(forecast.periods);
  const initiativeTitles = new Map(
    sources.initiatives.map((initiative) => [initiative.id, initiative.title]),
  );
  const exposure = exposureOf(
    numbers.counted,
    numbers.clocks,
    lifecycleRulesOf(sources.lifecycle),
    coverage,
    asOf,
    addDays(asOf, END_OF_SUPPORT_LOOKAHEAD_DAYS),
  );
  const partialNote = (start: string, end: string) =>
    isPartialPeriod(asOf, { start }) ? copy.partialPeriod(formatDate(asOf), formatDate(end)) : null;

  const view: PacketView = {
    theme: {
      ...theme,
      pageSize: sources.msp.pageSize === 'a4' ? 'A4' : 'Letter',
      pageClass: sources.msp.pageSize,
    },
    title: copy.packetTitle(client.name, sources.periodLabel),
    running: {
      left: cssStringContent(copy.runningHeader(client.name, sources.periodLabel)),
      right: cssStringContent(sources.msp.name),
      footer: cssStringContent(sources.msp.footerText ?? copy.defaultFooter(sources.msp.name, client.name)),
    },
    cover: {
      mspName: sources.msp.name,
      logoSrc: sources.logoSrc,
      clientName: wordsOf(client.name),
      periodLabel: sources.periodLabel,
      asOf: formatLongDate(asOf),
      preparedOn: formatLongDate(sources.preparedOn),
      meetingOn: client.nextMeetingOn ? formatLongDate(client.nextMeetingOn) : null,
      vcioName: client.vcioName,
      contactName: client.contactName,
      scenario: copy.SCENARIO_LABELS[forecast.scenario],
    },
    summary: {
      currency: forecast.currency,
      headline: {
        capex: money.money(nearTermCells.capex.total),
        nearTermRange,
        opex: money.money(opexNext12Months.amount),
      },
      years: numbers.fiscalYears.map((year) => ({
        label: year.label,
        note:
          year.periods.length < 4 || isPartialPeriod(asOf, year)
            ? copy.partialYear(
                formatDate(year.periods[0]!.start < asOf ? asOf : year.periods[0]!.start),
                formatDate(year.end),
                year.periods.length,
              )
            : null,
        capex: money.money(year.cells.capex.total),
        opex: money.money(year.cells.opex.total),
        total: money.money(year.cells.total),
      })),
      backlog:
        backlog.count === 0
          ? null
          : {
              amount: money.money(backlog.amount),
              text: copy.backlogText(backlog.count, counts.assets, formatDate(asOf), shown[0]!.label),
            },
      risks: riskRows(exposure, money),
      decisionsNeeded: numbers.proposed.map((initiative) => ({
        title: wordsOf(initiative.title),
        target: initiative.targetOn ? formatDate(initiative.targetOn) : copy.NOT_SCHEDULED,
        amount: initiativeCostText(initiative, money) ?? copy.NO_COST_RECORDED,
      })),
      approveAll: approveAllText(numbers.proposed, money),
      plan: {
        range: horizonRange,
        capex: money.money(totals.capex.total),
        opex: money.money(totals.opex.total),
        total: money.money(totals.total),
      },
      counts: copy.summaryCounts(counts.assets, counts.dueSoon),
      dataNotes: [
        ...(counts.undated > 0 ? [copy.undatedNote(counts.undated)] : []),
        ...(counts.unpriced > 0 ? [copy.unpricedNote(counts.unpriced)] : []),
      ],
    },
    roadmap: roadmapView(sources, numbers, backlog, asOf),
    changes: changesView(sources.changes, sources.initiatives, money),
    chart: {
      ...budgetChart(
        shown.map((period, index) => ({
          label: period.label,
          capex: period.capex.total,
          opex: period.opex.total,
          refreshCount: period.refreshCount,
          backlog: index === 0 ? backlog.amount : 0,
          partial: isPartialPeriod(asOf, period),
        })),
        money,
        copy.PARTIAL,
      ),
      currency: forecast.currency,
      range: horizonRange,
      hasBacklog: backlog.amount > 0,
    },
    forecast: {
      currency: forecast.currency,
      scenario: copy.SCENARIO_LABELS[forecast.scenario],
      rows: forecastRows(numbers, money, partialNote),
    },
    schedule: refreshSchedule(numbers, sources, initiativeTitles, money, asOf),
    exposure: exposureView(exposure, initiativeTitles, money),
    initiatives: roadmap(sources, money),
    decisions: decisionsSince(sources.decisions),
    inventory: inventory(sources.inventory, numbers.clocks),
  };
  return { view, figures };
}

function forecastRows(
  numbers: PacketNumbers,
  money: MoneyFormat,
  partialNote: (start: string, end: string) => string | null,
): ForecastRowView[] {
  const { shown, fiscalYears, totals } = numbers;
  const cell = (amount: number) => (amount === 0 ? copy.DASH : money.amount(amount));
  const row = (
    kind: ForecastRowView['kind'],
    label: string,
    range: string,
    cells: Cells,
    note: string | null = null,
  ): ForecastRowView => ({
    kind,
    label,
    note,
    range,
    refresh: cell(cells.capex.refresh),
    initiativesCapex: cell(cells.capex.initiatives),
    capex: cell(cells.capex.total),
    recurring: cell(cells.opex.recurring),
    initiativesOpex: cell(cells.opex.initiatives),
    opex: cell(cells.opex.total),
    total: money.amount(cells.total),
    refreshCount: String(cells.refreshCount),
  });
  const rows: ForecastRowView[] = [];
  for (const year of fiscalYears) {
    for (const period of year.periods)
      rows.push(
        row(
          'period',
          period.label,
          rangeText(period.start, period.end),
          period,
          partialNote(period.start, period.end),
        ),
      );
    const label = copy.fiscalYearSubtotalLabel(year.label, year.periods.length, QUARTERS_PER_FISCAL_YEAR);
    rows.push(row('subtotal', label, rangeText(year.start, year.end), year.cells));
  }
  rows.push(row('total', copy.TOTAL, rangeText(shown[0]!.start, shown.at(-1)!.end), totals));
  return rows;
}

function riskRows(
  exposure: ReturnType<typeof exposureOf>,
  money: MoneyFormat,
): PacketView['summary']['risks'] {
  const priced = (totals: ReturnType<typeof exposureTotals>) => ({
    amount: totals.count === 0 ? copy.DASH : money.money(totals.amount),
    caveat: copy.riskCaveats(totals.unpriced, totals.covered),
  });
  const expired = exposureTotals(exposure.expiredWarranties);
  const unsupported = exposureTotals(exposure.unsupported);
  const ending = exposureTotals(exposure.supportEnding);
  const updateDue = exposureTotals(exposure.updateDue);
  return [
    { ...copy.RISKS.expiredWarranties, count: String(expired.count), ...priced(expired) },
    { ...copy.RISKS.unsupported, count: String(unsupported.count), ...priced(unsupported) },
    { ...copy.RISKS.supportEnding, count: String(ending.count), ...priced(ending) },
    { ...copy.RISKS.updateDue, count: String(updateDue.count), amount: copy.NO_CHARGE, caveat: '' },
  ];
}

function approveAllText(proposed: readonly RoadmapInitiative[], money: MoneyFormat): string | null {
  if (proposed.length < 2) return null;
  const capex = proposed.reduce((sum, initiative) => sum + initiative.capexCost, 0);
  const monthly = proposed.reduce((sum, initiative) => sum + initiative.monthlyOpexCost, 0);
  return copy.approveAll(
    proposed.length,
    capex > 0 ? money.money(capex) : null,
    monthly > 0 ? money.money(monthly) : null,
  );
}

function roadmapView(
  sources: PacketSources,
  numbers: PacketNumbers,
  backlog: { count: number; amount: number },
  asOf: string,
): PacketView['roadmap'] {
  const quarters = numbers.shown.slice(0, ROADMAP_QUARTERS);
  const open = sources.initiatives.filter((initiative) => ROADMAP_STATUSES.has(initiative.status));
  // One unit and precision for every amount on the timeline, set by the largest of them.
  const labels = chartMoney(
    sources.forecast.currency,
    Math.max(
      backlog.amount,
      ...quarters.map((period) => period.capex.refresh),
      ...open.map((initiative) => initiative.capexCost),
    ),
  );
  const timeline = roadmapTimeline(
    quarters.map((period, index) => ({
      key: period.key,
      label: period.label,
      start: period.start,
      end: period.end,
      partial: isPartialPeriod(asOf, period),
      // The backlog is shown on its own row; the wave is what falls due in the quarter itself.
      refreshCount: period.refreshCount - (index === 0 ? backlog.count : 0),
      refreshAmount: period.capex.refresh - (index === 0 ? backlog.amount : 0),
    })),
    backlog,
    open.map((initiative) => ({
      title: initiative.title,
      status: initiative.status as 'proposed' | 'approved' | 'in_progress' | 'deferred',
      targetOn: initiative.targetOn,
      capexCost: initiative.capexCost,
      monthlyOpexCost: initiative.monthlyOpexCost,
      opexMonths: initiative.opexMonths,
    })),
    {
      money: labels.label,
      monthly: (minor) => copy.perMonth(wholeMoney(sources.forecast.currency, minor)),
      partial: copy.PARTIAL,
      later: copy.LATER,
      backlog: copy.timelineBacklog,
      wave: copy.timelineWave,
      noRefresh: copy.DASH,
      more: copy.moreInitiatives,
    },
  );
  return {
    ...timeline,
    empty: quarters.length === 0,
    legendPartial: quarters.some((q) => isPartialPeriod(asOf, q)),
  };
}

/** How many quarters the roadmap timeline spans. */
export const ROADMAP_QUARTERS = 8;

function reasonText(group: RefreshGroup): string {
  const reason: GroupReason = group.reason;
  if (reason.kind === 'unexplained') return copy.refreshReasons.unexplained;
  const because =
    reason.kind === 'end_of_support'
      ? copy.refreshReasons.endOfSupport(reason.operatingSystem)
      : reason.kind === 'lifecycle'
        ? copy.refreshReasons.endOfLifecycle(copy.refreshReasons.lifecycle(reason.months))
        : copy.refreshReasons.nextCycle(copy.refreshReasons.lifecycle(reason.months));
  if (group.dueFrom !== null)
    return copy.refreshReasons.overdue(
      group.dueFrom === group.dueTo
        ? formatDate(group.dueFrom)
        : copy.labelRange(formatDate(group.dueFrom), formatDate(group.dueTo!)),
      because,
    );
  return copy.refreshReasons.capitalised(because);
}

function namesOf(names: readonly string[]): { names: Words[]; more: string | null } {
  const { shown, more } = sampleOf(names, NAMES_PER_LINE);
  return { names: shown.map(wordsOf), more: more > 0 ? copy.moreInAppendix(more) : null };
}

function refreshSchedule(
  numbers: PacketNumbers,
  sources: PacketSources,
  initiativeTitles: ReadonlyMap<string, string>,
  money: MoneyFormat,
  asOf: string,
): PacketView['schedule'] {
  const assets = new Map(sources.inventory.map((asset) => [asset.id, asset]));
  const blocks = refreshScheduleBlocks(numbers.nearTerm, asOf, assets, numbers.clocks);
  let count = 0;
  let total = 0;
  const views = blocks.map((block): ScheduleBlockView => {
    count += block.count;
    total += block.amount;
    const categories = new Map<string, ScheduleRowView[]>();
    for (const group of block.groups) {
      const label = copy.CATEGORY_LABELS[group.category];
      const rows = categories.get(label) ?? [];
      const covered = group.coveredBy !== null;
      rows.push({
        model: wordsOf(group.model ?? copy.MODEL_NOT_RECORDED),
        count: String(group.count),
        reason: covered
          ? copy.refreshReasons.coveredBy(initiativeTitles.get(group.coveredBy!) ?? '')
          : reasonText(group),
        overdue: block.kind === 'backlog',
        covered,
        ...namesOf(group.names),
        amount: covered
          ? copy.IN_INITIATIVE
          : group.unpriced === group.count
            ? copy.NOT_PRICED
            : money.amount(group.amount),
      });
      categories.set(label, rows);
    }
    const partial = block.kind === 'quarter' && block.partial;
    return {
      title: block.kind === 'backlog' ? copy.BACKLOG_TITLE : block.label,
      range:
        block.kind === 'backlog'
          ? copy.backlogRange(formatDate(asOf))
          : partial
            ? copy.partialPeriod(formatDate(asOf), formatDate(block.end))
            : rangeText(block.start, block.end),
      summary: copy.scheduleBlockSummary(block.count, money.money(block.amount)),
      backlog: block.kind === 'backlog',
      categories: [...categories.entries()].map(([label, rows]) => ({ label, rows })),
      empty: block.groups.length === 0,
      total: money.amount(block.amount),
    };
  });
  return { blocks: views, count: copy.replacements(count), total: money.money(total), empty: count === 0 };
}

function exposureView(
  exposure: ReturnType<typeof exposureOf>,
  initiativeTitles: ReadonlyMap<string, string>,
  money: MoneyFormat,
): PacketView['exposure'] {
  const cost = (group: ExposureGroup) =>
    group.coveredBy !== null
      ? copy.IN_INITIATIVE
      : group.unpriced === group.count
        ? copy.NOT_PRICED
        : money.amount(group.amount);
  const covered = (group: ExposureGroup) =>
    group.coveredBy === null
      ? null
      : copy.refreshReasons.coveredBy(initiativeTitles.get(group.coveredBy) ?? '');
  const dates = (group: ExposureGroup) =>
    group.firstOn === group.lastOn
      ? formatDate(group.firstOn)
      : copy.labelRange(formatDate(group.firstOn), formatDate(group.lastOn));
  const byModel = (group: ExposureGroup, when: string, remedy: string): ExposureRowView => ({
    label: wordsOf(group.model ?? copy.MODEL_NOT_RECORDED),
    sub: copy.CATEGORY_SINGULAR[group.category!],
    count: String(group.count),
    when,
    ...namesOf(group.names),
    remedy: covered(group) ?? remedy,
    cost: cost(group),
  });
  const byOs = (group: ExposureGroup, when: string, remedy: string): ExposureRowView => ({
    label: wordsOf(group.operatingSystem ?? copy.DASH),
    sub: null,
    count: String(group.count),
    when,
    ...namesOf(group.names),
    remedy: covered(group) ?? remedy,
    cost: group.updateTo !== null ? copy.NO_CHARGE : cost(group),
  });
  const warranties = [
    ...exposure.expiredWarranties.map((group) =>
      byModel(group, copy.warrantyEnded(dates(group)), copy.remedies.expiredWarranty),
    ),
    ...exposure.expiringWarranties.map((group) =>
      byModel(group, copy.warrantyEnds(dates(group)), copy.remedies.expiringWarranty),
    ),
  ];
  return {
    warranties,
    unsupported: exposure.unsupported.map((group) =>
      byOs(group, copy.supportEnded(dates(group)), copy.remedies.unsupported),
    ),
    ending: exposure.supportEnding.map((group) =>
      byOs(group, copy.supportEnds(dates(group)), copy.remedies.supportEnding),
    ),
    updateDue: exposure.updateDue.map((group) =>
      byOs(group, copy.UPDATE_DUE_WHEN, copy.remedies.updateDue(group.updateTo)),
    ),
    warrantyNote: warranties.length === 0 ? copy.exposureNotes.noWarranties : copy.exposureNotes.warranties,
    endOfSupportNote:
      exposure.unsupported.length + exposure.supportEnding.length + exposure.updateDue.length === 0
        ? copy.exposureNotes.noEndOfSupport
        : copy.exposureNotes.endOfSupport,
  };
}

function initiativeCostText(initiative: RoadmapInitiative, money: MoneyFormat): string | null {
  const parts: string[] = [];
  if (initiative.capexCost > 0) parts.push(copy.oneTimeCost(money.money(initiative.capexCost)));
  if (initiative.monthlyOpexCost > 0) parts.push(opexText(initiative, money));
  return parts.length > 0 ? parts.join(' + ') : null;
}

function opexText(initiative: RoadmapInitiative, money: MoneyFormat): string {
  return copy.monthlyCost(money.money(initiative.monthlyOpexCost), initiative.opexMonths);
}

const ROADMAP_STATUSES: ReadonlySet<RoadmapInitiative['status']> = new Set([
  'proposed',
  'approved',
  'in_progress',
  'deferred',
]);
function roadmap(sources: PacketSources, money: MoneyFormat): PacketView['initiatives'] {
  const fiscalStart = sources.client.fiscalYearStartMonth;
  const groups = new Map<
    string,
    { label: string; range: string; sortKey: string; initiatives: InitiativeView[] }
  >();
  let hidden = 0;
  for (const initiative of sources.initiatives) {
    if (!ROADMAP_STATUSES.has(initiative.status)) {
      hidden += 1;
      continue;
    }
    let key = 'unscheduled';
    let { label, range } = copy.roadmapUnscheduled;
    let sortKey = '9999';
    if (initiative.targetOn) {
      label = fiscalPeriodLabel(
        fiscalYearOf(initiative.targetOn, fiscalStart),
        fiscalQuarterOf(initiative.targetOn, fiscalStart),
      );
      const quarter = horizonOf({
        asOf: initiative.targetOn,
        granularity: 'quarter',
        periods: 1,
        fiscalYearStartMonth: fiscalStart,
      }).periods[0]!;
      key = quarter.key;
      range = rangeText(quarter.start, quarter.end);
      sortKey = quarter.start;
    }
    const group = groups.get(key) ?? { label, range, sortKey, initiatives: [] };
    group.initiatives.push(initiativeView(initiative, sources.scenario, money));
    groups.set(key, group);
  }
  const quarters = [...groups.values()]
    .sort((a, b) => compareText(a.sortKey, b.sortKey))
    .map(({ label, range, initiatives }) => ({ label, range, initiatives }));
  return {
    quarters,
    note: hidden === 0 ? null : copy.hiddenInitiativesNote(hidden),
    empty: quarters.length === 0,
  };
}

function initiativeView(
  initiative: RoadmapInitiative,
  scenario: Scenario,
  money: MoneyFormat,
): InitiativeView {
  return {
    title: wordsOf(initiative.title),
    summary: initiative.summary,
    priority: copy.priorityLabel(initiative.priority),
    priorityClass: `priority-${initiative.priority}`,
    status: copy.INITIATIVE_STATUS_LABELS[initiative.status],
    statusClass: `status-${initiative.status.replace('_', '-')}`,
    target: initiative.targetOn ? formatDate(initiative.targetOn) : copy.NOT_SCHEDULED,
    capex: initiative.capexCost > 0 ? money.money(initiative.capexCost) : null,
    opex: initiative.monthlyOpexCost > 0 ? opexText(initiative, money) : null,
    linkedAssets: initiative.linkedAssets > 0 ? copy.linkedAssetsText(initiative.linkedAssets) : null,
    inForecast: copy.forecastInclusion(initiative.status, scenario),
    decisions: initiative.decisions.map((decision) => ({
      date: formatInstantDate(decision.decidedAt),
      decision: copy.DECISION_LABELS[decision.decision],
      decisionClass: `decision-${decision.decision}`,
      by: wordsOf(copy.decidedBy(decision.decidedBy, decision.role, decision.via)),
      note: decision.note,
    })),
    needsDecision: initiative.status === 'proposed',
  };
}

function decisionsSince(source: PacketSources['decisions']): PacketView['decisions'] {
  return {
    since: copy.decisionsSinceText(
      source.lastPacketAt === null ? null : formatInstantDate(source.lastPacketAt),
    ),
    rows: source.decisions.map((decision) => ({
      date: formatInstantDate(decision.decidedAt),
      initiative: wordsOf(decision.initiativeTitle),
      decision: copy.DECISION_LABELS[decision.decision],
      decisionClass: `decision-${decision.decision}`,
      by: wordsOf(copy.decidedBy(decision.decidedBy, decision.role, decision.via)),
      note: decision.note,
    })),
    empty: source.decisions.length === 0,
  };
}

const WARRANTY_CLASSES = { unknown: 'muted', expired: 'alert', expiring: 'warn', active: '' } as const;
const LIFECYCLE_CLASSES = {
  inactive: 'muted',
  overdue: 'alert',
  due_soon: 'warn',
  ok: '',
  undated: '',
} as const;

function inventory(assets: readonly InventoryAsset[], clocks: Clocks): PacketView['inventory'] {
  const groups = new Map<AssetCategory, InventoryAssetView[]>();
  for (const asset of assets) {
    const clock = clocks.get(asset.id)!;
    const inService = asset.inServiceOn ?? asset.purchasedOn;
    const status =
      clock.status === 'inactive'
        ? copy.ASSET_STATUS_LABELS[asset.status]
        : asset.status === 'in_storage'
          ? copy.inStorage(copy.LIFECYCLE_LABELS[clock.status])
          : copy.LIFECYCLE_LABELS[clock.status];
    const list = groups.get(asset.category) ?? [];
    list.push({
      name: wordsOf(asset.name),
      tag: asset.assetTag,
      makeModel: wordsOrNull(modelOf(asset)),
      serial: asset.serialNumber,
      assignedTo: wordsOrNull(asset.assignedTo),
      location: asset.location,
      operatingSystem: wordsOrNull(asset.operatingSystem && operatingSystemName(asset.operatingSystem)),
      inService: inService ? formatDate(inService) : copy.DASH,
      warranty: asset.warrantyExpiresOn ? formatDate(asset.warrantyExpiresOn) : copy.DASH,
      warrantyClass: isCounted(asset) ? WARRANTY_CLASSES[clock.warrantyStatus] : 'muted',
      due: clock.dueOn ? formatDate(clock.dueOn) : copy.DASH,
      status,
      statusClass: LIFECYCLE_CLASSES[clock.status],
    });
    groups.set(asset.category, list);
  }
  return {
    total: copy.assetCount(assets.length),
    groups: [...groups.entries()].map(([category, list]) => ({
      label: copy.CATEGORY_LABELS[category],
      count: String(list.length),
      assets: list,
    })),
    empty: assets.length === 0,
  };
}

const wordsOrNull = (text: string | null): Words | null => (text ? wordsOf(text) : null);

/** "$1,200": whole units of the currency, rounded half up. */
function wholeMoney(currency: string, minor: number): string {
  const format = moneyFormat(currency);
  const digits = format.amount(0).split('.')[1]?.length ?? 0;
  const unit = 10 ** digits;
  return format.money(Math.round(minor / unit) * unit).replace(/\.0+$/, '');
}
