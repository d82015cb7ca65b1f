import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where a Debian/Ubuntu or Google build of Chromium usually is, in the order they are tried. */
export const systemChromiumPaths: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

export type ChromiumLocation = { found: true; executablePath: string } | { found: false; reason: string };

/**
 * Finds the browser: the configured `PUPPETEER_EXECUTABLE_PATH` when given (a wrong path is reported, not
 * silently replaced by another browser), else a system Chromium or Chrome, else a Chrome Puppeteer downloaded.
 */
export function locateChromium(options: {
  configuredPath?: string | undefined;
  systemPaths?: readonly string[];
  puppeteerCacheDir?: string;
}): ChromiumLocation {
  const { configuredPath } = options;
  if (configuredPath) {
    return isExecutable(configuredPath)
      ? { found: true, executablePath: configuredPath }
      : {
          found: false,
          reason: `PUPPETEER_EXECUTABLE_PATH is ${configuredPath}, but there is no executable browser there`,
        };
  }
  const systemPaths = options.systemPaths ?? systemChromiumPaths;
  const cacheDir = options.puppeteerCacheDir ?? path.join(os.homedir(), '.cache', 'puppeteer');
  const executablePath = [...systemPaths, ...downloadedChromes(cacheDir)].find(isExecutable);
  if (executablePath) return { found: true, executablePath };
  return {
    found: false,
    reason:
      `No Chromium found (looked at ${systemPaths.join(', ')} and ${cacheDir}); ` +
      'install Chromium or set PUPPETEER_EXECUTABLE_PATH to enable PDF packets',
  };
}

/** `<cache>/chrome/linux-<version>/chrome-linux64/chrome`, newest version first. */
function downloadedChromes(cacheDir: string): string[] {
  const chromeDir = path.join(cacheDir, 'chrome');
  let builds: string[];
  try {
    builds = fs.readdirSync(chromeDir);
  } catch {
    return [];
  }
  return builds
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
    .map((build) => path.join(chromeDir, build, 'chrome-linux64', 'chrome'));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The Creator of every PDF the renderer makes. */
export const pdfCreator = 'vCIO Planner';

/**
 * Chromium flags on top of Puppeteer's own defaults (which add `--headless=new`, `--hide-scrollbars` and the
 * `--user-data-dir` given to `launch`). The proxy and resolver rules are a network kill switch below request
 * interception: speculative work that interception never sees (`<link rel=preconnect>` opens a TCP connection,
 * `<link rel=prefetch>` is fetched by the browser process itself) goes to a proxy whose name cannot resolve,
 * so no connection leaves the browser at all, to loopback included.
 */
export function chromiumArgs(options: { runningAsRoot: boolean; env?: NodeJS.ProcessEnv }): string[] {
  return [
    ...(sandboxOff(options) ? ['--no-sandbox'] : []),
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-gpu',
    '--disable-sync',
    '--disable-extensions',
    '--mute-audio',
    '--no-default-browser-check',
    '--proxy-server=http://network-disabled.invalid:9',
    '--proxy-bypass-list=<-loopback>',
    '--host-resolver-rules=MAP * ~NOTFOUND',
    // Chromium writes its user agent into a PDF's Creator; no request leaves the browser to carry it elsewhere.
    // (Producer stays Chromium's "Skia/PDF": only rewriting the PDF could change it.)
    `--user-agent=${pdfCreator}`,
  ];
}

// Chromium refuses to start its sandbox as root; elsewhere the sandbox stays on.
export const runningAsRoot = (): boolean => process.getuid?.() === 0;

/**
 * The sandbox is on unless Chromium runs as root (where it cannot start one) or the operator turns it off with
 * CHROMIUM_NO_SANDBOX=true, for a container that offers neither user namespaces nor the setuid helper.
 */
function sandboxOff(options: { runningAsRoot: boolean; env?: NodeJS.ProcessEnv }): boolean {
  const setting = (options.env ?? process.env).CHROMIUM_NO_SANDBOX?.trim().toLowerCase();
  return options.runningAsRoot || setting === 'true' || setting === '1';
}

const profilePrefix = 'vcio-chromium-';

/** A fresh, private profile directory for one browser launch. */
export function createProfileDir(parent: string = os.tmpdir()): string {
  return fs.mkdtempSync(path.join(parent, profilePrefix));
}

/**
 * Removes profiles that a process killed before it could clean up left behind. A running Chromium holds
 * `SingletonLock` (a link to `<host>-<pid>`) in its profile; a profile whose lock names a dead process on this
 * host is abandoned, and so is one with no lock that is older than a launch could take.
 */
export async function removeAbandonedProfiles(
  parent: string = os.tmpdir(),
  unlockedAgeMs = 10 * 60_000,
): Promise<string[]> {
  const removed: string[] = [];
  const entries = await fs.promises.readdir(parent).catch(() => [] as string[]);
  for (const entry of entries.filter((name) => name.startsWith(profilePrefix))) {
    const dir = path.join(parent, entry);
    if (await profileAbandoned(dir, unlockedAgeMs)) {
      await removeProfileDir(dir).then(
        () => removed.push(dir),
        () => undefined,
      );
    }
  }
  return removed;
}

async function profileAbandoned(dir: string, unlockedAgeMs: number): Promise<boolean> {
  const lock = await fs.promises.readlink(path.join(dir, 'SingletonLock')).catch(() => undefined);
  if (lock === undefined) {
    const stat = await fs.promises.stat(dir).catch(() => undefined);
    return stat !== undefined && stat.isDirectory() && Date.now() - stat.mtimeMs > unlockedAgeMs;
  }
  const separator = lock.lastIndexOf('-');
  const host = lock.slice(0, separator);
  const pid = Number(lock.slice(separator + 1));
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes a profile directory; Chromium may still be flushing files into it for a moment after exit. */
export async function removeProfileDir(dir: string): Promise<void> {
  await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

/**
 * Kills the browser and every helper process it started. Puppeteer starts Chromium as the leader of its own
 * process group, so the group id is the browser's pid; zygotes and renderers that outlive the browser are in it.
 */
export function killBrowserProcesses(browserProcess: ChildProcess | null): void {
  const pid = browserProcess?.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The whole group is gone already.
  }
  if (browserProcess!.exitCode === null && browserProcess!.signalCode === null)
    browserProcess!.kill('SIGKILL');
}

/** Resolves once the browser process has exited, or after `timeoutMs`, whichever comes first. */
export function browserExited(browserProcess: ChildProcess | null, timeoutMs: number): Promise<boolean> {
  if (!browserProcess || browserProcess.exitCode !== null || browserProcess.signalCode !== null)
    return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    browserProcess.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Resolves once no process of the browser's group is left (helpers end a moment after the browser, and are
 * only gone once reaped), or after `timeoutMs`.
 */
export async function browserProcessesGone(
  browserProcess: ChildProcess | null,
  timeoutMs: number,
): Promise<boolean> {
  const pid = browserProcess?.pid;
  if (pid === undefined) return true;
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(-pid, 0);
    } catch {
      return true;
    }
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
