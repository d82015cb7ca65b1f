import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import puppeteer, { type Browser } from 'puppeteer-core';
import {
  chromiumArgs,
  createProfileDir,
  locateChromium,
  removeProfileDir,
  runningAsRoot,
} from '../../src/render/chromium.js';
import { HostilePageError } from '../../src/render/render-errors.js';
import type { RenderAttempt, RenderStage } from '../../src/render/render-request.js';
import { RENDERS_PER_PAGE, SandboxedPage, type RequestCounters } from '../../src/render/sandboxed-page.js';

const logger = pino({ level: 'silent' });
const profile = createProfileDir();
let browser: Browser;

beforeAll(async () => {
  const location = locateChromium({ configuredPath: process.env.PUPPETEER_EXECUTABLE_PATH });
  if (!location.found) throw new Error(location.reason);
  browser = await puppeteer.launch({
    executablePath: location.executablePath,
    headless: true,
    pipe: true,
    userDataDir: profile,
    args: chromiumArgs({ runningAsRoot: runningAsRoot() }),
  });
});

afterAll(async () => {
  await browser?.close();
  await removeProfileDir(profile);
});

function attemptOf(controller = new AbortController()): RenderAttempt & { stages: RenderStage[] } {
  const stages: RenderStage[] = [];
  return {
    signal: controller.signal,
    deadlineAt: performance.now() + 20_000,
    reached: (stage) => stages.push(stage),
    stages,
  };
}

const documentOf = (body: string, head = ''): string =>
  `<!doctype html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;

async function openPage(): Promise<{ page: SandboxedPage; counters: RequestCounters }> {
  const counters: RequestCounters = { requests: 0, blockedRequests: 0 };
  return { page: await SandboxedPage.open(browser, { logger, counters }), counters };
}

describe('a sandboxed page', () => {
  test('when a plain document is printed, then the render goes through loading and printing and the page stays reusable', async () => {
    const { page } = await openPage();
    const attempt = attemptOf();

    const result = await page.render({ html: documentOf('<p>Plain</p>'), pageSize: 'letter' }, attempt);

    expect(result).toMatchObject({ pageCount: 1, blockedRequests: 0 });
    expect(attempt.stages).toEqual(['loading the document', 'printing']);
    expect(page.reusable).toBe(true);
    await page.close();
  });

  test('when the document refers to the network, then every request is aborted and counted', async () => {
    const { page, counters } = await openPage();

    const result = await page.render(
      {
        html: documentOf(
          '<img src="http://192.0.2.1/a.png">',
          '<link rel="stylesheet" href="https://192.0.2.1/b.css">',
        ),
        pageSize: 'letter',
      },
      attemptOf(),
    );

    expect(result.blockedRequests).toBe(2);
    expect(counters).toEqual({ requests: 2, blockedRequests: 2 });
    expect(page.reusable).toBe(true);
    await page.close();
  });

  test('when the document has a meta refresh, then the render fails as a hostile page and the page is not reused', async () => {
    const { page } = await openPage();

    const rendering = page.render(
      {
        html: documentOf(
          '<p>x</p>',
          '<meta http-equiv="refresh" content="0;url=data:text/html,<p>elsewhere</p>">',
        ),
        pageSize: 'letter',
      },
      attemptOf(),
    );

    await expect(rendering).rejects.toBeInstanceOf(HostilePageError);
    expect(page.reusable).toBe(false);
    await page.close();
  });

  test('when the attempt is aborted, then the render stops at once with the reason and the page is not reused', async () => {
    const { page } = await openPage();
    const controller = new AbortController();
    const rows = Array.from({ length: 6_000 }, (_, n) => `<tr><td>Row ${n}</td></tr>`).join('');
    const rendering = page.render(
      { html: documentOf(`<table>${rows}</table>`), pageSize: 'letter' },
      attemptOf(controller),
    );
    const outOfTime = new Error('out of time');

    controller.abort(outOfTime);

    await expect(rendering).rejects.toBe(outOfTime);
    expect(page.reusable).toBe(false);
    await page.close();
  });

  test('when a page has printed its share of documents, then it is worn but still clean', async () => {
    const counters: RequestCounters = { requests: 0, blockedRequests: 0 };
    const page = await SandboxedPage.open(browser, { logger: pino({ level: 'silent' }), counters });

    for (let n = 1; n < RENDERS_PER_PAGE; n += 1) {
      await page.render({ html: documentOf(`<p>Document ${n}</p>`), pageSize: 'letter' }, attemptOf());
    }
    expect(page.worn).toBe(false);
    await page.render({ html: documentOf('<p>The last one</p>'), pageSize: 'letter' }, attemptOf());

    expect(page.worn).toBe(true);
    expect(page.reusable).toBe(true);
    await page.close();
  });
});
