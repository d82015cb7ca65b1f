import crypto from 'node:crypto';
import http from 'node:http';
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import { systemPrincipal } from '../../src/auth/principal.js';
import { PacketQueue } from '../../src/packet-runs/packet-queue.js';
import { insertPacket } from '../../src/packets/packet.repository.js';
import { startPacketRun } from '../../src/packet-runs/packet-run.service.js';
import { fixedClock } from '../../src/shared/clock.js';
import type { WebhookQueue } from '../../src/webhooks/webhook-queue.js';
import { sealSecret } from '../../src/webhooks/webhook-secret.js';
import { insertSubscription } from '../../src/webhooks/webhook.repository.js';
import { startWebhookQueue } from '../../src/webhooks/webhook.worker.js';
import { testDatabaseUrl, urlForDatabase, WORKER_DATABASE_PREFIX } from '../support/databases.js';
import { createClient, createInitiative } from '../support/planner-factories.js';
import { apiClient, startTestApp, unique, type Tenant, type TestApp } from '../support/test-app.js';

/**
 * Webhooks end to end: the API over HTTP, the delivery queue worked in this process as the embedded `serve` does
 * (through pg-boss's own pool on PostgreSQL), and a receiver listening on 127.0.0.1. Retries are a second apart
 * (WEBHOOK_RETRY_DELAY_SECONDS=1), on the real clock.
 */

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTP server on 127.0.0.1 that records every request and answers with the statuses it is given, in turn. */
async function startReceiver(statuses: number[] = [204]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses[Math.min(received.length, statuses.length) - 1]!;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    received,
    port,
    url: `http://127.0.0.1:${port}/hooks`,
    async waitFor(count: number, timeoutMs = 20_000): Promise<Received[]> {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`the receiver got ${received.length} of ${count} deliveries`);
        await delay(50);
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Verifies a Standard Webhooks signature with nothing but node:crypto, as a receiver would. */
function verifySignature(secret: string, delivery: Received): boolean {
  const id = String(delivery.headers['webhook-id']);
  const timestamp = String(delivery.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${delivery.body}`).digest();
  return String(delivery.headers['webhook-signature'])
    .split(' ')
    .some((signature) => {
      const [version, value] = signature.split(',');
      const given = Buffer.from(value ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && crypto.timingSafeEqual(given, expected);
    });
}

const SECRET_KEY = crypto.randomBytes(32).toString('base64');

function workerDatabaseUrl(): string | undefined {
  const base = testDatabaseUrl();
  return base && urlForDatabase(base, `${WORKER_DATABASE_PREFIX}${process.env.JEST_WORKER_ID ?? '1'}`);
}

interface WebhookApp {
  app: TestApp;
  queue: WebhookQueue;
  close(): Promise<void>;
}

/** The app with its webhook queue worked in this process. */
async function startWebhookApp(options: { allowPrivate: boolean; logger?: Logger }): Promise<WebhookApp> {
  const app = await startTestApp({
    env: {
      WEBHOOK_SECRET_KEY: SECRET_KEY,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: String(options.allowPrivate),
      WEBHOOK_RETRY_DELAY_SECONDS: '1',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_TIMEOUT_SECONDS: '5',
    },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const queue = await startWebhookQueue({
    database: app.database,
    databaseUrl: workerDatabaseUrl(),
    settings: app.context.config.webhooks,
    role: 'worker',
    logger: app.context.logger,
    pollingIntervalSeconds: 0.5,
  });
  return {
    app,
    queue,
    async close() {
      await queue.stop({ timeoutMs: 2000 });
      await app.close();
    },
  };
}

/** A logger that keeps every line, at every level, for a test to read. */
function capturingLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), text: () => lines.join('') };
}

async function waitForAttempts(tenant: Tenant, webhookId: string, count: number) {
  const until = Date.now() + 20_000;
  for (;;) {
    const log = await tenant.api.get(`/webhooks/${webhookId}/deliveries`);
    expect(log.status).toBe(200);
    if (log.body.items.length >= count) return log.body.items as Record<string, unknown>[];
    if (Date.now() > until)
      throw new Error(`the delivery log has ${log.body.items.length} of ${count} attempts`);
    await delay(100);
  }
}

async function decide(tenant: Tenant) {
  const clientId = await createClient(tenant.api);
  const initiative = await createInitiative(tenant.api, clientId, { capexCost: 1_250_000 });
  const decided = await tenant.api.post(`/clients/${clientId}/initiatives/${initiative.id}/decisions`, {
    decision: 'approved',
    decidedBy: 'Dana Whitfield',
    role: 'CFO',
    note: 'Go ahead before the renewal',
  });
  expect(decided.status).toBe(201);
  return { clientId, initiativeId: initiative.id as string };
}

describe('webhooks delivered to a receiver on 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE_TARGETS=true)', () => {
  let hooks: WebhookApp;
  let captured: ReturnType<typeof capturingLogger>;

  beforeAll(async () => {
    captured = capturingLogger();
    hooks = await startWebhookApp({ allowPrivate: true, logger: captured.logger });
  });
  afterAll(async () => {
    await hooks.close();
  });

  test('when a decision is recorded through the API, then the receiver gets a decision.recorded signed with the secret shown once', async () => {
    const receiver = await startReceiver([204]);
    try {
      const tenant = await hooks.app.createTenant();
      const created = await tenant.api.post('/webhooks', {
        url: receiver.url,
        events: ['decision.recorded'],
        description: 'PSA tickets',
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      const secret = created.body.secret as string;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(created.body).toMatchObject({ url: receiver.url, events: ['decision.recorded'], active: true });

      const { clientId, initiativeId } = await decide(tenant);
      const [delivery] = await receiver.waitFor(1);
      expect(verifySignature(secret, delivery!)).toBe(true);
      expect(verifySignature(`whsec_${crypto.randomBytes(32).toString('base64')}`, delivery!)).toBe(false);
      expect(delivery!.headers['content-type']).toBe('application/json');
      expect(Math.abs(Number(delivery!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      const envelope = JSON.parse(delivery!.body);
      expect(envelope).toEqual({
        type: 'decision.recorded',
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        data: {
          clientId,
          initiativeId,
          decision: 'approved',
          decidedBy: 'Dana Whitfield',
          role: 'CFO',
          decidedAt: expect.any(String),
          status: 'approved',
        },
      });

      const [attempt] = await waitForAttempts(tenant, created.body.id, 1);
      expect(attempt).toMatchObject({
        eventId: delivery!.headers['webhook-id'],
        event: 'decision.recorded',
        attempt: 1,
        outcome: 'delivered',
        statusCode: 204,
        error: null,
      });

      // The secret is never shown again, nor logged.
      const one = await tenant.api.get(`/webhooks/${created.body.id}`);
      const list = await tenant.api.get('/webhooks');
      const patched = await tenant.api.patch(`/webhooks/${created.body.id}`, { description: 'Tickets' });
      for (const response of [one, list, patched]) {
        expect(response.status).toBe(200);
        expect(response.text).not.toContain(secret.slice('whsec_'.length, 20));
        expect(response.text).not.toContain('secret');
      }
      expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
      expect(captured.text()).toContain('webhook delivered');
      expect(captured.text()).not.toContain(secret.slice('whsec_'.length));
      expect(captured.text()).not.toContain(SECRET_KEY);
    } finally {
      await receiver.close();
    }
  });

  test('when a packet is issued, then the receiver gets one packet.issued, and issuing it again sends nothing more', async () => {
    const receiver = await startReceiver([204]);
    try {
      const tenant = await hooks.app.createTenant();
      const created = await tenant.api.post('/webhooks', { url: receiver.url, events: ['packet.issued'] });
      expect(created.status).toBe(201);
      const client = await createClient(tenant.api, { name: unique('Issued Client') });
      // A stored draft, as a render would leave it; issuing never renders, so no browser is needed here.
      const stored = await insertPacket(hooks.app.database.db, tenant.mspId, {
        clientId: client,
        asOf: '2026-11-22',
        periodLabel: 'FY2027 Q2 review',
        scenario: 'committed',
        periods: 12,
        sha256: '0'.repeat(64),
        pageCount: 1,
        pdf: Buffer.from('%PDF-1.7'),
        figures: {},
        contentSha256: '1'.repeat(64),
        snapshot: null,
        createdAt: new Date('2026-11-22T09:00:00Z'),
      });
      const issue = () => tenant.api.post(`/clients/${client}/packets/${stored.id}/issue`, {});
      const first = await issue();
      expect(first.status).toBe(200);
      const [delivery] = await receiver.waitFor(1);
      expect(verifySignature(created.body.secret as string, delivery!)).toBe(true);
      expect(JSON.parse(delivery!.body)).toEqual({
        type: 'packet.issued',
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        data: {
          clientId: client,
          packetId: stored.id,
          periodLabel: 'FY2027 Q2 review',
          asOf: '2026-11-22',
          issuedAt: first.body.issuedAt,
        },
      });

      expect((await issue()).status).toBe(200);
      await delay(1500);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  test('when the receiver first answers 500, then it gets a retry with the same id and the log shows both attempts', async () => {
    const receiver = await startReceiver([500, 200]);
    try {
      const tenant = await hooks.app.createTenant();
      const created = await tenant.api.post('/webhooks', {
        url: receiver.url,
        events: ['decision.recorded'],
      });
      expect(created.status).toBe(201);
      await decide(tenant);
      const [first, second] = await receiver.waitFor(2);
      expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
      expect(second!.body).toBe(first!.body);
      expect(verifySignature(created.body.secret, second!)).toBe(true);

      const attempts = await waitForAttempts(tenant, created.body.id, 2);
      expect(attempts.map(({ attempt, outcome, statusCode }) => ({ attempt, outcome, statusCode }))).toEqual([
        { attempt: 2, outcome: 'delivered', statusCode: 200 },
        { attempt: 1, outcome: 'retrying', statusCode: 500 },
      ]);
      expect(attempts[1]!.error).toBe('The target answered 500');

      // The log pages newest first with a cursor.
      const page = await tenant.api.get(`/webhooks/${created.body.id}/deliveries?limit=1`);
      expect(page.body.items[0].attempt).toBe(2);
      const next = await tenant.api.get(
        `/webhooks/${created.body.id}/deliveries?limit=1&cursor=${page.body.nextCursor}`,
      );
      expect(next.body).toMatchObject({ items: [{ attempt: 1 }], nextCursor: null });
    } finally {
      await receiver.close();
    }
  });

  test('when the receiver never answers 2xx, then the delivery fails after WEBHOOK_MAX_ATTEMPTS attempts', async () => {
    const receiver = await startReceiver([503]);
    try {
      const tenant = await hooks.app.createTenant();
      const created = await tenant.api.post('/webhooks', {
        url: receiver.url,
        events: ['decision.recorded'],
      });
      await decide(tenant);
      const attempts = await waitForAttempts(tenant, created.body.id, 3);
      expect(attempts.map(({ attempt, outcome }) => `${String(attempt)} ${String(outcome)}`)).toEqual([
        '3 failed',
        '2 retrying',
        '1 retrying',
      ]);
      await delay(2500);
      expect(receiver.received).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });

  test('when the test endpoint is called, then a webhook.test event goes to that subscription alone', async () => {
    const receiver = await startReceiver([200]);
    const other = await startReceiver([200]);
    try {
      const tenant = await hooks.app.createTenant();
      const created = await tenant.api.post('/webhooks', { url: receiver.url, events: ['import.committed'] });
      await tenant.api.post('/webhooks', { url: other.url, events: ['import.committed'] });
      const sent = await tenant.api.post(`/webhooks/${created.body.id}/test`);
      expect(sent.status).toBe(202);
      const [delivery] = await receiver.waitFor(1);
      expect(delivery!.headers['webhook-id']).toBe(sent.body.eventId);
      expect(verifySignature(created.body.secret, delivery!)).toBe(true);
      expect(JSON.parse(delivery!.body)).toMatchObject({
        type: 'webhook.test',
        data: { webhookId: created.body.id },
      });
      const [attempt] = await waitForAttempts(tenant, created.body.id, 1);
      expect(attempt).toMatchObject({ event: 'webhook.test', outcome: 'delivered', statusCode: 200 });
      await delay(1000);
      expect(other.received).toHaveLength(0);
    } finally {
      await receiver.close();
      await other.close();
    }
  });

  test('when the URL names a host, then the delivery connects to the address its own lookup checked', async () => {
    const receiver = await startReceiver([200]);
    try {
      const tenant = await hooks.app.createTenant();
      const created = await tenant.api.post('/webhooks', {
        url: `http://localhost:${receiver.port}/hooks`,
        events: ['decision.recorded'],
      });
      expect(created.status).toBe(201);
      const sent = await tenant.api.post(`/webhooks/${created.body.id}/test`);
      const [delivery] = await receiver.waitFor(1);
      expect(delivery!.headers['webhook-id']).toBe(sent.body.eventId);
      expect(delivery!.headers.host).toBe(`localhost:${receiver.port}`);
    } finally {
      await receiver.close();
    }
  });

  test('when an import is committed, then import.committed carries its counts; a dry run sends nothing', async () => {
    const receiver = await startReceiver([200]);
    try {
      const tenant = await hooks.app.createTenant();
      const created = await tenant.api.post('/webhooks', { url: receiver.url, events: ['import.committed'] });
      const clientId = await createClient(tenant.api);
      const file = 'name,category,serial number\nReception PC,desktop,SN-1\nFront laptop,laptop,SN-2\n';
      const send = (commit: boolean) =>
        tenant.api.raw('POST', `/clients/${clientId}/imports?commit=${String(commit)}`, {
          body: file,
          headers: { 'content-type': 'text/csv' },
        });
      expect((await send(false)).status).toBe(200);
      const committed = await send(true);
      expect(committed.body.committed).toBe(true);
      const [delivery] = await receiver.waitFor(1);
      expect(JSON.parse(delivery!.body)).toMatchObject({
        type: 'import.committed',
        data: { clientId, preset: 'generic', rows: 2, created: 2, updated: 0, unchanged: 0 },
      });
      expect(verifySignature(created.body.secret, delivery!)).toBe(true);
      await delay(1000);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  test('when a packet run finishes, then packet_run.finished carries its counts', async () => {
    const receiver = await startReceiver([200]);
    const packetQueue = await PacketQueue.open({
      database: hooks.app.database,
      databaseUrl: workerDatabaseUrl(),
      heartbeatSeconds: 10,
      logger: hooks.app.context.logger,
    });
    try {
      const tenant = await hooks.app.createTenant();
      await tenant.api.post('/webhooks', { url: receiver.url, events: ['packet_run.finished'] });
      // An MSP without clients: its run has nothing to render and is done at once.
      const run = await startPacketRun(
        { db: hooks.app.database.db, clock: fixedClock('2026-11-22'), queue: packetQueue },
        systemPrincipal('test', tenant.mspId),
        { scenario: 'committed', periods: 8, force: false },
      );
      expect(run.status).toBe('done');
      const [delivery] = await receiver.waitFor(1);
      expect(JSON.parse(delivery!.body)).toMatchObject({
        type: 'packet_run.finished',
        data: { packetRunId: run.id, status: 'done', total: 0, done: 0, failed: 0 },
      });
    } finally {
      await packetQueue.stop();
      await receiver.close();
    }
  });

  test('when a subscription is paused or its event is not subscribed, then nothing is delivered', async () => {
    const receiver = await startReceiver([200]);
    try {
      const tenant = await hooks.app.createTenant();
      const paused = await tenant.api.post('/webhooks', { url: receiver.url, events: ['decision.recorded'] });
      expect((await tenant.api.patch(`/webhooks/${paused.body.id}`, { active: false })).body.active).toBe(
        false,
      );
      await tenant.api.post('/webhooks', { url: receiver.url, events: ['import.committed'] });
      await decide(tenant);
      await delay(2500);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  test('when another tenant names a subscription, then every webhook route answers 404 and lists stay apart', async () => {
    const owner = await hooks.app.createTenant();
    const stranger = await hooks.app.createTenant();
    const created = await owner.api.post('/webhooks', {
      url: 'http://127.0.0.1:9/hooks',
      events: ['decision.recorded'],
    });
    const id = created.body.id as string;
    expect((await stranger.api.get(`/webhooks/${id}`)).status).toBe(404);
    expect((await stranger.api.patch(`/webhooks/${id}`, { active: false })).status).toBe(404);
    expect((await stranger.api.post(`/webhooks/${id}/test`)).status).toBe(404);
    expect((await stranger.api.get(`/webhooks/${id}/deliveries`)).status).toBe(404);
    expect((await stranger.api.delete(`/webhooks/${id}`)).status).toBe(404);
    expect((await stranger.api.get('/webhooks')).body.items).toEqual([]);
    expect((await owner.api.get(`/webhooks/${id}`)).body.active).toBe(true);
    expect((await owner.api.delete(`/webhooks/${id}`)).status).toBe(204);
    expect((await owner.api.get(`/webhooks/${id}`)).status).toBe(404);
  });

  test('when a key is not admin, or the body is wrong, then subscribing is refused naming the field', async () => {
    const tenant = await hooks.app.createTenant();
    const key = await tenant.api.post('/api-keys', { name: unique('Writer'), scope: 'write' });
    const writer = apiClient(hooks.app.url, key.body.key);
    expect(
      (await writer.post('/webhooks', { url: 'http://127.0.0.1:9/', events: ['decision.recorded'] })).status,
    ).toBe(403);
    expect((await writer.get('/webhooks')).status).toBe(403);

    const cases: [unknown, string][] = [
      [{ url: 'ftp://127.0.0.1/', events: ['decision.recorded'] }, 'body.url'],
      [{ url: 'http://user:pw@127.0.0.1/', events: ['decision.recorded'] }, 'body.url'],
      [{ url: 'http://127.0.0.1/', events: [] }, 'body.events'],
      [{ url: 'http://127.0.0.1/', events: ['asset.changed'] }, 'body.events[0]'],
      [{ url: 'http://127.0.0.1/', events: ['decision.recorded', 'decision.recorded'] }, 'body.events'],
      [{ url: 'http://127.0.0.1/', events: ['decision.recorded'], secret: 'mine' }, 'body.secret'],
    ];
    for (const [body, path] of cases) {
      const refused = await tenant.api.post('/webhooks', body);
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    }
    expect((await tenant.api.get('/webhooks')).body.items).toEqual([]);
  });
});

describe('webhook targets without WEBHOOK_ALLOW_PRIVATE_TARGETS', () => {
  let hooks: WebhookApp;

  beforeAll(async () => {
    hooks = await startWebhookApp({ allowPrivate: false });
  });
  afterAll(async () => {
    await hooks.close();
  });

  test('when a URL resolves to a loopback, private or link-local address, then subscribing is refused on body.url', async () => {
    const tenant = await hooks.app.createTenant();
    for (const url of [
      'http://localhost:8080/hooks',
      'http://127.0.0.1/hooks',
      'https://10.1.2.3/hooks',
      'http://192.168.0.10/',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hooks',
      'http://[fd00::1]/hooks',
      'http://[::ffff:127.0.0.1]/hooks',
      'http://0.0.0.0/',
    ]) {
      const refused = await tenant.api.post('/webhooks', { url, events: ['decision.recorded'] });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        { path: 'body.url', message: expect.stringContaining('not a public address') },
      ]);
    }
    const created = await tenant.api.post('/webhooks', {
      url: 'https://93.184.215.14/hooks',
      events: ['decision.recorded'],
    });
    expect(created.status).toBe(201);
    const moved = await tenant.api.patch(`/webhooks/${created.body.id}`, { url: 'http://localhost/hooks' });
    expect(moved.status).toBe(400);
    expect(moved.body.errors[0].path).toBe('body.url');
  });

  test('when a subscription to localhost made while allowed is delivered after the setting is off, then it is refused at delivery and the receiver is never contacted', async () => {
    const receiver = await startReceiver([200]);
    try {
      const tenant = await hooks.app.createTenant();
      // Made as the API did while the operator allowed private targets.
      const id = crypto.randomUUID();
      const secretKey = hooks.app.context.config.webhooks.secretKey!;
      await insertSubscription(hooks.app.database.db, tenant.mspId, {
        id,
        url: `http://localhost:${receiver.port}/hooks`,
        events: ['decision.recorded'],
        description: null,
        secretSealed: sealSecret(secretKey, id, `whsec_${crypto.randomBytes(32).toString('base64')}`),
      });
      await decide(tenant);
      const [attempt] = await waitForAttempts(tenant, id, 1);
      expect(attempt).toMatchObject({ attempt: 1, outcome: 'failed', statusCode: null });
      expect(attempt!.error).toMatch(
        /^Target refused: localhost resolves to (127\.0\.0\.1|::1), which is not a public address$/,
      );
      await delay(2500);
      expect(receiver.received).toHaveLength(0);
      expect(await waitForAttempts(tenant, id, 1)).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});

describe('events recorded where no webhook queue runs', () => {
  test('when a decision is recorded by a process without the queue, then a worker that starts later delivers it', async () => {
    const receiver = await startReceiver([200]);
    // The API alone, as a CLI command or a process that only writes: the event waits in the outbox.
    const app = await startTestApp({
      env: { WEBHOOK_SECRET_KEY: SECRET_KEY, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
    });
    let queue: WebhookQueue | undefined;
    try {
      const tenant = await app.createTenant();
      const created = await tenant.api.post('/webhooks', {
        url: receiver.url,
        events: ['decision.recorded'],
      });
      const { initiativeId } = await decide(tenant);
      await delay(1000);
      expect(receiver.received).toHaveLength(0);
      queue = await startWebhookQueue({
        database: app.database,
        databaseUrl: workerDatabaseUrl(),
        settings: app.context.config.webhooks,
        role: 'worker',
        logger: app.context.logger,
        pollingIntervalSeconds: 0.5,
      });
      const [delivery] = await receiver.waitFor(1);
      expect(verifySignature(created.body.secret, delivery!)).toBe(true);
      expect(JSON.parse(delivery!.body).data.initiativeId).toBe(initiativeId);
    } finally {
      await queue?.stop({ timeoutMs: 2000 });
      await app.close();
      await receiver.close();
    }
  });

  test('when no WEBHOOK_SECRET_KEY is configured, then subscribing answers 503 saying so', async () => {
    const app = await startTestApp();
    try {
      const tenant = await app.createTenant();
      const refused = await tenant.api.post('/webhooks', {
        url: 'https://93.184.215.14/hooks',
        events: ['decision.recorded'],
      });
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({
        code: 'webhooks_not_configured',
        detail: expect.stringContaining('WEBHOOK_SECRET_KEY'),
      });
      expect((await tenant.api.get('/webhooks')).body.items).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
