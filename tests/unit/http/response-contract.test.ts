import { z } from 'zod';
import { defineRoute } from '../../../src/http/route.js';
import { contractViolations, routeOf } from '../../support/response-contract.js';

const widget = z.object({ id: z.string(), size: z.int(), tags: z.array(z.object({ name: z.string() })) });
const routes = [
  defineRoute({
    method: 'get',
    path: '/widgets/:widgetId.pdf',
    operationId: 'downloadWidget',
    summary: 'A widget as PDF',
    tag: 'Widgets',
    scope: 'read',
    params: z.object({ widgetId: z.string() }),
    responses: { 200: { description: 'The PDF', contentTypes: ['application/pdf'] } },
    handler: async () => undefined,
  }),
  defineRoute({
    method: 'get',
    path: '/widgets/:widgetId',
    operationId: 'getWidget',
    summary: 'A widget',
    tag: 'Widgets',
    scope: 'read',
    params: z.object({ widgetId: z.string() }),
    responses: { 200: { description: 'The widget', schema: widget } },
    handler: async () => undefined,
  }),
  defineRoute({
    method: 'delete',
    path: '/widgets/:widgetId',
    operationId: 'deleteWidget',
    summary: 'Delete a widget',
    tag: 'Widgets',
    scope: 'write',
    params: z.object({ widgetId: z.string() }),
    responses: { 204: { description: 'Deleted' }, 409: { description: 'In use' } },
    handler: async () => undefined,
  }),
];

const json = 'application/json; charset=utf-8';
const problem = { type: 'about:blank', title: 'Conflict', status: 409, detail: 'In use', code: 'conflict' };
const check = (method: string, path: string, status: number, contentType: string | null, body: unknown) =>
  contractViolations(
    { method, path, status, contentType, text: typeof body === 'string' ? body : JSON.stringify(body) },
    routes,
  );

describe('the response contract the integration tests hold every response to', () => {
  it('when a request is matched, then it is by method and path template, in the order routes are mounted', () => {
    expect(routeOf('GET', '/api/v1/widgets/w1?x=1', routes)?.operationId).toBe('getWidget');
    expect(routeOf('GET', '/api/v1/widgets/w1.pdf', routes)?.operationId).toBe('downloadWidget');
    expect(routeOf('DELETE', '/api/v1/widgets/w1', routes)?.operationId).toBe('deleteWidget');
    expect(routeOf('POST', '/api/v1/widgets/w1', routes)).toBeUndefined();
    expect(routeOf('GET', '/healthz', routes)).toBeUndefined();
  });

  it('when a body matches its schema, then there is nothing to report', () => {
    expect(
      check('GET', '/api/v1/widgets/w1', 200, json, { id: 'w1', size: 2, tags: [{ name: 'a' }] }),
    ).toEqual([]);
  });

  it('when a body breaks its schema or carries an undeclared field, then each offending path is named', () => {
    expect(check('GET', '/api/v1/widgets/w1', 200, json, { id: 'w1', size: '2', tags: [] })).toEqual([
      'body.size: Invalid input: expected number, received string',
    ]);
    expect(
      check('GET', '/api/v1/widgets/w1', 200, json, {
        id: 'w1',
        size: 2,
        tags: [{ name: 'a', colour: 'red' }],
      }),
    ).toEqual(['body.tags[0].colour: is not declared']);
  });

  it('when a status is not declared, then that is reported with the statuses that are', () => {
    expect(check('GET', '/api/v1/widgets/w1', 201, json, {})).toEqual([
      'status 201 is not declared (declared: 200, 400, 401, 403, 404, 429, 503)',
    ]);
  });

  it('when an error is answered, then it must be a problem document', () => {
    expect(check('DELETE', '/api/v1/widgets/w1', 409, 'application/problem+json', problem)).toEqual([]);
    expect(check('DELETE', '/api/v1/widgets/w1', 409, json, problem)).toEqual([
      'content type is application/json, declared application/problem+json',
    ]);
    expect(
      check('DELETE', '/api/v1/widgets/w1', 409, 'application/problem+json', { ...problem, code: 1 }),
    ).toEqual(['body.code: Invalid input: expected string, received number']);
    expect(check('GET', '/api/v1/nowhere', 404, 'text/html', '<p>no</p>')).toEqual([
      'content type is text/html, declared application/problem+json',
    ]);
  });

  it('when a route declares another media type or no body, then the content type or the emptiness is checked', () => {
    expect(check('GET', '/api/v1/widgets/w1.pdf', 200, 'application/pdf', '%PDF')).toEqual([]);
    expect(check('GET', '/api/v1/widgets/w1.pdf', 200, 'text/html', '<p>')).toEqual([
      'content type is text/html, declared application/pdf',
    ]);
    expect(check('DELETE', '/api/v1/widgets/w1', 204, null, '')).toEqual([]);
    expect(check('DELETE', '/api/v1/widgets/w1', 204, json, '{}')).toEqual([
      `a body (application/json) where none is declared`,
    ]);
  });
});
