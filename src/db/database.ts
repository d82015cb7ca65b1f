import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type CompiledQuery, type Transaction } from 'kysely';
import pg from 'pg';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { pgTypeParsers } from './driver-types.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/**
 * Anything a repository can run a query on: the database or a transaction. Services open transactions with
 * withTransaction (src/db/unit-of-work.ts), which joins the caller's when it is handed one.
 */
export type Executor = Kysely<DB> | Transaction<DB>;

/** The node-postgres pool behind each database opened on PostgreSQL, for {@link runCompiledRead}. */
const pools = new WeakMap<Executor, pg.Pool>();

/**
 * Runs a compiled read and returns its rows. Outside a transaction on PostgreSQL it goes straight to the pool (one
 * `pool.query`, as Kysely's driver would, without the promises of its connection acquire and release around it),
 * which the hottest reads would otherwise pay on every request. A transaction, and the embedded database, whose driver
 * hands its single session out one query or transaction at a time, run it through Kysely.
 */
export async function runCompiledRead<Row>(db: Executor, query: CompiledQuery<Row>): Promise<Row[]> {
  const pool = pools.get(db);
  if (pool) return (await pool.query<Row & pg.QueryResultRow>(query.sql, query.parameters as unknown[])).rows;
  return (await db.executeQuery(query)).rows;
}

export interface Database {
  readonly kind: 'embedded' | 'postgres';
  readonly db: Db;
  /** The node-postgres pool behind `db` on PostgreSQL, for the libraries that take one (the shared rate limits). */
  readonly pool?: pg.Pool;
  /** Where the data lives, for logs: a directory or a URL with the password hidden. */
  readonly location: string;
  /** The embedded database's data directory as a tarball (to start other embedded databases from it). */
  snapshot?(): Promise<Blob>;
  /** Records in the embedded database's lock where this process serves HTTP, for a refused second process. */
  announce?(details: { port: number; url: string }): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A postgres:// URL; without it the embedded database under `dataDir` is used. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size on PostgreSQL. */
  maxConnections?: number;
  /** An embedded database started from this dump (a tarball from PGlite's dumpDataDir); used by tests. */
  embeddedSnapshot?: Blob;
  /** Keep the embedded database in memory only; used by tests. */
  inMemory?: boolean;
  /** What this process is, for the embedded database's lock (default: the CLI command it runs). */
  command?: string;
}

/** The one factory that picks the dialect. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.maxConnections ?? 10,
      types: pgTypeParsers,
      application_name: 'vcio-planner',
      // A server that does not answer fails the request (503) instead of holding it open.
      connectionTimeoutMillis: 5_000,
    });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    pools.set(db, pool);
    return {
      kind: 'postgres',
      db,
      pool,
      location: redactUrl(options.databaseUrl),
      close: async () => {
        await db.destroy();
        // Kysely ends the pool only if it used it; the libraries that take the pool may have used it alone.
        if (!pool.ending) await pool.end();
      },
    };
  }

  let dataDir: string | undefined;
  let lock: DataDirLock | undefined;
  if (!options.inMemory) {
    // One process per data directory: a second one is refused before it opens anything.
    lock = await lockDataDir(options.dataDir, options.command ?? process.argv[2] ?? 'node');
    dataDir = path.join(options.dataDir, 'pglite');
  }
  let pglite: PGlite;
  try {
    if (dataDir) await fs.mkdir(dataDir, { recursive: true });
    pglite = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(options.embeddedSnapshot ? { loadDataDir: options.embeddedSnapshot } : {}),
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: 'embedded',
    db,
    location: dataDir ?? 'memory',
    snapshot: async () => (await pglite.dumpDataDir('none')) as Blob,
    ...(lock ? { announce: (details: { port: number; url: string }) => lock.announce(details) } : {}),
    close: async () => {
      try {
        await db.destroy();
        await pglite.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
