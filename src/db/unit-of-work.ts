import { sql, type Transaction } from 'kysely';
import { isPooled, sessionExecutor, spareSessions, type Db, type Executor } from './database.js';
import type { DB } from './schema.js';

/** Work that must wait until the data is committed: forgetting cached state, rendering, queueing, notifying. */
export type CommitHook = () => unknown;

/**
 * A transaction that use cases share: repositories take it like any executor, services pass it on, and whoever
 * opened it commits it. Modelled on atproto's ozone `Database`: a nested `withTransaction` joins it (there are no
 * savepoints, so a nested call commits or rolls back with the outer one), and after-commit hooks run once the
 * outermost transaction has committed, never when it rolls back.
 */
export interface UnitOfWork extends Transaction<DB> {
  /** Runs `hook` after the outermost transaction commits (in the order registered); never after a rollback. */
  afterCommit(hook: CommitHook): void;
  /** True when every read sees one snapshot and nothing is written (REPEATABLE READ, READ ONLY). */
  readonly snapshot: boolean;
  /** The database the transaction runs on: what per-database state (caches) is keyed by. */
  readonly database: Db;
}

export interface TransactionOptions {
  /**
   * Read everything from one snapshot and write nothing: REPEATABLE READ, READ ONLY on PostgreSQL. PGlite has one
   * connection that a transaction holds until it ends, so there any transaction is a snapshot already.
   */
  snapshot?: boolean;
}

export function isUnitOfWork(db: Executor): db is UnitOfWork {
  return db.isTransaction && typeof (db as Partial<UnitOfWork>).afterCommit === 'function';
}

/** The database an executor runs on (the executor itself unless it is a unit of work). */
export function databaseOf(db: Executor): Db {
  return isUnitOfWork(db) ? db.database : db;
}

/**
 * Runs `work` in a transaction and then its after-commit hooks. Given a unit of work, joins it: `work` runs in
 * the caller's transaction and its hooks wait for the caller's commit. A hook that fails does not stop the others;
 * the first failure is thrown once they have all run (the data is committed by then).
 */
export async function withTransaction<T>(
  db: Executor,
  work: (tx: UnitOfWork) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const snapshot = options.snapshot ?? false;
  if (db.isTransaction) {
    if (!isUnitOfWork(db)) {
      throw new Error('withTransaction cannot join a transaction it did not open: its hooks would never run');
    }
    if (snapshot && !db.snapshot) {
      throw new Error('A snapshot read cannot join a transaction that reads more than one snapshot');
    }
    return work(db);
  }

  const hooks: CommitHook[] = [];
  let open = true;
  let builder = db.transaction();
  if (snapshot) builder = builder.setIsolationLevel('repeatable read').setAccessMode('read only');
  let result: T;
  try {
    result = await builder.execute((trx) => {
      const tx: UnitOfWork = Object.assign(trx, {
        afterCommit(hook: CommitHook) {
          if (!open) throw new Error('afterCommit was called after its transaction ended');
          hooks.push(hook);
        },
        snapshot,
        database: db,
      });
      return work(tx);
    });
  } finally {
    open = false;
  }
  await runHooks(hooks);
  return result;
}

/** Reads in one snapshot (a read-only transaction), or in the caller's unit of work when it is one already. */
export function readSnapshot<T>(db: Executor, work: (tx: UnitOfWork) => Promise<T>): Promise<T> {
  return withTransaction(db, work, { snapshot: true });
}

async function runHooks(hooks: readonly CommitHook[]): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}

/**
 * Runs `work` with up to `parts` executors that all read the snapshot of `tx`: `tx` itself and more sessions of its
 * pool, each in a read-only REPEATABLE READ transaction that imports the snapshot `tx` exports (as pg_dump's
 * parallel jobs share one). No more than the server would run one query on (`max_parallel_workers_per_gather`), nor
 * than the pool can spare without waiting ({@link spareSessions}); just `tx` on the embedded database, or when
 * `tx` is not a snapshot read. The other sessions' transactions end, and the sessions go back to the pool, when
 * `work` settles.
 */
export async function withSnapshotSessions<T>(
  tx: Executor,
  parts: number,
  work: (sessions: readonly Executor[]) => Promise<T>,
): Promise<T> {
  if (parts < 2 || !isUnitOfWork(tx) || !tx.snapshot || !isPooled(tx.database)) {
    return work([tx]);
  }
  const { snapshot, workers } = (
    await sql<{ snapshot: string; workers: number }>`
      select pg_export_snapshot() as snapshot,
             current_setting('max_parallel_workers_per_gather')::int as workers`.execute(tx)
  ).rows[0]!;
  const taken = spareSessions(tx.database, Math.min(parts, workers) - 1);
  if (taken.length === 0) return work([tx]);
  // A session that could not be opened leaves its part to the others.
  const sessions = (await Promise.allSettled(taken)).flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const executors: Db[] = [];
  let failure: unknown;
  try {
    for (const session of sessions) {
      await session.query('begin isolation level repeatable read read only');
      await session.query(`set transaction snapshot '${snapshot.replace(/'/g, "''")}'`);
      executors.push(sessionExecutor(session));
    }
    return await work([tx, ...executors]);
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await Promise.all(executors.map((executor) => executor.destroy()));
    await Promise.all(
      sessions.map(async (session) => {
        // Read only: ending it either way writes nothing. A session that cannot end it is not handed out again.
        try {
          await session.query(failure === undefined ? 'commit' : 'rollback');
          session.release();
        } catch (error) {
          session.release(error instanceof Error ? error : true);
        }
      }),
    );
  }
}
