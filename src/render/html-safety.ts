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

const leadingTokens: RegExp[] = [/^\uFEFF/, /^\s+/, /^<!--[\s\S]*?-->/, /^<!doctype\b[^>]*>/i];
const htmlStartTag = /^<html(?=[\s>/])[^>]*>/i;
const headStartTag = /^<head(?=[\s>/])[^>]*>/i;

function headInsertionPoint(html: string): number {
  let position = skipTokens(html, 0);
  const htmlTag = htmlStartTag.exec(html.slice(position));
  if (htmlTag) position = skipTokens(html, position + htmlTag[0].length);
  const headTag = headStartTag.exec(html.slice(position));
  return headTag ? position + headTag[0].length : position;
}

function skipTokens(html: string, from: number): number {
  let position = from;
  for (;;) {
    const rest = html.slice(position);
    const token = leadingTokens.map((pattern) => pattern.exec(rest)).find((match) => match !== null);
    if (!token) return position;
    position += token[0].length;
  }
}

function escapeAttribute(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}
