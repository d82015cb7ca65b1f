import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimits } from '../auth/rate-limits.js';

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts attempts by key (an account's email, a caller's IP address) and says whether one more is allowed. Sign-in
 * depends on this interface only, so that a limiter shared by several processes (kept in PostgreSQL) can replace
 * the in-memory one without touching sign-in.
 */
export interface AttemptLimiter {
  consume(key: string): Promise<AttemptVerdict>;
}

/** `points` attempts per key in any `durationSeconds` window, counted in this process's memory. */
export function memoryAttemptLimiter(options: { points: number; durationSeconds: number }): AttemptLimiter {
  const limiter = new RateLimiterMemory({ points: options.points, duration: options.durationSeconds });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        throw rejection;
      }
    },
  };
}

/** The two limits sign-in applies: per account (guessing one password) and per IP address (trying many accounts). */
export interface SignInLimiters {
  account: AttemptLimiter;
  ip: AttemptLimiter;
}

/**
 * Sign-in's limits on the app's rate limits: counted in PostgreSQL when the app runs on it, so that every process
 * behind a load balancer shares them; in memory on the embedded database (one process).
 */
export function sharedSignInLimiters(rateLimits: RateLimits): SignInLimiters {
  return {
    account: rateLimits.limiter({ name: 'sign-in-account', points: 10, windowSeconds: 15 * 60 }),
    ip: rateLimits.limiter({ name: 'sign-in-address', points: 50, windowSeconds: 15 * 60 }),
  };
}
