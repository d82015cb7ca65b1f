import crypto from 'node:crypto';

const KEY_PREFIX = 'vcio_';
/** Calendar feed tokens look different from API keys, so neither is mistaken for the other in a log or a URL. */
const FEED_TOKEN_PREFIX = 'vcal_';
/** Characters of the secret kept in clear to find its row and to tell secrets apart in listings. */
const IDENTIFIER_LENGTH = KEY_PREFIX.length + 8;

export interface NewApiKey {
  /** The key itself: shown to its owner once, never stored. */
  secret: string;
  prefix: string;
  hash: Buffer;
}

function generateSecret(prefix: string): NewApiKey {
  const secret = prefix + crypto.randomBytes(32).toString('base64url');
  return { secret, prefix: apiKeyPrefixOf(secret), hash: hashApiKey(secret) };
}

/** A new 256-bit random key, `vcio_` + 43 base64url characters. */
export function generateApiKey(): NewApiKey {
  return generateSecret(KEY_PREFIX);
}

/** A new 256-bit random calendar feed token, `vcal_` + 43 base64url characters. */
export function generateFeedToken(): NewApiKey {
  return generateSecret(FEED_TOKEN_PREFIX);
}

export const isFeedToken = (secret: string): boolean => secret.startsWith(FEED_TOKEN_PREFIX);

export function apiKeyPrefixOf(secret: string): string {
  return secret.slice(0, IDENTIFIER_LENGTH);
}

export function hashApiKey(secret: string): Buffer {
  // The one-shot form: every API request hashes its key, and a Hash object costs more than the digest itself.
  return crypto.hash('sha256', secret, 'buffer');
}
