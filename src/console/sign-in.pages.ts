import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../app-context.js';
import { AppError } from '../http/errors.js';
import type { SignInLimiters } from '../users/attempt-limiter.js';
import { endSession, signInWithPassword } from '../users/sign-in.service.js';
import { newPassword } from '../users/user.schemas.js';
import { passwordLinkEmail, setPasswordWithLink } from '../users/user.service.js';
import {
  consoleCookies,
  layoutOf,
  optionalSessionOf,
  preSessionToken,
  safeNext,
  sendMessage,
  sendPage,
} from './console-http.js';
import type { LayoutView } from './console-templates.js';

export interface SignInView extends LayoutView {
  csrfToken: string;
  next: string;
  email: string;
  error: string | null;
}

export interface SetPasswordView extends LayoutView {
  csrfToken: string;
  token: string;
  email: string;
  minLength: number;
  error: string | null;
}

const field = (req: Request, name: string): string => {
  const value: unknown = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

export const SIGN_IN_FAILED = 'That email and password do not match an account.';

/** Sign-in, sign-out and setting a password through a one-time link. */
export function signInPages(context: AppContext, limiters: SignInLimiters): Router {
  const router = Router();
  const db = context.database.db;
  const cookies = consoleCookies(context);

  const signInForm = (req: Request, res: Response, status: number, email: string, error: string | null) =>
    sendPage<SignInView>(res, status, 'sign-in', {
      ...layoutOf(res, 'Sign in', '/sign-in'),
      nav: null,
      csrfToken: preSessionToken(context, req, res),
      next: safeNext(req.query.next ?? field(req, 'next')),
      email,
      error,
    });

  router.get('/sign-in', (req, res) => {
    if (optionalSessionOf(res)) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    signInForm(req, res, 200, '', null);
  });

  router.post('/sign-in', async (req, res) => {
    const email = field(req, 'email');
    const result = await signInWithPassword(
      db,
      limiters,
      { email, password: field(req, 'password') },
      { ipAddress: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
      context.clock,
    );
    if (!result.ok) {
      if (result.reason === 'throttled') {
        res.setHeader('Retry-After', String(result.retryAfterSeconds));
        signInForm(
          req,
          res,
          429,
          email,
          `Too many sign-in attempts. Wait ${Math.ceil(result.retryAfterSeconds / 60)} minute(s) and try again.`,
        );
        return;
      }
      signInForm(req, res, 401, email, SIGN_IN_FAILED);
      return;
    }
    // The session rotates at sign-in: whatever session this browser had before is ended, and a new token is set.
    const previous = optionalSessionOf(res);
    if (previous) await endSession(db, previous.principal, previous.sessionId, context.clock);
    // Max-Age, not Expires: the browser counts from its own clock; the server enforces both expiries either way.
    res.cookie(cookies.session, result.session.token, {
      ...cookies.sessionOptions,
      maxAge: result.session.absoluteExpiresAt.getTime() - context.clock.now().getTime(),
    });
    res.clearCookie(cookies.preSession, cookies.preSessionOptions);
    res.redirect(303, safeNext(field(req, 'next')));
  });

  router.post('/sign-out', async (_req, res) => {
    const session = optionalSessionOf(res);
    if (session) await endSession(db, session.principal, session.sessionId, context.clock);
    res.clearCookie(cookies.session, cookies.sessionOptions);
    res.redirect(303, '/sign-in');
  });

  const setPasswordForm = async (
    req: Request,
    res: Response,
    status: number,
    token: string,
    error: string | null,
  ) => {
    const email = await passwordLinkEmail(db, token, context.clock);
    if (!email) {
      sendMessage(
        res,
        410,
        'Link expired',
        'This link to set a password has been used or has expired. Ask an admin of your MSP for a new one.',
        { href: '/sign-in', label: 'Sign in' },
      );
      return;
    }
    sendPage<SetPasswordView>(res, status, 'set-password', {
      ...layoutOf(res, 'Set your password', '/set-password'),
      nav: null,
      csrfToken: preSessionToken(context, req, res),
      token,
      email,
      minLength: newPassword.minLength ?? 12,
      error,
    });
  };

  router.get('/set-password', async (req, res) => {
    await setPasswordForm(req, res, 200, typeof req.query.token === 'string' ? req.query.token : '', null);
  });

  router.post('/set-password', async (req, res) => {
    const token = field(req, 'token');
    const password = field(req, 'password');
    const parsed = newPassword.safeParse(password);
    if (!parsed.success) {
      await setPasswordForm(req, res, 400, token, `The password ${parsed.error.issues[0]!.message}.`);
      return;
    }
    if (password !== field(req, 'confirmPassword')) {
      await setPasswordForm(req, res, 400, token, 'The two passwords are not the same.');
      return;
    }
    try {
      await setPasswordWithLink(db, token, password, context.clock);
    } catch (error) {
      if (error instanceof AppError && error.status === 400) {
        await setPasswordForm(req, res, 400, token, null);
        return;
      }
      throw error;
    }
    res.clearCookie(cookies.session, cookies.sessionOptions);
    sendMessage(
      res,
      200,
      'Password set',
      'Your password is set. Sign in with your email and the new password.',
      {
        href: '/sign-in',
        label: 'Sign in',
      },
    );
  });

  return router;
}
