/** Socket errors that mean the database server cannot be reached (refused, reset, unreachable, timed out). */
const unreachable = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres's own errors for a connection lost or never made, which carry no code. */
const lostConnection =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed)/;

/**
 * Whether an error says the database is out of reach rather than that the query was wrong: the server refused or
 * dropped the connection, is shutting down or starting (57P01–57P03), the connection failed (class 08), it has
 * no connection slots left (53300), or the pool gave up waiting for a connection. The request may succeed later.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Read by shape, not `instanceof`: socket errors may come from another realm (a VM context, a test runner).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (unreachable.has(code)) return true;
    if (/^(08[0-9A-Z]{3}|57P0[123]|53300)$/.test(code)) return true;
  }
  if (typeof message === 'string' && lostConnection.test(message)) return true;
  // Node reports a refused connection to every address of a name (localhost: ::1 and 127.0.0.1) as one of these.
  if (Array.isArray(errors)) return errors.some(isDatabaseUnavailable);
  return false;
}
