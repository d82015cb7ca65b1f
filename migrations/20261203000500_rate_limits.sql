-- Rate-limit counters shared by every process on one PostgreSQL database (src/auth/rate-limits.ts): API requests
-- per key and failed authentications per client address, so that two API processes give a key no more than one
-- would. The columns are the ones rate-limiter-flexible's PostgreSQL store reads and writes: `key` is the limit's
-- name and the counted key ("api-key:<id>", "failed-auth:<address>"), `points` what was spent in the window and
-- `expire` when the window ends, in epoch milliseconds. Rows whose window ended more than an hour ago are deleted
-- every few minutes by the processes themselves.
-- The embedded database has the table too (one schema for both), but counts there in memory: only one process may
-- open it.
CREATE TABLE rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
