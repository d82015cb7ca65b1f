import crypto from 'node:crypto';

/**
 * Example values for the reference, written from the JSON Schemas the OpenAPI document holds. A schema's own
 * `examples` (zod `.meta({ examples })`) wins; otherwise the value follows from its type, format, enum, default and
 * limits, with a few readable guesses from the field's name (a date for `startsOn`, a currency for `currency`).
 * The tests parse every example with the zod schema it documents, so an example that is not valid input or
 * output fails a test instead of misleading a reader.
 */

type JsonSchema = Record<string, unknown>;

const MAX_DEPTH = 24;

/** A stable, valid UUID (version 4) per field name, so the same field shows the same id everywhere. */
function exampleUuid(name: string): string {
  const hex = crypto.createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function exampleString(schema: JsonSchema, name: string): string {
  switch (schema.format) {
    case 'date':
      return '2027-01-15';
    case 'date-time':
      return '2026-11-22T09:30:00.000Z';
    case 'uuid':
      return exampleUuid(name);
    case 'email':
      return 'ada@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/';
  }
  const pattern = typeof schema.pattern === 'string' ? schema.pattern : undefined;
  if (pattern === '^[A-Z]{3}$') return 'USD';
  if (pattern?.startsWith('^#')) return '#1f4e79';
  if (/^(?:start|end|date|asOf)$|On$|Date$/.test(name)) return '2027-01-15';
  if (/At$/.test(name)) return '2026-11-22T09:30:00.000000Z';
  if (name === 'currency') return 'USD';
  if (/[Ii]d$/.test(name) && pattern === undefined) return exampleUuid(name);
  const text = name === 'name' ? 'Front desk PC' : name ? `${name} text` : 'text';
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  return text.padEnd(min, 'x').slice(0, max);
}

function exampleNumber(schema: JsonSchema, name: string): number {
  const minimum =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + 1
        : undefined;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  let value = schema.format === 'money' || /[Cc]ost$|[Aa]mount$|[Cc]ap$/.test(name) ? 150_000 : 1;
  if (minimum !== undefined && value < minimum) value = minimum;
  if (maximum !== undefined && value > maximum) value = maximum;
  return value;
}

/**
 * An example of a value of `schema`. `components` resolves `$ref`s; `mode` says which optional properties to show:
 * all of them for a response (its whole shape), only those with examples of their own for a request (the least a
 * caller must send, plus what the schema's author chose to show).
 */
export function exampleOf(
  schema: JsonSchema | undefined,
  components: Record<string, JsonSchema>,
  mode: 'request' | 'response',
  name = '',
  depth = 0,
): unknown {
  if (!schema) return undefined;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (typeof schema.$ref === 'string') {
    const target = components[schema.$ref.replace('#/components/schemas/', '')];
    return depth > MAX_DEPTH ? {} : exampleOf(target, components, mode, name, depth + 1);
  }
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key] as JsonSchema[] | undefined;
    if (options) {
      const first = options.find((option) => option.type !== 'null') ?? options[0];
      return exampleOf(first, components, mode, name, depth + 1);
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.find((one) => one !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const out: Record<string, unknown> = {};
      if (depth > MAX_DEPTH) return out;
      for (const [key, property] of Object.entries(properties)) {
        if (mode === 'request' && !required.has(key) && !Array.isArray(property.examples)) continue;
        out[key] = exampleOf(property, components, mode, key, depth + 1);
      }
      return out;
    }
    case 'array': {
      if (depth > MAX_DEPTH) return [];
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const item = exampleOf(schema.items as JsonSchema | undefined, components, mode, name, depth + 1);
      return Array.from({ length: Math.max(1, minItems) }, () => item);
    }
    case 'string':
      return exampleString(schema, name);
    case 'integer':
    case 'number':
      return exampleNumber(schema, name);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}
