import crypto from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import { invalid, notFound } from '../http/errors.js';
import { recorderName } from '../initiatives/initiative.repository.js';
import * as links from './share-link.repository.js';
import type { ShareLinkRecord } from './share-link.repository.js';
import { MAX_SHARE_LINK_DAYS, type CreateShareLink, type ShareLink } from './share-link.schemas.js';

/** A share token: 256 random bits as 43 base64url characters, the whole of the `/p/<token>` path segment. */
export const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const hashShareToken = (token: string): Buffer =>
  crypto.createHash('sha256').update(token, 'utf8').digest();

const DAY_MS = 86_400_000;
const daysFrom = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / DAY_MS;

/** Whether the link opens on `today`: it does through its expiry day, until it is revoked. */
export function shareLinkStatus(
  link: Pick<ShareLinkRecord, 'expiresOn' | 'revokedAt'>,
  today: string,
): ShareLink['status'] {
  if (link.revokedAt) return 'revoked';
  return link.expiresOn < today ? 'expired' : 'active';
}

function toShareLink(link: ShareLinkRecord, today: string): ShareLink {
  return {
    id: link.id,
    clientId: link.clientId,
    recipientName: link.recipientName,
    recipientEmail: link.recipientEmail,
    scope: link.scope,
    expiresOn: link.expiresOn,
    status: shareLinkStatus(link, today),
    createdAt: link.createdAt.toISOString(),
    createdBy: link.createdBy,
    revokedAt: link.revokedAt?.toISOString() ?? null,
    lastOpenedAt: link.lastOpenedAt?.toISOString() ?? null,
  };
}

/**
 * A new link to the client's portal, answered with its URL (token included), which is never stored or shown again.
 * `origin` is where the portal is reached: PUBLIC_URL when set, else the origin the request came to.
 */
export async function createShareLink(
  db: Executor,
  auth: Principal,
  clientId: string,
  input: CreateShareLink,
  options: { today: string; origin: string },
): Promise<ShareLink & { url: string }> {
  await getClient(db, auth, clientId);
  const ahead = daysFrom(options.today, input.expiresOn);
  if (ahead < 0) throw invalid('body.expiresOn', `must be today (${options.today}) or later`);
  if (ahead > MAX_SHARE_LINK_DAYS) {
    throw invalid('body.expiresOn', `must be at most ${MAX_SHARE_LINK_DAYS} days from today`);
  }
  const token = crypto.randomBytes(32).toString('base64url');
  const link = await links.insertShareLink(db, auth.mspId, {
    clientId,
    recipientName: input.recipientName,
    recipientEmail: input.recipientEmail ?? null,
    scope: input.scope,
    expiresOn: input.expiresOn,
    createdBy: await recorderName(db, auth.mspId, auth.actor),
    tokenHash: hashShareToken(token),
  });
  return { ...toShareLink(link, options.today), url: `${options.origin.replace(/\/+$/, '')}/p/${token}` };
}

export async function listShareLinks(
  db: Executor,
  auth: Principal,
  clientId: string,
  today: string,
): Promise<{ items: ShareLink[] }> {
  await getClient(db, auth, clientId);
  const items = await links.listShareLinks(db, auth.mspId, clientId);
  return { items: items.map((link) => toShareLink(link, today)) };
}

/** Revokes the link: it answers 410 from the next request on. Revoking it again changes nothing. */
export async function revokeShareLink(
  db: Executor,
  auth: Principal,
  clientId: string,
  shareLinkId: string,
  now: Date,
  today: string,
): Promise<ShareLink> {
  await getClient(db, auth, clientId);
  const link = await links.revokeShareLink(db, auth.mspId, clientId, shareLinkId, now);
  if (!link) throw notFound('share link');
  return toShareLink(link, today);
}

/** What opening a token finds: the link and the principal it acts as, or why it opens nothing. */
export type OpenedShareLink =
  | { readonly status: 'active'; readonly link: ShareLinkRecord; readonly principal: Principal }
  | { readonly status: 'unknown' | 'expired' | 'revoked' };

/**
 * The link a presented token belongs to. A live link acts for its one client only: it reads (scope `view`) or also
 * records decisions (scope `view_and_decide`, the `write` scope), as the share link itself, never as a user or key.
 */
export async function openShareLink(db: Executor, token: string, today: string): Promise<OpenedShareLink> {
  if (!SHARE_TOKEN.test(token)) return { status: 'unknown' };
  const link = await links.findShareLinkByTokenHash(db, hashShareToken(token));
  if (!link) return { status: 'unknown' };
  const status = shareLinkStatus(link, today);
  if (status !== 'active') return { status };
  const principal: Principal = Object.freeze({
    actor: Object.freeze({ kind: 'share_link', linkId: link.id }),
    mspId: link.mspId,
    clientId: link.clientId,
    scope: link.scope === 'view_and_decide' ? 'write' : 'read',
  });
  return { status: 'active', link, principal };
}

/** Notes that the link was opened now (shown to the MSP in its list of links). */
export async function noteShareLinkOpened(db: Executor, link: ShareLinkRecord, now: Date): Promise<void> {
  await links.recordShareLinkOpened(db, link.id, now);
}
