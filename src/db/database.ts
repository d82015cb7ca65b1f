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
 * which the hottest reads would otherwise pay on every request. Given a `name`, it is a prepared statement there:
 * each session parses it once and, after a few runs, plans it once (PostgreSQL's cached generic plan), where an
 * unnamed statement is parsed and planned on every run; the name must belong to this SQL alone. A transaction, and
 * the embedded database, whose driver hands its single session out one query or transaction at a time, run it
 * through Kysely.
 */
export async function runCompiledRead<Row>(
  db: Executor,
  query: CompiledQuery<Row>,
  name?: string,
): Promise<Row[]> {
  const pool = pools.get(db);
  if (pool) {
    const values = query.parameters as unknown[];
    const config = name === undefined ? { text: query.sql, values } : { name, text: query.sql, values };
    return (await pool.query<Row & pg.QueryResultRow>(config)).rows;
  }
  return (await db.executeQuery(query)).rows;
}

/** Whether `db` runs on a pool of PostgreSQL sessions (not on the embedded database's one). */
export function isPooled(db: Executor): boolean {
  return pools.has(db);
}

/**
 * Takes up to `wanted` sessions from the pool behind `db`, only as many as it can give without anyone waiting: idle
 * ones, or room to open new ones, and none while other callers queue. A caller that already holds a session and
 * waited for another could wait forever, every session held by callers doing the same. The check and the requests
 * happen in one synchronous step, so no other caller in this process takes them in between. Each session must be
 * released. None on the embedded database, which has one session.
 */
export function spareSessions(db: Executor, wanted: number): Promise<pg.PoolClient>[] {
  const pool = pools.get(db);
  if (!pool || pool.ending || pool.waitingCount > 0) return [];
  const spare = pool.idleCount + Math.max(0, (pool.options.max ?? 10) - pool.totalCount);
  return Array.from({ length: Math.max(0, Math.min(wanted, spare)) }, () => pool.connect());
}

/**
 * A Kysely instance that runs every query on `session` (taken with {@link spareSessions}), for the repositories,
 * which take an executor. Destroying it leaves the session to its owner.
 */
export function sessionExecutor(session: pg.PoolClient): Db {
  const borrowed = { query: session.query.bind(session), release: () => undefined };
  const pool = { connect: async () => borrowed, end: async () => undefined };
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
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
