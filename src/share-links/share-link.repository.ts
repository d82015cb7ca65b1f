import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.js';
import type { ShareLinkTable } from '../db/schema.js';
import type { ShareLinkScope } from './share-link.schemas.js';

/** A share link as it is kept: never its token, only whether it may still open. */
export interface ShareLinkRecord {
  id: string;
  mspId: string;
  clientId: string;
  recipientName: string;
  recipientEmail: string | null;
  scope: ShareLinkScope;
  expiresOn: string;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  lastOpenedAt: Date | null;
}

const columns = [
  'id',
  'msp_id',
  'client_id',
  'recipient_name',
  'recipient_email',
  'scope',
  'expires_on',
  'created_at',
  'created_by',
  'revoked_at',
  'last_opened_at',
] as const;

function toShareLink(row: Pick<Selectable<ShareLinkTable>, (typeof columns)[number]>): ShareLinkRecord {
  return {
    id: row.id,
    mspId: row.msp_id,
    clientId: row.client_id,
    recipientName: row.recipient_name,
    recipientEmail: row.recipient_email,
    scope: row.scope,
    expiresOn: row.expires_on,
    createdAt: row.created_at,
    createdBy: row.created_by,
    revokedAt: row.revoked_at,
    lastOpenedAt: row.last_opened_at,
  };
}

export async function insertShareLink(
  db: Executor,
  mspId: string,
  values: {
    clientId: string;
    recipientName: string;
    recipientEmail: string | null;
    scope: ShareLinkScope;
    expiresOn: string;
    createdBy: string | null;
    tokenHash: Buffer;
  },
): Promise<ShareLinkRecord> {
  const row = await db
    .insertInto('share_links')
    .values({
      msp_id: mspId,
      client_id: values.clientId,
      recipient_name: values.recipientName,
      recipient_email: values.recipientEmail,
      scope: values.scope,
      expires_on: values.expiresOn,
      created_by: values.createdBy,
      token_hash: values.tokenHash,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toShareLink(row);
}

/** The client's links, newest first. */
export async function listShareLinks(
  db: Executor,
  mspId: string,
  clientId: string,
): Promise<ShareLinkRecord[]> {
  const rows = await db
    .selectFrom('share_links')
    .select(columns)
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toShareLink);
}

/** Stamps the link revoked (once: a second revocation keeps the first time); undefined when there is no such link. */
export async function revokeShareLink(
  db: Executor,
  mspId: string,
  clientId: string,
  shareLinkId: string,
  at: Date,
): Promise<ShareLinkRecord | undefined> {
  const row = await db
    .updateTable('share_links')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(at)) }))
    .where('msp_id', '=', mspId)
    .where('client_id', '=', clientId)
    .where('id', '=', shareLinkId)
    .returning(columns)
    .executeTakeFirst();
  return row ? toShareLink(row) : undefined;
}

/**
 * The link whose token hashes to `tokenHash`, across every MSP: the token is what tells which MSP and client the
 * visitor belongs to, so this lookup cannot filter by msp_id. The hash of a 256-bit token is not guessable, so
 * looking it up by equality leaks nothing a timing attack could use.
 */
export async function findShareLinkByTokenHash(
  db: Executor,
  tokenHash: Buffer,
): Promise<ShareLinkRecord | undefined> {
  const row = await db
    .selectFrom('share_links')
    .select(columns)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row ? toShareLink(row) : undefined;
}

/** Notes when a link was last opened; the id came from its own verified row. */
export async function recordShareLinkOpened(db: Executor, shareLinkId: string, at: Date): Promise<void> {
  await db.updateTable('share_links').set({ last_opened_at: at }).where('id', '=', shareLinkId).execute();
}
