import type { z } from 'zod';
import type { RouteDefinition } from './route.js';
import { problemSchema } from './schemas.js';

/** What one status of a route answers: a JSON body (a problem document for errors), other media types, or nothing. */
export interface DeclaredResponse {
  description: string;
  /** The JSON body, of media type `jsonType`. */
  schema?: z.ZodType;
  /** `application/json`, or `application/problem+json` for an error (RFC 9457, perhaps with members of its own). */
  jsonType: 'application/json' | 'application/problem+json';
  /** Other media types (CSV, PDF, HTML, iCalendar), whose bodies are documented as strings. */
  contentTypes: string[];
}

/**
 * Every status a route answers, with its body: what the route declares, and the errors any route may answer
 * (a bad request, no key, a key without the scope, an id it cannot see, a body too large or of the wrong type,
 * the rate limit). An error answers a problem document, the plain one unless the route declares its own. The
 * OpenAPI document is written from this, and the integration tests check each response against it, so the two
 * cannot drift apart.
 */
export function declaredResponses(route: RouteDefinition): Record<string, DeclaredResponse> {
  const responses: Record<string, DeclaredResponse> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const isError = Number(status) >= 400;
    const schema = spec.schema ?? (isError && !spec.contentTypes ? problemSchema : undefined);
    responses[status] = {
      description: spec.description,
      ...(schema ? { schema } : {}),
      jsonType: isError ? 'application/problem+json' : 'application/json',
      contentTypes: spec.contentTypes ?? [],
    };
  }
  const problem = (description: string): DeclaredResponse => ({
    description,
    schema: problemSchema,
    jsonType: 'application/problem+json',
    contentTypes: [],
  });
  responses['400'] ??= problem('The request is not valid; `errors` names each offending field');
  responses['401'] = problem('No API key, or one that is not valid or has been revoked');
  responses['403'] = problem("The key's scope does not allow this");
  if (route.params) responses['404'] ??= problem('No such resource for this key');
  if (route.body) {
    responses['413'] ??= problem('The body is larger than this route accepts');
    responses['415'] ??= problem('The body is not of a media type this route accepts');
  }
  responses['429'] = problem('Rate limit reached; see Retry-After');
  // Any route that reads the database can meet an outage; a route's own 503 (the renderer's) says more.
  responses['503'] ??= problem(
    'The database is unavailable (database_unavailable); try again after Retry-After',
  );
  return responses;
}
