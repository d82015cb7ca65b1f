import type { Executor } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import { findClient } from '../clients/client.repository.js';
import { generateApiKey } from '../auth/api-key-secret.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import type { Scope } from '../auth/scopes.js';
import { invalid, notFound } from '../http/errors.js';
import { decodeTypedCursor, readPage } from '../http/schemas.js';
import * as keys from './api-key.repository.js';
import type { ApiKey } from './api-key.repository.js';
import type { CreateApiKey } from './api-key.schemas.js';

/** Creates a key and answers it with its secret, which is never stored and never shown again. */
export async function issueApiKey(
  db: Executor,
  mspId: string,
  input: { name: string; scope: Scope; clientId?: string | null | undefined },
): Promise<ApiKey & { key: string }> {
  const generated = generateApiKey();
  const key = await keys.insertApiKey(db, mspId, {
    name: input.name,
    scope: input.scope,
    clientId: input.clientId ?? null,
    prefix: generated.prefix,
    hash: generated.hash,
  });
  return { ...key, key: generated.secret };
}

export async function createApiKey(
  db: Executor,
  auth: Principal,
  input: CreateApiKey,
): Promise<ApiKey & { key: string }> {
  if (input.clientId) {
    if (input.scope === 'admin') {
      throw invalid('body.scope', 'a key limited to one client can have the read or write scope only');
    }
    if (!(await findClient(db, auth.mspId, input.clientId)))
      throw invalid('body.clientId', 'is not a client of yours');
  }
  return issueApiKey(db, auth.mspId, input);
}

export async function listApiKeys(
  db: Executor,
  auth: Principal,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: ApiKey[]; nextCursor: string | null }> {
  const after = decodeTypedCursor(query.cursor, ['uuid']);
  return readPage(
    query.limit,
    (limit) => keys.listApiKeys(db, auth.mspId, { limit, afterId: after?.[0] }),
    (key) => [key.id],
  );
}

export async function revokeApiKey(
  db: Executor,
  authenticator: Authenticator,
  auth: Principal,
  keyId: string,
): Promise<ApiKey> {
  return withTransaction(db, async (tx) => {
    const key = await keys.revokeApiKey(tx, auth.mspId, keyId);
    if (!key) throw notFound('API key');
    // Forgotten once the revocation is committed: earlier, a request racing it could cache the key again.
    tx.afterCommit(() => authenticator.forget(key.id));
    return key;
  });
}
