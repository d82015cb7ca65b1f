import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  RENDER_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  PUPPETEER_EXECUTABLE_PATH: optionalString,
  // Read by the browser launch (src/render/chromium.ts); checked here so that a typo fails at start-up.
  CHROMIUM_NO_SANDBOX: optionalString.pipe(z.enum(['true', 'false', '1', '0']).optional()),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  TRUST_PROXY: optionalString.pipe(
    z
      .string()
      .refine(
        (value) => trustedProxiesOf(value) !== undefined,
        'must be "false" or a comma-separated list of loopback, linklocal, uniquelocal, IP addresses and CIDR ranges',
      )
      .optional(),
  ),
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(30),
  AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  PACKET_JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(30),
  WEBHOOK_SECRET_KEY: optionalString.pipe(
    z
      .string()
      .refine(
        (value) => decodeSecretKey(value) !== undefined,
        'must be 32 random bytes as 64 hex digits or base64 (`openssl rand -base64 32`)',
      )
      .optional(),
  ),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: optionalString.pipe(z.enum(['true', 'false', '1', '0']).optional()),
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  WEBHOOK_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
});

/** Variables whose values never appear in a message. */
const SECRET_VARIABLES = new Set(['WEBHOOK_SECRET_KEY']);

export interface Config {
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly logLevel: (typeof logLevels)[number];
  readonly publicUrl: string | undefined;
  readonly renderConcurrency: number;
  readonly puppeteerExecutablePath: string | undefined;
  readonly rateLimitPerMinute: number;
  /** Invalid credentials a client address may send per window before it is refused (429) without a lookup. */
  /**
   * Which peers may tell the client's address through `X-Forwarded-For` (Express's `trust proxy`): `false` for
   * none, or a list of subnet names, addresses and CIDR ranges. Rate limits per address depend on it.
   */
  readonly trustProxy: false | string;
  readonly authFailureLimit: number;
  readonly authFailureWindowSeconds: number;
  /** A packet job whose worker sends no heartbeat for this long (it died) is retried by another worker. */
  readonly packetJobHeartbeatSeconds: number;
  readonly webhooks: WebhookConfig;
}

export interface WebhookConfig {
  /** The AES-256 key that seals signing secrets at rest; never logged. */
  readonly secretKey: Buffer | undefined;
  /** Deliver to loopback, private, link-local and other non-public addresses (tests, a closed network). */
  readonly allowPrivateTargets: boolean;
  readonly timeoutSeconds: number;
  /** Attempts per delivery, the first included. */
  readonly maxAttempts: number;
  /** The first retry's delay; each later one doubles (with jitter), up to an hour. */
  readonly retryDelaySeconds: number;
}

/** Proxies on the same host or a private network, the usual place of a TLS-terminating proxy. */
export const DEFAULT_TRUSTED_PROXIES = 'loopback, linklocal, uniquelocal';
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `false`, or the list normalised ("loopback, 10.0.0.0/8"); undefined when an entry is neither a subnet name nor an
 * address with an optional prefix length. "true" (trust any peer) is refused: anyone could then choose their address.
 */
function trustedProxiesOf(value: string): false | string | undefined {
  if (value.toLowerCase() === 'false') return false;
  const entries = value.split(',').map((entry) => entry.trim());
  const valid = entries.every((entry) => {
    if (PROXY_NAMES.has(entry)) return true;
    const [address, prefix, ...rest] = entry.split('/');
    const family = net.isIP(address ?? '');
    if (family === 0 || rest.length > 0) return false;
    if (prefix === undefined) return true;
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  });
  return valid ? entries.join(', ') : undefined;
}

/** A 32-byte key written as 64 hex digits or as base64; anything else is not a key. */
function decodeSecretKey(value: string): Buffer | undefined {
  const bytes = /^[0-9a-f]{64}$/i.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/]{43}=?$/.test(value)
      ? Buffer.from(value, 'base64')
      : undefined;
  return bytes?.length === 32 ? bytes : undefined;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the configuration from environment variables once. A wrong value throws a ConfigError whose
 * message is one readable line naming the variable, so the CLI can print it and exit.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const value = env[variable];
    // A secret is never echoed, not even a malformed one.
    const shown =
      value === undefined || SECRET_VARIABLES.has(variable)
        ? ''
        : ` (got ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)})`;
    throw new ConfigError(`Invalid ${variable}${shown}: ${describeIssue(issue)}`);
  }
  const values = parsed.data;
  return Object.freeze({
    port: values.PORT,
    dataDir: path.resolve(values.DATA_DIR),
    databaseUrl: values.DATABASE_URL,
    logLevel: values.LOG_LEVEL,
    publicUrl: values.PUBLIC_URL?.replace(/\/+$/, ''),
    renderConcurrency: values.RENDER_CONCURRENCY ?? Math.max(1, os.availableParallelism()),
    puppeteerExecutablePath: values.PUPPETEER_EXECUTABLE_PATH,
    rateLimitPerMinute: values.RATE_LIMIT_PER_MINUTE,
    trustProxy:
      values.TRUST_PROXY === undefined ? DEFAULT_TRUSTED_PROXIES : trustedProxiesOf(values.TRUST_PROXY)!,
    authFailureLimit: values.AUTH_FAILURE_LIMIT,
    authFailureWindowSeconds: values.AUTH_FAILURE_WINDOW_SECONDS,
    packetJobHeartbeatSeconds: values.PACKET_JOB_HEARTBEAT_SECONDS,
    webhooks: Object.freeze({
      secretKey:
        values.WEBHOOK_SECRET_KEY === undefined ? undefined : decodeSecretKey(values.WEBHOOK_SECRET_KEY),
      allowPrivateTargets: ['true', '1'].includes(values.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? 'false'),
      timeoutSeconds: values.WEBHOOK_TIMEOUT_SECONDS,
      maxAttempts: values.WEBHOOK_MAX_ATTEMPTS,
      retryDelaySeconds: values.WEBHOOK_RETRY_DELAY_SECONDS,
    }),
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_type':
      return issue.expected === 'number' || issue.expected === 'int'
        ? 'must be a whole number'
        : issue.message;
    default:
      return issue.message;
  }
}
