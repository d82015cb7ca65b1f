import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { templatesDir } from '../shared/paths.js';

type JsonSchema = Record<string, unknown>;

interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  'x-required-scope': string;
  parameters: { name: string; in: string; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema; example?: unknown }> };
  responses: Record<
    string,
    { description: string; content?: Record<string, { schema: JsonSchema; example?: unknown }> }
  >;
}

interface OpenApiDocument {
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  components: { schemas: Record<string, JsonSchema> };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/** The reference's style sheet, served from the app at this path (the page's CSP allows 'self' styles only). */
export const API_DOCS_STYLESHEET_PATH = '/docs/api-docs.css';
export const apiDocsStylesheet = () =>
  fs.readFileSync(path.join(templatesDir, 'docs', 'api-docs.css'), 'utf8');

const escape = (text: string) => Handlebars.escapeExpression(text);

/** Plain prose with `code` spans: escaped, and backticked words set as code rather than shown with backticks. */
export function prose(text: string | undefined): Handlebars.SafeString {
  // Handlebars escapes backticks too, so the code spans are found in the raw text and each piece escaped.
  const html = (text ?? '')
    .split(/`([^`]+)`/)
    .map((piece, index) => (index % 2 === 1 ? `<code>${escape(piece)}</code>` : escape(piece)))
    .join('');
  return new Handlebars.SafeString(html);
}

const refName = (ref: string) => ref.replace('#/components/schemas/', '');
const link = (name: string) => `<a href="#schema-${escape(name)}">${escape(name)}</a>`;

/** A type as a reader says it: `date`, `uuid`, `money (minor units)`, `array of Asset`, `"quarter" | "year"`. */
export function readableType(schema: JsonSchema | undefined): string {
  if (!schema) return 'any';
  if (typeof schema.$ref === 'string') return link(refName(schema.$ref));
  if (Array.isArray(schema.enum))
    return schema.enum.map((value) => `<code>${escape(JSON.stringify(value))}</code>`).join(' | ');
  if (schema.const !== undefined) return `<code>${escape(JSON.stringify(schema.const))}</code>`;
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options) {
    const types = options.map(readableType);
    return [...new Set(types)].join(' or ');
  }
  const type = Array.isArray(schema.type)
    ? schema.type.map((one) => readableType({ ...schema, type: one })).join(' or ')
    : schema.type;
  switch (schema.format) {
    case 'date':
      return 'date (YYYY-MM-DD)';
    case 'date-time':
      return 'timestamp';
    case 'uuid':
      return 'uuid';
    case 'email':
      return 'email';
    case 'money':
      return 'money (minor units)';
  }
  switch (type) {
    case 'array':
      return `array of ${readableType(schema.items as JsonSchema | undefined)}`;
    case 'object':
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        const keys = schema.propertyNames as JsonSchema | undefined;
        return `map of ${keys ? readableType(keys) : 'string'} to ${readableType(schema.additionalProperties as JsonSchema)}`;
      }
      return 'object';
    case undefined:
      return 'any';
    default:
      return escape(String(type));
  }
}

/** The limits and default of a value, in words: "1 to 40", "at most 200 characters", "default: 12". */
export function constraints(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  const out: string[] = [];
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options) out.push(...options.flatMap(constraints));
  const range = (min: unknown, max: unknown, unit: string) => {
    const low = typeof min === 'number' ? min : undefined;
    const high = typeof max === 'number' ? max : undefined;
    const suffix = unit ? ` ${unit}` : '';
    if (low !== undefined && high !== undefined)
      out.push(low === high ? `exactly ${low}${suffix}` : `${low} to ${high}${suffix}`);
    else if (low !== undefined && low > 0) out.push(`at least ${low}${suffix}`);
    else if (high !== undefined) out.push(`at most ${high}${suffix}`);
  };
  range(schema.minimum, schema.maximum, '');
  range(schema.minLength, schema.maxLength, 'characters');
  range(schema.minItems, schema.maxItems, 'items');
  if (typeof schema.pattern === 'string') out.push(`matches <code>${escape(schema.pattern)}</code>`);
  if (schema.default !== undefined)
    out.push(`default: <code>${escape(JSON.stringify(schema.default))}</code>`);
  return out;
}

interface FieldRow {
  name: string;
  type: Handlebars.SafeString;
  required: boolean;
  details: Handlebars.SafeString;
  depth: number;
}

const MAX_FIELD_DEPTH = 3;

/** The fields of an object schema as rows, nested objects and arrays of objects flattened (`periods[].capex`). */
export function fieldRows(schema: JsonSchema | undefined, prefix = '', depth = 0): FieldRow[] {
  if (!schema || depth > MAX_FIELD_DEPTH) return [];
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options) {
    const rows = new Map<string, FieldRow>();
    for (const option of options)
      for (const row of fieldRows(option, prefix, depth)) if (!rows.has(row.name)) rows.set(row.name, row);
    return [...rows.values()];
  }
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties).flatMap(([key, property]) => {
    const name = `${prefix}${key}`;
    const details = [prose(property.description as string | undefined).toString(), ...constraints(property)]
      .filter(Boolean)
      .join('; ');
    const row: FieldRow = {
      name,
      type: new Handlebars.SafeString(readableType(property)),
      required: required.has(key),
      details: new Handlebars.SafeString(details),
      depth,
    };
    const items = property.items as JsonSchema | undefined;
    const nested =
      property.type === 'object' || property.anyOf
        ? fieldRows(property, `${name}.`, depth + 1)
        : property.type === 'array' && items && !items.$ref
          ? fieldRows(items, `${name}[].`, depth + 1)
          : [];
    return [row, ...nested];
  });
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** A request as curl would send it: the method, the URL with its path and example query, the key and the body. */
function curlExample(
  serverUrl: string,
  method: string,
  routePath: string,
  operation: OpenApiOperation,
): string {
  let url = routePath.replace(/\{([^}]+)\}/g, (_match, name: string) => `{${name}}`);
  const query = operation.parameters
    .filter((parameter) => parameter.in === 'query' && parameter.required)
    .map((parameter) => `${parameter.name}=${encodeURIComponent(String(parameter.schema.default ?? '…'))}`);
  if (query.length > 0) url += `?${query.join('&')}`;
  const lines = [
    `curl${method === 'get' ? '' : ` -X ${method.toUpperCase()}`} '${serverUrl}${url}' \\`,
    `  -H "Authorization: Bearer $VCIO_API_KEY"`,
  ];
  const body = operation.requestBody?.content;
  if (body?.['application/json']) {
    lines[lines.length - 1] += ' \\';
    lines.push(
      `  -H 'Content-Type: application/json' \\`,
      `  -d '${JSON.stringify(body['application/json'].example ?? {})}'`,
    );
  } else if (body) {
    const type = Object.keys(body)[0]!;
    lines[lines.length - 1] += ' \\';
    lines.push(
      type === 'multipart/form-data'
        ? `  -F 'file=@assets.csv'`
        : `  -H 'Content-Type: ${type}' --data-binary @file`,
    );
  }
  return lines.join('\n');
}

let template: Handlebars.TemplateDelegate | undefined;

/**
 * The human reference at /docs: the OpenAPI document laid out by tag and rendered on the server, with readable
 * types and limits, an example request and response per operation, the error shape and the named components. It
 * is written from the document alone, so every route there appears here with no work of its own.
 */
export function renderApiDocs(document: OpenApiDocument): string {
  template ??= Handlebars.compile(fs.readFileSync(path.join(templatesDir, 'docs', 'api-docs.hbs'), 'utf8'), {
    strict: true,
  });
  const serverUrl = document.servers[0]?.url || '/api/v1';
  const tags = new Map<string, unknown[]>();
  for (const [routePath, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const responses = Object.entries(operation.responses);
      const success = responses.find(([status]) => status.startsWith('2'));
      const successJson = success?.[1].content?.['application/json'];
      const jsonBody = operation.requestBody?.content['application/json'];
      const list = tags.get(operation.tags[0] ?? 'Other') ?? [];
      list.push({
        operationId: operation.operationId,
        method,
        upper: method.toUpperCase(),
        path: routePath,
        summary: prose(operation.summary),
        description: operation.description ? prose(operation.description) : '',
        scope: operation['x-required-scope'],
        parameters: operation.parameters.map((parameter) => ({
          name: parameter.name,
          in: parameter.in,
          required: parameter.required,
          type: new Handlebars.SafeString(readableType(parameter.schema)),
          details: new Handlebars.SafeString(
            [prose(parameter.description).toString(), ...constraints(parameter.schema)]
              .filter(Boolean)
              .join('; '),
          ),
        })),
        requestTypes: operation.requestBody ? Object.keys(operation.requestBody.content).join(', ') : '',
        requestFields: jsonBody ? fieldRows(jsonBody.schema) : [],
        requestSchema: jsonBody?.schema.$ref ? new Handlebars.SafeString(readableType(jsonBody.schema)) : '',
        curl: curlExample(serverUrl, method, routePath, operation),
        responses: responses.map(([status, response]) => ({
          status,
          error: Number(status) >= 400,
          description: prose(response.description),
          types: Object.entries(response.content ?? {}).map(([type, content]) => ({
            type,
            schema: type.endsWith('json') ? new Handlebars.SafeString(readableType(content.schema)) : '',
          })),
        })),
        successStatus: success?.[0] ?? '',
        successFields: successJson && !successJson.schema.$ref ? fieldRows(successJson.schema) : [],
        successExample: successJson?.example !== undefined ? json(successJson.example) : '',
      });
      tags.set(operation.tags[0] ?? 'Other', list);
    }
  }
  const components = Object.entries(document.components.schemas)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, schema]) => ({
      name,
      description: prose(schema.description as string | undefined),
      fields: fieldRows(schema),
      example: Array.isArray(schema.examples) ? json(schema.examples[0]) : '',
    }));
  return template({
    title: document.info.title,
    version: document.info.version,
    description: prose(document.info.description),
    serverUrl,
    stylesheet: API_DOCS_STYLESHEET_PATH,
    tags: [...tags].map(([name, operations]) => ({ name, operations })),
    components,
  });
}
