import { Validator } from '@seriousme/openapi-schema-validator';
import type { Express } from 'express';
import { createApp } from '../../src/app.js';
import { openApiPath } from '../../src/http/openapi.js';
import { apiRoutes } from '../../src/routes.js';
import { apiClient, startTestApp, type TestApp } from '../support/test-app.js';

interface Operation {
  operationId: string;
  parameters: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
  match(path: string): boolean;
}

/** The method and path of every route the Express app really serves below /api/v1, read from its router. */
function servedApiRoutes(app: Express): string[] {
  const stack = (app as unknown as { router: { stack: RouterLayer[] } }).router.stack;
  const mounted = stack.filter((layer) => layer.handle.stack && layer.match('/api/v1'));
  return mounted.flatMap((layer) =>
    layer.handle.stack!.flatMap((inner) =>
      inner.route
        ? Object.keys(inner.route.methods)
            .filter((method) => method !== '_all')
            .map((method) => `${method.toUpperCase()} ${openApiPath(inner.route!.path)}`)
        : [],
    ),
  );
}

const documentedOperations = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('the OpenAPI document', () => {
  let app: TestApp;
  let document: Document;
  beforeAll(async () => {
    app = await startTestApp();
    document = (await apiClient(app.url, undefined).get('/api/v1/openapi.json')).body;
  });
  afterAll(() => app.close());

  it('when /api/v1/openapi.json is fetched, then it is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('when the Express app is built, then every route it serves below /api/v1 is documented, and nothing else is', () => {
    const served = servedApiRoutes(createApp(app.context));
    expect(served.length).toBe(apiRoutes.length);
    expect([...served].sort()).toEqual(documentedOperations(document).sort());
  });

  it('when the registry is walked, then each route is documented under its own unique operationId with its path parameters', () => {
    const operationIds = apiRoutes.map((route) => route.operationId);
    expect(new Set(operationIds).size).toBe(operationIds.length);
    for (const route of apiRoutes) {
      const operation = document.paths[openApiPath(route.path)]?.[route.method];
      expect({ route: route.path, operationId: operation?.operationId }).toEqual({
        route: route.path,
        operationId: route.operationId,
      });
      const pathParameters = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]).sort();
      const declared = operation!.parameters
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => parameter.name)
        .sort();
      expect({ route: route.path, declared }).toEqual({ route: route.path, declared: pathParameters });
      expect(Object.keys(operation!.responses).some((status) => status.startsWith('2'))).toBe(true);
      expect(Boolean(operation!.requestBody)).toBe(Boolean(route.body));
    }
  });

  it('when /docs is rendered, then it lists every operation by its operationId', async () => {
    const docs = await apiClient(app.url, undefined).get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    const missing = apiRoutes
      .filter((route) => !docs.text.includes(`id="${route.operationId}"`))
      .map((route) => route.operationId);
    expect(missing).toEqual([]);
  });

  it('when an integrator reads the asset and sync schemas, then the fields carry their descriptions', () => {
    const sync = document.paths['/clients/{clientId}/assets/sync']!.post!.requestBody as {
      content: { 'application/json': { schema: { properties: Record<string, { description?: string }> } } };
    };
    const properties = sync.content['application/json'].schema.properties;
    expect(properties.retireMissing?.description).toMatch(/retired/);
    expect(properties.assets?.description).toMatch(/externalId/);
    const list = document.paths['/clients/{clientId}/assets']!.get!.parameters as {
      name: string;
      description?: string;
    }[];
    expect(list.find((parameter) => parameter.name === 'q')?.description).toMatch(/serial number/);
  });
});
