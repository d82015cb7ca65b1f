import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/connection-errors.js';
import { ForecastRangeError } from '../domain/forecast.js';
import { LevellingTooLargeError } from '../domain/levelling.js';
import { AppError, type FieldError } from './errors.js';
import { requestLogger } from './request-log.js';

/** Seconds a client is told to wait when the database cannot be reached. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Writes an RFC 9457 problem document. */
export function sendProblem(
  res: Response,
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: `https://vcio-planner.dev/problems/${code.replaceAll('_', '-')}`,
      title: titles[status] ?? 'Error',
      status,
      detail,
      code,
      ...(errors && errors.length > 0 ? { errors } : {}),
    });
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'route_not_found', `No route for ${req.method} ${req.path}`);
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/** The one error middleware, mounted last: known errors become problem+json, anything else a logged 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof AppError) {
      for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
      sendProblem(res, error.status, error.code, error.message, error.errors);
      return;
    }
    if (error instanceof ForecastRangeError) {
      sendProblem(res, 422, 'forecast_out_of_range', error.message, [
        { path: error.path, message: 'its charges take the forecast past the largest exact amount' },
      ]);
      return;
    }
    if (error instanceof LevellingTooLargeError) {
      sendProblem(res, 422, 'levelling_too_large', error.message, [
        {
          path: 'body.windowMonths',
          message: `${error.events} refresh events × this window is too many to search`,
        },
      ]);
      return;
    }
    const parserError = error as BodyParserError;
    switch (parserError?.type) {
      case 'entity.parse.failed':
        sendProblem(res, 400, 'malformed_json', 'The request body is not valid JSON', [
          { path: 'body', message: parserError.message },
        ]);
        return;
      case 'entity.too.large':
        sendProblem(
          res,
          413,
          'payload_too_large',
          `The request body is larger than ${parserError.limit} bytes`,
          [{ path: 'body', message: 'too large' }],
        );
        return;
      case 'encoding.unsupported':
      case 'charset.unsupported':
        sendProblem(res, 415, 'unsupported_media_type', parserError.message);
        return;
      case 'request.aborted':
      case 'stream.encoding.set':
        sendProblem(res, 400, 'validation_failed', parserError.message);
        return;
    }
    if (isDatabaseUnavailable(error)) {
      // An outage, not a defect: every request says so until the database is back; one line each, no stack.
      requestLogger(logger, req, res).warn(
        {
          err: {
            type: (error as Error).name,
            message: (error as Error).message,
            code: (error as { code?: unknown }).code,
          },
        },
        'database unavailable',
      );
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      sendProblem(
        res,
        503,
        'database_unavailable',
        'The database cannot be reached right now; try again shortly',
      );
      return;
    }
    const databaseProblem = describeDatabaseError(error);
    if (databaseProblem) {
      sendProblem(res, databaseProblem.status, databaseProblem.code, databaseProblem.detail);
      return;
    }
    if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      sendProblem(res, parserError.status, 'validation_failed', parserError.message);
      return;
    }
    requestLogger(logger, req, res).error({ err: error }, 'unhandled error');
    sendProblem(res, 500, 'internal_error', 'Something went wrong on our side; it has been logged');
  };
}

/**
 * A safety net under validation: when the database refuses a row (a race on a unique key, a constraint that
 * validation did not anticipate), the client hears a 4xx that says so rather than a 500.
 */
function describeDatabaseError(error: unknown): { status: number; code: string; detail: string } | undefined {
  const sqlState = (error as { code?: unknown })?.code;
  if (typeof sqlState !== 'string' || !/^[0-9A-Z]{5}$/.test(sqlState)) return undefined;
  if (sqlState === '23505')
    return { status: 409, code: 'conflict', detail: 'A record with the same unique values exists' };
  if (sqlState === '23503')
    return {
      status: 409,
      code: 'conflict',
      detail: 'The record refers to, or is referred to by, another record',
    };
  if (sqlState === '23001')
    return { status: 409, code: 'conflict', detail: 'The record cannot be changed or removed' };
  if (sqlState.startsWith('23') || sqlState.startsWith('22')) {
    return { status: 400, code: 'validation_failed', detail: 'A value is out of the allowed range' };
  }
  return undefined;
}
