import type { Request } from 'express';
import { clientParams } from '../clients/client.schemas.js';
import { defineRoute } from '../http/route.js';
import type { AppContext } from '../app-context.js';
import {
  createdShareLinkSchema,
  createShareLinkBody,
  shareLinkListSchema,
  shareLinkParams,
  shareLinkSchema,
} from './share-link.schemas.js';
import * as shareLinks from './share-link.service.js';

/** Where the portal is reached: PUBLIC_URL when the operator set it, else the origin this request came to. */
export function portalOrigin(app: AppContext, req: Request): string {
  return app.config.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

const revoke = {
  tag: 'Share links',
  scope: 'write',
  params: shareLinkParams,
  responses: { 200: { description: 'The link, now revoked', schema: shareLinkSchema } },
} as const;

export const shareLinkRoutes = [
  defineRoute({
    method: 'post',
    path: '/clients/:clientId/share-links',
    operationId: 'createShareLink',
    summary: "Create a share link to the client's portal; its URL is shown once",
    description:
      'The portal (`/p/<token>`) shows the client’s summary, forecast, roadmap, initiatives, issued packets and ' +
      'decisions, and nothing else. With scope `view_and_decide` the recipient can approve, decline or defer ' +
      'proposed initiatives, recorded with `via: portal`, this link, their address and browser. The token is ' +
      'stored only as a hash: keep the URL from this answer.',
    tag: 'Share links',
    scope: 'write',
    params: clientParams,
    body: createShareLinkBody,
    responses: { 201: { description: 'The new link with its URL', schema: createdShareLinkSchema } },
    handler: async ({ app, auth, params, body, req }) => ({
      status: 201,
      // The answer carries a secret: no cache may keep it.
      headers: { 'Cache-Control': 'no-store' },
      body: await shareLinks.createShareLink(app.database.db, auth, params.clientId, body, {
        today: app.clock.today(),
        origin: portalOrigin(app, req),
      }),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/share-links',
    operationId: 'listShareLinks',
    summary: "List the client's share links, newest first (never their tokens)",
    tag: 'Share links',
    scope: 'read',
    params: clientParams,
    responses: { 200: { description: "The client's share links", schema: shareLinkListSchema } },
    handler: async ({ app, auth, params }) => ({
      body: await shareLinks.listShareLinks(app.database.db, auth, params.clientId, app.clock.today()),
    }),
  }),
  defineRoute({
    ...revoke,
    method: 'post',
    path: '/clients/:clientId/share-links/:shareLinkId/revoke',
    operationId: 'revokeShareLink',
    summary: 'Revoke a share link: it answers 410 from now on; decisions made through it are kept',
    handler: async ({ app, auth, params }) => ({
      body: await shareLinks.revokeShareLink(
        app.database.db,
        auth,
        params.clientId,
        params.shareLinkId,
        app.clock.now(),
        app.clock.today(),
      ),
    }),
  }),
  defineRoute({
    ...revoke,
    method: 'delete',
    path: '/clients/:clientId/share-links/:shareLinkId',
    operationId: 'deleteShareLink',
    summary: 'Revoke a share link (the same as POST …/revoke); the record is kept for the decisions’ trail',
    handler: async ({ app, auth, params }) => ({
      body: await shareLinks.revokeShareLink(
        app.database.db,
        auth,
        params.clientId,
        params.shareLinkId,
        app.clock.now(),
        app.clock.today(),
      ),
    }),
  }),
];
