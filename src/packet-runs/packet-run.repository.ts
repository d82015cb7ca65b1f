import { sql, type UpdateObject } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Executor } from '../db/database.js';
import type {
  PacketRunClientOutcome,
  PacketRunClientStatus,
  PacketRunStatus,
  PacketRunTables,
} from './packet-run.tables.js';

/** Reads and writes of packet runs. Every query is scoped by MSP. */

const tables = (db: Executor) => db.withTables<PacketRunTables>();

/** How many of a run's clients (`c`) stand where. */
const countColumns = {
  total: sql<number>`count(*)::int`,
  queued: sql<number>`(count(*) filter (where c.status = 'queued'))::int`,
  done: sql<number>`(count(*) filter (where c.status = 'done'))::int`,
  failed: sql<number>`(count(*) filter (where c.status = 'failed'))::int`,
};

export interface PacketRunRow {
  id: string;
  asOf: string;
  periodLabel: string | null;
  scenario: 'committed' | 'proposed';
  periods: number;
  /** Read live from the clients (the run's own status column is what the service last recorded from them). */
  counts: RunCounts;
  createdAt: Date;
  finishedAt: Date | null;
  /** created_at to the microsecond, for cursors. */
  cursorKey: string;
}

export interface RunClientRow {
  clientId: string;
  clientName: string;
  status: PacketRunClientStatus;
  outcome: PacketRunClientOutcome | null;
  packetId: string | null;
  attempts: number;
  error: string | null;
}

export interface NewRunClient {
  clientId: string;
  periodLabel: string;
  packetKey: string;
  /** A stored packet that shows what a packet made now would show: the client reuses it and is done at once. */
  packetId: string | null;
}

export interface ClientOfRun {
  id: string;
  name: string;
  fiscalYearStartMonth: number;
}

/** The MSP's clients among `ids` (those that are not its clients are simply missing). */
export async function findClientsOfMsp(
  db: Executor,
  mspId: string,
  ids: readonly string[],
): Promise<ClientOfRun[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('clients')
    .select(['id', 'name', 'fiscal_year_start_month'])
    .where('msp_id', '=', mspId)
    .where('id', '=', sql<string>`any(${sql.val(ids)}::uuid[])`)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    fiscalYearStartMonth: row.fiscal_year_start_month,
  }));
}

/** The first half of the two-key advisory locks on packet keys ('pk'), apart from every other advisory lock. */
const PACKET_KEY_LOCKS = 0x706b;
/**
 * Packet keys share this many locks. A run of thousands of clients then holds a bounded number of locks (they
 * count against PostgreSQL's shared lock table); two keys in one bucket merely wait for each other briefly.
 */
const PACKET_KEY_LOCK_BUCKETS = 64;

/**
 * Takes the transaction-scoped locks of the packet keys, in bucket order (so that two transactions locking
 * overlapping sets cannot deadlock). The job that stores a key's packet takes the same lock, so a run is either
 * created before that job marks the waiting clients done, or sees the packet.
 */
export async function lockPacketKeys(db: Executor, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await sql`
    select count(*) from (
      select pg_advisory_xact_lock(${PACKET_KEY_LOCKS}::int, bucket)
      from (
        select distinct (hashtextextended(k, 0) & ${PACKET_KEY_LOCK_BUCKETS - 1})::int as bucket
        from unnest(${sql.val([...keys])}::text[]) as k
        order by bucket
      ) as buckets
    ) as locked`.execute(db);
}

/** The newest packet of each (client, period label) with this as-of date, scenario and length. */
export async function findLatestPackets(
  db: Executor,
  mspId: string,
  key: { clientIds: readonly string[]; asOf: string; scenario: 'committed' | 'proposed'; periods: number },
): Promise<LatestPacket[]> {
  if (key.clientIds.length === 0) return [];
  const rows = await db
    .selectFrom('packets')
    .select(['client_id', 'period_label', 'id', 'status', 'content_sha256'])
    .distinctOn(['client_id', 'period_label'])
    .where('msp_id', '=', mspId)
    .where('client_id', '=', sql<string>`any(${sql.val(key.clientIds)}::uuid[])`)
    .where('as_of', '=', key.asOf)
    .where('scenario', '=', key.scenario)
    .where('periods', '=', key.periods)
    .orderBy('client_id')
    .orderBy('period_label')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((row) => ({
    clientId: row.client_id,
    periodLabel: row.period_label,
    packetId: row.id,
    issued: row.status === 'issued',
    contentSha256: row.content_sha256,
  }));
}

export interface LatestPacket {
  clientId: string;
  periodLabel: string;
  packetId: string;
  issued: boolean;
  /** Null for a packet made before packets kept one: it is never reused. */
  contentSha256: string | null;
}

/** The newest packet with exactly this key, if any, with what a packet run compares. */
export async function findPacketOfKey(
  db: Executor,
  key: {
    mspId: string;
    clientId: string;
    asOf: string;
    periodLabel: string;
    scenario: 'committed' | 'proposed';
    periods: number;
  },
): Promise<{ id: string; issued: boolean; contentSha256: string | null } | undefined> {
  const row = await db
    .selectFrom('packets')
    .select(['id', 'status', 'content_sha256'])
    .where('msp_id', '=', key.mspId)
    .where('client_id', '=', key.clientId)
    .where('as_of', '=', key.asOf)
    .where('period_label', '=', key.periodLabel)
    .where('scenario', '=', key.scenario)
    .where('periods', '=', key.periods)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { id: row.id, issued: row.status === 'issued', contentSha256: row.content_sha256 };
}

export async function insertRun(
  db: Executor,
  mspId: string,
  run: {
    asOf: string;
    periodLabel: string | null;
    scenario: 'committed' | 'proposed';
    periods: number;
    total: number;
  },
): Promise<string> {
  const row = await tables(db)
    .insertInto('packet_runs')
    .values({
      msp_id: mspId,
      as_of: run.asOf,
      period_label: run.periodLabel,
      scenario: run.scenario,
      periods: run.periods,
      total: run.total,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertRunClients(
  db: Executor,
  mspId: string,
  runId: string,
  clients: readonly NewRunClient[],
): Promise<void> {
  // In slices, to stay far below the bind-parameter limit for MSPs with thousands of clients.
  for (let start = 0; start < clients.length; start += 1000) {
    await tables(db)
      .insertInto('packet_run_clients')
      .values(
        clients.slice(start, start + 1000).map((client) => ({
          run_id: runId,
          msp_id: mspId,
          client_id: client.clientId,
          period_label: client.periodLabel,
          packet_key: client.packetKey,
          status: client.packetId ? ('done' as const) : ('queued' as const),
          outcome: client.packetId ? ('reused' as const) : null,
          packet_id: client.packetId,
        })),
      )
      .execute();
  }
}

/** The runs whose waiting clients changed, for settleRuns. */
type ChangedRuns = string[];

type WaitingClientChange = UpdateObject<DB, 'packet_run_clients'>;

/** Applies a change to every client still waiting on the key's packet; answers the runs they belong to. */
async function updateWaitingClients(
  db: Executor,
  mspId: string,
  packetKey: string,
  change: WaitingClientChange,
): Promise<ChangedRuns> {
  const rows = await tables(db)
    .updateTable('packet_run_clients')
    .set(change)
    .where('msp_id', '=', mspId)
    .where('packet_key', '=', packetKey)
    .where('status', 'in', ['queued', 'rendering'])
    .returning('run_id')
    .execute();
  return rows.map((row) => row.run_id);
}

/** A job for the key started an attempt: its waiting clients are rendering (a previous attempt's error is cleared). */
export function markRendering(
  db: Executor,
  mspId: string,
  packetKey: string,
  attempt: number,
): Promise<ChangedRuns> {
  return updateWaitingClients(db, mspId, packetKey, {
    status: 'rendering',
    attempts: attempt,
    error: null,
    updated_at: sql<Date>`now()`,
  });
}

/** An attempt failed and the job will be retried: the clients wait again, showing why. */
export function markAttemptFailed(
  db: Executor,
  mspId: string,
  packetKey: string,
  error: string,
): Promise<ChangedRuns> {
  return updateWaitingClients(db, mspId, packetKey, {
    status: 'queued',
    error: error.slice(0, 1000),
    updated_at: sql<Date>`now()`,
  });
}

/** The key's packet is there: rendered by this job, or reused because it shows what a new one would. */
export function markDone(
  db: Executor,
  mspId: string,
  packetKey: string,
  packet: { id: string; outcome: PacketRunClientOutcome },
): Promise<ChangedRuns> {
  return updateWaitingClients(db, mspId, packetKey, {
    status: 'done',
    outcome: packet.outcome,
    packet_id: packet.id,
    error: null,
    updated_at: sql<Date>`now()`,
  });
}

/** The key's job failed for good; a client without an error of its own gets `reason`. */
export function markFailed(
  db: Executor,
  mspId: string,
  packetKey: string,
  reason: string,
): Promise<ChangedRuns> {
  return updateWaitingClients(db, mspId, packetKey, {
    status: 'failed',
    error: sql<string>`coalesce(error, ${reason})`,
    updated_at: sql<Date>`now()`,
  });
}

/** How a run's clients stand. */
export interface RunCounts {
  total: number;
  queued: number;
  done: number;
  failed: number;
}

/**
 * Locks the runs' rows (in id order, so that two transactions cannot deadlock on them). Every change to a run's
 * clients is followed by this and a recount in the same transaction, so the last of two concurrent changes reads
 * the other's result.
 */
/** Locks the runs (in id order) and answers the status each had before this change. */
export async function lockRuns(
  db: Executor,
  mspId: string,
  runIds: readonly string[],
): Promise<Map<string, PacketRunStatus>> {
  const rows = await tables(db)
    .selectFrom('packet_runs')
    .select(['id', 'status'])
    .where('msp_id', '=', mspId)
    .where('id', '=', sql<string>`any(${sql.val(runIds)}::uuid[])`)
    .orderBy('id')
    .forUpdate()
    .execute();
  return new Map(rows.map((row) => [row.id, row.status]));
}

export async function countRunClients(
  db: Executor,
  mspId: string,
  runIds: readonly string[],
): Promise<Map<string, RunCounts>> {
  const rows = await tables(db)
    .selectFrom('packet_run_clients as c')
    .select([
      'c.run_id',
      countColumns.total.as('total'),
      countColumns.queued.as('queued'),
      countColumns.done.as('done'),
      countColumns.failed.as('failed'),
    ])
    .where('c.msp_id', '=', mspId)
    .where('c.run_id', '=', sql<string>`any(${sql.val(runIds)}::uuid[])`)
    .groupBy('c.run_id')
    .execute();
  return new Map(
    rows.map((row) => [
      row.run_id,
      { total: row.total, queued: row.queued, done: row.done, failed: row.failed },
    ]),
  );
}

/** Records a run's status and size; the finish time is set when it first settles. */
export async function updateRunStatus(
  db: Executor,
  mspId: string,
  runId: string,
  run: { status: PacketRunStatus; total: number },
): Promise<void> {
  const settled = run.status === 'done' || run.status === 'failed';
  await tables(db)
    .updateTable('packet_runs')
    .set({
      status: run.status,
      total: run.total,
      finished_at: settled ? sql<Date>`coalesce(finished_at, now())` : null,
    })
    .where('msp_id', '=', mspId)
    .where('id', '=', runId)
    .where((eb) => eb.or([eb('status', '<>', run.status), eb('total', '<>', run.total)]))
    .execute();
}

/** Runs with their client counts: the newest first, or one by id. */
function runsWithCounts(db: Executor, mspId: string) {
  return tables(db)
    .selectFrom('packet_runs as r')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('packet_run_clients as c')
          .select([
            countColumns.total.as('total'),
            countColumns.queued.as('queued'),
            countColumns.done.as('done'),
            countColumns.failed.as('failed'),
          ])
          .whereRef('c.run_id', '=', 'r.id')
          .where('c.msp_id', '=', mspId)
          .as('n'),
      (join) => join.onTrue(),
    )
    .select([
      'r.id',
      'r.as_of',
      'r.period_label',
      'r.scenario',
      'r.periods',
      'r.created_at',
      'r.finished_at',
      'n.total',
      'n.queued',
      'n.done',
      'n.failed',
      sql<string>`to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'created_key',
      ),
    ])
    .where('r.msp_id', '=', mspId);
}

type RunWithCounts = Awaited<ReturnType<ReturnType<typeof runsWithCounts>['execute']>>[number];

function toRun(row: RunWithCounts): PacketRunRow {
  return {
    id: row.id,
    asOf: row.as_of,
    periodLabel: row.period_label,
    scenario: row.scenario,
    periods: row.periods,
    counts: { total: row.total ?? 0, queued: row.queued ?? 0, done: row.done ?? 0, failed: row.failed ?? 0 },
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    cursorKey: row.created_key,
  };
}

export async function findRun(db: Executor, mspId: string, runId: string): Promise<PacketRunRow | undefined> {
  const row = await runsWithCounts(db, mspId).where('r.id', '=', runId).executeTakeFirst();
  return row && toRun(row);
}

/** Newest first; `after` is the last row's (cursorKey, id) of the previous page. */
export async function listRuns(
  db: Executor,
  mspId: string,
  page: { limit: number; after?: [string, string] | undefined },
): Promise<PacketRunRow[]> {
  let query = runsWithCounts(db, mspId);
  if (page.after) {
    const [key, id] = page.after;
    const at = sql<Date>`cast(${key} as timestamptz)`;
    query = query.where((eb) =>
      eb.or([eb('r.created_at', '<', at), eb.and([eb('r.created_at', '=', at), eb('r.id', '<', id)])]),
    );
  }
  const rows = await query
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(page.limit)
    .execute();
  return rows.map(toRun);
}

/** A run's clients by name. */
export async function listRunClients(db: Executor, mspId: string, runId: string): Promise<RunClientRow[]> {
  const rows = await tables(db)
    .selectFrom('packet_run_clients as rc')
    .innerJoin('clients as c', (join) =>
      join.onRef('c.id', '=', 'rc.client_id').onRef('c.msp_id', '=', 'rc.msp_id'),
    )
    .select(['rc.client_id', 'c.name', 'rc.status', 'rc.outcome', 'rc.packet_id', 'rc.attempts', 'rc.error'])
    .where('rc.msp_id', '=', mspId)
    .where('rc.run_id', '=', runId)
    .orderBy('c.name')
    .orderBy('rc.client_id')
    .execute();
  return rows.map((row) => ({
    clientId: row.client_id,
    clientName: row.name,
    status: row.status,
    outcome: row.outcome,
    packetId: row.packet_id,
    attempts: row.attempts,
    error: row.error,
  }));
}
