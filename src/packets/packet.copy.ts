/**
 * The packet's English: headings, labels and sentences, so that a wording change or a translation touches this
 * file only. Sentences take figures already formatted (packet-format.ts) and never compute them.
 */
import type { AssetCategory, AssetStatus, InitiativeStatus, Scenario } from '../domain/forecast.types.js';
import type { LifecycleStatus } from '../domain/refresh-clock.js';
import { plural } from './packet-format.js';

/** An empty cell. */
export const DASH = '—';

export const CATEGORY_LABELS: Record<AssetCategory, string> = {
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

export const CATEGORY_SINGULAR: Record<AssetCategory, string> = {
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

export const INITIATIVE_STATUS_LABELS: Record<InitiativeStatus, string> = {
  proposed: 'Proposed — decision needed',
  approved: 'Approved',
  in_progress: 'In progress',
  completed: 'Completed',
  declined: 'Declined',
  deferred: 'Deferred',
};

export const DECISION_LABELS = { approved: 'Approved', declined: 'Declined', deferred: 'Deferred' } as const;

export const SCENARIO_LABELS: Record<Scenario, string> = {
  committed: 'Committed plan: approved and in-progress initiatives',
  proposed: 'Proposed plan: approved, in-progress and proposed initiatives',
};

export const LIFECYCLE_LABELS: Record<LifecycleStatus, string> = {
  ok: 'Current',
  due_soon: 'Due soon',
  overdue: 'Overdue',
  undated: 'Undated',
  inactive: '',
};

export const ASSET_STATUS_LABELS: Record<AssetStatus, string> = {
  active: 'Active',
  in_storage: 'In storage',
  retired: 'Retired',
  disposed: 'Disposed',
};

export const inStorage = (status: string): string => `${status} (in storage)`;

export const packetTitle = (clientName: string, periodLabel: string): string =>
  `${clientName} — ${periodLabel}`;

export const defaultFooter = (mspName: string, clientName: string): string =>
  `Prepared by ${mspName} for ${clientName}`;

export const labelRange = (first: string, last: string): string => `${first} – ${last}`;

export const capexBreakdown = (refresh: string, refreshCount: number, initiatives: string): string =>
  `${refresh} hardware and software refresh ` +
  `(${plural(refreshCount, 'replacement')}) and ${initiatives} for initiatives`;

/** The summary's tiles, in the order they are shown. */
export const TILES = {
  overdue: { label: 'Overdue refreshes', note: 'past their replacement date today' },
  dueSoon: { label: 'Due soon', note: 'reach their replacement date within the planning window' },
  expiredWarranties: {
    label: 'Expired warranties',
    note: (expiring: number) => `plus ${expiring} expiring within 90 days`,
  },
  unsupported: { label: 'Unsupported systems', note: 'past the vendor’s end of support' },
  decisionsNeeded: { label: 'Decisions needed', note: 'proposed initiatives in this packet' },
} as const;

export const NO_COST_RECORDED = 'No cost recorded';

export const undatedNote = (undated: number): string =>
  `${plural(undated, 'asset has', 'assets have')} no purchase or in-service date, so no refresh is planned for them yet.`;

export const unpricedNote = (unpriced: number): string =>
  `${plural(unpriced, 'asset has', 'assets have')} no replacement cost; their refreshes are counted but priced at zero.`;

export const fiscalYearSubtotalLabel = (fiscalYear: string, quarters: number, ofQuarters: number): string =>
  `${fiscalYear} subtotal${quarters === ofQuarters ? '' : ` (${quarters} of ${ofQuarters} quarters)`}`;

export const TOTAL = 'Total';

export const replacements = (count: number): string => plural(count, 'replacement');

export const NOT_PRICED = 'Not priced';
/** The amount column of a refresh that a replacement initiative pays for: it is not charged again. */
export const IN_INITIATIVE = 'In the initiative';

/** Why a refresh falls when it does, for the refresh schedule. */
export const refreshReasons = {
  unexplained: 'Scheduled refresh',
  lifecycle: (months: number) => `${months}-month lifecycle`,
  nextCycle: (lifecycle: string) => `Next cycle of its ${lifecycle}`,
  endOfSupport: (operatingSystem: string | null) => `${operatingSystem ?? 'vendor'} end of support`,
  endOfLifecycle: (lifecycle: string) => `end of its ${lifecycle}`,
  overdue: (dueOn: string, because: string) => `Overdue since ${dueOn}: ${because}`,
  capitalised: (because: string) => because.charAt(0).toUpperCase() + because.slice(1),
  coveredBy: (title: string) => `Covered by the initiative “${title}”`,
};

export const WARRANTY_STATUS = {
  expired: { status: 'Expired', statusClass: 'alert' },
  expiring: { status: 'Expiring', statusClass: 'warn' },
} as const;

export const END_OF_SUPPORT_SOURCES = { catalogue: 'Vendor lifecycle', asset: 'Recorded on asset' } as const;

export const END_OF_SUPPORT_STATUS = {
  unsupported: { status: 'Unsupported', statusClass: 'alert' },
  ending: { status: 'Ending', statusClass: 'warn' },
} as const;

export const exposureNotes = {
  noWarranties: 'No warranty has expired or expires within 90 days.',
  warranties:
    'Devices out of warranty are repaired at the client’s cost; expiring ones are worth renewing or replacing.',
  noEndOfSupport: 'No operating system or product reaches its end of support in the next twelve months.',
  endOfSupport:
    'Past end of support, a product gets no security updates: it is a risk to the whole network, not just to itself.',
};

export const oneTimeCost = (amount: string): string => `${amount} one-time`;

export const monthlyCost = (amount: string, months: number | null): string =>
  `${amount} a month, ${months === null ? 'ongoing' : `for ${plural(months, 'month')}`}`;

export const roadmapUnscheduled = { label: 'Not yet scheduled', range: 'No target date' };

export const hiddenInitiativesNote = (hidden: number): string =>
  `${plural(hidden, 'completed or declined initiative is', 'completed or declined initiatives are')} not shown.`;

export const forecastInclusion = (status: InitiativeStatus, scenario: Scenario): string =>
  status === 'approved' || status === 'in_progress'
    ? 'Included in the forecast'
    : status === 'proposed' && scenario === 'proposed'
      ? 'Included in the forecast (proposed plan)'
      : status === 'proposed'
        ? 'Not in the forecast until approved'
        : 'Not in the forecast';

export const priorityLabel = (priority: string): string =>
  `${priority.charAt(0).toUpperCase()}${priority.slice(1)} priority`;

export const NOT_SCHEDULED = 'Not scheduled';

export const linkedAssetsText = (count: number): string => `Concerns ${plural(count, 'asset')}`;

export const decidedBy = (name: string, role: string | null, via?: string): string =>
  `${role ? `${name}, ${role}` : name}${via === 'portal' ? ' (signed in the client portal)' : ''}`;

export const decisionsSinceText = (lastPacketOn: string | null): string =>
  lastPacketOn === null
    ? 'Every decision on record: no packet has been issued to this client before.'
    : `Decisions recorded since the last issued packet, made on ${lastPacketOn}.`;

export const assetCount = (count: number): string => plural(count, 'asset');

export const runningHeader = (clientName: string, periodLabel: string): string =>
  `${clientName} · ${periodLabel}`;

/** Under a chart bar or timeline column whose period had begun before asOf. */
export const PARTIAL = 'partial';
export const LATER = 'Later';

export const partialPeriod = (from: string, through: string): string => `Partial: ${from} – ${through}`;

export const partialYear = (from: string, through: string, quarters: number): string =>
  `${from} – ${through}${quarters < 4 ? `, ${quarters} of 4 quarters` : ''}`;

export const backlogText = (count: number, assets: number, asOf: string, firstPeriod: string): string =>
  `${count} of ${plural(assets, 'device')} ${count === 1 ? 'is' : 'are'} already past their replacement date. ` +
  `The forecast charges them on ${asOf}, in ${firstPeriod}; they are a backlog to clear, not that quarter’s plan.`;

export const summaryCounts = (assets: number, dueSoon: number): string =>
  `${plural(assets, 'device')} under management; ${dueSoon} more reach their replacement date within the planning window.`;

/** The summary's risk lines: what each exposure is and what fixing it involves. */
export const RISKS = {
  expiredWarranties: {
    label: 'Out of warranty',
    remedy: 'A failure is repaired at your cost; replace at refresh, or extend cover where it is offered',
  },
  unsupported: {
    label: 'Unsupported systems',
    remedy: 'No security updates any more: replace, or upgrade where the hardware allows',
  },
  supportEnding: {
    label: 'Support ends within 12 months',
    remedy: 'Plan the replacement or upgrade before the date',
  },
  updateDue: {
    label: 'Update due (no charge)',
    remedy: 'A newer release of the same product: a free in-place update',
  },
} as const;

export const riskCaveats = (unpriced: number, covered: number): string =>
  [
    ...(covered > 0 ? [`${covered} paid for by an initiative`] : []),
    ...(unpriced > 0 ? [`${unpriced} without a price`] : []),
  ].join('; ');

export const NO_CHARGE = 'No charge';

export const approveAll = (count: number, capex: string | null, monthly: string | null): string =>
  `Approving all ${count}: ${
    [capex ? `${capex} one-time` : null, monthly ? `${monthly} a month` : null].filter(Boolean).join(' + ') ||
    'no recorded cost'
  }.`;

export const timelineBacklog = (count: number, amount: string): string => `${count} · ${amount}`;
export const timelineWave = (count: number, amount: string): string => `${count} · ${amount}`;
export const moreInitiatives = (count: number): string =>
  `and ${plural(count, 'more initiative')} (section 5)`;

export const MODEL_NOT_RECORDED = 'Model not recorded';
export const BACKLOG_TITLE = 'Overdue now';
export const backlogRange = (asOf: string): string => `past their replacement date on ${asOf}`;
export const scheduleBlockSummary = (count: number, amount: string): string =>
  `${plural(count, 'replacement')}, ${amount}`;
export const moreInAppendix = (count: number): string => `and ${count} more (see the appendix)`;

export const warrantyEnded = (dates: string): string => `Ended ${dates}`;
export const warrantyEnds = (dates: string): string => `Ends ${dates}`;
export const supportEnded = (dates: string): string => `Ended ${dates}`;
export const supportEnds = (dates: string): string => `Ends ${dates}`;
export const UPDATE_DUE_WHEN = 'Out of servicing now';

export const remedies = {
  expiredWarranty: 'Repairs at your cost; replace at its refresh date',
  expiringWarranty: 'Extend cover, or plan the replacement',
  unsupported: 'Replace (or upgrade where the hardware allows)',
  supportEnding: 'Replace or upgrade before support ends',
  updateDue: (updateTo: string | null) => `Free in-place update${updateTo ? ` to ${updateTo}` : ''}`,
};

export const perMonth = (amount: string): string => `${amount}/mo`;
/** "What changed since the last issued packet". */
export const changesCopy = {
  first:
    'Nothing to compare yet: no packet has been issued to this client before. The next one will show what changed since this one.',
  noSnapshot: (periodLabel: string, issuedOn: string) =>
    `The last issued packet (${periodLabel}, issued on ${issuedOn}) was made before packets kept the figures to compare with.`,
  since: (periodLabel: string, issuedOn: string) =>
    `Compared with the last issued packet, ${periodLabel}, issued on ${issuedOn}.`,
  forecastTotal: 'Periods in both',
  forecastNote: (currency: string) =>
    `Capital and operating spend per period shown in both packets, in ${currency}: then, now and the difference.`,
  noCommonPeriods: 'The two packets cover no period in common.',
  assetsAdded: (count: number) => `${plural(count, 'asset')} added`,
  assetsRetired: (count: number) => `${plural(count, 'asset')} retired`,
  assetsReplaced: (count: number) => `${plural(count, 'asset')} replaced`,
  removed: 'removed from the inventory',
  retired: (status: string) => status.toLowerCase(),
  initiativeAdded: (target: string) => `New, target ${target}`,
  initiativeMoved: (from: string, to: string) => `Moved from ${from} to ${to}`,
  initiativeRepriced: (then: string, now: string) => `Cost changed from ${then} to ${now}`,
  noCost: 'no cost',
  nothingElse:
    'No assets were added, retired or replaced, no decisions were recorded and no initiative moved.',
};
