import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import { withTransaction, type UnitOfWork } from '../db/unit-of-work.js';
import type { Principal } from '../auth/principal.js';
import { notFound } from '../http/errors.js';
import type { AssetCategory, LifecyclePolicy } from '../domain/forecast.types.js';
import { lookupEndOfSupport } from '../domain/end-of-support.js';
import { LifecycleRules, policiesByCategory } from '../domain/refresh-clock.js';
import * as policies from './lifecycle-policy.repository.js';
import { policyCacheOf } from './policy-cache.js';
import type { PutLifecyclePolicy } from './lifecycle-policy.schemas.js';

/** Where a policy lives: the MSP's defaults (clientId null) or one client's overrides. */
export interface PolicyLevel {
  clientId: string | null;
}

async function assertLevel(db: Executor, auth: Principal, level: PolicyLevel): Promise<void> {
  if (level.clientId !== null) await getClient(db, auth, level.clientId);
}

export async function listPolicies(
  db: Executor,
  auth: Principal,
  level: PolicyLevel,
): Promise<{ items: LifecyclePolicy[]; nextCursor: null }> {
  await assertLevel(db, auth, level);
  return { items: await policies.listPolicies(db, auth.mspId, level.clientId), nextCursor: null };
}

export async function getPolicy(
  db: Executor,
  auth: Principal,
  level: PolicyLevel,
  category: AssetCategory,
): Promise<LifecyclePolicy> {
  await assertLevel(db, auth, level);
  const policy = await policies.findPolicy(db, auth.mspId, level.clientId, category);
  if (!policy) throw notFound(`lifecycle policy for ${category}`);
  return policy;
}

export async function putPolicy(
  db: Executor,
  auth: Principal,
  level: PolicyLevel,
  category: AssetCategory,
  values: PutLifecyclePolicy,
): Promise<LifecyclePolicy> {
  return withTransaction(db, async (tx) => {
    await assertLevel(tx, auth, level);
    const stored = await policies.upsertPolicy(tx, auth.mspId, level.clientId, category, values);
    forgetAfterCommit(tx, auth.mspId, level.clientId);
    return stored;
  });
}

export async function deletePolicy(
  db: Executor,
  auth: Principal,
  level: PolicyLevel,
  category: AssetCategory,
): Promise<void> {
  await withTransaction(db, async (tx) => {
    await assertLevel(tx, auth, level);
    const deleted = await policies.deletePolicy(tx, auth.mspId, level.clientId, category);
    if (!deleted) throw notFound(`lifecycle policy for ${category}`);
    forgetAfterCommit(tx, auth.mspId, level.clientId);
  });
}

/**
 * Forgets the cached policies a change affects once it is committed: forgetting them earlier would let a
 * concurrent reader cache the old policies again for the cache's lifetime.
 */
function forgetAfterCommit(tx: UnitOfWork, mspId: string, clientId: string | null): void {
  tx.afterCommit(() => policyCacheOf(tx.database).forget(mspId, clientId));
}

/**
 * The rules last built from a policies-in-effect object, with the asOf they are for. The policy cache hands out
 * the same object for as long as it keeps it, so the requests of those seconds share one set of rules, and with it
 * their per-category rules and end-of-support lookups, instead of building them again for each.
 */
const rulesBuilt = new WeakMap<policies.PoliciesInEffect, { asOf: string; rules: LifecycleRules }>();

/** The refresh-clock rules at `asOf` from the policies in effect and the end-of-support catalogue. */
export function lifecycleRules(asOf: string, inEffect: policies.PoliciesInEffect): LifecycleRules {
  const built = rulesBuilt.get(inEffect);
  if (built?.asOf === asOf) return built.rules;
  const rules = new LifecycleRules({
    asOf,
    mspPolicies: policiesByCategory(inEffect.msp),
    clientPolicies: policiesByCategory(inEffect.client),
    endOfSupportLookup: lookupEndOfSupport,
  });
  rulesBuilt.set(inEffect, { asOf, rules });
  return rules;
}

/**
 * The one loader of the policies in effect for a client (the MSP's and the client's own), both levels in one
 * query; undefined when the client is not the caller's. Outside a transaction they come from this process's
 * short-lived cache when it has them. The cache holds committed state only, so a transaction reads through
 * itself: what it sees is its own snapshot, and what it has not committed is never cached.
 */
export async function policiesInEffect(
  db: Executor,
  auth: Principal,
  clientId: string,
): Promise<policies.PoliciesInEffect | undefined> {
  if (auth.clientId !== null && auth.clientId !== clientId) return undefined;
  if (db.isTransaction) return policies.findPoliciesInEffect(db, auth.mspId, clientId);
  const cache = policyCacheOf(db);
  const cached = cache.get(auth.mspId, clientId);
  if (cached) return cached;
  const loaded = await policies.findPoliciesInEffect(db, auth.mspId, clientId);
  if (loaded) cache.set(auth.mspId, clientId, loaded);
  return loaded;
}

/** The refresh-clock rules for one client at `asOf`; a client that is not the caller's is a 404. */
export async function lifecycleRulesFor(
  db: Executor,
  auth: Principal,
  clientId: string,
  asOf: string,
): Promise<LifecycleRules> {
  const inEffect = await policiesInEffect(db, auth, clientId);
  if (!inEffect) throw notFound('client');
  return lifecycleRules(asOf, inEffect);
}
