import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../auth/principal.js';
import { tokensMatch } from '../console/csrf.js';
import type { ShareLinkRecord } from '../share-links/share-link.repository.js';
import { renderPortalPage, type PortalLayoutView, type PortalPage } from './portal-templates.js';

/**
 * Portal pages load the app's stylesheet and inline SVG, and nothing else: no script at all (every page works
 * without one), forms post to the app only, nothing frames them.
 */
export const PORTAL_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; " +
  "frame-ancestors 'none'";

/**
 * Headers on every answer under /p/: the token is in the URL, so no Referer may carry it anywhere, no cache may keep
 * a page, and no search engine may index one.
 */
export function portalHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow, noarchive');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', PORTAL_CSP);
  next();
}

/** The live link a request came through, which the token gate put there. */
export interface PortalVisit {
  link: ShareLinkRecord;
  principal: Principal;
  /** `/p/<token>`: where the portal's own links start. */
  base: string;
  clientName: string;
  mspName: string;
}

export function visitOf(res: Response): PortalVisit {
  const visit = res.locals.portalVisit as PortalVisit | undefined;
  if (!visit) throw new Error('visitOf called outside the token gate');
  return visit;
}

export function layoutOf(visit: PortalVisit, title: string): PortalLayoutView {
  return {
    title,
    portal: { clientName: visit.clientName, mspName: visit.mspName, home: visit.base },
  };
}

export function sendPortalPage<View extends PortalLayoutView>(
  res: Response,
  status: number,
  page: PortalPage,
  view: View,
): void {
  res.status(status).type('html').send(renderPortalPage(page, view));
}

export interface ClosedView extends PortalLayoutView {
  heading: string;
  message: string;
}

/** A plain page that names nothing of the client or the MSP: used for dead links and refusals alike. */
export function sendClosed(res: Response, status: number, heading: string, message: string): void {
  sendPortalPage<ClosedView>(res, status, 'closed', { title: heading, portal: null, heading, message });
}

export const sendGone = (res: Response): void =>
  sendClosed(
    res,
    410,
    'This link is no longer available',
    'The link you followed has expired or has been withdrawn. If you still need it, ask whoever sent it for a new one.',
  );

export const sendUnknownLink = (res: Response): void =>
  sendClosed(
    res,
    404,
    'This link does not open anything',
    'Check that the whole address was copied. If it was, ask whoever sent it for a new one.',
  );

/**
 * The portal has no session, so its forms are protected by a double-submitted token: a random value in a
 * SameSite=Strict, httpOnly cookie scoped to /p/, and the same value in each form.
 */
export function portalCookie(context: AppContext) {
  const secure = context.config.publicUrl?.startsWith('https://') ?? false;
  return {
    name: secure ? '__Secure-vcio_portal_form' : 'vcio_portal_form',
    options: { httpOnly: true, sameSite: 'strict', secure, path: '/p/' } as const,
  };
}

export function portalFormToken(context: AppContext, req: Request, res: Response): string {
  const cookie = portalCookie(context);
  const existing = (req.cookies as Record<string, string | undefined>)[cookie.name];
  if (existing && /^[\w-]{43}$/.test(existing)) return existing;
  const token = crypto.randomBytes(32).toString('base64url');
  res.cookie(cookie.name, token, cookie.options);
  return token;
}

export function formTokenMatches(context: AppContext, req: Request): boolean {
  const expected = (req.cookies as Record<string, string | undefined>)[portalCookie(context).name];
  const given: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
  return tokensMatch(expected, given);
}
