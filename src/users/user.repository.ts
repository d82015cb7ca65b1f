import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { UserSessionTable, UserTable } from '../db/schema.js';
import type { User, UserRole, UserSession } from './user.schemas.js';

const userColumns = ['id', 'msp_id', 'email', 'name', 'role', 'password_hash', 'created_at'] as const;

function toUser(row: Pick<Selectable<UserTable>, (typeof userColumns)[number]>): User {
  return {
    id: row.id,
    mspId: row.msp_id,
    email: row.email,
    name: row.name,
    role: row.role,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at.toISOString(),
  };
}

/** Inserts a user; answers undefined when the email is already taken (by this MSP or another). */
export async function insertUser(
  db: Executor,
  mspId: string,
  values: { email: string; name: string; role: UserRole },
): Promise<User | undefined> {
  const row = await db
    .insertInto('users')
    .values({ msp_id: mspId, email: values.email, name: values.name, role: values.role })
    .onConflict((conflict) => conflict.column('email').doNothing())
    .returning(userColumns)
    .executeTakeFirst();
  return row && toUser(row);
}

export async function findUserByEmail(db: Executor, mspId: string, email: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .select(userColumns)
    .where('msp_id', '=', mspId)
    .where('email', '=', email)
    .executeTakeFirst();
  return row && toUser(row);
}

export async function findUser(db: Executor, mspId: string, userId: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .select(userColumns)
    .where('msp_id', '=', mspId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return row && toUser(row);
}

export async function listUsers(db: Executor, mspId: string): Promise<User[]> {
  const rows = await db
    .selectFrom('users')
    .select(userColumns)
    .where('msp_id', '=', mspId)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(toUser);
}

/**
 * A user and their password hash by email, across every MSP: signing in is what tells which MSP a person belongs
 * to, so this is the one user query that cannot filter by msp_id.
 */
export async function findSignInCredentials(
  db: Executor,
  email: string,
): Promise<(User & { passwordHash: string | null }) | undefined> {
  const row = await db.selectFrom('users').select(userColumns).where('email', '=', email).executeTakeFirst();
  return row && { ...toUser(row), passwordHash: row.password_hash };
}

export async function setPasswordHash(
  db: Executor,
  mspId: string,
  userId: string,
  passwordHash: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: at })
    .where('msp_id', '=', mspId)
    .where('id', '=', userId)
    .execute();
}

const sessionColumns = [
  'id',
  'created_at',
  'last_seen_at',
  'idle_expires_at',
  'absolute_expires_at',
  'user_agent',
  'ip_address',
] as const;

function toSession(row: Pick<Selectable<UserSessionTable>, (typeof sessionColumns)[number]>): UserSession {
  return {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    idleExpiresAt: row.idle_expires_at.toISOString(),
    absoluteExpiresAt: row.absolute_expires_at.toISOString(),
    userAgent: row.user_agent,
    ipAddress: row.ip_address,
  };
}

export async function insertSession(
  db: Executor,
  mspId: string,
  values: {
    userId: string;
    tokenHash: Buffer;
    createdAt: Date;
    idleExpiresAt: Date;
    absoluteExpiresAt: Date;
    userAgent: string | null;
    ipAddress: string | null;
  },
): Promise<UserSession> {
  const row = await db
    .insertInto('user_sessions')
    .values({
      msp_id: mspId,
      user_id: values.userId,
      token_hash: values.tokenHash,
      created_at: values.createdAt,
      last_seen_at: values.createdAt,
      idle_expires_at: values.idleExpiresAt,
      absolute_expires_at: values.absoluteExpiresAt,
      user_agent: values.userAgent,
      ip_address: values.ipAddress,
    })
    .returning(sessionColumns)
    .executeTakeFirstOrThrow();
  return toSession(row);
}

export interface LiveSession {
  session: UserSession;
  user: User;
}

/**
 * The unrevoked, unexpired session a cookie's token hash names, with its user, across every MSP (the cookie is what
 * tells the MSP).
 */
export async function findLiveSession(
  db: Executor,
  tokenHash: Buffer,
  at: Date,
): Promise<LiveSession | undefined> {
  const row = await db
    .selectFrom('user_sessions as s')
    .innerJoin('users as u', (join) =>
      join.onRef('u.msp_id', '=', 's.msp_id').onRef('u.id', '=', 's.user_id'),
    )
    .select([
      's.id as session_id',
      's.created_at as session_created_at',
      's.last_seen_at',
      's.idle_expires_at',
      's.absolute_expires_at',
      's.user_agent',
      's.ip_address',
      'u.id',
      'u.msp_id',
      'u.email',
      'u.name',
      'u.role',
      'u.password_hash',
      'u.created_at',
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.revoked_at', 'is', null)
    .where('s.idle_expires_at', '>', at)
    .where('s.absolute_expires_at', '>', at)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    user: toUser(row),
    session: toSession({ ...row, id: row.session_id, created_at: row.session_created_at }),
  };
}

/** Records that a session was used and pushes its idle expiry forward, never past its absolute expiry. */
export async function touchSession(
  db: Executor,
  mspId: string,
  sessionId: string,
  at: Date,
  idleExpiresAt: Date,
): Promise<void> {
  await db
    .updateTable('user_sessions')
    .set((eb) => ({
      last_seen_at: at,
      idle_expires_at: eb.fn('least', [eb.val(idleExpiresAt), eb.ref('absolute_expires_at')]),
    }))
    .where('msp_id', '=', mspId)
    .where('id', '=', sessionId)
    .execute();
}

export async function listLiveSessions(
  db: Executor,
  mspId: string,
  userId: string,
  at: Date,
): Promise<UserSession[]> {
  const rows = await db
    .selectFrom('user_sessions')
    .select(sessionColumns)
    .where('msp_id', '=', mspId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('idle_expires_at', '>', at)
    .where('absolute_expires_at', '>', at)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toSession);
}

/** Revokes one of a user's sessions; answers whether there was one to revoke. */
export async function revokeSession(
  db: Executor,
  mspId: string,
  userId: string,
  sessionId: string,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('user_sessions')
    .set({ revoked_at: at })
    .where('msp_id', '=', mspId)
    .where('user_id', '=', userId)
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Revokes every live session of a user ("sign out everywhere", a new password). */
export async function revokeAllSessions(
  db: Executor,
  mspId: string,
  userId: string,
  at: Date,
): Promise<number> {
  const result = await db
    .updateTable('user_sessions')
    .set({ revoked_at: at })
    .where('msp_id', '=', mspId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function insertPasswordSetToken(
  db: Executor,
  mspId: string,
  values: { userId: string; tokenHash: Buffer; purpose: 'invite' | 'reset'; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('password_set_tokens')
    .values({
      msp_id: mspId,
      user_id: values.userId,
      token_hash: values.tokenHash,
      purpose: values.purpose,
      expires_at: values.expiresAt,
    })
    .execute();
}

/** Marks every unused link of a user as used, so that only the newest one works. */
export async function retirePasswordSetTokens(
  db: Executor,
  mspId: string,
  userId: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('password_set_tokens')
    .set({ used_at: at })
    .where('msp_id', '=', mspId)
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

/**
 * Uses up an unexpired, unused password link by its hash (across every MSP: the link is what tells the MSP), in one
 * statement so that two requests racing with the same link cannot both succeed.
 */
export async function consumePasswordSetToken(
  db: Executor,
  tokenHash: Buffer,
  at: Date,
): Promise<{ mspId: string; userId: string } | undefined> {
  const row = await db
    .updateTable('password_set_tokens')
    .set({ used_at: at })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returning(['msp_id', 'user_id'])
    .executeTakeFirst();
  return row && { mspId: row.msp_id, userId: row.user_id };
}

/** Whether a password link can still be used (the set-password page asks before showing its form). */
export async function findUsablePasswordSetToken(
  db: Executor,
  tokenHash: Buffer,
  at: Date,
): Promise<{ mspId: string; userId: string; email: string } | undefined> {
  const row = await db
    .selectFrom('password_set_tokens as t')
    .innerJoin('users as u', (join) =>
      join.onRef('u.msp_id', '=', 't.msp_id').onRef('u.id', '=', 't.user_id'),
    )
    .select(['t.msp_id', 't.user_id', 'u.email'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', at)
    .executeTakeFirst();
  return row && { mspId: row.msp_id, userId: row.user_id, email: row.email };
}

/**
 * The ids of the MSP's owners, locked until the transaction ends: a role change or a removal that checks "not the
 * last owner" holds these rows, so two admins cannot each remove one of the last two owners at once.
 */
export async function lockOwnerIds(db: Executor, mspId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('msp_id', '=', mspId)
    .where('role', '=', 'owner')
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}

export async function updateUserRole(
  db: Executor,
  mspId: string,
  userId: string,
  role: UserRole,
  at: Date,
): Promise<User | undefined> {
  const row = await db
    .updateTable('users')
    .set({ role, updated_at: at })
    .where('msp_id', '=', mspId)
    .where('id', '=', userId)
    .returning(userColumns)
    .executeTakeFirst();
  return row && toUser(row);
}

/** Deletes a user; their sessions and password links go with them (ON DELETE CASCADE). */
export async function deleteUser(db: Executor, mspId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('users')
    .where('msp_id', '=', mspId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
