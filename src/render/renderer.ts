import os from 'node:os';
import { pino, type Logger } from 'pino';
import { BrowserPool } from './browser-pool.js';
import { locateChromium } from './chromium.js';
import { BrowserCrashedError, RendererUnavailableError, RenderTimeoutError } from './render-errors.js';
import { RenderQueue, type FailureVerdict } from './render-queue.js';
import type { RenderedPdf, RenderRequest } from './render-request.js';

export {
  BrowserCrashedError,
  HostilePageError,
  RenderError,
  RendererBusyError,
  RendererUnavailableError,
  RenderTimeoutError,
} from './render-errors.js';
export { pdfOptionsOf, type PageSize, type RenderedPdf, type RenderRequest } from './render-request.js';

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

/** A probe for the app's `/readyz`. */
export interface RendererReadinessCheck {
  name: 'renderer';
  check(): Promise<boolean>;
}

/**
 * Turns HTML into PDF. Documents are treated as hostile (see `sandboxed-page.ts`). Renders beyond the pool wait in a
 * bounded queue; beyond that the renderer refuses them as busy. A browser that crashes is relaunched without losing
 * waiting renders, and the one that was running is tried once more.
 *
 * Failures are {@link RenderError}s: busy, timeout, unavailable, browser crashed, hostile page.
 */
export interface Renderer {
  /**
   * Launches the browser now rather than on the first render, after clearing away profiles that killed
   * processes left behind. Never throws: a problem shows in the status.
   */
  start(): Promise<RendererStatus>;
  render(request: RenderRequest): Promise<RenderedPdf>;
  status(): RendererStatus;
  metrics(): RendererMetrics;
  /** Ready when renders can be served. After a failed launch each probe past the back-off tries again. */
  readinessCheck(): RendererReadinessCheck;
  /**
   * Refuses waiting renders, gives running ones a moment to finish, then closes every page and browser,
   * kills any process left behind and removes the temporary profiles.
   */
  close(): Promise<void>;
}

export const createRenderer = (options: RendererOptions = {}): Renderer => new QueuedBrowserRenderer(options);

/** The queue in front of the browser pool: the queue starts a render when the pool has a browser for it. */
class QueuedBrowserRenderer implements Renderer {
  readonly #logger: Logger;
  readonly #pool: BrowserPool;
  readonly #queue: RenderQueue;
  #closing: Promise<void> | undefined;

  constructor(options: RendererOptions) {
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'renderer' });
    const concurrency = Math.max(1, options.concurrency ?? os.availableParallelism());
    this.#pool = new BrowserPool({
      location: locateChromium({
        configuredPath: options.executablePath,
        ...(options.systemChromiumPaths ? { systemPaths: options.systemChromiumPaths } : {}),
      }),
      recycleAfter: Math.max(1, options.recycleAfter ?? 200),
      launchTimeoutMs: options.launchTimeoutMs ?? 30_000,
      closeTimeoutMs: options.closeTimeoutMs ?? 5_000,
      profileParentDir: options.profileParentDir,
      logger: this.#logger,
      onChange: () => this.#queue.pump(),
      onLaunchFailed: (message) =>
        this.#queue.refuseWaiting(new RendererUnavailableError(`Chromium could not be started: ${message}`)),
    });
    this.#queue = new RenderQueue({
      concurrency,
      maxQueue: options.maxQueue ?? 4 * concurrency,
      deadlineMs: options.deadlineMs ?? 30_000,
      canStart: () => this.#pool.ready(),
      afterFailure: (error, attempts) => this.#afterFailure(error, attempts),
    });
  }

  async start(): Promise<RendererStatus> {
    await this.#pool.start();
    return this.status();
  }

  status(): RendererStatus {
    const reason = this.#pool.unavailableReason();
    return {
      available: reason === undefined,
      ...(reason === undefined ? {} : { reason }),
      ...this.#pool.status(),
      queued: this.#queue.waiting,
      active: this.#queue.active,
    };
  }

  readinessCheck(): RendererReadinessCheck {
    return {
      name: 'renderer',
      check: () => {
        this.#pool.retryLaunch();
        return Promise.resolve(this.status().available);
      },
    };
  }

  metrics(): RendererMetrics {
    return { ...this.#pool.counters(), ...this.#queue.counters() };
  }

  async render(request: RenderRequest): Promise<RenderedPdf> {
    const unavailable = this.#pool.unavailableReason();
    // After a failed launch, a render past the back-off tries to start the browser again.
    if (unavailable !== undefined && !this.#pool.launchRetryDue())
      throw new RendererUnavailableError(unavailable);
    try {
      return await this.#queue.submit((attempt) => this.#pool.render(request, attempt), request.deadlineMs);
    } catch (error) {
      if (error instanceof RenderTimeoutError) {
        this.#logger.warn({ deadlineMs: error.deadlineMs, stage: error.stage }, 'a render ran out of time');
      }
      throw error;
    }
  }

  close(): Promise<void> {
    this.#closing ??= (() => {
      this.#queue.close(new RendererUnavailableError('The PDF renderer is shutting down'));
      return this.#pool.close();
    })();
    return this.#closing;
  }

  /** A render whose browser crashed is tried once more on a new one, unless the renderer is shutting down. */
  #afterFailure(error: unknown, attempts: number): FailureVerdict {
    if (!(error instanceof BrowserCrashedError)) return { fail: error };
    if (this.#closing) {
      return { fail: new RendererUnavailableError('The PDF renderer shut down before the PDF was rendered') };
    }
    if (attempts < 2) {
      this.#logger.warn('the browser crashed during a render; trying it again');
      return { retry: true };
    }
    return { fail: new BrowserCrashedError('The browser crashed twice while rendering this document') };
  }
}
