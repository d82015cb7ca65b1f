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
  /**
   * Whether a process may take points from a shared store ahead of use (a lease), for limits that count every
   * request, such as a key's requests a minute. Never for limits that count failures: there a point taken early
   * would be a failure that did not happen. See {@link leaseSize}.
   */
  readonly lease?: boolean;
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

/** Counters whose window ended this long ago are deleted, every {@link SWEEP_INTERVAL_MS}. */
const EXPIRED_KEPT_MS = 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 5 * 60 * 1000;

/**
 * Deletes old windows of every limit from the table, every few minutes, until the pool is closed. The library can
 * sweep too, but its timer outlives the pool it was given: fired after a pool's end, it opened a new connection
 * (in a test run, after the test file that made it had finished).
 */
function sweepExpired(pool: NonNullable<Database['pool']>): void {
  const timer = setInterval(() => {
    if (pool.ending) {
      clearInterval(timer);
      return;
    }
    // A failed sweep loses nothing: the rows are deleted by the next one.
    pool
      .query(`delete from ${TABLE} where expire < $1`, [Date.now() - EXPIRED_KEPT_MS])
      .catch(() => undefined);
  }, SWEEP_INTERVAL_MS);
  timer.unref();
}

function rateLimitsOn(pool: Database['pool']): RateLimits {
  const limiters = new Map<string, RateLimiter>();
  if (pool) sweepExpired(pool);
  return {
    store: pool ? 'postgres' : 'memory',
    limiter(rule) {
      if (!/^[a-z][a-z0-9-]*$/.test(rule.name)) throw new Error(`Bad rate limit name "${rule.name}"`);
      const existing = limiters.get(rule.name);
      if (existing) {
        const same =
          existing.rule.points === rule.points &&
          existing.rule.windowSeconds === rule.windowSeconds &&
          (existing.rule.lease ?? false) === (rule.lease ?? false);
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
            clearExpiredByTimeout: false,
          })
        : new RateLimiterMemory(options);
      const limiter = storeLimiter(rule, store, pool !== undefined && rule.lease === true);
      limiters.set(rule.name, limiter);
      return limiter;
    },
  };
}

/** The most points a lease takes at once: a fiftieth of the limit, at most 100 (600 a minute: 12). */
const leaseCap = (points: number): number => Math.max(1, Math.min(100, Math.floor(points / 50)));

/**
 * How many points the next lease of a key takes: double the last one (a key's first lease in a window is one
 * point, as without leases), never more than {@link leaseCap}, and never more than an eighth of what the store said
 * was left, so that near the limit every request is counted in the store one by one, as without leases.
 */
export function leaseSize(points: number, lastSize: number, remaining: number): number {
  return Math.max(1, Math.min(lastSize * 2, leaseCap(points), Math.floor(remaining / 8)));
}

/** Points of one key's window this process has taken from the store and not used yet. */
interface Lease {
  left: number;
  /** The size of the lease that was taken last, and what the store said was left after it. */
  size: number;
  remaining: number;
  /** When the window the points belong to ends (ms since the epoch); the points are void after it. */
  until: number;
}

const MAX_LEASES = 10_000;

function storeLimiter(rule: RateLimitRule, store: RateLimiterAbstract, leases: boolean): RateLimiter {
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

  // Leases (shared stores, rules that allow them): a key's request is answered from points this process already
  // counted in the store, so a busy key costs one store write per lease rather than per request. Every point is in
  // the store before the request it allows is let through, so all processes together never let through more than
  // the limit. The price: points leased and not used before the window ends still count, so a key can be refused
  // before it has made `points` requests, by at most the unused rest of one lease per process (≤ leaseCap).
  const leased = new Map<string, Lease>();
  const fromLease = (key: string): RateLimitVerdict | undefined => {
    const lease = leased.get(key);
    if (!lease || lease.left <= 0) return undefined;
    if (lease.until <= Date.now()) {
      leased.delete(key);
      return undefined;
    }
    lease.left -= 1;
    return { allowed: true, remaining: lease.remaining + lease.left };
  };
  const keep = (key: string, taken: number, usable: number, remaining: number, msBeforeNext: number) => {
    const until = Date.now() + msBeforeNext;
    const lease = leased.get(key);
    // Another lease of the same window (requests in flight together) adds up; one of an earlier window is void.
    if (
      lease &&
      lease.until > Date.now() &&
      Math.abs(lease.until - until) < (rule.windowSeconds * 1000) / 2
    ) {
      lease.left += usable - 1;
      lease.size = taken;
      lease.remaining = remaining;
      return;
    }
    if (leased.size >= MAX_LEASES) {
      const now = Date.now();
      for (const [other, entry] of leased) if (entry.until <= now || entry.left <= 0) leased.delete(other);
      if (leased.size >= MAX_LEASES) leased.delete(leased.keys().next().value!);
    }
    leased.set(key, { left: usable - 1, size: taken, remaining, until });
  };

  return {
    rule,
    async consume(key) {
      const known = refused(key);
      if (known) return known;
      const own = leases ? fromLease(key) : undefined;
      if (own) return own;
      const last = leases ? leased.get(key) : undefined;
      const size = last && last.until > Date.now() ? leaseSize(rule.points, last.size, last.remaining) : 1;
      try {
        const result = await store.consume(storedKey(key), size);
        if (leases) keep(key, size, size, result.remainingPoints, result.msBeforeNext);
        return { allowed: true, remaining: result.remainingPoints };
      } catch (error) {
        // The library rejects with its result when the key is over the limit, and with the store's error otherwise.
        if (!(error instanceof RateLimiterRes)) throw error;
        // A lease of several points may have gone past the limit only in part (other processes spent points since
        // the last look): the points that were still free before it are this process's to use, the rest wasted.
        const free = rule.points - (error.consumedPoints - size);
        if (size > 1 && free >= 1) {
          keep(key, size, Math.min(size, free), 0, error.msBeforeNext);
          return { allowed: true, remaining: leased.get(key)?.left ?? 0 };
        }
        return refuse(key, error.msBeforeNext);
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
