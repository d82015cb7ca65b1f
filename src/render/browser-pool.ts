import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { BrowserSession, type SessionCounters } from './browser-session.js';
import { removeAbandonedProfiles, type ChromiumLocation } from './chromium.js';
import { BrowserCrashedError } from './render-errors.js';
import type { RenderAttempt, RenderedPdf, RenderRequest } from './render-request.js';

export interface BrowserPoolOptions {
  location: ChromiumLocation;
  /** The browser is replaced after this many renders, to bound its memory. */
  recycleAfter: number;
  launchTimeoutMs: number;
  /** How long close() lets running renders finish, and how long a browser gets to exit before it is killed. */
  closeTimeoutMs: number;
  /** Parent of the temporary browser profiles; the OS temp directory when undefined. */
  profileParentDir: string | undefined;
  logger: Logger;
  /** A browser is up to take renders, or the one there was went away and renders may start a new one. */
  onChange(): void;
  /** Chromium would not start; renders waiting for it will not get one. */
  onLaunchFailed(message: string): void;
}

export interface BrowserPoolCounters extends SessionCounters {
  launches: number;
  crashes: number;
}

export interface BrowserPoolStatus {
  launched: boolean;
  rendersSinceLaunch: number;
  browserPid: number | undefined;
}

interface LaunchFailure {
  readonly message: string;
  readonly at: number;
}

/**
 * Where the pool's browser is. Browsers that were recycled finish their renders outside this state, in
 * `#sessions`, until they are disposed.
 */
type Lifecycle =
  | { readonly state: 'not_installed'; readonly reason: string }
  | { readonly state: 'idle' }
  | { readonly state: 'launching'; readonly launched: Promise<void>; readonly lastFailure?: LaunchFailure }
  | { readonly state: 'running'; readonly session: BrowserSession }
  | { readonly state: 'failed'; readonly failure: LaunchFailure }
  | { readonly state: 'closed' };

const launchRetryAfterMs = 5_000;

/**
 * One long-lived headless Chromium at a time and its pool of reused pages. The browser is launched on demand, and
 * replaced when it crashes (its renders fail with {@link BrowserCrashedError}, for the caller to retry), when it
 * has done `recycleAfter` renders, or when one of its pages gets stuck; a replaced browser finishes the renders it
 * has before it is closed.
 */
export class BrowserPool {
  readonly #options: BrowserPoolOptions;
  readonly #logger: Logger;
  #lifecycle: Lifecycle;
  /** Every browser not yet disposed: the running one and those finishing their renders. */
  readonly #sessions = new Set<BrowserSession>();
  readonly #counters: BrowserPoolCounters = {
    launches: 0,
    crashes: 0,
    requests: 0,
    blockedRequests: 0,
    pagesDiscarded: 0,
  };

  constructor(options: BrowserPoolOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#lifecycle = options.location.found
      ? { state: 'idle' }
      : { state: 'not_installed', reason: options.location.reason };
  }

  /** Clears away profiles that killed processes left behind, then launches the browser and waits for it. */
  async start(): Promise<void> {
    const abandoned = await removeAbandonedProfiles(this.#options.profileParentDir).catch(() => []);
    if (abandoned.length > 0) this.#logger.info({ removed: abandoned }, 'removed abandoned browser profiles');
    if (this.#lifecycle.state === 'not_installed') {
      this.#logger.warn({ reason: this.#lifecycle.reason }, 'PDF rendering is unavailable');
      return;
    }
    this.#launch();
    if (this.#lifecycle.state === 'launching') await this.#lifecycle.launched;
  }

  /** True when a browser is up to take a render; otherwise starts one if it can, and says false. */
  ready(): boolean {
    if (this.#lifecycle.state === 'running') return true;
    this.#launch();
    return false;
  }

  /** Why renders cannot be served now, if they cannot. */
  unavailableReason(): string | undefined {
    const lifecycle = this.#lifecycle;
    switch (lifecycle.state) {
      case 'closed':
        return 'The PDF renderer is shut down';
      case 'not_installed':
        return lifecycle.reason;
      case 'failed':
        return `Chromium could not be started: ${lifecycle.failure.message}`;
      case 'launching':
        return lifecycle.lastFailure && `Chromium could not be started: ${lifecycle.lastFailure.message}`;
      default:
        return undefined;
    }
  }

  /** Whether the last launch failed long enough ago that a render or a readiness probe may try again. */
  launchRetryDue(): boolean {
    const lifecycle = this.#lifecycle;
    const failure =
      lifecycle.state === 'failed'
        ? lifecycle.failure
        : lifecycle.state === 'launching'
          ? lifecycle.lastFailure
          : undefined;
    return failure !== undefined && performance.now() - failure.at >= launchRetryAfterMs;
  }

  /** Launches again after a failed launch, once the back-off has passed. */
  retryLaunch(): void {
    if (this.#lifecycle.state === 'failed' && this.launchRetryDue()) this.#launch();
  }

  status(): BrowserPoolStatus {
    const session = this.#lifecycle.state === 'running' ? this.#lifecycle.session : undefined;
    return {
      launched: session !== undefined,
      rendersSinceLaunch: session?.rendersStarted ?? 0,
      browserPid: session?.pid,
    };
  }

  counters(): BrowserPoolCounters {
    return { ...this.#counters };
  }

  /**
   * Renders on a page of the running browser; call only when `ready()` said so. The render is counted towards the
   * browser's recycling at once, before any await, so the next `ready()` already knows whether it is retiring.
   */
  async render(request: RenderRequest, attempt: RenderAttempt): Promise<RenderedPdf> {
    if (this.#lifecycle.state !== 'running') throw new Error('No browser is running; wait for ready()');
    const { session } = this.#lifecycle;
    session.beginRender();
    if (session.rendersStarted >= this.#options.recycleAfter) this.#retire(session, 'recycle');
    try {
      const page = await session.takePage();
      if (attempt.signal.aborted) {
        // Out of time while the page was being made; the page itself was never used.
        session.releasePage(page);
        throw attempt.signal.reason;
      }
      // The page is given up the moment time runs out, not when the render unwinds.
      const giveUp = () => void session.discardPage(page);
      attempt.signal.addEventListener('abort', giveUp, { once: true });
      try {
        const result = await page.render(request, attempt);
        session.releasePage(page);
        return result;
      } catch (error) {
        void session.discardPage(page);
        throw error;
      } finally {
        attempt.signal.removeEventListener('abort', giveUp);
      }
    } catch (error) {
      throw session.lost ? new BrowserCrashedError('The browser exited while rendering') : error;
    } finally {
      session.endRender();
    }
  }

  /**
   * Stops launching, gives running renders up to `closeTimeoutMs` to finish, then closes every page and browser,
   * kills any process left behind and removes the temporary profiles.
   */
  async close(): Promise<void> {
    const lifecycle = this.#lifecycle;
    this.#lifecycle = { state: 'closed' };
    const until = performance.now() + this.#options.closeTimeoutMs;
    const rendering = () => [...this.#sessions].some((session) => session.active > 0);
    while (rendering() && performance.now() < until) await delay(25);
    if (lifecycle.state === 'launching') await lifecycle.launched;
    await Promise.all([...this.#sessions].map((session) => session.dispose()));
  }

  #launch(): void {
    const lifecycle = this.#lifecycle;
    const { location } = this.#options;
    if ((lifecycle.state !== 'idle' && lifecycle.state !== 'failed') || !location.found) return;
    const { executablePath } = location;
    const launched = BrowserSession.launch({
      executablePath,
      launchTimeoutMs: this.#options.launchTimeoutMs,
      closeTimeoutMs: this.#options.closeTimeoutMs,
      profileParentDir: this.#options.profileParentDir,
      logger: this.#logger,
      counters: this.#counters,
      events: {
        crashed: (session) => this.#onCrash(session),
        stuckPage: (session) => {
          this.#retire(session, 'stuck page');
          this.#options.onChange();
        },
        disposed: (session) => this.#sessions.delete(session),
      },
    }).then(
      (session) => {
        this.#sessions.add(session);
        this.#counters.launches += 1;
        if (this.#lifecycle.state === 'closed') {
          void session.dispose();
          return;
        }
        this.#lifecycle = { state: 'running', session };
        this.#options.onChange();
      },
      (error: unknown) => {
        if (this.#lifecycle.state === 'closed') return;
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        this.#lifecycle = { state: 'failed', failure: { message, at: performance.now() } };
        this.#logger.error({ err: error, executablePath }, 'Chromium could not be started');
        this.#options.onLaunchFailed(message);
      },
    );
    this.#lifecycle = {
      state: 'launching',
      launched,
      ...(lifecycle.state === 'failed' ? { lastFailure: lifecycle.failure } : {}),
    };
  }

  #onCrash(session: BrowserSession): void {
    this.#counters.crashes += 1;
    if (this.#lifecycle.state === 'running' && this.#lifecycle.session === session) {
      this.#lifecycle = { state: 'idle' };
    }
    this.#options.onChange();
  }

  /** Stops giving the browser new renders; it is closed once its running ones finish. */
  #retire(session: BrowserSession, why: 'recycle' | 'stuck page'): void {
    if (session.state !== 'serving') return;
    session.retire();
    if (this.#lifecycle.state === 'running' && this.#lifecycle.session === session) {
      this.#lifecycle = { state: 'idle' };
    }
    this.#logger.info({ pid: session.pid, renders: session.rendersStarted, why }, 'replacing Chromium');
    // The replacement starts now, while the old browser finishes what it has.
    this.#launch();
  }
}
