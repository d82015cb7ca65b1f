import { sql, type Selectable } from 'kysely';
import { assetFieldColumns, assetFieldsOf } from '../assets/asset.repository.js';
import { initiativeFieldsOf } from '../initiatives/initiative.repository.js';
import type { Executor } from '../db/database.js';
import type { PacketTable } from '../db/schema.js';
import type { ForecastAsset, InitiativeKind, InitiativeStatus } from '../domain/forecast.types.js';
import type { Packet } from './packet.schemas.js';

/** Reads and writes of the packet feature. Every query is scoped by MSP. */

const packetColumns = [
  'id',
  'client_id',
  'as_of',
  'period_label',
  'scenario',
  'sha256',
  'page_count',
  'size_bytes',
  'created_at',
  'status',
  'issued_at',
] as const;

/**
 * created_at to the microsecond as text: a cursor must round-trip PostgreSQL's precision, which a JS Date
 * (milliseconds) does not.
 */
const createdKey = sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function toPacket(row: Pick<Selectable<PacketTable>, (typeof packetColumns)[number]>): Packet {
  return {
    id: row.id,
    clientId: row.client_id,
    asOf: row.as_of,
    periodLabel: row.period_label,
    scenario: row.scenario,
    sha256: row.sha256,
    pageCount: row.page_count,
    sizeBytes: row.size_bytes,
    status: row.status,
    issuedAt: row.issued_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export interface NewPacket {
  clientId: string;
  asOf: string;
  periodLabel: string;
  scenario: 'committed' | 'proposed';
  periods: number;
  sha256: string;
  pageCount: number;
  pdf: Buffer;
  figures: unknown;
  /** The SHA-256 of what the packet shows (its view model), which a packet run compares. */
  contentSha256: string;
  /** What a later packet compares with to say what changed (see packet.changes.ts). */
  snapshot: unknown;
  /** From the injected clock, like every other timestamp the service records (decisions included). */
  createdAt: Date;
}

export async function insertPacket(db: Executor, mspId: string, packet: NewPacket): Promise<Packet> {
  const row = await db
    .insertInto('packets')
    .values({
      msp_id: mspId,
      client_id: packet.clientId,
      as_of: packet.asOf,
      period_label: packet.periodLabel,
      scenario: packet.scenario,
      periods: packet.periods,
      sha256: packet.sha256,
      page_count: packet.pageCount,
      size_bytes: packet.pdf.byteLength,
      pdf: packet.pdf,
      figures: JSON.stringify(packet.figures),
      content_sha256: packet.contentSha256,
      snapshot: JSON.stringify(packet.snapshot),
      created_at: packet.createdAt,
    })
    .returning(packetColumns)
    .executeTakeFirstOrThrow();
  return toPacket(row);
}

/** Newest first; `after` is the last row's (createdKey, id) of the previous page. */
export async function listPackets(
  db: Executor,
  mspId: string,
  clientId: string,
  page: { limit: number; after?: [string, string] | undefined },
): Promise<(Packet & { cursorKey: string })[]> {
  let query = db
    .selectFrom('packets')
    .select([...packetColumns, createdKey.as('created_key')])
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId);
  if (page.after) {
    const [key, id] = page.after;
    const at = sql<Date>`cast(${key} as timestamptz)`;
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]),
    );
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
  return rows.map((row) => ({ ...toPacket(row), cursorKey: row.created_key }));
}

export async function findPacketPdf(
  db: Executor,
  mspId: string,
  clientId: string,
  packetId: string,
): Promise<{ packet: Packet; pdf: Buffer } | undefined> {
  const row = await db
    .selectFrom('packets')
    .select([...packetColumns, 'pdf'])
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', packetId)
    .executeTakeFirst();
  if (!row?.pdf) return undefined;
  return { packet: toPacket(row), pdf: Buffer.from(row.pdf) };
}

/** An asset as the inventory appendix lists it: the forecast's fields plus where and whose it is. */
export interface InventoryAsset extends ForecastAsset {
  manufacturer: string | null;
  model: string | null;
  serialNumber: string | null;
  assetTag: string | null;
  location: string | null;
  assignedTo: string | null;
}

/** Every asset of the client, retired and disposed ones included, by category and name. */
export async function listInventory(
  db: Executor,
  mspId: string,
  clientId: string,
): Promise<InventoryAsset[]> {
  const rows = await db
    .selectFrom('assets')
    .select(['id', ...assetFieldColumns])
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .orderBy('category')
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, ...assetFieldsOf(row) }));
}

export interface RecordedDecision {
  id: string;
  decision: 'approved' | 'declined' | 'deferred';
  decidedBy: string;
  role: string | null;
  note: string | null;
  decidedAt: Date;
  /** Through what it was recorded; a portal decision was signed by the client's executive themselves. */
  via?: 'api' | 'console' | 'portal';
}

export interface RoadmapInitiative {
  id: string;
  title: string;
  summary: string | null;
  priority: 'low' | 'medium' | 'high' | 'critical';
  kind: InitiativeKind;
  targetOn: string | null;
  capexCost: number;
  monthlyOpexCost: number;
  opexMonths: number | null;
  status: InitiativeStatus;
  linkedAssets: number;
  decisions: RecordedDecision[];
}

/** Every initiative of the client with its decisions (oldest first) and how many assets it concerns. */
export async function listRoadmapInitiatives(
  db: Executor,
  mspId: string,
  clientId: string,
): Promise<RoadmapInitiative[]> {
  const rows = await db
    .selectFrom('initiatives as i')
    .select([
      'i.id',
      'i.title',
      'i.summary',
      'i.priority',
      'i.kind',
      'i.target_on',
      'i.capex_cost',
      'i.monthly_opex_cost',
      'i.opex_months',
      'i.status',
      (eb) =>
        eb
          .selectFrom('initiative_assets as ia')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .whereRef('ia.initiative_id', '=', 'i.id')
          .where('ia.msp_id', '=', mspId)
          .as('linked_assets'),
    ])
    .where('i.msp_id', '=', mspId)
    .where('i.client_id', '=', clientId)
    .orderBy(sql`i.target_on asc nulls last`)
    .orderBy('i.title')
    .orderBy('i.id')
    .execute();
  const decisions = (await decisionsOfClient(db, mspId, clientId).execute()).map(toDecisionEntry);
  const byInitiative = new Map<string, RecordedDecision[]>();
  for (const row of decisions) {
    const list = byInitiative.get(row.initiativeId) ?? [];
    list.push(row);
    byInitiative.set(row.initiativeId, list);
  }
  return rows.map((row) => ({
    ...initiativeFieldsOf(row),
    linkedAssets: Number(row.linked_assets ?? 0),
    decisions: byInitiative.get(row.id) ?? [],
  }));
}

export interface DecisionEntry extends RecordedDecision {
  initiativeId: string;
  initiativeTitle: string;
}

function decisionsOfClient(db: Executor, mspId: string, clientId: string) {
  return db
    .selectFrom('decisions as d')
    .innerJoin('initiatives as i', (join) =>
      join.onRef('i.id', '=', 'd.initiative_id').onRef('i.msp_id', '=', 'd.msp_id'),
    )
    .select([
      'd.id',
      'd.initiative_id',
      'i.title',
      'd.decision',
      'd.decided_by',
      'd.role',
      'd.note',
      'd.decided_at',
      'd.via',
    ])
    .where('d.msp_id', '=', mspId)
    .where('i.client_id', '=', clientId)
    .orderBy('d.decided_at')
    .orderBy('d.id');
}

type DecisionRow = Awaited<ReturnType<ReturnType<typeof decisionsOfClient>['execute']>>[number];

function toDecisionEntry(row: DecisionRow): DecisionEntry {
  return {
    id: row.id,
    initiativeId: row.initiative_id,
    initiativeTitle: row.title,
    decision: row.decision,
    decidedBy: row.decided_by,
    role: row.role,
    note: row.note,
    decidedAt: row.decided_at,
    via: row.via,
  };
}

/** The last issued packet a new packet is compared with: what it showed and when it was made and issued. */
export interface IssuedPacket {
  id: string;
  periodLabel: string;
  asOf: string;
  createdAt: Date;
  issuedAt: Date;
  snapshot: unknown;
}

/**
 * The client's most recently issued packet, leaving out `excluding` (a packet run asks what a packet would show
 * now if that packet, its candidate for reuse, were not there).
 */
export async function findLastIssuedPacket(
  db: Executor,
  mspId: string,
  clientId: string,
  options: { excluding?: string | undefined } = {},
): Promise<IssuedPacket | undefined> {
  let query = db
    .selectFrom('packets')
    .select(['id', 'period_label', 'as_of', 'created_at', 'issued_at', 'snapshot'])
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('status', '=', 'issued');
  if (options.excluding !== undefined) query = query.where('id', '<>', options.excluding);
  const row = await query.orderBy('issued_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    periodLabel: row.period_label,
    asOf: row.as_of,
    createdAt: row.created_at,
    issuedAt: row.issued_at!,
    snapshot: row.snapshot,
  };
}

/**
 * The decisions recorded after the packet `sincePacketId` was made (all of them when it is null). The comparison
 * runs in the database, at its own timestamp precision.
 */
export async function listDecisionsSince(
  db: Executor,
  mspId: string,
  clientId: string,
  sincePacketId: string | null,
): Promise<DecisionEntry[]> {
  let query = decisionsOfClient(db, mspId, clientId);
  if (sincePacketId !== null) {
    const made = db
      .selectFrom('packets')
      .select('created_at')
      .where('msp_id', '=', mspId)
      .where('id', '=', sincePacketId);
    query = query.where('d.decided_at', '>', made);
  }
  return (await query.execute()).map(toDecisionEntry);
}

/** The client's assets linked to a completed replacement initiative: those assets have been replaced. */
export async function listReplacedAssetIds(db: Executor, mspId: string, clientId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('initiative_assets as ia')
    .innerJoin('initiatives as i', (join) =>
      join.onRef('i.id', '=', 'ia.initiative_id').onRef('i.msp_id', '=', 'ia.msp_id'),
    )
    .select('ia.asset_id')
    .distinct()
    .where('ia.msp_id', '=', mspId)
    .where('i.client_id', '=', clientId)
    .where('i.kind', '=', 'replacement')
    .where('i.status', '=', 'completed')
    .orderBy('ia.asset_id')
    .execute();
  return rows.map((row) => row.asset_id);
}

/**
 * Marks a draft packet issued by `issuedBy` at `issuedAt`; an issued packet is left as it is. Answers the packet
 * as it stands afterwards, or undefined when the MSP's client has no such packet.
 */
export async function issuePacket(
  db: Executor,
  mspId: string,
  clientId: string,
  packetId: string,
  issue: { issuedAt: Date; issuedBy: unknown },
): Promise<{ packet: Packet; issuedNow: boolean } | undefined> {
  const issued = await db
    .updateTable('packets')
    .set({ status: 'issued', issued_at: issue.issuedAt, issued_by: JSON.stringify(issue.issuedBy) })
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', packetId)
    .where('status', '=', 'draft')
    .returning('id')
    .executeTakeFirst();
  const row = await db
    .selectFrom('packets')
    .select(packetColumns)
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', packetId)
    .executeTakeFirst();
  return row && { packet: toPacket(row), issuedNow: issued !== undefined };
}

/** Who issued a packet, as recorded, with the name of the user or API key it names (if it still exists). */
export interface PacketIssuer {
  packetId: string;
  actor: unknown;
  userName: string | null;
  apiKeyName: string | null;
}

/** The issuers of the client's issued packets among `packetIds`. */
export async function listPacketIssuers(
  db: Executor,
  mspId: string,
  clientId: string,
  packetIds: readonly string[],
): Promise<PacketIssuer[]> {
  if (packetIds.length === 0) return [];
  const rows = await db
    .selectFrom('packets as p')
    .leftJoin('users as u', (join) =>
      join.onRef('u.msp_id', '=', 'p.msp_id').on(sql`u.id::text`, '=', sql`p.issued_by->>'userId'`),
    )
    .leftJoin('api_keys as k', (join) =>
      join.onRef('k.msp_id', '=', 'p.msp_id').on(sql`k.id::text`, '=', sql`p.issued_by->>'keyId'`),
    )
    .select(['p.id', 'p.issued_by', 'u.name as user_name', 'k.name as key_name'])
    .where('p.msp_id', '=', mspId)
    .where('p.client_id', '=', clientId)
    .where('p.id', 'in', packetIds)
    .where('p.status', '=', 'issued')
    .execute();
  return rows.map((row) => ({
    packetId: row.id,
    actor: row.issued_by,
    userName: row.user_name,
    apiKeyName: row.key_name,
  }));
}
