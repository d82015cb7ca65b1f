import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { isIsoDate } from '../domain/dates.js';
import { MAX_PERIOD_COUNT } from '../domain/fiscal-calendar.js';
import { systemPrincipal, type Principal } from '../auth/principal.js';
import { AppError } from '../http/errors.js';
import { findPacketPdf } from '../packets/packet.repository.js';
import { DEFAULT_PACKET_QUARTERS, MIN_PACKET_QUARTERS } from '../packets/packet.schemas.js';
import { packetFilename } from '../packets/packet.service.js';
import { createRenderer, type Renderer } from '../render/renderer.js';
import { openMigratedDatabase, withWebhookSealingKey } from '../server.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { packageVersion } from '../shared/version.js';
import { PacketQueue } from './packet-queue.js';
import { findMspForOperator } from '../msps/msp.service.js';
import type { PacketRun } from './packet-run.schemas.js';
import { getPacketRun, startPacketRun } from './packet-run.service.js';
import { workPacketQueue } from './packet-run.worker.js';
import type { WebhookQueue } from '../webhooks/webhook-queue.js';
import { startWebhookQueue } from '../webhooks/webhook.worker.js';

/** How long a running worker may take to finish its renders on SIGTERM before they are handed back to the queue. */
const SHUTDOWN_GRACE_MS = 30_000;

/**
 * `vcio-planner worker`: renders queued packets until SIGTERM or SIGINT. Any number of workers, on any number of
 * machines, share one PostgreSQL database; the embedded database has one process, and `serve` works it itself.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Render queued packets (PostgreSQL); run as many workers, on as many machines, as you like')
    .action(async () => {
      const config = loadConfig(process.env);
      if (!config.databaseUrl) {
        throw new ConfigError(
          'the embedded database is single-process; `serve` works the queue itself (set DATABASE_URL to run workers)',
        );
      }
      const logger = createLogger(config);
      const database = await openMigratedDatabase(config, logger);
      const renderer = createRenderer({
        executablePath: config.puppeteerExecutablePath,
        concurrency: config.renderConcurrency,
        logger,
      });
      let queue: PacketQueue | undefined;
      let webhookQueue: WebhookQueue | undefined;
      try {
        const status = await renderer.start();
        if (!status.available) throw new Error(status.reason ?? 'The PDF renderer is not available');
        queue = await PacketQueue.open({
          database,
          databaseUrl: config.databaseUrl,
          heartbeatSeconds: config.packetJobHeartbeatSeconds,
          role: 'worker',
          logger,
        });
        await workPacketQueue({
          db: database.db,
          clock: systemClock,
          renderer,
          queue,
          concurrency: config.renderConcurrency,
          logger,
        });
        // Workers deliver webhooks too: an API process on PostgreSQL only queues them.
        const settings = await withWebhookSealingKey(config, database, logger);
        webhookQueue = await startWebhookQueue({
          database,
          databaseUrl: config.databaseUrl,
          settings: settings.webhooks,
          role: 'worker',
          logger,
        });
      } catch (error) {
        await webhookQueue?.stop().catch(() => undefined);
        await shutDown(queue, renderer, database);
        throw error;
      }
      const running = queue;
      const delivering = webhookQueue;
      process.stdout.write(
        `vcio-planner worker ${packageVersion} is rendering up to ${config.renderConcurrency} packet(s) at a time, and delivering webhooks, from ${database.location}\n`,
      );
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'worker stopping: finishing the renders in flight');
        void delivering
          .stop({ timeoutMs: SHUTDOWN_GRACE_MS })
          .catch((error: unknown) => logger.error({ err: error }, 'error while stopping webhook deliveries'))
          .then(() => shutDown(running, renderer, database))
          .then(
            () => process.exit(0),
            (error: unknown) => {
              logger.error({ err: error }, 'error while stopping');
              process.exit(1);
            },
          );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}

/** Takes no more jobs and lets running ones finish (or hands them back), then closes the browser and the database. */
async function shutDown(
  queue: PacketQueue | undefined,
  renderer: Renderer | undefined,
  database: Database,
): Promise<void> {
  try {
    await queue?.stop({ timeoutMs: SHUTDOWN_GRACE_MS });
  } finally {
    await renderer?.close();
    await database.close();
  }
}

interface PacketsOptions {
  msp: string;
  period: string;
  asOf?: string;
  clients?: string[];
  scenario: 'committed' | 'proposed';
  periods: number;
  force?: boolean;
  out: string;
  json?: boolean;
}

function dateOption(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('must be a real calendar date as YYYY-MM-DD');
  return value;
}

function labelOption(value: string): string {
  const label = value.trim();
  if (label.length === 0 || label.length > 100) throw new InvalidArgumentError('must be 1 to 100 characters');
  return label;
}

function quartersOption(value: string): number {
  const quarters = Number(value);
  if (!Number.isInteger(quarters) || quarters < MIN_PACKET_QUARTERS || quarters > MAX_PERIOD_COUNT.quarter) {
    throw new InvalidArgumentError(
      `must be a whole number of quarters from ${MIN_PACKET_QUARTERS} to ${MAX_PERIOD_COUNT.quarter}`,
    );
  }
  return quarters;
}

function clientIdsOption(value: string): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const wrong = ids.find((id) => !uuid.test(id));
  if (ids.length === 0 || wrong !== undefined) {
    throw new InvalidArgumentError(
      `must be client ids separated by commas${wrong ? ` (${JSON.stringify(wrong)} is not one)` : ''}`,
    );
  }
  return ids;
}

/**
 * `vcio-planner packets --msp "Acme IT" --period "FY2027 Q2 roadmap review" --out packets/`: starts a packet run for
 * the MSP's clients (or `--clients`), follows it, and writes one PDF per client, named after the client. On
 * PostgreSQL the workers render; on the embedded database this command renders in-process.
 */
export function registerPacketsCommand(program: Command): void {
  program
    .command('packets')
    .description(
      "Make the roadmap packets of an MSP's clients (a packet run) and write one PDF per client to a directory",
    )
    .requiredOption('--msp <id|name>', 'the MSP: its id, its name in any case, or the start of one name')
    .addOption(
      new Option('--period <label>', 'the meeting, e.g. "FY2027 Q2 roadmap review"')
        .argParser(labelOption)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--as-of <date>', 'the date the figures are computed at (default: today, UTC)').argParser(
        dateOption,
      ),
    )
    .addOption(
      new Option(
        '--clients <ids>',
        "client ids separated by commas (default: all the MSP's clients)",
      ).argParser(clientIdsOption),
    )
    .addOption(
      new Option('--scenario <scenario>', 'which initiatives count')
        .choices(['committed', 'proposed'])
        .default('committed'),
    )
    .addOption(
      new Option('--periods <quarters>', 'quarters in the forecast table')
        .argParser(quartersOption)
        .default(DEFAULT_PACKET_QUARTERS),
    )
    .option(
      '--force',
      "render every client's packet afresh (default: reuse a packet for the same period when nothing it shows changed)",
    )
    .requiredOption('--out <dir>', 'the directory to write the PDFs to (created if missing)')
    .option('--json', 'print { run, files } as JSON')
    .action(async (options: PacketsOptions) => {
      const config = loadConfig(process.env);
      // Warnings go to standard error, so that `--json` output stays one JSON document.
      const logger = pino({ level: 'warn', base: { service: 'vcio-planner' } }, pino.destination(2));
      const database = await openMigratedDatabase(config, logger);
      const embedded = database.kind === 'embedded';
      let renderer: Renderer | undefined;
      let queue: PacketQueue | undefined;
      try {
        const msp = await findMspForOperator(database.db, options.msp);
        if (embedded) {
          renderer = createRenderer({
            executablePath: config.puppeteerExecutablePath,
            concurrency: config.renderConcurrency,
            logger,
          });
          const status = await renderer.start();
          if (!status.available) throw new Error(status.reason ?? 'The PDF renderer is not available');
        }
        queue = await PacketQueue.open({
          database,
          databaseUrl: config.databaseUrl,
          heartbeatSeconds: config.packetJobHeartbeatSeconds,
          role: renderer ? 'worker' : 'api',
          logger,
        });
        if (renderer) {
          await workPacketQueue({
            db: database.db,
            clock: systemClock,
            renderer,
            queue,
            concurrency: config.renderConcurrency,
            logger,
          });
        }
        const auth = systemPrincipal('cli', msp.id);
        const created = await startPacketRun({ db: database.db, clock: systemClock, queue }, auth, {
          asOf: options.asOf,
          periodLabel: options.period,
          clientIds: options.clients,
          scenario: options.scenario,
          periods: options.periods,
          force: Boolean(options.force),
        }).catch((error: unknown) => {
          throw describeRunError(error, options.clients ?? []);
        });
        const run = await follow(database, auth, created.id, { waitsForWorkers: !embedded });
        const outDir = path.resolve(options.out);
        const files = await writePackets(database, auth, run, outDir);
        printSummary(run, files, outDir, Boolean(options.json));
        if (run.failed > 0) process.exitCode = 1;
      } finally {
        await shutDown(queue, renderer, database);
      }
    });
}

/** A refused run as one line about the option it came from. */
function describeRunError(error: unknown, clientIds: readonly string[]): unknown {
  if (!(error instanceof AppError) || !error.errors?.length) return error;
  const problems = error.errors.map((problem) => {
    const index = /^body\.clientIds\[(\d+)\]$/.exec(problem.path)?.[1];
    return index === undefined
      ? `${problem.path} ${problem.message}`
      : `--clients: ${clientIds[Number(index)]} ${problem.message}`;
  });
  return new Error(problems.join('; '));
}

/** Polls the run until every client is settled, showing progress on standard error. */
async function follow(
  database: Database,
  auth: Principal,
  runId: string,
  options: { waitsForWorkers: boolean },
): Promise<PacketRun> {
  const progress = progressReporter(process.stderr);
  const startedAt = Date.now();
  let hinted = false;
  for (;;) {
    const run = await getPacketRun(database.db, auth, runId);
    progress.update(run);
    if (run.status === 'done' || run.status === 'failed') {
      progress.finish();
      return run;
    }
    if (options.waitsForWorkers && !hinted && run.status === 'queued' && Date.now() - startedAt > 15_000) {
      hinted = true;
      progress.note('Nothing has started yet: is a worker running? Start one with `vcio-planner worker`.');
    }
    await delay(500);
  }
}

/** A bar on a terminal; elsewhere (a log, CI) a plain line whenever the counts change. */
function progressReporter(stream: NodeJS.WriteStream) {
  const tty = Boolean(stream.isTTY);
  let last = '';
  let drawn = false;
  return {
    update(run: PacketRun) {
      const rendering = run.clients.filter((client) => client.status === 'rendering').length;
      const settled = run.done + run.failed;
      const counts = `${settled}/${run.total} packets${run.failed > 0 ? `, ${run.failed} failed` : ''}${rendering > 0 ? `, ${rendering} rendering` : ''}`;
      if (counts === last) return;
      last = counts;
      if (tty) {
        const width = 30;
        const filled = run.total === 0 ? width : Math.round((width * settled) / run.total);
        stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${counts}\u001b[K`);
        drawn = true;
      } else {
        stream.write(`${counts}\n`);
      }
    },
    note(text: string) {
      stream.write(`${drawn ? '\n' : ''}${text}\n`);
      drawn = false;
      last = '';
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}

interface WrittenPacket {
  clientId: string;
  clientName: string;
  packetId: string;
  /** Rendered for this run, or reused because nothing it shows changed. */
  outcome: 'rendered' | 'reused' | null;
  file: string;
}

/** One PDF per client with a packet, named after the client; two clients whose names read the same get -2, -3… */
async function writePackets(
  database: Database,
  auth: Principal,
  run: PacketRun,
  outDir: string,
): Promise<WrittenPacket[]> {
  await fs.mkdir(outDir, { recursive: true });
  const taken = new Set<string>();
  const written: WrittenPacket[] = [];
  for (const client of run.clients) {
    if (client.status !== 'done' || !client.packetId) continue;
    const found = await findPacketPdf(database.db, auth.mspId, client.clientId, client.packetId);
    if (!found) continue;
    const base = packetFilename(client.clientName, run.asOf).replace(/\.pdf$/, '');
    let name = `${base}.pdf`;
    for (let n = 2; taken.has(name); n += 1) name = `${base}-${n}.pdf`;
    taken.add(name);
    const file = path.join(outDir, name);
    await fs.writeFile(file, found.pdf);
    written.push({
      clientId: client.clientId,
      clientName: client.clientName,
      packetId: client.packetId,
      outcome: client.outcome ?? null,
      file,
    });
  }
  return written;
}

function printSummary(run: PacketRun, files: WrittenPacket[], outDir: string, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ run, files }, null, 2)}\n`);
    return;
  }
  const label = run.periodLabel ?? "each client's fiscal quarter";
  const lines = [
    `Packet run ${run.id} (${label}, as of ${run.asOf}): ${files.length} of ${run.total} packets written to ${outDir}`,
  ];
  const rendered = files.filter((file) => file.outcome === 'rendered').length;
  const reused = files.filter((file) => file.outcome === 'reused').length;
  lines.push(`${rendered} rendered, ${reused} reused (unchanged since their packet for this period)`);
  for (const file of files)
    lines.push(`  ${path.basename(file.file)}  ${file.clientName}  ${file.outcome ?? ''}`.trimEnd());
  const failed = run.clients.filter((client) => client.status === 'failed');
  if (failed.length > 0) {
    lines.push(`${failed.length} failed:`);
    for (const client of failed) {
      lines.push(
        `  ${client.clientName} (${client.clientId}) after ${client.attempts} attempt(s): ${client.error ?? 'unknown error'}`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
