import crypto from 'node:crypto';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { createApp } from '../../src/app.js';
import type { AppContext } from '../../src/app-context.js';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import { Authenticator } from '../../src/auth/authenticator.js';
import { createRateLimits, processRateLimits, type RateLimits } from '../../src/auth/rate-limits.js';
import { createMsp } from '../../src/msps/msp.service.js';
import { PacketQueue } from '../../src/packet-runs/packet-queue.js';
import { workPacketQueue } from '../../src/packet-runs/packet-run.worker.js';
import { createRenderer, type RendererOptions } from '../../src/render/renderer.js';
import { fixedClock, type Clock } from '../../src/shared/clock.js';
import { sharedSignInLimiters, type SignInLimiters } from '../../src/users/attempt-limiter.js';
import { testDatabaseUrl, urlForDatabase, WORKER_DATABASE_PREFIX } from './databases.js';
import { assertResponseMatchesContract } from './response-contract.js';
import { openTestDatabase } from './test-database.js';

const IDLE_CONNECTION_MS = 60_000;

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestApp {
  url: string;
  database: Database;
  context: AppContext;
  /** A new MSP with its admin key. */
  createTenant(name?: string): Promise<Tenant>;
  close(): Promise<void>;
}

export interface Tenant {
  mspId: string;
  key: string;
  api: ApiClient;
}

export interface ApiClient {
  get<T = any>(path: string, headers?: Record<string, string>): Promise<TestResponse<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse<T>>;
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse<T>>;
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse<T>>;
  delete<T = any>(path: string, headers?: Record<string, string>): Promise<TestResponse<T>>;
  /** Any request, with the body sent as given (a string is sent raw). */
  raw<T = any>(
    method: string,
    path: string,
    init?: { body?: string | Buffer; headers?: Record<string, string> },
  ): Promise<TestResponse<T>>;
}

export const unique = (label: string): string => `${label} ${crypto.randomUUID().slice(0, 8)}`;

/** The real app over HTTP on an ephemeral port, against the test database. */
export async function startTestApp(
  options: {
    clock?: Clock;
    rateLimitPerMinute?: number;
    /** Invalid credentials an address may send in a window (high unless a test is about it; window 300 s). */
    authFailureLimit?: number;
    env?: Record<string, string>;
    renderer?: boolean | RendererOptions;
    /** A packet-run queue worked in this process, as the embedded `serve` does (needs `renderer`). */
    packetQueue?: boolean;
    /** Where the app logs (silent by default). */
    logger?: Logger;
    /** Console sign-in limits (the app's in-memory defaults when absent). */
    signInLimiters?: SignInLimiters;
  } = {},
): Promise<TestApp> {
  const database = await openTestDatabase();
  const config = loadConfig({ DATA_DIR: '/tmp/vcio-test-data', LOG_LEVEL: 'silent', ...options.env });
  const clock = options.clock ?? fixedClock('2026-11-22');
  const logger = options.logger ?? pino({ level: 'silent' });
  const { authenticator, rateLimits } = testAccess(database, options);
  // PDF tests ask for a real renderer (system Chromium); the others run without one.
  const renderer = options.renderer
    ? createRenderer({ concurrency: 2, logger, ...(options.renderer === true ? {} : options.renderer) })
    : undefined;
  await renderer?.start();
  const packetQueue =
    options.packetQueue && renderer ? await openWorkedQueue(database, clock, renderer, logger) : undefined;
  const context: AppContext = {
    database,
    config,
    clock,
    logger,
    authenticator,
    rateLimits,
    ...(renderer ? { renderer } : {}),
    ...(packetQueue ? { packetQueue } : {}),
    // Sign-in counters of this app alone unless a test brings its own: on PostgreSQL the shared table would add up
    // every test file's sign-ins from 127.0.0.1 (50 per address in 15 minutes) and refuse the later files'.
    signInLimiters: options.signInLimiters ?? sharedSignInLimiters(processRateLimits()),
  };
  const app = createApp(context);
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  // fetch keeps connections alive and reuses them; with Node's 5 s default a test that pauses (a slow render on a
  // loaded machine) can send on a socket the server is closing at that moment, which reads as ECONNRESET.
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    database,
    context,
    async createTenant(name = unique('Test MSP')) {
      const created = await createMsp(database.db, { name });
      return { mspId: created.msp.id, key: created.apiKey, api: apiClient(url, created.apiKey) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await packetQueue?.stop();
      await renderer?.close();
      await database.close();
    },
  };
}

/**
 * The packet-run queue, worked here with quick retries: on PostgreSQL through pg-boss's own pool on this jest
 * worker's database, on PGlite through the app's connection.
 */
async function openWorkedQueue(
  database: Database,
  clock: Clock,
  renderer: ReturnType<typeof createRenderer>,
  logger: Logger,
): Promise<PacketQueue> {
  const base = testDatabaseUrl();
  const queue = await PacketQueue.open({
    database,
    databaseUrl:
      base && urlForDatabase(base, `${WORKER_DATABASE_PREFIX}${process.env.JEST_WORKER_ID ?? '1'}`),
    heartbeatSeconds: 10,
    retryDelaySeconds: 1,
    pollingIntervalSeconds: 0.5,
    logger,
  });
  await workPacketQueue({ db: database.db, clock, renderer, queue, concurrency: 2, logger });
  return queue;
}

/**
 * The authenticator and rate limits the app would build on `database`, with limits high enough for any test that
 * is not about them: every test calls from 127.0.0.1, and on PostgreSQL the counters outlive the test file.
 */
export function testAccess(
  database: Database,
  options: { rateLimitPerMinute?: number; authFailureLimit?: number } = {},
): { authenticator: Authenticator; rateLimits: RateLimits } {
  const rateLimits = createRateLimits(database);
  const authenticator = new Authenticator(database.db, {
    rateLimits,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000,
    failedAuth: { limit: options.authFailureLimit ?? 100_000, windowSeconds: 300 },
  });
  return { authenticator, rateLimits };
}

/** `fetch` for tests that need the raw Response (bytes, headers), with the same response check as `apiClient`. */
export async function checkedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, init);
  const parsed = new URL(response.url);
  assertResponseMatchesContract({
    method: init.method ?? 'GET',
    path: parsed.pathname + parsed.search,
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.clone().text(),
  });
  return response;
}

/** A client for the API that fails the test when a response is not what its route declares (see response-contract). */
export function apiClient(baseUrl: string, key: string | undefined): ApiClient {
  const send = async (
    method: string,
    path: string,
    init: { body?: string | Buffer; headers?: Record<string, string> } = {},
  ) => {
    // Paths are relative to /api/v1 unless they name a top-level page (/healthz, /docs, /api/...).
    const absolute = /^\/(api\/|healthz|readyz|docs)/.test(path);
    const response = await fetch(`${baseUrl}${absolute ? path : `/api/v1${path}`}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...init.headers },
      body: init.body,
    });
    const text = await response.text();
    assertResponseMatchesContract({
      method,
      path: new URL(response.url).pathname + new URL(response.url).search,
      status: response.status,
      contentType: response.headers.get('content-type'),
      text,
    });
    let body: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: body as any, text };
  };
  const json = (method: string) => (path: string, body?: unknown, headers?: Record<string, string>) =>
    send(
      method,
      path,
      body === undefined
        ? { headers }
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } },
    );
  return {
    get: (path, headers) => send('GET', path, { headers }),
    delete: (path, headers) => send('DELETE', path, { headers }),
    post: json('POST'),
    put: json('PUT'),
    patch: json('PATCH'),
    raw: send,
  };
}
