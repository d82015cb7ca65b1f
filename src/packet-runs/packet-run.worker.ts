import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { Renderer } from '../render/renderer.js';
import type { Clock } from '../shared/clock.js';
import { PacketQueue } from './packet-queue.js';
import { failQueuedPacket, renderQueuedPacket, type PacketWorkDependencies } from './packet-run.service.js';

/**
 * Works the packet queue in this process: `concurrency` renders at a time (RENDER_CONCURRENCY, the renderer's own
 * page pool). A worker process does this on PostgreSQL; the embedded `serve` does it for itself.
 */
export async function workPacketQueue(
  deps: PacketWorkDependencies & { concurrency: number; logger: Logger },
): Promise<void> {
  const log = deps.logger.child({ component: 'packet-worker' });
  await deps.queue.work(
    {
      render: async (job) => {
        const started = performance.now();
        const context = { jobId: job.id, clientId: job.data.clientId, attempt: job.attempt };
        try {
          await renderQueuedPacket(deps, job);
          log.info({ ...context, ms: Math.round(performance.now() - started) }, 'packet job done');
        } catch (error) {
          log.warn({ ...context, err: error }, 'packet job attempt failed');
          throw error;
        }
      },
      failed: async (job) => {
        log.warn({ jobId: job.id, clientId: job.data.clientId }, 'packet job failed for good');
        await failQueuedPacket(deps, job);
      },
    },
    { concurrency: deps.concurrency },
  );
}

/**
 * The packet-run queue of an API process. On PostgreSQL it only enqueues and worker processes render; the embedded
 * database is the process's alone, so it works the queue itself, and without a renderer it offers no runs.
 */
export async function startPacketQueue(options: {
  database: Database;
  config: Config;
  clock: Clock;
  logger: Logger;
  renderer: Renderer;
  canRender: boolean;
}): Promise<PacketQueue | undefined> {
  const { database, config } = options;
  if (database.kind === 'embedded' && !options.canRender) return undefined;
  const queue = await PacketQueue.open({
    database,
    databaseUrl: config.databaseUrl,
    heartbeatSeconds: config.packetJobHeartbeatSeconds,
    role: database.kind === 'embedded' ? 'worker' : 'api',
    logger: options.logger,
  });
  if (database.kind === 'embedded') {
    try {
      await workPacketQueue({ ...options, db: database.db, queue, concurrency: config.renderConcurrency });
    } catch (error) {
      await queue.stop();
      throw error;
    }
  }
  return queue;
}
