import fs from 'node:fs/promises';
import { openDatabase, type Database } from '../../src/db/database.js';
import {
  SNAPSHOT_PATH,
  TEMPLATE_DATABASE,
  WORKER_DATABASE_PREFIX,
  testDatabaseUrl,
  urlForDatabase,
  withAdminClient,
} from './databases.js';

/**
 * A migrated database for one test file: on PostgreSQL the jest worker's own database (cloned from the migrated
 * template the first time the worker asks), otherwise a fresh in-memory PGlite started from the migrated snapshot.
 * Tests never truncate: each creates its own tenant and data with unique names.
 */
export async function openTestDatabase(): Promise<Database> {
  const baseUrl = testDatabaseUrl();
  if (baseUrl) {
    const name = `${WORKER_DATABASE_PREFIX}${process.env.JEST_WORKER_ID ?? '1'}`;
    await withAdminClient(baseUrl, async (client) => {
      try {
        await client.query(`create database "${name}" template "${TEMPLATE_DATABASE}"`);
      } catch (error) {
        // 42P04: this worker cloned it for an earlier test file.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    });
    return openDatabase({ databaseUrl: urlForDatabase(baseUrl, name), dataDir: '', maxConnections: 5 });
  }
  const snapshot = new Blob([await fs.readFile(SNAPSHOT_PATH)]);
  return openDatabase({ dataDir: '', inMemory: true, embeddedSnapshot: snapshot });
}

export const onPostgres = (): boolean => testDatabaseUrl() !== undefined;

/**
 * A migrated database that no other test file shares, for a test that must change every row of a table (TRUNCATE):
 * on PostgreSQL a clone of the template, dropped on close; otherwise a fresh in-memory PGlite, as always.
 */
export async function openScratchDatabase(): Promise<Database> {
  const baseUrl = testDatabaseUrl();
  if (!baseUrl) return openTestDatabase();
  const name = `${WORKER_DATABASE_PREFIX}${process.env.JEST_WORKER_ID ?? '1'}_scratch_${process.hrtime.bigint()}`;
  await withAdminClient(baseUrl, (client) =>
    client.query(`create database "${name}" template "${TEMPLATE_DATABASE}"`),
  );
  const database = await openDatabase({
    databaseUrl: urlForDatabase(baseUrl, name),
    dataDir: '',
    maxConnections: 2,
  });
  return {
    ...database,
    close: async () => {
      await database.close();
      await withAdminClient(baseUrl, (client) => client.query(`drop database if exists "${name}"`));
    },
  };
}
