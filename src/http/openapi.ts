import { z } from 'zod';
import type { RouteDefinition } from './route.js';
import { declaredResponses } from './responses.js';

type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

/** `/clients/:clientId/assets` → `/clients/{clientId}/assets` */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toJsonSchema(schema, 'input');
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
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const responses: Record<string, unknown> = {};
    for (const [status, declared] of Object.entries(declaredResponses(route))) {
      const content: Record<string, unknown> = {};
      if (declared.schema) content[declared.jsonType] = { schema: toJsonSchema(declared.schema, 'output') };
      for (const type of declared.contentTypes) content[type] = { schema: { type: 'string' } };
      responses[status] = {
        description: declared.description,
        ...(Object.keys(content).length ? { content } : {}),
      };
    }

    const body = route.body
      ? {
          required: true,
          content: Object.fromEntries(
            (route.bodyContentTypes ?? ['application/json']).map((type) => [
              type,
              {
                schema: route.bodyContentSchemas?.[type]
                  ? toJsonSchema(route.bodyContentSchemas[type], 'input')
                  : type === 'application/json' && !route.rawBody
                    ? toJsonSchema(route.body!, 'input')
                    : { type: 'string' },
              },
            ]),
          ),
        }
      : undefined;

    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      'x-required-scope': route.scope,
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(body ? { requestBody: body } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'vCIO Planner API',
      version: options.version,
      description:
        'Inventory with refresh clocks, capex/opex forecasts and roadmap packets for MSP vCIOs. ' +
        'Amounts are integers in minor units (cents); dates are YYYY-MM-DD. ' +
        'Authenticate with `Authorization: Bearer <key>`.',
    },
    servers: [{ url: options.serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from `vcio-planner msp create` or POST /api-keys',
        },
      },
    },
    paths,
  };
}
