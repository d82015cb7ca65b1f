import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processTree } from '../../bench/process-memory.js';
import { AppError } from '../../src/http/errors.js';
import { renderFailureProblem } from '../../src/http/render-problems.js';
import { locateChromium } from '../../src/render/chromium.js';
import { contentSecurityPolicyMeta, withContentSecurityPolicy } from '../../src/render/html-safety.js';
import {
  createRenderer,
  RenderError,
  RendererBusyError,
  RendererUnavailableError,
  RenderTimeoutError,
  type RenderedPdf,
  type Renderer,
  type RendererOptions,
} from '../../src/render/renderer.js';
import { RENDERS_PER_PAGE } from '../../src/render/sandboxed-page.js';
import { startCanaryServer, type CanaryServer } from '../support/canary-server.js';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcio-renderer-test-'));
const renderers: Renderer[] = [];

/** A renderer whose browser profiles live in a directory of its own, so its processes can be found. */
function newRenderer(options: RendererOptions = {}): { renderer: Renderer; profiles: string } {
  const profiles = fs.mkdtempSync(path.join(workDir, 'profiles-'));
  const renderer = createRenderer({ concurrency: 2, profileParentDir: profiles, ...options });
  renderers.push(renderer);
  return { renderer, profiles };
}

/** Processes whose command line mentions the directory: a browser or helper started with a profile in it. */
function processesMentioning(dir: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (commandLine.includes(dir)) found.push(`${pid} ${commandLine.slice(0, 120)}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** The renderer processes among `pid`'s descendants (each browser page has its own). */
const rendererProcessesOf = (pid: number): Set<number> =>
  new Set(
    processTree(pid)
      .filter((process) => process.type === 'renderer')
      .map((process) => process.pid),
  );

function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

let pdfSequence = 0;
function writePdf(pdf: Buffer): string {
  const file = path.join(workDir, `out-${(pdfSequence += 1)}.pdf`);
  fs.writeFileSync(file, pdf);
  return file;
}

const pdfText = (pdf: Buffer): string =>
  execFileSync('pdftotext', ['-layout', writePdf(pdf), '-'], { encoding: 'utf8' });

function pdfInfo(pdf: Buffer): { pages: number; pageSize: string } {
  const info = execFileSync('pdfinfo', [writePdf(pdf)], { encoding: 'utf8' });
  return {
    pages: Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]),
    pageSize: /^Page size:\s+(.*)$/m.exec(info)?.[1] ?? '',
  };
}

const documentOf = (body: string, head = ''): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Test</title>${head}</head><body>${body}</body></html>`;

const pagesOf = (count: number, label = 'Section'): string =>
  Array.from(
    { length: count },
    (_, index) => `<section style="break-after: page"><h1>${label} ${index + 1}</h1></section>`,
  ).join('');

/** A document that keeps the browser busy for a while: a long table laid out over many pages. */
const heavyDocument = (rows: number): string =>
  documentOf(
    `<table>${Array.from({ length: rows }, (_, index) => `<tr><td>Row ${index}</td><td>${'lorem ipsum '.repeat(6)}</td></tr>`).join('')}</table>`,
  );

/** A render as the API answers it: the renderer's own error mapped to HTTP, as the packet service does. */
const served = (rendering: Promise<RenderedPdf>): Promise<RenderedPdf> =>
  rendering.catch((error: unknown) => {
    throw renderFailureProblem(error);
  });

const waitFor = async (condition: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

let canary: CanaryServer;
let shared: Renderer;

beforeAll(async () => {
  canary = await startCanaryServer();
  shared = newRenderer().renderer;
  await shared.start();
});

afterAll(async () => {
  await Promise.all(renderers.map((renderer) => renderer.close()));
  await canary.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('rendering', () => {
  test('when given a simple document, then the PDF has its text on one Letter page and nothing was requested', async () => {
    const before = shared.metrics();
    const result = await shared.render({
      html: documentOf('<h1>Quarterly roadmap</h1><p>Prepared for Acme</p>'),
      pageSize: 'letter',
    });

    expect(result.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(result.pdf)).toMatch(/Quarterly roadmap[\s\S]*Prepared for Acme/);
    expect(pdfInfo(result.pdf)).toEqual({ pages: 1, pageSize: expect.stringContaining('(letter)') });
    expect(result.pageCount).toBe(1);
    expect(result.renderMs).toBeGreaterThan(0);
    expect(result.blockedRequests).toBe(0);
    // setContent writes the document into the blank page: the document itself is never fetched.
    expect(shared.metrics().requests - before.requests).toBe(0);
  });

  test('when the document has five page breaks on A4, then the page count agrees with pdfinfo', async () => {
    const result = await shared.render({ html: documentOf(pagesOf(5)), pageSize: 'a4' });

    const info = pdfInfo(result.pdf);
    expect(info.pageSize).toContain('(A4)');
    expect(info.pages).toBe(5);
    expect(result.pageCount).toBe(5);
    expect(pdfText(result.pdf)).toContain('Section 5');
  });

  test('when the document asks for another paper size with @page, then the requested size still wins', async () => {
    const result = await shared.render({
      html: documentOf('<p>Sized</p>', '<style>@page { size: A3 }</style>'),
      pageSize: 'letter',
    });

    expect(pdfInfo(result.pdf).pageSize).toContain('(letter)');
  });

  test('when header and footer templates are given, then every page shows its number of the total', async () => {
    const result = await shared.render({
      html: documentOf(pagesOf(3)),
      pageSize: 'letter',
      headerTemplate: '<div style="font-size:9px; width:100%; text-align:center">Acme roadmap packet</div>',
      footerTemplate:
        '<div style="font-size:9px; width:100%; text-align:center">Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>',
    });

    const text = pdfText(result.pdf);
    expect(result.pageCount).toBe(3);
    for (const page of [1, 2, 3]) expect(text).toContain(`Page ${page} of 3`);
    expect(text.match(/Acme roadmap packet/g)).toHaveLength(3);
  });

  test('when a tagged PDF is asked for, then it is tagged, and otherwise it is not', async () => {
    const html = documentOf('<h1>Accessible</h1>');
    const tagged = await shared.render({ html, pageSize: 'letter', tagged: true });
    const untagged = await shared.render({ html, pageSize: 'letter' });

    const taggedLine = (pdf: Buffer) =>
      /^Tagged:\s+(\w+)/m.exec(execFileSync('pdfinfo', [writePdf(pdf)], { encoding: 'utf8' }))?.[1];
    expect(taggedLine(tagged.pdf)).toBe('yes');
    expect(taggedLine(untagged.pdf)).toBe('no');
  });

  test("when a PDF is made, then its Creator is the product rather than Chromium's user agent", async () => {
    const result = await shared.render({ html: documentOf('<p>Made by</p>'), pageSize: 'letter' });

    const info = execFileSync('pdfinfo', [writePdf(result.pdf)], { encoding: 'utf8' });
    expect(/^Creator:\s+(.*)$/m.exec(info)?.[1]).toBe('vCIO Planner');
  });

  test('when renders run side by side, then each PDF has its own document', async () => {
    const results = await Promise.all(
      ['Alpha', 'Bravo', 'Charlie', 'Delta'].map((name) =>
        shared.render({ html: documentOf(`<p>Client ${name}</p>`), pageSize: 'a4' }),
      ),
    );

    results.forEach((result, index) =>
      expect(pdfText(result.pdf)).toContain(`Client ${['Alpha', 'Bravo', 'Charlie', 'Delta'][index]}`),
    );
  });
});

describe('hostile documents', () => {
  const secretFile = path.join(workDir, 'secret.txt');
  const secret = 'FILE-SECRET-7d1c';
  beforeAll(() => fs.writeFileSync(secretFile, `${secret}\n`));

  // What reached the canary during the current test, so that one leak does not fail every later test.
  let seen = { hits: 0, connections: 0 };
  beforeEach(() => {
    seen = { hits: canary.hits.length, connections: canary.connections };
  });
  const leaks = () => ({
    hits: canary.hits.slice(seen.hits),
    connections: canary.connections - seen.connections,
  });

  // Each vector is rendered on its own so that one cannot hide another.
  const vectors: [name: string, html: (url: string) => string][] = [
    ['an image', (url) => documentOf(`<img src="${url}/img">`)],
    ['an iframe', (url) => documentOf(`<iframe src="${url}/iframe"></iframe>`)],
    ['a stylesheet link', (url) => documentOf('<p>x</p>', `<link rel="stylesheet" href="${url}/link.css">`)],
    ['a CSS @import', (url) => documentOf('<p>x</p>', `<style>@import url(${url}/import.css);</style>`)],
    [
      'a web font',
      (url) =>
        documentOf(
          '<p>x</p>',
          `<style>@font-face { font-family: Leak; src: url(${url}/font) } body { font-family: Leak }</style>`,
        ),
    ],
    [
      'a CSS background',
      (url) =>
        documentOf(
          '<div style="height:50px">x</div>',
          `<style>div { background: url(${url}/background) }</style>`,
        ),
    ],
    [
      'a script fetch',
      (url) =>
        documentOf(`<script>fetch('${url}/fetch'); new Image().src = '${url}/script-img';</script><p>x</p>`),
    ],
    ['an object', (url) => documentOf(`<object data="${url}/object"></object>`)],
    ['an embed', (url) => documentOf(`<embed src="${url}/embed">`)],
    ['a video poster', (url) => documentOf(`<video poster="${url}/poster"></video>`)],
    [
      'a responsive image',
      (url) => documentOf(`<img srcset="${url}/srcset 1x" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`),
    ],
    ['a prefetch link', (url) => documentOf('<p>x</p>', `<link rel="prefetch" href="${url}/prefetch">`)],
    ['a preconnect link', (url) => documentOf('<p>x</p>', `<link rel="preconnect" href="${url}">`)],
    [
      'a preload link',
      (url) => documentOf('<p>x</p>', `<link rel="preload" as="image" href="${url}/preload">`),
    ],
    ['a favicon', (url) => documentOf('<p>x</p>', `<link rel="icon" href="${url}/icon">`)],
    ['a manifest', (url) => documentOf('<p>x</p>', `<link rel="manifest" href="${url}/manifest">`)],
    [
      'a relative image under a base URL',
      (url) => documentOf('<img src="relative.png">', `<base href="${url}/base/">`),
    ],
    [
      'SVG images and references',
      (url) =>
        documentOf(
          `<svg width="20" height="20"><image href="${url}/svg-image" width="20" height="20"/></svg>`,
        ),
    ],
    [
      'SVG use only',
      (url) => documentOf(`<svg width="20" height="20"><use href="${url}/sprite.svg#icon"/></svg>`),
    ],
    ['an image input', (url) => documentOf(`<form><input type="image" src="${url}/input-image"></form>`)],
    [
      'audio, sources and tracks',
      (url) =>
        documentOf(
          `<audio src="${url}/audio" preload="auto"></audio><video preload="auto"><source src="${url}/source"><track default src="${url}/track"></video>`,
        ),
    ],
    [
      'CSS images in cursors, lists, borders and image-set',
      (url) =>
        documentOf(
          '<ul><li>x</li></ul><div class="b">y</div>',
          `<style>ul { list-style-image: url(${url}/list) } body { cursor: url(${url}/cursor), auto } .b { border: 10px solid; border-image: url(${url}/border) 30 } li { background-image: image-set(url(${url}/set) 1x) }</style>`,
        ),
    ],
    [
      'a data: iframe that loads an image',
      (url) => documentOf(`<iframe src="data:text/html,<img src='${url}/from-data-iframe'>"></iframe>`),
    ],
    [
      'a srcdoc iframe that loads an image',
      (url) => documentOf(`<iframe srcdoc="<img src='${url}/from-srcdoc'>"></iframe>`),
    ],
  ];

  test.each(vectors)(
    'when the document loads %s from the network, then nothing reaches the server',
    async (_name, html) => {
      await shared.render({ html: html(canary.url), pageSize: 'letter' });

      // Speculative requests (prefetch, preconnect) are made in the background; give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(leaks()).toEqual({ hits: [], connections: 0 });
    },
  );

  test('when a document refers to the network, then the renderer counts and aborts those requests', async () => {
    const result = await shared.render({
      html: documentOf(
        `<img src="${canary.url}/img"><iframe src="${canary.url}/iframe"></iframe><div class="bg">x</div>`,
        `<link rel="stylesheet" href="${canary.url}/link.css"><style>.bg { background: url(${canary.url}/bg) }</style>`,
      ),
      pageSize: 'letter',
    });

    expect(result.blockedRequests).toBeGreaterThanOrEqual(4);
    expect(leaks()).toEqual({ hits: [], connections: 0 });
  });

  test('when the header template refers to the network, then nothing reaches the server', async () => {
    await shared.render({
      html: documentOf('<p>x</p>'),
      pageSize: 'letter',
      headerTemplate: `<div style="font-size:9px; background: url(${canary.url}/header-bg)"><img src="${canary.url}/header-img"></div>`,
    });

    expect(leaks()).toEqual({ hits: [], connections: 0 });
  });

  test('when the document embeds local files, then their contents are not in the PDF', async () => {
    const fileUrl = `file://${secretFile}`;
    const result = await shared.render({
      html: documentOf(
        `<iframe src="${fileUrl}"></iframe><object data="${fileUrl}"></object><embed src="${fileUrl}"><img src="${fileUrl}">` +
          '<iframe src="file:///etc/passwd"></iframe><img src="file:///etc/passwd">',
        `<link rel="stylesheet" href="${fileUrl}"><link rel="stylesheet" href="file:///etc/passwd">`,
      ),
      pageSize: 'letter',
    });

    const text = pdfText(result.pdf);
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(/root:x?:0:0/);
  });

  test('when the document has a meta refresh, then the render fails and the page is not left navigated', async () => {
    const attempts = [
      `0;url=${canary.url}/refresh`,
      `1;url=${canary.url}/refresh-later`,
      '0;url=data:text/html,<p>elsewhere</p>',
      '0',
    ];
    for (const content of attempts) {
      const rendering = shared.render({
        html: documentOf('<p>x</p>', `<meta http-equiv="refresh" content="${content}">`),
        pageSize: 'letter',
      });
      await expect(rendering).rejects.toThrow(RenderError);
      await expect(rendering).rejects.toMatchObject({ reason: 'navigation' });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    const after = await Promise.all(
      [1, 2, 3].map(() => shared.render({ html: documentOf('<p>Still rendering</p>'), pageSize: 'letter' })),
    );
    for (const result of after) expect(pdfText(result.pdf)).toContain('Still rendering');
    expect(leaks()).toEqual({ hits: [], connections: 0 });
  });

  test('when the document carries the Content-Security-Policy, then the browser does not even try to load anything', async () => {
    const html = withContentSecurityPolicy(
      `<!-- <head> --><!doctype html><html><head><link rel="stylesheet" href="${canary.url}/csp.css"></head>` +
        `<body><img src="${canary.url}/csp-img"><iframe src="${canary.url}/csp-frame"></iframe>` +
        `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><p>Protected</p></body></html>`,
    );

    const result = await shared.render({ html, pageSize: 'letter' });

    expect(html).toContain(`<head>${contentSecurityPolicyMeta()}<link`);
    expect(result.blockedRequests).toBe(0);
    expect(pdfText(result.pdf)).toContain('Protected');
    expect(leaks()).toEqual({ hits: [], connections: 0 });
  });

  test('when a fragment without <head> gets the Content-Security-Policy, then the policy still applies', async () => {
    const html = withContentSecurityPolicy(
      `<header><img src="${canary.url}/fragment-img"></header><p>Fragment</p>`,
    );

    const result = await shared.render({ html, pageSize: 'letter' });

    expect(html.startsWith(contentSecurityPolicyMeta())).toBe(true);
    expect(result.blockedRequests).toBe(0);
    expect(pdfText(result.pdf)).toContain('Fragment');
  });

  test('when all hostile renders are done, then the server still saw no connection at all', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(canary.connections).toBe(0);
    expect(canary.hits).toEqual([]);
    expect(shared.metrics().blockedRequests).toBeGreaterThan(10);
  });
});

describe('load and failure', () => {
  test('when more renders arrive than the pool and queue hold, then the extra one is refused as busy with Retry-After', async () => {
    const { renderer } = newRenderer({ concurrency: 1, maxQueue: 2 });
    const accepted = [1, 2, 3].map((n) =>
      renderer.render({ html: documentOf(`<p>Accepted ${n}</p>`), pageSize: 'letter' }),
    );

    const refusal = renderer.render({ html: documentOf('<p>Refused</p>'), pageSize: 'letter' });
    const refused = served(refusal);

    await expect(refusal).rejects.toBeInstanceOf(RendererBusyError);
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({
      code: 'renderer_busy',
      status: 503,
      headers: { 'Retry-After': expect.stringMatching(/^\d+$/) },
    });
    expect(renderer.status().queued).toBe(3);
    const results = await Promise.all(accepted);
    results.forEach((result, index) => expect(pdfText(result.pdf)).toContain(`Accepted ${index + 1}`));
    expect(renderer.status()).toMatchObject({ queued: 0, active: 0, rendersSinceLaunch: 3 });
  });

  test('when a render runs past its deadline, then it fails clearly, its page is replaced and the pool keeps working', async () => {
    const { renderer } = newRenderer({ concurrency: 1 });
    // A page already in the pool, so that the deadline falls in the render rather than in making a page.
    await renderer.render({ html: documentOf('<p>Warm</p>'), pageSize: 'letter' });
    const before = renderer.metrics();

    const lateness = renderer.render({ html: heavyDocument(6_000), pageSize: 'letter', deadlineMs: 250 });
    const late = served(lateness);

    await expect(lateness).rejects.toBeInstanceOf(RenderTimeoutError);
    await expect(late).rejects.toMatchObject({
      code: 'renderer_busy',
      status: 503,
      message: expect.stringContaining('not rendered within 250 ms'),
    });
    expect(renderer.metrics().pagesDiscarded).toBe(before.pagesDiscarded + 1);
    const next = await renderer.render({ html: documentOf('<p>After the deadline</p>'), pageSize: 'letter' });
    expect(pdfText(next.pdf)).toContain('After the deadline');
    expect(renderer.metrics().launches).toBe(1);
  });

  test('when the browser is killed with renders queued, then a new one finishes all of them', async () => {
    const { renderer, profiles } = newRenderer({ concurrency: 1 });
    await renderer.start();
    const firstPid = renderer.status().browserPid!;
    const renders = [1, 2, 3, 4].map((n) =>
      renderer.render({
        html: heavyDocument(1_500).replace('<table>', `<p>Render ${n}</p><table>`),
        pageSize: 'letter',
      }),
    );
    await waitFor(() => renderer.status().active === 1);

    process.kill(firstPid, 'SIGKILL');

    const results = await Promise.all(renders);
    results.forEach((result, index) => expect(pdfText(result.pdf)).toContain(`Render ${index + 1}`));
    expect(renderer.metrics()).toMatchObject({ crashes: 1, retries: 1, launches: 2 });
    const status = renderer.status();
    expect(status.browserPid).not.toBe(firstPid);
    expect(status.launched).toBe(true);
    await waitFor(() => !processGroupAlive(firstPid) && fs.readdirSync(profiles).length === 1);
  });

  test('when the browser has done recycleAfter renders, then it is replaced and the old one is gone', async () => {
    const { renderer, profiles } = newRenderer({ concurrency: 1, recycleAfter: 2 });
    const pids = new Set<number>();
    const notePid = () => {
      const pid = renderer.status().browserPid;
      if (pid !== undefined) pids.add(pid);
    };

    for (let n = 1; n <= 5; n += 1) {
      const rendering = renderer.render({ html: documentOf(`<p>Recycled ${n}</p>`), pageSize: 'letter' });
      notePid();
      expect(pdfText((await rendering).pdf)).toContain(`Recycled ${n}`);
      notePid();
    }

    expect(renderer.metrics()).toMatchObject({ launches: 3, crashes: 0 });
    expect(pids.size).toBe(3);
    const current = renderer.status().browserPid!;
    await waitFor(() => fs.readdirSync(profiles).length === 1);
    for (const pid of pids) if (pid !== current) expect(processGroupAlive(pid)).toBe(false);
  });

  test('when a page has printed its share of documents, then its renderer process ends and a fresh page takes over', async () => {
    const { renderer } = newRenderer({ concurrency: 1 });
    const render = async (n: number) => {
      const { pdf } = await renderer.render({ html: documentOf(`<p>Document ${n}</p>`), pageSize: 'letter' });
      expect(pdfText(pdf)).toContain(`Document ${n}`);
    };
    await render(1);
    const browserPid = renderer.status().browserPid!;
    const first = rendererProcessesOf(browserPid);

    for (let n = 2; n <= 2 * RENDERS_PER_PAGE + 1; n += 1) await render(n);

    // The first page's process is gone (a reused page would have kept it), without a page counted as discarded.
    const later = rendererProcessesOf(browserPid);
    expect([...first].filter((pid) => !later.has(pid))).not.toHaveLength(0);
    expect(renderer.metrics()).toMatchObject({
      launches: 1,
      pagesDiscarded: 0,
      rendered: 2 * RENDERS_PER_PAGE + 1,
    });
  });

  test('when the renderer is closed with work waiting, then the waiting renders are refused and no browser process is left', async () => {
    const { renderer, profiles } = newRenderer({ concurrency: 1 });
    await renderer.start();
    const pid = renderer.status().browserPid!;
    expect(processesMentioning(profiles).length).toBeGreaterThan(0);
    const running = renderer.render({ html: documentOf('<p>Running</p>'), pageSize: 'letter' });
    const waiting = renderer
      .render({ html: documentOf('<p>Waiting</p>'), pageSize: 'letter' })
      .catch((error: unknown) => error);

    await renderer.close();

    await expect(running).resolves.toMatchObject({ pageCount: 1 });
    expect(await waiting).toBeInstanceOf(RendererUnavailableError);
    expect(renderFailureProblem(await waiting)).toMatchObject({ code: 'renderer_unavailable' });
    expect(processesMentioning(profiles)).toEqual([]);
    expect(processGroupAlive(pid)).toBe(false);
    expect(fs.readdirSync(profiles)).toEqual([]);
    expect(renderer.status()).toMatchObject({ available: false, launched: false });
    await expect(
      served(renderer.render({ html: documentOf('<p>Late</p>'), pageSize: 'letter' })),
    ).rejects.toMatchObject({
      code: 'renderer_unavailable',
    });
  });
});

describe('abandoned profiles', () => {
  test('when a killed process left its browser profile behind, then start() removes it and spares live ones', async () => {
    const profiles = fs.mkdtempSync(path.join(workDir, 'profiles-'));
    const profile = (name: string, lock?: string) => {
      const dir = path.join(profiles, `vcio-chromium-${name}`);
      fs.mkdirSync(dir);
      if (lock) fs.symlinkSync(lock, path.join(dir, 'SingletonLock'));
      return dir;
    };
    const deadPid = execFileSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).trim();
    const abandoned = profile('abandoned', `${os.hostname()}-${deadPid}`);
    const live = profile('live', `${os.hostname()}-${process.pid}`);
    const launching = profile('launching');
    const renderer = createRenderer({ concurrency: 1, profileParentDir: profiles });
    renderers.push(renderer);

    await renderer.start();

    expect(fs.existsSync(abandoned)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(launching)).toBe(true);
    await renderer.close();
    expect(fs.readdirSync(profiles).sort()).toEqual(['vcio-chromium-launching', 'vcio-chromium-live']);
  });
});

describe('without a browser', () => {
  test('when PUPPETEER_EXECUTABLE_PATH points nowhere, then the renderer reports why and refuses renders with 503', async () => {
    const { renderer } = newRenderer({ executablePath: path.join(workDir, 'no-such-chromium') });

    const status = await renderer.start();

    expect(status).toMatchObject({
      available: false,
      launched: false,
      reason: expect.stringContaining('PUPPETEER_EXECUTABLE_PATH'),
    });
    await expect(renderer.readinessCheck().check()).resolves.toBe(false);
    await expect(
      served(renderer.render({ html: documentOf('<p>x</p>'), pageSize: 'letter' })),
    ).rejects.toMatchObject({
      code: 'renderer_unavailable',
      status: 503,
    });
  });

  test('when the executable is not a browser, then renders are refused as unavailable and its profile is removed', async () => {
    const { renderer, profiles } = newRenderer({ executablePath: '/bin/false', launchTimeoutMs: 5_000 });

    const rendering = served(renderer.render({ html: documentOf('<p>x</p>'), pageSize: 'letter' }));

    await expect(rendering).rejects.toMatchObject({
      code: 'renderer_unavailable',
      message: expect.stringContaining('Chromium could not be started'),
    });
    expect(renderer.status()).toMatchObject({
      available: false,
      launched: false,
      reason: expect.stringContaining('could not be started'),
    });
    expect(fs.readdirSync(profiles)).toEqual([]);
    await expect(renderer.readinessCheck().check()).resolves.toBe(false);
  });

  test('when no system browser or download exists, then the reason says how to enable PDFs', () => {
    const location = locateChromium({
      systemPaths: [path.join(workDir, 'nothing')],
      puppeteerCacheDir: path.join(workDir, 'no-cache'),
    });

    expect(location).toEqual({
      found: false,
      reason: expect.stringMatching(/No Chromium found.*PUPPETEER_EXECUTABLE_PATH/),
    });
  });

  test('when the browser is installed, then the readiness check passes', async () => {
    await expect(shared.readinessCheck().check()).resolves.toBe(true);
    expect(shared.readinessCheck().name).toBe('renderer');
  });
});
