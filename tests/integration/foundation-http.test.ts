import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startTestApp, unique, apiClient, type TestApp, type Tenant } from '../support/test-app.js';

describe('the service over HTTP', () => {
  let app: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
  });
  afterAll(() => app.close());

  it('when /healthz and /readyz are asked, then both answer ok with the database checked', async () => {
    const anonymous = apiClient(app.url, undefined);
    expect((await anonymous.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await anonymous.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: true } });
  });

  it('when anything is answered, then it carries helmet’s security headers and a CSP that lets nothing load or frame it', async () => {
    const anonymous = apiClient(app.url, undefined);
    for (const response of [
      await tenant.api.get('/clients'),
      await anonymous.get('/clients'),
      await anonymous.get('/healthz'),
    ]) {
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
      );
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+; includeSubDomains$/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
    // The reference page loads its own style sheet from the app and nothing more: no script, no inline style.
    const docs = await anonymous.get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(docs.text).toContain('<link rel="stylesheet" href="/docs/api-docs.css">');
    expect(docs.text).not.toMatch(/<script|<style|style=/);
    const css = await anonymous.get('/docs/api-docs.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('when a request carries an X-Request-Id, then the answer echoes it, and otherwise one is made up', async () => {
    const given = await tenant.api.get('/clients', { 'x-request-id': 'trace-abc-123' });
    expect(given.headers.get('x-request-id')).toBe('trace-abc-123');
    const made = await tenant.api.get('/clients');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when no key, a malformed header or an unknown key is sent, then the answer is 401 problem+json', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Basic abc' },
      { authorization: 'Bearer vcio_nope' },
    ];
    for (const headers of attempts) {
      const response = await apiClient(app.url, undefined).get('/clients', headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 401, code: 'unauthorized' });
    }
  });

  it('when a key has just been verified, then a secret that differs from it only after its identifier is refused', async () => {
    const created = await tenant.api.post('/api-keys', { name: unique('Near miss'), scope: 'read' });
    const secret: string = created.body.key;
    expect((await apiClient(app.url, secret).get('/clients')).status).toBe(200);
    const lastCharacter = secret.at(-1) === 'A' ? 'B' : 'A';
    const forged = apiClient(app.url, secret.slice(0, -1) + lastCharacter);
    expect((await forged.get('/clients')).status).toBe(401);
    expect((await apiClient(app.url, secret).get('/clients')).status).toBe(200);
  });

  it('when a client is created, read, changed and listed, then the JSON contract of appendix A holds', async () => {
    const name = unique('Dental');
    const created = await tenant.api.post('/clients', {
      name,
      fiscalYearStartMonth: 7,
      nextMeetingOn: '2027-01-15',
    });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(
      [
        'id',
        'name',
        'currency',
        'fiscalYearStartMonth',
        'contactName',
        'contactEmail',
        'vcioName',
        'nextMeetingOn',
        'notes',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
    expect(created.body).toMatchObject({
      name,
      currency: 'USD',
      fiscalYearStartMonth: 7,
      nextMeetingOn: '2027-01-15',
      notes: null,
    });

    const changed = await tenant.api.patch(`/clients/${created.body.id}`, {
      vcioName: 'Jordan Lee',
      notes: '  ',
    });
    expect(changed.body).toMatchObject({ vcioName: 'Jordan Lee', notes: null });
    expect((await tenant.api.get(`/clients/${created.body.id}`)).body.vcioName).toBe('Jordan Lee');

    const duplicate = await tenant.api.post('/clients', { name: name.toUpperCase() });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors).toEqual([
      { path: 'body.name', message: 'is already used by another client' },
    ]);
  });

  it('when clients are listed a page at a time, then the cursor walks every client exactly once', async () => {
    const own = await app.createTenant();
    const names = Array.from({ length: 7 }, (_, index) => `Client ${String(index).padStart(2, '0')}`);
    for (const name of names) expect((await own.api.post('/clients', { name })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { name: string }[]; nextCursor: string | null } } = await own.api.get(
        `/clients?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((client) => client.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(names);
    expect((await own.api.get('/clients?cursor=garbage')).body.errors).toEqual([
      { path: 'query.cursor', message: 'is not a cursor this API returned' },
    ]);
  });

  it('when an admin creates keys, then each secret is shown once, listed never, and a revoked key stops working at once', async () => {
    const created = await tenant.api.post('/api-keys', { name: 'PSA sync', scope: 'read' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^vcio_[A-Za-z0-9_-]{43}$/);
    const reader = apiClient(app.url, created.body.key);
    expect((await reader.get('/clients')).status).toBe(200);
    expect((await reader.post('/clients', { name: unique('Nope') })).status).toBe(403);

    const listed = await tenant.api.get('/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect(listed.body.items.map((key: { id: string }) => key.id)).toContain(created.body.id);

    const row = await app.database.db
      .selectFrom('api_keys')
      .select('key_hash')
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash.toString('utf8')).not.toContain(created.body.key);

    expect((await tenant.api.delete(`/api-keys/${created.body.id}`)).body.revokedAt).toEqual(
      expect.any(String),
    );
    expect((await reader.get('/clients')).status).toBe(401);
  });

  it('when a key is limited to one client, then it sees only that client and other ids look absent', async () => {
    const mine = await tenant.api.post('/clients', { name: unique('Mine') });
    const theirs = await tenant.api.post('/clients', { name: unique('Theirs') });
    const limited = await tenant.api.post('/api-keys', {
      name: 'Portal',
      scope: 'read',
      clientId: mine.body.id,
    });
    const portal = apiClient(app.url, limited.body.key);
    const list = await portal.get('/clients');
    expect(list.body.items.map((client: { id: string }) => client.id)).toEqual([mine.body.id]);
    expect((await portal.get(`/clients/${theirs.body.id}`)).status).toBe(404);
    expect((await portal.get('/api-keys')).status).toBe(403);
    expect(
      (await tenant.api.post('/api-keys', { name: 'x', scope: 'admin', clientId: mine.body.id })).status,
    ).toBe(400);
  });

  it('when a key sends more requests than its rate limit, then it hears 429 with Retry-After', async () => {
    const limitedApp = await startTestApp({ rateLimitPerMinute: 3 });
    try {
      const limitedTenant = await limitedApp.createTenant();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await limitedTenant.api.get('/clients')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await limitedTenant.api.get('/clients');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await limitedApp.close();
    }
  });

  it('when a route does not exist or the method is wrong, then the answer is a problem, not an HTML page', async () => {
    const missing = await tenant.api.get('/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('route_not_found');
    const wrongMethod = await tenant.api.put('/clients', { name: 'x' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });
});

describe('the request log', () => {
  let app: TestApp;
  let tenant: Tenant;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    app = await startTestApp({ logger: pino({ level: 'info' }, sink) });
    tenant = await app.createTenant(unique('Log MSP'));
  });
  afterAll(() => app.close());

  /** The line about a request: written when its response closes, which may be just after the client has read it. */
  async function lineAbout(requestId: string): Promise<Record<string, unknown>> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const line = lines.find(
        (candidate) => (candidate.req as { id?: unknown } | undefined)?.id === requestId,
      );
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no log line about request ${requestId}`);
  }

  it('when a request is answered, then one line tells its id, method, url, status and time at the level its status calls for', async () => {
    await tenant.api.get('/clients?limit=5', { 'x-request-id': 'log-ok-1' });
    expect(await lineAbout('log-ok-1')).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'log-ok-1', method: 'GET', url: '/api/v1/clients?limit=5' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    await tenant.api.get('/clients/00000000-0000-4000-8000-000000000000', {
      'x-request-id': 'log-missing-1',
    });
    expect(await lineAbout('log-missing-1')).toMatchObject({
      level: 40,
      msg: 'request completed',
      res: { statusCode: 404 },
    });
    expect(
      lines.filter((line) => (line.req as { id?: unknown } | undefined)?.id === 'log-ok-1'),
    ).toHaveLength(1);
    expect(Object.keys((await lineAbout('log-ok-1')).req as object).sort()).toEqual(['id', 'method', 'url']);
  });

  it('when /healthz is polled, then no line is written for it', async () => {
    const anonymous = apiClient(app.url, undefined);
    await anonymous.get('/healthz', { 'x-request-id': 'log-health-1' });
    await tenant.api.get('/clients', { 'x-request-id': 'log-after-health-1' });
    await lineAbout('log-after-health-1');
    expect(lines.some((line) => (line.req as { id?: unknown } | undefined)?.id === 'log-health-1')).toBe(
      false,
    );
  });
});
