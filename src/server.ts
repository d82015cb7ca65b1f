import fs from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import type { AppContext } from './app-context.js';
import { Authenticator } from './auth/authenticator.js';
import { createRateLimits } from './auth/rate-limits.js';
import type { Config } from './config/config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrator.js';
import { isEmptyBook, loadDemo } from './demo/demo.service.js';
import { startPacketQueue } from './packet-runs/packet-run.worker.js';
import { createRenderer } from './render/renderer.js';
import type { Clock } from './shared/clock.js';
import { embeddedSealingKey } from './webhooks/webhook-secret.js';
import { startWebhookQueue } from './webhooks/webhook.worker.js';

export interface RunningServer {
  url: string;
  context: AppContext;
  /** Printed once at start-up for a newcomer: the demo key, when demo data was loaded. */
  demoApiKey: string | undefined;
  /** The demo user's email and password for the web console, printed beside the key. */
  demoUser: { email: string; password: string } | undefined;
  close(): Promise<void>;
}

/** Where the embedded deployment keeps the demo key so that later starts can show it again. */
export const demoKeyFile = (dataDir: string) => path.join(dataDir, 'demo-api-key.txt');
/** …and the demo user's email and password (one per line), likewise. */
export const demoUserFile = (dataDir: string) => path.join(dataDir, 'demo-user.txt');

/** Opens and migrates the database; the caller closes it. */
export async function openMigratedDatabase(config: Config, logger: Logger): Promise<Database> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const { applied } = await migrate(database.db);
    logger.info({ database: database.kind, location: database.location, applied }, 'database ready');
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * Starts the service: database, migrations, the demo book on a fresh embedded database, the browser, the packet
 * queue, then HTTP. Shutdown runs in the opposite order: HTTP, the queue (running renders finish), the browser,
 * then the database.
 */
export async function startServer(options: {
  config: Config;
  logger: Logger;
  clock: Clock;
  demo: boolean;
}): Promise<RunningServer> {
  const { logger, clock } = options;
  const database = await openMigratedDatabase(options.config, logger);
  const closers: (() => Promise<void>)[] = [() => database.close()];
  try {
    const config = await withWebhookSealingKey(options.config, database, logger);
    const demo =
      options.demo && database.kind === 'embedded'
        ? await ensureDemo(database, config, clock, logger)
        : undefined;
    // On PostgreSQL the limits are counted in the database, so every API process on it shares them.
    const rateLimits = createRateLimits(database);
    const authenticator = new Authenticator(database.db, {
      rateLimits,
      rateLimitPerMinute: config.rateLimitPerMinute,
      failedAuth: { limit: config.authFailureLimit, windowSeconds: config.authFailureWindowSeconds },
    });
    // A missing or broken Chromium is logged and reported by /readyz and the PDF routes; the rest still runs.
    const renderer = createRenderer({
      executablePath: config.puppeteerExecutablePath,
      concurrency: config.renderConcurrency,
      logger,
    });
    closers.unshift(() => renderer.close());
    const rendering = await renderer.start();
    const packetQueue = await startPacketQueue({
      database,
      config,
      clock,
      logger,
      renderer,
      canRender: rendering.available,
    });
    if (packetQueue) closers.unshift(() => packetQueue.stop());
    // The embedded process delivers its own webhooks; an API process on PostgreSQL only queues them for workers.
    const webhookQueue = await startWebhookQueue({
      database,
      databaseUrl: config.databaseUrl,
      settings: config.webhooks,
      role: database.kind === 'embedded' ? 'worker' : 'api',
      logger,
    });
    closers.unshift(() => webhookQueue.stop());
    const context: AppContext = {
      database,
      config,
      clock,
      logger,
      authenticator,
      rateLimits,
      renderer,
      ...(packetQueue ? { packetQueue } : {}),
    };
    // The renderer is reported by /readyz, not checked: this process serves the API whether or not it can render.
    const app = createApp(context);
    const server = await listen(app, config.port);
    closers.unshift(() => closeServer(server));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.publicUrl ?? `http://localhost:${port}`;
    await database.announce?.({ port, url });
    logger.info({ url }, 'listening');
    let closing: Promise<void> | undefined;
    return {
      url,
      context,
      demoApiKey: demo?.apiKey,
      demoUser: demo?.user,
      close: () =>
        (closing ??= (async () => {
          for (const close of closers) {
            await close().catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'));
          }
        })()),
    };
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }
}

/**
 * The configuration with the key that seals webhook secrets: WEBHOOK_SECRET_KEY, or on the embedded database a key
 * of its own kept beside it. On PostgreSQL without the key, webhooks cannot be created (503) until it is set.
 */
export async function withWebhookSealingKey(
  config: Config,
  database: Database,
  logger: Logger,
): Promise<Config> {
  if (config.webhooks.secretKey) return config;
  if (database.kind === 'embedded') {
    const secretKey = await embeddedSealingKey(config.dataDir);
    return Object.freeze({ ...config, webhooks: Object.freeze({ ...config.webhooks, secretKey }) });
  }
  logger.warn('WEBHOOK_SECRET_KEY is not set: webhooks cannot be created or delivered until it is');
  return config;
}

/** Loads the demo the first time an embedded database starts empty; later starts show the saved key. */
async function ensureDemo(
  database: Database,
  config: Config,
  clock: Clock,
  logger: Logger,
): Promise<{ apiKey: string | undefined; user: { email: string; password: string } | undefined }> {
  if (!(await isEmptyBook(database.db))) {
    const read = (file: string) =>
      fs.readFile(file, 'utf8').then(
        (text) => text.trim(),
        () => undefined,
      );
    const [email, password] = (await read(demoUserFile(config.dataDir)))?.split('\n') ?? [];
    return {
      apiKey: await read(demoKeyFile(config.dataDir)),
      user: email && password ? { email, password } : undefined,
    };
  }
  const demo = await loadDemo(database.db, clock);
  await fs.mkdir(config.dataDir, { recursive: true });
  await fs.writeFile(demoKeyFile(config.dataDir), `${demo.apiKey}\n`, { mode: 0o600 });
  await fs.writeFile(demoUserFile(config.dataDir), `${demo.user.email}\n${demo.user.password}\n`, {
    mode: 0o600,
  });
  logger.info({ msp: demo.msp.name, clients: demo.clients }, 'demo data loaded');
  return { apiKey: demo.apiKey, user: demo.user };
}

function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive connections would hold close() open; active requests are allowed to finish.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 10_000).unref();
  });
}
