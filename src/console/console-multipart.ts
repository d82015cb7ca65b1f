import type { Request } from 'express';
import { MultipartForm } from '../http/multipart.js';

/**
 * A file of the multipart form the router read for this request (multipartFormWithToken in console-http.ts, which
 * also checked its form token before the file); undefined for any other request.
 */
export function uploadedFile(
  req: Request,
  name: string,
): { filename: string | null; contentType: string | null; data: Buffer } | undefined {
  const body: unknown = req.body;
  return body instanceof MultipartForm ? body.files.get(name) : undefined;
}
