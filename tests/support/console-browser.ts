import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import {
  chromiumArgs,
  createProfileDir,
  locateChromium,
  removeProfileDir,
  runningAsRoot,
} from '../../src/render/chromium.js';
import { packageRoot } from '../../src/shared/paths.js';
import { createUserWithPassword } from '../../src/users/user.service.js';
import type { UserRole } from '../../src/users/user.schemas.js';
import { unique, type TestApp } from './test-app.js';

/**
 * A real Chromium over the real app, for the console's and the portal's browser tests: pages in their own browser
 * contexts (cookies apart), axe-core, screenshots for people to look at, and signing in through the form.
 */

/** Chromium on a shared, busy machine: generous time for each step. */
export const SLOW = 180_000;

export const VIEWPORTS = {
  laptop: { width: 1280, height: 800 },
  desktop: { width: 1440, height: 900 },
  phone: { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

const axeSource = fs.readFileSync(
  path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js'),
  'utf8',
);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export interface ConsoleBrowser {
  browser: Browser;
  /** A page in a fresh browser context (no cookies), at the laptop viewport. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Screenshots go to tmp/screenshots/<folder> (git-ignored). */
export function screenshotDir(folder: string): string {
  const dir = path.join(packageRoot, 'tmp', 'screenshots', folder);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  const location = locateChromium({ configuredPath: process.env.PUPPETEER_EXECUTABLE_PATH });
  if (!location.found) throw new Error(location.reason);
  const profile = createProfileDir();
  const browser = await puppeteer.launch({
    executablePath: location.executablePath,
    headless: true,
    pipe: true,
    userDataDir: profile,
    // The renderer's flags, without those that keep packets off the network (and its PDF user agent): this
    // browser visits the app as a person's would.
    args: chromiumArgs({ runningAsRoot: runningAsRoot() }).filter(
      (arg) => !/^--(?:proxy-|host-resolver-rules|user-agent)/.test(arg),
    ),
  });
  return {
    browser,
    async newPage() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport(VIEWPORTS.laptop);
      return page;
    },
    async close() {
      await browser.close();
      await removeProfileDir(profile);
    },
  };
}

/** No serious or critical accessibility violation on the page, by axe-core injected over CDP (the CSP forbids a script tag). */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  const serious = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
  expect(serious).toEqual([]);
}

/** Full-page screenshots at each viewport named (laptop and desktop unless told), then back to the laptop size. */
export async function screenshots(
  page: Page,
  folder: string,
  name: string,
  viewports: readonly ViewportName[] = ['laptop', 'desktop'],
): Promise<void> {
  const dir = screenshotDir(folder);
  for (const label of viewports) {
    await page.setViewport(VIEWPORTS[label]);
    await page.screenshot({ path: path.join(dir, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewport(VIEWPORTS.laptop);
}

/** Signs in through the form; the status of the page it lands on. */
export async function signIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
): Promise<number | undefined> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.type('#email', email);
  await page.type('#password', password);
  const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return response?.status();
}

/** A new user of the MSP with the role given, and their password. */
export async function createConsoleUser(
  app: TestApp,
  mspId: string,
  role: UserRole,
): Promise<{ email: string; password: string; name: string }> {
  const email = `${unique(role).replace(/\s+/g, '-').toLowerCase()}@example.com`;
  const password = `${role} password 123`;
  const name = `${role[0]!.toUpperCase()}${role.slice(1)} ${unique('user').split(' ').pop()}`;
  await createUserWithPassword(app.database.db, mspId, { email, name, role }, password);
  return { email, password, name };
}

/** An element's text with runs of whitespace made one space. */
export const textOf = (page: Page, selector: string): Promise<string> =>
  page.$eval(selector, (element) => (element.textContent ?? '').replace(/\s+/g, ' ').trim());

/** Clicks and waits for the navigation it starts; the new page's status. */
export async function clickAndWait(page: Page, selector: string): Promise<number | undefined> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response?.status();
}
