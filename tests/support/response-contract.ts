import type { z } from 'zod';
import type { RouteDefinition } from '../../src/http/route.js';
import { declaredResponses } from '../../src/http/responses.js';
import { problemSchema } from '../../src/http/schemas.js';
import { apiRoutes } from '../../src/routes.js';

/** One response as the test client received it. */
export interface ReceivedResponse {
  method: string;
  /** The path as requested, with its query, e.g. `/api/v1/clients/…/assets?limit=2`. */
  path: string;
  status: number;
  contentType: string | null;
  text: string;
}

const API_PREFIX = '/api/v1';

/** The route Express would pick for this request: the first one mounted whose method and path template match. */
export function routeOf(
  method: string,
  path: string,
  routes: readonly RouteDefinition[] = apiRoutes,
): RouteDefinition | undefined {
  const pathname = new URL(path, 'http://test').pathname;
  if (!pathname.startsWith(`${API_PREFIX}/`)) return undefined;
  const below = pathname.slice(API_PREFIX.length);
  return routes.find(
    (route) => route.method === method.toLowerCase() && templatePattern(route.path).test(below),
  );
}

const patterns = new Map<string, RegExp>();
function templatePattern(template: string): RegExp {
  let pattern = patterns.get(template);
  if (!pattern) {
    const source = template
      .split(/(:[A-Za-z0-9_]+)/)
      .map((part) => (part.startsWith(':') ? '[^/]+?' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    pattern = new RegExp(`^${source}/?$`);
    patterns.set(template, pattern);
  }
  return pattern;
}

/**
 * What is wrong with a response, measured against what its route declares for that status (the declarations the
 * OpenAPI document is written from); an empty list when it is what the route says it answers. A response from no
 * route (a page, an unknown path) is only held to the problem format when it is an error.
 */
export function contractViolations(
  response: ReceivedResponse,
  routes: readonly RouteDefinition[] = apiRoutes,
): string[] {
  const route = routeOf(response.method, response.path, routes);
  const mediaType = (response.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!route) {
    if (response.status < 400 || !new URL(response.path, 'http://test').pathname.startsWith(API_PREFIX))
      return [];
    return bodyViolations(problemSchema, response, mediaType, 'application/problem+json');
  }
  const responses = declaredResponses(route);
  const declared = responses[String(response.status)];
  if (!declared) {
    return [`status ${response.status} is not declared (declared: ${Object.keys(responses).join(', ')})`];
  }
  const declaredTypes = [...(declared.schema ? [declared.jsonType] : []), ...declared.contentTypes];
  if (declared.schema && mediaType === declared.jsonType) {
    return bodyViolations(declared.schema, response, mediaType, declared.jsonType);
  }
  if (declaredTypes.length === 0) {
    return response.text === '' ? [] : [`a body (${mediaType || 'no content type'}) where none is declared`];
  }
  return declaredTypes.includes(mediaType)
    ? []
    : [`content type is ${mediaType || 'missing'}, declared ${declaredTypes.join(' or ')}`];
}

function bodyViolations(
  schema: z.ZodType,
  response: ReceivedResponse,
  mediaType: string,
  expectedType: string,
): string[] {
  if (mediaType !== expectedType)
    return [`content type is ${mediaType || 'missing'}, declared ${expectedType}`];
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return ['the body is not JSON'];
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    return result.error.issues.map((issue) => `${describePath(issue.path)}: ${issue.message}`);
  }
  // The OpenAPI document closes every object (additionalProperties: false); zod strips what it does not know.
  return undeclaredKeys(body, result.data, []).map((path) => `${describePath(path)}: is not declared`);
}

/** Keys of the received body that the parsed (stripped) body no longer has. */
function undeclaredKeys(received: unknown, parsed: unknown, path: PropertyKey[]): PropertyKey[][] {
  if (Array.isArray(received) && Array.isArray(parsed)) {
    return received.flatMap((item, index) => undeclaredKeys(item, parsed[index], [...path, index]));
  }
  if (isPlainObject(received) && isPlainObject(parsed)) {
    return Object.keys(received).flatMap((key) =>
      key in parsed ? undeclaredKeys(received[key], parsed[key], [...path, key]) : [[...path, key]],
    );
  }
  return [];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function describePath(path: readonly PropertyKey[]): string {
  let out = 'body';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  return out;
}

/** Throws, naming the route, the status and each offending path, when a response breaks its declaration. */
export function assertResponseMatchesContract(response: ReceivedResponse): void {
  const violations = contractViolations(response);
  if (violations.length === 0) return;
  const route = routeOf(response.method, response.path);
  const name = route
    ? `${route.method.toUpperCase()} ${route.path} (${route.operationId})`
    : `${response.method} ${response.path}`;
  throw new Error(
    `The response to ${response.method} ${response.path} does not match what ${name} declares for ` +
      `${response.status}:\n${violations.map((violation) => `  - ${violation}`).join('\n')}`,
  );
}
