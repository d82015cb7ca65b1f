import crypto from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { scopeCovers, type Scope } from '../auth/scopes.js';
import type { Executor } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import { AppError, conflict, invalid, notFound } from '../http/errors.js';
import type { Clock } from '../shared/clock.js';
import { findMsp } from '../msps/msp.repository.js';
import { hashPassword } from './password.js';
import * as users from './user.repository.js';
import type { CreateUserInput, User, UserRole, UserSession } from './user.schemas.js';

/** How long a one-time password link works: a week for a new user's first, a day for a reset. */
const LINK_LIFETIME_MS = { invite: 7 * 86_400_000, reset: 86_400_000 } as const;

/**
 * What each role may do, in the API's scopes: a viewer reads; a vCIO also edits clients, inventory, initiatives and
 * packets (write); an admin also policies, branding, API keys and users (admin). An owner is an admin who may also
 * make and remove owners.
 */
export const ROLE_SCOPES: Record<UserRole, Scope> = {
  owner: 'admin',
  admin: 'admin',
  vcio: 'write',
  viewer: 'read',
};

export function userPrincipal(user: User, sessionId: string): Principal {
  return Object.freeze({
    actor: Object.freeze({ kind: 'user', userId: user.id, sessionId }),
    mspId: user.mspId,
    clientId: null,
    scope: ROLE_SCOPES[user.role],
  });
}

export const hashSecret = (secret: string): Buffer =>
  crypto.createHash('sha256').update(secret, 'utf8').digest();

/** A one-time link to set a password; the token is in the link only, the database keeps its hash. */
export interface PasswordLink {
  url: string;
  expiresAt: string;
}

function passwordLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/set-password?token=${encodeURIComponent(token)}`;
}

async function issuePasswordLink(
  db: Executor,
  user: User,
  purpose: 'invite' | 'reset',
  publicUrl: string,
  clock: Clock,
): Promise<PasswordLink> {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + LINK_LIFETIME_MS[purpose]);
  await withTransaction(db, async (tx) => {
    await users.retirePasswordSetTokens(tx, user.mspId, user.id, now);
    await users.insertPasswordSetToken(tx, user.mspId, {
      userId: user.id,
      tokenHash: hashSecret(token),
      purpose,
      expiresAt,
    });
  });
  return { url: passwordLinkUrl(publicUrl, token), expiresAt: expiresAt.toISOString() };
}

/** Creates a user with no password yet and answers the one-time link with which they set it. */
export async function createUser(
  db: Executor,
  mspId: string,
  input: CreateUserInput,
  options: { publicUrl: string; clock: Clock },
): Promise<{ user: User; link: PasswordLink }> {
  return withTransaction(db, async (tx) => {
    if (!(await findMsp(tx, mspId))) throw notFound('MSP');
    const user = await users.insertUser(tx, mspId, input);
    if (!user)
      throw conflict('A user with this email already exists', [{ path: 'email', message: 'is taken' }]);
    return { user, link: await issuePasswordLink(tx, user, 'invite', options.publicUrl, options.clock) };
  });
}

/**
 * A user who signs in with the given password at once (the demo's user, whose password is printed at start-up).
 * When the email is taken, a numbered variant is used (`demo-2@…`): the address is for show only.
 */
export async function createUserWithPassword(
  db: Executor,
  mspId: string,
  input: CreateUserInput,
  password: string,
): Promise<User> {
  const passwordHash = await hashPassword(password);
  return withTransaction(db, async (tx) => {
    const [local, domain] = input.email.split('@') as [string, string];
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      const email = attempt === 1 ? input.email : `${local}-${attempt}@${domain}`;
      const user = await users.insertUser(tx, mspId, { ...input, email });
      if (!user) continue;
      await users.setPasswordHash(tx, mspId, user.id, passwordHash, new Date());
      return { ...user, hasPassword: true };
    }
    throw conflict('A user with this email already exists', [{ path: 'email', message: 'is taken' }]);
  });
}

/** A new one-time link for a user of the MSP (earlier links stop working); their sessions stay until it is used. */
export async function resetPassword(
  db: Executor,
  mspId: string,
  email: string,
  options: { publicUrl: string; clock: Clock },
): Promise<{ user: User; link: PasswordLink }> {
  const user = await users.findUserByEmail(db, mspId, email);
  if (!user) throw notFound('user');
  return { user, link: await issuePasswordLink(db, user, 'reset', options.publicUrl, options.clock) };
}

/** The email a password link is for, while it can still be used; undefined for a used, expired or unknown link. */
export async function passwordLinkEmail(
  db: Executor,
  token: string,
  clock: Clock,
): Promise<string | undefined> {
  if (token.length === 0 || token.length > 200) return undefined;
  return (await users.findUsablePasswordSetToken(db, hashSecret(token), clock.now()))?.email;
}

/**
 * Sets a password through a one-time link: uses the link up, stores the argon2id hash and signs the user out of
 * every session (whoever knew the old password is out). Answers the user, who then signs in.
 */
export async function setPasswordWithLink(
  db: Executor,
  token: string,
  password: string,
  clock: Clock,
): Promise<User> {
  const passwordHash = await hashPassword(password);
  return withTransaction(db, async (tx) => {
    const now = clock.now();
    const link =
      token.length <= 200 ? await users.consumePasswordSetToken(tx, hashSecret(token), now) : undefined;
    if (!link) throw invalid('token', 'this link has been used or has expired; ask an admin for a new one');
    await users.setPasswordHash(tx, link.mspId, link.userId, passwordHash, now);
    await users.revokeAllSessions(tx, link.mspId, link.userId, now);
    const user = await users.findUser(tx, link.mspId, link.userId);
    if (!user) throw notFound('user');
    return user;
  });
}

/** The MSP's users; an admin's or owner's business only. */
export async function listUsers(db: Executor, auth: Principal): Promise<User[]> {
  if (!scopeCovers(auth.scope, 'admin') || auth.clientId !== null) {
    throw new AppError('forbidden', 403, 'Only an admin or owner can see the users');
  }
  return users.listUsers(db, auth.mspId);
}

/** The user behind an admin principal, when it is a signed-in user (an admin API key has none). */
async function actingUser(db: Executor, auth: Principal): Promise<User | undefined> {
  if (!scopeCovers(auth.scope, 'admin') || auth.clientId !== null) {
    throw new AppError('forbidden', 403, 'Only an admin or owner can manage users');
  }
  return auth.actor.kind === 'user' ? users.findUser(db, auth.mspId, auth.actor.userId) : undefined;
}

const onlyOwners = (what: string): AppError => new AppError('forbidden', 403, `Only an owner can ${what}`);

/**
 * An admin invites a user: created without a password, with the one-time link they set it with (no mail is sent).
 * Only an owner may make another owner.
 */
export async function inviteUser(
  db: Executor,
  auth: Principal,
  input: CreateUserInput,
  options: { publicUrl: string; clock: Clock },
): Promise<{ user: User; link: PasswordLink }> {
  const actor = await actingUser(db, auth);
  if (input.role === 'owner' && actor?.role !== 'owner') throw onlyOwners('make another owner');
  return createUser(db, auth.mspId, input, options);
}

/**
 * A new one-time password link for a user of the caller's MSP (earlier links stop working). Only an owner may
 * reset an owner's password: an admin who could would take over the owner's account with the link.
 */
export async function resetUserPassword(
  db: Executor,
  auth: Principal,
  userId: string,
  options: { publicUrl: string; clock: Clock },
): Promise<{ user: User; link: PasswordLink }> {
  const actor = await actingUser(db, auth);
  const user = await users.findUser(db, auth.mspId, userId);
  if (!user) throw notFound('user');
  if (user.role === 'owner' && actor?.role !== 'owner') throw onlyOwners('send an owner a password link');
  return { user, link: await issuePasswordLink(db, user, 'reset', options.publicUrl, options.clock) };
}

/**
 * Changes a user's role; it applies to their next request (sessions read the role as they are resumed). Only an
 * owner may make an owner or change an owner's role, and the MSP's last owner stays an owner.
 */
export async function changeUserRole(
  db: Executor,
  auth: Principal,
  userId: string,
  role: UserRole,
  clock: Clock,
): Promise<User> {
  return withTransaction(db, async (tx) => {
    const actor = await actingUser(tx, auth);
    const owners = await users.lockOwnerIds(tx, auth.mspId);
    const user = await users.findUser(tx, auth.mspId, userId);
    if (!user) throw notFound('user');
    if (user.role === role) return user;
    if ((user.role === 'owner' || role === 'owner') && actor?.role !== 'owner') {
      throw onlyOwners('make an owner or change an owner’s role');
    }
    if (user.role === 'owner' && owners.length <= 1) {
      throw conflict('The MSP’s last owner must stay an owner; make someone else an owner first');
    }
    const changed = await users.updateUserRole(tx, auth.mspId, userId, role, clock.now());
    if (!changed) throw notFound('user');
    return changed;
  });
}

/**
 * Removes a user, who is signed out at once (their sessions and links are deleted with them). Nobody removes
 * themselves or the last owner, and only an owner removes an owner.
 */
export async function removeUser(db: Executor, auth: Principal, userId: string): Promise<User> {
  return withTransaction(db, async (tx) => {
    const actor = await actingUser(tx, auth);
    const owners = await users.lockOwnerIds(tx, auth.mspId);
    const user = await users.findUser(tx, auth.mspId, userId);
    if (!user) throw notFound('user');
    if (actor?.id === user.id) throw conflict('You cannot remove yourself; ask another admin');
    if (user.role === 'owner' && actor?.role !== 'owner') throw onlyOwners('remove an owner');
    if (user.role === 'owner' && owners.length <= 1) throw conflict('The MSP’s last owner cannot be removed');
    await users.deleteUser(tx, auth.mspId, userId);
    return user;
  });
}

/** The signed-in user's own live sessions, newest first. */
export async function listOwnSessions(db: Executor, auth: Principal, clock: Clock): Promise<UserSession[]> {
  if (auth.actor.kind !== 'user') return [];
  return users.listLiveSessions(db, auth.mspId, auth.actor.userId, clock.now());
}
