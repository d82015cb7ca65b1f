/**
 * The packet as a plain, typed object for the templates (STYLE: templates get view models, never rows). Pure:
 * the numbers come from packet.figures.ts, the words from packet.copy.ts and the formatting from
 * packet-format.ts; this file only puts them where the templates print them. It also returns the figures, which
 * are stored with the PDF.
 */
import { fiscalPeriodLabel, fiscalQuarterOf, fiscalYearOf, horizonOf } from '../domain/fiscal-calendar.js';
import type { Cells } from '../domain/cells.js';
import { QUARTERS_PER_FISCAL_YEAR } from '../domain/fiscal-year-subtotals.js';
import type { AssetCategory, ForecastItem, Scenario } from '../domain/forecast.types.js';
import type { LifecycleClock } from '../domain/refresh-clock.js';
import { budgetChart, type ChartView } from './packet-chart.js';
import * as copy from './packet.copy.js';
import {
  formatDate,
  formatInstantDate,
  formatLongDate,
  moneyFormat,
  type MoneyFormat,
} from './packet-format.js';
import {
  compareText,
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

export interface ScheduleItemView {
  date: string;
  name: string;
  category: string;
  reason: string;
  overdue: boolean;
  amount: string;
}

export interface InitiativeView {
  title: string;
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
  decisions: { date: string; decision: string; decisionClass: string; by: string; note: string | null }[];
  needsDecision: boolean;
}

export interface InventoryAssetView {
  name: string;
  tag: string | null;
  makeModel: string | null;
  serial: string | null;
  assignedTo: string | null;
  location: string | null;
  operatingSystem: string | null;
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
  header: { clientName: string; periodLabel: string; mspName: string; footerText: string };
  cover: {
    mspName: string;
    logoSrc: string | null;
    clientName: string;
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
    nearTermRange: string;
    capexNextFourQuarters: string;
    capexBreakdown: string;
    opexNext12Months: string;
    opexRange: string;
    horizonTotal: string;
    horizonRange: string;
    tiles: { value: string; label: string; note: string; tone: string }[];
    decisionsNeeded: { title: string; amount: string }[];
    dataNotes: string[];
  };
  changes: ChangesView;
  chart: ChartView & { currency: string; range: string };
  forecast: { currency: string; scenario: string; rows: ForecastRowView[] };
  schedule: {
    quarters: { label: string; range: string; items: ScheduleItemView[]; count: string; total: string }[];
    count: string;
    total: string;
    empty: boolean;
  };
  exposure: {
    warranties: {
      name: string;
      category: string;
      expiresOn: string;
      status: string;
      statusClass: string;
      due: string;
    }[];
    endOfSupport: {
      name: string;
      operatingSystem: string;
      endsOn: string;
      source: string;
      status: string;
      statusClass: string;
    }[];
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
      initiative: string;
      decision: string;
      decisionClass: string;
      by: string;
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

const rangeText = (start: string, end: string): string => copy.labelRange(formatDate(start), formatDate(end));

const tone = (count: number, tone: string): string => (count > 0 ? tone : 'calm');

export function buildPacketView(sources: PacketSources): { view: PacketView; figures: PacketFigures } {
  const numbers = packetNumbers(sources);
  const { figures, shown, nearTerm, nearTermCells, totals } = numbers;
  const { client, forecast } = sources;
  const { counts, opexNext12Months } = figures;
  const money = moneyFormat(forecast.currency);
  const nearTermRange = copy.labelRange(nearTerm[0]!.label, nearTerm.at(-1)!.label);
  const horizonRange = copy.labelRange(shown[0]!.label, shown.at(-1)!.label);
  const theme = packetTheme(sources.msp.accentColor);

  const view: PacketView = {
    theme: {
      ...theme,
      pageSize: sources.msp.pageSize === 'a4' ? 'A4' : 'Letter',
      pageClass: sources.msp.pageSize,
    },
    title: copy.packetTitle(client.name, sources.periodLabel),
    header: {
      clientName: client.name,
      periodLabel: sources.periodLabel,
      mspName: sources.msp.name,
      footerText: sources.msp.footerText ?? copy.defaultFooter(sources.msp.name, client.name),
    },
    cover: {
      mspName: sources.msp.name,
      logoSrc: sources.logoSrc,
      clientName: client.name,
      periodLabel: sources.periodLabel,
      asOf: formatLongDate(figures.asOf),
      preparedOn: formatLongDate(sources.preparedOn),
      meetingOn: client.nextMeetingOn ? formatLongDate(client.nextMeetingOn) : null,
      vcioName: client.vcioName,
      contactName: client.contactName,
      scenario: copy.SCENARIO_LABELS[forecast.scenario],
    },
    summary: {
      currency: forecast.currency,
      nearTermRange,
      capexNextFourQuarters: money.money(nearTermCells.capex.total),
      capexBreakdown: copy.capexBreakdown(
        money.money(nearTermCells.capex.refresh),
        nearTermCells.refreshCount,
        money.money(nearTermCells.capex.initiatives),
      ),
      opexNext12Months: money.money(opexNext12Months.amount),
      opexRange: rangeText(opexNext12Months.from, opexNext12Months.through),
      horizonTotal: money.money(totals.total),
      horizonRange,
      tiles: [
        { value: String(counts.overdue), ...copy.TILES.overdue, tone: tone(counts.overdue, 'alert') },
        { value: String(counts.dueSoon), ...copy.TILES.dueSoon, tone: tone(counts.dueSoon, 'warn') },
        {
          value: String(counts.expiredWarranties),
          label: copy.TILES.expiredWarranties.label,
          note: copy.TILES.expiredWarranties.note(counts.expiringWarranties),
          tone: tone(counts.expiredWarranties, 'warn'),
        },
        {
          value: String(counts.unsupported),
          ...copy.TILES.unsupported,
          tone: tone(counts.unsupported, 'alert'),
        },
        {
          value: String(counts.decisionsNeeded),
          ...copy.TILES.decisionsNeeded,
          tone: tone(counts.decisionsNeeded, 'accent'),
        },
      ],
      decisionsNeeded: numbers.proposed.map((initiative) => ({
        title: initiative.title,
        amount: initiativeCostText(initiative, money) ?? copy.NO_COST_RECORDED,
      })),
      dataNotes: [
        ...(counts.undated > 0 ? [copy.undatedNote(counts.undated)] : []),
        ...(counts.unpriced > 0 ? [copy.unpricedNote(counts.unpriced)] : []),
      ],
    },
    changes: changesView(sources.changes, sources.initiatives, money),
    chart: {
      ...budgetChart(
        shown.map((period) => ({
          label: period.label,
          capex: period.capex.total,
          opex: period.opex.total,
          refreshCount: period.refreshCount,
        })),
        money,
      ),
      currency: forecast.currency,
      range: horizonRange,
    },
    forecast: {
      currency: forecast.currency,
      scenario: copy.SCENARIO_LABELS[forecast.scenario],
      rows: forecastRows(numbers, money),
    },
    schedule: refreshSchedule(numbers, sources.inventory, sources.initiatives, money),
    exposure: exposure(numbers, figures.asOf),
    initiatives: roadmap(sources, money),
    decisions: decisionsSince(sources.decisions),
    inventory: inventory(sources.inventory, numbers.clocks),
  };
  return { view, figures };
}

function forecastRows(numbers: PacketNumbers, money: MoneyFormat): ForecastRowView[] {
  const { shown, fiscalYears, totals } = numbers;
  const cell = (amount: number) => (amount === 0 ? copy.DASH : money.amount(amount));
  const row = (
    kind: ForecastRowView['kind'],
    label: string,
    range: string,
    cells: Cells,
  ): ForecastRowView => ({
    kind,
    label,
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
      rows.push(row('period', period.label, rangeText(period.start, period.end), period));
    const label = copy.fiscalYearSubtotalLabel(year.label, year.periods.length, QUARTERS_PER_FISCAL_YEAR);
    rows.push(row('subtotal', label, rangeText(year.start, year.end), year.cells));
  }
  rows.push(row('total', copy.TOTAL, rangeText(shown[0]!.start, shown.at(-1)!.end), totals));
  return rows;
}

/** Read from the item itself: the forecast tells each refresh's reason and cycle, so nothing re-runs it. */
function refreshReason(
  item: ForecastItem,
  asset: InventoryAsset | undefined,
  clock: LifecycleClock | undefined,
): string {
  if (item.reason === undefined || item.cycle === undefined || !asset || !clock)
    return copy.refreshReasons.unexplained;
  const lifecycle = copy.refreshReasons.lifecycle(clock.lifecycleMonths);
  if (item.cycle > 0) return copy.refreshReasons.nextCycle(lifecycle);
  const because =
    item.reason === 'end_of_support'
      ? copy.refreshReasons.endOfSupport(asset.operatingSystem)
      : copy.refreshReasons.endOfLifecycle(lifecycle);
  if (item.overdue && clock.dueOn) return copy.refreshReasons.overdue(formatDate(clock.dueOn), because);
  return copy.refreshReasons.capitalised(because);
}

function refreshSchedule(
  numbers: PacketNumbers,
  inventory: readonly InventoryAsset[],
  initiatives: readonly RoadmapInitiative[],
  money: MoneyFormat,
): PacketView['schedule'] {
  const assets = new Map(inventory.map((asset) => [asset.id, asset]));
  const initiativeTitles = new Map(initiatives.map((initiative) => [initiative.id, initiative.title]));
  let count = 0;
  let total = 0;
  const quarters = numbers.nearTerm.map((period) => {
    const items = (period.items ?? [])
      .filter((item) => item.type === 'refresh')
      .map((item): ScheduleItemView => {
        const asset = assets.get(item.refId);
        const category = asset ? copy.CATEGORY_SINGULAR[asset.category] : '';
        const date = formatDate(item.date);
        if (item.coveredBy !== undefined) {
          const title = initiativeTitles.get(item.coveredBy) ?? '';
          return {
            date,
            name: item.name,
            category,
            reason: copy.refreshReasons.coveredBy(title),
            overdue: false,
            amount: copy.IN_INITIATIVE,
          };
        }
        // Escalation is never negative, so a charged refresh costs nothing exactly when the asset has no price.
        const unpriced = asset !== undefined && item.amount === 0;
        return {
          date,
          name: item.name,
          category,
          reason: refreshReason(item, asset, numbers.clocks.get(item.refId)),
          overdue: item.overdue,
          amount: unpriced ? copy.NOT_PRICED : money.amount(item.amount),
        };
      });
    count += period.refreshCount;
    total += period.capex.refresh;
    return {
      label: period.label,
      range: rangeText(period.start, period.end),
      items,
      count: copy.replacements(period.refreshCount),
      total: money.amount(period.capex.refresh),
    };
  });
  return { quarters, count: copy.replacements(count), total: money.money(total), empty: count === 0 };
}

function exposure(numbers: PacketNumbers, asOf: string): PacketView['exposure'] {
  const clockOf = (asset: InventoryAsset) => numbers.clocks.get(asset.id)!;
  const warranties = numbers.warrantyExposure.map((asset) => {
    const clock = clockOf(asset);
    return {
      name: asset.name,
      category: copy.CATEGORY_SINGULAR[asset.category],
      expiresOn: formatDate(asset.warrantyExpiresOn!),
      ...copy.WARRANTY_STATUS[clock.warrantyStatus === 'expired' ? 'expired' : 'expiring'],
      due: clock.dueOn ? formatDate(clock.dueOn) : copy.DASH,
    };
  });
  const endOfSupport = numbers.endOfSupportExposure.map((asset) => {
    const clock = clockOf(asset);
    return {
      name: asset.name,
      operatingSystem: asset.operatingSystem ?? copy.DASH,
      endsOn: formatDate(clock.endOfSupportOn!),
      source: copy.END_OF_SUPPORT_SOURCES[clock.endOfSupportSource === 'catalogue' ? 'catalogue' : 'asset'],
      ...copy.END_OF_SUPPORT_STATUS[clock.endOfSupportOn! < asOf ? 'unsupported' : 'ending'],
    };
  });
  return {
    warranties,
    endOfSupport,
    warrantyNote: warranties.length === 0 ? copy.exposureNotes.noWarranties : copy.exposureNotes.warranties,
    endOfSupportNote:
      endOfSupport.length === 0 ? copy.exposureNotes.noEndOfSupport : copy.exposureNotes.endOfSupport,
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
    title: initiative.title,
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
      by: copy.decidedBy(decision.decidedBy, decision.role),
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
      initiative: decision.initiativeTitle,
      decision: copy.DECISION_LABELS[decision.decision],
      decisionClass: `decision-${decision.decision}`,
      by: copy.decidedBy(decision.decidedBy, decision.role),
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
      name: asset.name,
      tag: asset.assetTag,
      makeModel: [asset.manufacturer, asset.model].filter(Boolean).join(' ') || null,
      serial: asset.serialNumber,
      assignedTo: asset.assignedTo,
      location: asset.location,
      operatingSystem: asset.operatingSystem,
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
