import { sql, type Selectable, type Updateable } from 'kysely';
import type { Actor } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { InitiativeTable } from '../db/schema.js';
import type {
  CreateInitiative,
  Decision,
  DecisionVia,
  InitiativeRecord,
  RecordDecision,
  UpdateInitiative,
} from './initiative.schemas.js';

const columns = [
  'id',
  'title',
  'summary',
  'priority',
  'kind',
  'target_on',
  'capex_cost',
  'monthly_opex_cost',
  'opex_months',
  'status',
  'created_at',
  'updated_at',
] as const;

type InitiativeFieldRow = Pick<
  Selectable<InitiativeTable>,
  | 'id'
  | 'title'
  | 'summary'
  | 'priority'
  | 'kind'
  | 'target_on'
  | 'capex_cost'
  | 'monthly_opex_cost'
  | 'opex_months'
  | 'status'
>;

/** The one mapping from an initiative row to its fields (timestamps, links and decisions are the caller's). */
export function initiativeFieldsOf(
  row: InitiativeFieldRow,
): Omit<InitiativeRecord, 'createdAt' | 'updatedAt'> {
  return {
    id: row.id,
    title: row.title,
    summary: row.summary,
    priority: row.priority,
    kind: row.kind,
    targetOn: row.target_on,
    capexCost: row.capex_cost,
    monthlyOpexCost: row.monthly_opex_cost,
    opexMonths: row.opex_months,
    status: row.status,
  };
}

function toInitiative(row: Pick<Selectable<InitiativeTable>, (typeof columns)[number]>): InitiativeRecord {
  return {
    ...initiativeFieldsOf(row),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toColumns(values: Omit<UpdateInitiative, 'assetIds'>): Updateable<InitiativeTable> {
  const out: Updateable<InitiativeTable> = {};
  if (values.title !== undefined) out.title = values.title;
  if (values.summary !== undefined) out.summary = values.summary;
  if (values.priority !== undefined) out.priority = values.priority;
  if (values.kind !== undefined) out.kind = values.kind;
  if (values.targetOn !== undefined) out.target_on = values.targetOn;
  if (values.capexCost !== undefined) out.capex_cost = values.capexCost;
  if (values.monthlyOpexCost !== undefined) out.monthly_opex_cost = values.monthlyOpexCost;
  if (values.opexMonths !== undefined) out.opex_months = values.opexMonths;
  if (values.status !== undefined) out.status = values.status;
  return out;
}

export async function insertInitiative(
  db: Executor,
  mspId: string,
  clientId: string,
  values: Omit<CreateInitiative, 'assetIds'>,
): Promise<InitiativeRecord> {
  const row = await db
    .insertInto('initiatives')
    .values({
      msp_id: mspId,
      client_id: clientId,
      title: values.title,
      summary: values.summary ?? null,
      priority: values.priority,
      kind: values.kind,
      target_on: values.targetOn ?? null,
      capex_cost: values.capexCost,
      monthly_opex_cost: values.monthlyOpexCost,
      opex_months: values.opexMonths ?? null,
      status: values.status,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toInitiative(row);
}

export async function findInitiative(
  db: Executor,
  mspId: string,
  clientId: string,
  initiativeId: string,
): Promise<InitiativeRecord | undefined> {
  const row = await db
    .selectFrom('initiatives')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', initiativeId)
    .executeTakeFirst();
  return row && toInitiative(row);
}

/** Sorts undated initiatives after every dated one. */
const LAST_DATE = '9999-12-31';
const targetOrder = sql<string>`coalesce(target_on, ${LAST_DATE}::date)`;

export interface InitiativeListFilter {
  status?: InitiativeRecord['status'] | undefined;
  priority?: InitiativeRecord['priority'] | undefined;
  limit: number;
  /** The last row's (targetOn or 9999-12-31, id). */
  after?: readonly [string, string] | undefined;
}

/** A page of one client's initiatives by target date (undated last), then id. */
export async function listInitiatives(
  db: Executor,
  mspId: string,
  clientId: string,
  filter: InitiativeListFilter,
): Promise<InitiativeRecord[]> {
  let query = db
    .selectFrom('initiatives')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.priority) query = query.where('priority', '=', filter.priority);
  if (filter.after) {
    const [target, id] = filter.after;
    query = query.where(sql<boolean>`(${targetOrder}, id) > (${target}::date, ${id}::uuid)`);
  }
  const rows = await query.orderBy(targetOrder).orderBy('id').limit(filter.limit).execute();
  return rows.map(toInitiative);
}

export const sortKeyOf = (initiative: InitiativeRecord): [string, string] => [
  initiative.targetOn ?? LAST_DATE,
  initiative.id,
];

export async function updateInitiative(
  db: Executor,
  mspId: string,
  clientId: string,
  initiativeId: string,
  changes: Omit<UpdateInitiative, 'assetIds'>,
): Promise<InitiativeRecord | undefined> {
  const row = await db
    .updateTable('initiatives')
    .set({ ...toColumns(changes), updated_at: new Date() })
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', initiativeId)
    .returning(columns)
    .executeTakeFirst();
  return row && toInitiative(row);
}

export async function deleteInitiative(
  db: Executor,
  mspId: string,
  clientId: string,
  initiativeId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('initiatives')
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', initiativeId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Linked asset ids per initiative, ordered by asset id. */
export async function listLinkedAssetIds(
  db: Executor,
  mspId: string,
  initiativeIds: readonly string[],
): Promise<Map<string, string[]>> {
  const linked = new Map<string, string[]>(initiativeIds.map((id) => [id, []]));
  if (initiativeIds.length === 0) return linked;
  const rows = await db
    .selectFrom('initiative_assets')
    .select(['initiative_id', 'asset_id'])
    .where('msp_id', '=', mspId)
    .where('initiative_id', 'in', initiativeIds)
    .orderBy('asset_id')
    .execute();
  for (const row of rows) linked.get(row.initiative_id)?.push(row.asset_id);
  return linked;
}

/** Makes `assetIds` the initiative's linked assets. */
export async function replaceLinkedAssets(
  db: Executor,
  mspId: string,
  initiativeId: string,
  assetIds: readonly string[],
): Promise<void> {
  await db
    .deleteFrom('initiative_assets')
    .where('msp_id', '=', mspId)
    .where('initiative_id', '=', initiativeId)
    .execute();
  if (assetIds.length === 0) return;
  await db
    .insertInto('initiative_assets')
    .values(assetIds.map((assetId) => ({ msp_id: mspId, initiative_id: initiativeId, asset_id: assetId })))
    .execute();
}

/** Through what a decision came, as the decisions table keeps it. */
export interface DecisionProvenance {
  via: DecisionVia;
  recordedBy: string | null;
  userId: string | null;
  apiKeyId: string | null;
  shareLinkId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
}

/** Decisions per initiative, oldest first. */
export async function listDecisions(
  db: Executor,
  mspId: string,
  initiativeIds: readonly string[],
): Promise<Map<string, Decision[]>> {
  const decisions = new Map<string, Decision[]>(initiativeIds.map((id) => [id, []]));
  if (initiativeIds.length === 0) return decisions;
  const rows = await db
    .selectFrom('decisions')
    .select([
      'initiative_id',
      'decision',
      'decided_by',
      'role',
      'note',
      'decided_at',
      'via',
      'recorded_by',
      'share_link_id',
      'ip_address',
      'user_agent',
    ])
    .where('msp_id', '=', mspId)
    .where('initiative_id', 'in', initiativeIds)
    .orderBy('decided_at')
    .orderBy('id')
    .execute();
  for (const row of rows) {
    decisions.get(row.initiative_id)?.push({
      decision: row.decision,
      decidedBy: row.decided_by,
      role: row.role,
      note: row.note,
      decidedAt: row.decided_at.toISOString(),
      via: row.via,
      recordedBy: row.recorded_by,
      shareLinkId: row.share_link_id,
      ipAddress: row.ip_address,
      userAgent: row.user_agent,
    });
  }
  return decisions;
}

export async function insertDecision(
  db: Executor,
  mspId: string,
  initiativeId: string,
  decision: RecordDecision,
  decidedAt: Date,
  provenance: DecisionProvenance,
): Promise<void> {
  await db
    .insertInto('decisions')
    .values({
      msp_id: mspId,
      initiative_id: initiativeId,
      decision: decision.decision,
      decided_by: decision.decidedBy,
      role: decision.role ?? null,
      note: decision.note ?? null,
      decided_at: decidedAt,
      via: provenance.via,
      recorded_by: provenance.recordedBy,
      user_id: provenance.userId,
      api_key_id: provenance.apiKeyId,
      share_link_id: provenance.shareLinkId,
      ip_address: provenance.ipAddress,
      user_agent: provenance.userAgent,
    })
    .execute();
}

/** The name of the console user or API key that records a decision, as it is now (kept with the decision). */
export async function recorderName(db: Executor, mspId: string, actor: Actor): Promise<string | null> {
  if (actor.kind === 'user') {
    const row = await db
      .selectFrom('users')
      .select('name')
      .where('msp_id', '=', mspId)
      .where('id', '=', actor.userId)
      .executeTakeFirst();
    return row?.name ?? null;
  }
  if (actor.kind === 'api_key') {
    const row = await db
      .selectFrom('api_keys')
      .select('name')
      .where('msp_id', '=', mspId)
      .where('id', '=', actor.keyId)
      .executeTakeFirst();
    return row ? `API key “${row.name}”` : null;
  }
  if (actor.kind === 'system') return actor.name;
  return null;
}
