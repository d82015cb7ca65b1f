import { insertPacket } from '../../src/packets/packet.repository.js';
import { createUserWithPassword } from '../../src/users/user.service.js';
import { ConsoleVisitor } from '../support/console-browserless.js';
import { createAsset, createClient } from '../support/planner-factories.js';
import { startTestApp, unique, type TestApp, type Tenant } from '../support/test-app.js';

const PASSWORD = 'dashboard password 1';

/** The dashboard's rows as text cells: client, overdue, due soon, next meeting, capex, last issued packet. */
function rowsOf(html: string): string[][] {
  const body = /<table class="data clients">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      cell[1]!
        .replace(/<span class="sub">[\s\S]*?<\/span>/, '')
        .replace(/<[^>]+>/g, '')
        .replace(/&amp;/g, '&')
        .trim(),
    ),
  );
}

describe('the console dashboard', () => {
  let app: TestApp;
  let tenant: Tenant;
  let visitor: ConsoleVisitor;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
    const email = `${unique('owner').replace(' ', '-')}@example.com`;
    await createUserWithPassword(
      app.database.db,
      tenant.mspId,
      { email, name: 'Owner', role: 'owner' },
      PASSWORD,
    );
    visitor = new ConsoleVisitor(app.url);
    expect((await visitor.signIn(email, PASSWORD)).status).toBe(303);
  });
  afterAll(() => app.close());

  it('when clients have refreshes due and packets, then each row shows its counts, capex, meeting, last issued packet and drafts waiting, and nothing of another MSP', async () => {
    const dental = await createClient(tenant.api, { name: 'Alder Dental', nextMeetingOn: '2027-01-14' });
    await createClient(tenant.api, { name: 'Birch Law' });
    // Bought in 2022 with a 36-month policy: overdue on 2026-11-22. Bought 2024-03-01: due 2027-03-01, within 180 days.
    await createAsset(tenant.api, dental, {
      category: 'laptop',
      inServiceOn: '2022-01-10',
      replacementCost: 150_000,
    });
    await createAsset(tenant.api, dental, {
      category: 'laptop',
      inServiceOn: '2024-03-01',
      replacementCost: 120_000,
    });
    const packet = (asOf: string, createdAt: string) => ({
      clientId: dental,
      asOf,
      periodLabel: 'Review',
      scenario: 'committed' as const,
      periods: 12,
      sha256: '0'.repeat(64),
      pageCount: 1,
      pdf: Buffer.from('%PDF-1.7'),
      figures: {},
      contentSha256: '1'.repeat(64),
      snapshot: null,
      createdAt: new Date(createdAt),
    });
    const august = await insertPacket(
      app.database.db,
      tenant.mspId,
      packet('2026-08-20', '2026-08-20T10:00:00Z'),
    );
    await insertPacket(app.database.db, tenant.mspId, packet('2026-11-20', '2026-11-20T10:00:00Z'));
    // August's packet was handed over; November's is a draft nobody has issued yet.
    const issued = await tenant.api.post(`/clients/${dental}/packets/${august.id}/issue`, {});
    expect(issued.status).toBe(200);
    const issuedOn = new Date(issued.body.issuedAt as string).toLocaleDateString('en-US', {
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      timeZone: 'UTC',
    });
    const other = await app.createTenant();
    await createClient(other.api, { name: 'Alder Elsewhere' });

    const page = await visitor.get('/');
    expect(page.status).toBe(200);
    const portfolio = await tenant.api.get('/forecast?granularity=quarter&periods=4');
    const dentalCapex = portfolio.body.clients.find(
      (client: { clientId: string }) => client.clientId === dental,
    ).totals.capex.total;
    expect(rowsOf(page.html)).toEqual([
      [
        'Alder Dental',
        '1',
        '1',
        'Jan 14, 2027',
        `$${(dentalCapex / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`,
        `Review, issued ${issuedOn}1 draft to issue`,
      ],
      ['Birch Law', '0', '0', '—', '$0.00', 'None yet'],
    ]);
    expect(dentalCapex).toBeGreaterThan(150_000);
    expect(page.html).toContain('1 client has packets waiting to be issued.');
    expect(page.html).not.toContain('Alder Elsewhere');
  });

  it('when a sort or search is given, then rows follow it; an unknown sort is a 400 page', async () => {
    const byOverdue = await visitor.get('/?sort=overdue&dir=desc');
    expect(rowsOf(byOverdue.html)[0]![0]).toBe('Alder Dental');
    const search = await visitor.get('/?q=birch');
    expect(rowsOf(search.html).map((row) => row[0])).toEqual(['Birch Law']);
    const bad = await visitor.get('/?sort=secret');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('sort');
  });
});
