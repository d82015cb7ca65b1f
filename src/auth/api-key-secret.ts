import crypto from 'node:crypto';

const KEY_PREFIX = 'vcio_';
/** Characters of the key kept in clear to find its row and to tell keys apart in listings. */
const IDENTIFIER_LENGTH = KEY_PREFIX.length + 8;

export interface NewApiKey {
  /** The key itself: shown to its owner once, never stored. */
  secret: string;
  prefix: string;
  hash: Buffer;
}

/** A new 256-bit random key, `vcio_` + 43 base64url characters. */
export function generateApiKey(): NewApiKey {
  const secret = KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
  return { secret, prefix: apiKeyPrefixOf(secret), hash: hashApiKey(secret) };
}

export function apiKeyPrefixOf(secret: string): string {
  return secret.slice(0, IDENTIFIER_LENGTH);
}

export function hashApiKey(secret: string): Buffer {
  return crypto.createHash('sha256').update(secret, 'utf8').digest();
}
