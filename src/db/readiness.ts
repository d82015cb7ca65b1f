import { sql } from 'kysely';
import type { ReadinessCheck } from '../shared/readiness.js';
import type { Executor } from './database.js';

/** Ready when the database answers a trivial query. */
export function databaseReadiness(db: Executor): ReadinessCheck {
  return {
    name: 'database',
    check: () => sql`select 1`.execute(db).then(() => true),
  };
}
