import { insertPacket } from '../../src/packets/packet.repository.js';
import { createUserWithPassword } from '../../src/users/user.service.js';
import { ConsoleVisitor } from '../support/console-browserless.js';
import { createClient } from '../support/planner-factories.js';
import { startTestApp, unique, type TestApp, type Tenant } from '../support/test-app.js';

const PASSWORD = 'packets password 1';

/**
 * The console's packet pages over HTTP in a process that cannot render (no Chromium, no packet queue): they still
 * list, download and issue, and say why nothing can be generated instead of failing.
 */
describe('console packet pages without a renderer', () => {
  let app: TestApp;
  let tenant: Tenant;
  let visitor: ConsoleVisitor;
  let clientId: string;
  let packetId: string;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
    const email = `${unique('vcio').replace(' ', '-')}@example.com`;
    await createUserWithPassword(
      app.database.db,
      tenant.mspId,
      { email, name: 'Vee Cio', role: 'vcio' },
      PASSWORD,
    );
    visitor = new ConsoleVisitor(app.url);
    expect((await visitor.signIn(email, PASSWORD)).status).toBe(303);
    clientId = await createClient(tenant.api, { name: unique('Packet Client') });
    const stored = await insertPacket(app.database.db, tenant.mspId, {
      clientId,
      asOf: '2026-11-22',
      periodLabel: 'FY2027 Q1 roadmap review',
      scenario: 'committed',
      periods: 12,
      sha256: 'c'.repeat(64),
      pageCount: 3,
      pdf: Buffer.from('%PDF-1.7 stored bytes'),
      figures: {},
      contentSha256: 'd'.repeat(64),
      snapshot: { version: 1, periods: [], assets: [], initiatives: [], decisionIds: [] },
      createdAt: new Date('2026-11-22T10:00:00Z'),
    });
    packetId = stored.id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('when the process cannot render, then the page says so instead of offering Generate, and a forced POST is a 503 that stores nothing', async () => {
    const page = await visitor.get(`/clients/${clientId}/packets`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('PDF rendering is not enabled in this process');
    expect(page.html).not.toContain('Generate packet</button>');
    expect(page.html).toContain('FY2027 Q1 roadmap review');

    const posted = await visitor.submit(`/clients/${clientId}/packets`, `/clients/${clientId}/packets`, {
      asOf: '2026-11-22',
      periodLabel: '',
      scenario: 'committed',
      periods: '12',
    });
    expect(posted.status).toBe(503);
    expect(posted.html).toContain('PDF rendering is not enabled in this process');
    expect((await tenant.api.get(`/clients/${clientId}/packets`)).body.items).toHaveLength(1);
  });

  it('when the vCIO downloads and issues a stored packet, then the bytes are the stored ones and issuing twice changes nothing', async () => {
    const download = await fetch(`${app.url}/clients/${clientId}/packets/${packetId}.pdf`, {
      headers: {
        accept: 'text/html',
        cookie: [...visitor.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="packet-client-[a-z0-9-]+-2026-11-22\.pdf"$/,
    );
    expect(Buffer.from(await download.arrayBuffer()).toString('latin1')).toBe('%PDF-1.7 stored bytes');

    const confirm = await visitor.get(`/clients/${clientId}/packets/${packetId}/issue`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Issue to the client');
    const first = await visitor.submit(
      `/clients/${clientId}/packets/${packetId}/issue`,
      `/clients/${clientId}/packets/${packetId}/issue`,
    );
    expect(first.status).toBe(303);
    expect(first.location).toBe(`/clients/${clientId}/packets?done=issued`);
    const issued = (await tenant.api.get(`/clients/${clientId}/packets`)).body.items[0];
    expect(issued.status).toBe('issued');
    const again = await visitor.post(`/clients/${clientId}/packets/${packetId}/issue`, {
      _csrf: ConsoleVisitor.formToken(confirm.html),
    });
    expect(again.status).toBe(303);
    expect((await tenant.api.get(`/clients/${clientId}/packets`)).body.items[0].issuedAt).toBe(
      issued.issuedAt,
    );
    const history = await visitor.get(`/clients/${clientId}/packets?done=issued`);
    expect(history.html).toContain('The packet was issued');
    expect(history.html).toContain('by Vee Cio');
    // Only fixed notices are shown: an unknown key shows none, and nothing from the query is printed.
    const odd = await visitor.get(`/clients/${clientId}/packets?done=%3Cb%3Ehello`);
    expect(odd.html).not.toContain('hello');
  });

  it('when the process has no packet queue, then packet runs say so and a forced start is a 503', async () => {
    const page = await visitor.get('/packet-runs');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Packet runs are not enabled in this process');
    const posted = await visitor.submit('/packet-runs', '/packet-runs', {
      asOf: '2026-11-22',
      periodLabel: '',
      scenario: 'committed',
      periods: '12',
    });
    expect(posted.status).toBe(503);
    expect((await tenant.api.get('/packet-runs')).body.items).toEqual([]);
  });

  it('when the preview is asked for with a bad date, then it answers 400 with a page that says which parameter', async () => {
    const bad = await visitor.get(`/clients/${clientId}/packets/preview?asOf=2026-13-01`);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('The asOf parameter');
    const good = await visitor.get(`/clients/${clientId}/packets/preview?asOf=2026-11-22`);
    expect(good.status).toBe(200);
    expect(good.headers.get('content-security-policy')).toContain('img-src data:');
  });
});
