import os from 'node:os';
import { PgBoss, type ConstructorOptions, type Instance, type Job } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database, Executor } from '../db/database.js';
import { embeddedQueueDb, transactionQueueDb as transactionDb } from '../db/queue-db.js';

/** One packet to make: the packet key. Every run waiting for the same key takes the packet its job makes. */
export interface PacketJobData {
  mspId: string;
  clientId: string;
  asOf: string;
  periodLabel: string;
  scenario: 'committed' | 'proposed';
  periods: number;
  /** Render afresh even when the stored packet shows what a new one would (`force: true` on the run). */
  force?: boolean;
}

export interface PacketJob {
  id: string;
  data: PacketJobData;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /** Aborted when the queue takes the job back (its heartbeat was missed, or the worker is stopping). */
  signal: AbortSignal;
}

export interface PacketJobHandlers {
  render(job: PacketJob): Promise<void>;
  /** The job failed for good: its retries ran out, or every worker that took it died. */
  failed(job: PacketJob): Promise<void>;
}

export interface PacketQueueOptions {
  database: Database;
  /** The PostgreSQL URL, where pg-boss keeps a small pool of its own; unused on the embedded database. */
  databaseUrl?: string | undefined;
  /** A job whose worker sends no heartbeat for this long is failed and retried, on this or another worker. */
  heartbeatSeconds: number;
  /** Retries after the first attempt. Default 2 (three attempts). */
  retryLimit?: number;
  /** The first retry's delay; later ones back off exponentially (with jitter) up to a minute. Default 2. */
  retryDelaySeconds?: number;
  /** How often an idle worker looks for jobs. Default 1. */
  pollingIntervalSeconds?: number;
  /**
   * `worker` for a process that works the queue (a worker, the embedded `serve`), `api` for one that only
   * enqueues; recorded in pg-boss's instance registry, where API processes look for live workers. Default `api`.
   */
  role?: 'worker' | 'api';
  logger: Logger;
}

/** What the API can tell about the processes that work the queue. */
export interface PacketWorkers {
  /** Live processes working the queue, this one included. */
  live: number;
}

export const RENDER_QUEUE = 'packet-render';
export const FAILED_QUEUE = 'packet-render-failed';
const SCHEMA = 'pgboss';
/** pg-boss instance names; a live `packet-worker` instance is a process that renders packets. */
const INSTANCE_NAMES = { worker: 'packet-worker', api: 'api' } as const;
/** How often each process refreshes its registry row; it reads as gone after three missed beats. */
const INSTANCE_HEARTBEAT_SECONDS = 10;
/** The longest a render job may stay active whatever its heartbeat says: far beyond any real packet. */
const EXPIRE_SECONDS = 15 * 60;

/**
 * The durable queue of packet renders, on pg-boss in the application's own database.
 *
 * On PostgreSQL pg-boss has its own small pool, so any number of API and worker processes share the queue. On
 * the embedded database (one process, one connection) it runs through the application's Kysely instance, each
 * statement on the connection Kysely hands out, so that pg-boss's statements queue up behind the application's
 * transactions instead of landing inside them.
 *
 * Jobs are enqueued in the caller's transaction, so a run's rows and its jobs are committed together.
 */
export class PacketQueue {
  readonly #boss: PgBoss;
  readonly #options: PacketQueueOptions;
  #stopping: Promise<void> | undefined;
  #working = false;

  private constructor(boss: PgBoss, options: PacketQueueOptions) {
    this.#boss = boss;
    this.#options = options;
  }

  /** Starts pg-boss (installing or upgrading its schema, `pgboss`, when needed) and creates the queues. */
  static async open(options: PacketQueueOptions): Promise<PacketQueue> {
    const { database, logger } = options;
    // The supervisor fails jobs whose heartbeat stopped; it has to look at least as often as heartbeats are due.
    const superviseSeconds = Math.max(1, Math.min(60, Math.floor(options.heartbeatSeconds / 2)));
    const common: ConstructorOptions = {
      schema: SCHEMA,
      superviseIntervalSeconds: superviseSeconds,
      monitorIntervalSeconds: superviseSeconds,
      schedule: false,
      instanceName: INSTANCE_NAMES[options.role ?? 'api'],
      instanceHeartbeatSeconds: INSTANCE_HEARTBEAT_SECONDS,
    };
    let boss: PgBoss;
    if (database.kind === 'postgres') {
      if (!options.databaseUrl) throw new Error('The packet queue needs the PostgreSQL URL');
      boss = new PgBoss({
        ...common,
        connectionString: options.databaseUrl,
        max: 4,
        application_name: 'vcio-planner-queue',
        // Idle workers are woken by NOTIFY when a run is queued, rather than at their next poll.
        useListenNotify: true,
      });
    } else {
      boss = new PgBoss({ ...common, db: embeddedQueueDb(database.db), backend: 'pglite' });
    }
    const log = logger.child({ component: 'packet-queue' });
    boss.on('error', (error) => log.error({ err: error }, 'packet queue error'));
    boss.on('warning', (warning) => log.warn({ warning }, 'packet queue warning'));
    await boss.start();
    try {
      const retry = {
        retryLimit: options.retryLimit ?? 2,
        retryDelay: options.retryDelaySeconds ?? 2,
        retryBackoff: true,
        retryDelayMax: 60,
      };
      await ensureQueue(boss, FAILED_QUEUE, { ...retry, retryLimit: 5 });
      // One queued or active job per packet key: a second run for the same packet waits for the first one's job.
      await ensureQueue(
        boss,
        RENDER_QUEUE,
        {
          ...retry,
          expireInSeconds: EXPIRE_SECONDS,
          heartbeatSeconds: options.heartbeatSeconds,
          deadLetter: FAILED_QUEUE,
          notify: true,
        },
        'exclusive',
      );
    } catch (error) {
      await boss.stop({ graceful: false }).catch(() => undefined);
      throw error;
    }
    return new PacketQueue(boss, options);
  }

  /**
   * Queues the render of one packet in the caller's transaction; null when a job for the same key is already
   * queued or running (that job's packet serves the caller as well).
   */
  enqueue(trx: Executor, key: string, data: PacketJobData): Promise<string | null> {
    return this.#boss.send(RENDER_QUEUE, data, { singletonKey: key, db: transactionDb(trx) });
  }

  /** Whether a job for the key is waiting, retrying or running, read in the caller's transaction. */
  async hasPendingJob(trx: Executor, key: string): Promise<boolean> {
    const jobs = await this.#boss.findJobs(RENDER_QUEUE, { key, db: transactionDb(trx), limit: 1000 });
    return jobs.some((job) =>
      ['created', 'retry', 'active'].includes((job as { state?: string }).state ?? ''),
    );
  }

  /**
   * The processes working the queue: this one, when it does, and on PostgreSQL every other live instance that
   * registered as a worker (pg-boss's instance registry, refreshed every few seconds by each process).
   */
  async workers(): Promise<PacketWorkers> {
    const here = this.#working && !this.#stopping ? 1 : 0;
    if (this.#options.database.kind !== 'postgres') return { live: here };
    const instances = (await this.#boss.getInstances({ limit: 10_000 })) as (Instance & { live?: boolean })[];
    const others = instances.filter(
      (instance) =>
        instance.name === INSTANCE_NAMES.worker &&
        instance.live === true &&
        !(this.#working && instance.pid === process.pid && instance.host === os.hostname()),
    );
    return { live: here + others.length };
  }

  /** Works both queues in this process: `concurrency` renders at a time. */
  async work(handlers: PacketJobHandlers, options: { concurrency: number }): Promise<void> {
    this.#working = true;
    const interval = this.#options.pollingIntervalSeconds ?? 1;
    // With NOTIFY a new job wakes idle workers at once; polling still finds retries as they come due.
    const polling = { pollingIntervalSeconds: interval, notifyPollingIntervalSeconds: Math.max(interval, 2) };
    await this.#boss.work<PacketJobData>(
      RENDER_QUEUE,
      { ...polling, batchSize: 1, localConcurrency: Math.max(1, options.concurrency) },
      async ([job]) => {
        try {
          if (job) await handlers.render(toPacketJob(job));
        } finally {
          this.#wakeRenderWorkers();
        }
      },
    );
    await this.#boss.work<PacketJobData>(FAILED_QUEUE, { ...polling, batchSize: 1 }, async ([job]) => {
      if (job) await handlers.failed(toPacketJob(job));
    });
  }

  /**
   * A pg-boss worker waits out its polling interval after each job; while a run has jobs left that is idle
   * time. Waking this process's render workers when a job ends makes them fetch again at once; one that finds
   * nothing goes back to polling.
   */
  #wakeRenderWorkers(): void {
    for (const worker of this.#boss.getWipData()) {
      if (worker.name === RENDER_QUEUE) this.#boss.notifyWorker(worker.id);
    }
  }

  /**
   * Takes no more jobs, waits up to `timeoutMs` for the running ones, hands back any still running (they are
   * retried, here or on another worker) and closes pg-boss's connections.
   */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#stopping ??= this.#boss.stop({ graceful: true, timeout: options.timeoutMs ?? 30_000, close: true });
    return this.#stopping;
  }
}

/** Creates the queue (a no-op when it exists, whoever starts first) and applies this process's settings. */
async function ensureQueue(
  boss: PgBoss,
  name: string,
  options: Record<string, unknown>,
  policy: 'standard' | 'exclusive' = 'standard',
): Promise<void> {
  await boss.createQueue(name, { ...options, policy });
  // Settings may have changed since the queue was created (PACKET_JOB_HEARTBEAT_SECONDS); its policy cannot.
  await boss.updateQueue(name, options);
}

function toPacketJob(job: Job<PacketJobData>): PacketJob {
  return { id: job.id, data: job.data, attempt: job.retryCount + 1, signal: job.signal };
}
