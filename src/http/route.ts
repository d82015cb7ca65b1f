import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type IRoute,
  type Response,
} from 'express';
import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { AppError, type FieldError } from './errors.js';
import { headerParameter, multipartForm, tooLarge } from './multipart.js';
import { isRepeatableParam } from './schemas.js';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../auth/principal.js';
import type { Scope } from '../auth/scopes.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** The JSON body; omit for responses without one. */
  schema?: z.ZodType;
  /** Other media types this response may carry (CSV, PDF, HTML, iCalendar), documented as strings. */
  contentTypes?: string[];
}

/** What a handler gets: the validated, typed inputs and the caller's identity. */
export interface RouteContext<Params, Query, Body> {
  params: Params;
  query: Query;
  body: Body;
  auth: Principal;
  app: AppContext;
  req: Request;
  res: Response;
}

/** Who is calling, from the request and the route it is for; turns the caller away when it may not. */
export type RequestAuthenticator = (
  req: Request,
  route: RouteDefinition,
  params: Record<string, unknown>,
) => Promise<Principal>;

/** A JSON reply; a handler that writes the response itself (CSV, PDF) returns undefined. */
export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** Express-style path below /api/v1, e.g. `/clients/:clientId/assets`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** The least scope the key needs. */
  scope: Scope;
  /** Routes a client-limited key may not call even within its client (MSP-wide administration). */
  mspWide?: boolean;
  /** Also accept a calendar feed token (never an API key) as `?token=`: calendar apps cannot send headers. */
  allowQueryToken?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** Media types accepted for the body; JSON when omitted. */
  bodyContentTypes?: string[];
  /** Largest accepted body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Hand the body to the handler as bytes whatever its type, JSON included (a form still arrives as a
   * MultipartForm): for an upload the handler reads itself, such as an import file.
   */
  rawBody?: boolean;
  /** How the documentation describes a media type of a raw body (the default is a string). */
  bodyContentSchemas?: Partial<Record<string, z.ZodType>>;
  responses: Record<number, ResponseSpec>;
  handler: (context: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Reply | undefined>;
}

/** Declares a route; the generics carry the zod types through to the handler's context. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  route: RouteDefinition<P, Q, B>,
): RouteDefinition {
  return route as unknown as RouteDefinition;
}

/** Turns zod issues into field errors whose path says where the value was (`body.assets[3].name`). */
export function toFieldErrors(location: string, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    const base = formatPath(location, issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatPath(location, [...issue.path, key]),
        message: 'is not a known field',
      }));
    }
    return [{ path: base, message: issue.message }];
  });
}

function formatPath(location: string, path: readonly PropertyKey[]): string {
  let out = location;
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  }
  return out;
}

function parsePart<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  location: string,
  errors: FieldError[],
) {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  errors.push(...toFieldErrors(location, result.error.issues));
  return undefined;
}

/** Mounts a route on its path's entry of the API router (`router.route(path)`). */
export function mountRoute(
  methods: IRoute,
  route: RouteDefinition,
  authenticate: RequestAuthenticator,
  app: AppContext,
): void {
  const querySchema = route.query ?? z.strictObject({});
  const queryShape = shapeOf(querySchema);
  // Who is calling and whether they may, before a byte of the body is read: an anonymous or forbidden upload is
  // answered at once, whatever its size, and an anonymous caller learns nothing about the input rules.
  const identify = async (req: Request, res: Response, next: NextFunction): Promise<boolean> => {
    try {
      res.locals.auth = await authenticate(req, route, req.params as Record<string, unknown>);
      return true;
    } catch (error) {
      // The body stays unread: close the connection after the answer rather than drain what the caller sends.
      if (hasBody(req)) res.setHeader('Connection', 'close');
      next(error);
      return false;
    }
  };
  const answer = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const auth = res.locals.auth as Principal;
      const rawParams = req.params as Record<string, unknown>;
      const errors: FieldError[] = [];
      const params = parsePart(route.params, rawParams, 'params', errors);
      if (errors.length > 0) throw new AppError('not_found', 404, 'No such resource');
      const query = parsePart(querySchema, normalizeQuery(req.query, queryShape, errors), 'query', errors);
      let body: unknown;
      if (route.body) {
        errors.push(...malformedText(req.body, 'body', invalidUtf8.has(req)));
        if (errors.length === 0) body = parsePart(route.body, req.body, 'body', errors);
      }
      if (errors.length > 0) throw new AppError('validation_failed', 400, 'The request is not valid', errors);
      const reply = await route.handler({ params, query, body, auth, app, req, res });
      if (reply && !res.headersSent) {
        if (reply.headers)
          for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
        if (reply.body === undefined) res.status(reply.status ?? 204).end();
        else res.status(reply.status ?? 200).json(reply.body);
      }
    } catch (error) {
      next(error);
    }
  };
  const parsers = bodyParsers(route);
  if (parsers.length === 0) {
    // Nothing to parse: one layer, so that a read goes through the router once rather than twice.
    methods[route.method](async (req: Request, res: Response, next: NextFunction) => {
      if (await identify(req, res, next)) await answer(req, res, next);
    });
  } else {
    methods[route.method](
      async (req: Request, res: Response, next: NextFunction) => {
        if (await identify(req, res, next)) next();
      },
      ...parsers,
      answer,
    );
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** JSON bodies whose bytes were not valid UTF-8 (the parser has already put U+FFFD in their place). */
const invalidUtf8 = new WeakSet<Request>();

/**
 * Text that would not be stored as sent: a lone surrogate (`"\ud800"`), or, when the body's bytes were not valid
 * UTF-8, the replacement characters the decoder put in their place. Either is refused, naming the field.
 */
function malformedText(value: unknown, path: string, replacedBytes: boolean): FieldError[] {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value))
      return [{ path, message: 'contains a lone UTF-16 surrogate, which is not text' }];
    if (replacedBytes && value.includes('\uFFFD')) return [{ path, message: 'is not valid UTF-8' }];
    return [];
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => malformedText(item, `${path}[${index}]`, replacedBytes));
  if (
    value !== null &&
    typeof value === 'object' &&
    !Buffer.isBuffer(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.entries(value).flatMap(([key, item]) => [
      ...malformedText(key, `${path}.${key}`, replacedBytes).map((error) => ({
        ...error,
        message: `has a name that ${error.message}`,
      })),
      ...malformedText(item, `${path}.${key}`, replacedBytes),
    ]);
  }
  return [];
}

/**
 * Express gives a repeated query key as an array. A parameter declared repeatable (a comma-separated list such as
 * lifecycleMonths) gets its values joined with commas; any other repeated parameter is an error naming it, never
 * a value silently dropped.
 */
function normalizeQuery(
  query: unknown,
  shape: Record<string, z.ZodType>,
  errors: FieldError[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (!Array.isArray(value)) out[key] = value;
    else if (isRepeatableParam(shape[key])) out[key] = value.join(',');
    else errors.push({ path: `query.${key}`, message: 'must be given once, not repeated' });
  }
  return out;
}

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> {
  return schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * Checks the body's media type and parses it with the route's own size limit: JSON into a value, a form into a
 * MultipartForm (streamed), any other accepted type (CSV, images) into a Buffer for the handler.
 */
function bodyParsers(route: RouteDefinition): RequestHandler[] {
  if (!route.body) return [];
  const accepted = route.bodyContentTypes ?? ['application/json'];
  const limit = route.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const guard: RequestHandler = (req, res, next) => {
    if (hasBody(req) && !req.is(accepted)) {
      next(
        new AppError('unsupported_media_type', 415, `Send the body as ${accepted.join(' or ')}`, [
          { path: 'header.content-type', message: `must be ${accepted.join(' or ')}` },
        ]),
      );
      return;
    }
    // A body announced larger than the limit is refused before any of it is read, and not drained either (the
    // parsers would read it all before answering).
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      res.setHeader('Connection', 'close');
      next(tooLarge(limit));
      return;
    }
    next();
  };
  const parsers: RequestHandler[] = [guard];
  if (accepted.includes('application/json') && !route.rawBody)
    parsers.push(
      express.json({
        limit,
        strict: false,
        type: 'application/json',
        verify: (req, _res, bytes) => {
          const charset = headerParameter(req.headers['content-type'] ?? '', 'charset');
          if ((!charset || /^utf-?8$/i.test(charset)) && !isUtf8(bytes)) invalidUtf8.add(req as Request);
        },
      }),
    );
  if (accepted.includes('multipart/form-data')) parsers.push(multipartForm({ maxBytes: limit }));
  const others = accepted.filter(
    (type) => (route.rawBody || type !== 'application/json') && type !== 'multipart/form-data',
  );
  if (others.length > 0) parsers.push(express.raw({ limit, type: others }));
  return parsers;
}
