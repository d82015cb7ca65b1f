import { getClient } from '../clients/client.service.js';
import type { Db } from '../db/database.js';
import type { Principal as AuthContext } from '../auth/principal.js';
import { invalid, notFound } from '../http/errors.js';
import { decodeTypedCursor, encodeCursor } from '../http/schemas.js';
import * as costs from './recurring-cost.repository.js';
import {
  ENDS_BEFORE_START,
  type CreateRecurringCost,
  type ListRecurringCostsQuery,
  type RecurringCost,
  type UpdateRecurringCost,
} from './recurring-cost.schemas.js';

export async function createRecurringCost(
  db: Db,
  auth: AuthContext,
  clientId: string,
  input: CreateRecurringCost,
): Promise<RecurringCost> {
  return db.transaction().execute(async (trx) => {
    await getClient(trx, auth, clientId);
    return costs.insertRecurringCost(trx, auth.mspId, clientId, input);
  });
}

export async function getRecurringCost(
  db: Db,
  auth: AuthContext,
  clientId: string,
  recurringCostId: string,
): Promise<RecurringCost> {
  const cost = await costs.findRecurringCost(db, auth.mspId, clientId, recurringCostId);
  if (!cost) throw notFound('recurring cost');
  return cost;
}

export async function listRecurringCosts(
  db: Db,
  auth: AuthContext,
  clientId: string,
  query: ListRecurringCostsQuery,
): Promise<{ items: RecurringCost[]; nextCursor: string | null }> {
  const after = decodeTypedCursor(query.cursor, ['text', 'uuid']);
  await getClient(db, auth, clientId);
  const items = await costs.listRecurringCosts(db, auth.mspId, clientId, {
    interval: query.interval,
    q: query.q,
    limit: query.limit + 1,
    after,
  });
  const more = items.length > query.limit;
  const page = more ? items.slice(0, query.limit) : items;
  const last = page.at(-1);
  return { items: page, nextCursor: more && last ? encodeCursor([last.name, last.id]) : null };
}

export async function updateRecurringCost(
  db: Db,
  auth: AuthContext,
  clientId: string,
  recurringCostId: string,
  changes: UpdateRecurringCost,
): Promise<RecurringCost> {
  return db.transaction().execute(async (trx) => {
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
  db: Db,
  auth: AuthContext,
  clientId: string,
  recurringCostId: string,
): Promise<void> {
  if (!(await costs.deleteRecurringCost(db, auth.mspId, clientId, recurringCostId)))
    throw notFound('recurring cost');
}
