/** Small builders for forecast inputs: each call makes a fresh object with a unique id. */
import fc from 'fast-check';

import { daysInMonth } from '../../../../src/domain/dates.js';
import type {
  AssetCategory,
  EndOfSupportLookup,
  ForecastAsset,
  ForecastContext,
  Initiative,
  LifecyclePolicy,
  RecurringCost,
} from '../../../../src/domain/forecast.types.js';

let sequence = 0;
const nextId = (prefix: string) => `${prefix}-${++sequence}`;

export function anAsset(overrides: Partial<ForecastAsset> = {}): ForecastAsset {
  const id = overrides.id ?? nextId('asset');
  return {
    id,
    name: `Asset ${id}`,
    category: 'laptop',
    status: 'active',
    operatingSystem: null,
    purchasedOn: null,
    inServiceOn: null,
    warrantyExpiresOn: null,
    endOfSupportOn: null,
    purchaseCost: null,
    replacementCost: null,
    lifecycleMonths: null,
    ...overrides,
  };
}

export function aPolicy(category: AssetCategory, overrides: Partial<LifecyclePolicy> = {}): LifecyclePolicy {
  return {
    category,
    lifecycleMonths: null,
    replacementCost: null,
    annualEscalationBps: null,
    dueSoonDays: null,
    ...overrides,
  };
}

export function aRecurringCost(overrides: Partial<RecurringCost> = {}): RecurringCost {
  const id = overrides.id ?? nextId('recurring');
  return {
    id,
    name: `Cost ${id}`,
    vendor: null,
    amount: 1_000,
    quantity: 1,
    interval: 'month',
    startsOn: '2026-01-01',
    endsOn: null,
    annualEscalationBps: 0,
    ...overrides,
  };
}

export function anInitiative(overrides: Partial<Initiative> = {}): Initiative {
  const id = overrides.id ?? nextId('initiative');
  return {
    id,
    title: `Initiative ${id}`,
    kind: 'project',
    status: 'approved',
    assetIds: [],
    targetOn: null,
    capexCost: 0,
    monthlyOpexCost: 0,
    opexMonths: null,
    ...overrides,
  };
}

// Arbitraries for the property tests. Dates span well before and after the as-of dates so that overdue,
// in-horizon and beyond-horizon events all occur.

export const arbitraryDate = (minYear = 2015, maxYear = 2032) =>
  fc
    .record({
      year: fc.integer({ min: minYear, max: maxYear }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.nat(),
    })
    .map(
      ({ year, month, day }) =>
        `${year}-${String(month).padStart(2, '0')}-${String(1 + (day % daysInMonth(year, month))).padStart(2, '0')}`,
    );

const categories: AssetCategory[] = ['laptop', 'server', 'firewall'];
const money = fc.integer({ min: 0, max: 5_000_000 });

export const arbitraryPolicy = (category: AssetCategory) =>
  fc.record({
    category: fc.constant(category),
    lifecycleMonths: fc.option(fc.integer({ min: 1, max: 72 })),
    replacementCost: fc.option(money),
    annualEscalationBps: fc.option(fc.integer({ min: 0, max: 1_500 })),
    dueSoonDays: fc.option(fc.integer({ min: 0, max: 400 })),
  });

const arbitraryPolicies = fc.record({
  laptop: arbitraryPolicy('laptop'),
  server: arbitraryPolicy('server'),
  firewall: arbitraryPolicy('firewall'),
});

export const arbitraryAsset = fc.record({
  id: fc.uuid(),
  name: fc.constantFrom('Alpha', 'Bravo', 'Charlie', 'alpha'),
  category: fc.constantFrom(...categories),
  status: fc.constantFrom('active', 'active', 'in_storage', 'retired', 'disposed') as fc.Arbitrary<
    ForecastAsset['status']
  >,
  operatingSystem: fc.option(
    fc.constantFrom('Windows 10 Pro', 'Windows 11 Pro', 'Windows 11 Pro 23H2', 'Ubuntu 22.04'),
  ),
  purchasedOn: fc.option(arbitraryDate()),
  inServiceOn: fc.option(arbitraryDate()),
  warrantyExpiresOn: fc.option(arbitraryDate()),
  endOfSupportOn: fc.option(arbitraryDate(), { freq: 4 }),
  purchaseCost: fc.option(money),
  replacementCost: fc.option(money, { freq: 3 }),
  lifecycleMonths: fc.option(fc.integer({ min: 1, max: 72 }), { freq: 3 }),
});

export const arbitraryRecurringCost = fc
  .record({
    id: fc.uuid(),
    name: fc.constantFrom('Microsoft 365', 'Backup', 'Firewall licence'),
    vendor: fc.constant(null),
    amount: fc.integer({ min: 0, max: 500_000 }),
    quantity: fc.integer({ min: 1, max: 200 }),
    interval: fc.constantFrom('month' as const, 'year' as const),
    startsOn: arbitraryDate(),
    endsOn: fc.option(arbitraryDate()),
    annualEscalationBps: fc.integer({ min: 0, max: 1_500 }),
  })
  .map((cost) => ({
    ...cost,
    endsOn: cost.endsOn !== null && cost.endsOn < cost.startsOn ? null : cost.endsOn,
  }));

export const arbitraryInitiative = fc.record({
  id: fc.uuid(),
  title: fc.constantFrom('Move to the cloud', 'MFA everywhere', 'New firewall'),
  kind: fc.constantFrom('replacement', 'upgrade', 'project') as fc.Arbitrary<Initiative['kind']>,
  assetIds: fc.constant([] as string[]),
  status: fc.constantFrom(
    'proposed',
    'approved',
    'in_progress',
    'completed',
    'declined',
    'deferred',
  ) as fc.Arbitrary<Initiative['status']>,
  targetOn: fc.option(arbitraryDate()),
  capexCost: money,
  monthlyOpexCost: fc.integer({ min: 0, max: 200_000 }),
  opexMonths: fc.option(fc.integer({ min: 1, max: 60 })),
});

/**
 * The lookup a test gets instead of the real catalogue: Windows 10 the product ended on 2025-10-14; Windows 11 has
 * no announced end, and its 23H2 release went out of servicing on 2025-11-11 (update to 25H2).
 */
export function windowsTenLookup(operatingSystem: string): ReturnType<EndOfSupportLookup> {
  if (operatingSystem.startsWith('Windows 10'))
    return { endOfSupportOn: '2025-10-14', endOfServicingOn: null, updateTo: null };
  if (operatingSystem.startsWith('Windows 11 Pro 23H2'))
    return { endOfSupportOn: null, endOfServicingOn: '2025-11-11', updateTo: 'Windows 11 25H2' };
  if (operatingSystem.startsWith('Windows 11'))
    return { endOfSupportOn: null, endOfServicingOn: null, updateTo: null };
  return null;
}

export const arbitraryContext: fc.Arbitrary<ForecastContext> = fc.record({
  asOf: arbitraryDate(2022, 2028),
  granularity: fc.constantFrom('quarter' as const, 'year' as const),
  periods: fc.integer({ min: 1, max: 10 }),
  scenario: fc.constantFrom('committed' as const, 'proposed' as const),
  fiscalYearStartMonth: fc.integer({ min: 1, max: 12 }),
  mspPolicies: arbitraryPolicies,
  clientPolicies: arbitraryPolicies,
  lifecycleOverrides: fc.record({ laptop: fc.integer({ min: 1, max: 72 }) }, { requiredKeys: [] }),
  endOfSupportLookup: fc.constant(windowsTenLookup),
});

/** Assets, recurring costs and initiatives, each initiative linked to some of the assets. */
export const arbitraryInputs = fc
  .record({
    assets: fc.array(arbitraryAsset, { maxLength: 25 }),
    recurringCosts: fc.array(arbitraryRecurringCost, { maxLength: 5 }),
    initiatives: fc.array(arbitraryInitiative, { maxLength: 5 }),
  })
  .chain((input) =>
    fc
      .tuple(
        ...input.initiatives.map(() =>
          fc.subarray(
            input.assets.map((asset) => asset.id),
            { maxLength: Math.min(6, input.assets.length) },
          ),
        ),
      )
      .map((links) => ({
        ...input,
        initiatives: input.initiatives.map((initiative, index) => ({
          ...initiative,
          assetIds: links[index]!,
        })),
      })),
  );
