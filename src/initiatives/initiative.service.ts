import { findClientAssetIds } from '../assets/asset.repository.js';
import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import type { Principal } from '../auth/principal.js';
import { AppError, conflict, notFound } from '../http/errors.js';
import { decodeTypedCursor, readPage } from '../http/schemas.js';
import { publishEvent } from '../webhooks/webhook-events.js';
import * as initiatives from './initiative.repository.js';
import type {
  CreateInitiative,
  InitiativeResource,
  InitiativeRecord,
  ListInitiativesQuery,
  RecordDecision,
  UpdateInitiative,
} from './initiative.schemas.js';

/** Adds linked assets and decisions to initiatives with two queries, however many initiatives there are. */
async function complete(
  db: Executor,
  mspId: string,
  records: InitiativeRecord[],
): Promise<InitiativeResource[]> {
  const ids = records.map((record) => record.id);
  const linked = await initiatives.listLinkedAssetIds(db, mspId, ids);
  const decisions = await initiatives.listDecisions(db, mspId, ids);
  return records.map((record) => ({
    ...record,
    assetIds: linked.get(record.id) ?? [],
    decisions: decisions.get(record.id) ?? [],
  }));
}

async function completeOne(
  db: Executor,
  mspId: string,
  record: InitiativeRecord,
): Promise<InitiativeResource> {
  const [initiative] = await complete(db, mspId, [record]);
  return initiative!;
}

/** Linked assets must be this client's; each one that is not is named by its index. */
async function assertAssetsOfClient(
  db: Executor,
  mspId: string,
  clientId: string,
  assetIds: readonly string[],
): Promise<void> {
  const found = await findClientAssetIds(db, mspId, clientId, assetIds);
  const errors = assetIds.flatMap((id, index) =>
    found.has(id) ? [] : [{ path: `body.assetIds[${index}]`, message: 'is not an asset of this client' }],
  );
  if (errors.length > 0) throw new AppError('validation_failed', 400, 'The request is not valid', errors);
}

export async function createInitiative(
  db: Executor,
  auth: Principal,
  clientId: string,
  input: CreateInitiative,
): Promise<InitiativeResource> {
  const { assetIds, ...values } = input;
  return withTransaction(db, async (trx) => {
    await getClient(trx, auth, clientId);
    await assertAssetsOfClient(trx, auth.mspId, clientId, assetIds);
    const created = await initiatives.insertInitiative(trx, auth.mspId, clientId, values);
    await initiatives.replaceLinkedAssets(trx, auth.mspId, created.id, assetIds);
    return completeOne(trx, auth.mspId, created);
  });
}

export async function getInitiative(
  db: Executor,
  auth: Principal,
  clientId: string,
  initiativeId: string,
): Promise<InitiativeResource> {
  const record = await initiatives.findInitiative(db, auth.mspId, clientId, initiativeId);
  if (!record) throw notFound('initiative');
  return completeOne(db, auth.mspId, record);
}

export async function listInitiatives(
  db: Executor,
  auth: Principal,
  clientId: string,
  query: ListInitiativesQuery,
): Promise<{ items: InitiativeResource[]; nextCursor: string | null }> {
  const after = decodeTypedCursor(query.cursor, ['date', 'uuid']);
  await getClient(db, auth, clientId);
  const page = await readPage(
    query.limit,
    (limit) =>
      initiatives.listInitiatives(db, auth.mspId, clientId, {
        status: query.status,
        priority: query.priority,
        limit,
        after,
      }),
    initiatives.sortKeyOf,
  );
  return { items: await complete(db, auth.mspId, page.items), nextCursor: page.nextCursor };
}

export async function updateInitiative(
  db: Executor,
  auth: Principal,
  clientId: string,
  initiativeId: string,
  input: UpdateInitiative,
): Promise<InitiativeResource> {
  const { assetIds, ...changes } = input;
  return withTransaction(db, async (trx) => {
    if (!(await initiatives.findInitiative(trx, auth.mspId, clientId, initiativeId)))
      throw notFound('initiative');
    if (assetIds !== undefined) {
      await assertAssetsOfClient(trx, auth.mspId, clientId, assetIds);
      await initiatives.replaceLinkedAssets(trx, auth.mspId, initiativeId, assetIds);
    }
    const updated = await initiatives.updateInitiative(trx, auth.mspId, clientId, initiativeId, changes);
    if (!updated) throw notFound('initiative');
    return completeOne(trx, auth.mspId, updated);
  });
}

/** Decisions are the client's record, so an initiative that has any is kept; change its status instead. */
export async function deleteInitiative(
  db: Executor,
  auth: Principal,
  clientId: string,
  initiativeId: string,
): Promise<void> {
  await withTransaction(db, async (trx) => {
    const record = await initiatives.findInitiative(trx, auth.mspId, clientId, initiativeId);
    if (!record) throw notFound('initiative');
    const decisions =
      (await initiatives.listDecisions(trx, auth.mspId, [initiativeId])).get(initiativeId) ?? [];
    if (decisions.length > 0) {
      throw conflict(
        `The initiative has ${decisions.length} recorded decision(s), which are kept; change its status instead`,
      );
    }
    await initiatives.deleteInitiative(trx, auth.mspId, clientId, initiativeId);
  });
}

/**
 * Appends the client's decision and moves the initiative to the matching status, in one transaction.
 * `now` comes from the injected clock; a decision is never stamped before the one it follows, so the history
 * keeps the order in which decisions were recorded.
 */
export async function recordDecision(
  db: Executor,
  auth: Principal,
  clientId: string,
  initiativeId: string,
  decision: RecordDecision,
  now: Date,
  request: { ipAddress?: string | undefined; userAgent?: string | undefined } = {},
): Promise<InitiativeResource> {
  return withTransaction(db, async (trx) => {
    const record = await initiatives.findInitiative(trx, auth.mspId, clientId, initiativeId);
    if (!record) throw notFound('initiative');
    if (record.status === 'completed') {
      throw conflict('The initiative is completed; there is nothing left to decide', [
        { path: 'body.decision', message: 'cannot be recorded on a completed initiative' },
      ]);
    }
    const history =
      (await initiatives.listDecisions(trx, auth.mspId, [initiativeId])).get(initiativeId) ?? [];
    const latest = history.at(-1);
    const decidedAt =
      latest && Date.parse(latest.decidedAt) >= now.getTime()
        ? new Date(Date.parse(latest.decidedAt) + 1)
        : now;
    const actor = auth.actor;
    await initiatives.insertDecision(trx, auth.mspId, initiativeId, decision, decidedAt, {
      via: actor.kind === 'user' ? 'console' : actor.kind === 'share_link' ? 'portal' : 'api',
      recordedBy: await initiatives.recorderName(trx, auth.mspId, actor),
      userId: actor.kind === 'user' ? actor.userId : null,
      apiKeyId: actor.kind === 'api_key' ? actor.keyId : null,
      shareLinkId: actor.kind === 'share_link' ? actor.linkId : null,
      ipAddress: request.ipAddress?.slice(0, 64) ?? null,
      userAgent: request.userAgent?.slice(0, 1000) ?? null,
    });
    const updated = await initiatives.updateInitiative(trx, auth.mspId, clientId, initiativeId, {
      status: decision.decision,
    });
    await publishEvent(trx, auth.mspId, 'decision.recorded', {
      clientId,
      initiativeId,
      decision: decision.decision,
      decidedBy: decision.decidedBy,
      role: decision.role ?? null,
      decidedAt: decidedAt.toISOString(),
      status: updated!.status,
    });
    return completeOne(trx, auth.mspId, updated!);
  });
}
