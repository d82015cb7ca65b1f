/**
 * npm run bench:console — the web console's two heaviest pages against the JSON API call each is built on, on
 * PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres), in its own database
 * `vcio_bench_console`, dropped at the end.
 *
 * The demo book plus generated clients up to 500 (BENCH_CLIENTS), each with BENCH_ASSETS_PER_CLIENT assets
 * (default 40). Two cases, each timed request by request through the real app over HTTP, page and API call
 * alternating so that background load hits both alike:
 *  (a) the dashboard (`GET /`, signed in) vs the portfolio forecast it is built on
 *      (`GET /api/v1/forecast?granularity=quarter&periods=4&fiscalYearStartMonth=1`);
 *  (b) the largest demo client's page (`GET /clients/<id>`) vs its forecast (`GET /api/v1/clients/<id>/forecast`).
 * Prints p50 and p95 of each and the ratios page/API (aim: within 1.5×). BENCH_RUNS (default 60) sets the timed
 * requests per side, after 10 untimed ones.
 */
import type { Server } from 'node:http';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import type { AppContext } from '../src/app-context.js';
import { syncAssets } from '../src/assets/asset.service.js';
import { Authenticator } from '../src/auth/authenticator.js';
import { systemPrincipal } from '../src/auth/principal.js';
import { createRateLimits } from '../src/auth/rate-limits.js';
import { insertClient } from '../src/clients/client.repository.js';
import { loadConfig } from '../src/config/config.js';
import { loadDemo } from '../src/demo/demo.service.js';
import { systemClock } from '../src/shared/clock.js';
import { fmt, percentile, scratchDatabase } from './support.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 500);
const ASSETS_PER_CLIENT = Number(process.env.BENCH_ASSETS_PER_CLIENT ?? 40);
const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const WARMUP = 10;
const CATEGORIES = ['laptop', 'desktop', 'server', 'network_switch', 'firewall', 'printer'] as const;

const loads = () =>
  loadavg()
    .map((value) => fmt(value, 2))
    .join(', ');

/** Signs in through the console's form as a browser would: the pre-session token, then the session cookie. */
async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${baseUrl}/sign-in`, { headers: { accept: 'text/html' } });
  const preSession = form.headers.getSetCookie().map((line) => line.split(';')[0]!);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!token) throw new Error('the sign-in form has no token');
  const answer = await fetch(`${baseUrl}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      cookie: preSession.join('; '),
    },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  const session = answer.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.includes('vcio_session='));
  if (answer.status !== 303 || !session) throw new Error(`sign-in answered ${answer.status}`);
  return session;
}

interface Timing {
  p50: number;
  p95: number;
}

/** Page and API call in turns, each request timed to the last byte of its body. */
async function compare(
  page: { url: string; headers: Record<string, string> },
  api: { url: string; headers: Record<string, string> },
): Promise<[Timing, Timing]> {
  const times: [number[], number[]] = [[], []];
  for (let run = 0; run < WARMUP + RUNS; run += 1) {
    for (const [side, target] of [page, api].entries()) {
      const start = performance.now();
      const response = await fetch(target.url, { headers: target.headers });
      await response.arrayBuffer();
      const elapsed = performance.now() - start;
      if (response.status !== 200) throw new Error(`${target.url} answered ${response.status}`);
      if (run >= WARMUP) times[side]!.push(elapsed);
    }
  }
  return times.map((measured) => {
    const sorted = [...measured].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
  }) as [Timing, Timing];
}

async function main(): Promise<void> {
  console.log(`load average at the start: ${loads()}`);
  const scratch = await scratchDatabase('vcio_bench_console');
  const { database } = scratch;
  let server: Server | undefined;
  try {
    const db = database.db;
    const demo = await loadDemo(db, systemClock);
    const auth = systemPrincipal('bench', demo.msp.id);
    const extra = Math.max(0, CLIENTS - demo.clients.length);
    console.log(
      `Seeding ${extra} clients with ${ASSETS_PER_CLIENT} assets each beside the demo's ${demo.clients.length}…`,
    );
    for (let index = 0; index < extra; index += 1) {
      const client = await insertClient(db, demo.msp.id, {
        name: `Bench Client ${String(index + 1).padStart(3, '0')}`,
        currency: 'USD',
        fiscalYearStartMonth: 1 + (index % 12),
      });
      await syncAssets(db, auth, client.id, {
        externalSource: 'bench',
        retireMissing: false,
        assets: Array.from({ length: ASSETS_PER_CLIENT }, (_, asset) => ({
          externalId: `dev-${asset}`,
          name: `PC-${String(asset).padStart(3, '0')}`,
          category: CATEGORIES[(index + asset) % CATEGORIES.length]!,
          purchasedOn: `20${18 + ((index + asset) % 8)}-${String(1 + (asset % 12)).padStart(2, '0')}-15`,
          purchaseCost: 60_000 + asset * 100,
          status: 'active' as const,
        })),
      });
    }

    const rateLimits = createRateLimits(database);
    const context: AppContext = {
      database,
      config: loadConfig({ DATA_DIR: '/tmp/vcio-bench-console', LOG_LEVEL: 'silent' }),
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      authenticator: new Authenticator(db, {
        rateLimits,
        rateLimitPerMinute: 1_000_000,
        failedAuth: { limit: 1_000, windowSeconds: 300 },
      }),
      rateLimits,
    };
    const app = createApp(context);
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const address = server.address();
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const cookie = await signIn(baseUrl, demo.user.email, demo.user.password);
    const pageHeaders = { accept: 'text/html', cookie };
    const apiHeaders = { accept: 'application/json', authorization: `Bearer ${demo.apiKey}` };
    const largest = [...demo.clients].sort((a, b) => b.assets - a.assets)[0]!;

    const clients = await db
      .selectFrom('clients')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('msp_id', '=', demo.msp.id)
      .executeTakeFirstOrThrow();
    const assets = await db
      .selectFrom('assets')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('msp_id', '=', demo.msp.id)
      .executeTakeFirstOrThrow();
    console.log(
      `vCIO Planner console benchmark: ${Number(clients.count)} clients, ${Number(assets.count).toLocaleString('en-US')} ` +
        `assets; ${RUNS} timed requests per side after ${WARMUP} untimed, page and API call alternating`,
    );
    const cases = [
      {
        name: `dashboard (${Number(clients.count)} clients)`,
        page: { url: `${baseUrl}/`, headers: pageHeaders },
        api: {
          url: `${baseUrl}/api/v1/forecast?granularity=quarter&periods=4&fiscalYearStartMonth=1`,
          headers: apiHeaders,
        },
      },
      {
        name: `client page (${largest.name}, ${largest.assets} assets)`,
        page: { url: `${baseUrl}/clients/${largest.id}`, headers: pageHeaders },
        api: { url: `${baseUrl}/api/v1/clients/${largest.id}/forecast`, headers: apiHeaders },
      },
    ];
    for (const benchCase of cases) {
      const [page, api] = await compare(benchCase.page, benchCase.api);
      console.log(
        `  ${benchCase.name}: page p50 ${fmt(page.p50)} ms, p95 ${fmt(page.p95)} ms; API p50 ${fmt(api.p50)} ms, ` +
          `p95 ${fmt(api.p95)} ms → page/API ${fmt(page.p50 / api.p50, 2)}× at p50, ${fmt(page.p95 / api.p95, 2)}× ` +
          `at p95 (aim ≤ 1.5×)`,
      );
    }
    console.log(`load average at the end: ${loads()}`);
  } finally {
    server?.closeAllConnections();
    server?.close();
    await scratch.drop();
  }
}

await main();
