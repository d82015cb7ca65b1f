import type { ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import puppeteer, { type Browser } from 'puppeteer-core';
import {
  browserExited,
  browserProcessesGone,
  chromiumArgs,
  createProfileDir,
  killBrowserProcesses,
  removeProfileDir,
  runningAsRoot,
} from './chromium.js';
import { SandboxedPage, type RequestCounters } from './sandboxed-page.js';

export interface SessionCounters extends RequestCounters {
  pagesDiscarded: number;
}

/**
 * `serving` takes new renders; `retiring` finishes the ones it has and is then closed (it was recycled, or a page
 * got stuck); `crashed` exited on its own. A session that is not serving never serves again.
 */
export type SessionState = 'serving' | 'retiring' | 'crashed';

export interface SessionEvents {
  /** The browser exited without being asked to; its renders were aborted and it is being cleaned up. */
  crashed(session: BrowserSession): void;
  /** A page would not close; the browser should be replaced. */
  stuckPage(session: BrowserSession): void;
  /** Its processes and profile are gone. */
  disposed(session: BrowserSession): void;
}

export interface SessionOptions {
  executablePath: string;
  launchTimeoutMs: number;
  /** How long a browser or page gets to close before it is killed or given up on. */
  closeTimeoutMs: number;
  profileParentDir: string | undefined;
  logger: Logger;
  counters: SessionCounters;
  events: SessionEvents;
}

/**
 * One launched Chromium with a private profile and its pool of sandboxed pages, from launch to the moment its
 * processes are killed and its profile removed.
 */
export class BrowserSession {
  #state: SessionState = 'serving';
  #disposal: Promise<void> | undefined;
  readonly #idlePages: SandboxedPage[] = [];
  /** Every open page, idle or in use. */
  readonly #pages = new Set<SandboxedPage>();
  /** A page being opened ahead of need, to replace a worn one; undefined if it could not be opened. */
  #openingAhead: Promise<SandboxedPage | undefined> | undefined;
  #active = 0;
  #rendersStarted = 0;

  private constructor(
    private readonly browser: Browser,
    private readonly process: ChildProcess | null,
    private readonly profileDir: string,
    private readonly options: SessionOptions,
  ) {
    browser.on('disconnected', () => this.#onDisconnected());
  }

  static async launch(options: SessionOptions): Promise<BrowserSession> {
    const profileDir = createProfileDir(options.profileParentDir);
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: options.executablePath,
        headless: true,
        pipe: true,
        userDataDir: profileDir,
        args: chromiumArgs({ runningAsRoot: runningAsRoot() }),
        timeout: options.launchTimeoutMs,
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
    const session = new BrowserSession(browser, browser.process(), profileDir, options);
    options.logger.info({ pid: session.pid, executablePath: options.executablePath }, 'Chromium started');
    return session;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get state(): SessionState {
    return this.#state;
  }

  /** Renders running on it now. */
  get active(): number {
    return this.#active;
  }

  get rendersStarted(): number {
    return this.#rendersStarted;
  }

  /** Whether the browser went away under its renders (it crashed, or its connection is gone). */
  get lost(): boolean {
    return this.#state === 'crashed' || !this.browser.connected;
  }

  beginRender(): void {
    this.#active += 1;
    this.#rendersStarted += 1;
  }

  endRender(): void {
    this.#active -= 1;
    if (this.#state === 'retiring' && this.#active === 0) void this.dispose();
  }

  /** An idle page that is still clean, else the page being opened ahead, else a new one. */
  async takePage(): Promise<SandboxedPage> {
    for (let idle = this.#idlePages.pop(); idle; idle = this.#idlePages.pop()) {
      if (idle.reusable) return idle;
      void this.discardPage(idle);
    }
    const ahead = this.#openingAhead;
    this.#openingAhead = undefined;
    const opened = await ahead;
    if (opened?.reusable) return opened;
    if (opened) void this.discardPage(opened);
    return this.#openPage();
  }

  /**
   * Gives a page back after a render: a clean page of a serving browser is kept for the next render, or replaced by
   * a fresh one once it is worn; a page that saw something is closed; a clean page of a browser on its way out goes
   * with its browser.
   */
  releasePage(page: SandboxedPage): void {
    if (!page.reusable) {
      void this.discardPage(page);
      return;
    }
    if (this.#state !== 'serving' || this.#disposal) return;
    if (page.worn) {
      void this.#closePage(page);
      this.#openAhead();
    } else {
      this.#idlePages.push(page);
    }
  }

  /** Closes a page that must not be reused; a page that will not close takes its browser with it. */
  async discardPage(page: SandboxedPage): Promise<void> {
    if (!this.#pages.has(page)) return;
    this.options.counters.pagesDiscarded += 1;
    await this.#closePage(page);
  }

  async #closePage(page: SandboxedPage): Promise<void> {
    if (!this.#pages.delete(page)) return;
    if (this.#state === 'crashed' || this.#disposal) return;
    const closed = await Promise.race([
      page.close().then(
        () => true,
        () => !this.browser.connected,
      ),
      unrefDelay(this.options.closeTimeoutMs).then(() => false),
    ]);
    if (!closed && !this.lost && !this.#disposal) {
      this.options.logger.warn({ pid: this.pid }, 'a browser page did not close; replacing the browser');
      this.options.events.stuckPage(this);
    }
  }

  async #openPage(): Promise<SandboxedPage> {
    const page = await SandboxedPage.open(this.browser, {
      logger: this.options.logger,
      counters: this.options.counters,
    });
    this.#pages.add(page);
    return page;
  }

  /** Starts opening a page before a render needs it; the next render that finds no idle page takes it. */
  #openAhead(): void {
    if (this.#openingAhead) return;
    const opening = this.#openPage().catch((error: unknown) => {
      this.options.logger.debug({ err: error }, 'could not open a browser page ahead of need');
      return undefined;
    });
    // A page opened ahead that no render takes before the browser goes is closed with the browser.
    this.#openingAhead = opening;
  }

  /** Takes no new renders; the browser is closed once its running renders finish. */
  retire(): void {
    if (this.#state !== 'serving') return;
    this.#state = 'retiring';
    if (this.#active === 0) void this.dispose();
  }

  /** Closes the browser (killing it if it will not close), then its leftover processes, then removes its profile. */
  dispose(): Promise<void> {
    this.#disposal ??= (async () => {
      const { closeTimeoutMs } = this.options;
      if (this.browser.connected) {
        await Promise.race([this.browser.close().catch(() => undefined), unrefDelay(closeTimeoutMs)]);
      }
      killBrowserProcesses(this.process);
      const exited = await browserExited(this.process, closeTimeoutMs);
      if (!exited || !(await browserProcessesGone(this.process, closeTimeoutMs))) {
        this.options.logger.error({ pid: this.pid }, 'Chromium processes were still there after SIGKILL');
      }
      await removeProfileDir(this.profileDir).catch((error: unknown) =>
        this.options.logger.warn(
          { err: error, dir: this.profileDir },
          'could not remove the browser profile',
        ),
      );
      this.options.events.disposed(this);
    })();
    return this.#disposal;
  }

  #onDisconnected(): void {
    if (this.#disposal || this.#state === 'crashed') return;
    this.#state = 'crashed';
    this.options.logger.warn(
      {
        pid: this.pid,
        running: this.#active,
        exitCode: this.process?.exitCode,
        signal: this.process?.signalCode,
      },
      'Chromium exited unexpectedly; starting a new one',
    );
    for (const page of this.#pages) page.abort(new Error('The browser exited while rendering'));
    void this.dispose();
    this.options.events.crashed(this);
  }
}

/** A wait that does not keep the process alive on its own. */
const unrefDelay = (ms: number): Promise<void> => delay(ms, undefined, { ref: false });
