/** Every error the API answers on purpose, by a stable code that clients can switch on. */
export type ErrorCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'unsupported_media_type'
  | 'not_acceptable'
  | 'payload_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'rate_limited'
  | 'renderer_unavailable'
  | 'renderer_busy'
  | 'database_unavailable'
  | 'forecast_out_of_range'
  | 'levelling_too_large'
  | 'webhooks_not_configured'
  | 'internal_error';

export interface FieldError {
  /** Where the bad value is, e.g. `body.assets[3].purchasedOn` or `query.limit`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', 404, `No such ${what}`);

export const conflict = (message: string, errors?: FieldError[]): AppError =>
  new AppError('conflict', 409, message, errors);

export const invalid = (path: string, message: string): AppError =>
  new AppError('validation_failed', 400, 'The request is not valid', [{ path, message }]);
