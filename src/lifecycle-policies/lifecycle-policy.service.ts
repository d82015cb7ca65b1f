import { getClient } from '../clients/client.service.js';
import type { Db, Executor } from '../db/database.js';
import type { Principal as AuthContext } from '../auth/principal.js';
import { notFound } from '../http/errors.js';
import type { AssetCategory } from '../assets/asset.schemas.js';
import { lookupEndOfSupport } from '../domain/end-of-support.js';
import { LifecycleRules, policiesByCategory } from '../domain/refresh-clock.js';
import * as policies from './lifecycle-policy.repository.js';
import { policyCacheOf } from './policy-cache.js';
import type { LifecyclePolicy, PutLifecyclePolicy } from './lifecycle-policy.schemas.js';

/** Where a policy lives: the MSP's defaults (clientId null) or one client's overrides. */
export interface PolicyLevel {
  clientId: string | null;
}

async function assertLevel(db: Db, auth: AuthContext, level: PolicyLevel): Promise<void> {
  if (level.clientId !== null) await getClient(db, auth, level.clientId);
}

export async function listPolicies(
  db: Db,
  auth: AuthContext,
  level: PolicyLevel,
): Promise<{ items: LifecyclePolicy[]; nextCursor: null }> {
  await assertLevel(db, auth, level);
  return { items: await policies.listPolicies(db, auth.mspId, level.clientId), nextCursor: null };
}

export async function getPolicy(
  db: Db,
  auth: AuthContext,
  level: PolicyLevel,
  category: AssetCategory,
): Promise<LifecyclePolicy> {
  await assertLevel(db, auth, level);
  const policy = await policies.findPolicy(db, auth.mspId, level.clientId, category);
  if (!policy) throw notFound(`lifecycle policy for ${category}`);
  return policy;
}

export async function putPolicy(
  db: Db,
  auth: AuthContext,
  level: PolicyLevel,
  category: AssetCategory,
  values: PutLifecyclePolicy,
): Promise<LifecyclePolicy> {
  const stored = await db.transaction().execute(async (trx) => {
    await assertLevel(trx, auth, level);
    return policies.upsertPolicy(trx, auth.mspId, level.clientId, category, values);
  });
  policyCacheOf(db).forget(auth.mspId, level.clientId);
  return stored;
}

export async function deletePolicy(
  db: Db,
  auth: AuthContext,
  level: PolicyLevel,
  category: AssetCategory,
): Promise<void> {
  await assertLevel(db, auth, level);
  const deleted = await policies.deletePolicy(db, auth.mspId, level.clientId, category);
  policyCacheOf(db).forget(auth.mspId, level.clientId);
  if (!deleted) throw notFound(`lifecycle policy for ${category}`);
}

/** The refresh-clock rules at `asOf` from the policies in effect and the end-of-support catalogue. */
export function lifecycleRules(asOf: string, inEffect: policies.PoliciesInEffect): LifecycleRules {
  return new LifecycleRules({
    asOf,
    mspPolicies: policiesByCategory(inEffect.msp),
    clientPolicies: policiesByCategory(inEffect.client),
    endOfSupportLookup: lookupEndOfSupport,
  });
}

/**
 * The policies in effect for one client: from this process's short-lived cache when it has them (no query at all),
 * else both levels in one query. Undefined when the client is not the caller's.
 */
export async function policiesInEffect(
  db: Db,
  auth: AuthContext,
  clientId: string,
): Promise<policies.PoliciesInEffect | undefined> {
  if (auth.clientId !== null && auth.clientId !== clientId) return undefined;
  const cache = policyCacheOf(db);
  const cached = cache.get(auth.mspId, clientId);
  if (cached) return cached;
  const loaded = await policies.findPoliciesInEffect(db, auth.mspId, clientId);
  if (loaded) cache.set(auth.mspId, clientId, loaded);
  return loaded;
}

/**
 * The refresh-clock rules for one client at `asOf`; a client that is not the caller's is a 404. Inside a
 * transaction (`trx`), the policies are read through it rather than from the cache.
 */
export async function lifecycleRulesFor(
  db: Executor,
  auth: AuthContext,
  clientId: string,
  asOf: string,
): Promise<LifecycleRules> {
  const inEffect = db.isTransaction
    ? auth.clientId === null || auth.clientId === clientId
      ? await policies.findPoliciesInEffect(db, auth.mspId, clientId)
      : undefined
    : await policiesInEffect(db, auth, clientId);
  if (!inEffect) throw notFound('client');
  return lifecycleRules(asOf, inEffect);
}
