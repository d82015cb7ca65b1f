import { Validator } from '@seriousme/openapi-schema-validator';
import type { Express } from 'express';
import { z } from 'zod';
import { declaredResponses } from '../../src/http/responses.js';
import { problemSchema } from '../../src/http/schemas.js';
import { buildOpenApiDocument } from '../../src/http/openapi.js';
import type { RouteDefinition } from '../../src/http/route.js';
import { createApp } from '../../src/app.js';
import { openApiPath } from '../../src/http/openapi.js';
import { apiRoutes } from '../../src/routes.js';
import { apiClient, startTestApp, type TestApp } from '../support/test-app.js';

interface Operation {
  operationId: string;
  parameters: { name: string; in: string; required: boolean; schema: { examples?: unknown[] } }[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, { content?: Record<string, { example?: unknown }> }>;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

const API_PREFIX = '/api/v1';

/**
 * The method and path of every route the Express app really serves below /api/v1, read from its router (the API's
 * routes are the app's own, under their full paths), leaving out the OpenAPI document itself.
 */
function servedApiRoutes(app: Express): string[] {
  const stack = (app as unknown as { router: { stack: RouterLayer[] } }).router.stack;
  return stack.flatMap(({ route }) =>
    route && route.path.startsWith(`${API_PREFIX}/`) && route.path !== `${API_PREFIX}/openapi.json`
      ? Object.keys(route.methods)
          .filter((method) => method !== '_all')
          .map((method) => `${method.toUpperCase()} ${openApiPath(route.path.slice(API_PREFIX.length))}`)
      : [],
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

  it('when /docs is read, then it shows readable types, real limits and no internal references, raw regexes or stray backticks', async () => {
    const docs = (await apiClient(app.url, undefined).get('/docs')).text;
    const text = docs.replace(/<[^>]+>/g, '');
    expect(text).not.toContain('9007199254740991');
    expect(text).not.toMatch(/SPEC §/);
    expect(text).not.toContain('`');
    expect(text).not.toContain('&#x60;');
    expect(text).not.toContain('[0-9a-fA-F]{8}');
    const forecast = docs.slice(
      docs.indexOf('id="getClientForecast"'),
      docs.indexOf('</article>', docs.indexOf('id="getClientForecast"')),
    );
    expect(forecast).toMatch(/<code>periods<\/code><\/td><td>query<\/td><td>integer<\/td><td>[^<]*1 to 40/);
    expect(forecast).toContain('date (YYYY-MM-DD)');
    expect(forecast).toContain('<a href="#schema-ClientForecast">ClientForecast</a>');
    expect(forecast).toContain('<a href="#schema-Problem">Problem</a>');
    expect(forecast).toContain('Example request');
    expect(forecast).toContain('Example response');
    expect(docs).toContain('id="schema-Problem"');
    expect(docs).toContain('money (minor units)');
  });

  it('when the document is read, then named schemas are components referenced by name and errors are Problems', () => {
    const components = (document as unknown as { components: { schemas: Record<string, unknown> } })
      .components.schemas;
    expect(Object.keys(components)).toEqual(
      expect.arrayContaining(['Problem', 'Client', 'Asset', 'ClientForecast']),
    );
    const getClient = document.paths['/clients/{clientId}']!.get!.responses as Record<
      string,
      { content: Record<string, { schema: unknown }> }
    >;
    expect(getClient['200']!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/Client',
    });
    expect(getClient['404']!.content['application/problem+json']!.schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
  });

  it('when every example in the document is parsed with the zod schema it documents, then each is valid', () => {
    expect(invalidExamples(apiRoutes, document)).toEqual([]);
    const problem = (document as unknown as { components: { schemas: { Problem: { examples: unknown[] } } } })
      .components.schemas.Problem;
    expect(problemSchema.safeParse(problem.examples[0]).success).toBe(true);
  });

  it('when a schema carries an example that does not validate, then the check reports it', () => {
    const wrong = defineTestRoute(
      z.object({
        periods: z
          .int()
          .max(40)
          .meta({ examples: [41] }),
      }),
    );
    const built = buildOpenApiDocument([wrong], {
      serverUrl: '/api/v1',
      version: '0',
    }) as unknown as Document;
    expect(invalidExamples([wrong], built)).toEqual(['POST /wrong request body: periods']);
  });
});

function defineTestRoute(body: z.ZodType): RouteDefinition {
  return {
    method: 'post',
    path: '/wrong',
    operationId: 'wrong',
    summary: 'A route whose example is wrong',
    tag: 'Test',
    scope: 'read',
    body,
    responses: { 200: { description: 'Nothing', schema: z.object({ ok: z.boolean() }) } },
    handler: () => Promise.resolve(undefined),
  };
}

/**
 * Every example the document gives that its own zod schema refuses: the request body, the path and query
 * parameters (as the strings a URL carries) and the JSON of each successful response.
 */
function invalidExamples(routes: readonly RouteDefinition[], document: Document): string[] {
  const problems: string[] = [];
  const check = (label: string, schema: z.ZodType | undefined, value: unknown) => {
    if (!schema || value === undefined) return;
    const result = schema.safeParse(value);
    if (!result.success)
      problems.push(`${label}: ${result.error.issues.map((issue) => issue.path.join('.')).join(', ')}`);
  };
  for (const route of routes) {
    const operation = document.paths[openApiPath(route.path)]![route.method]!;
    const name = `${route.method.toUpperCase()} ${route.path}`;
    check(
      `${name} request body`,
      route.bodyContentSchemas?.['application/json'] ?? route.body,
      operation.requestBody?.content['application/json']?.example,
    );
    for (const location of ['path', 'query'] as const) {
      const values: Record<string, string> = {};
      for (const parameter of operation.parameters.filter((one) => one.in === location)) {
        const example = parameter.schema.examples?.[0];
        if (example !== undefined) values[parameter.name] = String(example);
      }
      if (Object.keys(values).length > 0)
        check(`${name} ${location}`, location === 'path' ? undefined : route.query, values);
    }
    for (const [status, declared] of Object.entries(declaredResponses(route))) {
      const example = operation.responses[status]?.content?.[declared.jsonType]?.example;
      check(`${name} ${status}`, declared.schema, example);
    }
  }
  return problems;
}
