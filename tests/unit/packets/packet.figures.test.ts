import { fiscalYearSubtotals } from '../../../src/domain/fiscal-year-subtotals.js';
import { forecast } from '../../../src/domain/forecast.js';
import type { ForecastContext, ForecastResult, RecurringCost } from '../../../src/domain/forecast.types.js';
import { packetNumbers, type FiguresSources } from '../../../src/packets/packet.figures.js';
import type { InventoryAsset, RoadmapInitiative } from '../../../src/packets/packet.repository.js';
import { buildPacketView, type PacketSources } from '../../../src/packets/packet.view-model.js';
import type { Words } from '../../../src/packets/packet-words.js';

const textOf = (words: Words): string => words.map((pieces) => pieces.join('')).join(' ');

// Fiscal year from July, asOf 2026-11-22: the horizon starts with FY2027 Q2 (Oct–Dec 2026).
const asOf = '2026-11-22';
const lifecycle: ForecastContext = {
  asOf,
  granularity: 'quarter',
  periods: 8,
  scenario: 'committed',
  fiscalYearStartMonth: 7,
  endOfSupportLookup: (os) =>
    os.startsWith('Windows 10')
      ? { endOfSupportOn: '2025-10-14', endOfServicingOn: null, updateTo: null }
      : null,
};

let ids = 0;
function asset(fields: Partial<InventoryAsset>): InventoryAsset {
  ids += 1;
  return {
    id: `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`,
    name: `Asset ${ids}`,
    category: 'laptop',
    status: 'active',
    manufacturer: null,
    model: null,
    serialNumber: null,
    assetTag: null,
    location: null,
    assignedTo: null,
    operatingSystem: null,
    purchasedOn: null,
    inServiceOn: '2025-01-01',
    warrantyExpiresOn: null,
    endOfSupportOn: null,
    purchaseCost: null,
    replacementCost: 100_000,
    lifecycleMonths: null,
    ...fields,
  };
}

/** Linked assets by initiative id: the packet's initiatives carry only their count. */
const linkedAssets = new Map<string, string[]>();

function initiative(fields: Partial<RoadmapInitiative>): RoadmapInitiative {
  ids += 1;
  return {
    id: `00000000-0000-4000-9000-${String(ids).padStart(12, '0')}`,
    title: 'Initiative',
    summary: null,
    priority: 'medium',
    kind: 'project',
    targetOn: null,
    capexCost: 0,
    monthlyOpexCost: 0,
    opexMonths: null,
    status: 'approved',
    linkedAssets: 0,
    decisions: [],
    ...fields,
  };
}

const recurring: RecurringCost = {
  id: '00000000-0000-4000-a000-000000000001',
  name: 'M365',
  vendor: null,
  amount: 1_000,
  quantity: 1,
  interval: 'month',
  startsOn: '2026-01-01',
  endsOn: null,
  annualEscalationBps: 0,
};

function sourcesOf(
  inventory: InventoryAsset[],
  initiatives: RoadmapInitiative[] = [],
  periods = 6,
  edit: (result: ForecastResult) => ForecastResult = (result) => result,
): PacketSources {
  const result = forecast(
    lifecycle,
    {
      assets: inventory,
      recurringCosts: [recurring],
      initiatives: initiatives.map((each) => ({ ...each, assetIds: linkedAssets.get(each.id) ?? [] })),
    },
    { includeItems: true },
  );
  return {
    msp: { name: 'Acme IT', pageSize: 'letter', accentColor: '#0f766e', footerText: null },
    logoSrc: null,
    client: {
      name: 'Dental',
      currency: 'USD',
      fiscalYearStartMonth: 7,
      contactName: null,
      vcioName: null,
      nextMeetingOn: null,
    },
    periodLabel: 'FY2027 Q2 roadmap review',
    scenario: 'committed',
    preparedOn: asOf,
    periods,
    forecast: { ...edit(result), currency: 'USD' },
    lifecycle,
    inventory,
    initiatives,
    decisions: { lastPacketAt: null, decisions: [] },
    changes: { baseline: null, changes: null },
  };
}

describe('the packet figures', () => {
  it('when built, then the fiscal years are the subtotals of the shown quarters and the stored figures say so', () => {
    const sources: FiguresSources = sourcesOf([asset({})], [], 6);
    const { figures, shown, fiscalYears } = packetNumbers(sources);
    expect(shown.map((period) => period.key)).toEqual([
      'FY2027-Q2',
      'FY2027-Q3',
      'FY2027-Q4',
      'FY2028-Q1',
      'FY2028-Q2',
      'FY2028-Q3',
    ]);
    expect(fiscalYears).toEqual(fiscalYearSubtotals(shown, 7));
    expect(
      figures.fiscalYears.map(({ key, label, quarters, total }) => ({ key, label, quarters, total })),
    ).toEqual([
      { key: 'FY2027', label: 'FY2027', quarters: 3, total: 7_000 },
      // Nine months of M365 and the laptop's refresh on 2028-01-01.
      { key: 'FY2028', label: 'FY2028', quarters: 3, total: 9_000 + 100_000 },
    ]);
    expect(figures.nextFourQuarters).toMatchObject({ from: 'FY2027-Q2', to: 'FY2028-Q1' });
    expect(figures.totals.total).toBe(figures.fiscalYears.reduce((sum, year) => sum + year.total, 0));
  });

  it('when opex is counted for twelve months, then charges after the day before asOf’s anniversary are left out', () => {
    const opex = initiative({ targetOn: '2027-10-01', monthlyOpexCost: 500, opexMonths: 3 });
    const { figures } = packetNumbers(sourcesOf([], [opex], 8));
    // Recurring: 1 December 2026 … 1 November 2027, twelve charges; the initiative's 1 October and 1 November.
    expect(figures.opexNext12Months).toEqual({ from: asOf, through: '2027-11-21', amount: 12_000 + 1_000 });
  });

  it('when assets are counted, then retired ones are left out and each exposure list holds what its count says', () => {
    const expired = asset({ name: 'Expired', warrantyExpiresOn: '2026-01-01' });
    const expiring = asset({ name: 'Expiring', warrantyExpiresOn: '2027-01-15' });
    const unsupported = asset({ name: 'Win10', operatingSystem: 'Windows 10 Pro' });
    const ending = asset({ name: 'Ending', endOfSupportOn: '2027-11-01' });
    const later = asset({ name: 'Later', endOfSupportOn: '2027-11-23' });
    const retired = asset({ name: 'Retired', status: 'retired', warrantyExpiresOn: '2026-01-01' });
    const proposed = initiative({ status: 'proposed' });
    const numbers = packetNumbers(
      sourcesOf([expired, expiring, unsupported, ending, later, retired], [proposed, initiative({})]),
    );
    expect(numbers.figures.counts).toEqual({
      assets: 5,
      overdue: 1,
      dueSoon: 0,
      expiredWarranties: 1,
      expiringWarranties: 1,
      unsupported: 1,
      decisionsNeeded: 1,
      undated: 0,
      unpriced: 0,
    });
    expect(numbers.counted).not.toContain(retired);
    expect(numbers.warrantyExposure.map((a) => a.name)).toEqual(['Expired', 'Expiring']);
    expect(numbers.endOfSupportExposure.map((a) => a.name)).toEqual(['Win10', 'Ending']);
    expect(numbers.proposed).toEqual([proposed]);
    expect(numbers.clocks.get(retired.id)?.status).toBe('inactive');
  });
});

describe('the packet’s refresh schedule', () => {
  const overdue = asset({ name: 'Old laptop', inServiceOn: '2021-01-01' });
  const endOfSupport = asset({
    name: 'Win10 laptop',
    inServiceOn: '2025-06-01',
    operatingSystem: 'Windows 10 Pro',
  });
  const ageing = asset({ name: 'Ageing laptop', inServiceOn: '2024-06-01' });
  const cycling = asset({ name: 'Cycling laptop', inServiceOn: '2026-06-01', lifecycleMonths: 6 });
  const unpriced = asset({ name: 'Unpriced laptop', inServiceOn: '2024-02-01', replacementCost: null });
  const inventory = [overdue, endOfSupport, ageing, cycling, unpriced];

  /** "device names, block title" → [reason, amount], one entry per line of the schedule. */
  const scheduled = (sources: PacketSources) =>
    Object.fromEntries(
      buildPacketView(sources).view.schedule.blocks.flatMap((block) =>
        block.categories.flatMap((category) =>
          category.rows.map((row) => [
            `${row.names.map(textOf).join(', ')} ${block.title}`,
            [row.reason, row.amount],
          ]),
        ),
      ),
    );

  it('when refreshes are listed, then each reason is read from its forecast item', () => {
    expect(scheduled(sourcesOf(inventory))).toEqual({
      'Old laptop Overdue now': ['Overdue since Jan 1, 2024: end of its 36-month lifecycle', '1,000.00'],
      'Win10 laptop Overdue now': ['Overdue since Oct 14, 2025: Windows 10 end of support', '1,000.00'],
      'Cycling laptop FY2027 Q2': ['End of its 6-month lifecycle', '1,000.00'],
      'Unpriced laptop FY2027 Q3': ['End of its 36-month lifecycle', 'Not priced'],
      'Cycling laptop FY2027 Q4': ['Next cycle of its 6-month lifecycle', '1,000.00'],
      'Ageing laptop FY2027 Q4': ['End of its 36-month lifecycle', '1,000.00'],
    });
  });

  it('when a replacement initiative covers a refresh, then the schedule names the initiative and charges nothing again', () => {
    const replacement = initiative({
      title: 'Replace the old laptop',
      kind: 'replacement',
      status: 'approved',
      targetOn: '2027-03-01',
      capexCost: 150_000,
      linkedAssets: 1,
    });
    linkedAssets.set(replacement.id, [overdue.id]);
    const schedule = scheduled(sourcesOf(inventory, [replacement]));
    expect(schedule['Old laptop Overdue now']).toEqual([
      'Covered by the initiative “Replace the old laptop”',
      'In the initiative',
    ]);
    const view = buildPacketView(sourcesOf(inventory, [replacement])).view;
    // Five charged refreshes in the near term (the old laptop's is the initiative's), not six.
    expect(view.schedule.count).toBe('5 replacements');
  });

  it('when an item does not say why it falls when it does, then the schedule says only that it is scheduled', () => {
    const withoutReasons = (result: ForecastResult): ForecastResult => ({
      ...result,
      periods: result.periods.map((period) => ({
        ...period,
        items: period.items!.map(({ reason: _reason, cycle: _cycle, ...item }) => item),
      })),
    });
    const schedule = scheduled(sourcesOf(inventory, [], 6, withoutReasons));
    const reasons = Object.values(schedule).map(([reason]) => reason);
    // The two laptops due in FY2027 Q4 now share one line: nothing tells their reasons apart.
    expect(Object.keys(schedule)).toContain('Ageing laptop, Cycling laptop FY2027 Q4');
    expect(new Set(reasons)).toEqual(new Set(['Scheduled refresh']));
  });
});
