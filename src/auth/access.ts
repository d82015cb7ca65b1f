import { AuthError } from './auth-error.js';
import type { Principal } from './principal.js';
import { scopeCovers, type Scope } from './scopes.js';

/** What an operation asks of its caller. */
export interface AccessRequirement {
  /** The least scope the caller needs. */
  scope: Scope;
  /** MSP-wide administration, which a caller limited to one client may not do even within its client. */
  mspWide: boolean;
  /** The client the operation names, if any. */
  clientId: string | undefined;
}

/** Whether the principal may do what the operation asks; throws the reason why not. */
export function authorize(principal: Principal, requirement: AccessRequirement): void {
  if (!scopeCovers(principal.scope, requirement.scope)) {
    throw new AuthError({ reason: 'insufficient_scope', needed: requirement.scope });
  }
  if (principal.clientId === null) return;
  if (requirement.mspWide) throw new AuthError({ reason: 'client_limited' });
  // A client-limited caller sees its own client only; any other client id looks like one that does not exist.
  if (requirement.clientId !== undefined && requirement.clientId !== principal.clientId) {
    throw new AuthError({ reason: 'other_client' });
  }
}
