import querystring from 'node:querystring';

/** Query parameters whose values never reach the logs. */
const SECRET_PARAMETERS = new Set(['token']);

/** A client portal path: its first segment after /p/ is a share link's token (`/p/<token>/…`). */
const PORTAL_PATH = /^\/p\/[^/?#]*/i;

/**
 * The request URL as it may be logged: a share link's token in a portal path and the value of every secret query
 * parameter replaced. Names are decoded the way the router's query parser (node:querystring, `query parser:
 * simple`) decodes them, so `?%74oken=` is recognised as the `token` it is read as.
 */
export function redactUrl(rawUrl: string): string {
  const url = rawUrl.replace(PORTAL_PATH, '/p/[redacted]');
  const start = url.indexOf('?');
  if (start < 0) return url;
  const pairs = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals < 0 ? pair : pair.slice(0, equals);
      const name = querystring.unescape(rawName.replaceAll('+', ' '));
      return SECRET_PARAMETERS.has(name) ? `${rawName}=[redacted]` : pair;
    });
  return `${url.slice(0, start + 1)}${pairs.join('&')}`;
}
