import {
  packetChanges,
  packetSnapshotOf,
  parseSnapshot,
  type PacketSnapshot,
  type SnapshotAsset,
  type SnapshotInitiative,
} from '../../../src/packets/packet.changes.js';
import { changesView } from '../../../src/packets/packet.changes-view.js';
import { moneyFormat } from '../../../src/packets/packet-format.js';
import type { RoadmapInitiative } from '../../../src/packets/packet.repository.js';

const asset = (id: string, fields: Partial<SnapshotAsset> = {}): SnapshotAsset => ({
  id,
  name: `Asset ${id}`,
  category: 'laptop',
  status: 'active',
  replaced: false,
  ...fields,
});

const initiative = (id: string, fields: Partial<SnapshotInitiative> = {}): SnapshotInitiative => ({
  id,
  title: `Initiative ${id}`,
  targetOn: '2027-03-01',
  status: 'proposed',
  capexCost: 100_000,
  monthlyOpexCost: 0,
  opexMonths: null,
  ...fields,
});

const period = (key: string, capex: number, opex: number) => ({
  key,
  label: key.replace('-', ' '),
  capex,
  opex,
  total: capex + opex,
});

function snapshot(fields: Partial<PacketSnapshot> = {}): PacketSnapshot {
  return { version: 1, periods: [], assets: [], initiatives: [], decisionIds: [], ...fields };
}

describe('what changed since the last issued packet', () => {
  it('when assets were added, retired, disposed, deleted or replaced, then each is listed under what happened to it', () => {
    const then = snapshot({
      assets: [
        asset('kept'),
        asset('retired'),
        asset('disposed', { status: 'in_storage' }),
        asset('deleted'),
        asset('replaced'),
        asset('already-retired', { status: 'retired' }),
      ],
    });
    const now = snapshot({
      assets: [
        asset('kept'),
        asset('retired', { status: 'retired' }),
        asset('disposed', { status: 'disposed' }),
        asset('replaced', { replaced: true }),
        asset('already-retired', { status: 'retired' }),
        asset('new', { category: 'server' }),
      ],
    });
    const changes = packetChanges(then, now);
    expect(changes.assetsAdded.map((each) => each.id)).toEqual(['new']);
    expect(changes.assetsRetired.map(({ id, removed, status }) => ({ id, removed, status }))).toEqual([
      { id: 'retired', removed: false, status: 'retired' },
      { id: 'disposed', removed: false, status: 'disposed' },
      { id: 'deleted', removed: true, status: 'active' },
    ]);
    expect(changes.assetsReplaced.map((each) => each.id)).toEqual(['replaced']);
  });

  it('when an asset was already replaced in the last packet, then it is not replaced again', () => {
    const then = snapshot({ assets: [asset('a', { replaced: true })] });
    expect(packetChanges(then, then).assetsReplaced).toEqual([]);
  });

  it('when initiatives were added, moved or repriced, then each says so, and one unchanged is not listed', () => {
    const then = snapshot({
      initiatives: [
        initiative('same'),
        initiative('moved', { targetOn: '2027-01-15' }),
        initiative('scheduled', { targetOn: null }),
        initiative('repriced', { capexCost: 50_000 }),
        initiative('opex', { monthlyOpexCost: 1_000, opexMonths: 12 }),
      ],
    });
    const now = snapshot({
      initiatives: [
        initiative('same', { status: 'approved' }),
        initiative('moved', { targetOn: '2027-06-30' }),
        initiative('scheduled', { targetOn: '2027-02-01' }),
        initiative('repriced', { capexCost: 65_000 }),
        initiative('opex', { monthlyOpexCost: 1_000, opexMonths: 24 }),
        initiative('new'),
      ],
    });
    const changes = packetChanges(then, now);
    expect(changes.initiativesAdded.map((each) => each.id)).toEqual(['new']);
    expect(changes.initiativesMoved.map(({ initiative, from, to }) => [initiative.id, from, to])).toEqual([
      ['moved', '2027-01-15', '2027-06-30'],
      ['scheduled', null, '2027-02-01'],
    ]);
    expect(
      changes.initiativesRepriced.map(({ initiative, then }) => [
        initiative.id,
        then.capexCost,
        initiative.capexCost,
      ]),
    ).toEqual([
      ['repriced', 50_000, 65_000],
      ['opex', 100_000, 100_000],
    ]);
  });

  it('when the forecast changed, then only periods in both packets are compared, with totals over those periods', () => {
    const then = snapshot({
      periods: [
        period('FY2027-Q1', 10_000, 500),
        period('FY2027-Q2', 20_000, 500),
        period('FY2027-Q3', 0, 500),
      ],
    });
    const now = snapshot({
      periods: [period('FY2027-Q2', 35_000, 700), period('FY2027-Q3', 0, 500), period('FY2027-Q4', 9_000, 0)],
    });
    const { forecast } = packetChanges(then, now);
    expect(forecast.periods).toEqual([
      {
        key: 'FY2027-Q2',
        label: 'FY2027 Q2',
        then: { capex: 20_000, opex: 500, total: 20_500 },
        now: { capex: 35_000, opex: 700, total: 35_700 },
      },
      {
        key: 'FY2027-Q3',
        label: 'FY2027 Q3',
        then: { capex: 0, opex: 500, total: 500 },
        now: { capex: 0, opex: 500, total: 500 },
      },
    ]);
    expect(forecast.totals).toEqual({
      then: { capex: 20_000, opex: 1_000, total: 21_000 },
      now: { capex: 35_000, opex: 1_200, total: 36_200 },
    });
  });

  it('when decisions were recorded after the last packet, then only those are made since', () => {
    const then = snapshot({ decisionIds: ['d1', 'd2'] });
    const now = snapshot({ decisionIds: ['d1', 'd2', 'd3'] });
    expect(packetChanges(then, now).decisionIds).toEqual(['d3']);
  });

  it('when the snapshot is built, then it keeps per period totals, assets with their replaced state, initiatives and every decision id', () => {
    const built = packetSnapshotOf({
      periods: [
        { key: 'FY2027-Q2', label: 'FY2027 Q2', capex: { total: 300 }, opex: { total: 20 }, total: 320 },
      ],
      inventory: [
        { id: 'a', name: 'Front desk', category: 'desktop', status: 'active' },
        { id: 'b', name: 'Old server', category: 'server', status: 'retired' },
      ],
      replacedAssetIds: new Set(['b']),
      initiatives: [{ ...initiative('i'), decisions: [{ id: 'd1' }, { id: 'd2' }] }],
    });
    expect(built).toEqual({
      version: 1,
      periods: [{ key: 'FY2027-Q2', label: 'FY2027 Q2', capex: 300, opex: 20, total: 320 }],
      assets: [
        { id: 'a', name: 'Front desk', category: 'desktop', status: 'active', replaced: false },
        { id: 'b', name: 'Old server', category: 'server', status: 'retired', replaced: true },
      ],
      initiatives: [initiative('i')],
      decisionIds: ['d1', 'd2'],
    });
    expect(parseSnapshot(JSON.parse(JSON.stringify(built)))).toEqual(built);
    expect(parseSnapshot({ periods: [] })).toBeNull();
    expect(parseSnapshot(null)).toBeNull();
  });
});

describe('the changes section of the packet', () => {
  const money = moneyFormat('USD');
  const issuedAt = new Date('2026-08-20T15:00:00Z');
  const roadmap = (decisions: RoadmapInitiative['decisions']): RoadmapInitiative => ({
    id: 'i',
    title: 'Replace the firewall',
    summary: null,
    priority: 'high',
    kind: 'replacement',
    targetOn: '2027-03-01',
    capexCost: 100_000,
    monthlyOpexCost: 0,
    opexMonths: null,
    status: 'approved',
    linkedAssets: 0,
    decisions,
  });

  it('when no packet was issued before, then it is one sentence', () => {
    const view = changesView({ baseline: null, changes: null }, [], money);
    expect(view).toMatchObject({ brief: true, forecast: null, assets: [], decisions: [], initiatives: [] });
    expect(view.lede).toMatch(/no packet has been issued/);
  });

  it('when the last issued packet kept no snapshot, then it says so in one sentence', () => {
    const view = changesView(
      { baseline: { periodLabel: 'FY2027 Q1 review', issuedAt }, changes: null },
      [],
      money,
    );
    expect(view.brief).toBe(true);
    expect(view.lede).toContain('FY2027 Q1 review, issued on Aug 20, 2026');
  });

  it('when things changed, then it shows signed differences, the groups that have items and the decisions by date', () => {
    const then = snapshot({
      periods: [period('FY2027-Q2', 20_000, 500), period('FY2027-Q3', 1_000, 0)],
      assets: [asset('gone', { name: 'RVM-LT-ALVAREZ-13' })],
      initiatives: [initiative('i', { title: 'Replace the firewall', targetOn: '2027-01-15' })],
    });
    const now = snapshot({
      periods: [period('FY2027-Q2', 20_000, 600), period('FY2027-Q3', 0, 0)],
      assets: [asset('gone', { name: 'RVM-LT-ALVAREZ-13', status: 'disposed' })],
      initiatives: [initiative('i', { title: 'Replace the firewall' })],
      decisionIds: ['d2', 'd1'],
    });
    const decided = (id: string, at: string, decision: 'approved' | 'deferred') => ({
      id,
      decision,
      decidedBy: 'Dana',
      role: 'COO',
      note: null,
      decidedAt: new Date(at),
    });
    const view = changesView(
      { baseline: { periodLabel: 'FY2027 Q1 review', issuedAt }, changes: packetChanges(then, now) },
      [
        roadmap([
          decided('d2', '2026-10-02T10:00:00Z', 'approved'),
          decided('d1', '2026-09-01T10:00:00Z', 'deferred'),
        ]),
      ],
      money,
    );
    expect(view.brief).toBe(false);
    expect(
      view.forecast!.rows.map(({ label, then, now, change, changeClass }) => [
        label,
        then,
        now,
        change,
        changeClass,
      ]),
    ).toEqual([
      ['FY2027 Q2', '205.00', '206.00', '+1.00', 'up'],
      ['FY2027 Q3', '10.00', '0.00', '−10.00', 'down'],
    ]);
    expect(view.forecast!.total).toMatchObject({ then: '215.00', now: '206.00', change: '−9.00' });
    expect(view.assets).toEqual([
      { heading: '1 asset retired', items: [{ name: 'RVM-LT-ALVAREZ-13', detail: 'disposed' }] },
    ]);
    expect(view.decisions.map((row) => [row.date, row.decision, row.by])).toEqual([
      ['Sep 1, 2026', 'Deferred', 'Dana, COO'],
      ['Oct 2, 2026', 'Approved', 'Dana, COO'],
    ]);
    expect(view.initiatives).toEqual([
      { title: 'Replace the firewall', change: 'Moved from Jan 15, 2027 to Mar 1, 2027' },
    ]);
    expect(view.forecastNote).toContain('in USD');
    expect(view.nothingElse).toBeNull();
  });
});
