import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrator.js';

/** Shared plumbing for the benchmarks: a scratch PostgreSQL database and simple statistics. */

export const benchBaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function urlFor(database: string): string {
  const url = new URL(benchBaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: benchBaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A freshly created and migrated database; `drop()` removes it. */
export async function scratchDatabase(
  name: string,
): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
  await admin(async (client) => {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  });
  const url = urlFor(name);
  const database = await openDatabase({ databaseUrl: url, dataDir: '', maxConnections: 4 });
  await migrate(database.db);
  return {
    database,
    url,
    drop: async () => {
      await database.close();
      await admin((client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export async function timeRuns(
  runs: number,
  work: () => Promise<unknown>,
): Promise<{ p50: number; p95: number; p99: number; mean: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    mean: times.reduce((sum, t) => sum + t, 0) / times.length,
  };
}

/**
 * Samples memory while `work` runs. `peakHeapMb` is the most heap in use at any sample (garbage included);
 * `peakLiveHeapMb` is the most heap still in use right after a full collection (run with --expose-gc), taken every
 * 200 ms: what the work really holds on to.
 */
export async function withMemoryPeak<T>(work: () => Promise<T>): Promise<{
  result: T;
  ms: number;
  peakHeapMb: number;
  peakLiveHeapMb: number;
  peakRssMb: number;
  startHeapMb: number;
}> {
  global.gc?.();
  const startHeap = process.memoryUsage().heapUsed;
  let peakHeap = startHeap;
  let peakLive = startHeap;
  let peakRss = process.memoryUsage().rss;
  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
    if (global.gc && ticks % 40 === 0) {
      global.gc();
      peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
    }
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakRss = Math.max(peakRss, usage.rss);
  }, 5);
  const start = performance.now();
  try {
    const result = await work();
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakRss = Math.max(peakRss, usage.rss);
    return {
      result,
      ms: performance.now() - start,
      peakHeapMb: peakHeap / 2 ** 20,
      peakLiveHeapMb: peakLive / 2 ** 20,
      peakRssMb: peakRss / 2 ** 20,
      startHeapMb: startHeap / 2 ** 20,
    };
  } finally {
    clearInterval(timer);
  }
}

export const fmt = (value: number, digits = 1) => value.toFixed(digits);
