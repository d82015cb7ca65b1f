import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../auth/principal.js';
import { scopeCovers, type Scope } from '../auth/scopes.js';
import { AppError } from '../http/errors.js';
import { MultipartForm, multipartForm, type MultipartLimits } from '../http/multipart.js';
import type { ResumedSession } from '../users/sign-in.service.js';
import { renderConsolePage, type ConsolePage, type LayoutView } from './console-templates.js';
import { newPreSessionToken, sessionFormToken, tokensMatch } from './csrf.js';

/**
 * Pages load only what the app serves: its stylesheet and scripts, and inline SVG. No inline script, no style
 * attribute, forms post to the app only, and nothing frames the console. The app's own scripts may fetch from the
 * app (a page in progress fetches its fresh copy), nowhere else.
 */
export const CONSOLE_CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; " +
  "base-uri 'none'; frame-ancestors 'none'";

/** Cookies are Secure (and take the `__Host-` prefix, which pins them to this host and path) behind https. */
export function consoleCookies(context: AppContext) {
  const secure = context.config.publicUrl?.startsWith('https://') ?? false;
  const prefix = secure ? '__Host-' : '';
  return {
    session: `${prefix}vcio_session`,
    preSession: `${prefix}vcio_form`,
    sessionOptions: { httpOnly: true, sameSite: 'lax', secure, path: '/' } as const,
    preSessionOptions: { httpOnly: true, sameSite: 'strict', secure, path: '/' } as const,
  };
}

export function sendPage<View extends LayoutView>(
  res: Response,
  status: number,
  page: ConsolePage,
  view: View,
): void {
  res
    .status(status)
    .type('html')
    .setHeader('Content-Security-Policy', CONSOLE_CSP)
    .setHeader('Cache-Control', 'no-store')
    .send(renderConsolePage(page, view));
}

/** The signed-in user's session, which `requireSession` put there. */
export function sessionOf(res: Response): ResumedSession {
  const session = res.locals.consoleSession as ResumedSession | undefined;
  if (!session) throw new Error('sessionOf called on a route without requireSession');
  return session;
}

export function optionalSessionOf(res: Response): ResumedSession | undefined {
  return res.locals.consoleSession as ResumedSession | undefined;
}

/** The main navigation; `scope` is the least a user needs to see the link (the pages themselves check again). */
const NAV: readonly { href: string; label: string; scope: Scope }[] = [
  { href: '/', label: 'Clients', scope: 'read' },
  { href: '/packet-runs', label: 'Packet runs', scope: 'read' },
  { href: '/imports', label: 'Import', scope: 'write' },
  { href: '/settings', label: 'Settings', scope: 'read' },
  { href: '/users', label: 'Users', scope: 'admin' },
  { href: '/sessions', label: 'Sessions', scope: 'read' },
];

/**
 * The navigation link a page belongs to: the longest NAV prefix of its path (`/packet-runs/…` is under Packet runs,
 * `/clients/…` under Clients).
 */
function currentSection(currentPath: string): string {
  if (currentPath === '' || currentPath === '/' || currentPath.startsWith('/clients/')) return '/';
  const match = NAV.filter(
    (link) => link.href !== '/' && (currentPath === link.href || currentPath.startsWith(`${link.href}/`)),
  ).sort((a, b) => b.href.length - a.href.length)[0];
  return match?.href ?? '';
}

export function layoutOf(res: Response, title: string, currentPath: string): LayoutView {
  const session = optionalSessionOf(res);
  if (!session) return { title, nav: null };
  const section = currentPath === '' ? '' : currentSection(currentPath);
  const links = NAV.filter(
    (link) => scopeCovers(session.principal.scope, link.scope) && session.principal.clientId === null,
  ).map((link) => ({ href: link.href, label: link.label, current: link.href === section }));
  return {
    title,
    nav: {
      userName: session.user.name,
      mspRole: session.user.role,
      csrfToken: sessionFormToken(session.token),
      links,
    },
  };
}

const ROLE_CAN: Record<Scope, string> = {
  read: 'read',
  write: 'change clients, inventory, initiatives and packets',
  admin: 'change the MSP’s settings, API keys and users',
};

/**
 * The signed-in user's principal, if their role covers `scope`; else a 403 page that says what their role allows.
 * Every console handler that changes something calls this first: the services trust their caller's principal, as the
 * API's routes check scopes before calling them.
 */
export function requireScope(res: Response, scope: Scope): Principal {
  const session = sessionOf(res);
  if (!scopeCovers(session.principal.scope, scope)) {
    throw new AppError(
      'forbidden',
      403,
      `Your role (${session.user.role}) can ${ROLE_CAN[session.principal.scope]}, not ${ROLE_CAN[scope]}.`,
    );
  }
  return session.principal;
}

/** A local path to go back to after sign-in; anything else (another host, `//evil`) goes to the dashboard. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 2000 ? value : '/';
}

/** GET pages need a session: without one, the browser is sent to sign in and comes back. */
export function requireSession(req: Request, res: Response, next: NextFunction): void {
  if (optionalSessionOf(res)) {
    next();
    return;
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    res.redirect(303, `/sign-in?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
    return;
  }
  sendMessage(
    res,
    401,
    'Signed out',
    'Your session has ended. Sign in again, then repeat what you were doing.',
    {
      href: '/sign-in',
      label: 'Sign in',
    },
  );
}

/** The `_csrf` field of a form, urlencoded or multipart. */
function givenFormToken(body: unknown): unknown {
  if (body instanceof MultipartForm) return body.fields.get('_csrf');
  return (body as Record<string, unknown> | undefined)?._csrf;
}

function refuseForm(res: Response): void {
  sendMessage(
    res,
    403,
    'Form expired',
    'This form could not be accepted: it was sent without its security token or from another page. Go back, ' +
      'reload the page and try again.',
    { href: '/', label: 'Back to the console' },
  );
}

/**
 * Every POST carries the form token: the session's synchronizer token when signed in, else the double-submitted
 * pre-session token. A missing or wrong token is refused with 403 before anything runs.
 */
export function requireFormToken(context: AppContext) {
  const cookies = consoleCookies(context);
  return (req: Request, res: Response, next: NextFunction): void => {
    const session = optionalSessionOf(res);
    const expected = session
      ? sessionFormToken(session.token)
      : (req.cookies as Record<string, string | undefined>)[cookies.preSession];
    if (tokensMatch(expected, givenFormToken(req.body))) {
      next();
      return;
    }
    refuseForm(res);
  };
}

class FormTokenRefused extends Error {}

/**
 * A multipart form (a file upload) for a signed-in user: streamed by the API's multipart reader with its limits,
 * its `_csrf` field checked as soon as the file part starts, so a form without the right token (which must come
 * before the file, as the console's forms put it) is refused before a byte of the file is kept; then the whole
 * form is checked like any other. Without a session, or on a path whose forms take no file (`limitsFor` answers
 * undefined), nothing is read.
 */
export function multipartFormWithToken(
  context: AppContext,
  limitsFor: (path: string) => MultipartLimits | undefined,
) {
  const checkToken = requireFormToken(context);
  return (req: Request, res: Response, next: NextFunction): void => {
    const session = optionalSessionOf(res);
    if (!session) {
      res.setHeader('Connection', 'close');
      requireSession(req, res, next);
      return;
    }
    const limits = limitsFor(req.path);
    if (limits === undefined) {
      // No form here takes a file: nothing is read, and without its fields the form has no token.
      res.setHeader('Connection', 'close');
      refuseForm(res);
      return;
    }
    const expected = sessionFormToken(session.token);
    const parse = multipartForm({
      ...limits,
      beforeFile: (form) =>
        tokensMatch(expected, form.fields.get('_csrf')) ? undefined : new FormTokenRefused(),
    });
    parse(req, res, (error?: unknown) => {
      if (error instanceof FormTokenRefused) refuseForm(res);
      else if (error) next(error);
      else checkToken(req, res, next);
    });
  };
}

/** The pre-session form token for the sign-in and set-password forms, set as a cookie if there is none yet. */
export function preSessionToken(context: AppContext, req: Request, res: Response): string {
  const cookies = consoleCookies(context);
  const existing = (req.cookies as Record<string, string | undefined>)[cookies.preSession];
  if (existing && /^[\w-]{43}$/.test(existing)) return existing;
  const token = newPreSessionToken();
  res.cookie(cookies.preSession, token, cookies.preSessionOptions);
  return token;
}

export interface MessageView extends LayoutView {
  heading: string;
  message: string;
  link: { href: string; label: string } | null;
}

export function sendMessage(
  res: Response,
  status: number,
  heading: string,
  message: string,
  link: { href: string; label: string } | null,
): void {
  sendPage<MessageView>(res, status, 'message', { ...layoutOf(res, heading, ''), heading, message, link });
}
