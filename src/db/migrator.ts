import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { migrationsDir } from '../shared/paths.js';
import type { Db } from './database.js';

// An arbitrary constant: every process of the deployment takes the same advisory lock while migrating.
const MIGRATION_LOCK_KEY = 7_246_118_202;

export interface MigrationResult {
  applied: string[];
  total: number;
}

/**
 * Applies the forward-only SQL files in `migrations/` that the database has not seen, in name order, all in one
 * transaction under an advisory lock, so API and worker processes starting together migrate exactly once.
 */
export async function migrate(db: Db, directory = migrationsDir): Promise<MigrationResult> {
  const files = (await fs.readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    await sql`create table if not exists schema_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    )`.execute(trx);
    const done = new Set(
      (await trx.selectFrom('schema_migrations').select('name').execute()).map((r) => r.name),
    );
    const unknown = [...done].filter((name) => !files.includes(name));
    if (unknown.length > 0) {
      throw new Error(`The database has migrations this version does not know: ${unknown.join(', ')}`);
    }
    const applied: string[] = [];
    for (const name of files) {
      if (done.has(name)) continue;
      const script = await fs.readFile(path.join(directory, name), 'utf8');
      await sql.raw(script).execute(trx);
      await trx.insertInto('schema_migrations').values({ name }).execute();
      applied.push(name);
    }
    return { applied, total: files.length };
  });
}
