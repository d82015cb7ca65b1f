/**
 * The policy every rendered document carries: nothing may be fetched, only inline styles and `data:` images and
 * fonts are allowed. The renderer blocks the network on its own as well; the policy stops requests before they
 * are even made, and keeps the document safe if it is ever opened somewhere else.
 */
export const documentContentSecurityPolicy =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:";

/** A `<meta>` element that applies the Content-Security-Policy to the document it is in. */
export function contentSecurityPolicyMeta(policy: string = documentContentSecurityPolicy): string {
  return `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(policy)}">`;
}

/**
 * Inserts the Content-Security-Policy `<meta>` so that it is the first element the HTML parser puts in `<head>`,
 * before anything that could fetch. Leading doctype, comments and the `<html>` / `<head>` start tags are
 * skipped as tokens, so a `<head>` mentioned inside a comment cannot swallow the policy. A document without
 * a `<head>` gets the meta where the parser opens one implicitly.
 */
export function withContentSecurityPolicy(
  html: string,
  policy: string = documentContentSecurityPolicy,
): string {
  const insertAt = headInsertionPoint(html);
  return `${html.slice(0, insertAt)}${contentSecurityPolicyMeta(policy)}${html.slice(insertAt)}`;
}

// Sticky patterns, matched where the scan stands: slicing the rest of a large document for each token would copy
// or flatten it every time (a 290 KB packet spent milliseconds here).
const leadingTokens: RegExp[] = [/\uFEFF/y, /\s+/y, /<!--[\s\S]*?-->/y, /<!doctype\b[^>]*>/iy];
const htmlStartTag = /<html(?=[\s>/])[^>]*>/iy;
const headStartTag = /<head(?=[\s>/])[^>]*>/iy;

/** The length of `pattern`'s match at `position`, or 0 where it does not match there. */
function matchAt(pattern: RegExp, html: string, position: number): number {
  pattern.lastIndex = position;
  return pattern.exec(html)?.[0].length ?? 0;
}

function headInsertionPoint(html: string): number {
  let position = skipTokens(html, 0);
  const htmlTag = matchAt(htmlStartTag, html, position);
  if (htmlTag > 0) position = skipTokens(html, position + htmlTag);
  return position + matchAt(headStartTag, html, position);
}

function skipTokens(html: string, from: number): number {
  let position = from;
  for (;;) {
    let length = 0;
    for (const pattern of leadingTokens) {
      length = matchAt(pattern, html, position);
      if (length > 0) break;
    }
    if (length === 0) return position;
    position += length;
  }
}

function escapeAttribute(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}
