import type { Logger } from 'pino';
import type { Authenticator } from './auth/authenticator.js';
import type { RateLimits } from './auth/rate-limits.js';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { PacketQueue } from './packet-runs/packet-queue.js';
import type { Renderer } from './render/renderer.js';
import type { SignInLimiters } from './users/attempt-limiter.js';
import type { Clock } from './shared/clock.js';

/** What the app is built from; tests build their own. Nothing here is created on import. */
export interface AppContext {
  readonly database: Database;
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly authenticator: Authenticator;
  /** Named rate limits, shared by every process on PostgreSQL (the authenticator's and any other's). */
  readonly rateLimits: RateLimits;
  /** Renders PDFs (packets); absent where the process makes none, and PDF routes then answer 503. */
  readonly renderer?: Renderer;
  /** Queues packet runs; absent where runs cannot be worked (embedded without a renderer), and starting one is a 503. */
  readonly packetQueue?: PacketQueue;
  /** Counts console sign-in attempts per account and per IP address; in this process's memory when absent. */
  readonly signInLimiters?: SignInLimiters;
}
