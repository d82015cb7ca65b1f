import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { Authenticator } from './http/auth.js';
import type { Clock } from './shared/clock.js';

/** What the app is built from; tests build their own. Nothing here is created on import. */
export interface AppContext {
  readonly database: Database;
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly authenticator: Authenticator;
}
