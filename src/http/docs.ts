import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { templatesDir } from '../shared/paths.js';

interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  'x-required-scope': string;
  parameters: { name: string; in: string; required: boolean; description?: string; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

interface OpenApiDocument {
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
}

let template: Handlebars.TemplateDelegate | undefined;

/** The human reference at /docs: the OpenAPI document laid out by tag, rendered on the server. */
export function renderApiDocs(document: OpenApiDocument): string {
  template ??= Handlebars.compile(fs.readFileSync(path.join(templatesDir, 'docs', 'api-docs.hbs'), 'utf8'), {
    strict: true,
  });
  const tags = new Map<string, unknown[]>();
  for (const [routePath, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
      const list = tags.get(operation.tags[0] ?? 'Other') ?? [];
      list.push({
        operationId: operation.operationId,
        method,
        upper: method.toUpperCase(),
        path: routePath,
        summary: operation.summary,
        description: operation.description ?? '',
        scope: operation['x-required-scope'],
        parameters: operation.parameters.map((parameter) => ({
          ...parameter,
          description: parameter.description ?? '',
          schemaText: JSON.stringify(parameter.schema),
        })),
        requestBody: operation.requestBody
          ? pretty(Object.values(operation.requestBody.content)[0]?.schema)
          : '',
        responses: Object.entries(operation.responses).map(([status, response]) => ({
          status,
          description: response.description,
        })),
        successSchema: success?.[1].content?.['application/json']
          ? pretty(success[1].content['application/json'].schema)
          : '',
      });
      tags.set(operation.tags[0] ?? 'Other', list);
    }
  }
  return template({
    title: document.info.title,
    version: document.info.version,
    description: document.info.description,
    serverUrl: document.servers[0]?.url ?? '/api/v1',
    tags: [...tags].map(([name, operations]) => ({ name, operations })),
  });
}

function pretty(schema: unknown): string {
  return JSON.stringify(schema, null, 2);
}
