import type { Scope } from './scopes.js';

/** Why a caller was turned away; the HTTP layer turns each into its status and message. */
export type AuthFailure =
  | { readonly reason: 'missing_credentials' }
  | { readonly reason: 'invalid_credentials' }
  | { readonly reason: 'insufficient_scope'; readonly needed: Scope }
  /** A caller limited to one client asked for an MSP-wide operation. */
  | { readonly reason: 'client_limited' }
  /** A caller limited to one client named another; it must look like a client that does not exist. */
  | { readonly reason: 'other_client' }
  | { readonly reason: 'rate_limited'; readonly limitPerMinute: number; readonly retryAfterSeconds: number }
  /** The client's address sent too many invalid credentials lately; it is refused before any is looked up. */
  | { readonly reason: 'too_many_failures'; readonly retryAfterSeconds: number };

export class AuthError extends Error {
  constructor(readonly failure: AuthFailure) {
    super(`Not authorized: ${failure.reason}`);
    this.name = 'AuthError';
  }
}
