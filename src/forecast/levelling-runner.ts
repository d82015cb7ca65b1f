/**
 * Levelling off the main thread (SPEC §3 "What-ifs"). The search is NP-hard and a tight plan over many events can
 * run for minutes; on the event loop that would stall `/healthz` and every other tenant. Each request gets a
 * worker thread, a time limit that grows with its size (the search stops at it and answers the best plan found),
 * and a place in a queue no wider than the machine's cores.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { ForecastRangeError, type ForecastRangeSource } from '../domain/forecast.js';
import type { ForecastContext } from '../domain/forecast.types.js';
import {
  LevellingTooLargeError,
  type LevellingInputs,
  type LevellingOptions,
  type LevellingResult,
} from '../domain/levelling.js';

export interface LevellingJob {
  context: Omit<ForecastContext, 'endOfSupportLookup'>;
  inputs: LevellingInputs;
  options: Omit<LevellingOptions, 'shouldStop'>;
  timeLimitMs: number;
}

export type LevellingReply =
  | { ok: LevellingResult }
  | {
      error:
        | { kind: 'range'; source: ForecastRangeSource }
        | { kind: 'too_large'; events: number; placements: number }
        | { kind: 'other'; message: string };
    };

/** The least and most time a search may take; between them it grows with the events to place. */
export const LEVELLING_TIME_LIMIT_MS = { min: 2_000, max: 10_000, perEvent: 5 } as const;

export function levellingTimeLimitMs(events: number): number {
  const { min, max, perEvent } = LEVELLING_TIME_LIMIT_MS;
  return Math.min(max, Math.max(min, events * perEvent));
}

// Sources run through tsx (development, tests) and the worker is a .ts file there; the build runs compiled .js.
const fromSources = import.meta.url.endsWith('.ts');
const workerUrl = new URL(fromSources ? './levelling.worker.ts' : './levelling.worker.js', import.meta.url);
const workerOptions = fromSources ? { execArgv: ['--import', 'tsx'] } : {};

const slots = Math.max(1, os.availableParallelism() - 1);
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/** Levels on a worker thread; throws the domain's own errors, as levelRefreshes would. */
export function levelOnWorker(
  context: ForecastContext,
  inputs: LevellingInputs,
  options: Omit<LevellingOptions, 'shouldStop'>,
): Promise<LevellingResult> {
  const { endOfSupportLookup: _lookup, ...portable } = context;
  const assets = [...inputs.assets];
  const job: LevellingJob = {
    context: portable,
    inputs: {
      assets,
      recurringCosts: [...(inputs.recurringCosts ?? [])],
      initiatives: [...(inputs.initiatives ?? [])],
    },
    options,
    timeLimitMs: levellingTimeLimitMs(assets.length),
  };
  return withSlot(
    () =>
      new Promise<LevellingResult>((resolve, reject) => {
        const worker = new Worker(workerUrl, { ...workerOptions, workerData: job });
        // The search stops itself at its time limit; this only catches a worker that never answers.
        const guard = setTimeout(() => {
          void worker.terminate();
          reject(new Error(`levelling worker gave no answer within ${job.timeLimitMs + 30_000} ms`));
        }, job.timeLimitMs + 30_000);
        worker.once('message', (reply: LevellingReply) => {
          clearTimeout(guard);
          void worker.terminate();
          if ('ok' in reply) resolve(reply.ok);
          else if (reply.error.kind === 'range') reject(new ForecastRangeError(reply.error.source));
          else if (reply.error.kind === 'too_large')
            reject(new LevellingTooLargeError(reply.error.events, reply.error.placements));
          else reject(new Error(`levelling worker failed: ${reply.error.message}`));
        });
        worker.once('error', (error) => {
          clearTimeout(guard);
          reject(error);
        });
      }),
  );
}
