import crypto from 'node:crypto';
import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import { readSnapshot, withTransaction } from '../db/unit-of-work.js';
import { fiscalPeriodLabel, fiscalQuarterOf, fiscalYearOf } from '../domain/fiscal-calendar.js';
import { forecastContextFor, planningFactsOf } from '../forecast/forecast-context.js';
import { forecastInSnapshot } from '../forecast/forecast.service.js';
import type { Scenario } from '../domain/forecast.types.js';
import type { Principal } from '../auth/principal.js';
import { AppError, notFound } from '../http/errors.js';
import { renderFailureProblem } from '../http/render-problems.js';
import { decodeCreatedAtCursor, readPage } from '../http/schemas.js';
import { findMsp, findMspLogo } from '../msps/msp.repository.js';
import type { Renderer } from '../render/renderer.js';
import type { Clock } from '../shared/clock.js';
import { publishEvent } from '../webhooks/webhook-events.js';
import { logoDataUri } from './logo.js';
import { renderPacketHtml, type PacketDocument } from './packet-html.js';
import * as packets from './packet.repository.js';
import type { Packet } from './packet.schemas.js';
import { buildPacketView, type PacketFigures, type PacketView } from './packet.view-model.js';
import { packetChanges, packetSnapshotOf, parseSnapshot, type PacketSnapshot } from './packet.changes.js';

/** What making a packet needs; the API passes its app context, the CLI its own. */
export interface PacketDependencies {
  db: Executor;
  clock: Clock;
  renderer?: Renderer | undefined;
}

export interface PacketRequest {
  asOf?: string | undefined;
  periodLabel?: string | undefined;
  periods: number;
  scenario: Scenario;
}

export interface PreparedPacket {
  asOf: string;
  periodLabel: string;
  scenario: Scenario;
  periods: number;
  pageSize: 'letter' | 'a4';
  view: PacketView;
  figures: PacketFigures;
  document: PacketDocument;
  /** The hash of what the packet shows, which a packet run compares with a stored packet's. */
  contentSha256: string;
  snapshot: PacketSnapshot;
  /** The last issued packet this one is compared with ("since the last packet"), if any. */
  baselineId: string | null;
}

export interface PrepareOptions {
  /**
   * Compare with the last issued packet other than this one: what a packet run asks of a stored packet it might
   * reuse, so that issuing that packet does not by itself make it look out of date.
   */
  excludingIssued?: string | undefined;
}

/**
 * The SHA-256 of what the packet shows: its view model, without the day it was prepared on (a packet for the same
 * asOf made on another day shows the same thing).
 */
export function contentSha256Of(view: PacketView): string {
  const shown = { ...view, cover: { ...view.cover, preparedOn: null } };
  return crypto.createHash('sha256').update(JSON.stringify(shown)).digest('hex');
}

/** Covers the 12-month opex window from any asOf: the first quarter may start up to three months earlier. */
const QUARTERS_FOR_TWELVE_MONTHS = 5;

/** "FY2027 Q2 roadmap review": the fiscal quarter of asOf in the client's calendar. */
export function defaultPeriodLabel(asOf: string, fiscalYearStartMonth: number): string {
  return `${fiscalPeriodLabel(fiscalYearOf(asOf, fiscalYearStartMonth), fiscalQuarterOf(asOf, fiscalYearStartMonth))} roadmap review`;
}

/**
 * Everything the packet shows, as HTML: the forecast comes from the forecast API's own service (same asOf,
 * scenario and quarters, so the numbers are the API's), the rest from this client's records.
 */
export async function preparePacket(
  deps: PacketDependencies,
  auth: Principal,
  clientId: string,
  request: PacketRequest,
  options: PrepareOptions = {},
): Promise<PreparedPacket> {
  const { db, clock } = deps;
  const today = clock.today();
  const asOf = request.asOf ?? today;
  // Everything the packet shows comes from one snapshot, so that a change committed while it is read (a sync, an
  // import) cannot make the forecast disagree with the inventory beside it.
  const { client, msp, forecast, lifecycle, logo, inventory, initiatives, baseline, decisions, replaced } =
    await readSnapshot(db, async (tx) => {
      const client = await getClient(tx, auth, clientId);
      const msp = await findMsp(tx, auth.mspId);
      if (!msp) throw notFound('MSP');
      const facts = await planningFactsOf(tx, auth, clientId);
      // Read once, for the appendix and for the forecast (which counts the active and in-storage ones).
      const inventory = await packets.listInventory(tx, auth.mspId, clientId);
      const periods = Math.max(request.periods, QUARTERS_FOR_TWELVE_MONTHS);
      const forecast = await forecastInSnapshot(
        tx,
        auth,
        { client, facts, assets: [inventory] },
        { asOf, granularity: 'quarter', periods, scenario: request.scenario, include: 'items' },
        today,
      );
      // The context the forecast was computed in, so that clocks and refresh reasons agree with its numbers.
      const lifecycle = forecastContextFor(
        {
          asOf,
          granularity: 'quarter',
          periods: forecast.periods.length,
          scenario: request.scenario,
          fiscalYearStartMonth: client.fiscalYearStartMonth,
        },
        facts,
      );
      const baseline = await packets.findLastIssuedPacket(tx, auth.mspId, clientId, {
        excluding: options.excludingIssued,
      });
      return {
        client,
        msp,
        forecast,
        lifecycle,
        logo: await findMspLogo(tx, auth.mspId),
        inventory,
        initiatives: await packets.listRoadmapInitiatives(tx, auth.mspId, clientId),
        baseline,
        decisions: await packets.listDecisionsSince(tx, auth.mspId, clientId, baseline?.id ?? null),
        replaced: await packets.listReplacedAssetIds(tx, auth.mspId, clientId),
      };
    });
  const periodLabel = request.periodLabel ?? defaultPeriodLabel(asOf, client.fiscalYearStartMonth);
  const snapshot = packetSnapshotOf({
    periods: forecast.periods.slice(0, request.periods),
    inventory,
    replacedAssetIds: new Set(replaced),
    initiatives,
  });
  const previous = baseline ? parseSnapshot(baseline.snapshot) : null;
  const { view, figures } = buildPacketView({
    msp,
    logoSrc: logoDataUri(logo),
    client,
    periodLabel,
    scenario: request.scenario,
    preparedOn: today,
    periods: request.periods,
    forecast,
    lifecycle,
    inventory,
    initiatives,
    decisions: { lastPacketAt: baseline?.createdAt ?? null, decisions },
    changes: {
      baseline: baseline ? { periodLabel: baseline.periodLabel, issuedAt: baseline.issuedAt } : null,
      changes: previous ? packetChanges(previous, snapshot) : null,
    },
  });
  return {
    asOf,
    periodLabel,
    scenario: request.scenario,
    periods: request.periods,
    pageSize: msp.pageSize,
    view,
    figures,
    document: renderPacketHtml(view),
    contentSha256: contentSha256Of(view),
    snapshot,
    baselineId: baseline?.id ?? null,
  };
}

export interface CreatedPacket {
  packet: Packet;
  pdf: Buffer;
  figures: PacketFigures;
  renderMs: number;
}

/** Renders the packet to PDF and stores it with its checksum and the figures it showed. */
export async function createPacket(
  deps: PacketDependencies,
  auth: Principal,
  clientId: string,
  request: PacketRequest,
): Promise<CreatedPacket> {
  // Prepared first, so that another tenant's client is a 404 whether or not this process can render.
  const prepared = await preparePacket(deps, auth, clientId, request);
  const rendered = await renderPdf(requireRenderer(deps.renderer), prepared);
  const packet = await storePacket(deps.db, auth.mspId, clientId, prepared, rendered, deps.clock.now());
  return { packet, pdf: rendered.pdf, figures: prepared.figures, renderMs: rendered.renderMs };
}

/** Stores a rendered packet with its checksum and the figures it showed (also used by packet runs). */
export function storePacket(
  db: Executor,
  mspId: string,
  clientId: string,
  prepared: Pick<
    PreparedPacket,
    'asOf' | 'periodLabel' | 'scenario' | 'periods' | 'figures' | 'contentSha256' | 'snapshot'
  >,
  rendered: { pdf: Buffer; pageCount: number },
  createdAt: Date,
) {
  return packets.insertPacket(db, mspId, {
    clientId,
    asOf: prepared.asOf,
    periodLabel: prepared.periodLabel,
    scenario: prepared.scenario,
    periods: prepared.periods,
    sha256: crypto.createHash('sha256').update(rendered.pdf).digest('hex'),
    pageCount: rendered.pageCount,
    pdf: rendered.pdf,
    figures: prepared.figures,
    contentSha256: prepared.contentSha256,
    snapshot: prepared.snapshot,
    createdAt,
  });
}

/**
 * Issues a packet: marks it as the one handed to the client, by whom and when. The PDF is not rendered again (its
 * sha256 stays). Issuing an issued packet changes nothing and answers it as it is (issuedAt stays the first one).
 */
export async function issuePacket(
  deps: { db: Executor; clock: Clock },
  auth: Principal,
  clientId: string,
  packetId: string,
): Promise<Packet> {
  return withTransaction(deps.db, async (trx) => {
    await getClient(trx, auth, clientId);
    const issued = await packets.issuePacket(trx, auth.mspId, clientId, packetId, {
      issuedAt: deps.clock.now(),
      issuedBy: auth.actor,
    });
    if (!issued) throw notFound('packet');
    const { packet, issuedNow } = issued;
    // Issuing again changes nothing, so it tells nobody again either.
    if (issuedNow) {
      await publishEvent(trx, auth.mspId, 'packet.issued', {
        clientId,
        packetId,
        periodLabel: packet.periodLabel,
        asOf: packet.asOf,
        issuedAt: packet.issuedAt,
      });
    }
    return packet;
  });
}

export function requireRenderer(renderer: Renderer | undefined): Renderer {
  if (!renderer) {
    throw new AppError('renderer_unavailable', 503, 'PDF rendering is not enabled in this process');
  }
  return renderer;
}

export async function renderPdf(renderer: Renderer, prepared: Pick<PreparedPacket, 'document' | 'pageSize'>) {
  try {
    return await renderer.render({
      html: prepared.document.html,
      pageSize: prepared.pageSize,
    });
  } catch (error) {
    throw renderFailureProblem(error);
  }
}

export async function listClientPackets(
  db: Executor,
  auth: Principal,
  clientId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: Packet[]; nextCursor: string | null }> {
  await getClient(db, auth, clientId);
  const after = decodeCreatedAtCursor(query.cursor);
  const page = await readPage(
    query.limit,
    (limit) => packets.listPackets(db, auth.mspId, clientId, { limit, after }),
    (packet) => [packet.cursorKey, packet.id],
  );
  return { ...page, items: page.items.map(({ cursorKey: _key, ...packet }) => packet) };
}

export async function getPacketPdf(
  db: Executor,
  auth: Principal,
  clientId: string,
  packetId: string,
): Promise<{ packet: Packet; pdf: Buffer; filename: string }> {
  const client = await getClient(db, auth, clientId);
  const found = await packets.findPacketPdf(db, auth.mspId, clientId, packetId);
  if (!found) throw notFound('packet');
  return { ...found, filename: packetFilename(client.name, found.packet.asOf) };
}

/** `bright-smile-dental-2026-11-22.pdf`: ASCII letters, digits and dashes only, whatever the client is called. */
export function packetFilename(clientName: string, asOf: string): string {
  const slug = clientName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'packet'}-${asOf}.pdf`;
}

/**
 * Who issued each of the client's issued packets among `packetIds`, in words: a console user's name, an API key's
 * name, or the process (e.g. `cli`). Packets that are drafts are left out.
 */
export async function packetIssuers(
  db: Executor,
  auth: Principal,
  clientId: string,
  packetIds: readonly string[],
): Promise<Map<string, string>> {
  await getClient(db, auth, clientId);
  const issuers = await packets.listPacketIssuers(db, auth.mspId, clientId, packetIds);
  return new Map(issuers.map((issuer) => [issuer.packetId, issuerName(issuer)]));
}

function issuerName(issuer: packets.PacketIssuer): string {
  const actor = (issuer.actor ?? {}) as { kind?: unknown; name?: unknown };
  switch (actor.kind) {
    case 'user':
      return issuer.userName ?? 'a former user';
    case 'api_key':
      return issuer.apiKeyName ? `API key “${issuer.apiKeyName}”` : 'an API key';
    case 'system':
      return typeof actor.name === 'string' ? `the ${actor.name}` : 'the system';
    default:
      return 'unknown';
  }
}
