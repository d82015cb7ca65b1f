import busboy from 'busboy';
import type { RequestHandler } from 'express';
import { AppError, invalid } from './errors.js';

/** A multipart/form-data body as a route handler gets it: its text fields and its files, each whole. */
export class MultipartForm {
  readonly fields = new Map<string, string>();
  readonly files = new Map<string, { filename: string | null; contentType: string | null; data: Buffer }>();
}

export interface MultipartLimits {
  /** Largest file and largest whole body, in bytes. */
  maxBytes: number;
  maxFiles?: number;
  maxFields?: number;
  maxFieldBytes?: number;
  /**
   * Asked as each file part starts, with the fields read so far (the parts before it): an error refuses the whole
   * request before a byte of the file is kept, e.g. a console form whose CSRF token, sent first, is wrong.
   */
  beforeFile?: (form: MultipartForm) => Error | undefined;
}

/** A parameter of a header value: `boundary` of a Content-Type, `charset` of a part's type. */
export function headerParameter(value: string, name: string): string | undefined {
  const pattern = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const match = pattern.exec(value);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}

/** The answer to a body over the route's limit. */
export function tooLarge(limit: number): AppError {
  return new AppError('payload_too_large', 413, `The request body is larger than ${limit} bytes`, [
    { path: 'body', message: 'too large' },
  ]);
}

/**
 * Reads a multipart/form-data body as it streams in (busboy), stopping at the first limit crossed instead of
 * buffering the whole request first. Mounted after authentication, so an anonymous upload is never read.
 */
export function multipartForm(limits: MultipartLimits): RequestHandler {
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) {
      next();
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limits.maxBytes) {
      res.setHeader('Connection', 'close');
      next(tooLarge(limits.maxBytes));
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          fileSize: limits.maxBytes,
          files: limits.maxFiles ?? 1,
          fields: limits.maxFields ?? 10,
          fieldSize: limits.maxFieldBytes ?? 64 * 1024,
          parts: (limits.maxFiles ?? 1) + (limits.maxFields ?? 10),
        },
      });
    } catch (error) {
      next(invalid('header.content-type', (error as Error).message));
      return;
    }
    const form = new MultipartForm();
    let received = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      // Nothing more is read; the connection closes after the answer.
      req.pause();
      res.setHeader('Connection', 'close');
      next(error);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBytes) fail(tooLarge(limits.maxBytes));
    });
    parser.on('file', (name, stream, info) => {
      const refusal = limits.beforeFile?.(form);
      if (refusal) {
        stream.resume();
        fail(refusal);
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(tooLarge(limits.maxBytes)));
      stream.on('end', () => {
        form.files.set(name, {
          filename: info.filename ?? null,
          contentType: info.mimeType || null,
          data: Buffer.concat(chunks),
        });
      });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        fail(invalid(`body.${name}`, `is longer than ${limits.maxFieldBytes ?? 64 * 1024} bytes`));
        return;
      }
      form.fields.set(name, value);
    });
    const tooMany = () => fail(invalid('body', 'has more parts than this operation accepts'));
    parser.on('filesLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('partsLimit', tooMany);
    parser.on('error', (error: Error) =>
      fail(invalid('body', `is not a readable multipart form: ${error.message}`)),
    );
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      req.body = form;
      next();
    });
    req.pipe(parser);
  };
}
