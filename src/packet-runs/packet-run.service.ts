import crypto from 'node:crypto';
import { listClientSummaries } from '../clients/client.repository.js';
import type { Db, Tx } from '../db/database.js';
import type { AuthContext } from '../http/auth.js';
import { AppError, notFound, type FieldError } from '../http/errors.js';
import { decodeCursor, encodeCursor } from '../http/schemas.js';
import { insertPacket } from '../packets/packet.repository.js';
import { defaultPeriodLabel, preparePacket, renderPdf, requireRenderer } from '../packets/packet.service.js';
import type { Renderer } from '../render/renderer.js';
import type { Clock } from '../shared/clock.js';
import type { PacketJob, PacketJobData, PacketQueue } from './packet-queue.js';
import * as runs from './packet-run.repository.js';
import type {
  CreatePacketRun,
  PacketRun,
  PacketRunClient,
  PacketRunCreated,
  PacketRunSummary,
} from './packet-run.schemas.js';

/** What starting a run needs; the API passes its app context, the CLI its own. */
export interface PacketRunDependencies {
  db: Db;
  clock: Clock;
  /** Absent where this process cannot run packet jobs (then starting a run is a 503). */
  queue?: PacketQueue | undefined;
}

/** What working a packet job needs: a worker process, or the embedded `serve`. */
export interface PacketWorkDependencies {
  db: Db;
  clock: Clock;
  renderer: Renderer;
  queue: PacketQueue;
}

/** The one string that names a packet key: the queue's singleton key and packet_run_clients.packet_key. */
export function packetKeyOf(key: PacketJobData): string {
  return [key.mspId, key.clientId, key.asOf, key.scenario, key.periods, key.periodLabel].join('|');
}

/** The identity packet jobs act as: the MSP itself, with no client limit. */
function jobAuth(mspId: string): AuthContext {
  return { keyId: 'packet-run', mspId, clientId: null, scope: 'admin' };
}

/**
 * Starts a packet run: one packet per client for the same asOf (default today) and meeting. A client whose packet
 * for this key already exists takes it at once; the others are queued, one job per packet key, in the same
 * transaction as the run, so a run never exists without its jobs.
 */
export async function startPacketRun(
  deps: PacketRunDependencies,
  auth: AuthContext,
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
  const jobs = clients.map((client) => {
    const data: PacketJobData = {
      mspId: auth.mspId,
      clientId: client.id,
      asOf,
      periodLabel: input.periodLabel ?? defaultPeriodLabel(asOf, client.fiscalYearStartMonth),
      scenario: input.scenario,
      periods: input.periods,
    };
    return { data, key: packetKeyOf(data) };
  });
  return deps.db.transaction().execute(async (trx) => {
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
    const existing = new Map(
      (
        await runs.findLatestPackets(trx, auth.mspId, {
          clientIds: jobs.map((job) => job.data.clientId),
          asOf,
          scenario: input.scenario,
          periods: input.periods,
        })
      ).map((packet) => [`${packet.clientId}|${packet.periodLabel}`, packet.packetId]),
    );
    const rows = jobs.map((job) => ({
      clientId: job.data.clientId,
      periodLabel: job.data.periodLabel,
      packetKey: job.key,
      packetId: existing.get(`${job.data.clientId}|${job.data.periodLabel}`) ?? null,
    }));
    await runs.insertRunClients(trx, auth.mspId, runId, rows);
    for (const job of jobs) {
      if (!existing.has(`${job.data.clientId}|${job.data.periodLabel}`))
        await queue.enqueue(trx, job.key, job.data);
    }
    await runs.settleRuns(trx, auth.mspId, [runId]);
    const run = await runs.findRun(trx, auth.mspId, runId);
    if (!run) throw new Error(`packet run ${runId} vanished while it was created`);
    return { id: run.id, status: run.status, total: run.total };
  });
}

/** The named clients, in the order given; an id that is not the MSP's client is a 400 naming its index. */
async function namedClients(db: Db, mspId: string, ids: readonly string[]) {
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

export async function getPacketRun(db: Db, auth: AuthContext, runId: string): Promise<PacketRun> {
  if (auth.clientId !== null) throw notFound('packet run');
  const run = await runs.findRun(db, auth.mspId, runId);
  if (!run) throw notFound('packet run');
  const clients = await runs.listRunClients(db, auth.mspId, runId);
  return { ...toSummary(run), clients: clients.map(toRunClient) };
}

export async function listPacketRuns(
  db: Db,
  auth: AuthContext,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: PacketRunSummary[]; nextCursor: string | null }> {
  if (auth.clientId !== null) return { items: [], nextCursor: null };
  const after = decodeCursor(query.cursor, 2);
  if (after && !isRunCursor(after))
    throw new AppError('validation_failed', 400, 'The request is not valid', [
      { path: 'query.cursor', message: 'is not a cursor this API returned' },
    ]);
  const rows = await runs.listRuns(db, auth.mspId, { limit: query.limit + 1, after });
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  return {
    items: page.map(toSummary),
    nextCursor: more && last ? encodeCursor([last.cursorKey, last.id]) : null,
  };
}

function toSummary(run: runs.PacketRunRow): PacketRunSummary {
  return {
    id: run.id,
    status: run.status,
    total: run.total,
    done: run.done,
    failed: run.failed,
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
    ...(client.packetId ? { packetId: client.packetId } : {}),
    ...(client.error ? { error: client.error } : {}),
    attempts: client.attempts,
  };
}

/** [created_at to the microsecond, id], as listRuns hands them out. */
function isRunCursor(key: readonly (string | number)[]): key is [string, string] {
  const [at, id] = key;
  return (
    typeof at === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at) &&
    typeof id === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
  );
}

/**
 * One attempt at a packet job: the clients waiting for its key are marked rendering; a packet that exists by now
 * is taken as it is; otherwise the packet is prepared and rendered, then stored and handed to every waiting
 * client in one transaction. A failed attempt is recorded on the clients and thrown, for the queue to retry.
 */
export async function renderQueuedPacket(deps: PacketWorkDependencies, job: PacketJob): Promise<void> {
  const { db } = deps;
  const key = job.data;
  const packetKey = packetKeyOf(key);
  const waiting = await db.transaction().execute(async (trx) => {
    const changed = await runs.markRendering(trx, key.mspId, packetKey, job.attempt);
    await runs.settleRuns(trx, key.mspId, changed);
    return changed.length;
  });
  // Every run that wanted this packet has it already, or its client was deleted.
  if (waiting === 0) return;
  try {
    const [existing] = await runs
      .findLatestPackets(db, key.mspId, { ...key, clientIds: [key.clientId] })
      .then((found) => found.filter((packet) => packet.periodLabel === key.periodLabel));
    if (existing) {
      await finishKey(deps, key, packetKey, async () => existing.packetId);
      return;
    }
    const prepared = await preparePacket({ db, clock: deps.clock }, jobAuth(key.mspId), key.clientId, key);
    const rendered = await renderPdf(requireRenderer(deps.renderer), prepared);
    if (job.signal.aborted) throw new Error('The queue took the job back while it was rendering');
    await finishKey(deps, key, packetKey, async (trx) => {
      const packet = await insertPacket(trx, key.mspId, {
        clientId: key.clientId,
        asOf: prepared.asOf,
        periodLabel: prepared.periodLabel,
        scenario: prepared.scenario,
        periods: prepared.periods,
        sha256: crypto.createHash('sha256').update(rendered.pdf).digest('hex'),
        pageCount: rendered.pageCount,
        pdf: rendered.pdf,
        figures: prepared.figures,
        createdAt: deps.clock.now(),
      });
      return packet.id;
    });
  } catch (error) {
    await db
      .transaction()
      .execute(async (trx) => {
        await runs.settleRuns(
          trx,
          key.mspId,
          await runs.markAttemptFailed(trx, key.mspId, packetKey, describeFailure(error)),
        );
      })
      .catch(() => undefined);
    throw error;
  }
}

/**
 * Stores (or takes) the key's packet and marks every client waiting for it done, under the key's lock: a run
 * created meanwhile either committed its waiting client before (and is marked here) or sees the packet.
 */
async function finishKey(
  deps: PacketWorkDependencies,
  key: PacketJobData,
  packetKey: string,
  packetOf: (trx: Tx) => Promise<string>,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await runs.lockPacketKeys(trx, [packetKey]);
    const [stored] = (
      await runs.findLatestPackets(trx, key.mspId, { ...key, clientIds: [key.clientId] })
    ).filter((packet) => packet.periodLabel === key.periodLabel);
    const packetId = stored?.packetId ?? (await packetOf(trx));
    await runs.settleRuns(trx, key.mspId, await runs.markDone(trx, key.mspId, packetKey, packetId));
  });
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
  await deps.db.transaction().execute(async (trx) => {
    await runs.lockPacketKeys(trx, [packetKey]);
    if (await deps.queue.hasPendingJob(trx, packetKey)) return;
    const changed = await runs.markFailed(
      trx,
      key.mspId,
      packetKey,
      'The worker rendering it stopped before it finished',
    );
    await runs.settleRuns(trx, key.mspId, changed);
  });
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 1000) || 'The packet could not be made';
}
