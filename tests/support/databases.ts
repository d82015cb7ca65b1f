import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * Shared between global setup (the jest parent process) and the test files (jest workers). Every name carries the
 * run's id (the parent's pid, set by global setup), so that two test runs against one server never touch each
 * other's databases.
 */
export const TEST_RUN = process.env.VCIO_TEST_RUN ?? String(process.pid);
export const TEMPLATE_DATABASE = `vcio_test_${TEST_RUN}_template`;
export const WORKER_DATABASE_PREFIX = `vcio_test_${TEST_RUN}_w`;
export const SNAPSHOT_PATH = path.join(os.tmpdir(), `vcio-planner-test-snapshot-${TEST_RUN}.tar`);

/** A test database left behind by a run whose process is gone (killed, or from an older layout). */
export function isStaleTestDatabase(name: string): boolean {
  const run = /^vcio_test_(\d+)_/.exec(name)?.[1];
  if (!run) return /^vcio_test_(template|w\d+)$/.test(name);
  if (run === TEST_RUN) return true;
  try {
    process.kill(Number(run), 0);
    return false;
  } catch {
    return true;
  }
}

export function testDatabaseUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL?.trim();
  return url ? url : undefined;
}

/** The same server as TEST_DATABASE_URL, another database on it. */
export function urlForDatabase(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(
  baseUrl: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
