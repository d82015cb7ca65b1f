import { defineRoute } from '../http/route.js';
import { brandingRoutes } from './branding.routes.js';
import { listPage } from '../http/schemas.js';
import { documentContentSecurityPolicy } from '../render/html-safety.js';
import {
  clientPacketsParams,
  createPacketBody,
  listPacketsQuery,
  packetParams,
  packetSchema,
  previewPacketQuery,
} from './packet.schemas.js';
import * as service from './packet.service.js';
import { forecastOutOfRange } from '../forecast/forecast.schemas.js';

const tag = 'Packets';
const rendererProblems = {
  422: forecastOutOfRange,
  503: { description: 'The PDF renderer is unavailable (the problem names why) or busy (with Retry-After)' },
};

/** The packet API, with the MSP logo it prints (branding) first. */
export const packetRoutes = [
  ...brandingRoutes,
  defineRoute({
    method: 'post',
    path: '/clients/:clientId/packets',
    operationId: 'createPacket',
    summary: 'Render and store a quarterly roadmap packet (PDF) for a client',
    description:
      'Cover, executive summary, budget chart and forecast table (the numbers of GET …/forecast for the same asOf, ' +
      'scenario and quarters), refresh schedule for the next four quarters, warranty and end-of-support exposure, ' +
      'initiatives with approve/decline boxes, decisions since the last issued packet, what changed since then and ' +
      'the full inventory. The PDF is stored as a draft with its SHA-256, page count and the figures it showed; ' +
      'issue it with POST …/packets/{packetId}/issue.',
    tag,
    scope: 'write',
    params: clientPacketsParams,
    body: createPacketBody,
    responses: {
      201: {
        description: 'The stored packet; download it from …/packets/{packetId}.pdf',
        schema: packetSchema,
      },
      ...rendererProblems,
    },
    handler: async ({ app, auth, params, body }) => {
      const created = await service.createPacket(
        { db: app.database.db, clock: app.clock, renderer: app.renderer },
        auth,
        params.clientId,
        body,
      );
      return {
        status: 201,
        body: created.packet,
        headers: { Location: `/api/v1/clients/${params.clientId}/packets/${created.packet.id}.pdf` },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/packets',
    operationId: 'listPackets',
    summary: "A client's packets, newest first",
    tag,
    scope: 'read',
    params: clientPacketsParams,
    query: listPacketsQuery,
    responses: { 200: { description: 'A page of packets', schema: listPage(packetSchema) } },
    handler: async ({ app, auth, params, query }) => ({
      body: await service.listClientPackets(app.database.db, auth, params.clientId, query),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/packets/preview',
    operationId: 'previewPacket',
    summary: 'The packet as HTML, for a browser, without rendering or storing it',
    description:
      'The same document the PDF is printed from, with its Content-Security-Policy; nothing is stored.',
    tag,
    scope: 'read',
    params: clientPacketsParams,
    query: previewPacketQuery,
    responses: {
      200: { description: 'The packet as an HTML document', contentTypes: ['text/html'] },
      422: forecastOutOfRange,
    },
    handler: async ({ app, auth, params, query, res }) => {
      const prepared = await service.preparePacket(
        { db: app.database.db, clock: app.clock },
        auth,
        params.clientId,
        query,
      );
      res
        .status(200)
        .type('text/html; charset=utf-8')
        .setHeader('Content-Security-Policy', documentContentSecurityPolicy)
        .setHeader('Cache-Control', 'no-store')
        .send(prepared.document.html);
      return undefined;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/clients/:clientId/packets/:packetId/issue',
    operationId: 'issuePacket',
    summary: 'Issue a packet: mark it as the one handed to the client',
    description:
      'A packet is a draft until it is issued. Issuing records when and by whom; it does not render the packet ' +
      'again, so the PDF (and its sha256) is the one that was reviewed. "Decisions since the last packet" and ' +
      '"what changed since the last issued packet" in later packets count from the last issued one. Issuing a ' +
      'packet that is already issued changes nothing and answers 200 with it as it is (issuedAt stays the first ' +
      'issue).',
    tag,
    scope: 'write',
    params: packetParams,
    responses: { 200: { description: 'The issued packet', schema: packetSchema } },
    handler: async ({ app, auth, params }) => ({
      body: await service.issuePacket(
        { db: app.database.db, clock: app.clock },
        auth,
        params.clientId,
        params.packetId,
      ),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/packets/:packetId.pdf',
    operationId: 'downloadPacket',
    summary: 'Download a stored packet as PDF',
    tag,
    scope: 'read',
    params: packetParams,
    responses: {
      200: {
        description: 'The PDF; its ETag is the SHA-256 of the bytes',
        contentTypes: ['application/pdf'],
      },
      304: { description: 'Not modified (If-None-Match matched the ETag)' },
    },
    handler: async ({ app, auth, params, req, res }) => {
      const { packet, pdf, filename } = await service.getPacketPdf(
        app.database.db,
        auth,
        params.clientId,
        params.packetId,
      );
      const etag = `"${packet.sha256}"`;
      res.setHeader('ETag', etag).setHeader('Cache-Control', 'private, no-cache');
      if (matchesEtag(req.get('if-none-match'), etag)) {
        res.status(304).end();
        return undefined;
      }
      res
        .status(200)
        .type('application/pdf')
        .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
        .setHeader('Content-Length', String(pdf.byteLength))
        .end(pdf);
      return undefined;
    },
  }),
];

/** `If-None-Match: "a", W/"b"` or `*`: the weak comparison RFC 9110 asks for on GET. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
