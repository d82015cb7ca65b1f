import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import type { Principal } from '../auth/principal.js';
import { invalid, notFound } from '../http/errors.js';
import { decodeTypedCursor, readPage } from '../http/schemas.js';
import * as costs from './recurring-cost.repository.js';
import {
  ENDS_BEFORE_START,
  type CreateRecurringCost,
  type ListRecurringCostsQuery,
  type RecurringCostResource,
  type UpdateRecurringCost,
} from './recurring-cost.schemas.js';

export async function createRecurringCost(
  db: Executor,
  auth: Principal,
  clientId: string,
  input: CreateRecurringCost,
): Promise<RecurringCostResource> {
  return withTransaction(db, async (trx) => {
    await getClient(trx, auth, clientId);
    return costs.insertRecurringCost(trx, auth.mspId, clientId, input);
  });
}

export async function getRecurringCost(
  db: Executor,
  auth: Principal,
  clientId: string,
  recurringCostId: string,
): Promise<RecurringCostResource> {
  const cost = await costs.findRecurringCost(db, auth.mspId, clientId, recurringCostId);
  if (!cost) throw notFound('recurring cost');
  return cost;
}

export async function listRecurringCosts(
  db: Executor,
  auth: Principal,
  clientId: string,
  query: ListRecurringCostsQuery,
): Promise<{ items: RecurringCostResource[]; nextCursor: string | null }> {
  const after = decodeTypedCursor(query.cursor, ['text', 'uuid']);
  await getClient(db, auth, clientId);
  return readPage(
    query.limit,
    (limit) =>
      costs.listRecurringCosts(db, auth.mspId, clientId, {
        interval: query.interval,
        q: query.q,
        limit,
        after,
      }),
    (cost) => [cost.name, cost.id],
  );
}

export async function updateRecurringCost(
  db: Executor,
  auth: Principal,
  clientId: string,
  recurringCostId: string,
  changes: UpdateRecurringCost,
): Promise<RecurringCostResource> {
  return withTransaction(db, async (trx) => {
    const current = await costs.findRecurringCost(trx, auth.mspId, clientId, recurringCostId);
    if (!current) throw notFound('recurring cost');
    const startsOn = changes.startsOn ?? current.startsOn;
    const endsOn = changes.endsOn === undefined ? current.endsOn : changes.endsOn;
    if (endsOn !== null && endsOn < startsOn) {
      throw changes.endsOn !== undefined
        ? invalid('body.endsOn', ENDS_BEFORE_START)
        : invalid('body.startsOn', `must be on or before endsOn (${endsOn})`);
    }
    const updated = await costs.updateRecurringCost(trx, auth.mspId, clientId, recurringCostId, changes);
    if (!updated) throw notFound('recurring cost');
    return updated;
  });
}

export async function deleteRecurringCost(
  db: Executor,
  auth: Principal,
  clientId: string,
  recurringCostId: string,
): Promise<void> {
  if (!(await costs.deleteRecurringCost(db, auth.mspId, clientId, recurringCostId)))
    throw notFound('recurring cost');
}
