import type { z } from 'zod';
import type { RouteDefinition } from './route.js';

/** What one status of a route answers: a JSON body, a problem document, other media types, or nothing. */
export interface DeclaredResponse {
  description: string;
  /** The `application/json` body. */
  schema?: z.ZodType;
  /** Other media types (CSV, PDF, HTML, iCalendar), whose bodies are documented as strings. */
  contentTypes: string[];
  /** An `application/problem+json` body. */
  problem: boolean;
}

/**
 * Every status a route answers, with its body: what the route declares, and the errors any route may answer
 * (a bad request, no key, a key without the scope, an id it cannot see, a body too large or of the wrong
 * type, the rate limit). A declared error status
 * answers a problem document. The OpenAPI document is written from this, and the integration tests check each
 * response against it, so the two cannot drift apart.
 */
export function declaredResponses(route: RouteDefinition): Record<string, DeclaredResponse> {
  const responses: Record<string, DeclaredResponse> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const isError = Number(status) >= 400;
    responses[status] = {
      description: spec.description,
      ...(spec.schema ? { schema: spec.schema } : {}),
      contentTypes: spec.contentTypes ?? [],
      problem: isError && !spec.schema && !spec.contentTypes,
    };
  }
  const problem = (description: string): DeclaredResponse => ({
    description,
    contentTypes: [],
    problem: true,
  });
  responses['400'] ??= problem('The request is not valid; `errors` names each offending field');
  responses['401'] = problem('No API key, or one that is not valid or has been revoked');
  responses['403'] = problem("The key's scope does not allow this");
  if (route.params) responses['404'] = problem('No such resource for this key');
  if (route.body) {
    responses['413'] ??= problem('The body is larger than this route accepts');
    responses['415'] ??= problem('The body is not of a media type this route accepts');
  }
  responses['429'] = problem('Rate limit reached; see Retry-After');
  return responses;
}
