import express, { type Express, type IRoute } from 'express';
import type { AppContext } from './app-context.js';
import { consoleRouter } from './console/console.router.js';
import { databaseReadiness } from './db/readiness.js';
import { authenticateRequests } from './http/authenticate.js';
import { API_DOCS_STYLESHEET_PATH, apiDocsStylesheet, renderApiDocs } from './http/docs.js';
import { requestLogging } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { errorHandler, notFoundHandler, sendProblem } from './http/problem.js';
import { mountRoute } from './http/route.js';
import { apiRoutes } from './routes.js';
import type { ReadinessCheck } from './shared/readiness.js';
import { portalRouter } from './portal/portal.router.js';
import { packageVersion } from './shared/version.js';

/** Builds the HTTP app from its dependencies; no side effects, no listening. */
export function createApp(
  context: AppContext,
  options: { readinessChecks?: ReadinessCheck[] } = {},
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', context.config.trustProxy);
  app.set('query parser', 'simple');

  app.use(requestLogging(context.logger));
  // helmet's defaults (HSTS, nosniff, no referrer, same-origin resource and opener policies, …) with a CSP that lets
  // nothing load, run or frame: the API answers data, not pages. The few HTML answers (/docs, the packet preview,
  // the logo) set their own, equally closed, policy.
  app.use(
    securityHeaders({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
      xFrameOptions: { action: 'deny' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready when the database answers (and whatever `readinessChecks` adds). The renderer and the packet workers are
  // reported, not checked: an API without Chromium still serves everything but PDFs, and must stay in its pool.
  const readinessChecks = [databaseReadiness(context.database.db), ...(options.readinessChecks ?? [])];
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    for (const readiness of readinessChecks) {
      checks[readiness.name] = await readiness.check().catch(() => false);
    }
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      checks,
      ...(await rendererReport(context)),
      ...(checks.database ? await packetWorkersReport(context) : {}),
    });
  });

  let openApi: unknown;
  const openApiDocument = () =>
    (openApi ??= buildOpenApiDocument(apiRoutes, {
      serverUrl: `${context.config.publicUrl ?? ''}/api/v1`,
      version: packageVersion,
    }));
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  let stylesheet: string | undefined;
  app.get(API_DOCS_STYLESHEET_PATH, (_req, res) => {
    res
      .type('css')
      .setHeader('Cache-Control', 'public, max-age=3600')
      .send((stylesheet ??= apiDocsStylesheet()));
  });
  app.get('/docs', (_req, res) => {
    res
      .type('html')
      // The reference is a page without scripts whose only need is its style sheet, served from here (offline).
      .setHeader(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      )
      .send(renderApiDocs(openApiDocument() as Parameters<typeof renderApiDocs>[0]));
  });

  const authenticate = authenticateRequests(context.authenticator);
  // The API's routes are the app's own, under their full paths, rather than a router mounted at /api/v1: a request
  // then goes through one router, not two. Routes of one path declared one after another share an entry, so that a
  // request is matched against each path once rather than once per method; the order stays that of the routes.
  let entry: { path: string; methods: IRoute } | undefined;
  for (const route of apiRoutes) {
    const path = `/api/v1${route.path}`;
    if (entry?.path !== path) entry = { path, methods: app.route(path) };
    mountRoute(entry.methods, route, authenticate, context);
  }
  app.use('/api/v1', (req, res, next) => {
    const allowed = apiRoutes
      .filter((route) => matches(route.path, req.path))
      .map((route) => route.method.toUpperCase());
    if (allowed.length === 0) {
      next();
      return;
    }
    res.setHeader('Allow', allowed.join(', '));
    sendProblem(
      res,
      405,
      'method_not_allowed',
      `${req.method} is not allowed here; use ${allowed.join(', ')}`,
    );
  });
  // The client portal answers /p/* whatever the Accept header, before the console's catch-all could.
  app.use('/p', portalRouter(context));
  app.use(consoleRouter(context));

  app.use(notFoundHandler);
  app.use(errorHandler(context.logger));
  return app;
}

async function rendererReport(
  context: AppContext,
): Promise<{ renderer?: { available: boolean; reason?: string } }> {
  const renderer = context.renderer;
  if (!renderer) return {};
  // The probe also relaunches a browser that failed, once its back-off has passed.
  await renderer
    .readinessCheck()
    .check()
    .catch(() => false);
  const { available, reason } = renderer.status();
  return { renderer: { available, ...(reason ? { reason } : {}) } };
}

async function packetWorkersReport(
  context: AppContext,
): Promise<{ packetWorkers?: { live: number; notice?: string } }> {
  if (!context.packetQueue) return {};
  const workers = await context.packetQueue.workers().catch(() => undefined);
  if (!workers) return {};
  return {
    packetWorkers: {
      live: workers.live,
      ...(workers.live === 0
        ? { notice: 'No packet worker is running: packet runs wait until one starts (`vcio-planner worker`)' }
        : {}),
    },
  };
}

function matches(pattern: string, path: string): boolean {
  const expression = new RegExp(`^${pattern.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`);
  return expression.test(path);
}
