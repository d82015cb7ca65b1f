import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Browser, CDPSession, HTTPRequest, Page } from 'puppeteer-core';
import { countPdfPages } from './pdf-pages.js';
import { HostilePageError } from './render-errors.js';
import { pdfOptionsOf, type RenderAttempt, type RenderedPdf, type RenderRequest } from './render-request.js';

/** Every request a document made, `data:` URLs included, and the ones that were aborted. */
export interface RequestCounters {
  requests: number;
  blockedRequests: number;
}

/** The render a page is doing now. */
interface CurrentRender {
  blocked: number;
  blockedUrls: string[];
  /** Where the main frame tried to go, if it tried. */
  navigation?: string;
  /** Stops the render at once: the document navigated, the page crashed or time ran out. */
  readonly abort: (error: unknown) => void;
  onLifecycle?: (name: string) => void;
}

const loadGraceMs = 3_000;

/**
 * How many documents a page prints before it is closed and a fresh one takes its place (see {@link SandboxedPage.worn}).
 */
export const RENDERS_PER_PAGE = 8;

/**
 * One browser page that treats every document as hostile: scripts are off, every request other than a `data:` URL is
 * aborted (the browser has no network to fall back on either), and a document whose main frame tries to navigate,
 * or that carries a meta refresh, fails. A page that saw anything a fresh page would not carry is no longer
 * reusable.
 */
export class SandboxedPage {
  #current: CurrentRender | undefined;
  #tainted = false;
  #renders = 0;

  private constructor(
    private readonly page: Page,
    /** Our own DevTools session on the page, for what Puppeteer does not expose. */
    private readonly cdp: CDPSession,
    private readonly mainFrameId: string,
    private readonly logger: Logger,
    private readonly counters: RequestCounters,
  ) {}

  static async open(
    browser: Browser,
    options: { logger: Logger; counters: RequestCounters },
  ): Promise<SandboxedPage> {
    const page = await browser.newPage();
    try {
      const cdp = await page.createCDPSession();
      const { frameTree } = await cdp.send('Page.getFrameTree');
      const sandboxed = new SandboxedPage(page, cdp, frameTree.frame.id, options.logger, options.counters);
      await sandboxed.#lockDown();
      return sandboxed;
    } catch (error) {
      await page.close().catch(() => undefined);
      throw error;
    }
  }

  /** False once the page saw something (a navigation, a crash, a late request) that a fresh page would not carry. */
  get reusable(): boolean {
    return !this.#tainted;
  }

  /**
   * True once the page has printed {@link RENDERS_PER_PAGE} documents: it should be closed and replaced. A page with
   * scripts off never collects its garbage on its own, so every document it replaced stays on its renderer's heap
   * (renderer RSS 2.1× over 60 renders of a 26-page packet). Collecting from DevTools between renders kept the memory
   * flat but cost about 150 ms of the renderer's CPU a collection, and the renderer came out 1.07–1.11× raw
   * `page.pdf` (bench:packet). Closing the page ends its renderer process and returns all of its memory; opening the
   * next one costs about 80 ms once per {@link RENDERS_PER_PAGE} renders, and the browser session opens it ahead.
   */
  get worn(): boolean {
    return this.#renders >= RENDERS_PER_PAGE;
  }

  /**
   * Writes the document into the page, waits for it to load and prints it. Fails with {@link HostilePageError}
   * when the document tries to navigate, and with the signal's reason when the attempt is aborted.
   */
  async render(request: RenderRequest, attempt: RenderAttempt): Promise<RenderedPdf> {
    const started = performance.now();
    let abort!: (error: unknown) => void;
    const aborted = new Promise<never>((_resolve, reject) => {
      abort = reject;
    });
    aborted.catch(() => undefined);
    const current: CurrentRender = { blocked: 0, blockedUrls: [], abort };
    const onAbort = () => {
      this.#tainted = true;
      abort(attempt.signal.reason);
    };
    this.#current = current;
    attempt.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const printing = this.#loadAndPrint(request, attempt, current);
      printing.catch(() => undefined);
      let bytes: Uint8Array;
      try {
        bytes = await Promise.race([printing, aborted]);
      } catch (error) {
        // A navigation also shows as "execution context destroyed" from whatever was running at the time.
        if (current.navigation !== undefined) throw navigationError(current.navigation);
        throw error;
      }
      if (current.navigation !== undefined) throw navigationError(current.navigation);
      const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (current.blocked > 0) {
        this.logger.warn(
          { blocked: current.blocked, urls: current.blockedUrls },
          'the rendered document tried to load resources; they were blocked',
        );
      }
      return {
        pdf,
        pageCount: countPdfPages(pdf),
        renderMs: Math.round(performance.now() - started),
        blockedRequests: current.blocked,
      };
    } finally {
      attempt.signal.removeEventListener('abort', onAbort);
      this.#current = undefined;
    }
  }

  /** Stops the render in progress, if any, with `error` (the browser went away under it). */
  abort(error: Error): void {
    this.#tainted = true;
    this.#current?.abort(error);
  }

  /** Closes the page; it is not used again whatever the outcome. */
  close(): Promise<void> {
    this.#tainted = true;
    return this.page.close({ runBeforeUnload: false });
  }

  async #lockDown(): Promise<void> {
    const { page, cdp } = this;
    page.on('request', (request) => this.#onRequest(request));
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.#onNavigation(shortened(frame.url()));
    });
    page.on('error', (error) => {
      this.#tainted = true;
      this.logger.warn({ err: error }, 'a browser page crashed');
      this.#current?.abort(new Error(`The browser page crashed while rendering: ${error.message}`));
    });
    // Chromium announces a navigation the document starts (a meta refresh, even one to about:blank)
    // before anything is torn down, which tells a navigation apart from an ordinary failure.
    cdp.on('Page.frameRequestedNavigation', (event) => {
      if (event.frameId === this.mainFrameId) this.#onNavigation(shortened(event.url));
    });
    page.on('close', () => {
      this.#tainted = true;
      this.#current?.abort(new Error('The browser page closed while rendering'));
    });
    cdp.on('Page.lifecycleEvent', (event) => {
      if (event.frameId === this.mainFrameId) this.#current?.onLifecycle?.(event.name);
    });
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    // Offline as well: a request that somehow escaped interception still has no network.
    await page.setOfflineMode(true);
    await cdp.send('Page.enable');
    await cdp.send('Page.setLifecycleEventsEnabled', { enabled: true });
  }

  async #loadAndPrint(
    request: RenderRequest,
    attempt: RenderAttempt,
    current: CurrentRender,
  ): Promise<Uint8Array> {
    this.#renders += 1;
    attempt.reached('loading the document');
    await this.#loadDocument(request.html, current);
    // A refresh fires on its own timer and can land after the PDF is made; refuse it outright.
    const refresh = await this.page.evaluate(
      `document.querySelector('meta[http-equiv="refresh" i]')?.getAttribute('content') ?? null`,
    );
    if (refresh !== null) {
      this.#tainted = true;
      throw new HostilePageError(
        `The document has a meta refresh (${String(refresh).slice(0, 200)}); documents may not navigate`,
      );
    }
    attempt.reached('printing');
    const remaining = Math.max(1, Math.ceil(attempt.deadlineAt - performance.now()));
    return this.page.pdf({ ...pdfOptionsOf(request), timeout: remaining });
  }

  /**
   * Replaces the page's document with the HTML (no request is made for it; the page stays at about:blank)
   * and waits until it has loaded. Chromium sometimes never fires `load` for a document whose resources
   * were blocked (an external SVG `<use>` does it), so "the network has gone idle" counts as loaded too,
   * and so, in the end, does a short grace after the DOM is ready: with every request refused, nothing
   * more can arrive.
   */
  async #loadDocument(html: string, current: CurrentRender): Promise<void> {
    let grace: NodeJS.Timeout | undefined;
    const loaded = new Promise<void>((resolve) => {
      let opened = false;
      current.onLifecycle = (name) => {
        if (name === 'init') {
          opened = true;
        } else if (opened && (name === 'load' || name === 'networkIdle')) {
          resolve();
        } else if (opened && name === 'DOMContentLoaded') {
          grace = setTimeout(() => {
            this.logger.warn(
              { graceMs: loadGraceMs },
              'the document never finished loading; printing it as it is',
            );
            resolve();
          }, loadGraceMs);
        }
      };
    });
    try {
      await this.cdp.send('Page.setDocumentContent', { frameId: this.mainFrameId, html });
      await loaded;
    } finally {
      clearTimeout(grace);
      current.onLifecycle = undefined;
    }
  }

  #onRequest(request: HTTPRequest): void {
    this.counters.requests += 1;
    const url = request.url();
    const navigatesAway = request.isNavigationRequest() && request.frame() === this.page.mainFrame();
    if (url.startsWith('data:') && !navigatesAway) {
      request.continue().catch(() => undefined);
      return;
    }
    request.abort('blockedbyclient').catch(() => undefined);
    this.counters.blockedRequests += 1;
    const shown = shortened(url);
    this.logger.debug(
      { url: shown, type: request.resourceType() },
      'blocked a request from a rendered document',
    );
    const current = this.#current;
    if (!current) {
      this.#tainted = true;
      return;
    }
    current.blocked += 1;
    if (current.blockedUrls.length < 10) current.blockedUrls.push(shown);
    if (navigatesAway) this.#onNavigation(shown);
  }

  #onNavigation(url: string): void {
    this.#tainted = true;
    const current = this.#current;
    if (!current || current.navigation !== undefined) return;
    current.navigation = url;
    current.abort(navigationError(url));
  }
}

const shortened = (url: string): string => (url.length > 200 ? `${url.slice(0, 200)}…` : url);

function navigationError(url: string): HostilePageError {
  return new HostilePageError(
    `The document tried to navigate to ${url}; documents are rendered as given and may not navigate`,
  );
}
