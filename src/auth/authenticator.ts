import crypto from 'node:crypto';
import { findApiKeyCredentials, recordApiKeyUse } from '../api-keys/api-key.repository.js';
import { findCalendarFeedCredentials, recordCalendarFeedUse } from '../calendar/calendar-feed.repository.js';
import type { Db } from '../db/database.js';
import { apiKeyPrefixOf, hashApiKey, isFeedToken } from './api-key-secret.js';
import { authorize, type AccessRequirement } from './access.js';
import { AuthError } from './auth-error.js';
import type { Principal } from './principal.js';

interface CachedKey {
  principal: Principal;
  hash: Buffer;
  expiresAt: number;
}

/**
 * Verifies API keys, applies per-key rate limits and checks what the caller may do. A verified key is remembered
 * for a few seconds so that a busy integration does not cost a key lookup on every request; revoking a key through
 * this process forgets it at once, and other processes notice within the same few seconds.
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

  /** The principal an API key stands for, once it is counted against its rate limit and allowed the operation. */
  async authenticate(secret: string | undefined, requirement: AccessRequirement): Promise<Principal> {
    const principal = await this.verify(secret);
    if (principal.actor.kind === 'api_key') this.consumeToken(principal.actor.keyId);
    authorize(principal, requirement);
    return principal;
  }

  /**
   * The principal a calendar feed token stands for: a read-only caller limited to the feed's client. Only feed
   * tokens are accepted here (an API key in a URL is refused), and they are not cached, so deleting one stops it
   * at once in every process.
   */
  async authenticateFeedToken(
    secret: string | undefined,
    requirement: AccessRequirement,
  ): Promise<Principal> {
    if (!secret) throw new AuthError({ reason: 'missing_credentials' });
    if (!isFeedToken(secret)) throw new AuthError({ reason: 'invalid_credentials' });
    const hash = hashApiKey(secret);
    const candidates = await findCalendarFeedCredentials(this.db, apiKeyPrefixOf(secret));
    const feed = candidates.find((candidate) => crypto.timingSafeEqual(candidate.hash, hash));
    if (!feed) throw new AuthError({ reason: 'invalid_credentials' });
    this.consumeToken(`feed:${feed.id}`);
    const principal: Principal = Object.freeze({
      actor: Object.freeze({ kind: 'calendar_feed', feedId: feed.id }),
      mspId: feed.mspId,
      clientId: feed.clientId,
      scope: 'read',
    });
    authorize(principal, requirement);
    if (this.shouldRecordUse(`feed:${feed.id}`))
      await recordCalendarFeedUse(this.db, feed.id, new Date(this.now()));
    return principal;
  }

  private async verify(secret: string | undefined): Promise<Principal> {
    if (!secret) throw new AuthError({ reason: 'missing_credentials' });
    const hash = hashApiKey(secret);
    const prefix = apiKeyPrefixOf(secret);
    const cached = this.cache.get(prefix);
    if (cached && cached.expiresAt > this.now() && crypto.timingSafeEqual(cached.hash, hash)) {
      return cached.principal;
    }
    const candidates = await findApiKeyCredentials(this.db, prefix);
    const key = candidates.find((candidate) => crypto.timingSafeEqual(candidate.hash, hash));
    if (!key || key.revoked) throw new AuthError({ reason: 'invalid_credentials' });
    const principal: Principal = Object.freeze({
      actor: Object.freeze({ kind: 'api_key', keyId: key.id }),
      mspId: key.mspId,
      clientId: key.clientId,
      scope: key.scope,
    });
    this.cache.set(prefix, { principal, hash, expiresAt: this.now() + (this.options.cacheMs ?? 5000) });
    await this.touch(key.id);
    return principal;
  }

  /** Forgets a key at once (after revocation). */
  forget(keyId: string): void {
    for (const [prefix, entry] of this.cache) {
      const actor = entry.principal.actor;
      if (actor.kind === 'api_key' && actor.keyId === keyId) this.cache.delete(prefix);
    }
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
      throw new AuthError({
        reason: 'rate_limited',
        limitPerMinute: capacity,
        retryAfterSeconds: Math.max(1, Math.ceil(((1 - bucket.tokens) * 60_000) / capacity / 1000)),
      });
    }
    bucket.tokens -= 1;
  }

  /** Records when a key was last used, at most once a minute per key. */
  private async touch(keyId: string): Promise<void> {
    if (this.shouldRecordUse(keyId)) await recordApiKeyUse(this.db, keyId, new Date(this.now()));
  }

  private shouldRecordUse(id: string): boolean {
    const now = this.now();
    if ((this.lastUsedWrites.get(id) ?? 0) > now - 60_000) return false;
    this.lastUsedWrites.set(id, now);
    return true;
  }
}
