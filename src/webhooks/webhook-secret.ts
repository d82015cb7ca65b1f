import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Standard Webhooks secrets: `whsec_` and the base64 of the key bytes. */
const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;
const SEALED_VERSION = 'v1';

/** A new signing secret for a subscription, shown to its creator once. */
export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${crypto.randomBytes(SECRET_BYTES).toString('base64')}`;
}

/**
 * The Standard Webhooks signature of one delivery: HMAC-SHA256, keyed with the secret's bytes, over
 * `<webhook-id>.<webhook-timestamp>.<body>`, as the `webhook-signature` header's value.
 */
export function signatureHeader(secret: string, messageId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = crypto.createHmac('sha256', key).update(`${messageId}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/**
 * Seals a signing secret for storage with AES-256-GCM. The subscription's id is the associated data, so a sealed
 * secret copied onto another subscription's row does not open.
 */
export function sealSecret(key: Buffer, subscriptionId: string, secret: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(subscriptionId, 'utf8'));
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [SEALED_VERSION, iv, cipher.getAuthTag(), sealed]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export class SealedSecretError extends Error {
  constructor() {
    super(
      'The signing secret cannot be opened with this process’s WEBHOOK_SECRET_KEY (is it the key it was sealed with?)',
    );
    this.name = 'SealedSecretError';
  }
}

/** Opens what sealSecret made; a wrong key, a wrong id or a changed byte is a SealedSecretError. */
export function openSecret(key: Buffer, subscriptionId: string, sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== SEALED_VERSION || !iv || !tag || data === undefined) throw new SealedSecretError();
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(subscriptionId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SealedSecretError();
  }
}

/** Where the embedded deployment keeps the sealing key it made for itself when none is configured. */
export const embeddedSealingKeyFile = (dataDir: string): string => path.join(dataDir, 'webhook-secret.key');

/**
 * The embedded database's sealing key when WEBHOOK_SECRET_KEY is not set: made once (32 random bytes, mode 0600)
 * beside the database and read at every start. It keeps the secrets out of a copy of the database alone; set
 * WEBHOOK_SECRET_KEY to keep the key somewhere else.
 */
export async function embeddedSealingKey(dataDir: string): Promise<Buffer> {
  const file = embeddedSealingKeyFile(dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  try {
    await fs.writeFile(file, `${crypto.randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
  if (key.length !== 32)
    throw new Error(`${file} does not hold a 32-byte key; remove it or set WEBHOOK_SECRET_KEY`);
  return key;
}
