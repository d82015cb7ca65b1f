/**
 * Runs one levelling search on a worker thread, so that a long search never holds the event loop that answers
 * every other request. It receives the context without its catalogue lookup (functions do not cross threads)
 * and puts the real one back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lookupEndOfSupport } from '../domain/end-of-support.js';
import { ForecastRangeError } from '../domain/forecast.js';
import { LevellingTooLargeError, levelRefreshes } from '../domain/levelling.js';
import type { LevellingJob, LevellingReply } from './levelling-runner.js';

const job = workerData as LevellingJob;
const deadline = Date.now() + job.timeLimitMs;
let reply: LevellingReply;
try {
  const result = levelRefreshes({ ...job.context, endOfSupportLookup: lookupEndOfSupport }, job.inputs, {
    ...job.options,
    shouldStop: () => Date.now() >= deadline,
  });
  reply = { ok: result };
} catch (error) {
  if (error instanceof ForecastRangeError) reply = { error: { kind: 'range', source: error.source } };
  else if (error instanceof LevellingTooLargeError)
    reply = { error: { kind: 'too_large', events: error.events, placements: error.placements } };
  else
    reply = {
      error: {
        kind: 'other',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      },
    };
}
parentPort!.postMessage(reply);
