import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import type { PacketRunClientStatus, PacketRunStatus, PacketRunTables } from './packet-run.tables.js';

/** Reads and writes of packet runs. Every query is scoped by MSP. */

const tables = (db: Executor) => db.withTables<PacketRunTables>();

export interface PacketRunRow {
  id: string;
  asOf: string;
  periodLabel: string | null;
  scenario: 'committed' | 'proposed';
  periods: number;
  status: PacketRunStatus;
  total: number;
  done: number;
  failed: number;
  createdAt: Date;
  finishedAt: Date | null;
  /** created_at to the microsecond, for cursors. */
  cursorKey: string;
}

export interface RunClientRow {
  clientId: string;
  clientName: string;
  status: PacketRunClientStatus;
  packetId: string | null;
  attempts: number;
  error: string | null;
}

export interface NewRunClient {
  clientId: string;
  periodLabel: string;
  packetKey: string;
  /** A packet that already exists for the key: the client is done at once. */
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

/**
 * Takes a transaction-scoped lock on each packet key, in key order (so that two transactions locking overlapping
 * sets cannot deadlock). The job that stores a key's packet takes the same lock, so a run is either created
 * before that job marks the waiting clients done, or sees the packet.
 */
export async function lockPacketKeys(db: Executor, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const sorted = [...new Set(keys)].sort();
  await sql`
    select count(*) from (
      select pg_advisory_xact_lock(hashtextextended(k, 0))
      from (select k from unnest(${sql.val(sorted)}::text[]) as k order by k) as sorted_keys
    ) as locked`.execute(db);
}

/** The newest packet of each (client, period label) with this as-of date, scenario and length. */
export async function findLatestPackets(
  db: Executor,
  mspId: string,
  key: { clientIds: readonly string[]; asOf: string; scenario: 'committed' | 'proposed'; periods: number },
): Promise<{ clientId: string; periodLabel: string; packetId: string }[]> {
  if (key.clientIds.length === 0) return [];
  const rows = await db
    .selectFrom('packets')
    .select(['client_id', 'period_label', 'id'])
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
  return rows.map((row) => ({ clientId: row.client_id, periodLabel: row.period_label, packetId: row.id }));
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
      // An empty run is finished as it starts; settleRuns decides for the others.
      ...(run.total === 0 ? { status: 'done' as const, finished_at: sql<Date>`now()` } : {}),
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
          packet_id: client.packetId,
        })),
      )
      .execute();
  }
}

/** The runs whose waiting clients changed, for settleRuns. */
type ChangedRuns = string[];

/** A job for the key started an attempt: its waiting clients are rendering (a previous attempt's error is cleared). */
export async function markRendering(
  db: Executor,
  mspId: string,
  packetKey: string,
  attempt: number,
): Promise<ChangedRuns> {
  const rows = await tables(db)
    .updateTable('packet_run_clients')
    .set({ status: 'rendering', attempts: attempt, error: null, updated_at: sql<Date>`now()` })
    .where('msp_id', '=', mspId)
    .where('packet_key', '=', packetKey)
    .where('status', 'in', ['queued', 'rendering'])
    .returning('run_id')
    .execute();
  return rows.map((row) => row.run_id);
}

/** An attempt failed and the job will be retried: the clients wait again, showing why. */
export async function markAttemptFailed(
  db: Executor,
  mspId: string,
  packetKey: string,
  error: string,
): Promise<ChangedRuns> {
  const rows = await tables(db)
    .updateTable('packet_run_clients')
    .set({ status: 'queued', error: error.slice(0, 1000), updated_at: sql<Date>`now()` })
    .where('msp_id', '=', mspId)
    .where('packet_key', '=', packetKey)
    .where('status', 'in', ['queued', 'rendering'])
    .returning('run_id')
    .execute();
  return rows.map((row) => row.run_id);
}

export async function markDone(
  db: Executor,
  mspId: string,
  packetKey: string,
  packetId: string,
): Promise<ChangedRuns> {
  const rows = await tables(db)
    .updateTable('packet_run_clients')
    .set({ status: 'done', packet_id: packetId, error: null, updated_at: sql<Date>`now()` })
    .where('msp_id', '=', mspId)
    .where('packet_key', '=', packetKey)
    .where('status', 'in', ['queued', 'rendering'])
    .returning('run_id')
    .execute();
  return rows.map((row) => row.run_id);
}

/** The key's job failed for good; a client without an error of its own gets `reason`. */
export async function markFailed(
  db: Executor,
  mspId: string,
  packetKey: string,
  reason: string,
): Promise<ChangedRuns> {
  const rows = await tables(db)
    .updateTable('packet_run_clients')
    .set({ status: 'failed', error: sql<string>`coalesce(error, ${reason})`, updated_at: sql<Date>`now()` })
    .where('msp_id', '=', mspId)
    .where('packet_key', '=', packetKey)
    .where('status', 'in', ['queued', 'rendering'])
    .returning('run_id')
    .execute();
  return rows.map((row) => row.run_id);
}

/**
 * Brings the runs' own status, total and finish time in line with their clients. Each run row is locked first (in
 * id order): every change to a run's clients is followed by this in the same transaction, so the last of two
 * concurrent changes reads the first one's result and nothing is left `running` after its last client settled.
 * Call it inside a transaction.
 */
export async function settleRuns(db: Executor, mspId: string, runIds: readonly string[]): Promise<void> {
  const ids = [...new Set(runIds)].sort();
  if (ids.length === 0) return;
  await tables(db)
    .selectFrom('packet_runs')
    .select('id')
    .where('msp_id', '=', mspId)
    .where('id', '=', sql<string>`any(${sql.val(ids)}::uuid[])`)
    .orderBy('id')
    .forUpdate()
    .execute();
  await sql`
    with counts as (
      select run_id,
        count(*)::int as total,
        count(*) filter (where status = 'done')::int as done,
        count(*) filter (where status = 'failed')::int as failed,
        count(*) filter (where status = 'queued')::int as queued
      from packet_run_clients
      where msp_id = ${mspId} and run_id = any(${sql.val(ids)}::uuid[])
      group by run_id
    ), next as (
      select run_id, total,
        case
          when done + failed = total then case when done > 0 then 'done' else 'failed' end
          when queued = total then 'queued'
          else 'running'
        end as status
      from counts
    )
    update packet_runs r
    set status = next.status,
      total = next.total,
      finished_at = case when next.status in ('done', 'failed') then coalesce(r.finished_at, now()) end
    from next
    where r.msp_id = ${mspId} and r.id = next.run_id
      and (r.status <> next.status or r.total <> next.total)`.execute(db);
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
            sql<number>`count(*)::int`.as('total'),
            sql<number>`(count(*) filter (where c.status = 'done'))::int`.as('done'),
            sql<number>`(count(*) filter (where c.status = 'failed'))::int`.as('failed'),
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
      'r.status',
      'r.created_at',
      'r.finished_at',
      'n.total',
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
    status: row.status,
    total: row.total ?? 0,
    done: row.done ?? 0,
    failed: row.failed ?? 0,
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
    .select(['rc.client_id', 'c.name', 'rc.status', 'rc.packet_id', 'rc.attempts', 'rc.error'])
    .where('rc.msp_id', '=', mspId)
    .where('rc.run_id', '=', runId)
    .orderBy('c.name')
    .orderBy('rc.client_id')
    .execute();
  return rows.map((row) => ({
    clientId: row.client_id,
    clientName: row.name,
    status: row.status,
    packetId: row.packet_id,
    attempts: row.attempts,
    error: row.error,
  }));
}

/**
 * For the operator's CLI, which has no key: the MSPs whose id or name (case-insensitive) is `msp`. The one query
 * here not scoped to a known MSP, because finding the MSP is its purpose.
 */
export async function findMspsForOperator(
  db: Executor,
  msp: string,
): Promise<{ id: string; name: string }[]> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(msp);
  return db
    .selectFrom('msps')
    .select(['id', 'name'])
    .where((eb) => (isUuid ? eb('id', '=', msp) : eb(eb.fn('lower', ['name']), '=', msp.toLowerCase())))
    .orderBy('id')
    .limit(20)
    .execute();
}
