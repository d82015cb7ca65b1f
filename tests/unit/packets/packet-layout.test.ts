import type { ForecastItem, ForecastPeriod } from '../../../src/domain/forecast.types.js';
import { lifecycleRulesOf, refreshClockOf, type LifecycleClock } from '../../../src/domain/refresh-clock.js';
import { lookupEndOfSupport } from '../../../src/domain/end-of-support.js';
import { chartMoney, cssStringContent } from '../../../src/packets/packet-format.js';
import type { InventoryAsset } from '../../../src/packets/packet.repository.js';
import { roadmapTimeline, wrapWords } from '../../../src/packets/packet-roadmap.js';
import {
  coverageOf,
  exposureOf,
  exposureTotals,
  overdueBacklog,
  refreshScheduleBlocks,
} from '../../../src/packets/packet-schedule.js';
import {
  LONGEST_UNBROKEN,
  operatingSystemName,
  operatingSystemProduct,
  sampleOf,
  wordsOf,
} from '../../../src/packets/packet-words.js';

const asOf = '2026-11-22';
let ids = 0;
function asset(fields: Partial<InventoryAsset>): InventoryAsset {
  ids += 1;
  return {
    id: `asset-${ids}`,
    name: `Asset ${ids}`,
    category: 'laptop',
    status: 'active',
    manufacturer: 'Dell',
    model: 'Latitude 5440',
    serialNumber: null,
    assetTag: null,
    location: null,
    assignedTo: null,
    operatingSystem: null,
    purchasedOn: null,
    inServiceOn: '2024-01-01',
    warrantyExpiresOn: null,
    endOfSupportOn: null,
    purchaseCost: null,
    replacementCost: 100_000,
    lifecycleMonths: null,
    ...fields,
  };
}

const rules = lifecycleRulesOf({
  asOf,
  endOfSupportLookup: lookupEndOfSupport,
  mspPolicies: {
    desktop: {
      category: 'desktop',
      lifecycleMonths: 48,
      replacementCost: 90_000,
      annualEscalationBps: 0,
      dueSoonDays: 180,
    },
  },
} as never);

const clocksOf = (assets: InventoryAsset[]): Map<string, LifecycleClock> =>
  new Map(assets.map((each) => [each.id, refreshClockOf(each, rules)]));

const refresh = (of: InventoryAsset, fields: Partial<ForecastItem> = {}): ForecastItem => ({
  type: 'refresh',
  refId: of.id,
  name: of.name,
  date: asOf,
  amount: 100_000,
  overdue: false,
  reason: 'age',
  cycle: 0,
  ...fields,
});

function period(label: string, start: string, end: string, items: ForecastItem[]): ForecastPeriod {
  return {
    key: label.replace(' ', '-'),
    label,
    start,
    end,
    capex: { refresh: 0, initiatives: 0, total: 0 },
    opex: { recurring: 0, initiatives: 0, total: 0 },
    total: 0,
    refreshCount: items.filter((item) => item.coveredBy === undefined).length,
    items,
  } as ForecastPeriod;
}

describe('names in the packet', () => {
  it('when a host name has hyphens, then it stays one word; words split only at white space', () => {
    expect(wordsOf('RVM-LT-ALVAREZ-13')).toEqual([['RVM-LT-ALVAREZ-13']]);
    expect(wordsOf('  Front   desk PC ')).toEqual([['Front'], ['desk'], ['PC']]);
    expect(wordsOf('')).toEqual([]);
  });

  it('when a word is longer than any name, then it is cut into pieces that may wrap', () => {
    const url = `https://example.com/${'x'.repeat(60)}`;
    const [pieces] = wordsOf(url);
    expect(pieces!.join('')).toBe(url);
    expect(pieces!.every((piece) => piece.length <= LONGEST_UNBROKEN)).toBe(true);
    expect(pieces!.length).toBe(Math.ceil(url.length / LONGEST_UNBROKEN));
  });

  it('when an operating system carries a vendor prefix, then it prints in the catalogue’s words', () => {
    expect(operatingSystemName('Microsoft Windows 10 Pro')).toBe('Windows 10 Pro');
    expect(operatingSystemName('Windows 10 Pro 22H2')).toBe('Windows 10 Pro 22H2');
    expect(operatingSystemName('  Ubuntu   22.04.4 LTS')).toBe('Ubuntu 22.04.4 LTS');
    expect(operatingSystemName('FreeDOS 1.3')).toBe('FreeDOS 1.3');
    expect(operatingSystemProduct('Microsoft Windows 10 Pro')).toBe('Windows 10');
    expect(operatingSystemProduct('Windows 10 Pro 22H2')).toBe('Windows 10');
  });

  it('when more names than fit are listed, then the rest are counted', () => {
    expect(sampleOf(['a', 'b', 'c'], 3)).toEqual({ shown: ['a', 'b', 'c'], more: 0 });
    expect(sampleOf(['a', 'b', 'c', 'd'], 3)).toEqual({ shown: ['a', 'b'], more: 2 });
  });

  it('when text goes into a CSS string, then only letters, digits and spaces are left unescaped', () => {
    expect(cssStringContent('Bright Smile 2')).toBe('Bright Smile 2');
    expect(cssStringContent('A&B "x"\\')).toBe('A\\000026 B \\000022 x\\000022 \\00005c ');
    expect(cssStringContent('</style>')).not.toMatch(/[<>/"']/);
  });
});

describe('chart money labels', () => {
  it('when amounts differ in size, then every label has one unit and one precision', () => {
    const labels = chartMoney('USD', 5_640_000);
    expect([4_600_000, 4_510_000, 2_100_000].map((amount) => labels.label(amount))).toEqual([
      '$46.0K',
      '$45.1K',
      '$21.0K',
    ]);
    expect([0, 2_000_000, 4_000_000].map((amount) => labels.axis(amount, 2_000_000))).toEqual([
      '$0K',
      '$20K',
      '$40K',
    ]);
    expect(labels.axis(250_000, 250_000)).toBe('$2.5K');
    expect(chartMoney('USD', 250_000_000).label(125_000_000)).toBe('$1.3M');
    expect(chartMoney('JPY', 900).label(900)).toBe('¥900');
  });
});

describe('the grouped refresh schedule', () => {
  const oldOne = asset({ name: 'RVM-LT-01', inServiceOn: '2021-01-01' });
  const oldTwo = asset({ name: 'RVM-LT-02', inServiceOn: '2022-03-01' });
  const win10 = asset({
    name: 'RVM-LT-03',
    operatingSystem: 'Microsoft Windows 10 Pro',
    inServiceOn: '2025-01-01',
  });
  const desktop = asset({
    name: 'RVM-WS-01',
    category: 'desktop',
    model: 'OptiPlex 7090',
    inServiceOn: '2023-01-15',
  });
  const covered = asset({ name: 'RVM-LT-04', inServiceOn: '2021-05-01' });
  const assets = [oldOne, oldTwo, win10, desktop, covered];
  const byId = new Map(assets.map((each) => [each.id, each]));
  const periods = [
    period('FY2026 Q4', '2026-10-01', '2026-12-31', [
      refresh(oldOne, { overdue: true }),
      refresh(oldTwo, { overdue: true }),
      refresh(win10, { overdue: true, reason: 'end_of_support' }),
      refresh(covered, { overdue: true, amount: 0, coveredBy: 'initiative-1' }),
    ]),
    period('FY2027 Q1', '2027-01-01', '2027-03-31', [
      refresh(desktop, { date: '2027-01-15', amount: 90_000 }),
    ]),
  ];

  it('when devices are overdue, then they form a backlog apart from the quarter, grouped by model and reason', () => {
    const blocks = refreshScheduleBlocks(periods, asOf, byId, clocksOf(assets));
    expect(
      blocks.map((block) => [block.kind, block.label, block.partial, block.count, block.amount]),
    ).toEqual([
      ['backlog', 'FY2026 Q4', true, 3, 300_000],
      ['quarter', 'FY2026 Q4', true, 0, 0],
      ['quarter', 'FY2027 Q1', false, 1, 90_000],
    ]);
    const backlog = blocks[0]!.groups.map((group) => [
      group.model,
      group.reason,
      group.names,
      group.coveredBy,
    ]);
    expect(backlog).toEqual([
      ['Dell Latitude 5440', { kind: 'end_of_support', operatingSystem: 'Windows 10' }, ['RVM-LT-03'], null],
      ['Dell Latitude 5440', { kind: 'lifecycle', months: 36 }, ['RVM-LT-01', 'RVM-LT-02'], null],
      ['Dell Latitude 5440', { kind: 'lifecycle', months: 36 }, ['RVM-LT-04'], 'initiative-1'],
    ]);
    expect(blocks[0]!.groups[1]).toMatchObject({ count: 2, dueFrom: '2024-01-01', dueTo: '2025-03-01' });
    expect(blocks[2]!.groups[0]).toMatchObject({
      category: 'desktop',
      model: 'Dell OptiPlex 7090',
      count: 1,
    });
  });

  it('when the backlog is summed, then devices an initiative pays for are left out', () => {
    expect(overdueBacklog(periods[0]!)).toEqual({ count: 3, amount: 300_000 });
    expect(coverageOf(periods)).toEqual(new Map([[covered.id, 'initiative-1']]));
  });
});

describe('warranty and operating-system exposure', () => {
  it('when a product has ended, then it is unsupported and priced; an old release of a live one is a free update', () => {
    const win10 = asset({
      name: 'A-01',
      operatingSystem: 'Windows 10 Pro 22H2',
      warrantyExpiresOn: '2025-01-01',
    });
    const win10b = asset({
      name: 'A-02',
      operatingSystem: 'Microsoft Windows 10 Pro',
      replacementCost: null,
      purchaseCost: 80_000,
    });
    const win11 = asset({ name: 'A-03', operatingSystem: 'Windows 11 Pro 22H2' });
    const desk = asset({
      name: 'A-04',
      category: 'desktop',
      replacementCost: null,
      warrantyExpiresOn: '2027-01-10',
    });
    const covered = asset({ name: 'A-05', operatingSystem: 'Windows 10 Pro' });
    const assets = [win10, win10b, win11, desk, covered];
    const exposure = exposureOf(
      assets,
      clocksOf(assets),
      rules,
      new Map([[covered.id, 'initiative-9']]),
      asOf,
      '2027-11-22',
    );
    expect(
      exposure.unsupported.map((group) => [
        group.operatingSystem,
        group.names,
        group.amount,
        group.coveredBy,
      ]),
    ).toEqual([
      ['Windows 10', ['A-01', 'A-02'], 180_000, null],
      ['Windows 10', ['A-05'], 0, 'initiative-9'],
    ]);
    expect(exposure.updateDue.map((group) => [group.operatingSystem, group.updateTo, group.amount])).toEqual([
      ['Windows 11 Pro 22H2', expect.stringMatching(/^Windows 11 /), 0],
    ]);
    expect(exposure.expiredWarranties.map((group) => [group.names, group.firstOn])).toEqual([
      [['A-01'], '2025-01-01'],
    ]);
    // The desktop has no price of its own: its category policy's price today.
    expect(exposure.expiringWarranties.map((group) => [group.names, group.amount])).toEqual([
      [['A-04'], 90_000],
    ]);
    expect(exposureTotals(exposure.unsupported)).toEqual({
      count: 3,
      amount: 180_000,
      unpriced: 0,
      covered: 1,
    });
  });
});

describe('the roadmap timeline', () => {
  const quarters = [
    {
      key: 'FY2027-Q2',
      label: 'FY2027 Q2',
      start: '2026-10-01',
      end: '2026-12-31',
      partial: true,
      refreshCount: 2,
      refreshAmount: 200_000,
    },
    {
      key: 'FY2027-Q3',
      label: 'FY2027 Q3',
      start: '2027-01-01',
      end: '2027-03-31',
      partial: false,
      refreshCount: 1,
      refreshAmount: 50_000,
    },
  ];
  const labels = {
    money: (minor: number) => `$${minor / 100}`,
    monthly: (minor: number) => `$${minor / 100}/mo`,
    partial: 'partial',
    later: 'Later',
    backlog: (count: number, amount: string) => `${count} · ${amount}`,
    wave: (count: number, amount: string) => `${count} · ${amount}`,
    noRefresh: '—',
    more: (count: number) => `and ${count} more`,
  };

  it('when a title is long, then it wraps between words only', () => {
    expect(wrapWords('Replace the Windows Server 2016 practice server', 20)).toEqual([
      'Replace the Windows',
      'Server 2016 practice',
      'server',
    ]);
    expect(wrapWords('RVM-LT-ALVAREZ-13-WITH-A-VERY-LONG-NAME now', 10)).toEqual([
      'RVM-LT-ALVAREZ-13-WITH-A-VERY-LONG-NAME',
      'now',
    ]);
  });

  it('when initiatives have targets, then each sits in its quarter, later ones in the last column, running costs span', () => {
    const timeline = roadmapTimeline(
      quarters,
      { count: 3, amount: 400_000 },
      [
        {
          title: 'Firewall',
          status: 'proposed',
          targetOn: '2027-02-01',
          capexCost: 450_000,
          monthlyOpexCost: 0,
          opexMonths: null,
        },
        {
          title: 'MDR',
          status: 'approved',
          targetOn: '2026-12-01',
          capexCost: 0,
          monthlyOpexCost: 120_000,
          opexMonths: null,
        },
        {
          title: 'Someday',
          status: 'deferred',
          targetOn: null,
          capexCost: 0,
          monthlyOpexCost: 0,
          opexMonths: null,
        },
      ],
      labels,
    );
    expect(timeline.columns.map((column) => [column.quarter, column.year, column.note])).toEqual([
      ['Q2', 'FY2027', 'partial'],
      ['Q3', 'FY2027', ''],
      ['Later', '', ''],
    ]);
    expect(timeline.rows.map((row) => [row.kind, row.lines.map((line) => line.text).join(' ')])).toEqual([
      ['backlog', 'Overdue backlog'],
      ['wave', 'Planned refreshes'],
      ['initiative', 'MDR'],
      ['initiative', 'Firewall'],
      ['initiative', 'Someday'],
    ]);
    const [backlog, wave, mdr, firewall, someday] = timeline.rows;
    const center = (index: number) => timeline.columns[index]!.centerX;
    expect(backlog!.marks.map((mark) => [mark.centerX, mark.label])).toEqual([[center(0), '3 · $4000']]);
    // Bars are in proportion to the largest amount.
    expect(wave!.marks[0]!.width / backlog!.marks[0]!.width).toBeCloseTo(0.5, 2);
    expect(mdr!.marks[0]).toMatchObject({ centerX: center(0), label: '$1200/mo' });
    expect(mdr!.span).toMatchObject({ open: true, x2: timeline.columns[2]!.x });
    expect(firewall!.marks[0]).toMatchObject({ centerX: center(1), label: '$4500' });
    expect(someday!.marks[0]!.centerX).toBe(center(2));
    // Rows stack without overlapping.
    for (let index = 1; index < timeline.rows.length; index += 1)
      expect(timeline.rows[index]!.y).toBe(timeline.rows[index - 1]!.y + timeline.rows[index - 1]!.height);
  });
});
