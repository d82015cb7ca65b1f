import fc from 'fast-check';
import { CompiledQuery, createQueryId, sql, type RootOperationNode } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { portfolioForecast } from '../../src/forecast/forecast.service.js';
import { lifecycleRulesOf, refreshClockOf, type LifecycleRules } from '../../src/domain/refresh-clock.js';
import { forecastContextFor, planningFactsByClient } from '../../src/forecast/forecast-context.js';
import {
  addMonthsSql,
  assetBatches,
  thresholdsOnOrBeforeSql,
} from '../../src/forecast/forecast.repository.js';
import { fiscalPeriods } from '../../src/domain/fiscal-calendar.js';
import {
  addDaysToKey,
  addMonthsToKey,
  dateKeyOf,
  isoDateOfKey,
  type DateKey,
} from '../../src/domain/dates.js';
import { portfolioCacheOf } from '../../src/forecast/portfolio-cache.js';
import { forgetKnownOperatingSystems } from '../../src/forecast/portfolio-refresh.js';
import { portfolio, queryOf, store, type Portfolio } from '../support/portfolio-book.js';
import { onPostgres, openScratchDatabase, openTestDatabase } from '../support/test-database.js';
import type { Principal } from '../../src/auth/principal.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/**
 * The portfolio's refresh events are summed in the database; the per-client engine is the definition. Random
 * portfolios (policies at both levels, what-ifs, replacement/upgrade/project initiatives in every status, month-end
 * dates, catalogue operating systems, escalation that rounds on exact halves) must agree cell by cell: every
 * client's periods, totals and counts, and every currency's sums.
 */

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('date keys in SQL', () => {
  it('when every day from the 25th to the month’s end of years 1900 to 2101 is keyed and moved by up to 1,200 months, then date_key is the engine’s key and addMonthsSql lands where date + interval and addMonthsToKey do', async () => {
    const steps = [0, 1, 2, 11, 12, 13, 23, 24, 25, 47, 48, 49, 97, 1200];
    const { rows } = await sql<{ on: string; key: number; months: number; moved: number; expected: number }>`
      select d::date::text as on, date_key(d::date) as key, n as months,
             ${addMonthsSql(sql`date_key(d::date)`, sql`n`)} as moved,
             date_key((d::date + make_interval(months => n))::date) as expected
      from generate_series(date '1900-01-01', date '2101-12-31', interval '1 day') d,
           unnest(${steps}::int[]) n
      where extract(day from d) >= 25`.execute(database.db);
    expect(rows.length).toBeGreaterThan(200 * 12 * 5 * steps.length);
    const wrong = rows.filter(
      (row) =>
        row.key !== dateKeyOf(row.on) ||
        row.moved !== row.expected ||
        row.moved !== addMonthsToKey(row.key, row.months),
    );
    expect(
      wrong.slice(0, 5).map((row) => ({ ...row, engine: isoDateOfKey(addMonthsToKey(row.key, row.months)) })),
    ).toEqual([]);
  });

  it('when an event on any day of a horizon is placed in its period and escalation year, then counting the thresholds it passed by arithmetic agrees with width_bucket, and with counting them one by one', async () => {
    // The lists the portfolio builds: period starts after the first, escalation steps from asOf (clamped from a
    // 29 February, so uneven), each closed by the day after the horizon; and uneven and lone thresholds.
    const cases: { thresholds: DateKey[]; from: DateKey; last: DateKey }[] = [];
    for (const asOf of ['2028-02-29', '2027-01-31', '2026-11-22', '2024-12-31', '2030-08-30']) {
      for (const [granularity, periods] of [
        ['quarter', 1],
        ['quarter', 7],
        ['quarter', 40],
        ['year', 1],
        ['year', 10],
      ] as const) {
        const horizon = fiscalPeriods({ asOf, granularity, periods, fiscalYearStartMonth: 4 });
        const [from, last] = [dateKeyOf(asOf), dateKeyOf(horizon.at(-1)!.end)];
        const afterEnd = addDaysToKey(last, 1);
        const steps: DateKey[] = [];
        for (let years = 1; addMonthsToKey(from, 12 * years) <= last; years++) {
          steps.push(addMonthsToKey(from, 12 * years));
        }
        cases.push({
          thresholds: [...horizon.slice(1).map((p) => dateKeyOf(p.start)), afterEnd],
          from,
          last,
        });
        cases.push({ thresholds: [...steps, afterEnd], from, last });
      }
    }
    const [from, last] = [dateKeyOf('2026-11-22'), dateKeyOf('2029-06-30')];
    for (const dates of [
      ['2027-01-01', '2027-02-01', '2027-04-01'],
      // Evenly spaced, but ending well before `last`, or starting well after `from`.
      ['2027-01-01', '2027-04-01'],
      ['2028-01-01', '2028-04-01', '2028-07-01', '2028-10-01', '2029-01-01', '2029-04-01'],
      ['2028-03-15'],
      [],
      ['2029-07-01'],
    ]) {
      cases.push({ thresholds: dates.map(dateKeyOf), from, last });
    }
    const wrong: unknown[] = [];
    for (const { thresholds, from, last } of cases) {
      const day = sql`date_key(d::date)`;
      const { rows } = await sql<{ key: number; counted: number; searched: number }>`
        select ${day} as key, ${thresholdsOnOrBeforeSql(day, thresholds, from, last)} as counted,
               coalesce(width_bucket(${day}, ${thresholds}::int[]), 0) as searched
        from generate_series(${isoDateOfKey(from)}::date, ${isoDateOfKey(last)}::date, interval '1 day') d`.execute(
        database.db,
      );
      for (const row of rows) {
        const expected = thresholds.filter((threshold) => threshold <= row.key).length;
        if (row.counted !== expected || row.searched !== expected)
          wrong.push({ ...row, expected, thresholds });
      }
    }
    expect(wrong.slice(0, 3)).toEqual([]);
  });
});

describe('portfolio forecast: refresh events summed in the database', () => {
  it('agrees cell by cell with the per-client engine on random portfolios', async () => {
    await fc.assert(
      fc.asyncProperty(portfolio, fc.boolean(), async (book, forget) => {
        // Half the runs start with texts the process has never looked up: the query asks again with them.
        if (forget) forgetKnownOperatingSystems();
        const auth = await store(database.db, book);
        const query = queryOf(book);
        const engine = await portfolioForecast(database.db, auth, query, '2026-11-22', { refresh: 'engine' });
        const summed = await portfolioForecast(database.db, auth, query, '2026-11-22');
        expect(summed).toEqual(engine);
      }),
      { numRuns: onPostgres() ? 60 : 30 },
    );
  });

  it('when the MSP is read in parts, each by a session of its own on the same snapshot, then it still agrees cell by cell with the engine', async () => {
    // A database of its own, whose pool (two sessions) only this test uses: one part per session.
    const scratch = await openScratchDatabase();
    try {
      let books = 0;
      await fc.assert(
        fc.asyncProperty(portfolio, async (book) => {
          const auth = await store(scratch.db, book);
          const query = queryOf(book);
          const engine = await portfolioForecast(scratch.db, auth, query, '2026-11-22', {
            refresh: 'engine',
          });
          portfolioCacheOf(scratch.db).clear();
          const inParts = await portfolioForecast(scratch.db, auth, query, '2026-11-22', {
            clientsPerPart: 1,
          });
          expect(inParts).toEqual(engine);
          books += 1;
        }),
        { numRuns: onPostgres() ? 40 : 10 },
      );
      expect(books).toBeGreaterThan(0);
      // On PostgreSQL the second session was opened for a part (the embedded database has none to open).
      if (scratch.pool) expect(scratch.pool.totalCount).toBe(2);
    } finally {
      await scratch.close();
    }
  });

  it('when a client goes past the exact range through an escalated refresh, then it is reported as the engine reports it', async () => {
    const book: Portfolio = {
      mspPolicies: [
        { category: 'server', lifecycleMonths: 12, replacementCost: null, bps: 10_000, dueSoonDays: null },
      ],
      clients: [
        {
          currency: 'USD',
          policies: [],
          assets: [
            {
              category: 'server',
              status: 'active',
              operatingSystem: null,
              purchasedOn: '2020-03-31',
              inServiceOn: null,
              endOfSupportOn: null,
              purchaseCost: null,
              replacementCost: 100_000_000_000_000,
              lifecycleMonths: null,
            },
          ],
          initiatives: [],
          recurring: true,
        },
        {
          currency: 'USD',
          policies: [],
          assets: [
            {
              category: 'laptop',
              status: 'active',
              operatingSystem: 'Windows 10 Pro',
              purchasedOn: '2021-01-31',
              inServiceOn: null,
              endOfSupportOn: null,
              purchaseCost: 120_005,
              replacementCost: null,
              lifecycleMonths: null,
            },
          ],
          initiatives: [],
          recurring: false,
        },
      ],
      query: {
        asOf: '2026-11-22',
        granularity: 'year',
        periodsFraction: 1,
        scenario: 'committed',
        fiscalYearStartMonth: 1,
        whatIf: undefined,
      },
    };
    const auth = await store(database.db, book);
    const query = queryOf(book);
    const summed = await portfolioForecast(database.db, auth, query, '2026-11-22');
    expect(summed).toEqual(
      await portfolioForecast(database.db, auth, query, '2026-11-22', { refresh: 'engine' }),
    );
    const [broken, healthy] = summed.clients;
    // 10^14 doubling every year for ten years is past 2^53: the asset is named, as the engine names it.
    expect(broken).toMatchObject({ error: { code: 'forecast_out_of_range' } });
    expect(broken!.error!.path).toMatch(/^assets\[[0-9a-f-]+\]\.replacementCost$/);
    expect(healthy!.totals!.refreshCount).toBeGreaterThan(0);
    expect(summed.currencies[0]).toMatchObject({ currency: 'USD', clients: 2, excludedClients: 1 });
  });

  it('when an upgrade covers a Windows 10 laptop and a replacement a server, then both paths move the same events', async () => {
    const laptop = {
      category: 'laptop' as const,
      status: 'active' as const,
      operatingSystem: 'Windows 10 Pro' as const,
      // Age due 2027-01-31; Windows 10's end of support (2025-10-14) moves it to asOf unless upgraded.
      purchasedOn: '2023-01-31',
      inServiceOn: null,
      endOfSupportOn: null,
      purchaseCost: 130_005,
      replacementCost: null,
      lifecycleMonths: 48,
    };
    const server = { ...laptop, category: 'server' as const, operatingSystem: null, lifecycleMonths: 13 };
    const initiatives = [
      {
        kind: 'upgrade',
        status: 'approved',
        targetOn: '2027-02-01',
        capexCost: 0,
        monthlyOpexCost: 0,
        opexMonths: null,
        links: [0],
      },
      {
        kind: 'replacement',
        status: 'in_progress',
        targetOn: '2027-05-31',
        capexCost: 150_000,
        monthlyOpexCost: 0,
        opexMonths: null,
        links: [1],
      },
    ] as const;
    const book: Portfolio = {
      mspPolicies: [
        { category: 'laptop', lifecycleMonths: null, replacementCost: null, bps: 500, dueSoonDays: null },
      ],
      clients: [
        {
          currency: 'USD',
          policies: [],
          assets: [laptop, server],
          initiatives: initiatives.map((i) => ({ ...i, links: [...i.links] })),
          recurring: false,
        },
      ],
      query: {
        asOf: '2026-11-22',
        granularity: 'quarter',
        periodsFraction: 0.3,
        scenario: 'committed',
        fiscalYearStartMonth: 1,
        whatIf: undefined,
      },
    };
    const auth = await store(database.db, book);
    const query = queryOf(book);
    const summed = await portfolioForecast(database.db, auth, query, '2026-11-22');
    expect(summed).toEqual(
      await portfolioForecast(database.db, auth, query, '2026-11-22', { refresh: 'engine' }),
    );
    const cells = summed.clients[0]!.periods!;
    // The laptop refreshes at age (FY2027 Q1, 2027-01-31), not at asOf; the server's own events give way to the
    // replacement on 2027-05-31, whose fresh clock charges every 13 months after it (2028-06-30, 2029-07-31).
    expect(cells.map((cell) => cell.refreshCount)).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    // The counts describe the inventory as it is: both are overdue, whatever the initiatives do.
    expect(summed.clients[0]!.counts).toEqual({ undated: 0, unpriced: 0, overdue: 2 });
  });

  it('when vacuum has marked the assets all-visible, then the refresh query reads them from the index alone and still agrees with the engine', async () => {
    // A database of its own, so that the test decides when the table was vacuumed and how much it grew since.
    const scratch = await openScratchDatabase();
    try {
      const { db } = scratch;
      // The statements the service sends, captured as it sends them, so that the plan examined is the product's own.
      const sent: RootOperationNode[] = [];
      const recorded = db.withPlugin({
        transformQuery: ({ node }) => {
          sent.push(node);
          return node;
        },
        transformResult: async ({ result }) => result,
      });
      /** How the refresh query's plan reads `assets` under the settings it runs with, and whether those rule out a sequential scan. */
      const planned = async (auth: Principal, book: Portfolio) => {
        sent.length = 0;
        portfolioCacheOf(db).clear();
        const result = await portfolioForecast(recorded, auth, queryOf(book), '2026-11-22');
        const statements = sent.map((node) => db.getExecutor().compileQuery(node, createQueryId()));
        const settle = statements.find((statement) => statement.sql.includes("set_config('enable_seqscan'"));
        const refresh = statements.find((statement) =>
          statement.sql.includes('group by client_id, unknown_os'),
        );
        if (!settle || !refresh) throw new Error('the refresh query was not sent');
        let seqscan = '';
        const plan = await db.transaction().execute(async (trx) => {
          await trx.executeQuery(settle);
          seqscan = (await sql<{ on: string }>`select current_setting('enable_seqscan') as on`.execute(trx))
            .rows[0]!.on;
          const explained = CompiledQuery.raw(`explain (format json) ${refresh.sql}`, [
            ...refresh.parameters,
          ]);
          return (await trx.executeQuery<{ 'QUERY PLAN': unknown }>(explained)).rows[0]!['QUERY PLAN'];
        });
        const scans: string[] = [];
        const walk = (node: PlanNode) => {
          if (node['Relation Name'] === 'assets')
            scans.push(`${node['Node Type']} ${node['Index Name'] ?? ''}`.trim());
          for (const child of node.Plans ?? []) walk(child);
        };
        walk((typeof plan === 'string' ? JSON.parse(plan) : (plan as { Plan: PlanNode }[]))[0].Plan);
        return { scans, seqscan, result };
      };
      const allVisible = async () =>
        (
          await sql<{ fraction: number }>`
            select relallvisible::float8 / greatest(1, pg_relation_size(oid) / current_setting('block_size')::int)
                   as fraction
            from pg_class where oid = 'assets'::regclass`.execute(db)
        ).rows[0]!.fraction;

      const [first, ...others] = fc.sample(portfolio, { numRuns: 4, seed: 8 });
      const firstAuth = await store(db, first!);
      // Never vacuumed: nothing is known to be all-visible, and the planner chooses as it would.
      expect((await planned(firstAuth, first!)).seqscan).toBe('on');

      for (const book of others) {
        const auth = await store(db, book);
        await sql`vacuum analyze assets`.execute(db);
        const { scans, seqscan, result } = await planned(auth, book);
        expect(seqscan).toBe('off');
        // Every asset from the portfolio index alone; the few that initiatives act on, when there are any, read
        // again by key (an index scan: a sequential scan is ruled out).
        const onlyIndex = 'Index Only Scan assets_portfolio_idx';
        expect(scans.filter((scan) => scan === onlyIndex)).toHaveLength(1);
        expect(scans.filter((scan) => scan !== onlyIndex)).toEqual(
          scans.length === 1 ? [] : [expect.stringMatching(/^Index Scan /)],
        );
        expect(result).toEqual(
          await portfolioForecast(db, auth, queryOf(book), '2026-11-22', { refresh: 'engine' }),
        );
      }

      // Rows written since the last vacuum grow the table past the pages it marked: the planner chooses again.
      let auth = firstAuth;
      for (let copies = 0; (await allVisible()) >= 0.9; copies += 1) {
        if (copies === 500) throw new Error('the assets table did not grow');
        auth = await store(db, first!);
      }
      expect((await planned(auth, first!)).seqscan).toBe('on');
    } finally {
      await scratch.close();
    }
  });

  it('answers for its own MSP only', async () => {
    const book = fc.sample(portfolio, { numRuns: 1, seed: 15 })[0]!;
    const auth = await store(database.db, book);
    const other = await store(database.db, book);
    const mine = await portfolioForecast(database.db, auth, queryOf(book), '2026-11-22');
    const theirs = await portfolioForecast(database.db, other, queryOf(book), '2026-11-22');
    const ids = (result: typeof mine) => new Set(result.clients.map((c) => c.clientId));
    for (const id of ids(mine)) expect(ids(theirs).has(id)).toBe(false);
    expect(mine.clients.map(({ clientId: _, ...rest }) => rest)).toEqual(
      theirs.clients.map(({ clientId: _, ...rest }) => rest),
    );
  });

  it('counts the assets due soon in the same pass as each asset’s own refresh clock does, on random portfolios', async () => {
    /** The definition: every asset's status from refreshClockOf, with its client's lifecycle rules. */
    async function dueSoonByEngine(
      mspId: string,
      asOf: string,
      lifecycleOverrides: Record<string, number> | undefined,
    ): Promise<Map<string, number>> {
      const factsOf = await planningFactsByClient(database.db, mspId);
      const rulesByClient = new Map<string, LifecycleRules>();
      const counts = new Map<string, number>();
      for await (const batch of assetBatches(database.db, mspId)) {
        for (const item of batch) {
          let rules = rulesByClient.get(item.clientId);
          if (!rules) {
            rules = lifecycleRulesOf(
              forecastContextFor(
                { asOf, granularity: 'quarter', fiscalYearStartMonth: 1, lifecycleOverrides },
                factsOf(item.clientId),
              ),
            );
            rulesByClient.set(item.clientId, rules);
          }
          if (refreshClockOf(item, rules).status === 'due_soon') {
            counts.set(item.clientId, (counts.get(item.clientId) ?? 0) + 1);
          }
        }
      }
      return counts;
    }
    await fc.assert(
      fc.asyncProperty(portfolio, fc.boolean(), async (book, forget) => {
        if (forget) forgetKnownOperatingSystems();
        const auth = await store(database.db, book);
        const query = queryOf(book);
        const dueSoon = new Map<string, number>();
        await portfolioForecast(database.db, auth, query, '2026-11-22', { dueSoon });
        expect(dueSoon).toEqual(await dueSoonByEngine(auth.mspId, query.asOf, query.lifecycleMonths));
      }),
      { numRuns: onPostgres() ? 60 : 30 },
    );
  });

  it('when clocks fall due today, on the window’s last day and the day after it, then the first two are due soon', async () => {
    const laptop = (inServiceOn: string) => ({
      category: 'laptop' as const,
      status: 'active' as const,
      operatingSystem: null,
      purchasedOn: null,
      inServiceOn,
      endOfSupportOn: null,
      purchaseCost: 100_000,
      replacementCost: null,
      lifecycleMonths: null,
    });
    const book: Portfolio = {
      mspPolicies: [
        { category: 'laptop', lifecycleMonths: 36, replacementCost: null, bps: null, dueSoonDays: null },
      ],
      clients: [
        {
          currency: 'USD',
          policies: [],
          // Due 2026-11-22 (today), 2027-05-21 (today + 180 days, the default window's last day), 2027-05-22.
          assets: [laptop('2023-11-22'), laptop('2024-05-21'), laptop('2024-05-22')],
          initiatives: [],
          recurring: false,
        },
      ],
      query: {
        asOf: '2026-11-22',
        granularity: 'quarter',
        periodsFraction: 0,
        scenario: 'committed',
        fiscalYearStartMonth: 1,
        whatIf: undefined,
      },
    };
    const auth = await store(database.db, book);
    const counts = new Map<string, number>();
    await portfolioForecast(database.db, auth, queryOf(book), '2026-11-22', { dueSoon: counts });
    expect([...counts.values()]).toEqual([2]);
  });
});
