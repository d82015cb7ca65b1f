import crypto from 'node:crypto';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Database } from '../db/database.js';

/** A named limit: at most `points` a key in each window of `windowSeconds`, counted from the key's first point. */
export interface RateLimitRule {
  /** Names the limit where its counters are kept (lowercase words and dashes); one rule per name. */
  readonly name: string;
  readonly points: number;
  readonly windowSeconds: number;
}

export type RateLimitVerdict =
  | { readonly allowed: true; readonly remaining: number }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface RateLimiter {
  readonly rule: RateLimitRule;
  /** Spends a point of `key`'s window: allowed while the key had one left. */
  consume(key: string): Promise<RateLimitVerdict>;
  /**
   * Whether `key` has a point left, without spending one: for limits that count only failures, to refuse before
   * doing the work whose failure would be counted.
   */
  check(key: string): Promise<RateLimitVerdict>;
}

export interface RateLimits {
  /**
   * Where the counters live: `postgres` (the `rate_limits` table, shared by every process on the database) or
   * `memory` (this process; the embedded database has only one).
   */
  readonly store: 'postgres' | 'memory';
  /** The limiter of a rule; asking again for the same rule gives the same limiter. */
  limiter(rule: RateLimitRule): RateLimiter;
}

const TABLE = 'rate_limits';
/** The table's key column is varchar(255); longer keys (an e-mail address, say) are counted by their hash. */
const LONGEST_KEY = 200;

/**
 * Rate limits on rate-limiter-flexible: counted in PostgreSQL when the app runs on it, so that any number of API
 * processes share one limit, and in memory on the embedded database. The table comes from a migration; the library
 * never creates one. A database that cannot be reached fails the consume with the driver's error (a 503 upstream),
 * rather than letting requests through unlimited.
 */
export function createRateLimits(database: Database): RateLimits {
  return rateLimitsOn(database.pool);
}

/** Rate limits counted in this process only, whatever the database (tests that must not share counters). */
export const processRateLimits = (): RateLimits => rateLimitsOn(undefined);

function rateLimitsOn(pool: Database['pool']): RateLimits {
  const limiters = new Map<string, RateLimiter>();
  let cleansExpired = false;
  return {
    store: pool ? 'postgres' : 'memory',
    limiter(rule) {
      if (!/^[a-z][a-z0-9-]*$/.test(rule.name)) throw new Error(`Bad rate limit name "${rule.name}"`);
      const existing = limiters.get(rule.name);
      if (existing) {
        const same =
          existing.rule.points === rule.points && existing.rule.windowSeconds === rule.windowSeconds;
        if (!same) throw new Error(`The rate limit "${rule.name}" is already defined with other values`);
        return existing;
      }
      const options = { keyPrefix: rule.name, points: rule.points, duration: rule.windowSeconds };
      const store: RateLimiterAbstract = pool
        ? new RateLimiterPostgres({
            ...options,
            storeClient: pool,
            storeType: 'pool',
            tableName: TABLE,
            tableCreated: true,
            // One limiter per process sweeps the whole table (old windows of every limit).
            clearExpiredByTimeout: !cleansExpired,
          })
        : new RateLimiterMemory(options);
      cleansExpired = cleansExpired || pool !== undefined;
      const limiter = storeLimiter(rule, store);
      limiters.set(rule.name, limiter);
      return limiter;
    },
  };
}

function storeLimiter(rule: RateLimitRule, store: RateLimiterAbstract): RateLimiter {
  // A key refused here stays refused until its window ends (points only grow within a window), so this process
  // answers it from memory until then without asking the store again.
  const refusedUntil = new Map<string, number>();
  const refused = (key: string): RateLimitVerdict | undefined => {
    const until = refusedUntil.get(key);
    if (until === undefined) return undefined;
    const left = until - Date.now();
    if (left > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) };
    refusedUntil.delete(key);
    return undefined;
  };
  const refuse = (key: string, msBeforeNext: number): RateLimitVerdict => {
    if (refusedUntil.size >= 10_000) {
      const now = Date.now();
      for (const [other, until] of refusedUntil) if (until <= now) refusedUntil.delete(other);
    }
    refusedUntil.set(key, Date.now() + msBeforeNext);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) };
  };
  const storedKey = (key: string): string =>
    key.length <= LONGEST_KEY ? key : crypto.createHash('sha256').update(key).digest('hex');

  return {
    rule,
    async consume(key) {
      const known = refused(key);
      if (known) return known;
      try {
        const result = await store.consume(storedKey(key));
        return { allowed: true, remaining: result.remainingPoints };
      } catch (error) {
        // The library rejects with its result when the key is over the limit, and with the store's error otherwise.
        if (error instanceof RateLimiterRes) return refuse(key, error.msBeforeNext);
        throw error;
      }
    },
    async check(key) {
      const known = refused(key);
      if (known) return known;
      const result = await store.get(storedKey(key));
      if (!result || result.consumedPoints < rule.points) {
        return { allowed: true, remaining: result ? result.remainingPoints : rule.points };
      }
      return refuse(key, result.msBeforeNext);
    },
  };
}
