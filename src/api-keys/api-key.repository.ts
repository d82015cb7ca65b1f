import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { ApiKeyTable } from '../db/schema.js';
import type { Scope } from '../auth/scopes.js';

export interface ApiKey {
  id: string;
  name: string;
  scope: Scope;
  clientId: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const columns = [
  'id',
  'name',
  'scope',
  'client_id',
  'key_prefix',
  'created_at',
  'last_used_at',
  'revoked_at',
] as const;

function toApiKey(row: Pick<Selectable<ApiKeyTable>, (typeof columns)[number]>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    clientId: row.client_id,
    prefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

export async function insertApiKey(
  db: Executor,
  mspId: string,
  values: { name: string; scope: Scope; clientId: string | null; prefix: string; hash: Buffer },
): Promise<ApiKey> {
  const row = await db
    .insertInto('api_keys')
    .values({
      msp_id: mspId,
      name: values.name,
      scope: values.scope,
      client_id: values.clientId,
      key_prefix: values.prefix,
      key_hash: values.hash,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toApiKey(row);
}

export async function listApiKeys(
  db: Executor,
  mspId: string,
  page: { limit: number; afterId?: string | undefined },
): Promise<ApiKey[]> {
  let query = db.selectFrom('api_keys').select(columns).where('msp_id', '=', mspId);
  if (page.afterId) query = query.where('id', '>', page.afterId);
  const rows = await query.orderBy('id').limit(page.limit).execute();
  return rows.map(toApiKey);
}

export async function revokeApiKey(db: Executor, mspId: string, keyId: string): Promise<ApiKey | undefined> {
  const row = await db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(new Date())) }))
    .where('msp_id', '=', mspId)
    .where('id', '=', keyId)
    .returning(columns)
    .executeTakeFirst();
  return row && toApiKey(row);
}

/** What checking a presented key needs, by the clear-text prefix of the key. */
export interface ApiKeyCredential {
  id: string;
  mspId: string;
  clientId: string | null;
  scope: Scope;
  hash: Buffer;
  revoked: boolean;
}

/**
 * The keys that share a prefix, across every MSP: this lookup is what tells which MSP a caller belongs to, so it
 * is the one query here that cannot filter by msp_id.
 */
export async function findApiKeyCredentials(db: Executor, prefix: string): Promise<ApiKeyCredential[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'msp_id', 'client_id', 'scope', 'key_hash', 'revoked_at'])
    .where('key_prefix', '=', prefix)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    mspId: row.msp_id,
    clientId: row.client_id,
    scope: row.scope,
    hash: row.key_hash,
    revoked: row.revoked_at !== null,
  }));
}

/** Notes when a verified key was used; the key's id came from its own verified row. */
export async function recordApiKeyUse(db: Executor, keyId: string, at: Date): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', keyId).execute();
}
