import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's headers for `options`, worked out once when the app is built and set by one middleware. Without a
 * per-request CSP directive (a nonce) they are the same on every response, and helmet's chain of a dozen
 * middlewares costs a busy API more than setting the headers does. A directive given as a function is refused.
 */
export function securityHeaders(options: HelmetOptions): RequestHandler {
  const csp = options.contentSecurityPolicy;
  const directives = typeof csp === 'object' ? Object.values(csp.directives ?? {}) : [];
  if (
    directives.some(
      (value) =>
        typeof value === 'function' ||
        (Array.isArray(value) && value.some((item) => typeof item === 'function')),
    )
  ) {
    throw new Error(
      'securityHeaders works out the headers once; a per-request CSP directive needs helmet itself',
    );
  }
  const set: [string, string | number | readonly string[]][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => set.push([name, value]),
    removeHeader: (name: string) => removed.push(name),
  };
  let finished = false;
  helmet(options)({} as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not set its headers at once');
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    next();
  };
}
