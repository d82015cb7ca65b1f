import { Writable } from 'node:stream';
import { pino } from 'pino';
import { insertPacket } from '../../src/packets/packet.repository.js';
import { PORTAL_RATE_LIMIT } from '../../src/portal/portal.router.js';
import { clientLimitedApi, createClient, createInitiative } from '../support/planner-factories.js';
import { startTestApp, unique, type TestApp, type Tenant } from '../support/test-app.js';

/** The test app's clock says 2026-11-22. */
const LATER = '2026-12-31';

describe('share links', () => {
  let app: TestApp;
  let tenant: Tenant;
  let clientId: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    app = await startTestApp({ logger: pino({ level: 'info' }, sink) });
    tenant = await app.createTenant(unique('Links MSP'));
    clientId = await createClient(tenant.api, { name: unique('Harbor Dental') });
  });
  afterAll(async () => {
    await app?.close();
  });

  async function createLink(scope: 'view' | 'view_and_decide' = 'view_and_decide', client = clientId) {
    const created = await tenant.api.post(`/clients/${client}/share-links`, {
      recipientName: 'Dana Whitfield',
      recipientEmail: 'Dana@Example.com',
      scope,
      expiresOn: LATER,
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; url: string; status: string };
  }

  const open = (url: string, init: RequestInit = {}) => fetch(url, { redirect: 'manual', ...init });

  it('when a link is created, then its URL is shown once, uncached, and the list never carries the token', async () => {
    const created = await tenant.api.post(`/clients/${clientId}/share-links`, {
      recipientName: 'Dana Whitfield',
      recipientEmail: 'Dana@Example.com',
      scope: 'view',
      expiresOn: LATER,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toMatchObject({
      clientId,
      recipientName: 'Dana Whitfield',
      recipientEmail: 'dana@example.com',
      scope: 'view',
      expiresOn: LATER,
      status: 'active',
      createdBy: expect.stringContaining('API key'),
      revokedAt: null,
      lastOpenedAt: null,
    });
    // No PUBLIC_URL in the test app: the URL starts with the origin the request came to.
    expect(created.body.url).toMatch(new RegExp(`^${app.url}/p/[A-Za-z0-9_-]{43}$`));
    const token = (created.body.url as string).split('/p/')[1]!;

    const listed = await tenant.api.get(`/clients/${clientId}/share-links`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ id: created.body.id, status: 'active' }),
    );
    expect(listed.text).not.toContain(token);
    const stored = await app.database.db
      .selectFrom('share_links')
      .select('token_hash')
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash.toString('base64url')).not.toBe(token);
    expect(stored.token_hash).toHaveLength(32);
  });

  it('when the body is not valid, then the answer names the field and nothing is written', async () => {
    const before = (await tenant.api.get(`/clients/${clientId}/share-links`)).body.items.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ recipientName: ' ', scope: 'view', expiresOn: LATER }, 'body.recipientName'],
      [{ recipientName: 'A', scope: 'decide', expiresOn: LATER }, 'body.scope'],
      [{ recipientName: 'A', scope: 'view', expiresOn: '2026-02-30' }, 'body.expiresOn'],
      [{ recipientName: 'A', scope: 'view', expiresOn: '2026-11-21' }, 'body.expiresOn'],
      [{ recipientName: 'A', scope: 'view', expiresOn: '2028-01-01' }, 'body.expiresOn'],
      [
        { recipientName: 'A', recipientEmail: 'nope', scope: 'view', expiresOn: LATER },
        'body.recipientEmail',
      ],
      [{ recipientName: 'A', scope: 'view', expiresOn: LATER, token: 'mine' }, 'body.token'],
    ];
    for (const [body, path] of cases) {
      const response = await tenant.api.post(`/clients/${clientId}/share-links`, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    }
    expect((await tenant.api.get(`/clients/${clientId}/share-links`)).body.items).toHaveLength(before);
  });

  it('when a read key or another client’s limited key asks, then it cannot create links there', async () => {
    const read = await tenant.api.post('/api-keys', { name: unique('Reader'), scope: 'read' });
    const reader = (await import('../support/test-app.js')).apiClient(app.url, read.body.key);
    const refused = await reader.post(`/clients/${clientId}/share-links`, {
      recipientName: 'A',
      scope: 'view',
      expiresOn: LATER,
    });
    expect(refused.status).toBe(403);
    const otherClient = await createClient(tenant.api);
    const limited = await clientLimitedApi(app.url, tenant.api, otherClient, 'write');
    const hidden = await limited.get(`/clients/${clientId}/share-links`);
    expect(hidden.status).toBe(404);
    const other = await app.createTenant();
    expect((await other.api.get(`/clients/${clientId}/share-links`)).status).toBe(404);
  });

  it('when a link is opened, then the portal answers with its safety headers and the token stays out of the logs', async () => {
    const link = await createLink('view');
    const response = await open(link.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-robots-tag')).toMatch(/noindex/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    const html = await response.text();
    expect(html).toContain('<meta name="robots" content="noindex');
    expect(html).not.toMatch(/<script|style="/);
    expect(html).not.toContain('Record my decision');
    const token = link.url.split('/p/')[1]!;
    expect(logLines.join('')).toContain('/p/[redacted]');
    expect(logLines.join('')).not.toContain(token);
    const listed = await tenant.api.get(`/clients/${clientId}/share-links`);
    const opened = listed.body.items.find((item: { id: string }) => item.id === link.id);
    expect(opened.lastOpenedAt).not.toBeNull();
  });

  it('when a link is revoked either way, then it answers a plain 410 page and stays listed as revoked', async () => {
    for (const revoke of [
      (id: string) => tenant.api.post(`/clients/${clientId}/share-links/${id}/revoke`),
      (id: string) => tenant.api.delete(`/clients/${clientId}/share-links/${id}`),
    ]) {
      const link = await createLink();
      const revoked = await revoke(link.id);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ id: link.id, status: 'revoked', revokedAt: expect.any(String) });
      const gone = await open(link.url);
      expect(gone.status).toBe(410);
      const html = await gone.text();
      expect(html).toContain('no longer available');
      expect(html).not.toContain('Harbor Dental');
      expect(html).not.toContain('Dana');
    }
    const missing = await tenant.api.post(`/clients/${clientId}/share-links/${crypto.randomUUID()}/revoke`);
    expect(missing.status).toBe(404);
  });

  it('when a link is past its last day or unknown, then it answers 410 or 404 without a hint of what was there', async () => {
    const link = await createLink();
    await app.database.db
      .updateTable('share_links')
      .set({ expires_on: '2026-11-21' })
      .where('id', '=', link.id)
      .execute();
    const expired = await open(link.url);
    expect(expired.status).toBe(410);
    expect(await expired.text()).not.toContain('Harbor Dental');
    expect((await tenant.api.get(`/clients/${clientId}/share-links`)).body.items).toContainEqual(
      expect.objectContaining({ id: link.id, status: 'expired' }),
    );
    expect((await open(`${app.url}/p/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await open(`${app.url}/p/short`)).status).toBe(404);
  });

  it('when a decision is posted through the portal, then it needs the form token and a deciding link, and then appends', async () => {
    const initiative = await createInitiative(tenant.api, clientId, { capexCost: 450_000 });
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const decide = (url: string, fields: Record<string, string>, cookie?: string) =>
      open(`${url}/initiatives/${initiative.id}/decisions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'PortalTest/1.0',
          ...(cookie ? { cookie } : {}),
        },
        body: form(fields),
      });
    const fields = {
      decision: 'approved',
      decidedBy: 'Dana Whitfield',
      role: 'Owner',
      note: '',
      authorised: 'yes',
    };
    const decider = await createLink();
    const viewer = await createLink('view');
    const pair = { cookie: 'vcio_portal_form=' + 'x'.repeat(43), _csrf: 'x'.repeat(43) };

    expect((await decide(decider.url, fields)).status).toBe(403);
    expect((await decide(viewer.url, { ...fields, _csrf: pair._csrf }, pair.cookie)).status).toBe(403);
    const missingName = await decide(
      decider.url,
      { ...fields, decidedBy: '', _csrf: pair._csrf },
      pair.cookie,
    );
    expect(missingName.status).toBe(422);
    expect(await missingName.text()).toContain('Type your full name');
    expect(
      (await tenant.api.get(`/clients/${clientId}/initiatives/${initiative.id}`)).body.decisions,
    ).toEqual([]);

    const deferred = await decide(
      decider.url,
      { ...fields, decision: 'deferred', _csrf: pair._csrf },
      pair.cookie,
    );
    expect(deferred.status).toBe(303);
    const approved = await decide(decider.url, { ...fields, _csrf: pair._csrf }, pair.cookie);
    expect(approved.status).toBe(303);
    const receipt = await open(new URL(approved.headers.get('location')!, app.url).href);
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toContain('Decision recorded');

    const read = await tenant.api.get(`/clients/${clientId}/initiatives/${initiative.id}`);
    expect(read.body.status).toBe('approved');
    expect(read.body.decisions).toEqual([
      expect.objectContaining({ decision: 'deferred', via: 'portal', shareLinkId: decider.id }),
      expect.objectContaining({
        decision: 'approved',
        decidedBy: 'Dana Whitfield',
        role: 'Owner',
        via: 'portal',
        recordedBy: null,
        shareLinkId: decider.id,
        ipAddress: expect.stringMatching(/127\.0\.0\.1/),
        userAgent: 'PortalTest/1.0',
      }),
    ]);

    // The next packet lists them, signed in the portal.
    const preview = (await tenant.api.get(`/clients/${clientId}/packets/preview`)).text;
    const text = preview.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
    expect(text).toContain('Dana Whitfield, Owner (signed in the client portal)');
  });

  it("when a link is given another client's initiative, then the portal answers 404", async () => {
    const link = await createLink();
    const otherClient = await createClient(tenant.api);
    const foreign = await createInitiative(tenant.api, otherClient);
    expect((await open(`${link.url}/initiatives/${foreign.id}`)).status).toBe(404);
  });

  it('when one address sends too many portal requests, then it is throttled with Retry-After and others are not', async () => {
    // A documentation address of its own (X-Forwarded-For is trusted from loopback), so no other test shares it.
    const address = `203.0.113.${1 + Math.floor(Math.random() * 250)}`;
    const fromAddress = (ip: string) =>
      open(`${app.url}/p/${'B'.repeat(43)}`, { headers: { 'x-forwarded-for': ip } });
    for (let sent = 0; sent < PORTAL_RATE_LIMIT.points; sent += 25) {
      const batch = await Promise.all(Array.from({ length: 25 }, () => fromAddress(address)));
      expect(batch.map((response) => response.status)).toEqual(Array(25).fill(404));
    }
    const throttled = await fromAddress(address);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fromAddress(`198.51.100.${1 + Math.floor(Math.random() * 250)}`)).status).toBe(404);
  });

  it('when the client has packets, then the portal lists and downloads the issued ones only, never a draft', async () => {
    const packetClient = await createClient(tenant.api, {
      name: unique('Packet Dental'),
      notes: 'Internal: owner is hard to reach',
    });
    const packet = (label: string) =>
      insertPacket(app.database.db, tenant.mspId, {
        clientId: packetClient,
        asOf: '2026-11-22',
        periodLabel: label,
        scenario: 'committed',
        periods: 8,
        sha256: 'a'.repeat(64),
        pageCount: 9,
        pdf: Buffer.from(`%PDF-1.7 ${label}`),
        figures: {},
        contentSha256: 'b'.repeat(64),
        snapshot: {},
        createdAt: new Date('2026-11-20T10:00:00Z'),
      });
    const issued = await packet('FY2027 Q1 review');
    const draft = await packet('FY2027 Q2 draft');
    expect((await tenant.api.post(`/clients/${packetClient}/packets/${issued.id}/issue`)).status).toBe(200);
    const link = await createLink('view', packetClient);

    const plan = await (await open(link.url)).text();
    expect(plan).toContain(`/packets/${issued.id}.pdf`);
    expect(plan).toContain('FY2027 Q1 review');
    expect(plan).not.toContain(draft.id);
    expect(plan).not.toContain('FY2027 Q2 draft');
    expect(plan).not.toContain('hard to reach');

    const pdf = await open(`${link.url}/packets/${issued.id}.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename="packet-dental/);
    expect(Buffer.from(await pdf.arrayBuffer()).toString()).toBe('%PDF-1.7 FY2027 Q1 review');
    expect((await open(`${link.url}/packets/${draft.id}.pdf`)).status).toBe(404);
    // Another client's issued packet through this link is not there either.
    const otherLink = await createLink('view');
    expect((await open(`${otherLink.url}/packets/${issued.id}.pdf`)).status).toBe(404);
  });
});
