/** Escapes LIKE wildcards so that user text matches literally (PostgreSQL's default escape is backslash). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
