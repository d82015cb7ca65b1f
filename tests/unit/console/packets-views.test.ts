import type { LayoutView } from '../../../src/console/console-templates.js';
import { formatSize, readPacketOptions } from '../../../src/console/packet-form.js';
import { clientStateOf, packetRunView } from '../../../src/console/packet-runs.pages.js';
import { packetGenerationView, packetRowView } from '../../../src/console/packets.pages.js';
import type { Packet } from '../../../src/packets/packet.schemas.js';
import type { PacketRun, PacketRunClient } from '../../../src/packet-runs/packet-run.schemas.js';

const layout: LayoutView = { title: 'Packets', nav: null };
const CLIENT = '00000000-0000-4000-8000-000000000001';
const PACKET = '00000000-0000-4000-8000-000000000002';

const packet = (fields: Partial<Packet> = {}): Packet => ({
  id: PACKET,
  clientId: CLIENT,
  asOf: '2026-11-22',
  periodLabel: 'FY2027 Q1 roadmap review',
  scenario: 'committed',
  status: 'draft',
  issuedAt: null,
  sha256: 'ab'.repeat(32),
  pageCount: 26,
  sizeBytes: 245_321,
  createdAt: '2026-11-22T12:00:00.000Z',
  ...fields,
});

const runClient = (fields: Partial<PacketRunClient>): PacketRunClient => ({
  clientId: CLIENT,
  clientName: 'Bright Smile Dental',
  status: 'queued',
  attempts: 0,
  ...fields,
});

const run = (clients: PacketRunClient[], fields: Partial<PacketRun> = {}): PacketRun => ({
  id: '00000000-0000-4000-8000-000000000003',
  status: 'running',
  total: clients.length,
  done: clients.filter((client) => client.status === 'done').length,
  failed: clients.filter((client) => client.status === 'failed').length,
  asOf: '2026-11-22',
  periodLabel: null,
  scenario: 'committed',
  periods: 12,
  createdAt: '2026-11-22T12:00:00.000Z',
  finishedAt: null,
  clients,
  ...fields,
});

describe('the packet options form', () => {
  it('when every field is right, then it reads the options, an empty meeting meaning the default', () => {
    expect(
      readPacketOptions({
        asOf: '2026-11-22',
        periodLabel: '  ',
        scenario: 'proposed',
        periods: '8',
        _csrf: 'x',
      }),
    ).toEqual({
      ok: true,
      options: { asOf: '2026-11-22', periodLabel: undefined, scenario: 'proposed', periods: 8 },
    });
  });

  it('when fields are wrong, then each says why beside itself and the input is kept', () => {
    const read = readPacketOptions({ asOf: '2026-02-30', periodLabel: 'Q1', scenario: 'all', periods: '2' });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.form.asOf).toEqual({
      value: '2026-02-30',
      error: 'The as-of date must be a real calendar date as YYYY-MM-DD.',
    });
    expect(read.form.periods).toEqual({ value: '2', error: 'The forecast must be from 4 to 40 quarters.' });
    expect(read.form.periodLabel).toEqual({ value: 'Q1', error: null });
    expect(read.form.scenarioError).toBe('The scenario must be committed or proposed.');
    expect(read.form.scenario.some((option) => option.checked)).toBe(false);
  });
});

describe('packet rows', () => {
  it('when a packet is a draft, then a writer may issue it; a reader may only download and view it', () => {
    expect(packetRowView(CLIENT, packet(), undefined, true)).toMatchObject({
      status: 'Draft',
      issuedBy: '—',
      shortSha: 'abababababab',
      size: '245 KB',
      downloadHref: `/clients/${CLIENT}/packets/${PACKET}.pdf`,
      viewHref: `/clients/${CLIENT}/packets/${PACKET}/view`,
      issueHref: `/clients/${CLIENT}/packets/${PACKET}/issue`,
    });
    expect(packetRowView(CLIENT, packet(), undefined, false).issueHref).toBeNull();
  });

  it('when a packet is issued, then it says when and by whom, and there is nothing more to issue', () => {
    const row = packetRowView(
      CLIENT,
      packet({ status: 'issued', issuedAt: '2026-11-23T09:30:00.000Z' }),
      'Jordan Lee',
      true,
    );
    expect(row).toMatchObject({
      status: 'Issued',
      issuedAt: 'Nov 23, 2026, 9:30 AM UTC',
      issuedBy: 'Jordan Lee',
    });
    expect(row.issueHref).toBeNull();
  });

  it('sizes read in KB and MB', () => {
    expect([formatSize(120), formatSize(845_000), formatSize(1_250_000)]).toEqual([
      '1 KB',
      '845 KB',
      '1.3 MB',
    ]);
  });
});

describe('progress pages', () => {
  it('when a packet is still rendering, then its page refreshes itself; once done, it stops', () => {
    const rendering = packetGenerationView(
      layout,
      { id: CLIENT, name: 'Bright Smile Dental' },
      'run',
      runClient({ status: 'rendering' }),
      null,
      undefined,
    );
    expect(rendering).toMatchObject({ refreshSeconds: 2, running: true, state: 'Rendering' });
    const done = packetGenerationView(
      layout,
      { id: CLIENT, name: 'Bright Smile Dental' },
      'run',
      runClient({ status: 'done', outcome: 'reused', packetId: PACKET }),
      null,
      undefined,
    );
    expect(done.refreshSeconds).toBeUndefined();
    expect(done.message).toContain('Nothing the packet shows has changed');
  });

  it('when a run goes on, then it counts each client by state and links the packets that are done', () => {
    const clients = [
      runClient({ status: 'done', outcome: 'rendered', packetId: PACKET, attempts: 1 }),
      runClient({ status: 'done', outcome: 'reused', packetId: PACKET }),
      runClient({ status: 'rendering', attempts: 1 }),
      runClient({ status: 'queued', attempts: 1, error: 'Chromium crashed' }),
      runClient({ status: 'failed', attempts: 3, error: 'Chromium crashed' }),
    ];
    expect(clients.map(clientStateOf)).toEqual(['rendered', 'reused', 'rendering', 'queued', 'failed']);
    const view = packetRunView(layout, run(clients));
    expect(view.refreshSeconds).toBe(2);
    expect(view.counts.map((count) => [count.label, count.value])).toEqual([
      ['Queued', 1],
      ['Rendering', 1],
      ['Rendered', 1],
      ['Reused', 1],
      ['Failed', 1],
    ]);
    expect(view.run).toMatchObject({ settled: 3, total: 5, progress: '2 of 5 done, 1 failed' });
    expect(view.clients.map((client) => client.downloadHref)).toEqual([
      `/clients/${CLIENT}/packets/${PACKET}.pdf`,
      `/clients/${CLIENT}/packets/${PACKET}.pdf`,
      null,
      null,
      null,
    ]);
    expect(
      packetRunView(layout, run(clients.slice(0, 2), { status: 'done' })).refreshSeconds,
    ).toBeUndefined();
  });
});
