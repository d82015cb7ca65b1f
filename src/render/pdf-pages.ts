/**
 * Counts the pages of a PDF from its bytes. Chromium (Skia) writes the document catalog and the page tree as
 * plain, uncompressed objects, so the `/Count` of the page tree root answers it: the trailer's `/Root` names the
 * catalog, the catalog's `/Pages` names the root. Counting `/Type /Page` objects is the fallback.
 */
export function countPdfPages(pdf: Uint8Array): number {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  if (!text.startsWith('%PDF-')) throw new Error('Not a PDF document');
  const fromTree = pageTreeCount(text);
  if (fromTree !== undefined) return fromTree;
  const pageObjects = text.match(/\/Type\s*\/Page(?![A-Za-z0-9])/g)?.length ?? 0;
  if (pageObjects === 0) throw new Error('Could not find the pages of the PDF document');
  return pageObjects;
}

function pageTreeCount(text: string): number | undefined {
  const roots = [...text.matchAll(/\/Root\s+(\d+)\s+(\d+)\s+R/g)];
  const root = roots.at(-1);
  if (!root) return undefined;
  const catalog = objectBody(text, root[1]!, root[2]!);
  const pagesReference = catalog && /\/Pages\s+(\d+)\s+(\d+)\s+R/.exec(catalog);
  if (!pagesReference) return undefined;
  const pages = objectBody(text, pagesReference[1]!, pagesReference[2]!);
  const count = pages && /\/Count\s+(\d+)/.exec(pages);
  return count ? Number(count[1]) : undefined;
}

/** The text of `N G obj … endobj`, the last definition winning as incremental updates require. */
function objectBody(text: string, number: string, generation: string): string | undefined {
  const start = [...text.matchAll(new RegExp(`(?:^|[^0-9])${number}\\s+${generation}\\s+obj\\b`, 'g'))].at(
    -1,
  );
  if (!start) return undefined;
  const from = start.index + start[0].length;
  const end = text.indexOf('endobj', from);
  return text.slice(from, end === -1 ? undefined : end);
}
