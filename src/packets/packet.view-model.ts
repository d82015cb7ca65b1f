/**
 * The packet as a plain, typed object for the templates (STYLE: templates get view models, never rows). Pure:
 * the service reads the forecast (through the forecast API's own service), the lifecycle policies and the
 * client's records, and this turns them into words, formatted amounts and chart geometry. It also returns the
 * raw figures the packet shows, which are stored with the PDF.
 */
import { sumCells, type Cells } from '../domain/cells.js';
import { addDays, addMonths } from '../domain/dates.js';
import { fiscalPeriodLabel, fiscalQuarterOf, fiscalYearOf, horizonOf } from '../domain/fiscal-calendar.js';
import { refreshEventsOf } from '../domain/forecast.js';
import type {
  AssetCategory,
  ForecastContext,
  ForecastPeriod,
  ForecastResult,
  InitiativeStatus,
  RefreshEvent,
  Scenario,
} from '../domain/forecast.types.js';
import { lifecycleRulesOf, refreshClockOf, type LifecycleClock } from '../domain/refresh-clock.js';
import { budgetChart, type ChartView } from './packet-chart.js';
import {
  formatDate,
  formatInstantDate,
  formatLongDate,
  moneyFormat,
  plural,
  type MoneyFormat,
} from './packet-format.js';
import { packetTheme, type PacketTheme } from './packet-theme.js';
import type { DecisionEntry, InventoryAsset, RoadmapInitiative } from './packet.repository.js';

/** The quarters the summary, the refresh schedule and "next 4 quarters" figures cover. */
export const NEAR_TERM_QUARTERS = 4;
/** An operating system whose support ends within this many days is listed under exposure. */
const END_OF_SUPPORT_LOOKAHEAD_DAYS = 365;

export interface PacketSources {
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
  periodLabel: string;
  scenario: Scenario;
  /** The day the packet is made (the clock's today), which may differ from asOf. */
  preparedOn: string;
  /** Quarters in the table and chart. */
  periods: number;
  /**
   * The client's quarterly forecast with items, from the forecast API's service, at least `periods` quarters
   * and twelve months past asOf long (its periods beyond `periods` are only read for the 12-month opex).
   */
  forecast: ForecastResult & { currency: string };
  /** The context the forecast ran with (policies, fiscal calendar, end-of-support catalogue). */
  lifecycle: ForecastContext;
  inventory: readonly InventoryAsset[];
  initiatives: readonly RoadmapInitiative[];
  decisions: { lastPacketAt: Date | null; decisions: readonly DecisionEntry[] };
}

type Amounts = Pick<ForecastPeriod, 'capex' | 'opex' | 'total' | 'refreshCount'>;

/** The numbers the packet printed, stored as the packet's `figures`. Minor units throughout. */
export interface PacketFigures {
  currency: string;
  asOf: string;
  scenario: Scenario;
  periodLabel: string;
  nextFourQuarters: {
    from: string;
    to: string;
    capex: number;
    opex: number;
    total: number;
    refreshCount: number;
  };
  opexNext12Months: { from: string; through: string; amount: number };
  counts: {
    assets: number;
    overdue: number;
    dueSoon: number;
    expiredWarranties: number;
    expiringWarranties: number;
    unsupported: number;
    decisionsNeeded: number;
    undated: number;
    unpriced: number;
  };
  periods: ({ key: string; label: string } & Amounts)[];
  fiscalYears: ({ key: string; label: string; quarters: number } & Amounts)[];
  totals: Amounts;
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

const CATEGORY_LABELS: Record<AssetCategory, string> = {
  desktop: 'Desktops',
  laptop: 'Laptops',
  server: 'Servers',
  virtual_host: 'Virtual hosts',
  network_switch: 'Network switches',
  firewall: 'Firewalls',
  wireless_ap: 'Wireless access points',
  storage: 'Storage',
  backup_appliance: 'Backup appliances',
  ups: 'UPS',
  printer: 'Printers',
  phone_system: 'Phone systems',
  mobile: 'Mobile devices',
  peripheral: 'Peripherals',
  software: 'Software',
  other: 'Other',
};

const CATEGORY_SINGULAR: Record<AssetCategory, string> = {
  desktop: 'Desktop',
  laptop: 'Laptop',
  server: 'Server',
  virtual_host: 'Virtual host',
  network_switch: 'Network switch',
  firewall: 'Firewall',
  wireless_ap: 'Wireless AP',
  storage: 'Storage',
  backup_appliance: 'Backup appliance',
  ups: 'UPS',
  printer: 'Printer',
  phone_system: 'Phone system',
  mobile: 'Mobile',
  peripheral: 'Peripheral',
  software: 'Software',
  other: 'Other',
};

const STATUS_LABELS: Record<InitiativeStatus, string> = {
  proposed: 'Proposed — decision needed',
  approved: 'Approved',
  in_progress: 'In progress',
  completed: 'Completed',
  declined: 'Declined',
  deferred: 'Deferred',
};

const DECISION_LABELS = { approved: 'Approved', declined: 'Declined', deferred: 'Deferred' } as const;
const ROADMAP_STATUSES: ReadonlySet<InitiativeStatus> = new Set([
  'proposed',
  'approved',
  'in_progress',
  'deferred',
]);
const SCENARIO_LABELS: Record<Scenario, string> = {
  committed: 'Committed plan: approved and in-progress initiatives',
  proposed: 'Proposed plan: approved, in-progress and proposed initiatives',
};

const DASH = '—';

const isCounted = (asset: InventoryAsset) => asset.status === 'active' || asset.status === 'in_storage';

function rangeText(start: string, end: string): string {
  return `${formatDate(start)} – ${formatDate(end)}`;
}

function amountsOf(cells: Cells): Amounts {
  return {
    capex: { ...cells.capex },
    opex: { ...cells.opex },
    total: cells.total,
    refreshCount: cells.refreshCount,
  };
}

export function buildPacketView(sources: PacketSources): { view: PacketView; figures: PacketFigures } {
  const { client, forecast, lifecycle } = sources;
  const money = moneyFormat(forecast.currency);
  const asOf = forecast.asOf;
  const shown = forecast.periods.slice(0, sources.periods);
  const nearTerm = forecast.periods.slice(0, NEAR_TERM_QUARTERS);
  const nearTermCells = sumCells(nearTerm);
  const totals = sumCells(shown);

  const opexThrough = addDays(addMonths(asOf, 12), -1);
  const opexNext12Months = forecast.periods
    .flatMap((period) => period.items ?? [])
    .filter(
      (item) => (item.type === 'recurring' || item.type === 'initiative_opex') && item.date <= opexThrough,
    )
    .reduce((sum, item) => sum + item.amount, 0);

  const rules = lifecycleRulesOf(lifecycle);
  const clocks = new Map<string, LifecycleClock>(
    sources.inventory.map((asset) => [asset.id, refreshClockOf(asset, rules)]),
  );
  const counted = sources.inventory.filter(isCounted);
  const countWhere = (test: (clock: LifecycleClock, asset: InventoryAsset) => boolean) =>
    counted.filter((asset) => test(clocks.get(asset.id)!, asset)).length;
  const proposed = sources.initiatives.filter((initiative) => initiative.status === 'proposed');

  const counts: PacketFigures['counts'] = {
    assets: counted.length,
    overdue: forecast.counts.overdue,
    dueSoon: countWhere((clock) => clock.status === 'due_soon'),
    expiredWarranties: countWhere((clock) => clock.warrantyStatus === 'expired'),
    expiringWarranties: countWhere((clock) => clock.warrantyStatus === 'expiring'),
    unsupported: countWhere((clock) => clock.endOfSupportOn !== null && clock.endOfSupportOn < asOf),
    decisionsNeeded: proposed.length,
    undated: forecast.counts.undated,
    unpriced: forecast.counts.unpriced,
  };

  const fiscalYears = fiscalYearGroups(shown);
  const figures: PacketFigures = {
    currency: forecast.currency,
    asOf,
    scenario: forecast.scenario,
    periodLabel: sources.periodLabel,
    nextFourQuarters: {
      from: nearTerm[0]!.key,
      to: nearTerm.at(-1)!.key,
      capex: nearTermCells.capex.total,
      opex: nearTermCells.opex.total,
      total: nearTermCells.total,
      refreshCount: nearTermCells.refreshCount,
    },
    opexNext12Months: { from: asOf, through: opexThrough, amount: opexNext12Months },
    counts,
    periods: shown.map((period) => ({ key: period.key, label: period.label, ...amountsOf(period) })),
    fiscalYears: fiscalYears.map((year) => ({
      key: year.key,
      label: year.key,
      quarters: year.periods.length,
      ...amountsOf(year.cells),
    })),
    totals: amountsOf(totals),
  };

  const nearTermRange = `${nearTerm[0]!.label} – ${nearTerm.at(-1)!.label}`;
  const horizonRange = `${shown[0]!.label} – ${shown.at(-1)!.label}`;
  const theme = packetTheme(sources.msp.accentColor);

  const view: PacketView = {
    theme: {
      ...theme,
      pageSize: sources.msp.pageSize === 'a4' ? 'A4' : 'Letter',
      pageClass: sources.msp.pageSize,
    },
    title: `${client.name} — ${sources.periodLabel}`,
    header: {
      clientName: client.name,
      periodLabel: sources.periodLabel,
      mspName: sources.msp.name,
      footerText: sources.msp.footerText ?? `Prepared by ${sources.msp.name} for ${client.name}`,
    },
    cover: {
      mspName: sources.msp.name,
      logoSrc: sources.logoSrc,
      clientName: client.name,
      periodLabel: sources.periodLabel,
      asOf: formatLongDate(asOf),
      preparedOn: formatLongDate(sources.preparedOn),
      meetingOn: client.nextMeetingOn ? formatLongDate(client.nextMeetingOn) : null,
      vcioName: client.vcioName,
      contactName: client.contactName,
      scenario: SCENARIO_LABELS[forecast.scenario],
    },
    summary: {
      currency: forecast.currency,
      nearTermRange,
      capexNextFourQuarters: money.money(nearTermCells.capex.total),
      capexBreakdown:
        `${money.money(nearTermCells.capex.refresh)} hardware and software refresh ` +
        `(${plural(nearTermCells.refreshCount, 'replacement')}) and ${money.money(nearTermCells.capex.initiatives)} for initiatives`,
      opexNext12Months: money.money(opexNext12Months),
      opexRange: rangeText(asOf, opexThrough),
      horizonTotal: money.money(totals.total),
      horizonRange,
      tiles: [
        {
          value: String(counts.overdue),
          label: 'Overdue refreshes',
          note: 'past their replacement date today',
          tone: counts.overdue > 0 ? 'alert' : 'calm',
        },
        {
          value: String(counts.dueSoon),
          label: 'Due soon',
          note: 'reach their replacement date within the planning window',
          tone: counts.dueSoon > 0 ? 'warn' : 'calm',
        },
        {
          value: String(counts.expiredWarranties),
          label: 'Expired warranties',
          note: `plus ${counts.expiringWarranties} expiring within 90 days`,
          tone: counts.expiredWarranties > 0 ? 'warn' : 'calm',
        },
        {
          value: String(counts.unsupported),
          label: 'Unsupported systems',
          note: 'past the vendor’s end of support',
          tone: counts.unsupported > 0 ? 'alert' : 'calm',
        },
        {
          value: String(counts.decisionsNeeded),
          label: 'Decisions needed',
          note: 'proposed initiatives in this packet',
          tone: counts.decisionsNeeded > 0 ? 'accent' : 'calm',
        },
      ],
      decisionsNeeded: proposed.map((initiative) => ({
        title: initiative.title,
        amount: initiativeCostText(initiative, money) ?? 'No cost recorded',
      })),
      dataNotes: dataNotes(counts),
    },
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
      scenario: SCENARIO_LABELS[forecast.scenario],
      rows: forecastRows(shown, fiscalYears, totals, money),
    },
    schedule: refreshSchedule(nearTerm, sources, clocks, money),
    exposure: exposure(counted, clocks, asOf),
    initiatives: roadmap(sources, money),
    decisions: decisionsSince(sources.decisions),
    inventory: inventory(sources.inventory, clocks),
  };
  return { view, figures };
}

function dataNotes(counts: PacketFigures['counts']): string[] {
  const notes: string[] = [];
  if (counts.undated > 0) {
    notes.push(
      `${plural(counts.undated, 'asset has', 'assets have')} no purchase or in-service date, so no refresh is planned for them yet.`,
    );
  }
  if (counts.unpriced > 0) {
    notes.push(
      `${plural(counts.unpriced, 'asset has', 'assets have')} no replacement cost; their refreshes are counted but priced at zero.`,
    );
  }
  return notes;
}

interface FiscalYearGroup {
  key: string;
  periods: ForecastPeriod[];
  cells: Cells;
}

function fiscalYearGroups(periods: readonly ForecastPeriod[]): FiscalYearGroup[] {
  const groups: FiscalYearGroup[] = [];
  for (const period of periods) {
    const key = period.key.split('-')[0]!;
    const last = groups.at(-1);
    if (last && last.key === key) last.periods.push(period);
    else groups.push({ key, periods: [period], cells: sumCells([]) });
  }
  for (const group of groups) group.cells = sumCells(group.periods);
  return groups;
}

function forecastRows(
  periods: readonly ForecastPeriod[],
  years: readonly FiscalYearGroup[],
  totals: Cells,
  money: MoneyFormat,
): ForecastRowView[] {
  const cell = (amount: number) => (amount === 0 ? DASH : money.amount(amount));
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
  for (const year of years) {
    for (const period of year.periods)
      rows.push(row('period', period.label, rangeText(period.start, period.end), period));
    const partial = year.periods.length === 4 ? '' : ` (${year.periods.length} of 4 quarters)`;
    rows.push(
      row(
        'subtotal',
        `${year.key} subtotal${partial}`,
        rangeText(year.periods[0]!.start, year.periods.at(-1)!.end),
        year.cells,
      ),
    );
  }
  rows.push(row('total', 'Total', rangeText(periods[0]!.start, periods.at(-1)!.end), totals));
  return rows;
}

function refreshReason(
  asset: InventoryAsset | undefined,
  event: RefreshEvent | undefined,
  clock: LifecycleClock | undefined,
): string {
  if (!event || !clock) return 'Scheduled refresh';
  const lifecycle = `${clock.lifecycleMonths}-month lifecycle`;
  if (event.cycle > 0) return `Next cycle of its ${lifecycle}`;
  const because =
    event.reason === 'end_of_support'
      ? `${asset?.operatingSystem ?? 'vendor'} end of support`
      : `end of its ${lifecycle}`;
  if (event.overdue && clock.dueOn) return `Overdue since ${formatDate(clock.dueOn)}: ${because}`;
  return because.charAt(0).toUpperCase() + because.slice(1);
}

function refreshSchedule(
  nearTerm: readonly ForecastPeriod[],
  sources: PacketSources,
  clocks: Map<string, LifecycleClock>,
  money: MoneyFormat,
): PacketView['schedule'] {
  const assets = new Map(sources.inventory.map((asset) => [asset.id, asset]));
  // The forecast's items carry the amounts; the engine's own events of the same asset say why each falls when it does.
  const events = new Map<string, RefreshEvent>();
  const explained = new Set<string>();
  const eventsOf = (assetId: string) => {
    const asset = assets.get(assetId);
    if (!asset || explained.has(assetId)) return;
    explained.add(assetId);
    for (const event of refreshEventsOf(asset, sources.lifecycle))
      events.set(`${assetId}|${event.date}`, event);
  };
  let count = 0;
  let total = 0;
  const quarters = nearTerm.map((period) => {
    const items = (period.items ?? [])
      .filter((item) => item.type === 'refresh')
      .map((item): ScheduleItemView => {
        eventsOf(item.refId);
        const asset = assets.get(item.refId);
        const event = events.get(`${item.refId}|${item.date}`);
        const unpriced = event !== undefined && event.baseCost === 0;
        return {
          date: formatDate(item.date),
          name: item.name,
          category: asset ? CATEGORY_SINGULAR[asset.category] : '',
          reason: refreshReason(asset, event, clocks.get(item.refId)),
          overdue: item.overdue,
          amount: unpriced ? 'Not priced' : money.amount(item.amount),
        };
      });
    count += period.refreshCount;
    total += period.capex.refresh;
    return {
      label: period.label,
      range: rangeText(period.start, period.end),
      items,
      count: plural(period.refreshCount, 'replacement'),
      total: money.amount(period.capex.refresh),
    };
  });
  return { quarters, count: plural(count, 'replacement'), total: money.money(total), empty: count === 0 };
}

function exposure(
  counted: readonly InventoryAsset[],
  clocks: Map<string, LifecycleClock>,
  asOf: string,
): PacketView['exposure'] {
  const lookahead = addDays(asOf, END_OF_SUPPORT_LOOKAHEAD_DAYS);
  const warranties = counted
    .filter((asset) => {
      const status = clocks.get(asset.id)!.warrantyStatus;
      return status === 'expired' || status === 'expiring';
    })
    .sort((a, b) => compareText(a.warrantyExpiresOn!, b.warrantyExpiresOn!) || compareText(a.name, b.name))
    .map((asset) => {
      const clock = clocks.get(asset.id)!;
      const expired = clock.warrantyStatus === 'expired';
      return {
        name: asset.name,
        category: CATEGORY_SINGULAR[asset.category],
        expiresOn: formatDate(asset.warrantyExpiresOn!),
        status: expired ? 'Expired' : 'Expiring',
        statusClass: expired ? 'alert' : 'warn',
        due: clock.dueOn ? formatDate(clock.dueOn) : DASH,
      };
    });
  const endOfSupport = counted
    .filter((asset) => {
      const endsOn = clocks.get(asset.id)!.endOfSupportOn;
      return endsOn !== null && endsOn <= lookahead;
    })
    .sort(
      (a, b) =>
        compareText(clocks.get(a.id)!.endOfSupportOn!, clocks.get(b.id)!.endOfSupportOn!) ||
        compareText(a.name, b.name),
    )
    .map((asset) => {
      const clock = clocks.get(asset.id)!;
      const unsupported = clock.endOfSupportOn! < asOf;
      return {
        name: asset.name,
        operatingSystem: asset.operatingSystem ?? DASH,
        endsOn: formatDate(clock.endOfSupportOn!),
        source: clock.endOfSupportSource === 'catalogue' ? 'Vendor lifecycle' : 'Recorded on asset',
        status: unsupported ? 'Unsupported' : 'Ending',
        statusClass: unsupported ? 'alert' : 'warn',
      };
    });
  return {
    warranties,
    endOfSupport,
    warrantyNote:
      warranties.length === 0
        ? 'No warranty has expired or expires within 90 days.'
        : 'Devices out of warranty are repaired at the client’s cost; expiring ones are worth renewing or replacing.',
    endOfSupportNote:
      endOfSupport.length === 0
        ? 'No operating system or product reaches its end of support in the next twelve months.'
        : 'Past end of support, a product gets no security updates: it is a risk to the whole network, not just to itself.',
  };
}

function initiativeCostText(initiative: RoadmapInitiative, money: MoneyFormat): string | null {
  const parts: string[] = [];
  if (initiative.capexCost > 0) parts.push(`${money.money(initiative.capexCost)} one-time`);
  if (initiative.monthlyOpexCost > 0) parts.push(opexText(initiative, money));
  return parts.length > 0 ? parts.join(' + ') : null;
}

function opexText(initiative: RoadmapInitiative, money: MoneyFormat): string {
  const duration =
    initiative.opexMonths === null ? 'ongoing' : `for ${plural(initiative.opexMonths, 'month')}`;
  return `${money.money(initiative.monthlyOpexCost)} a month, ${duration}`;
}

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
    let label = 'Not yet scheduled';
    let range = 'No target date';
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
    note:
      hidden === 0
        ? null
        : `${plural(hidden, 'completed or declined initiative is', 'completed or declined initiatives are')} not shown.`,
    empty: quarters.length === 0,
  };
}

function initiativeView(
  initiative: RoadmapInitiative,
  scenario: Scenario,
  money: MoneyFormat,
): InitiativeView {
  const inForecast =
    initiative.status === 'approved' || initiative.status === 'in_progress'
      ? 'Included in the forecast'
      : initiative.status === 'proposed' && scenario === 'proposed'
        ? 'Included in the forecast (proposed plan)'
        : initiative.status === 'proposed'
          ? 'Not in the forecast until approved'
          : 'Not in the forecast';
  return {
    title: initiative.title,
    summary: initiative.summary,
    priority: `${initiative.priority.charAt(0).toUpperCase()}${initiative.priority.slice(1)} priority`,
    priorityClass: `priority-${initiative.priority}`,
    status: STATUS_LABELS[initiative.status],
    statusClass: `status-${initiative.status.replace('_', '-')}`,
    target: initiative.targetOn ? formatDate(initiative.targetOn) : 'Not scheduled',
    capex: initiative.capexCost > 0 ? money.money(initiative.capexCost) : null,
    opex: initiative.monthlyOpexCost > 0 ? opexText(initiative, money) : null,
    linkedAssets: initiative.linkedAssets > 0 ? `Concerns ${plural(initiative.linkedAssets, 'asset')}` : null,
    inForecast,
    decisions: initiative.decisions.map((decision) => ({
      date: formatInstantDate(decision.decidedAt),
      decision: DECISION_LABELS[decision.decision],
      decisionClass: `decision-${decision.decision}`,
      by: decision.role ? `${decision.decidedBy}, ${decision.role}` : decision.decidedBy,
      note: decision.note,
    })),
    needsDecision: initiative.status === 'proposed',
  };
}

function decisionsSince(source: PacketSources['decisions']): PacketView['decisions'] {
  return {
    since:
      source.lastPacketAt === null
        ? 'Every decision on record: this is the first packet for this client.'
        : `Decisions recorded since the last packet, made on ${formatInstantDate(source.lastPacketAt)}.`,
    rows: source.decisions.map((decision) => ({
      date: formatInstantDate(decision.decidedAt),
      initiative: decision.initiativeTitle,
      decision: DECISION_LABELS[decision.decision],
      decisionClass: `decision-${decision.decision}`,
      by: decision.role ? `${decision.decidedBy}, ${decision.role}` : decision.decidedBy,
      note: decision.note,
    })),
    empty: source.decisions.length === 0,
  };
}

const LIFECYCLE_LABELS = {
  ok: 'Current',
  due_soon: 'Due soon',
  overdue: 'Overdue',
  undated: 'Undated',
  inactive: '',
} as const;
const ASSET_STATUS_LABELS = {
  active: 'Active',
  in_storage: 'In storage',
  retired: 'Retired',
  disposed: 'Disposed',
} as const;
const WARRANTY_CLASSES = { unknown: 'muted', expired: 'alert', expiring: 'warn', active: '' } as const;

function inventory(
  assets: readonly InventoryAsset[],
  clocks: Map<string, LifecycleClock>,
): PacketView['inventory'] {
  const groups = new Map<AssetCategory, InventoryAssetView[]>();
  for (const asset of assets) {
    const clock = clocks.get(asset.id)!;
    const inService = asset.inServiceOn ?? asset.purchasedOn;
    const status =
      clock.status === 'inactive'
        ? ASSET_STATUS_LABELS[asset.status]
        : asset.status === 'in_storage'
          ? `${LIFECYCLE_LABELS[clock.status]} (in storage)`
          : LIFECYCLE_LABELS[clock.status];
    const list = groups.get(asset.category) ?? [];
    list.push({
      name: asset.name,
      tag: asset.assetTag,
      makeModel: [asset.manufacturer, asset.model].filter(Boolean).join(' ') || null,
      serial: asset.serialNumber,
      assignedTo: asset.assignedTo,
      location: asset.location,
      operatingSystem: asset.operatingSystem,
      inService: inService ? formatDate(inService) : DASH,
      warranty: asset.warrantyExpiresOn ? formatDate(asset.warrantyExpiresOn) : DASH,
      warrantyClass: isCounted(asset) ? WARRANTY_CLASSES[clock.warrantyStatus] : 'muted',
      due: clock.dueOn ? formatDate(clock.dueOn) : DASH,
      status,
      statusClass:
        clock.status === 'inactive'
          ? 'muted'
          : clock.status === 'overdue'
            ? 'alert'
            : clock.status === 'due_soon'
              ? 'warn'
              : '',
    });
    groups.set(asset.category, list);
  }
  return {
    total: plural(assets.length, 'asset'),
    groups: [...groups.entries()].map(([category, list]) => ({
      label: CATEGORY_LABELS[category],
      count: String(list.length),
      assets: list,
    })),
    empty: assets.length === 0,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
