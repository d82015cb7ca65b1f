import type { PDFMargin, PDFOptions } from 'puppeteer-core';

export type PageSize = 'letter' | 'a4';

export interface RenderRequest {
  /** A complete HTML document. Nothing it refers to is loaded except `data:` URLs; scripts do not run. */
  html: string;
  pageSize: PageSize;
  /**
   * Chromium print templates for the running header and footer; `<span class="pageNumber">` and
   * `<span class="totalPages">` are filled in per page. They are rendered apart from the document, so they
   * carry their own inline styles.
   */
  headerTemplate?: string;
  footerTemplate?: string;
  /** Page margins when the document sets none with CSS `@page` (which wins). */
  margin?: PDFMargin;
  /** A tagged (accessible) PDF is larger and slower to make; off unless asked for. */
  tagged?: boolean;
  /** How long the render may take, time waiting in the queue included. */
  deadlineMs?: number;
}

export interface RenderedPdf {
  pdf: Buffer;
  pageCount: number;
  /** Time spent rendering, after waiting in the queue. */
  renderMs: number;
  /** Requests the document tried to make that the renderer aborted. */
  blockedRequests: number;
}

/** How far a render got; a render that runs out of time says where. */
export type RenderStage = 'waiting in the queue' | 'opening a page' | 'loading the document' | 'printing';

/** One go at a render, as the queue hands it out: its deadline, and the signal that stops it early. */
export interface RenderAttempt {
  /** Aborted when the render runs out of time; whatever it holds is given up. */
  readonly signal: AbortSignal;
  /** `performance.now()` by which the PDF must be made. */
  readonly deadlineAt: number;
  reached(stage: RenderStage): void;
}

const headerFooterMargin: PDFMargin = { top: '20mm', bottom: '20mm', left: '15mm', right: '15mm' };
const emptyTemplate = '<span></span>';

/**
 * The print options of a render request. Exported so that benchmarks print their raw-Chromium baseline with exactly
 * the options the renderer uses.
 */
export function pdfOptionsOf(
  request: Pick<RenderRequest, 'pageSize' | 'headerTemplate' | 'footerTemplate' | 'margin' | 'tagged'>,
): PDFOptions {
  const templates = request.headerTemplate !== undefined || request.footerTemplate !== undefined;
  return {
    format: request.pageSize === 'a4' ? 'A4' : 'Letter',
    // The requested size is the packet's paper; a document's own `@page { size }` does not change it.
    preferCSSPageSize: false,
    printBackground: true,
    displayHeaderFooter: templates,
    ...(templates
      ? {
          headerTemplate: request.headerTemplate ?? emptyTemplate,
          footerTemplate: request.footerTemplate ?? emptyTemplate,
        }
      : {}),
    ...(request.margin ? { margin: request.margin } : templates ? { margin: headerFooterMargin } : {}),
    tagged: request.tagged ?? false,
    outline: false,
  };
}
