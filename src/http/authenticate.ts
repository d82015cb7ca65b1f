import type { Request } from 'express';
import { AuthError, type AuthFailure } from '../auth/auth-error.js';
import type { Authenticator } from '../auth/authenticator.js';
import { AppError } from './errors.js';
import type { RequestAuthenticator } from './route.js';

/**
 * Finds the credentials in the request and asks the authenticator who it is: an API key in the Authorization
 * header, or, on the routes that allow it (calendar feeds), a calendar feed token as `?token=`. An API key is never
 * accepted from the URL, where logs, proxies and browser histories keep it.
 *
 * Invalid credentials are counted against the client's address: `req.ip`, which follows X-Forwarded-For only as far
 * as the app's `trust proxy` setting allows (src/app.ts), and is the socket's peer otherwise.
 */
export function authenticateRequests(authenticator: Authenticator): RequestAuthenticator {
  return async (req, route, params) => {
    const header = req.get('authorization');
    const requirement = {
      scope: route.scope,
      mspWide: route.mspWide ?? false,
      clientId: typeof params.clientId === 'string' ? params.clientId : undefined,
    };
    try {
      // req.query parses the query string on every read: only the routes that take a token read it here.
      const queryToken = route.allowQueryToken && header === undefined ? req.query.token : undefined;
      if (queryToken !== undefined) {
        return await authenticator.authenticateFeedToken(
          typeof queryToken === 'string' ? queryToken : undefined,
          requirement,
          () => clientAddressOf(req),
        );
      }
      const secret = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
      return await authenticator.authenticate(secret, requirement, () => clientAddressOf(req));
    } catch (error) {
      throw error instanceof AuthError ? toAppError(error.failure) : error;
    }
  };
}

/** Worked out only when needed: following X-Forwarded-For costs more than checking a key verified just now. */
const clientAddressOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

function toAppError(failure: AuthFailure): AppError {
  switch (failure.reason) {
    case 'missing_credentials':
      return new AppError(
        'unauthorized',
        401,
        'Send an API key as "Authorization: Bearer <key>"',
        undefined,
        {
          'WWW-Authenticate': 'Bearer realm="vcio-planner"',
        },
      );
    case 'invalid_credentials':
      return new AppError(
        'unauthorized',
        401,
        'The API key or feed token is not valid or has been revoked',
        undefined,
        {
          'WWW-Authenticate': 'Bearer realm="vcio-planner", error="invalid_token"',
        },
      );
    case 'rate_limited':
      return new AppError(
        'rate_limited',
        429,
        `Rate limit of ${failure.limitPerMinute} requests a minute reached`,
        undefined,
        { 'Retry-After': String(failure.retryAfterSeconds) },
      );
    case 'too_many_failures':
      return new AppError(
        'rate_limited',
        429,
        `Too many invalid API keys or feed tokens from this address; try again in ${failure.retryAfterSeconds} seconds`,
        undefined,
        { 'Retry-After': String(failure.retryAfterSeconds) },
      );
    case 'insufficient_scope':
      return new AppError('forbidden', 403, `This operation needs a key with the ${failure.needed} scope`);
    case 'client_limited':
      return new AppError(
        'forbidden',
        403,
        'This key is limited to one client and cannot use MSP-wide operations',
      );
    case 'other_client':
      return new AppError('not_found', 404, 'No such client');
  }
}
