import { PgBoss, type ConstructorOptions } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database, Db, Executor } from '../db/database.js';
import { embeddedQueueDb, transactionQueueDb } from '../db/queue-db.js';

/** One delivery to make: an event to one subscription. */
export interface DeliveryJobData {
  mspId: string;
  eventId: string;
  subscriptionId: string;
}

export interface DeliveryJob {
  id: string;
  data: DeliveryJobData;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
}

export interface WebhookQueueOptions {
  database: Database;
  /** The PostgreSQL URL, where pg-boss keeps a small pool of its own; unused on the embedded database. */
  databaseUrl?: string | undefined;
  /** Attempts per delivery, the first included. */
  maxAttempts: number;
  /** The first retry's delay; later ones double, with jitter, up to an hour. */
  retryDelaySeconds: number;
  /** How often an idle worker looks for due deliveries (retries). Default 2. */
  pollingIntervalSeconds?: number;
  /** `worker` for a process that delivers (a worker, the embedded `serve`), `api` for one that only enqueues. */
  role: 'worker' | 'api';
  logger: Logger;
}

export const DELIVERY_QUEUE = 'webhook-delivery';
const SCHEMA = 'pgboss';
const INSTANCE_NAMES = { worker: 'webhook-worker', api: 'webhook-api' } as const;
const RETRY_DELAY_MAX_SECONDS = 3600;

/** The queue each open database's process enqueues deliveries on (see publishEvent). */
const openQueues = new WeakMap<Db, WebhookQueue>();

/** The webhook queue this process opened on the database, if it opened one. */
export function webhookQueueOf(db: Db): WebhookQueue | undefined {
  return openQueues.get(db);
}

/**
 * Webhook deliveries on pg-boss in the application's own database, set up as the packet queue is: its own small
 * pool on PostgreSQL, the application's connection on the embedded database. A delivery is one job per event and
 * subscription; a failed attempt is retried by pg-boss with exponential backoff.
 */
export class WebhookQueue {
  readonly #boss: PgBoss;
  readonly #options: WebhookQueueOptions;
  #stopping: Promise<void> | undefined;
  readonly #timers: NodeJS.Timeout[] = [];

  private constructor(boss: PgBoss, options: WebhookQueueOptions) {
    this.#boss = boss;
    this.#options = options;
  }

  static async open(options: WebhookQueueOptions): Promise<WebhookQueue> {
    const { database, logger } = options;
    const common: ConstructorOptions = {
      schema: SCHEMA,
      schedule: false,
      supervise: options.role === 'worker',
      instanceName: INSTANCE_NAMES[options.role],
    };
    const boss =
      database.kind === 'postgres'
        ? new PgBoss({
            ...common,
            connectionString: requireUrl(options.databaseUrl),
            max: 2,
            application_name: 'vcio-planner-webhooks',
            useListenNotify: true,
          })
        : new PgBoss({ ...common, db: embeddedQueueDb(database.db), backend: 'pglite' });
    const log = logger.child({ component: 'webhook-queue' });
    boss.on('error', (error) => log.error({ err: error }, 'webhook queue error'));
    boss.on('warning', (warning) => log.warn({ warning }, 'webhook queue warning'));
    await boss.start();
    try {
      const settings = {
        retryLimit: options.maxAttempts - 1,
        retryDelay: options.retryDelaySeconds,
        retryBackoff: true,
        retryDelayMax: RETRY_DELAY_MAX_SECONDS,
        notify: true,
      };
      await boss.createQueue(DELIVERY_QUEUE, { ...settings, policy: 'standard' });
      // WEBHOOK_MAX_ATTEMPTS and WEBHOOK_RETRY_DELAY_SECONDS may have changed since the queue was made.
      await boss.updateQueue(DELIVERY_QUEUE, settings);
    } catch (error) {
      await boss.stop({ graceful: false }).catch(() => undefined);
      throw error;
    }
    const queue = new WebhookQueue(boss, options);
    openQueues.set(database.db, queue);
    return queue;
  }

  /** Queues one delivery in the caller's transaction; a second job for the same event and subscription is not made. */
  async enqueue(trx: Executor, data: DeliveryJobData): Promise<void> {
    await this.#boss.send(DELIVERY_QUEUE, data, {
      singletonKey: `${data.eventId}:${data.subscriptionId}`,
      db: transactionQueueDb(trx),
    });
  }

  /**
   * Delivers in this process, `concurrency` at a time, and runs `sweep` every few seconds (events recorded where no
   * queue was open, or whose dispatch after commit failed).
   */
  async work(
    deliver: (job: DeliveryJob) => Promise<void>,
    options: { concurrency: number; sweep: () => Promise<void>; sweepIntervalMs?: number },
  ): Promise<void> {
    const interval = this.#options.pollingIntervalSeconds ?? 2;
    await this.#boss.work<DeliveryJobData>(
      DELIVERY_QUEUE,
      {
        pollingIntervalSeconds: interval,
        notifyPollingIntervalSeconds: Math.max(interval, 2),
        batchSize: 1,
        localConcurrency: options.concurrency,
      },
      async ([job]) => {
        if (job) await deliver({ id: job.id, data: job.data, attempt: job.retryCount + 1 });
      },
    );
    const log = this.#options.logger.child({ component: 'webhook-queue' });
    let sweeping = false;
    const timer = setInterval(() => {
      if (sweeping || this.#stopping) return;
      sweeping = true;
      options
        .sweep()
        .catch((error: unknown) => log.warn({ err: error }, 'webhook sweep failed'))
        .finally(() => {
          sweeping = false;
        });
    }, options.sweepIntervalMs ?? 5000);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Takes no more jobs, lets running deliveries finish (up to `timeoutMs`), and closes pg-boss's connections. */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    if (openQueues.get(this.#options.database.db) === this) openQueues.delete(this.#options.database.db);
    this.#stopping ??= this.#boss.stop({ graceful: true, timeout: options.timeoutMs ?? 15_000, close: true });
    return this.#stopping;
  }
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new Error('The webhook queue needs the PostgreSQL URL');
  return url;
}
