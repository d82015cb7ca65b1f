import fc from 'fast-check';
import type { Db } from '../../src/db/database.js';
import { systemPrincipal, type Principal } from '../../src/auth/principal.js';
import { daysInMonth } from '../../src/domain/dates.js';
import { unique } from './test-app.js';

/**
 * Random books of business for the portfolio's property tests (tests/integration/portfolio-*.test.ts): policies at
 * both levels, what-ifs, replacement/upgrade/project initiatives in every status, month-end dates, catalogue
 * operating systems, escalation that rounds on exact halves.
 */

export const CATEGORIES = ['laptop', 'desktop', 'server', 'firewall', 'other'] as const;
export const STATUSES = ['active', 'in_storage', 'retired', 'disposed'] as const;
export const INITIATIVE_STATUSES = [
  'proposed',
  'approved',
  'in_progress',
  'completed',
  'declined',
  'deferred',
] as const;
export const OPERATING_SYSTEMS = [
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
export const isoDate = fc
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
export const cost = fc.oneof(
  fc.integer({ min: 0, max: 5_000_000 }),
  fc.integer({ min: 0, max: 200_000 }).map((n) => n * 25),
  fc.constantFrom(0, 1, 5, 50, 12_345, 99_999_999),
);
export const bps = fc.oneof(fc.constantFrom(0, 250, 300, 500, 10_000), fc.integer({ min: 0, max: 10_000 }));
export const months = fc.oneof(fc.constantFrom(1, 12, 36, 48, 60), fc.integer({ min: 1, max: 130 }));

export const policy = fc.record({
  category: fc.constantFrom(...CATEGORIES),
  lifecycleMonths: nullable(months),
  replacementCost: nullable(cost),
  bps: nullable(bps),
  dueSoonDays: nullable(fc.oneof(fc.constantFrom(0, 30, 180, 365), fc.integer({ min: 0, max: 3650 }))),
});
export const asset = fc.record({
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
export const initiative = fc.record({
  kind: fc.constantFrom('replacement', 'upgrade', 'upgrade', 'project'),
  status: fc.constantFrom(...INITIATIVE_STATUSES, 'approved', 'in_progress', 'proposed'),
  targetOn: nullable(isoDate),
  capexCost: fc.constantFrom(0, 150_000),
  monthlyOpexCost: fc.constantFrom(0, 2_000),
  opexMonths: nullable(fc.integer({ min: 1, max: 40 })),
  /** Which of the client's assets it links, by position. */
  links: fc.array(fc.nat(7), { maxLength: 5 }),
});
export const client = fc.record({
  currency: fc.constantFrom('USD', 'EUR'),
  policies: fc.uniqueArray(policy, { selector: (p) => p.category, maxLength: 3 }),
  assets: fc.array(asset, { maxLength: 10 }),
  initiatives: fc.array(initiative, { maxLength: 3 }),
  recurring: fc.boolean(),
});
export const portfolio = fc.record({
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

export type Portfolio = typeof portfolio extends fc.Arbitrary<infer T> ? T : never;
export type Policy = Portfolio['mspPolicies'][number];

export const source = (date: string | null) => (date === null ? null : 'import');

export function policyRow(mspId: string, clientId: string | null, row: Policy) {
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
export async function store(db: Db, book: Portfolio): Promise<Principal> {
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

export function queryOf(book: Portfolio) {
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
