import type { Executor } from '../db/database.js';
import crypto from 'node:crypto';
import { getClient } from '../clients/client.service.js';
import type { Db } from '../db/database.js';
import { fiscalPeriodLabel, fiscalQuarterOf, fiscalYearOf } from '../domain/fiscal-calendar.js';
import { loadPolicies } from '../forecast/forecast.repository.js';
import { clientForecast } from '../forecast/forecast.service.js';
import type { ForecastContext, Scenario } from '../domain/forecast.types.js';
import type { Principal as AuthContext } from '../auth/principal.js';
import { AppError, invalid, notFound } from '../http/errors.js';
import { decodeCursor, encodeCursor } from '../http/schemas.js';
import { lookupEndOfSupport } from '../domain/end-of-support.js';
import { findMsp, findMspLogo } from '../msps/msp.repository.js';
import { RenderError, type Renderer } from '../render/renderer.js';
import type { Clock } from '../shared/clock.js';
import { logoDataUri } from './logo.js';
import { renderPacketHtml, type PacketDocument } from './packet-html.js';
import * as packets from './packet.repository.js';
import type { Packet } from './packet.schemas.js';
import { buildPacketView, type PacketFigures, type PacketView } from './packet.view-model.js';

/** What making a packet needs; the API passes its app context, the CLI its own. */
export interface PacketDependencies {
  db: Db;
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
  auth: AuthContext,
  clientId: string,
  request: PacketRequest,
): Promise<PreparedPacket> {
  const { db, clock } = deps;
  const client = await getClient(db, auth, clientId);
  const msp = await findMsp(db, auth.mspId);
  if (!msp) throw notFound('MSP');
  const today = clock.today();
  const asOf = request.asOf ?? today;
  const forecast = await clientForecast(
    db,
    auth,
    clientId,
    {
      asOf,
      granularity: 'quarter',
      periods: Math.max(request.periods, QUARTERS_FOR_TWELVE_MONTHS),
      scenario: request.scenario,
      include: 'items',
    },
    today,
  );
  const { policies, logo, inventory, initiatives, decisions } = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => ({
      policies: await loadPolicies(trx, auth.mspId, clientId),
      logo: await findMspLogo(trx, auth.mspId),
      inventory: await packets.listInventory(trx, auth.mspId, clientId),
      initiatives: await packets.listRoadmapInitiatives(trx, auth.mspId, clientId),
      decisions: await packets.listDecisionsSinceLastPacket(trx, auth.mspId, clientId),
    }));
  // The same context the forecast service builds, so that clocks and refresh reasons agree with its numbers.
  const lifecycle: ForecastContext = {
    asOf,
    granularity: 'quarter',
    periods: forecast.periods.length,
    scenario: request.scenario,
    fiscalYearStartMonth: client.fiscalYearStartMonth,
    mspPolicies: policies.msp,
    clientPolicies: policies.byClient.get(clientId) ?? {},
    lifecycleOverrides: {},
    endOfSupportLookup: (operatingSystem) => lookupEndOfSupport(operatingSystem),
  };
  const periodLabel = request.periodLabel ?? defaultPeriodLabel(asOf, client.fiscalYearStartMonth);
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
    decisions,
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
  auth: AuthContext,
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
  prepared: Pick<PreparedPacket, 'asOf' | 'periodLabel' | 'scenario' | 'periods' | 'figures'>,
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
    createdAt,
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
      headerTemplate: prepared.document.headerTemplate,
      footerTemplate: prepared.document.footerTemplate,
    });
  } catch (error) {
    if (error instanceof RenderError && error.reason === 'browser_crashed') {
      throw new AppError(
        'renderer_unavailable',
        503,
        'The PDF renderer failed while rendering this packet; try again',
        undefined,
        {
          'Retry-After': '5',
        },
      );
    }
    throw error;
  }
}

export async function listClientPackets(
  db: Db,
  auth: AuthContext,
  clientId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: Packet[]; nextCursor: string | null }> {
  await getClient(db, auth, clientId);
  const after = decodeCursor(query.cursor, 2);
  if (after && !isPacketCursor(after)) {
    throw invalid('query.cursor', 'is not a cursor this API returned');
  }
  const rows = await packets.listPackets(db, auth.mspId, clientId, {
    limit: query.limit + 1,
    after,
  });
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  return {
    items: page.map(({ cursorKey: _key, ...packet }) => packet),
    nextCursor: more && last ? encodeCursor([last.cursorKey, last.id]) : null,
  };
}

export async function getPacketPdf(
  db: Db,
  auth: AuthContext,
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

/** [created_at to the microsecond, id], as listPackets hands them out. */
function isPacketCursor(key: readonly (string | number)[]): key is [string, string] {
  const [at, id] = key;
  return (
    typeof at === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at) &&
    typeof id === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
  );
}
