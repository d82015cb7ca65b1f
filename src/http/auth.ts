import crypto from 'node:crypto';
import type { Request } from 'express';
import type { Db } from '../db/database.js';
import { AppError } from './errors.js';
import type { RouteDefinition } from './route.js';

export type Scope = 'admin' | 'write' | 'read';

/** Who is calling: the MSP every query is scoped to, and the one client a limited key may see. */
export interface AuthContext {
  readonly keyId: string;
  readonly mspId: string;
  readonly clientId: string | null;
  readonly scope: Scope;
}

const scopeRank: Record<Scope, number> = { read: 1, write: 2, admin: 3 };
const KEY_PREFIX = 'vcio_';
/** Characters of the key kept in clear to find its row and to tell keys apart in listings. */
const IDENTIFIER_LENGTH = KEY_PREFIX.length + 8;

export interface NewKey {
  /** The key itself: shown to its owner once, never stored. */
  secret: string;
  prefix: string;
  hash: Buffer;
}

/** A new 256-bit random key, `vcio_` + 43 base64url characters. */
export function generateApiKey(): NewKey {
  const secret = KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
  return { secret, prefix: secret.slice(0, IDENTIFIER_LENGTH), hash: hashApiKey(secret) };
}

export function hashApiKey(secret: string): Buffer {
  return crypto.createHash('sha256').update(secret, 'utf8').digest();
}

interface CachedKey {
  context: AuthContext;
  hash: Buffer;
  expiresAt: number;
}

/**
 * Verifies bearer keys and applies per-key rate limits. A verified key is remembered for a few seconds so that a
 * busy integration does not cost a key lookup on every request; revoking a key through this process forgets it
 * at once, and other processes notice within the same few seconds.
 */
export class Authenticator {
  private readonly cache = new Map<string, CachedKey>();
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly options: { rateLimitPerMinute: number; cacheMs?: number; now?: () => number },
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  async authenticate(
    req: Request,
    route: RouteDefinition,
    params: Record<string, unknown>,
  ): Promise<AuthContext> {
    const queryToken =
      route.allowQueryToken && typeof req.query.token === 'string' ? req.query.token : undefined;
    const context = await this.verify(
      req.get('authorization') ?? (queryToken ? `Bearer ${queryToken}` : undefined),
    );
    this.consumeToken(context.keyId);
    if (scopeRank[context.scope] < scopeRank[route.scope]) {
      throw new AppError('forbidden', 403, `This operation needs a key with the ${route.scope} scope`);
    }
    if (context.clientId !== null) {
      if (route.mspWide) {
        throw new AppError(
          'forbidden',
          403,
          'This key is limited to one client and cannot use MSP-wide operations',
        );
      }
      // A client-limited key sees its own client only; any other client id looks like one that does not exist.
      if (typeof params.clientId === 'string' && params.clientId !== context.clientId) {
        throw new AppError('not_found', 404, 'No such client');
      }
    }
    return context;
  }

  async verify(header: string | undefined): Promise<AuthContext> {
    const secret = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (!secret) {
      throw new AppError('unauthorized', 401, 'Send an API key as "Authorization: Bearer <key>"', undefined, {
        'WWW-Authenticate': 'Bearer realm="vcio-planner"',
      });
    }
    const hash = hashApiKey(secret);
    const prefix = secret.slice(0, IDENTIFIER_LENGTH);
    const cached = this.cache.get(prefix);
    if (cached && cached.expiresAt > this.now() && crypto.timingSafeEqual(cached.hash, hash)) {
      return cached.context;
    }
    const candidates = await this.db
      .selectFrom('api_keys')
      .select(['id', 'msp_id', 'client_id', 'scope', 'key_hash', 'revoked_at'])
      .where('key_prefix', '=', prefix)
      .execute();
    const row = candidates.find((candidate) => crypto.timingSafeEqual(candidate.key_hash, hash));
    if (!row || row.revoked_at !== null) {
      throw new AppError('unauthorized', 401, 'The API key is not valid or has been revoked', undefined, {
        'WWW-Authenticate': 'Bearer realm="vcio-planner", error="invalid_token"',
      });
    }
    const context: AuthContext = Object.freeze({
      keyId: row.id,
      mspId: row.msp_id,
      clientId: row.client_id,
      scope: row.scope,
    });
    this.cache.set(prefix, { context, hash, expiresAt: this.now() + (this.options.cacheMs ?? 5000) });
    await this.touch(row.id);
    return context;
  }

  /** Forgets a key at once (after revocation). */
  forget(keyId: string): void {
    for (const [prefix, entry] of this.cache) if (entry.context.keyId === keyId) this.cache.delete(prefix);
  }

  /** Token bucket per key: `rateLimitPerMinute` requests, refilled continuously. */
  private consumeToken(keyId: string): void {
    const capacity = this.options.rateLimitPerMinute;
    const now = this.now();
    const bucket = this.buckets.get(keyId) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) * capacity) / 60_000);
    bucket.updatedAt = now;
    this.buckets.set(keyId, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil(((1 - bucket.tokens) * 60_000) / capacity / 1000));
      throw new AppError(
        'rate_limited',
        429,
        `Rate limit of ${capacity} requests a minute reached`,
        undefined,
        {
          'Retry-After': String(retryAfter),
        },
      );
    }
    bucket.tokens -= 1;
  }

  /** Records when a key was last used, at most once a minute per key. */
  private async touch(keyId: string): Promise<void> {
    const now = this.now();
    if ((this.lastUsedWrites.get(keyId) ?? 0) > now - 60_000) return;
    this.lastUsedWrites.set(keyId, now);
    await this.db
      .updateTable('api_keys')
      .set({ last_used_at: new Date(now) })
      .where('id', '=', keyId)
      .execute();
  }
}
