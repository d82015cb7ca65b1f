/**
 * npm run bench:batch — a quarterly packet run for a book of 200 clients (30–60 assets each) on PostgreSQL
 * (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres), in its own database
 * `vcio_bench_batch`, dropped at the end.
 *
 * For 1 and then 2 worker processes (`vcio-planner worker`, spawned, each with RENDER_CONCURRENCY =
 * BENCH_RENDER_CONCURRENCY, default 2): the wall time from queueing the run (POST /packet-runs's service) to its
 * last stored packet, as PDFs per second. Everything a real run does is inside: the queue, the forecast and reads,
 * the HTML, the render on the worker's renderer, storing the PDF, the run's bookkeeping.
 *
 * Baseline, measured in the same run next to each: raw Puppeteer `page.pdf` of the very same packets' HTML (made
 * beforehand, untimed) on pages already open in one browser, at the same total concurrency (workers × pages) —
 * the floor of the rendering alone. Prints the ratio of the two throughputs (the aim is ≥ 0.8).
 *
 * Both sides are warmed first, then take turns on four slices of the book (each side going first in turn), so that
 * background load on the machine falls on both alike; a slice of the run is a packet run of its own. BENCH_CLIENTS
 * (default 200) sizes the book.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { pino } from 'pino';
import puppeteer, { type Page } from 'puppeteer-core';
import { pdfOptionsOf } from '../src/render/renderer.js';
import type { Database } from '../src/db/database.js';
import { systemPrincipal, type Principal } from '../src/auth/principal.js';
import { createMsp } from '../src/msps/msp.service.js';
import { PacketQueue } from '../src/packet-runs/packet-queue.js';
import { getPacketRun, startPacketRun } from '../src/packet-runs/packet-run.service.js';
import { preparePacket, type PreparedPacket } from '../src/packets/packet.service.js';
import {
  chromiumArgs,
  createProfileDir,
  locateChromium,
  removeProfileDir,
  runningAsRoot,
} from '../src/render/chromium.js';
import { fixedClock } from '../src/shared/clock.js';
import { packageRoot } from '../src/shared/paths.js';
import { scratchDatabase } from './support.js';

const DATABASE = 'vcio_bench_batch';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const PAGES_PER_WORKER = Number(process.env.BENCH_RENDER_CONCURRENCY ?? 2);
const AS_OF = '2026-11-22';
const PERIODS = 12;

/** 200 clients, each with 30–60 assets of mixed categories and ages, a recurring cost and two initiatives. */
async function seed(database: Database): Promise<{ auth: Principal; clientIds: string[] }> {
  const { msp } = await createMsp(database.db, { name: 'Batch Bench IT' });
  const db = database.db;
  await sql`
    insert into clients (msp_id, name, currency, fiscal_year_start_month, contact_name, vcio_name)
    select ${msp.id}, 'Client ' || lpad(g::text, 4, '0'), 'USD', 1 + (g % 12), 'Owner ' || g, 'Vera vCIO'
    from generate_series(1, ${CLIENTS}) as g`.execute(db);
  await sql`
    insert into assets (msp_id, client_id, name, category, manufacturer, model, serial_number, location, assigned_to,
      operating_system, in_service_on, in_service_on_source, warranty_expires_on, warranty_expires_on_source,
      purchase_cost, replacement_cost)
    select c.msp_id, c.id,
      (array['Workstation', 'Laptop', 'Server', 'Switch', 'Firewall', 'Access point', 'NAS', 'UPS'])[1 + g % 8] || ' ' || g,
      (array['desktop', 'laptop', 'server', 'network_switch', 'firewall', 'wireless_ap', 'storage', 'ups'])[1 + g % 8],
      (array['Dell', 'Lenovo', 'HP', 'Cisco', 'Fortinet', 'Ubiquiti', 'Synology', 'APC'])[1 + g % 8],
      'Model ' || (g % 17), 'SN' || md5(c.id::text || g)::char(10), 'Site ' || (g % 3), 'User ' || g,
      (array['Windows 10 Pro', 'Windows 11 Pro', 'Windows Server 2016', 'Windows Server 2022', 'macOS 13', null, null, null])[1 + g % 8],
      date '2019-01-15' + ((g * 97 + length(c.name)) % 2200), 'manual',
      date '2022-06-01' + ((g * 53) % 1500), 'manual',
      50000 + (g * 7919) % 400000, case when g % 3 = 0 then 90000 + (g * 104729) % 900000 end
    from clients c
    cross join lateral generate_series(1, 30 + (abs(hashtext(c.id::text)) % 31)) as g
    where c.msp_id = ${msp.id}`.execute(db);
  await sql`
    insert into recurring_costs (msp_id, client_id, name, vendor, amount, quantity, interval, starts_on, annual_escalation_bps)
    select msp_id, id, 'Microsoft 365 Business Premium', 'Microsoft', 2200, 10 + (abs(hashtext(name)) % 40), 'month', date '2025-01-01', 300
    from clients where msp_id = ${msp.id}`.execute(db);
  await sql`
    insert into initiatives (msp_id, client_id, title, summary, priority, target_on, capex_cost, monthly_opex_cost, opex_months, status)
    select msp_id, id, t.title, 'Recommended at the last review.', t.priority, t.target_on, t.capex, t.opex, 36, t.status
    from clients
    cross join (values
      ('Replace the firewall', 'high', date '2027-03-01', 450000, 0, 'proposed'),
      ('Move file shares to SharePoint', 'medium', date '2027-06-01', 120000, 15000, 'approved')
    ) as t(title, priority, target_on, capex, opex, status)
    where msp_id = ${msp.id}`.execute(db);
  const clients = await db
    .selectFrom('clients')
    .select('id')
    .where('msp_id', '=', msp.id)
    .orderBy('name')
    .execute();
  return {
    auth: systemPrincipal('bench', msp.id),
    clientIds: clients.map((c) => c.id),
  };
}

interface Worker {
  child: ChildProcess;
  exited: Promise<number | null>;
}

async function startWorker(databaseUrl: string): Promise<Worker> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(packageRoot, 'src', 'cli', 'run.ts'), 'worker'],
    {
      cwd: packageRoot,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        RENDER_CONCURRENCY: String(PAGES_PER_WORKER),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const until = Date.now() + 60_000;
  while (!output.includes('is rendering')) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`a worker did not start: ${output}`);
    await delay(100);
  }
  return { child, exited };
}

/** Queues a run and waits for its last packet; seconds from queueing to done. */
async function timedRun(
  database: Database,
  queue: PacketQueue,
  auth: Principal,
  clientIds: string[],
  periodLabel: string,
): Promise<{ seconds: number; failed: number; retried: number }> {
  const deps = { db: database.db, clock: fixedClock(AS_OF), queue };
  const started = performance.now();
  const created = await startPacketRun(deps, auth, {
    asOf: AS_OF,
    periodLabel,
    clientIds,
    scenario: 'committed',
    periods: PERIODS,
    force: false,
  });
  for (;;) {
    const run = await getPacketRun(database.db, auth, created.id);
    if (run.status === 'done' || run.status === 'failed') {
      return {
        seconds: (performance.now() - started) / 1000,
        failed: run.failed,
        retried: run.clients.filter((client) => client.attempts > 1).length,
      };
    }
    await delay(100);
  }
}

/** The baseline: the prepared HTML straight into page.pdf on `concurrency` pages already open in one browser. */
async function openBaseline(concurrency: number) {
  const location = locateChromium({ configuredPath: process.env.PUPPETEER_EXECUTABLE_PATH });
  if (!location.found) throw new Error(location.reason);
  const profile = createProfileDir();
  const browser = await puppeteer.launch({
    executablePath: location.executablePath,
    headless: true,
    pipe: true,
    userDataDir: profile,
    args: chromiumArgs({ runningAsRoot: runningAsRoot() }),
  });
  const pages: Page[] = [];
  for (let i = 0; i < concurrency; i += 1) {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    pages.push(page);
  }
  const render = async (page: Page, prepared: PreparedPacket) => {
    const options = pdfOptionsOf({ pageSize: prepared.pageSize });
    await page.setContent(prepared.document.html, { waitUntil: 'load' });
    return page.pdf(options);
  };
  return {
    /** Renders the documents on the open pages; seconds. */
    async render(documents: PreparedPacket[]): Promise<number> {
      const started = performance.now();
      let next = 0;
      await Promise.all(
        pages.map(async (page) => {
          while (next < documents.length) {
            const prepared = documents[next]!;
            next += 1;
            await render(page, prepared);
          }
        }),
      );
      return (performance.now() - started) / 1000;
    },
    async close() {
      await browser.close();
      await removeProfileDir(profile);
    },
  };
}

/** The two sides take turns on slices of the book, so that background load on the machine falls on both alike. */
const SLICES = 4;

async function main() {
  const scratch = await scratchDatabase(DATABASE);
  const { database, url } = scratch;
  const workers: Worker[] = [];
  let queue: PacketQueue | undefined;
  try {
    const { auth, clientIds } = await seed(database);
    const assets = await database.db
      .selectFrom('assets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    console.log(
      `Book: ${clientIds.length} clients, ${assets.n} assets; ${PAGES_PER_WORKER} renders at a time per worker process; ` +
        `the run and the baseline take turns on ${SLICES} slices of the book`,
    );

    const clock = fixedClock(AS_OF);
    const documents: PreparedPacket[] = [];
    for (const clientId of clientIds) {
      documents.push(
        await preparePacket({ db: database.db, clock }, auth, clientId, {
          asOf: AS_OF,
          periodLabel: 'Baseline review',
          periods: PERIODS,
          scenario: 'committed',
        }),
      );
    }
    queue = await PacketQueue.open({
      database,
      databaseUrl: url,
      heartbeatSeconds: 30,
      logger: pino({ level: 'warn' }),
    });

    const rows: string[] = [];
    for (const processes of [1, 2]) {
      const concurrency = processes * PAGES_PER_WORKER;
      for (let i = 0; i < processes; i += 1) workers.push(await startWorker(url));
      const baseline = await openBaseline(concurrency);
      let oursSeconds = 0;
      let baselineSeconds = 0;
      let failed = 0;
      let retried = 0;
      try {
        await timedRun(database, queue, auth, clientIds.slice(0, concurrency * 2), `Warm-up ${processes}`);
        await baseline.render(documents.slice(0, concurrency * 2));
        const size = Math.ceil(clientIds.length / SLICES);
        for (let slice = 0; slice < SLICES; slice += 1) {
          const ids = clientIds.slice(slice * size, (slice + 1) * size);
          const ours = () =>
            timedRun(database, queue!, auth, ids, `Bench review, ${processes} worker(s), slice ${slice + 1}`);
          const raw = () => baseline.render(documents.slice(slice * size, (slice + 1) * size));
          // Each goes first in turn.
          if (slice % 2 === 0) baselineSeconds += await raw();
          const run = await ours();
          if (slice % 2 === 1) baselineSeconds += await raw();
          oursSeconds += run.seconds;
          failed += run.failed;
          retried += run.retried;
        }
      } finally {
        await baseline.close();
        for (const worker of workers.splice(0)) {
          worker.child.kill('SIGTERM');
          await worker.exited;
        }
      }
      const perSecond = clientIds.length / oursSeconds;
      const rawPerSecond = clientIds.length / baselineSeconds;
      const line =
        `${processes} worker process(es) × ${PAGES_PER_WORKER} pages: packet run ${perSecond.toFixed(2)} PDFs/s ` +
        `(${oursSeconds.toFixed(1)} s, ${failed} failed, ${retried} retried); ` +
        `baseline raw page.pdf on ${concurrency} open pages ${rawPerSecond.toFixed(2)} PDFs/s; ratio ${(perSecond / rawPerSecond).toFixed(2)}`;
      console.log(line);
      rows.push(line);
    }
    console.log(`\nSummary\n${rows.map((row) => `  ${row}`).join('\n')}`);
  } finally {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await queue?.stop();
    await scratch.drop();
  }
}

await main();
