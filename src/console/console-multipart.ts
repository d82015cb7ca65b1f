import type { RequestHandler, Response } from 'express';
import { multipartForm, type MultipartForm, type MultipartLimits } from '../http/multipart.js';
import { optionalSessionOf } from './console-http.js';

/**
 * File uploads on console forms. The router's urlencoded parser does not read multipart/form-data, so the form
 * token would be missing from `req.body` and every upload refused; the token cannot go in the form's action URL
 * either (it would land in logs and history). Instead this runs before the router's one form-token check and, for
 * the few paths that take a file, reads the body (with the path's limits, and only for a signed-in user, so no
 * anonymous upload is ever read) and puts its text fields where the urlencoded parser puts them. The token check
 * then works as for every other form, on `req.body._csrf`, before any page handler runs. A multipart POST to any
 * other path is not read at all: with no fields, its token is missing and it is refused.
 */
export function consoleMultipart(accepted: Readonly<Record<string, MultipartLimits>>): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || !req.is('multipart/form-data')) {
      next();
      return;
    }
    const limits = Object.hasOwn(accepted, req.path) ? accepted[req.path] : undefined;
    if (!limits || !optionalSessionOf(res)) {
      req.body = {};
      res.setHeader('Connection', 'close');
      next();
      return;
    }
    multipartForm(limits)(req, res, (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      const form = req.body as MultipartForm;
      res.locals.multipartForm = form;
      req.body = Object.fromEntries(form.fields);
      next();
    });
  };
}

/** The files of the multipart form `consoleMultipart` read for this request; none for any other request. */
export function uploadedFile(
  res: Response,
  name: string,
): { filename: string | null; contentType: string | null; data: Buffer } | undefined {
  return (res.locals.multipartForm as MultipartForm | undefined)?.files.get(name);
}
