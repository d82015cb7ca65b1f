import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

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

export function memorySignInLimiters(): SignInLimiters {
  return {
    account: memoryAttemptLimiter({ points: 10, durationSeconds: 15 * 60 }),
    ip: memoryAttemptLimiter({ points: 50, durationSeconds: 15 * 60 }),
  };
}
