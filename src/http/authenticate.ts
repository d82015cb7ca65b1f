import { AuthError, type AuthFailure } from '../auth/auth-error.js';
import type { Authenticator } from '../auth/authenticator.js';
import { AppError } from './errors.js';
import type { RequestAuthenticator } from './route.js';

/** Finds the API key in the request (the Authorization header, or `?token=` where the route allows it) and asks the authenticator who it is. */
export function authenticateRequests(authenticator: Authenticator): RequestAuthenticator {
  return async (req, route, params) => {
    const queryToken =
      route.allowQueryToken && typeof req.query.token === 'string' ? req.query.token : undefined;
    const header = req.get('authorization') ?? (queryToken ? `Bearer ${queryToken}` : undefined);
    const secret = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    try {
      return await authenticator.authenticate(secret, {
        scope: route.scope,
        mspWide: route.mspWide ?? false,
        clientId: typeof params.clientId === 'string' ? params.clientId : undefined,
      });
    } catch (error) {
      throw error instanceof AuthError ? toAppError(error.failure) : error;
    }
  };
}

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
      return new AppError('unauthorized', 401, 'The API key is not valid or has been revoked', undefined, {
        'WWW-Authenticate': 'Bearer realm="vcio-planner", error="invalid_token"',
      });
    case 'rate_limited':
      return new AppError(
        'rate_limited',
        429,
        `Rate limit of ${failure.limitPerMinute} requests a minute reached`,
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
