import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import type { AppContext } from '../../src/app-context.js';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import { createMsp } from '../../src/msps/msp.service.js';
import { PacketQueue } from '../../src/packet-runs/packet-queue.js';
import { NO_WORKER_GRACE_MS, NO_WORKER_NOTICE } from '../../src/packet-runs/packet-run.service.js';
import { workPacketQueue } from '../../src/packet-runs/packet-run.worker.js';
import { createRenderer, type Renderer } from '../../src/render/renderer.js';
import { fixedClock } from '../../src/shared/clock.js';
import { packageRoot } from '../../src/shared/paths.js';
import { testDatabaseUrl, urlForDatabase, WORKER_DATABASE_PREFIX } from '../support/databases.js';
import {
  clientLimitedApi,
  createAsset,
  createClient,
  createInitiative,
  createRecurringCost,
} from '../support/planner-factories.js';
import { pdfText, squeeze } from '../support/packets-support.js';
import {
  apiClient,
  checkedFetch,
  startTestApp,
  testAccess,
  unique,
  type ApiClient,
  type Tenant,
} from '../support/test-app.js';
import { openTestDatabase } from '../support/test-database.js';

/**
 * The packet-run API over HTTP, with the queue worked in this process as the embedded `serve` does (on PostgreSQL
 * through pg-boss's own pool, on PGlite through the app's connection), a real Chromium, and retries a second apart.
 */
interface RunApp {
  url: string;
  database: Database;
  createTenant(): Promise<Tenant>;
  close(): Promise<void>;
}

/** The URL of this jest worker's own database (see openTestDatabase), for pg-boss's pool. */
function workerDatabaseUrl(): string | undefined {
  const base = testDatabaseUrl();
  return base && urlForDatabase(base, `${WORKER_DATABASE_PREFIX}${process.env.JEST_WORKER_ID ?? '1'}`);
}

/** The app with its queue; `work: false` is an API process on PostgreSQL, which only enqueues. */
async function startRunApp(options: { work?: boolean } = {}): Promise<RunApp> {
  const database = await openTestDatabase();
  const logger = pino({ level: 'silent' });
  const clock = fixedClock('2026-11-22');
  let renderer: Renderer | undefined;
  let queue: PacketQueue | undefined;
  try {
    renderer = createRenderer({ concurrency: 2, logger });
    await renderer.start();
    queue = await PacketQueue.open({
      database,
      databaseUrl: workerDatabaseUrl(),
      heartbeatSeconds: 10,
      retryDelaySeconds: 1,
      pollingIntervalSeconds: 0.5,
      logger,
    });
    if (options.work !== false)
      await workPacketQueue({ db: database.db, clock, renderer, queue, concurrency: 2, logger });
  } catch (error) {
    await queue?.stop();
    await renderer?.close();
    await database.close();
    throw error;
  }
  const context: AppContext = {
    database,
    config: loadConfig({ DATA_DIR: '/tmp/vcio-test-data', LOG_LEVEL: 'silent' }),
    clock,
    logger,
    ...testAccess(database),
    renderer,
    packetQueue: queue,
  };
  const server: Server = await new Promise((resolve) => {
    const listening = createApp(context).listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const running = { queue, renderer };
  return {
    url,
    database,
    async createTenant() {
      const created = await createMsp(database.db, { name: unique('Run MSP') });
      return { mspId: created.msp.id, key: created.apiKey, api: apiClient(url, created.apiKey) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await running.queue.stop();
      await running.renderer.close();
      await database.close();
    },
  };
}

/** Polls the run until every client is settled; returns it with every `done` count seen on the way. */
async function waitForRun(
  api: ApiClient,
  runId: string,
  timeoutMs = 50_000,
): Promise<{ run: any; doneSeen: number[] }> {
  const doneSeen: number[] = [];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const response = await api.get(`/packet-runs/${runId}`);
    expect(response.status).toBe(200);
    doneSeen.push(response.body.done);
    if (response.body.status === 'done' || response.body.status === 'failed')
      return { run: response.body, doneSeen };
    if (Date.now() > until) throw new Error(`run ${runId} did not finish: ${response.text}`);
    await delay(150);
  }
}

/** A stored packet's PDF bytes, downloaded as the API serves them. */
async function fetchPdf(url: string, key: string, clientId: string, packetId: string): Promise<Buffer> {
  const response = await checkedFetch(`${url}/api/v1/clients/${clientId}/packets/${packetId}.pdf`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function clientWithAssets(api: ApiClient, fields: Record<string, unknown> = {}): Promise<string> {
  const clientId = await createClient(api, fields);
  await createAsset(api, clientId, {
    category: 'server',
    inServiceOn: '2022-03-01',
    replacementCost: 900_000,
  });
  await createAsset(api, clientId, { category: 'laptop', purchasedOn: '2024-06-15', purchaseCost: 140_000 });
  return clientId;
}

/** A client whose forecast cannot be computed: amount × seats is beyond the safe integer range of minor units. */
async function clientThatCannotBeForecast(api: ApiClient): Promise<string> {
  const clientId = await createClient(api, { name: unique('Overflowing Client') });
  await createRecurringCost(api, clientId, { amount: 100_000_000_000_000, quantity: 1_000_000 });
  return clientId;
}

describe('packet runs', () => {
  let app: RunApp;
  beforeAll(async () => {
    app = await startRunApp();
  });
  afterAll(() => app.close());

  it('when a run is started for all clients, then it answers 202 { id, status, total }, progresses, and gives each client a packet for its own fiscal quarter', async () => {
    const { api } = await app.createTenant();
    const calendarYear = await clientWithAssets(api, { name: unique('Calendar Year Dental') });
    const julyYear = await clientWithAssets(api, { name: unique('July Year Law'), fiscalYearStartMonth: 7 });

    const started = await api.post('/packet-runs', { asOf: '2026-11-22' });
    expect(started.status).toBe(202);
    expect(Object.keys(started.body).sort()).toEqual(['id', 'status', 'total']);
    expect(started.body).toEqual({ id: expect.any(String), status: 'queued', total: 2 });
    expect(started.headers.get('location')).toBe(`/api/v1/packet-runs/${started.body.id}`);

    const { run, doneSeen } = await waitForRun(api, started.body.id);
    expect(doneSeen).toEqual([...doneSeen].sort((a, b) => a - b));
    expect(run).toMatchObject({
      id: started.body.id,
      status: 'done',
      total: 2,
      done: 2,
      failed: 0,
      asOf: '2026-11-22',
      periodLabel: null,
    });
    expect(run.finishedAt).toEqual(expect.any(String));
    const stored = await sql<{ status: string; total: number }>`
      select status, total from packet_runs where id = ${run.id}`.execute(app.database.db);
    expect(stored.rows).toEqual([{ status: 'done', total: 2 }]);
    const byClient = new Map<string, any>(run.clients.map((client: any) => [client.clientId, client]));
    for (const clientId of [calendarYear, julyYear]) {
      expect(byClient.get(clientId)).toMatchObject({
        status: 'done',
        packetId: expect.any(String),
        attempts: 1,
      });
      expect(byClient.get(clientId)).not.toHaveProperty('error');
    }

    const labels = async (clientId: string) =>
      (await api.get(`/clients/${clientId}/packets`)).body.items.map((p: any) => p.periodLabel);
    expect(await labels(calendarYear)).toEqual(['FY2026 Q4 roadmap review']);
    expect(await labels(julyYear)).toEqual(['FY2027 Q2 roadmap review']);
    const pdf = await api.get(`/clients/${julyYear}/packets/${byClient.get(julyYear).packetId}.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF-')).toBe(true);
  });

  it('when a second run asks for the same clients and period and nothing changed, then it reuses their packets at once and says so, even once issued', async () => {
    const { api } = await app.createTenant();
    const clientId = await clientWithAssets(api);
    const body = { asOf: '2026-11-22', periodLabel: 'FY2027 Q1 roadmap review', clientIds: [clientId] };
    const first = await waitForRun(api, (await api.post('/packet-runs', body)).body.id);
    const packetId = first.run.clients[0].packetId;
    expect(first.run.clients[0]).toMatchObject({ status: 'done', outcome: 'rendered' });

    const second = await api.post('/packet-runs', body);
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ status: 'done', total: 1 });
    const reused = (await api.get(`/packet-runs/${second.body.id}`)).body;
    expect(reused.clients).toEqual([
      expect.objectContaining({ clientId, status: 'done', outcome: 'reused', packetId, attempts: 0 }),
    ]);

    // Issuing it hands it over; it does not make it out of date.
    expect((await api.post(`/clients/${clientId}/packets/${packetId}/issue`)).status).toBe(200);
    const afterIssue = (await api.get(`/packet-runs/${(await api.post('/packet-runs', body)).body.id}`)).body;
    expect(afterIssue.clients[0]).toMatchObject({ status: 'done', outcome: 'reused', packetId });

    // Another meeting is another packet.
    const other = await waitForRun(
      api,
      (await api.post('/packet-runs', { ...body, periodLabel: 'Board review' })).body.id,
    );
    expect(other.run.clients[0].packetId).not.toBe(packetId);
    expect(other.run.clients[0].outcome).toBe('rendered');
    expect((await api.get(`/clients/${clientId}/packets`)).body.items).toHaveLength(2);
  });

  it('when a decision is recorded after a run, then the next run renders a fresh packet that no longer asks for it', async () => {
    const { api, key } = await app.createTenant();
    const clientId = await clientWithAssets(api);
    const initiative = await createInitiative(api, clientId, {
      title: 'Replace the core switch',
      status: 'proposed',
      targetOn: '2027-03-01',
      capexCost: 1_200_000,
    });
    const body = { asOf: '2026-11-22', periodLabel: 'FY2027 Q1 roadmap review', clientIds: [clientId] };
    const first = await waitForRun(api, (await api.post('/packet-runs', body)).body.id);
    const before = first.run.clients[0].packetId;
    const decision = await api.post(`/clients/${clientId}/initiatives/${initiative.id}/decisions`, {
      decision: 'approved',
      decidedBy: 'Dana Whitfield',
      role: 'CFO',
    });
    expect(decision.status).toBe(201);

    const started = await api.post('/packet-runs', body);
    expect(started.body.status).toBe('queued');
    const { run } = await waitForRun(api, started.body.id);
    expect(run.clients[0]).toMatchObject({ status: 'done', outcome: 'rendered', attempts: 1 });
    const after = run.clients[0].packetId;
    expect(after).not.toBe(before);

    const figures = async (id: string) =>
      (
        await app.database.db
          .selectFrom('packets')
          .select('figures')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).figures as { counts: { decisionsNeeded: number } };
    expect((await figures(before)).counts.decisionsNeeded).toBe(1);
    expect((await figures(after)).counts.decisionsNeeded).toBe(0);
    const textOf = async (id: string) => squeeze(pdfText(await fetchPdf(app.url, key, clientId, id), 'raw'));
    expect(await textOf(after)).toContain(squeeze('Dana Whitfield, CFO'));
    expect(await textOf(before)).not.toContain(squeeze('Dana Whitfield'));
  });

  it('when a run is forced, then every client is rendered afresh even though nothing changed', async () => {
    const { api } = await app.createTenant();
    const one = await clientWithAssets(api);
    const two = await clientWithAssets(api);
    const body = { asOf: '2026-11-22', periodLabel: 'FY2027 Q1 roadmap review', clientIds: [one, two] };
    const first = await waitForRun(api, (await api.post('/packet-runs', body)).body.id);
    const forced = await api.post('/packet-runs', { ...body, force: true });
    expect(forced.status).toBe(202);
    expect(forced.body.status).toBe('queued');
    const { run } = await waitForRun(api, forced.body.id);
    const before = new Map<string, string>(
      first.run.clients.map((client: any) => [client.clientId, client.packetId]),
    );
    for (const client of run.clients) {
      expect(client).toMatchObject({ status: 'done', outcome: 'rendered' });
      expect(client.packetId).not.toBe(before.get(client.clientId));
    }
    const refused = await api.post('/packet-runs', { ...body, force: 'yes' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: 'body.force', message: 'must be true or false' }]);
  });

  it('when two runs for the same packet are started together, then one job renders it and both runs get the same packet', async () => {
    const { api } = await app.createTenant();
    const clientId = await clientWithAssets(api);
    const body = { asOf: '2026-11-22', periodLabel: 'FY2027 Q1 roadmap review', clientIds: [clientId] };
    const [a, b] = await Promise.all([api.post('/packet-runs', body), api.post('/packet-runs', body)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    const [runA, runB] = await Promise.all([waitForRun(api, a.body.id), waitForRun(api, b.body.id)]);
    expect(runA.run.clients[0].status).toBe('done');
    expect(runB.run.clients[0].packetId).toBe(runA.run.clients[0].packetId);
    expect((await api.get(`/clients/${clientId}/packets`)).body.items).toHaveLength(1);
  });

  it('when one client cannot be rendered, then it is retried with backoff and fails alone while the run finishes; a run whose clients all fail is failed', async () => {
    const { api } = await app.createTenant();
    const good = await clientWithAssets(api, { name: unique('Aardvark Good Client') });
    const bad = await clientThatCannotBeForecast(api);

    const [mixed, allBad] = await Promise.all([
      api.post('/packet-runs', { asOf: '2026-11-22', periodLabel: 'Mixed run', clientIds: [bad, good] }),
      api.post('/packet-runs', { asOf: '2026-11-22', periodLabel: 'Failing run', clientIds: [bad] }),
    ]);
    const [mixedRun, allBadRun] = await Promise.all([
      waitForRun(api, mixed.body.id),
      waitForRun(api, allBad.body.id),
    ]);

    expect(mixedRun.run).toMatchObject({ status: 'done', total: 2, done: 1, failed: 1 });
    const clients = new Map<string, any>(
      mixedRun.run.clients.map((client: any) => [client.clientId, client]),
    );
    expect(clients.get(good)).toMatchObject({ status: 'done', attempts: 1, packetId: expect.any(String) });
    expect(clients.get(bad)).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: expect.stringMatching(/\S/),
    });
    expect(clients.get(bad)).not.toHaveProperty('packetId');

    expect(allBadRun.run).toMatchObject({ status: 'failed', total: 1, done: 0, failed: 1 });
    expect(allBadRun.run.finishedAt).toEqual(expect.any(String));
  });

  it('when the run names clients that are not the MSP’s, or names one twice, then it is a 400 naming each and nothing is queued; an MSP without clients gets an empty run, done at once', async () => {
    const { api } = await app.createTenant();
    const other = await app.createTenant();
    const mine = await createClient(api);
    const theirs = await createClient(other.api);
    const unknown = '00000000-0000-4000-8000-000000000000';

    const response = await api.post('/packet-runs', { clientIds: [mine, theirs, unknown, mine] });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.clientIds[1]', message: 'is not a client of this MSP' },
        { path: 'body.clientIds[2]', message: 'is not a client of this MSP' },
        { path: 'body.clientIds[3]', message: 'is listed more than once' },
      ]),
    );
    expect(response.body.errors).toHaveLength(3);
    expect((await api.get('/packet-runs')).body.items).toEqual([]);

    const empty = await (await app.createTenant()).api.post('/packet-runs', {});
    expect(empty.status).toBe(202);
    expect(empty.body).toEqual({ id: expect.any(String), status: 'done', total: 0 });

    for (const [body, path] of [
      [{ clientIds: [] }, 'body.clientIds'],
      [{ clientIds: ['not-a-uuid'] }, 'body.clientIds[0]'],
      [{ asOf: '2026-02-30' }, 'body.asOf'],
      [{ periodLabel: '' }, 'body.periodLabel'],
      [{ colour: 'red' }, 'body.colour'],
    ] as const) {
      const refused = await api.post('/packet-runs', body);
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    }
  });

  it('when another MSP asks for a run, then it is a 404, and lists show each MSP its own runs, newest first, page by page', async () => {
    const owner = await app.createTenant();
    const stranger = await app.createTenant();
    const clientId = await clientWithAssets(owner.api);
    const first = (await owner.api.post('/packet-runs', { asOf: '2026-11-22', clientIds: [clientId] })).body
      .id;
    await waitForRun(owner.api, first);
    const second = (await owner.api.post('/packet-runs', { asOf: '2026-11-22', clientIds: [clientId] })).body
      .id;

    const foreign = await stranger.api.get(`/packet-runs/${first}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.detail).toBe('No such packet run');
    expect((await stranger.api.get('/packet-runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await stranger.api.get('/packet-runs/not-a-uuid')).status).toBe(404);
    expect((await stranger.api.get('/packet-runs')).body).toEqual({ items: [], nextCursor: null });

    const page1 = await owner.api.get('/packet-runs?limit=1');
    expect(page1.body.items.map((run: any) => run.id)).toEqual([second]);
    expect(page1.body.items[0]).toMatchObject({ status: 'done', total: 1, done: 1, failed: 0 });
    expect(page1.body.items[0]).not.toHaveProperty('clients');
    const page2 = await owner.api.get(`/packet-runs?limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toEqual({ items: [expect.objectContaining({ id: first })], nextCursor: null });
    const tampered = await owner.api.get('/packet-runs?cursor=WyJ4IiwieSJd');
    expect(tampered.status).toBe(400);
    expect(tampered.body.errors).toEqual([
      { path: 'query.cursor', message: 'is not a cursor this API returned' },
    ]);
  });

  it('when the key is limited to one client or only reads, then starting a run is forbidden', async () => {
    const { api } = await app.createTenant();
    const clientId = await createClient(api);
    const portal = await clientLimitedApi(app.url, api, clientId);
    expect((await portal.post('/packet-runs', { clientIds: [clientId] })).status).toBe(403);
    expect((await portal.get('/packet-runs')).status).toBe(403);
    const reader = await clientLimitedApi(app.url, api, clientId, 'read');
    expect((await reader.post('/packet-runs', {})).status).toBe(403);
    const readOnly = await api.post('/api-keys', { name: unique('Reader'), scope: 'read' });
    expect((await apiClient(app.url, readOnly.body.key).post('/packet-runs', {})).status).toBe(403);
  });
});

describe('packet runs with no worker running', () => {
  it('when a run waits past the grace period and no process works the queue, then the run and /readyz say so; once a worker starts (PostgreSQL), the run completes', async () => {
    const app = await startRunApp({ work: false });
    const tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vcio-no-worker-'));
    let worker: WorkerProcess | undefined;
    try {
      const { api } = await app.createTenant();
      const clientId = await clientWithAssets(api);
      const started = await api.post('/packet-runs', { asOf: '2026-11-22', clientIds: [clientId] });
      expect(started.status).toBe(202);
      expect((await api.get(`/packet-runs/${started.body.id}`)).body.notice).toBeUndefined();

      const ready = await apiClient(app.url, undefined).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.packetWorkers).toEqual({
        live: 0,
        notice: expect.stringContaining('No packet worker'),
      });
      expect(ready.body.renderer).toEqual({ available: true });

      await delay(NO_WORKER_GRACE_MS);
      const waiting = (await api.get(`/packet-runs/${started.body.id}`)).body;
      expect(waiting).toMatchObject({ status: 'queued', notice: NO_WORKER_NOTICE });

      const workerUrl = workerDatabaseUrl();
      if (workerUrl) {
        worker = await startWorker(workerUrl, tmpDir);
        expect((await apiClient(app.url, undefined).get('/readyz')).body.packetWorkers).toEqual({ live: 1 });
        const { run } = await waitForRun(api, started.body.id);
        expect(run.status).toBe('done');
        expect(run.notice).toBeUndefined();
      }
    } finally {
      worker?.child.kill('SIGTERM');
      await worker?.exited;
      await app.close();
      await fs.rm(tmpDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('packet runs in a process without the queue', () => {
  it('when a run is started, then it is a 503 that says why', async () => {
    const app = await startTestApp();
    try {
      const { api } = await app.createTenant();
      const response = await api.post('/packet-runs', {});
      expect(response.status).toBe(503);
      expect(response.body.detail).toBe('Packet runs are not enabled in this process');
    } finally {
      await app.close();
    }
  });
});

const entry = path.join(packageRoot, 'src', 'cli', 'run.ts');

interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** The exit code, or null when a signal ended it. */
  exited: Promise<number | null>;
}

/**
 * `vcio-planner worker` in a child process, resolved once it is taking jobs. Node runs the sources with tsx as a
 * loader (not through the tsx command, whose wrapper process would take a SIGKILL meant for the worker).
 */
async function startWorker(databaseUrl: string, tmpDir: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'worker'], {
    cwd: packageRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: os.tmpdir(),
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      RENDER_CONCURRENCY: '1',
      PACKET_JOB_HEARTBEAT_SECONDS: '10',
      // A killed worker cannot remove its browser profile; here it is inside a directory the test removes.
      TMPDIR: tmpDir,
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = Date.now() + 120_000; // a start loads the sources through tsx and launches Chromium; machines may be busy
  while (!/is rendering up to 1 packet/.test(output)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`the worker did not start: ${output}`);
    }
    await delay(100);
  }
  return { child, output: () => output, exited };
}

describe('packet workers sharing PostgreSQL', () => {
  const workerUrl = workerDatabaseUrl();
  (workerUrl ? it : it.skip)(
    'when a worker is killed in the middle of a render, then another worker takes the job over and the run completes with one packet per client (needs TEST_DATABASE_URL: workers are separate processes)',
    async () => {
      const app = await startRunApp({ work: false });
      const tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vcio-packet-workers-'));
      const workers: WorkerProcess[] = [];
      try {
        const { api, mspId } = await app.createTenant();
        const heavy = await createClient(api, { name: unique('Heavy Manufacturing') });
        // Enough inventory for a render of a few seconds, so that the kill lands while it renders.
        await sql`
          insert into assets (msp_id, client_id, name, category, purchased_on, purchased_on_source, purchase_cost, operating_system)
          select ${mspId}, ${heavy}, 'Workstation ' || g, 'desktop', date '2021-01-01' + g, 'manual', 120000 + g, 'Windows 10 Pro'
          from generate_series(1, 500) as g`.execute(app.database.db);
        const light = await clientWithAssets(api, { name: unique('Light Dental') });

        workers.push(await startWorker(workerUrl!, tmpDir));
        const started = await api.post('/packet-runs', { asOf: '2026-11-22', clientIds: [heavy, light] });
        expect(started.status).toBe(202);
        const until = Date.now() + 30_000;
        for (;;) {
          const run = (await api.get(`/packet-runs/${started.body.id}`)).body;
          if (run.clients.find((client: any) => client.clientId === heavy)?.status === 'rendering') break;
          if (Date.now() > until)
            throw new Error(`the heavy packet never started rendering: ${JSON.stringify(run)}`);
          await delay(50);
        }
        await delay(500);
        workers[0]!.child.kill('SIGKILL');
        expect(await workers[0]!.exited).toBeNull();
        const afterKill = (await api.get(`/packet-runs/${started.body.id}`)).body;
        expect(afterKill.clients.find((client: any) => client.clientId === heavy)).toMatchObject({
          status: 'rendering',
          attempts: 1,
        });

        workers.push(await startWorker(workerUrl!, tmpDir));
        const { run } = await waitForRun(api, started.body.id, 60_000);
        expect(run).toMatchObject({ status: 'done', total: 2, done: 2, failed: 0 });
        const heavyClient = run.clients.find((client: any) => client.clientId === heavy);
        expect(heavyClient.attempts).toBeGreaterThanOrEqual(2);
        expect((await api.get(`/clients/${heavy}/packets`)).body.items).toEqual([
          expect.objectContaining({ id: heavyClient.packetId }),
        ]);

        // SIGTERM: the worker stops taking jobs, closes its browser and database, and exits cleanly.
        workers[1]!.child.kill('SIGTERM');
        expect(await workers[1]!.exited).toBe(0);
      } finally {
        for (const worker of workers) {
          if (worker.child.exitCode === null && worker.child.signalCode === null)
            worker.child.kill('SIGKILL');
          await worker.exited;
        }
        await app.close();
        await fs.rm(tmpDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
