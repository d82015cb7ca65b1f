import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createClient } from '../support/planner-factories.js';
import { checkedFetch, startTestApp, unique, type TestApp, type Tenant } from '../support/test-app.js';

describe('calendar feed tokens', () => {
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
    tenant = await app.createTenant(unique('Feeds MSP'));
    clientId = await createClient(tenant.api);
  });
  afterAll(async () => {
    await app?.close();
  });

  const feedUrl = (client: string, query: string) =>
    `${app.url}/api/v1/clients/${client}/calendar.ics${query}`;

  async function createFeed(client = clientId) {
    const created = await tenant.api.post(`/clients/${client}/calendar-feeds`, { name: unique('Outlook') });
    expect(created.status).toBe(201);
    return created;
  }

  it('when a feed is created, then its token is shown once, uncached, and serves that client’s calendar', async () => {
    const created = await createFeed();
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toMatchObject({ clientId, token: expect.stringMatching(/^vcal_[\w-]{43}$/) });
    expect(created.body.path).toBe(`/clients/${clientId}/calendar.ics?token=${created.body.token}`);

    const feed = await checkedFetch(feedUrl(clientId, `?token=${created.body.token}`));
    expect(feed.status).toBe(200);
    expect(await feed.text()).toMatch(/^BEGIN:VCALENDAR/);

    const listed = await tenant.api.get(`/clients/${clientId}/calendar-feeds`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ id: created.body.id, prefix: created.body.token.slice(0, 13) }),
    );
    expect(listed.text).not.toContain(created.body.token);
  });

  it('when a feed token is used for another client or another route, then it opens nothing', async () => {
    const { body } = await createFeed();
    const otherClient = await createClient(tenant.api);
    expect((await checkedFetch(feedUrl(otherClient, `?token=${body.token}`))).status).toBe(404);
    const forecast = await checkedFetch(`${app.url}/api/v1/clients/${clientId}/forecast?token=${body.token}`);
    expect(forecast.status).toBe(401);
    const asKey = await checkedFetch(`${app.url}/api/v1/clients/${clientId}/assets`, {
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(asKey.status).toBe(401);
  });

  it('when an API key is put in the feed URL, even with an encoded parameter name, then it is refused', async () => {
    for (const query of [
      `?token=${tenant.key}`,
      `?%74oken=${tenant.key}`,
      `?%74%6F%6B%65%6E=${tenant.key}`,
    ]) {
      const refused = await checkedFetch(feedUrl(clientId, query));
      expect({ query, status: refused.status }).toEqual({ query, status: 401 });
    }
    // An API key still works where it belongs, in the Authorization header.
    const viaHeader = await checkedFetch(feedUrl(clientId, ''), {
      headers: { authorization: `Bearer ${tenant.key}` },
    });
    expect(viaHeader.status).toBe(200);
  });

  it('when a feed is deleted, then its token stops working at once', async () => {
    const { body } = await createFeed();
    expect((await checkedFetch(feedUrl(clientId, `?token=${body.token}`))).status).toBe(200);
    const deleted = await tenant.api.delete(`/clients/${clientId}/calendar-feeds/${body.id}`);
    expect(deleted.status).toBe(204);
    expect((await checkedFetch(feedUrl(clientId, `?token=${body.token}`))).status).toBe(401);
    expect((await tenant.api.delete(`/clients/${clientId}/calendar-feeds/${body.id}`)).status).toBe(404);
  });

  it('when a token or key travels in the URL under any spelling of its name, then the logs never show it', async () => {
    const { body } = await createFeed();
    logLines.length = 0;
    await checkedFetch(feedUrl(clientId, `?%74oken=${body.token}`));
    await checkedFetch(feedUrl(clientId, `?quarters=4&t%6Fken=${tenant.key}`));
    await checkedFetch(feedUrl(clientId, `?token=${body.token}`));
    const logged = logLines.join('');
    expect(logged).toContain('calendar.ics');
    expect(logged).toContain('[redacted]');
    expect(logged).not.toContain(body.token);
    expect(logged).not.toContain(tenant.key);
  });

  it('when an API key is created, then the answer with its secret is not cached', async () => {
    const created = await tenant.api.post('/api-keys', { name: unique('Key'), scope: 'read' });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
  });
});
