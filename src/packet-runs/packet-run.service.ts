import { listClientSummaries } from '../clients/client.repository.js';
import type { Db, Executor, Tx } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import { systemPrincipal, type Principal } from '../auth/principal.js';
import { AppError, notFound, type FieldError } from '../http/errors.js';
import { decodeCreatedAtCursor, readPage } from '../http/schemas.js';
import {
  defaultPeriodLabel,
  preparePacket,
  type PreparedPacket,
  renderPdf,
  requireRenderer,
  storePacket,
} from '../packets/packet.service.js';
import type { Renderer } from '../render/renderer.js';
import type { Clock } from '../shared/clock.js';
import { publishEvent } from '../webhooks/webhook-events.js';
import type { PacketJob, PacketJobData, PacketQueue } from './packet-queue.js';
import * as runs from './packet-run.repository.js';
import type { PacketRunStatus } from './packet-run.tables.js';
import type {
  CreatePacketRun,
  PacketRun,
  PacketRunClient,
  PacketRunCreated,
  PacketRunSummary,
} from './packet-run.schemas.js';

/** What starting a run needs; the API passes its app context, the CLI its own. */
export interface PacketRunDependencies {
  db: Executor;
  clock: Clock;
  /** Absent where this process cannot run packet jobs (then starting a run is a 503). */
  queue?: PacketQueue | undefined;
}

/** What working a packet job needs: a worker process, or the embedded `serve`. */
export interface PacketWorkDependencies {
  /** The database itself, not a caller's transaction: a job commits its steps one by one, rendering in between. */
  db: Db;
  clock: Clock;
  renderer: Renderer;
  queue: PacketQueue;
}

/** The one string that names a packet key: the queue's singleton key and packet_run_clients.packet_key. */
export function packetKeyOf(key: PacketJobData): string {
  const parts = [key.mspId, key.clientId, key.asOf, key.scenario, key.periods, key.periodLabel];
  // A forced render is a job of its own: a run that may reuse must not take the place of one that may not.
  return [...parts, ...(key.force ? ['force'] : [])].join('|');
}

/** The identity packet jobs act as: the MSP itself, with no client limit. */
function jobAuth(mspId: string): Principal {
  return systemPrincipal('packet-run', mspId);
}

/**
 * Starts a packet run: one packet per client for the same asOf (default today) and meeting. A client whose stored
 * packet for this key shows exactly what a packet made now would (the same content hash) reuses it at once; the
 * others, and every client with `force`, are queued, one job per packet key, in the same transaction as the run,
 * so a run never exists without its jobs.
 */
export async function startPacketRun(
  deps: PacketRunDependencies,
  auth: Principal,
  input: CreatePacketRun,
): Promise<PacketRunCreated> {
  if (auth.clientId !== null) {
    throw new AppError('forbidden', 403, 'This key is limited to one client and cannot start packet runs');
  }
  const queue = deps.queue;
  if (!queue) throw new AppError('renderer_unavailable', 503, 'Packet runs are not enabled in this process');
  const clients = input.clientIds
    ? await namedClients(deps.db, auth.mspId, input.clientIds)
    : await listClientSummaries(deps.db, auth.mspId);
  const asOf = input.asOf ?? deps.clock.today();
  const force = input.force;
  const jobs = clients.map((client) => {
    const data: PacketJobData = {
      mspId: auth.mspId,
      clientId: client.id,
      asOf,
      periodLabel: input.periodLabel ?? defaultPeriodLabel(asOf, client.fiscalYearStartMonth),
      scenario: input.scenario,
      periods: input.periods,
      ...(force ? { force: true } : {}),
    };
    return { data, key: packetKeyOf(data) };
  });
  const keyOfPacket = (clientId: string, periodLabel: string) => `${clientId}|${periodLabel}`;
  const latestOf = async (db: Executor) =>
    force
      ? new Map<string, runs.LatestPacket>()
      : new Map(
          (
            await runs.findLatestPackets(db, auth.mspId, {
              clientIds: jobs.map((job) => job.data.clientId),
              asOf,
              scenario: input.scenario,
              periods: input.periods,
            })
          ).map((packet) => [keyOfPacket(packet.clientId, packet.periodLabel), packet]),
        );
  // Outside the transaction (it reads each client's data): the stored packets that show what a packet made now
  // would show. Under the keys' locks below, a client reuses its packet only if that is still its newest one.
  const reusable = new Set<string>();
  for (const [key, packet] of await latestOf(deps.db)) {
    if (await showsTheSame({ db: deps.db, clock: deps.clock }, auth, packet, jobOf(jobs, packet)))
      reusable.add(`${key}|${packet.packetId}`);
  }
  return withTransaction(deps.db, async (trx) => {
    const runId = await runs.insertRun(trx, auth.mspId, {
      asOf,
      periodLabel: input.periodLabel ?? null,
      scenario: input.scenario,
      periods: input.periods,
      total: jobs.length,
    });
    await runs.lockPacketKeys(
      trx,
      jobs.map((job) => job.key),
    );
    const latest = await latestOf(trx);
    const reused = new Map<string, string>();
    for (const [key, packet] of latest) {
      if (reusable.has(`${key}|${packet.packetId}`)) reused.set(key, packet.packetId);
    }
    const rows = jobs.map((job) => ({
      clientId: job.data.clientId,
      periodLabel: job.data.periodLabel,
      packetKey: job.key,
      packetId: reused.get(keyOfPacket(job.data.clientId, job.data.periodLabel)) ?? null,
    }));
    await runs.insertRunClients(trx, auth.mspId, runId, rows);
    for (const job of jobs) {
      if (!reused.has(keyOfPacket(job.data.clientId, job.data.periodLabel)))
        await queue.enqueue(trx, job.key, job.data);
    }
    const [status] = await settleRuns(trx, auth.mspId, [runId]);
    return { id: runId, status: status!, total: jobs.length };
  });
}

function jobOf(
  jobs: readonly { data: PacketJobData }[],
  packet: runs.LatestPacket,
): PacketJobData | undefined {
  return jobs.find(
    (job) => job.data.clientId === packet.clientId && job.data.periodLabel === packet.periodLabel,
  )?.data;
}

/**
 * Whether the stored packet shows exactly what a packet made now for the same key would: the same content hash,
 * compared with the last issued packet other than itself (so that issuing it does not make it out of date). A
 * client whose packet cannot be prepared now is not reused; its job renders it, or fails saying why.
 */
async function showsTheSame(
  deps: { db: Executor; clock: Clock },
  auth: Principal,
  packet: { packetId: string; contentSha256: string | null },
  key: PacketJobData | undefined,
): Promise<boolean> {
  if (!key || packet.contentSha256 === null) return false;
  try {
    const now = await preparePacket(deps, auth, key.clientId, key, { excludingIssued: packet.packetId });
    return now.contentSha256 === packet.contentSha256;
  } catch {
    return false;
  }
}

/** The named clients, in the order given; an id that is not the MSP's client is a 400 naming its index. */
async function namedClients(db: Executor, mspId: string, ids: readonly string[]) {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  ids.forEach((id, index) => {
    if (seen.has(id)) errors.push({ path: `body.clientIds[${index}]`, message: 'is listed more than once' });
    seen.add(id);
  });
  const found = new Map(
    (await runs.findClientsOfMsp(db, mspId, [...seen])).map((client) => [client.id, client]),
  );
  ids.forEach((id, index) => {
    if (!found.has(id))
      errors.push({ path: `body.clientIds[${index}]`, message: 'is not a client of this MSP' });
  });
  if (errors.length > 0) throw new AppError('validation_failed', 400, 'The request is not valid', errors);
  return [...seen].map((id) => found.get(id)!);
}

/**
 * Where a run stands: done once every client has a packet or has failed for good (failed when all of them failed;
 * an empty run is done), queued while none has started, running in between.
 */
export function runStatusOf(counts: runs.RunCounts): PacketRunStatus {
  if (counts.done + counts.failed === counts.total)
    return counts.done > 0 || counts.total === 0 ? 'done' : 'failed';
  return counts.queued === counts.total ? 'queued' : 'running';
}

/**
 * Records the runs' status, size and finish time from their clients. Called in the transaction that changed the
 * clients, after locking the runs, so that of two workers settling the last two clients of a run, the second one
 * sees the first one's change. Returns the statuses in the order of `runIds` (an empty run's is `done`).
 */
async function settleRuns(trx: Tx, mspId: string, runIds: readonly string[]): Promise<PacketRunStatus[]> {
  const ids = [...new Set(runIds)].sort();
  if (ids.length === 0) return [];
  const before = await runs.lockRuns(trx, mspId, ids);
  const counts = await runs.countRunClients(trx, mspId, ids);
  const statuses = new Map<string, PacketRunStatus>();
  for (const id of ids) {
    const current = counts.get(id) ?? { total: 0, queued: 0, done: 0, failed: 0 };
    const status = runStatusOf(current);
    statuses.set(id, status);
    await runs.updateRunStatus(trx, mspId, id, { status, total: current.total });
    const settled = (value: PacketRunStatus | undefined) => value === 'done' || value === 'failed';
    if (settled(status) && !settled(before.get(id))) {
      await publishEvent(trx, mspId, 'packet_run.finished', {
        packetRunId: id,
        status,
        total: current.total,
        done: current.done,
        failed: current.failed,
      });
    }
  }
  return runIds.map((id) => statuses.get(id)!);
}

/** How long a run waits before it is said that no worker is there: long enough for a starting worker to register. */
export const NO_WORKER_GRACE_MS = 5_000;

export const NO_WORKER_NOTICE =
  'No worker has picked this up: no process is rendering packets. Start one with `vcio-planner worker`.';

/**
 * A run, client by client. With the queue (the API's), a run that still has clients waiting after the grace period
 * while no process works the queue says so in `notice`, rather than waiting silently.
 */
export async function getPacketRun(
  db: Executor,
  auth: Principal,
  runId: string,
  options: { queue?: PacketQueue | undefined; now?: number } = {},
): Promise<PacketRun> {
  if (auth.clientId !== null) throw notFound('packet run');
  const row = await runs.findRun(db, auth.mspId, runId);
  if (!row) throw notFound('packet run');
  const clients = await runs.listRunClients(db, auth.mspId, runId);
  const run = { ...toSummary(row), clients: clients.map(toRunClient) };
  const waiting =
    run.clients.some((client) => client.status === 'queued') &&
    (options.now ?? Date.now()) - row.createdAt.getTime() >= NO_WORKER_GRACE_MS;
  if (!waiting) return run;
  const workers = options.queue ? await options.queue.workers() : { live: 0 };
  return workers.live === 0 ? { ...run, notice: NO_WORKER_NOTICE } : run;
}

export async function listPacketRuns(
  db: Executor,
  auth: Principal,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: PacketRunSummary[]; nextCursor: string | null }> {
  if (auth.clientId !== null) return { items: [], nextCursor: null };
  const after = decodeCreatedAtCursor(query.cursor);
  const page = await readPage(
    query.limit,
    (limit) => runs.listRuns(db, auth.mspId, { limit, after }),
    (run) => [run.cursorKey, run.id],
  );
  return { ...page, items: page.items.map(toSummary) };
}

function toSummary(run: runs.PacketRunRow): PacketRunSummary {
  return {
    id: run.id,
    status: runStatusOf(run.counts),
    total: run.counts.total,
    done: run.counts.done,
    failed: run.counts.failed,
    asOf: run.asOf,
    periodLabel: run.periodLabel,
    scenario: run.scenario,
    periods: run.periods,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

function toRunClient(client: runs.RunClientRow): PacketRunClient {
  return {
    clientId: client.clientId,
    clientName: client.clientName,
    status: client.status,
    ...(client.status === 'done' && client.outcome ? { outcome: client.outcome } : {}),
    ...(client.packetId ? { packetId: client.packetId } : {}),
    ...(client.error ? { error: client.error } : {}),
    attempts: client.attempts,
  };
}

/**
 * One attempt at a packet job: the clients waiting for its key are marked rendering; unless the key's newest
 * packet shows exactly what a packet made now would (another run's job, or POST …/packets, made it) and the job
 * is not forced, the packet is prepared and rendered; then, under the key's lock, it is stored and handed to every
 * waiting client in one transaction, so that a run created meanwhile either committed its client before (and is
 * marked here) or sees the packet. A failed attempt is recorded on the clients and thrown, for the queue to retry.
 */
export async function renderQueuedPacket(deps: PacketWorkDependencies, job: PacketJob): Promise<void> {
  const { db } = deps;
  const key = job.data;
  const packetKey = packetKeyOf(key);
  const waiting = await withTransaction(db, async (trx) => {
    const changed = await runs.markRendering(trx, key.mspId, packetKey, job.attempt);
    await settleRuns(trx, key.mspId, changed);
    return changed.length;
  });
  // Every run that wanted this packet has it already, or its client was deleted.
  if (waiting === 0) return;
  try {
    const made = await makeOrReuse(deps, key);
    if (job.signal.aborted) throw new Error('The queue took the job back while it was rendering');
    await withTransaction(db, async (trx) => {
      await runs.lockPacketKeys(trx, [packetKey]);
      const packetId =
        made.outcome === 'reused' ? made.packetId : await storeMadePacket(trx, deps.clock, key, made);
      await settleRuns(
        trx,
        key.mspId,
        await runs.markDone(trx, key.mspId, packetKey, { id: packetId, outcome: made.outcome }),
      );
    });
  } catch (error) {
    await withTransaction(db, async (trx) => {
      const changed = await runs.markAttemptFailed(trx, key.mspId, packetKey, describeFailure(error));
      await settleRuns(trx, key.mspId, changed);
    }).catch(() => undefined);
    throw error;
  }
}

type MadeOrReused =
  | { outcome: 'reused'; packetId: string }
  | ({ outcome: 'rendered' } & Awaited<ReturnType<typeof makePacket>>);

/** The key's newest packet when it shows what a new one would (and the job is not forced), else a fresh render. */
async function makeOrReuse(deps: PacketWorkDependencies, key: PacketJobData): Promise<MadeOrReused> {
  const auth = jobAuth(key.mspId);
  const stored = key.force ? undefined : await runs.findPacketOfKey(deps.db, key);
  if (stored?.contentSha256) {
    const now = await preparePacket({ db: deps.db, clock: deps.clock }, auth, key.clientId, key, {
      excludingIssued: stored.id,
    });
    if (now.contentSha256 === stored.contentSha256) return { outcome: 'reused', packetId: stored.id };
    // Left out only to compare: a fresh packet is compared with the last issued one, which may be that one.
    if (!stored.issued) return { outcome: 'rendered', ...(await renderPrepared(deps, now)) };
  }
  return { outcome: 'rendered', ...(await makePacket(deps, key)) };
}

async function makePacket(deps: PacketWorkDependencies, key: PacketJobData) {
  const prepared = await preparePacket(
    { db: deps.db, clock: deps.clock },
    jobAuth(key.mspId),
    key.clientId,
    key,
  );
  return renderPrepared(deps, prepared);
}

async function renderPrepared(deps: PacketWorkDependencies, prepared: PreparedPacket) {
  return { prepared, rendered: await renderPdf(requireRenderer(deps.renderer), prepared) };
}

/** Stores the packet as POST …/packets does, with its checksum and the figures it showed. */
async function storeMadePacket(
  trx: Tx,
  clock: Clock,
  key: PacketJobData,
  made: { prepared: PreparedPacket; rendered: { pdf: Buffer; pageCount: number } },
): Promise<string> {
  const packet = await storePacket(trx, key.mspId, key.clientId, made.prepared, made.rendered, clock.now());
  return packet.id;
}

/**
 * The key's job failed for good. Its waiting clients fail with it, unless a newer job for the same key is queued
 * (a run started after the failure queued it): that job's packet serves them too.
 */
export async function failQueuedPacket(
  deps: Pick<PacketWorkDependencies, 'db' | 'queue'>,
  job: PacketJob,
): Promise<void> {
  const key = job.data;
  const packetKey = packetKeyOf(key);
  await withTransaction(deps.db, async (trx) => {
    await runs.lockPacketKeys(trx, [packetKey]);
    if (await deps.queue.hasPendingJob(trx, packetKey)) return;
    const changed = await runs.markFailed(
      trx,
      key.mspId,
      packetKey,
      'The worker rendering it stopped before it finished',
    );
    await settleRuns(trx, key.mspId, changed);
  });
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 1000) || 'The packet could not be made';
}
