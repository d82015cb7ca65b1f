import fs from 'node:fs/promises';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrator.js';
import {
  SNAPSHOT_PATH,
  TEMPLATE_DATABASE,
  WORKER_DATABASE_PREFIX,
  isStaleTestDatabase,
  testDatabaseUrl,
  urlForDatabase,
  withAdminClient,
} from './databases.js';

/**
 * Migrates once per run. On PostgreSQL: a template database that every jest worker clones into its own database.
 * On PGlite: a migrated data directory dumped to a tarball that every test file's in-memory database starts from.
 */
export async function prepareTestDatabases(): Promise<void> {
  const baseUrl = testDatabaseUrl();
  if (baseUrl) {
    await withAdminClient(baseUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        "select datname from pg_database where datname like 'vcio\\_test\\_%'",
      );
      for (const { datname } of rows.filter((row) => isStaleTestDatabase(row.datname))) {
        await client.query(`drop database if exists "${datname}" with (force)`);
      }
      await client.query(`create database "${TEMPLATE_DATABASE}"`);
    });
    const template = await openDatabase({
      databaseUrl: urlForDatabase(baseUrl, TEMPLATE_DATABASE),
      dataDir: '',
      maxConnections: 1,
    });
    try {
      await migrate(template.db);
    } finally {
      await template.close();
    }
    return;
  }
  const embedded = await openDatabase({ dataDir: '', inMemory: true });
  try {
    await migrate(embedded.db);
    const snapshot = await embedded.snapshot!();
    await fs.writeFile(SNAPSHOT_PATH, Buffer.from(await snapshot.arrayBuffer()));
  } finally {
    await embedded.close();
  }
}

/** Removes what this run created. */
export async function dropTestDatabases(): Promise<void> {
  const baseUrl = testDatabaseUrl();
  if (baseUrl) {
    await withAdminClient(baseUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        'select datname from pg_database where datname = $1 or datname like $2',
        [TEMPLATE_DATABASE, `${WORKER_DATABASE_PREFIX}%`],
      );
      for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
    });
  }
  await fs.rm(SNAPSHOT_PATH, { force: true });
}
