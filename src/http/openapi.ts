import { z } from 'zod';
import type { RouteDefinition } from './route.js';
import { declaredResponses } from './responses.js';
import { exampleOf } from './openapi-examples.js';

type JsonSchema = Record<string, unknown>;

/**
 * What every JSON Schema here leaves out: zod's regular expressions for formats the schema already names (a UUID,
 * a date), and the ±(2^53 − 1) bounds it gives every integer, which say nothing a reader needs.
 */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [key, item] of Object.entries(value as JsonSchema)) {
    if (key === 'pattern' && typeof (value as JsonSchema).format === 'string') continue;
    if ((key === 'minimum' || key === 'maximum') && Math.abs(item as number) === Number.MAX_SAFE_INTEGER)
      continue;
    out[key] = key === 'examples' || key === 'default' || key === 'const' ? item : tidy(item);
  }
  return out;
}

/**
 * Turns zod schemas into JSON Schemas for one document. A schema named with `.meta({ id })` becomes a component,
 * `#/components/schemas/<id>`, referenced wherever it is used; when a request (input) and a response (output)
 * differ under one id, the request's is `<id>Input`.
 */
class SchemaWriter {
  readonly components: Record<string, JsonSchema> = {};
  private readonly serialized = new Map<string, string>();

  write(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const {
      $schema: _ignored,
      $defs,
      ...rest
    } = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    const names = new Map<string, string>();
    for (const [id, definition] of Object.entries($defs ?? {})) {
      const text = JSON.stringify(definition);
      const seen = this.serialized.get(id);
      const name = seen === undefined || seen === text ? id : `${id}Input`;
      names.set(id, name);
      this.serialized.set(name, text);
    }
    const rewrite = (value: unknown): unknown =>
      JSON.parse(
        JSON.stringify(value).replace(
          /"#\/\$defs\/([^"]+)"/g,
          (_match, id: string) => `"#/components/schemas/${names.get(id) ?? id}"`,
        ),
      );
    for (const [id, definition] of Object.entries($defs ?? {})) {
      this.components[names.get(id)!] = tidy(rewrite(definition)) as JsonSchema;
    }
    return tidy(rewrite(rest)) as JsonSchema;
  }
}

/** `/clients/:clientId/assets` → `/clients/{clientId}/assets` */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(
  writer: SchemaWriter,
  schema: z.ZodType | undefined,
  location: 'path' | 'query',
): JsonSchema[] {
  if (!schema) return [];
  const json = writer.write(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/** The OpenAPI 3.1 document, built from the same zod schemas that validate the requests. */
export function buildOpenApiDocument(
  routes: readonly RouteDefinition[],
  options: { serverUrl: string; version: string },
) {
  const writer = new SchemaWriter();
  const paths: Record<string, Record<string, unknown>> = {};
  const pending: (() => void)[] = [];
  for (const route of routes) {
    const path = openApiPath(route.path);
    const responses: Record<string, unknown> = {};
    for (const [status, declared] of Object.entries(declaredResponses(route))) {
      const content: Record<string, { schema: JsonSchema; example?: unknown }> = {};
      if (declared.schema) content[declared.jsonType] = { schema: writer.write(declared.schema, 'output') };
      for (const type of declared.contentTypes) content[type] = { schema: { type: 'string' } };
      responses[status] = {
        description: declared.description,
        ...(Object.keys(content).length ? { content } : {}),
      };
      // Examples need every component, so they are written once all schemas are.
      const json = content[declared.jsonType];
      if (json && status.startsWith('2'))
        pending.push(() => (json.example = exampleOf(json.schema, writer.components, 'response')));
    }

    const body = route.body
      ? {
          required: true,
          content: Object.fromEntries(
            (route.bodyContentTypes ?? ['application/json']).map((type) => [
              type,
              {
                schema: route.bodyContentSchemas?.[type]
                  ? writer.write(route.bodyContentSchemas[type], 'input')
                  : type === 'application/json' && !route.rawBody
                    ? writer.write(route.body!, 'input')
                    : { type: 'string' },
              },
            ]),
          ) as Record<string, { schema: JsonSchema; example?: unknown }>,
        }
      : undefined;
    const jsonBody = body?.content['application/json'];
    if (jsonBody)
      pending.push(() => (jsonBody.example = exampleOf(jsonBody.schema, writer.components, 'request')));

    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      'x-required-scope': route.scope,
      parameters: [...parameters(writer, route.params, 'path'), ...parameters(writer, route.query, 'query')],
      ...(body ? { requestBody: body } : {}),
      responses,
    };
  }
  for (const write of pending) write();
  return {
    openapi: '3.1.0',
    info: {
      title: 'vCIO Planner API',
      version: options.version,
      description:
        'Inventory with refresh clocks, capex/opex forecasts and roadmap packets for MSP vCIOs. ' +
        'Amounts are integers in minor units (cents); dates are YYYY-MM-DD. ' +
        'Authenticate with an API key: Authorization: Bearer <key>.',
    },
    servers: [{ url: options.serverUrl }],
    security: [{ bearer: [] }],
    components: {
      schemas: writer.components,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from vcio-planner msp create, vcio-planner demo or POST /api-keys',
        },
      },
    },
    paths,
  };
}
