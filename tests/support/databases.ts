import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Shared between global setup (parent process) and the test files (jest workers). */
export const TEMPLATE_DATABASE = 'vcio_test_template';
export const WORKER_DATABASE_PREFIX = 'vcio_test_w';
export const SNAPSHOT_PATH = path.join(os.tmpdir(), `vcio-planner-test-snapshot-${process.getuid?.() ?? 0}.tar`);

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

export async function withAdminClient<T>(baseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
