import cookieParser from 'cookie-parser';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../app-context.js';
import { AuthError } from '../auth/auth-error.js';
import { AppError } from '../http/errors.js';
import { sharedSignInLimiters, type SignInLimiters } from '../users/attempt-limiter.js';
import { resumeSession } from '../users/sign-in.service.js';
import { assetsPages } from './assets.pages.js';
import { clientPages } from './client.pages.js';
import { costsPages } from './costs.pages.js';
import {
  CONSOLE_CSP,
  consoleCookies,
  multipartFormWithToken,
  requireFormToken,
  requireSession,
  sendMessage,
} from './console-http.js';
import { CONSOLE_STYLESHEETS, consoleScripts, consoleStylesheet } from './console-templates.js';
import { dashboardPages } from './dashboard.pages.js';
import { schedulePages } from './schedule.pages.js';
import { initiativesPages } from './initiatives.pages.js';
import { presentPages } from './present.pages.js';
import { packetRunsPages } from './packet-runs.pages.js';
import { packetsPages } from './packets.pages.js';
import { importPages } from './imports.pages.js';
import { MAX_IMPORT_BYTES } from '../imports/import.schemas.js';
import { sessionsPages } from './sessions.pages.js';
import { shareLinksPages } from './share-links.pages.js';
import { settingsApiKeysPages } from './settings-api-keys.pages.js';
import { settingsPoliciesPages } from './settings-policies.pages.js';
import { settingsWebhooksPages } from './settings-webhooks.pages.js';
import { CONSOLE_UPLOADS, CONSOLE_IMAGES, settingsPages } from './settings.pages.js';
import { signInPages } from './sign-in.pages.js';
import { usersPages } from './users.pages.js';
import { whatIfPages } from './what-if.pages.js';

/** Paths the JSON side of the app owns; the console never answers them, not even with its 404 page. */
const API_PATHS = /^\/(?:api\/|docs$|healthz$|readyz$)/;

/**
 * The web console: server-rendered pages over the same services as the API. Mounted after the API, so that its
 * catch-all 404 page only sees what nothing else answered.
 */
export function consoleRouter(context: AppContext): Router {
  const limiters: SignInLimiters = context.signInLimiters ?? sharedSignInLimiters(context.rateLimits);
  const router = Router();
  const cookies = consoleCookies(context);
  for (const name of CONSOLE_STYLESHEETS) {
    let stylesheet: string | undefined;
    router.get(`/assets/${name}.css`, (_req, res) => {
      stylesheet ??= consoleStylesheet(name);
      res.type('css').setHeader('Cache-Control', 'public, max-age=300').send(stylesheet);
    });
  }
  // The console's few scripts (templates/console/scripts/*.js), progressive enhancement only: every page works
  // without them. Only files that were there at start-up are served.
  const scripts = consoleScripts();
  router.get('/assets/js/:name', (req, res, next) => {
    const script = scripts.get(req.params.name);
    if (script === undefined) {
      next();
      return;
    }
    res.type('js').setHeader('Cache-Control', 'public, max-age=300').send(script);
  });

  const pages = Router();
  pages.use(cookieParser());
  // Room for the largest form: a packet run's client checklist names up to every client of the MSP.
  pages.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 2000 }));
  pages.use(async (req, res, next) => {
    const token = (req.cookies as Record<string, string | undefined>)[cookies.session];
    res.locals.consoleSession = await resumeSession(context.database.db, token, context.clock);
    next();
  });
  const formToken = requireFormToken(context);
  // Multipart forms (file uploads) are read on their own paths only, with each path's limits, and their token is
  // checked before the file is read; a multipart POST anywhere else is refused unread.
  const uploadForm = multipartFormWithToken(context, (path) =>
    path === '/imports' || /^\/imports\/[^/]+\/mapping$/.test(path)
      ? // The column mapping form sends one field per column of the file (an API mapping names up to 200).
        { maxBytes: MAX_IMPORT_BYTES, maxFields: 250 }
      : Object.hasOwn(CONSOLE_UPLOADS, path)
        ? CONSOLE_UPLOADS[path]
        : undefined,
  );
  pages.use((req, res, next) => {
    if (req.method !== 'POST') next();
    else if (req.is('multipart/form-data')) uploadForm(req, res, next);
    else formToken(req, res, next);
  });
  pages.use(signInPages(context, limiters));
  pages.use(requireSession);
  pages.use(dashboardPages(context));
  pages.use(clientPages(context));
  pages.use(whatIfPages(context));
  pages.use(schedulePages(context));
  pages.use(costsPages(context));
  pages.use(assetsPages(context));
  pages.use(initiativesPages(context));
  pages.use(packetsPages(context));
  pages.use(packetRunsPages(context));
  pages.use(shareLinksPages(context));
  pages.use(sessionsPages(context));
  pages.use(usersPages(context));
  pages.use(presentPages(context));
  pages.use(importPages(context));
  pages.use(settingsPages(context));
  pages.use(settingsPoliciesPages(context));
  pages.use(settingsApiKeysPages(context));
  pages.use(settingsWebhooksPages(context));
  pages.use((_req, res) => {
    sendMessage(res, 404, 'Page not found', 'There is no page at this address, or it is not one of yours.', {
      href: '/',
      label: 'All clients',
    });
  });
  pages.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof AuthError) {
      // The API's routes check scopes before the services run; a console page that calls `authorize` gets here.
      const notFound = error.failure.reason === 'other_client';
      sendMessage(
        res,
        notFound ? 404 : 403,
        notFound ? 'Page not found' : 'Not allowed',
        notFound
          ? 'There is no page at this address, or it is not one of yours.'
          : 'Your role does not allow this. Ask an admin of your MSP if you need it.',
        { href: '/', label: 'All clients' },
      );
      return;
    }
    // The form parser refuses a body past its limits with a 4xx of its own (413, 415, 400): a page that says so.
    const parserStatus = (error as { type?: unknown; status?: unknown } | null)?.status;
    if (
      !(error instanceof AppError) &&
      typeof (error as { type?: unknown } | null)?.type === 'string' &&
      typeof parserStatus === 'number' &&
      parserStatus >= 400 &&
      parserStatus < 500
    ) {
      sendMessage(
        res,
        parserStatus,
        'Could not do that',
        'The form could not be read: it is larger than the console accepts. Choose fewer items and try again.',
        { href: '/', label: 'All clients' },
      );
      return;
    }
    if (error instanceof AppError && error.status < 500) {
      if (error.status === 404) {
        sendMessage(
          res,
          404,
          'Page not found',
          'There is no page at this address, or it is not one of yours.',
          {
            href: '/',
            label: 'All clients',
          },
        );
        return;
      }
      sendMessage(
        res,
        error.status,
        error.status === 403 ? 'Not allowed' : 'Could not do that',
        error.message,
        {
          href: '/',
          label: 'All clients',
        },
      );
      return;
    }
    context.logger.error({ err: error }, 'console page failed');
    sendMessage(
      res,
      500,
      'Something went wrong',
      'The page could not be shown. Try again in a moment.',
      null,
    );
  });

  // HTML pages for browsers only: a JSON client asking for an unknown path keeps its problem+json 404.
  router.use((req, res, next) => {
    if (API_PATHS.test(req.path)) {
      next();
      return;
    }
    const wantsHtml =
      req.accepts(['json', 'html']) === 'html' ||
      // Images the console's pages show (their requests accept */*, which would otherwise read as JSON).
      (req.method === 'GET' && CONSOLE_IMAGES.test(req.path)) ||
      req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
    if (!wantsHtml) {
      next();
      return;
    }
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    pages(req, res, next);
  });
  return router;
}
