/**
 * npm run bench:packet — the roadmap packet of the demo's largest client, on the embedded database, warm.
 * Prints, each at concurrency 1 and 2:
 *  (a) the full packet path (forecast + reads + view model + HTML + render on the shared renderer): p50/p95 and PDFs/s;
 *  (b) the baseline, measured in the same run: raw Puppeteer `page.pdf` of the very same HTML on pages that are
 *      already open (the floor any renderer could reach), and the ratio of (a) to it;
 *  (c) the naive variant: launch a browser per request, render, close; and how many times faster (a) is;
 *  the variants run in alternating slices of a few calls each, so that the machine's background load falls on all
 *  of them alike;
 *  and the Chromium process tree's memory (VmRSS from /proc) per process type at the start, at the end and at its peak
 *  over --renders renders (default 500), with the end/start ratios, the Node heap and the load average.
 * Flags: --iterations N (timed runs per variant and concurrency, default 40), --renders N, --quick (10 and 50),
 * --smallest (the demo's smallest client instead of its largest), --memory-only (only the memory run, after 40 warm
 * renders, about what the --quick timed rows leave the browser with), --concurrency N (time only that concurrency),
 * --renders 0 (no memory run).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import puppeteer, { type Browser } from 'puppeteer-core';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrator.js';
import { loadDemo } from '../src/demo/demo.service.js';
import { systemPrincipal } from '../src/auth/principal.js';
import { preparePacket, renderPdf } from '../src/packets/packet.service.js';
import {
  chromiumArgs,
  createProfileDir,
  locateChromium,
  removeProfileDir,
  runningAsRoot,
} from '../src/render/chromium.js';
import { createRenderer, pdfOptionsOf } from '../src/render/renderer.js';
import { fixedClock } from '../src/shared/clock.js';
import { sampleTree, TreeMemoryReport } from './process-memory.js';
import { percentile } from './support.js';

const AS_OF = '2026-11-22';
const argument = (name: string): number | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
};
const quick = process.argv.includes('--quick');
const memoryOnly = process.argv.includes('--memory-only');
const ITERATIONS = argument('iterations') ?? (quick ? 10 : 40);
const RENDERS = argument('renders') ?? (quick ? 50 : 500);
const LAUNCH_ITERATIONS = Math.max(5, Math.round(ITERATIONS / 4));
/** Calls per variant and per call in flight in one slice of the interleaved timing. */
const SLICE_CALLS = 4;

interface Measured {
  p50: number;
  p95: number;
  perSecond: number;
}

/** Latencies and the time a variant has run so far, over all of its slices. */
interface Tally {
  times: number[];
  calls: number;
  elapsed: number;
}

/** Runs `total` calls of `work` with `concurrency` in flight, adding their latencies and the wall time to `tally`. */
async function runSlice(
  total: number,
  concurrency: number,
  work: (worker: number) => Promise<unknown>,
  tally: Tally,
): Promise<void> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < total) {
        next += 1;
        const start = performance.now();
        await work(worker);
        tally.times.push(performance.now() - start);
      }
    }),
  );
  tally.calls += total;
  tally.elapsed += performance.now() - started;
}

const summary = (tally: Tally): Measured => {
  const sorted = [...tally.times].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    perSecond: (tally.calls / tally.elapsed) * 1000,
  };
};

/** Runs `total` calls of `work` with `concurrency` in flight; latency per call, throughput over the whole run. */
async function measure(
  total: number,
  concurrency: number,
  work: (worker: number) => Promise<unknown>,
): Promise<Measured> {
  const tally: Tally = { times: [], calls: 0, elapsed: 0 };
  await runSlice(total, concurrency, work, tally);
  return summary(tally);
}

/**
 * The variants in alternating slices of a few calls each, until each has made its `calls`: a change in the
 * machine's background load (it is shared) then falls on every variant alike instead of on whichever ran at the
 * time, which keeps the ratios between them steady. The order turns from slice to slice.
 */
async function measureInterleaved(
  variants: { name: string; calls: number; work: (worker: number) => Promise<unknown> }[],
  concurrency: number,
): Promise<Record<string, Measured>> {
  const tallies = variants.map(() => ({ times: [], calls: 0, elapsed: 0 }) as Tally);
  const perSlice = SLICE_CALLS * concurrency;
  const slices = Math.max(1, Math.ceil(Math.max(...variants.map((variant) => variant.calls)) / perSlice));
  for (let slice = 0; slice < slices; slice += 1) {
    // Each slice starts with the next variant, so that none always follows the same one (a browser that
    // launch-per-request just closed is still exiting while the next slice starts).
    for (let turn = 0; turn < variants.length; turn += 1) {
      const index = (slice + turn) % variants.length;
      const variant = variants[index]!;
      // Each variant's calls spread evenly over the slices, whatever its total.
      const due = Math.round(((slice + 1) * variant.calls) / slices) - tallies[index]!.calls;
      if (due > 0) await runSlice(due, concurrency, variant.work, tallies[index]!);
    }
  }
  return Object.fromEntries(variants.map((variant, index) => [variant.name, summary(tallies[index]!)]));
}

const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
const row = (label: string, m: Measured) =>
  console.log(
    `  ${label.padEnd(44)} p50 ${ms(m.p50)}  p95 ${ms(m.p95)}  ${m.perSecond.toFixed(2).padStart(6)} PDFs/s`,
  );

async function main() {
  const location = locateChromium({ configuredPath: process.env.PUPPETEER_EXECUTABLE_PATH });
  if (!location.found) throw new Error(location.reason);
  const database = await openDatabase({ dataDir: '', inMemory: true });
  await migrate(database.db);
  const clock = fixedClock(AS_OF);
  const demo = await loadDemo(database.db, clock);
  // The largest client by default; --smallest shows the same comparison where the launch cost dominates.
  const bySize = [...demo.clients].sort((a, b) => b.assets - a.assets);
  const largest = process.argv.includes('--smallest') ? bySize.at(-1)! : bySize[0]!;
  const auth = systemPrincipal('bench', demo.msp.id);
  const request = { asOf: AS_OF, periods: 12, scenario: 'committed' as const };
  const deps = { db: database.db, clock };

  const renderer = createRenderer({
    concurrency: 2,
    maxQueue: 8,
    executablePath: location.executablePath,
    logger: pino({ level: 'warn' }),
  });
  await renderer.start();
  const fullPath = async () => renderPdf(renderer, await preparePacket(deps, auth, largest.id, request));

  const prepared = await preparePacket(deps, auth, largest.id, request);
  const first = await renderPdf(renderer, prepared);
  console.log(
    `Packet of ${largest.name} (${largest.assets} assets): ${first.pageCount} pages, ${Math.round(first.pdf.byteLength / 1024)} KB, ` +
      `HTML ${Math.round(prepared.document.html.length / 1024)} KB; ${ITERATIONS} timed runs per row (${LAUNCH_ITERATIONS} for launch-per-request)`,
  );
  const timeAgainstBaselines = async () => {
    const pdfOptions = pdfOptionsOf({ pageSize: prepared.pageSize });
    const launch = async (): Promise<{ browser: Browser; profile: string }> => {
      const profile = createProfileDir();
      const browser = await puppeteer.launch({
        executablePath: location.executablePath,
        headless: true,
        pipe: true,
        userDataDir: profile,
        args: chromiumArgs({ runningAsRoot: runningAsRoot() }),
      });
      return { browser, profile };
    };

    // Baseline: one browser, pages already open, the same HTML straight into page.pdf.
    const baseline = await launch();
    const pages = await Promise.all([baseline.browser.newPage(), baseline.browser.newPage()]);
    for (const page of pages) await page.setJavaScriptEnabled(false);
    const rawPdf = async (worker: number) => {
      const page = pages[worker]!;
      await page.setContent(prepared.document.html, { waitUntil: 'load' });
      return page.pdf(pdfOptions);
    };
    const launchPerRequest = async () => {
      const { browser, profile } = await launch();
      try {
        const page = await browser.newPage();
        await page.setJavaScriptEnabled(false);
        await page.setContent(prepared.document.html, { waitUntil: 'load' });
        return await page.pdf(pdfOptions);
      } finally {
        await browser.close();
        await removeProfileDir(profile);
      }
    };

    // Warm every path before timing it.
    for (let i = 0; i < 3; i += 1) {
      await fullPath();
      await rawPdf(0);
      await rawPdf(1);
    }
    await launchPerRequest();

    const only = argument('concurrency');
    for (const concurrency of only === undefined ? [1, 2] : [only]) {
      console.log(`\nConcurrency ${concurrency}`);
      const calls = ITERATIONS;
      const results = await measureInterleaved(
        [
          { name: 'full', calls, work: fullPath },
          { name: 'renderer', calls, work: () => renderPdf(renderer, prepared) },
          { name: 'raw', calls, work: rawPdf },
          { name: 'launch', calls: LAUNCH_ITERATIONS, work: launchPerRequest },
        ],
        concurrency,
      );
      const { full, renderer: rendererAlone, raw, launch: naive } = results;
      row('full packet path (this service)', full!);
      row('  of which the renderer alone (same HTML)', rendererAlone!);
      row('baseline: raw page.pdf on an open page', raw!);
      row('naive: launch, render, close per request', naive!);
      console.log(
        `  ratios: full/raw p50 ${(full!.p50 / raw!.p50).toFixed(2)}× (aim ≤ 1.15× at concurrency 1), renderer alone ` +
          `${(rendererAlone!.p50 / raw!.p50).toFixed(2)}×; throughput ${(full!.perSecond / raw!.perSecond).toFixed(2)}× of raw; ` +
          `vs launch-per-request: p50 ${(naive!.p50 / full!.p50).toFixed(2)}× faster, throughput ${(full!.perSecond / naive!.perSecond).toFixed(2)}×`,
      );
    }
    await baseline.browser.close();
    await removeProfileDir(baseline.profile);
  };
  if (memoryOnly) {
    await measure(40, 2, fullPath);
  } else {
    await timeAgainstBaselines();
  }

  const measureMemory = async () => {
    console.log(`\nChromium memory over ${RENDERS} renders of the full path at concurrency 2`);
    const startPid = renderer.status().browserPid;
    const nodeStart = process.memoryUsage();
    const report = new TreeMemoryReport(sampleTree(startPid, true)!);
    const sampler = setInterval(() => {
      // Between a recycled browser and its successor there is no pid to sample.
      report.add(sampleTree(renderer.status().browserPid));
    }, 250);
    await measure(RENDERS, 2, fullPath);
    clearInterval(sampler);
    const endPid = renderer.status().browserPid;
    report.finish(sampleTree(endPid, true)!);
    const nodeEnd = process.memoryUsage();
    console.log(
      `  browser pid ${startPid} → ${endPid}; relaunches ${renderer.metrics().launches - 1} (recycled every 200 renders by design); ` +
        `VmRSS per Chromium process type (processes at start → end):`,
    );
    for (const line of report.lines()) console.log(line);
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    console.log(
      `  Node: heap used ${mb(nodeStart.heapUsed)} → ${mb(nodeEnd.heapUsed)} MB, RSS ${mb(nodeStart.rss)} → ${mb(nodeEnd.rss)} MB`,
    );
    const [load1, load5] = os.loadavg();
    console.log(
      `  tree RSS end/start ${report.ratio.toFixed(2)}× (aim ≤ 1.15×); load average ${load1!.toFixed(2)} (1 min), ${load5!.toFixed(2)} (5 min)`,
    );
  };
  if (RENDERS > 0) await measureMemory();

  await renderer.close();
  await database.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
