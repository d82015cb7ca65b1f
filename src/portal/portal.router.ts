import cookieParser from 'cookie-parser';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../app-context.js';
import { AuthError } from '../auth/auth-error.js';
import type { RateLimitRule } from '../auth/rate-limits.js';
import { getClient } from '../clients/client.service.js';
import { AppError } from '../http/errors.js';
import { getMsp } from '../msps/msp.service.js';
import { noteShareLinkOpened, openShareLink } from '../share-links/share-link.service.js';
import { portalHeaders, sendClosed, sendGone, sendUnknownLink, type PortalVisit } from './portal-http.js';
import { portalPages } from './portal.pages.js';

/** Requests to /p/* per address: plenty for a person reading on a phone, little for a script trying tokens. */
export const PORTAL_RATE_LIMIT: RateLimitRule = {
  name: 'portal-address',
  points: 300,
  windowSeconds: 5 * 60,
};

/**
 * The client portal under /p/<token>: what a share link opens, with no account. Mounted before the console, whose
 * catch-all would otherwise answer it. Every request is throttled per address, then the token decides: a live link
 * acts as its principal (its one client, reading or also deciding); an expired or revoked one answers a plain 410
 * page and an unknown one a plain 404, neither naming anything of what was there.
 */
export function portalRouter(context: AppContext): Router {
  const db = context.database.db;
  const limiter = context.rateLimits.limiter(PORTAL_RATE_LIMIT);
  const router = Router();
  router.use(portalHeaders);
  router.use(async (req, res, next) => {
    const verdict = await limiter.consume(`ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`);
    if (verdict.allowed) {
      next();
      return;
    }
    res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
    sendClosed(res, 429, 'Too many requests', 'Wait a few minutes, then reload the page.');
  });
  router.use(cookieParser());
  router.use(express.urlencoded({ extended: false, limit: '20kb', parameterLimit: 20 }));

  const gate = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = req.params.token as string;
    const opened = await openShareLink(db, token, context.clock.today());
    if (opened.status === 'unknown') {
      sendUnknownLink(res);
      return;
    }
    if (opened.status !== 'active') {
      sendGone(res);
      return;
    }
    const client = await getClient(db, opened.principal, opened.link.clientId);
    const msp = await getMsp(db, opened.principal);
    const visit: PortalVisit = {
      link: opened.link,
      principal: opened.principal,
      base: `/p/${token}`,
      clientName: client.name,
      mspName: msp.name,
    };
    res.locals.portalVisit = visit;
    if (req.method === 'GET' && req.path === '/')
      await noteShareLinkOpened(db, opened.link, context.clock.now());
    next();
  };
  router.use('/:token', gate, portalPages(context));
  router.use((_req, res) => {
    sendUnknownLink(res);
  });
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof AuthError || (error instanceof AppError && error.status === 404)) {
      sendClosed(res, 404, 'Not found', 'There is nothing at this address.');
      return;
    }
    context.logger.error({ err: error }, 'portal page failed');
    sendClosed(res, 500, 'Something went wrong', 'The page could not be shown. Try again in a moment.');
  });
  return router;
}
