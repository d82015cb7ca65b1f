import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import puppeteer, {
  type Browser,
  type CDPSession,
  type HTTPRequest,
  type Page,
  type PDFMargin,
  type PDFOptions,
} from 'puppeteer-core';
import type { ReadinessCheck } from '../shared/readiness.js';
import { AppError } from '../http/errors.js';
import {
  browserExited,
  browserProcessesGone,
  chromiumArgs,
  createProfileDir,
  killBrowserProcesses,
  locateChromium,
  removeAbandonedProfiles,
  removeProfileDir,
  runningAsRoot,
  type ChromiumLocation,
} from './chromium.js';
import { countPdfPages } from './pdf-pages.js';

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

export interface RendererOptions {
  /** `PUPPETEER_EXECUTABLE_PATH`; without it a system Chromium is looked for. */
  executablePath?: string | undefined;
  /** Where to look for a system browser; tests point it elsewhere. */
  systemChromiumPaths?: readonly string[];
  /** Renders at the same time, one browser page each (`RENDER_CONCURRENCY`). */
  concurrency?: number;
  /** Renders allowed to wait for a page; more are refused as busy. Default 4 × concurrency. */
  maxQueue?: number;
  /** The browser is replaced after this many renders, to bound its memory. Default 200. */
  recycleAfter?: number;
  /** Default deadline of a render, queue time included. Default 30 s. */
  deadlineMs?: number;
  launchTimeoutMs?: number;
  /** How long close() lets running renders finish, and how long a browser gets to exit before it is killed. */
  closeTimeoutMs?: number;
  /** Parent of the temporary browser profiles. Default the OS temp directory. */
  profileParentDir?: string;
  logger?: Logger;
}

export interface RendererStatus {
  available: boolean;
  /** Why PDFs cannot be rendered, when they cannot. */
  reason?: string;
  launched: boolean;
  queued: number;
  active: number;
  rendersSinceLaunch: number;
  browserPid: number | undefined;
}

/** Counters since the renderer was created. */
export interface RendererMetrics {
  launches: number;
  crashes: number;
  /** Renders started again on a new browser after theirs crashed. */
  retries: number;
  rendered: number;
  failed: number;
  /** Every request a document made, `data:` URLs included. */
  requests: number;
  blockedRequests: number;
  pagesDiscarded: number;
}

/** A render that failed for a reason of the document or the browser rather than the caller's load. */
export class RenderError extends Error {
  constructor(
    readonly reason: 'navigation' | 'browser_crashed',
    message: string,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

export const createRenderer = (options: RendererOptions = {}): Renderer => new Renderer(options);

interface BrowserSession {
  readonly browser: Browser;
  readonly process: ChildProcess | null;
  readonly pid: number | undefined;
  readonly profileDir: string;
  readonly idlePages: PooledPage[];
  /** Every open page, idle or in use. */
  readonly pages: Set<PooledPage>;
  active: number;
  rendersStarted: number;
  /** No new renders; closed once the running ones finish. */
  retiring: boolean;
  crashed: boolean;
  disposed?: Promise<void>;
}

interface PooledPage {
  readonly page: Page;
  /** Our own DevTools session on the page, for what Puppeteer does not expose. */
  readonly cdp: CDPSession;
  readonly mainFrameId: string;
  readonly session: BrowserSession;
  current: RenderAttempt | undefined;
  /** Something happened on the page that a fresh page would not carry; it is not reused. */
  tainted: boolean;
}

interface PendingRender {
  readonly request: RenderRequest;
  readonly deadlineMs: number;
  readonly deadlineAt: number;
  readonly resolve: (result: RenderedPdf) => void;
  readonly reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
  attempts: number;
  attempt?: RenderAttempt;
  settled: boolean;
}

interface RenderAttempt {
  readonly pending: PendingRender;
  readonly session: BrowserSession;
  pooled?: PooledPage;
  blocked: number;
  blockedUrls: string[];
  /** Where the main frame tried to go, if it tried. */
  navigation?: string;
  /** Stops the render at once: the document navigated, its page crashed or time ran out. */
  abort?: (error: Error) => void;
  onLifecycle?: (name: string) => void;
  /** The attempt no longer holds its slot (finished, failed or out of time). */
  released: boolean;
  /** How far it got, for the log when it runs out of time. */
  stage: 'opening a page' | 'loading the document' | 'printing';
}

type AttemptOutcome = { result: RenderedPdf } | { error: unknown } | { deadline: true };

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
const launchRetryAfterMs = 5_000;
const loadGraceMs = 3_000;

/**
 * Turns HTML into PDF with one long-lived headless Chromium and a small pool of reused pages. Documents are
 * treated as hostile: scripts are off, every request other than a `data:` URL is aborted (and the browser
 * has no network to fall back on), and a document whose main frame tries to navigate fails.
 *
 * Renders beyond the pool wait in a bounded queue; beyond that the renderer answers busy. A browser that
 * crashes is relaunched without losing waiting renders, and the one that was running is tried once more.
 */
export class Renderer {
  readonly #location: ChromiumLocation;
  readonly #concurrency: number;
  readonly #maxQueue: number;
  readonly #recycleAfter: number;
  readonly #deadlineMs: number;
  readonly #launchTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #profileParentDir: string | undefined;
  readonly #logger: Logger;

  readonly #waiting: PendingRender[] = [];
  readonly #sessions = new Set<BrowserSession>();
  #session: BrowserSession | undefined;
  #launching: Promise<void> | undefined;
  #launchFailure: { message: string; at: number } | undefined;
  #active = 0;
  #closing: Promise<void> | undefined;
  #averageRenderMs = 1_000;
  readonly #metrics: RendererMetrics = {
    launches: 0,
    crashes: 0,
    retries: 0,
    rendered: 0,
    failed: 0,
    requests: 0,
    blockedRequests: 0,
    pagesDiscarded: 0,
  };

  constructor(options: RendererOptions = {}) {
    this.#location = locateChromium({
      configuredPath: options.executablePath,
      ...(options.systemChromiumPaths ? { systemPaths: options.systemChromiumPaths } : {}),
    });
    this.#concurrency = Math.max(1, options.concurrency ?? os.availableParallelism());
    this.#maxQueue = Math.max(0, options.maxQueue ?? 4 * this.#concurrency);
    this.#recycleAfter = Math.max(1, options.recycleAfter ?? 200);
    this.#deadlineMs = options.deadlineMs ?? 30_000;
    this.#launchTimeoutMs = options.launchTimeoutMs ?? 30_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
    this.#profileParentDir = options.profileParentDir;
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'renderer' });
  }

  /**
   * Launches the browser now rather than on the first render, after clearing away profiles that killed
   * processes left behind. Never throws: a problem shows in status().
   */
  async start(): Promise<RendererStatus> {
    const abandoned = await removeAbandonedProfiles(this.#profileParentDir).catch(() => []);
    if (abandoned.length > 0) this.#logger.info({ removed: abandoned }, 'removed abandoned browser profiles');
    if (!this.#location.found) {
      this.#logger.warn({ reason: this.#location.reason }, 'PDF rendering is unavailable');
    } else if (!this.#closing && !this.#session) {
      this.#launch();
      await this.#launching;
    }
    return this.status();
  }

  status(): RendererStatus {
    const reason = this.#unavailableReason();
    const session = this.#session;
    return {
      available: reason === undefined,
      ...(reason === undefined ? {} : { reason }),
      launched: session !== undefined && !session.crashed,
      queued: this.#waiting.length,
      active: this.#active,
      rendersSinceLaunch: session?.rendersStarted ?? 0,
      browserPid: session?.pid,
    };
  }

  /** Ready when renders can be served. After a failed launch each probe past the back-off tries again. */
  readinessCheck(): ReadinessCheck {
    return {
      name: 'renderer',
      check: () => {
        if (this.#launchFailure && !this.#launchBackingOff()) this.#launch();
        return Promise.resolve(this.status().available);
      },
    };
  }

  metrics(): RendererMetrics {
    return { ...this.#metrics };
  }

  async render(request: RenderRequest): Promise<RenderedPdf> {
    const unavailable = this.#unavailableReason();
    // After a failed launch, a render past the back-off tries to start the browser again.
    if (unavailable !== undefined && (!this.#launchFailure || this.#closing || this.#launchBackingOff())) {
      throw new AppError('renderer_unavailable', 503, unavailable);
    }
    if (this.#waiting.length + this.#active >= this.#concurrency + this.#maxQueue) {
      throw new AppError('renderer_busy', 503, 'The PDF renderer is busy; try again shortly', undefined, {
        'Retry-After': String(this.#retryAfterSeconds()),
      });
    }
    const deadlineMs = request.deadlineMs ?? this.#deadlineMs;
    return new Promise<RenderedPdf>((resolve, reject) => {
      const pending: PendingRender = {
        request,
        deadlineMs,
        deadlineAt: performance.now() + deadlineMs,
        resolve,
        reject,
        attempts: 0,
        settled: false,
      };
      pending.timer = setTimeout(() => this.#expire(pending), deadlineMs);
      this.#waiting.push(pending);
      this.#pump();
    });
  }

  /**
   * Refuses waiting renders, gives running ones a moment to finish, then closes every page and browser,
   * kills any process left behind and removes the temporary profiles.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const pending of this.#waiting.splice(0)) {
        this.#settle(pending, {
          error: new AppError('renderer_unavailable', 503, 'The PDF renderer is shutting down'),
        });
      }
      const until = performance.now() + this.#closeTimeoutMs;
      while (this.#active > 0 && performance.now() < until) await delay(25);
      await this.#launching;
      this.#session = undefined;
      await Promise.all([...this.#sessions].map((session) => this.#dispose(session)));
    })();
    return this.#closing;
  }

  #unavailableReason(): string | undefined {
    if (this.#closing) return 'The PDF renderer is shut down';
    if (!this.#location.found) return this.#location.reason;
    if (this.#launchFailure) return `Chromium could not be started: ${this.#launchFailure.message}`;
    return undefined;
  }

  #launchBackingOff(): boolean {
    return (
      this.#launchFailure !== undefined && performance.now() - this.#launchFailure.at < launchRetryAfterMs
    );
  }

  #retryAfterSeconds(): number {
    const seconds = Math.ceil(
      (this.#averageRenderMs * (this.#waiting.length / this.#concurrency + 1)) / 1000,
    );
    return Math.min(60, Math.max(1, seconds));
  }

  /** Starts waiting renders while there are free pages and a browser to put them on. */
  #pump(): void {
    if (this.#closing) return;
    while (this.#waiting.length > 0 && this.#active < this.#concurrency) {
      const session = this.#session;
      if (!session || session.crashed || session.retiring) {
        this.#launch();
        return;
      }
      const pending = this.#waiting.shift()!;
      const attempt: RenderAttempt = {
        pending,
        session,
        blocked: 0,
        blockedUrls: [],
        released: false,
        stage: 'opening a page',
      };
      pending.attempt = attempt;
      pending.attempts += 1;
      this.#active += 1;
      session.active += 1;
      session.rendersStarted += 1;
      if (session.rendersStarted >= this.#recycleAfter) this.#retire(session, 'recycle');
      void this.#run(attempt);
    }
  }

  #launch(): void {
    if (this.#launching || this.#closing || !this.#location.found) return;
    const executablePath = this.#location.executablePath;
    this.#launching = this.#startBrowser(executablePath).then(
      (session) => {
        this.#launching = undefined;
        this.#launchFailure = undefined;
        if (this.#closing) {
          void this.#dispose(session);
          return;
        }
        this.#session = session;
        this.#pump();
      },
      (error: unknown) => {
        this.#launching = undefined;
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        this.#launchFailure = { message, at: performance.now() };
        this.#logger.error({ err: error, executablePath }, 'Chromium could not be started');
        for (const pending of this.#waiting.splice(0)) {
          this.#settle(pending, {
            error: new AppError('renderer_unavailable', 503, `Chromium could not be started: ${message}`),
          });
        }
      },
    );
  }

  async #startBrowser(executablePath: string): Promise<BrowserSession> {
    const profileDir = createProfileDir(this.#profileParentDir);
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath,
        headless: true,
        pipe: true,
        userDataDir: profileDir,
        args: chromiumArgs({ runningAsRoot: runningAsRoot() }),
        timeout: this.#launchTimeoutMs,
        // The service shuts down in its own order (HTTP, browser, database); Puppeteer's signal handlers
        // would kill the browser first, or exit the process.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (error) {
      await removeProfileDir(profileDir);
      throw error;
    }
    const browserProcess = browser.process();
    const session: BrowserSession = {
      browser,
      process: browserProcess,
      pid: browserProcess?.pid,
      profileDir,
      idlePages: [],
      pages: new Set(),
      active: 0,
      rendersStarted: 0,
      retiring: false,
      crashed: false,
    };
    this.#sessions.add(session);
    this.#metrics.launches += 1;
    browser.on('disconnected', () => this.#onDisconnected(session));
    this.#logger.info({ pid: session.pid, executablePath }, 'Chromium started');
    return session;
  }

  #onDisconnected(session: BrowserSession): void {
    if (session.disposed || session.crashed) return;
    session.crashed = true;
    this.#metrics.crashes += 1;
    this.#logger.warn(
      {
        pid: session.pid,
        running: session.active,
        exitCode: session.process?.exitCode,
        signal: session.process?.signalCode,
      },
      'Chromium exited unexpectedly; starting a new one',
    );
    if (this.#session === session) this.#session = undefined;
    for (const pooled of session.pages)
      pooled.current?.abort?.(new Error('The browser exited while rendering'));
    void this.#dispose(session);
    this.#pump();
  }

  /** Stops giving the browser new work; it is closed once its running renders finish. */
  #retire(session: BrowserSession, why: 'recycle' | 'stuck page'): void {
    if (session.retiring) return;
    session.retiring = true;
    if (this.#session === session) this.#session = undefined;
    this.#logger.info({ pid: session.pid, renders: session.rendersStarted, why }, 'replacing Chromium');
    if (session.active === 0) void this.#dispose(session);
    // The replacement starts now, while the old browser finishes what it has.
    this.#launch();
  }

  #dispose(session: BrowserSession): Promise<void> {
    session.disposed ??= (async () => {
      if (session.browser.connected) {
        await Promise.race([
          session.browser.close().catch(() => undefined),
          unrefDelay(this.#closeTimeoutMs),
        ]);
      }
      killBrowserProcesses(session.process);
      const exited = await browserExited(session.process, this.#closeTimeoutMs);
      if (!exited || !(await browserProcessesGone(session.process, this.#closeTimeoutMs))) {
        this.#logger.error({ pid: session.pid }, 'Chromium processes were still there after SIGKILL');
      }
      await removeProfileDir(session.profileDir).catch((error: unknown) =>
        this.#logger.warn({ err: error, dir: session.profileDir }, 'could not remove the browser profile'),
      );
      this.#sessions.delete(session);
    })();
    return session.disposed;
  }

  async #run(attempt: RenderAttempt): Promise<void> {
    let pooled: PooledPage | undefined;
    try {
      pooled = await this.#acquirePage(attempt.session);
      if (attempt.released) {
        // Out of time while the page was being made; the page itself was never used.
        this.#returnPage(pooled);
        return;
      }
      attempt.pooled = pooled;
      pooled.current = attempt;
      const result = await this.#print(pooled, attempt);
      this.#finish(attempt, { result });
    } catch (error) {
      this.#finish(attempt, { error });
    }
  }

  async #acquirePage(session: BrowserSession): Promise<PooledPage> {
    for (let idle = session.idlePages.pop(); idle; idle = session.idlePages.pop()) {
      if (!idle.tainted) return idle;
      void this.#discardPage(idle);
    }
    const page = await session.browser.newPage();
    try {
      const cdp = await page.createCDPSession();
      const { frameTree } = await cdp.send('Page.getFrameTree');
      const pooled: PooledPage = {
        page,
        cdp,
        mainFrameId: frameTree.frame.id,
        session,
        current: undefined,
        tainted: false,
      };
      session.pages.add(pooled);
      page.on('request', (request) => this.#onRequest(pooled, request));
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) this.#onNavigation(pooled, shortened(frame.url()));
      });
      page.on('error', (error) => {
        pooled.tainted = true;
        this.#logger.warn({ err: error }, 'a browser page crashed');
        pooled.current?.abort?.(new Error(`The browser page crashed while rendering: ${error.message}`));
      });
      // Chromium announces a navigation the document starts (a meta refresh, even one to about:blank)
      // before anything is torn down, which tells a navigation apart from an ordinary failure.
      cdp.on('Page.frameRequestedNavigation', (event) => {
        if (event.frameId === pooled.mainFrameId) this.#onNavigation(pooled, shortened(event.url));
      });
      page.on('close', () => {
        pooled.tainted = true;
        pooled.current?.abort?.(new Error('The browser page closed while rendering'));
      });
      cdp.on('Page.lifecycleEvent', (event) => {
        if (event.frameId === pooled.mainFrameId) pooled.current?.onLifecycle?.(event.name);
      });
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      // Offline as well: a request that somehow escaped interception still has no network.
      await page.setOfflineMode(true);
      await cdp.send('Page.enable');
      await cdp.send('Page.setLifecycleEventsEnabled', { enabled: true });
      return pooled;
    } catch (error) {
      await page.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Replaces the page's document with the HTML (no request is made for it; the page stays at about:blank)
   * and waits until it has loaded. Chromium sometimes never fires `load` for a document whose resources
   * were blocked (an external SVG `<use>` does it), so "the network has gone idle" counts as loaded too,
   * and so, in the end, does a short grace after the DOM is ready: with every request refused, nothing
   * more can arrive.
   */
  async #loadDocument(pooled: PooledPage, attempt: RenderAttempt, html: string): Promise<void> {
    let grace: NodeJS.Timeout | undefined;
    const loaded = new Promise<void>((resolve) => {
      let opened = false;
      attempt.onLifecycle = (name) => {
        if (name === 'init') {
          opened = true;
        } else if (opened && (name === 'load' || name === 'networkIdle')) {
          resolve();
        } else if (opened && name === 'DOMContentLoaded') {
          grace = setTimeout(() => {
            this.#logger.warn(
              { graceMs: loadGraceMs },
              'the document never finished loading; printing it as it is',
            );
            resolve();
          }, loadGraceMs);
        }
      };
    });
    try {
      await pooled.cdp.send('Page.setDocumentContent', { frameId: pooled.mainFrameId, html });
      await loaded;
    } finally {
      clearTimeout(grace);
      attempt.onLifecycle = undefined;
    }
  }

  #onRequest(pooled: PooledPage, request: HTTPRequest): void {
    this.#metrics.requests += 1;
    const url = request.url();
    const navigatesAway = request.isNavigationRequest() && request.frame() === pooled.page.mainFrame();
    if (url.startsWith('data:') && !navigatesAway) {
      request.continue().catch(() => undefined);
      return;
    }
    request.abort('blockedbyclient').catch(() => undefined);
    this.#metrics.blockedRequests += 1;
    const shown = shortened(url);
    this.#logger.debug(
      { url: shown, type: request.resourceType() },
      'blocked a request from a rendered document',
    );
    const attempt = pooled.current;
    if (!attempt) {
      pooled.tainted = true;
      return;
    }
    attempt.blocked += 1;
    if (attempt.blockedUrls.length < 10) attempt.blockedUrls.push(shown);
    if (navigatesAway) this.#onNavigation(pooled, shown);
  }

  #onNavigation(pooled: PooledPage, url: string): void {
    pooled.tainted = true;
    const attempt = pooled.current;
    if (!attempt || attempt.navigation !== undefined) return;
    attempt.navigation = url;
    attempt.abort?.(navigationError(url));
  }

  async #print(pooled: PooledPage, attempt: RenderAttempt): Promise<RenderedPdf> {
    const { page } = pooled;
    const { request, deadlineAt } = attempt.pending;
    const remaining = () => Math.max(1, Math.ceil(deadlineAt - performance.now()));
    const started = performance.now();
    const aborted = new Promise<never>((_resolve, reject) => {
      attempt.abort = reject;
    });
    const printing = (async () => {
      attempt.stage = 'loading the document';
      await this.#loadDocument(pooled, attempt, request.html);
      // A refresh fires on its own timer and can land after the PDF is made; refuse it outright.
      const refresh = await page.evaluate(
        `document.querySelector('meta[http-equiv="refresh" i]')?.getAttribute('content') ?? null`,
      );
      if (refresh !== null)
        throw new RenderError(
          'navigation',
          `The document has a meta refresh (${String(refresh).slice(0, 200)}); documents may not navigate`,
        );
      attempt.stage = 'printing';
      return page.pdf({ ...pdfOptionsOf(request), timeout: remaining() });
    })();
    printing.catch(() => undefined);
    aborted.catch(() => undefined);
    let bytes: Uint8Array;
    try {
      bytes = await Promise.race([printing, aborted]);
    } catch (error) {
      // A navigation also shows as "execution context destroyed" from whatever was running at the time.
      if (attempt.navigation !== undefined) throw navigationError(attempt.navigation);
      throw error;
    }
    if (attempt.navigation !== undefined) throw navigationError(attempt.navigation);
    const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const renderMs = Math.round(performance.now() - started);
    if (attempt.blocked > 0) {
      this.#logger.warn(
        { blocked: attempt.blocked, urls: attempt.blockedUrls },
        'the rendered document tried to load resources; they were blocked',
      );
    }
    return { pdf, pageCount: countPdfPages(pdf), renderMs, blockedRequests: attempt.blocked };
  }

  #expire(pending: PendingRender): void {
    if (pending.settled) return;
    const index = this.#waiting.indexOf(pending);
    if (index >= 0) {
      this.#waiting.splice(index, 1);
      this.#settle(pending, { deadline: true });
      return;
    }
    if (pending.attempt) this.#finish(pending.attempt, { deadline: true });
  }

  /** Frees the attempt's slot, decides what happens to its page, and settles or retries the render. */
  #finish(attempt: RenderAttempt, outcome: AttemptOutcome): void {
    if (attempt.released) return;
    attempt.released = true;
    const { pending, session, pooled } = attempt;
    this.#active -= 1;
    session.active -= 1;
    // Unwinds a render still waiting on its page.
    if ('deadline' in outcome) attempt.abort?.(new Error('The render ran out of time'));
    if (pooled) {
      pooled.current = undefined;
      if ('result' in outcome && !pooled.tainted && !session.crashed) this.#returnPage(pooled);
      else void this.#discardPage(pooled);
    }
    const crashed = 'error' in outcome && (session.crashed || !session.browser.connected);
    if (crashed && !this.#closing && pending.attempts < 2 && !pending.settled) {
      this.#logger.warn({ pid: session.pid }, 'the browser crashed during a render; trying it again');
      pending.attempt = undefined;
      this.#metrics.retries += 1;
      this.#waiting.unshift(pending);
    } else if (crashed) {
      const error = this.#closing
        ? new AppError('renderer_unavailable', 503, 'The PDF renderer shut down before the PDF was rendered')
        : new RenderError('browser_crashed', 'The browser crashed twice while rendering this document');
      this.#settle(pending, { error });
    } else {
      this.#settle(pending, outcome);
    }
    if (session.retiring && session.active === 0) void this.#dispose(session);
    this.#pump();
  }

  #settle(pending: PendingRender, outcome: AttemptOutcome): void {
    if (pending.settled) return;
    pending.settled = true;
    clearTimeout(pending.timer);
    if ('result' in outcome) {
      this.#metrics.rendered += 1;
      this.#averageRenderMs = 0.8 * this.#averageRenderMs + 0.2 * outcome.result.renderMs;
      pending.resolve(outcome.result);
      return;
    }
    this.#metrics.failed += 1;
    if ('deadline' in outcome) {
      const where = pending.attempt ? 'rendered' : 'started';
      this.#logger.warn(
        { deadlineMs: pending.deadlineMs, stage: pending.attempt?.stage ?? 'waiting in the queue' },
        'a render ran out of time',
      );
      pending.reject(
        new AppError(
          'renderer_busy',
          503,
          `The PDF was not ${where} within ${pending.deadlineMs} ms; try again shortly`,
          undefined,
          {
            'Retry-After': String(this.#retryAfterSeconds()),
          },
        ),
      );
      return;
    }
    pending.reject(outcome.error);
  }

  #returnPage(pooled: PooledPage): void {
    if (pooled.session.retiring || pooled.session.crashed || pooled.session.disposed) return;
    pooled.session.idlePages.push(pooled);
  }

  /** Closes a page that must not be reused; a page that will not close takes its browser with it. */
  async #discardPage(pooled: PooledPage): Promise<void> {
    this.#metrics.pagesDiscarded += 1;
    const { session } = pooled;
    session.pages.delete(pooled);
    if (session.crashed || session.disposed) return;
    const closed = await Promise.race([
      pooled.page.close({ runBeforeUnload: false }).then(
        () => true,
        () => !session.browser.connected,
      ),
      unrefDelay(this.#closeTimeoutMs).then(() => false),
    ]);
    if (!closed && !session.crashed && !session.disposed) {
      this.#logger.warn({ pid: session.pid }, 'a browser page did not close; replacing the browser');
      this.#retire(session, 'stuck page');
      this.#pump();
    }
  }
}

/** A wait that does not keep the process alive on its own. */
const unrefDelay = (ms: number): Promise<void> => delay(ms, undefined, { ref: false });

const shortened = (url: string): string => (url.length > 200 ? `${url.slice(0, 200)}…` : url);

function navigationError(url: string): RenderError {
  return new RenderError(
    'navigation',
    `The document tried to navigate to ${url}; documents are rendered as given and may not navigate`,
  );
}
