/**
 * Every way into the console ends here: a sign-in method (a password today; Microsoft Entra ID through OIDC later)
 * proves who the person is, then `startSession` opens a server-side session for them. Sessions are resumed,
 * ended and listed through this module only.
 */
import crypto from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import type { Executor } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { SignInLimiters } from './attempt-limiter.js';
import { verifyAgainstDecoy, verifyPassword } from './password.js';
import * as users from './user.repository.js';
import type { User } from './user.schemas.js';
import { hashSecret, userPrincipal } from './user.service.js';

/** A session ends after this long unused… */
export const SESSION_IDLE_MS = 8 * 3_600_000;
/** …and this long after sign-in, however busy. */
export const SESSION_ABSOLUTE_MS = 7 * 86_400_000;
/** Last-seen is written at most this often per session, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionClient {
  ipAddress: string | null;
  userAgent: string | null;
}

export interface StartedSession {
  /** The cookie's value: shown to the browser only, stored as its SHA-256. */
  token: string;
  user: User;
  principal: Principal;
  absoluteExpiresAt: Date;
}

export type SignInResult =
  | { ok: true; session: StartedSession }
  | { ok: false; reason: 'invalid_credentials' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/** Opens a new session for a person whom a sign-in method has identified. */
export async function startSession(
  db: Executor,
  user: User,
  client: SessionClient,
  clock: Clock,
): Promise<StartedSession> {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = clock.now();
  const absoluteExpiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  const session = await users.insertSession(db, user.mspId, {
    userId: user.id,
    tokenHash: hashSecret(token),
    createdAt: now,
    idleExpiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
    absoluteExpiresAt,
    userAgent: client.userAgent?.slice(0, 500) ?? null,
    ipAddress: client.ipAddress?.slice(0, 64) ?? null,
  });
  return { token, user, principal: userPrincipal(user, session.id), absoluteExpiresAt };
}

/**
 * Signs in with an email and a password. Attempts are counted per IP address and per account before the password
 * is checked, and an unknown email costs the same time as a wrong password.
 */
export async function signInWithPassword(
  db: Executor,
  limiters: SignInLimiters,
  input: { email: string; password: string },
  client: SessionClient,
  clock: Clock,
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  for (const verdict of [
    await limiters.ip.consume(`ip:${client.ipAddress ?? 'unknown'}`),
    await limiters.account.consume(`account:${email}`),
  ]) {
    if (!verdict.allowed)
      return { ok: false, reason: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds };
  }
  const found = email.length <= 254 ? await users.findSignInCredentials(db, email) : undefined;
  const verified =
    found?.passwordHash != null
      ? await verifyPassword(found.passwordHash, input.password)
      : await verifyAgainstDecoy(input.password);
  if (!found || !verified) return { ok: false, reason: 'invalid_credentials' };
  const { passwordHash: _passwordHash, ...user } = found;
  return { ok: true, session: await startSession(db, user, client, clock) };
}

export interface ResumedSession {
  user: User;
  sessionId: string;
  principal: Principal;
  /** The session token's own value, from which the form token is derived. */
  token: string;
}

/** The live session a cookie names, kept alive; undefined when it is unknown, expired or revoked. */
export async function resumeSession(
  db: Executor,
  token: string | undefined,
  clock: Clock,
): Promise<ResumedSession | undefined> {
  if (!token || token.length > 100) return undefined;
  const now = clock.now();
  const live = await users.findLiveSession(db, hashSecret(token), now);
  if (!live) return undefined;
  if (now.getTime() - Date.parse(live.session.lastSeenAt) >= TOUCH_INTERVAL_MS) {
    await users.touchSession(
      db,
      live.user.mspId,
      live.session.id,
      now,
      new Date(now.getTime() + SESSION_IDLE_MS),
    );
  }
  return {
    user: live.user,
    sessionId: live.session.id,
    principal: userPrincipal(live.user, live.session.id),
    token,
  };
}

/** Ends one session (signing out, or revoking another of one's own). */
export async function endSession(
  db: Executor,
  auth: Principal,
  sessionId: string,
  clock: Clock,
): Promise<boolean> {
  if (auth.actor.kind !== 'user') return false;
  return users.revokeSession(db, auth.mspId, auth.actor.userId, sessionId, clock.now());
}

/** Ends every session of the signed-in user, this one included. */
export async function endAllSessions(db: Executor, auth: Principal, clock: Clock): Promise<number> {
  if (auth.actor.kind !== 'user') return 0;
  return users.revokeAllSessions(db, auth.mspId, auth.actor.userId, clock.now());
}
