import { AuthError, type AuthFailure } from '../../../src/auth/auth-error.js';
import { authorize, type AccessRequirement } from '../../../src/auth/access.js';
import { systemPrincipal, type Principal } from '../../../src/auth/principal.js';
import { scopeCovers } from '../../../src/auth/scopes.js';

const mspWideKey: Principal = {
  actor: { kind: 'api_key', keyId: 'key-1' },
  mspId: 'msp-1',
  clientId: null,
  scope: 'write',
};
const clientKey: Principal = { ...mspWideKey, clientId: 'client-1' };

function failureOf(principal: Principal, requirement: Partial<AccessRequirement>): AuthFailure | undefined {
  try {
    authorize(principal, { scope: 'read', mspWide: false, clientId: undefined, ...requirement });
    return undefined;
  } catch (error) {
    if (error instanceof AuthError) return error.failure;
    throw error;
  }
}

describe('scopes', () => {
  it('when a scope is at least the one needed, then it covers it', () => {
    expect(scopeCovers('admin', 'write')).toBe(true);
    expect(scopeCovers('write', 'write')).toBe(true);
    expect(scopeCovers('write', 'read')).toBe(true);
    expect(scopeCovers('read', 'write')).toBe(false);
    expect(scopeCovers('write', 'admin')).toBe(false);
  });
});

describe('authorize', () => {
  it('when the scope is too small, then the caller is told which scope the operation needs', () => {
    expect(failureOf(mspWideKey, { scope: 'admin' })).toEqual({
      reason: 'insufficient_scope',
      needed: 'admin',
    });
  });

  it('when a key without a client limit names any client, then it is allowed', () => {
    expect(failureOf(mspWideKey, { clientId: 'client-2', mspWide: true })).toBeUndefined();
  });

  it('when a client-limited key asks for an MSP-wide operation, then it is turned away', () => {
    expect(failureOf(clientKey, { mspWide: true })).toEqual({ reason: 'client_limited' });
  });

  it('when a client-limited key names another client, then that client looks like one that does not exist', () => {
    expect(failureOf(clientKey, { clientId: 'client-2' })).toEqual({ reason: 'other_client' });
    expect(failureOf(clientKey, { clientId: 'client-1' })).toBeUndefined();
  });

  it('when the scope is too small and the client is another, then the scope is what the caller hears', () => {
    expect(failureOf(clientKey, { scope: 'admin', clientId: 'client-2' })).toEqual({
      reason: 'insufficient_scope',
      needed: 'admin',
    });
  });
});

describe('systemPrincipal', () => {
  it('when a process acts for an MSP, then it says so and has the admin scope with no client limit', () => {
    expect(systemPrincipal('packet-run', 'msp-1')).toEqual({
      actor: { kind: 'system', name: 'packet-run' },
      mspId: 'msp-1',
      clientId: null,
      scope: 'admin',
    });
  });
});
