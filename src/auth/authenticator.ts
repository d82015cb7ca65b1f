import crypto from 'node:crypto';
import { findApiKeyCredentials, recordApiKeyUse } from '../api-keys/api-key.repository.js';
import { findCalendarFeedCredentials, recordCalendarFeedUse } from '../calendar/calendar-feed.repository.js';
import type { Db } from '../db/database.js';
import { apiKeyPrefixOf, hashApiKey, isFeedToken } from './api-key-secret.js';
import { authorize, type AccessRequirement } from './access.js';
import { AuthError } from './auth-error.js';
import type { Principal } from './principal.js';
import type { RateLimiter, RateLimits } from './rate-limits.js';

interface CachedKey {
  principal: Principal;
  expiresAt: number;
}

/**
 * The caller's IP address, or how to find it when that costs something (following X-Forwarded-For): it is asked
 * only when a credential is looked up or refused, never for a key this process has just verified.
 */
export type ClientAddress = string | (() => string);

const addressOf = (clientAddress: ClientAddress): string =>
  typeof clientAddress === 'string' ? clientAddress : clientAddress();

export interface AuthenticatorOptions {
  /** Where the limits below are counted (shared through PostgreSQL, or this process's memory). */
  rateLimits: RateLimits;
  /** Requests a minute per API key and per calendar feed token. */
  rateLimitPerMinute: number;
  /**
   * Invalid credentials a client address may send in a window; beyond them it is answered 429 before any
   * credential is hashed or looked up, until the window ends.
   */
  failedAuth: { limit: number; windowSeconds: number };
  cacheMs?: number;
  now?: () => number;
}

/**
 * Verifies API keys, applies the rate limits and checks what the caller may do. A verified key is remembered for a
 * few seconds so that a busy integration does not cost a key lookup on every request; revoking a key through this
 * process forgets it at once, and other processes notice within the same few seconds.
 *
 * Two limits: requests per key (`rateLimitPerMinute`) and invalid credentials per client address (`failedAuth`).
 * Only failures count against an address. Once it is over its limit, every credential it sends that this process has
 * not just verified is refused before it is hashed or looked up, so guessing costs the service nothing but a counter.
 */
export class Authenticator {
  /**
   * Keys verified lately, by the secret itself: a request with a key seen a moment ago costs one lookup rather than
   * a hash and a compare. Only secrets that matched a live key get here; they stay in this process's memory, as
   * the request that carried them does, and are never logged or answered.
   */
  private readonly cache = new Map<string, CachedKey>();
  private readonly lastUsedWrites = new Map<string, number>();
  private readonly requests: RateLimiter;
  private readonly failures: RateLimiter;

  constructor(
    private readonly db: Db,
    private readonly options: AuthenticatorOptions,
  ) {
    this.requests = options.rateLimits.limiter({
      name: 'api-key',
      points: options.rateLimitPerMinute,
      windowSeconds: 60,
      // Every request counts here, so a busy key may take its points from PostgreSQL a few at a time.
      lease: true,
    });
    this.failures = options.rateLimits.limiter({
      name: 'failed-auth',
      points: options.failedAuth.limit,
      windowSeconds: options.failedAuth.windowSeconds,
    });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /**
   * The principal an API key stands for, once it is counted against its rate limit and allowed the operation.
   * `clientAddress` is the caller's IP address, as the HTTP layer trusts it (see {@link ClientAddress}).
   */
  async authenticate(
    secret: string | undefined,
    requirement: AccessRequirement,
    clientAddress: ClientAddress,
  ): Promise<Principal> {
    // A key verified a moment ago is answered without a round of promises through verify.
    const principal = this.recentlyVerified(secret) ?? (await this.verify(secret, clientAddress));
    if (principal.actor.kind === 'api_key') await this.consumeRequest(principal.actor.keyId);
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
    clientAddress: ClientAddress,
  ): Promise<Principal> {
    if (!secret) throw new AuthError({ reason: 'missing_credentials' });
    await this.refuseFailingAddress(clientAddress);
    if (!isFeedToken(secret)) return this.failed(clientAddress);
    const hash = hashApiKey(secret);
    const candidates = await findCalendarFeedCredentials(this.db, apiKeyPrefixOf(secret));
    const feed = candidates.find((candidate) => crypto.timingSafeEqual(candidate.hash, hash));
    if (!feed) return this.failed(clientAddress);
    await this.consumeRequest(`feed:${feed.id}`);
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

  private recentlyVerified(secret: string | undefined): Principal | undefined {
    const cached = secret === undefined ? undefined : this.cache.get(secret);
    return cached && cached.expiresAt > this.now() ? cached.principal : undefined;
  }

  private async verify(secret: string | undefined, clientAddress: ClientAddress): Promise<Principal> {
    if (!secret) throw new AuthError({ reason: 'missing_credentials' });
    await this.refuseFailingAddress(clientAddress);
    const hash = hashApiKey(secret);
    const candidates = await findApiKeyCredentials(this.db, apiKeyPrefixOf(secret));
    const key = candidates.find((candidate) => crypto.timingSafeEqual(candidate.hash, hash));
    if (!key || key.revoked) return this.failed(clientAddress);
    const principal: Principal = Object.freeze({
      actor: Object.freeze({ kind: 'api_key', keyId: key.id }),
      mspId: key.mspId,
      clientId: key.clientId,
      scope: key.scope,
    });
    this.cache.set(secret, { principal, expiresAt: this.now() + (this.options.cacheMs ?? 5000) });
    await this.touch(key.id);
    return principal;
  }

  /** Forgets a key at once (after revocation). */
  forget(keyId: string): void {
    for (const [secret, entry] of this.cache) {
      const actor = entry.principal.actor;
      if (actor.kind === 'api_key' && actor.keyId === keyId) this.cache.delete(secret);
    }
  }

  /** Counts a request of a key or feed token against `rateLimitPerMinute`. */
  private async consumeRequest(id: string): Promise<void> {
    const verdict = await this.requests.consume(id);
    if (!verdict.allowed) {
      throw new AuthError({
        reason: 'rate_limited',
        limitPerMinute: this.options.rateLimitPerMinute,
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
  }

  /** Refuses an address that sent too many invalid credentials lately, before its credential costs anything. */
  private async refuseFailingAddress(clientAddress: ClientAddress): Promise<void> {
    const verdict = await this.failures.check(addressOf(clientAddress));
    if (!verdict.allowed) {
      throw new AuthError({ reason: 'too_many_failures', retryAfterSeconds: verdict.retryAfterSeconds });
    }
  }

  /** Counts an invalid credential against the address that sent it, and refuses it. */
  private async failed(clientAddress: ClientAddress): Promise<never> {
    await this.failures.consume(addressOf(clientAddress));
    throw new AuthError({ reason: 'invalid_credentials' });
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
