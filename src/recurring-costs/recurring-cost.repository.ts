import type { Selectable, Updateable } from 'kysely';
import type { Executor } from '../db/database.js';
import { escapeLike } from '../db/like.js';
import type { RecurringCostTable } from '../db/schema.js';
import type { RecurringCost } from '../domain/forecast.types.js';
import type {
  CreateRecurringCost,
  RecurringCostResource,
  UpdateRecurringCost,
} from './recurring-cost.schemas.js';

/** The columns of a recurring cost that the forecast reads: the domain's RecurringCost. */
export const recurringCostFieldColumns = [
  'id',
  'name',
  'vendor',
  'amount',
  'quantity',
  'interval',
  'starts_on',
  'ends_on',
  'annual_escalation_bps',
] as const;

const columns = [...recurringCostFieldColumns, 'created_at', 'updated_at'] as const;

/** The one mapping from a recurring-cost row to the domain's RecurringCost. */
export function recurringCostFieldsOf(
  row: Pick<Selectable<RecurringCostTable>, (typeof recurringCostFieldColumns)[number]>,
): RecurringCost {
  return {
    id: row.id,
    name: row.name,
    vendor: row.vendor,
    amount: row.amount,
    quantity: row.quantity,
    interval: row.interval,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    annualEscalationBps: row.annual_escalation_bps,
  };
}

function toRecurringCost(
  row: Pick<Selectable<RecurringCostTable>, (typeof columns)[number]>,
): RecurringCostResource {
  return {
    ...recurringCostFieldsOf(row),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toColumns(values: UpdateRecurringCost): Updateable<RecurringCostTable> {
  const out: Updateable<RecurringCostTable> = {};
  if (values.name !== undefined) out.name = values.name;
  if (values.vendor !== undefined) out.vendor = values.vendor;
  if (values.amount !== undefined) out.amount = values.amount;
  if (values.quantity !== undefined) out.quantity = values.quantity;
  if (values.interval !== undefined) out.interval = values.interval;
  if (values.startsOn !== undefined) out.starts_on = values.startsOn;
  if (values.endsOn !== undefined) out.ends_on = values.endsOn;
  if (values.annualEscalationBps !== undefined) out.annual_escalation_bps = values.annualEscalationBps;
  return out;
}

export async function insertRecurringCost(
  db: Executor,
  mspId: string,
  clientId: string,
  values: CreateRecurringCost,
): Promise<RecurringCostResource> {
  const row = await db
    .insertInto('recurring_costs')
    .values({
      msp_id: mspId,
      client_id: clientId,
      name: values.name,
      vendor: values.vendor ?? null,
      amount: values.amount,
      quantity: values.quantity,
      interval: values.interval,
      starts_on: values.startsOn,
      ends_on: values.endsOn ?? null,
      annual_escalation_bps: values.annualEscalationBps,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toRecurringCost(row);
}

export async function findRecurringCost(
  db: Executor,
  mspId: string,
  clientId: string,
  recurringCostId: string,
): Promise<RecurringCostResource | undefined> {
  const row = await db
    .selectFrom('recurring_costs')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', recurringCostId)
    .executeTakeFirst();
  return row && toRecurringCost(row);
}

export interface RecurringCostListFilter {
  interval?: 'month' | 'year' | undefined;
  q?: string | undefined;
  limit: number;
  after?: readonly [string, string] | undefined;
}

export async function listRecurringCosts(
  db: Executor,
  mspId: string,
  clientId: string,
  filter: RecurringCostListFilter,
): Promise<RecurringCostResource[]> {
  let query = db
    .selectFrom('recurring_costs')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId);
  if (filter.interval) query = query.where('interval', '=', filter.interval);
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`;
    query = query.where((eb) => eb.or([eb('name', 'ilike', pattern), eb('vendor', 'ilike', pattern)]));
  }
  if (filter.after) {
    const [name, id] = filter.after;
    query = query.where((eb) =>
      eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]),
    );
  }
  const rows = await query.orderBy('name').orderBy('id').limit(filter.limit).execute();
  return rows.map(toRecurringCost);
}

export async function updateRecurringCost(
  db: Executor,
  mspId: string,
  clientId: string,
  recurringCostId: string,
  changes: UpdateRecurringCost,
): Promise<RecurringCostResource | undefined> {
  const row = await db
    .updateTable('recurring_costs')
    .set({ ...toColumns(changes), updated_at: new Date() })
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', recurringCostId)
    .returning(columns)
    .executeTakeFirst();
  return row && toRecurringCost(row);
}

export async function deleteRecurringCost(
  db: Executor,
  mspId: string,
  clientId: string,
  recurringCostId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('recurring_costs')
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', recurringCostId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
