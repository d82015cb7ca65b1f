import type { DatabaseConnection } from 'kysely';
import { fromKysely, fromPglite, type Db as QueueDb, type PGliteLike } from 'pg-boss';
import type { Db, Executor } from './database.js';
import { PGliteConnection } from './pglite-dialect.js';

/** pg-boss statements inside the caller's transaction (the transactional enqueue). */
export function transactionQueueDb(trx: Executor): QueueDb {
  return fromKysely(trx);
}

/**
 * pg-boss over the embedded database. pg-boss sends some scripts of several statements and reads the rows of
 * each (a maintenance batch's count, a lock's row); Kysely's driver answers with the last statement's rows only,
 * so each statement runs through pg-boss's own PGlite adapter, on the PGlite connection that Kysely hands out and
 * holds for the duration.
 */
export function embeddedQueueDb(db: Db): QueueDb {
  const adapters = new WeakMap<PGliteLike, QueueDb>();
  return {
    executeSql: (text, values) =>
      db.getExecutor().provideConnection(async (connection) => {
        const pglite = pgliteOf(connection);
        let adapter = adapters.get(pglite);
        if (!adapter) {
          adapter = fromPglite(pglite);
          adapters.set(pglite, adapter);
        }
        return adapter.executeSql(text, values);
      }),
  };
}

function pgliteOf(connection: DatabaseConnection): PGliteLike {
  if (!(connection instanceof PGliteConnection)) {
    throw new Error('The embedded queue needs the PGlite connection of src/db/pglite-dialect.ts');
  }
  return connection.pglite as unknown as PGliteLike;
}
