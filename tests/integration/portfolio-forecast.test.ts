import fc from 'fast-check';
import type { Database } from '../../src/db/database.js';
import { systemPrincipal, type Principal } from '../../src/auth/principal.js';
import { daysInMonth } from '../../src/domain/dates.js';
import { portfolioForecast } from '../../src/forecast/forecast.service.js';
import { lifecycleRulesOf, refreshClockOf, type LifecycleRules } from '../../src/domain/refresh-clock.js';
import { forecastContextFor, planningFactsByClient } from '../../src/forecast/forecast-context.js';
import { assetBatches } from '../../src/forecast/forecast.repository.js';
import { forgetKnownOperatingSystems } from '../../src/forecast/portfolio-refresh.js';
import { unique } from '../support/test-app.js';
import { onPostgres, openTestDatabase } from '../support/test-database.js';

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

const CATEGORIES = ['laptop', 'desktop', 'server', 'firewall', 'other'] as const;
const STATUSES = ['active', 'in_storage', 'retired', 'disposed'] as const;
const INITIATIVE_STATUSES = [
  'proposed',
  'approved',
  'in_progress',
  'completed',
  'declined',
  'deferred',
] as const;
const OPERATING_SYSTEMS = [
  null,
  '',
  'Windows 10 Pro 22H2',
  'Windows 10 Pro',
  'Microsoft Windows 11 Pro 23H2',
  'Windows Server 2016 Standard',
  'Windows Server 2022 Datacenter',
  'macOS Ventura 13.6',
  'Ubuntu 22.04.4 LTS',
  'Windows 10 Enterprise LTSC 2019',
  'Not an operating system',
] as const;

/** A date from 2012 to 2033, often on a month's last days so that addMonths has to clamp. */
const isoDate = fc
  .record({
    year: fc.integer({ min: 2012, max: 2033 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.oneof(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 29, max: 31 })),
  })
  .map(({ year, month, day }) => {
    const clamped = Math.min(day, daysInMonth(year, month));
    return `${year}-${String(month).padStart(2, '0')}-${String(clamped).padStart(2, '0')}`;
  });
/** Null one time in three. */
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 3 });
/** Null one time in two. */
const often = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof(fc.constant(null), arbitrary);
/** Costs that make escalation land on exact halves: multiples of 5 and 25 cents, and odd ones. */
const cost = fc.oneof(
  fc.integer({ min: 0, max: 5_000_000 }),
  fc.integer({ min: 0, max: 200_000 }).map((n) => n * 25),
  fc.constantFrom(0, 1, 5, 50, 12_345, 99_999_999),
);
const bps = fc.oneof(fc.constantFrom(0, 250, 300, 500, 10_000), fc.integer({ min: 0, max: 10_000 }));
const months = fc.oneof(fc.constantFrom(1, 12, 36, 48, 60), fc.integer({ min: 1, max: 130 }));

const policy = fc.record({
  category: fc.constantFrom(...CATEGORIES),
  lifecycleMonths: nullable(months),
  replacementCost: nullable(cost),
  bps: nullable(bps),
  dueSoonDays: nullable(fc.oneof(fc.constantFrom(0, 30, 180, 365), fc.integer({ min: 0, max: 3650 }))),
});
const asset = fc.record({
  category: fc.constantFrom(...CATEGORIES),
  status: fc.constantFrom(...STATUSES, 'active', 'active'),
  operatingSystem: fc.constantFrom(...OPERATING_SYSTEMS),
  purchasedOn: nullable(isoDate),
  inServiceOn: nullable(isoDate),
  endOfSupportOn: often(isoDate),
  purchaseCost: nullable(cost),
  replacementCost: often(cost),
  lifecycleMonths: often(months),
});
const initiative = fc.record({
  kind: fc.constantFrom('replacement', 'upgrade', 'upgrade', 'project'),
  status: fc.constantFrom(...INITIATIVE_STATUSES, 'approved', 'in_progress', 'proposed'),
  targetOn: nullable(isoDate),
  capexCost: fc.constantFrom(0, 150_000),
  monthlyOpexCost: fc.constantFrom(0, 2_000),
  opexMonths: nullable(fc.integer({ min: 1, max: 40 })),
  /** Which of the client's assets it links, by position. */
  links: fc.array(fc.nat(7), { maxLength: 5 }),
});
const client = fc.record({
  currency: fc.constantFrom('USD', 'EUR'),
  policies: fc.uniqueArray(policy, { selector: (p) => p.category, maxLength: 3 }),
  assets: fc.array(asset, { maxLength: 10 }),
  initiatives: fc.array(initiative, { maxLength: 3 }),
  recurring: fc.boolean(),
});
const portfolio = fc.record({
  mspPolicies: fc.uniqueArray(policy, { selector: (p) => p.category, maxLength: 4 }),
  clients: fc.array(client, { minLength: 1, maxLength: 4 }),
  query: fc.record({
    asOf: isoDate.filter((date) => date >= '2020-01-01' && date <= '2030-12-31'),
    granularity: fc.constantFrom('quarter' as const, 'year' as const),
    periodsFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    scenario: fc.constantFrom('committed' as const, 'proposed' as const),
    fiscalYearStartMonth: fc.integer({ min: 1, max: 12 }),
    whatIf: fc.option(fc.record({ category: fc.constantFrom(...CATEGORIES), months }), { nil: undefined }),
  }),
});

type Portfolio = typeof portfolio extends fc.Arbitrary<infer T> ? T : never;
type Policy = Portfolio['mspPolicies'][number];

const source = (date: string | null) => (date === null ? null : 'import');

function policyRow(mspId: string, clientId: string | null, row: Policy) {
  return {
    msp_id: mspId,
    client_id: clientId,
    category: row.category,
    lifecycle_months: row.lifecycleMonths,
    replacement_cost: row.replacementCost,
    annual_escalation_bps: row.bps,
    due_soon_days: row.dueSoonDays,
  };
}

/** Writes the portfolio under a new MSP and returns a principal of it. */
async function store(book: Portfolio): Promise<Principal> {
  const { db } = database;
  const msp = await db
    .insertInto('msps')
    .values({ name: unique('Portfolio MSP'), currency: 'USD' })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (book.mspPolicies.length > 0) {
    await db
      .insertInto('lifecycle_policies')
      .values(book.mspPolicies.map((row) => policyRow(msp.id, null, row)))
      .execute();
  }
  for (const [index, spec] of book.clients.entries()) {
    const { id: clientId } = await db
      .insertInto('clients')
      .values({ msp_id: msp.id, name: `Client ${index}`, currency: spec.currency })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (spec.policies.length > 0) {
      await db
        .insertInto('lifecycle_policies')
        .values(spec.policies.map((row) => policyRow(msp.id, clientId, row)))
        .execute();
    }
    const assetIds: string[] = [];
    for (const [n, a] of spec.assets.entries()) {
      const row = await db
        .insertInto('assets')
        .values({
          msp_id: msp.id,
          client_id: clientId,
          name: `Asset ${n}`,
          category: a.category,
          status: a.status,
          operating_system: a.operatingSystem,
          purchased_on: a.purchasedOn,
          purchased_on_source: source(a.purchasedOn),
          in_service_on: a.inServiceOn,
          in_service_on_source: source(a.inServiceOn),
          end_of_support_on: a.endOfSupportOn,
          end_of_support_on_source: source(a.endOfSupportOn),
          purchase_cost: a.purchaseCost,
          replacement_cost: a.replacementCost,
          lifecycle_months: a.lifecycleMonths,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      assetIds.push(row.id);
    }
    for (const [n, i] of spec.initiatives.entries()) {
      const row = await db
        .insertInto('initiatives')
        .values({
          msp_id: msp.id,
          client_id: clientId,
          title: `Initiative ${n}`,
          kind: i.kind,
          status: i.status,
          target_on: i.targetOn,
          capex_cost: i.capexCost,
          monthly_opex_cost: i.monthlyOpexCost,
          opex_months: i.opexMonths,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const linked = [...new Set(i.links.filter((at) => at < assetIds.length).map((at) => assetIds[at]!))];
      if (linked.length > 0) {
        await db
          .insertInto('initiative_assets')
          .values(linked.map((assetId) => ({ msp_id: msp.id, initiative_id: row.id, asset_id: assetId })))
          .execute();
      }
    }
    if (spec.recurring) {
      await db
        .insertInto('recurring_costs')
        .values({
          msp_id: msp.id,
          client_id: clientId,
          name: 'Managed services',
          amount: 15_005,
          quantity: 3,
          interval: 'month',
          starts_on: '2019-01-31',
          annual_escalation_bps: 300,
        })
        .execute();
    }
  }
  return { ...systemPrincipal('test', msp.id), scope: 'read' };
}

function queryOf(book: Portfolio) {
  const { query } = book;
  const max = query.granularity === 'quarter' ? 40 : 10;
  return {
    asOf: query.asOf,
    granularity: query.granularity,
    periods: 1 + Math.floor(query.periodsFraction * (max - 1)),
    scenario: query.scenario,
    fiscalYearStartMonth: query.fiscalYearStartMonth,
    lifecycleMonths: query.whatIf ? { [query.whatIf.category]: query.whatIf.months } : undefined,
  };
}

describe('portfolio forecast: refresh events summed in the database', () => {
  it('agrees cell by cell with the per-client engine on random portfolios', async () => {
    await fc.assert(
      fc.asyncProperty(portfolio, fc.boolean(), async (book, forget) => {
        // Half the runs start with texts the process has never looked up: the query asks again with them.
        if (forget) forgetKnownOperatingSystems();
        const auth = await store(book);
        const query = queryOf(book);
        const engine = await portfolioForecast(database.db, auth, query, '2026-11-22', { refresh: 'engine' });
        const summed = await portfolioForecast(database.db, auth, query, '2026-11-22');
        expect(summed).toEqual(engine);
      }),
      { numRuns: onPostgres() ? 60 : 30 },
    );
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
    const auth = await store(book);
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
    const auth = await store(book);
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

  it('answers for its own MSP only', async () => {
    const book = fc.sample(portfolio, { numRuns: 1, seed: 15 })[0]!;
    const auth = await store(book);
    const other = await store(book);
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
        const auth = await store(book);
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
    const auth = await store(book);
    const counts = new Map<string, number>();
    await portfolioForecast(database.db, auth, queryOf(book), '2026-11-22', { dueSoon: counts });
    expect([...counts.values()]).toEqual([2]);
  });
});
