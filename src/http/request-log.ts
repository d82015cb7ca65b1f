import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { redactUrl } from './log-redaction.js';

/** A request id a caller may choose (X-Request-Id); anything else is replaced by a new one. */
const GIVEN_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Paths polled by load balancers and orchestrators, answered without a log line. */
const UNLOGGED_PATHS = new Set(['/healthz', '/readyz']);

/** Where a response keeps what its log line needs until it is written. */
const PENDING_LINE = Symbol('request log line');

interface PendingLine {
  logger: Logger;
  req: Request;
  startedAt: number;
  logged: boolean;
}

type LoggedResponse = Response & { [PENDING_LINE]: PendingLine };

/** The request as every line about it shows it: its id, method and URL (secrets redacted). */
function requestBinding(req: Request, res: Response) {
  return {
    id: res.locals.requestId as string,
    method: req.method,
    url: redactUrl(req.originalUrl ?? req.url),
  };
}

/**
 * Gives each request an id (the caller's X-Request-Id when it is sane, else a new UUID), echoes it as X-Request-Id,
 * and logs one line when the response is done or the connection closes before it is:
 * `{ req: { id, method, url }, res: { statusCode }, responseTime, msg }`, at error for a 5xx other than 503 (a
 * known condition, said to the client), warn for a 4xx and info otherwise; a 5xx is "request errored" with an
 * `err`. The same line pino-http wrote, without its per-request child logger: a line about a request in between
 * (the error handler's) asks {@link requestLogger} for one.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && GIVEN_REQUEST_ID.test(given) ? given : crypto.randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    if (!UNLOGGED_PATHS.has(req.url)) {
      const pending: PendingLine = { logger, req, startedAt: Date.now(), logged: false };
      (res as LoggedResponse)[PENDING_LINE] = pending;
      // 'close' follows 'finish' on every response, and also ends one whose connection went away first. The
      // listeners are shared by every request rather than closures made for each: they find the line on the response.
      res.on('close', logOnClose);
      res.on('error', logOnError);
    }
    next();
  };
}

function logOnClose(this: Response): void {
  logResponse(this);
}

function logOnError(this: Response, error: Error): void {
  logResponse(this, error);
}

function logResponse(res: Response, error?: Error): void {
  const pending = (res as LoggedResponse)[PENDING_LINE];
  if (pending.logged) return;
  pending.logged = true;
  const { logger, req, startedAt } = pending;
  const status = res.statusCode;
  const level = error || (status >= 500 && status !== 503) ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const line = {
    req: requestBinding(req, res),
    res: { statusCode: status },
    responseTime: Date.now() - startedAt,
  };
  if (error || status >= 500) {
    logger[level](
      { ...line, err: error ?? new Error(`failed with status code ${status}`) },
      'request errored',
    );
  } else {
    logger[level](line, 'request completed');
  }
}

/** A logger whose lines carry the request (id, method, redacted URL), for what is logged while answering it. */
export function requestLogger(logger: Logger, req: Request, res: Response): Logger {
  return logger.child({ req: requestBinding(req, res) });
}
