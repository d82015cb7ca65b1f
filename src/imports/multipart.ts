/**
 * Just enough of RFC 7578 (multipart/form-data) for an upload form: named parts, an optional filename and
 * content type each, bodies kept as bytes. No I/O: the whole body is already in memory, bounded by the route's
 * body limit.
 */

export interface MultipartPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** A parameter of a header value: `boundary` of a Content-Type, `name` of a Content-Disposition. */
export function headerParameter(value: string, name: string): string | undefined {
  const pattern = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const match = pattern.exec(value);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const boundary = headerParameter(contentType, 'boundary');
  if (!boundary) throw new MultipartError('the multipart Content-Type has no boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const lineDelimiter = Buffer.from(`\n--${boundary}`);
  const parts: MultipartPart[] = [];

  let at = body.indexOf(delimiter);
  if (at < 0) throw new MultipartError('the body does not contain the multipart boundary');
  for (;;) {
    at += delimiter.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts; // "--": the closing delimiter
    // The rest of the delimiter line (transport padding) and its line end.
    const lineEnd = body.indexOf('\n', at);
    if (lineEnd < 0) throw new MultipartError('a multipart part ends before its headers');
    const headersStart = lineEnd + 1;
    let headersEnd = body.indexOf('\r\n\r\n', headersStart);
    let dataStart = headersEnd + 4;
    const bareEnd = body.indexOf('\n\n', headersStart);
    if (bareEnd >= 0 && (headersEnd < 0 || bareEnd < headersEnd)) {
      headersEnd = bareEnd;
      dataStart = bareEnd + 2;
    }
    if (headersEnd < 0) throw new MultipartError('a multipart part has no blank line after its headers');
    const headers = parseHeaders(body.subarray(headersStart, headersEnd).toString('utf8'));
    // A delimiter counts only at the start of a line, so a body may contain the boundary text elsewhere.
    const lineBreak = body.indexOf(lineDelimiter, dataStart);
    if (lineBreak < 0) throw new MultipartError('the multipart body is not closed with its final boundary');
    const next = lineBreak + 1;
    const dataEnd = body[lineBreak - 1] === 0x0d ? lineBreak - 1 : lineBreak;

    const disposition = headers.get('content-disposition') ?? '';
    const name = headerParameter(disposition, 'name');
    if (name === undefined) throw new MultipartError('a multipart part has no name');
    parts.push({
      name,
      filename: headerParameter(disposition, 'filename') ?? null,
      contentType: headers.get('content-type') ?? null,
      data: body.subarray(dataStart, Math.max(dataStart, dataEnd)),
    });
    at = next;
  }
}
