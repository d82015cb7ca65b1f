import fc from 'fast-check';
import { sql } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { readSnapshot } from '../../src/db/unit-of-work.js';
import type { Principal } from '../../src/auth/principal.js';
import { createAsset, deleteAsset, updateAsset } from '../../src/assets/asset.service.js';
import { createAssetBody, updateAssetBody } from '../../src/assets/asset.schemas.js';
import { deleteClient, updateClient } from '../../src/clients/client.service.js';
import { portfolioForecast, type PortfolioForecast } from '../../src/forecast/forecast.service.js';
import { portfolioCacheOf } from '../../src/forecast/portfolio-cache.js';
import {
  createInitiative,
  deleteInitiative,
  updateInitiative,
} from '../../src/initiatives/initiative.service.js';
import { createInitiativeBody, updateInitiativeBody } from '../../src/initiatives/initiative.schemas.js';
import { deletePolicy, putPolicy } from '../../src/lifecycle-policies/lifecycle-policy.service.js';
import {
  createRecurringCost,
  deleteRecurringCost,
  updateRecurringCost,
} from '../../src/recurring-costs/recurring-cost.service.js';
import {
  asset,
  cost,
  INITIATIVE_STATUSES,
  initiative,
  months,
  policy,
  portfolio,
  queryOf,
  store,
  type Portfolio,
} from '../support/portfolio-book.js';
import { onPostgres, openScratchDatabase, openTestDatabase } from '../support/test-database.js';

/**
 * The portfolio cache (src/forecast/portfolio-cache.ts) serves a client's figures while the client's and the MSP's
 * data versions are those they were computed at; triggers bump the versions on every table a forecast reads
 * (migration 20261205000100). Whatever changes, a warm read must equal a cold one and the engine's, cell by cell,
 * and must have recomputed exactly the clients that changed.
 */

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const TODAY = '2026-11-22';
const at = fc.nat(50);
const change = fc.oneof(
  fc.record({ kind: fc.constant('createAsset' as const), client: at, asset }),
  fc.record({
    kind: fc.constant('updateAsset' as const),
    client: at,
    at,
    lifecycleMonths: fc.option(months, { nil: null }),
    purchaseCost: fc.option(cost, { nil: null }),
  }),
  fc.record({ kind: fc.constant('retireAsset' as const), client: at, at }),
  fc.record({ kind: fc.constant('deleteAsset' as const), client: at, at }),
  fc.record({ kind: fc.constant('moveAsset' as const), client: at, at, to: at }),
  fc.record({ kind: fc.constant('createInitiative' as const), client: at, initiative }),
  fc.record({
    kind: fc.constant('updateInitiative' as const),
    client: at,
    at,
    status: fc.constantFrom(...INITIATIVE_STATUSES),
    capexCost: fc.constantFrom(0, 90_000, 150_000),
  }),
  fc.record({
    kind: fc.constant('linkAssets' as const),
    client: at,
    at,
    links: fc.array(fc.nat(7), { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('deleteInitiative' as const), client: at, at }),
  fc.record({ kind: fc.constant('clientPolicy' as const), client: at, policy, remove: fc.boolean() }),
  fc.record({ kind: fc.constant('mspPolicy' as const), policy, remove: fc.boolean() }),
  fc.record({
    kind: fc.constant('recurringCost' as const),
    client: at,
    action: fc.constantFrom('create' as const, 'update' as const, 'delete' as const),
    amount: fc.integer({ min: 0, max: 500_000 }),
  }),
  fc.record({
    kind: fc.constant('client' as const),
    client: at,
    currency: fc.constantFrom('USD', 'EUR', 'GBP'),
    fiscalYearStartMonth: fc.integer({ min: 1, max: 12 }),
  }),
);
type Change = typeof change extends fc.Arbitrary<infer T> ? T : never;

async function clientIdsOf(auth: Principal): Promise<string[]> {
  const rows = await database.db
    .selectFrom('clients')
    .select('id')
    .where('msp_id', '=', auth.mspId)
    .orderBy('name')
    .execute();
  return rows.map((row) => row.id);
}

/** The ids of one client's rows of a table, in id order. */
async function idsIn(
  table: 'assets' | 'initiatives' | 'recurring_costs',
  clientId: string,
): Promise<string[]> {
  const rows = await database.db
    .selectFrom(table)
    .select('id')
    .where('client_id', '=', clientId)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

const pick = <T>(list: readonly T[], index: number): T | undefined =>
  list.length === 0 ? undefined : list[index % list.length];

/**
 * Makes the change through the services (a move, which no service offers, through SQL) and returns the clients
 * whose forecast inputs it changed ('msp' for all of them), or none when there was nothing to change.
 */
async function apply(auth: Principal, clients: string[], step: Change): Promise<string[] | 'msp'> {
  const { db } = database;
  if (step.kind === 'mspPolicy') {
    const exists = await db
      .selectFrom('lifecycle_policies')
      .select('id')
      .where('msp_id', '=', auth.mspId)
      .where('client_id', 'is', null)
      .where('category', '=', step.policy.category)
      .executeTakeFirst();
    if (step.remove && exists) {
      await deletePolicy(db, auth, { clientId: null }, step.policy.category);
    } else {
      await putPolicy(db, auth, { clientId: null }, step.policy.category, {
        lifecycleMonths: step.policy.lifecycleMonths,
        replacementCost: step.policy.replacementCost,
        annualEscalationBps: step.policy.bps,
        dueSoonDays: step.policy.dueSoonDays,
      });
    }
    return 'msp';
  }
  const clientId = pick(clients, step.client)!;
  switch (step.kind) {
    case 'createAsset': {
      const { operatingSystem, ...fields } = step.asset;
      await createAsset(
        db,
        auth,
        clientId,
        createAssetBody.parse({ name: 'New asset', operatingSystem: operatingSystem || null, ...fields }),
        TODAY,
      );
      return [clientId];
    }
    case 'updateAsset':
    case 'retireAsset': {
      const assetId = pick(await idsIn('assets', clientId), step.at);
      if (assetId === undefined) return [];
      const changes =
        step.kind === 'retireAsset'
          ? { status: 'retired' }
          : { lifecycleMonths: step.lifecycleMonths, purchaseCost: step.purchaseCost };
      await updateAsset(db, auth, clientId, assetId, updateAssetBody.parse(changes), TODAY);
      return [clientId];
    }
    case 'deleteAsset': {
      const assetId = pick(await idsIn('assets', clientId), step.at);
      if (assetId === undefined) return [];
      await deleteAsset(db, auth, clientId, assetId);
      return [clientId];
    }
    case 'moveAsset': {
      const assetId = pick(await idsIn('assets', clientId), step.at);
      const to = pick(clients, step.to)!;
      if (assetId === undefined) return [];
      await sql`update assets set client_id = ${to} where id = ${assetId}`.execute(db);
      return [clientId, to];
    }
    case 'createInitiative': {
      const assets = await idsIn('assets', clientId);
      const { links, ...fields } = step.initiative;
      await createInitiative(
        db,
        auth,
        clientId,
        createInitiativeBody.parse({
          title: 'New initiative',
          ...fields,
          assetIds: [...new Set(links.filter((n) => n < assets.length).map((n) => assets[n]!))],
        }),
      );
      return [clientId];
    }
    case 'updateInitiative':
    case 'linkAssets': {
      const initiativeId = pick(await idsIn('initiatives', clientId), step.at);
      if (initiativeId === undefined) return [];
      let changes: object;
      if (step.kind === 'updateInitiative') {
        changes = { status: step.status, capexCost: step.capexCost };
      } else {
        const assets = await idsIn('assets', clientId);
        changes = {
          assetIds: [...new Set(step.links.filter((n) => n < assets.length).map((n) => assets[n]!))],
        };
      }
      await updateInitiative(db, auth, clientId, initiativeId, updateInitiativeBody.parse(changes));
      return [clientId];
    }
    case 'deleteInitiative': {
      const initiativeId = pick(await idsIn('initiatives', clientId), step.at);
      if (initiativeId === undefined) return [];
      await deleteInitiative(db, auth, clientId, initiativeId);
      return [clientId];
    }
    case 'clientPolicy': {
      const level = { clientId };
      const exists = await db
        .selectFrom('lifecycle_policies')
        .select('id')
        .where('client_id', '=', clientId)
        .where('category', '=', step.policy.category)
        .executeTakeFirst();
      if (step.remove && exists) {
        await deletePolicy(db, auth, level, step.policy.category);
      } else {
        await putPolicy(db, auth, level, step.policy.category, {
          lifecycleMonths: step.policy.lifecycleMonths,
          replacementCost: step.policy.replacementCost,
          annualEscalationBps: step.policy.bps,
          dueSoonDays: step.policy.dueSoonDays,
        });
      }
      return [clientId];
    }
    case 'recurringCost': {
      const costId = pick(await idsIn('recurring_costs', clientId), 0);
      if (step.action === 'create' || costId === undefined) {
        await createRecurringCost(db, auth, clientId, {
          name: 'Backup',
          amount: step.amount,
          quantity: 2,
          interval: 'year',
          startsOn: '2025-02-28',
          annualEscalationBps: 250,
        });
      } else if (step.action === 'update') {
        await updateRecurringCost(db, auth, clientId, costId, { amount: step.amount });
      } else {
        await deleteRecurringCost(db, auth, clientId, costId);
      }
      return [clientId];
    }
    case 'client':
      // The client's own row is no input of its cached figures: its currency is read with every portfolio.
      await updateClient(db, auth, clientId, {
        currency: step.currency,
        fiscalYearStartMonth: step.fiscalYearStartMonth,
      });
      return [];
  }
}

async function read(auth: Principal, book: Portfolio, refresh?: 'engine') {
  const dueSoon = new Map<string, number>();
  const result = await portfolioForecast(database.db, auth, queryOf(book), TODAY, {
    dueSoon,
    ...(refresh ? { refresh } : {}),
  });
  return { result, dueSoon };
}

/** What a read cost: how many clients came from the cache and how many were computed. */
async function counted(
  work: () => Promise<{ result: PortfolioForecast; dueSoon: Map<string, number> }>,
): Promise<{ result: PortfolioForecast; dueSoon: Map<string, number>; hits: number; misses: number }> {
  const { stats } = portfolioCacheOf(database.db);
  const before = { ...stats };
  const answer = await work();
  return { ...answer, hits: stats.hits - before.hits, misses: stats.misses - before.misses };
}

describe('portfolio cache', () => {
  it('after random changes, a warm read equals a cold one and the engine’s, and recomputes only the changed clients', async () => {
    await fc.assert(
      fc.asyncProperty(portfolio, fc.array(change, { minLength: 1, maxLength: 6 }), async (book, changes) => {
        const auth = await store(database.db, book);
        const clients = await clientIdsOf(auth);
        const first = await counted(() => read(auth, book));
        expect(first).toMatchObject({ hits: 0, misses: clients.length });

        const touched = new Set<string>();
        for (const step of changes) {
          const changed = await apply(auth, clients, step);
          for (const clientId of changed === 'msp' ? clients : changed) touched.add(clientId);
        }

        const warm = await counted(() => read(auth, book));
        expect(warm.misses).toBe(touched.size);
        expect(warm.hits).toBe(clients.length - touched.size);
        const engine = await counted(() => read(auth, book, 'engine'));
        expect(engine).toMatchObject({ hits: 0, misses: 0 });
        expect(warm.result).toEqual(engine.result);

        portfolioCacheOf(database.db).clear();
        const cold = await counted(() => read(auth, book));
        expect(cold.misses).toBe(clients.length);
        expect(warm.result).toEqual(cold.result);
        expect(warm.dueSoon).toEqual(cold.dueSoon);

        // Nothing changed since: every client from the cache, the same answer.
        const again = await counted(() => read(auth, book));
        expect(again).toMatchObject({ hits: clients.length, misses: 0 });
        expect(again.result).toEqual(cold.result);
        expect(again.dueSoon).toEqual(cold.dueSoon);
      }),
      { numRuns: onPostgres() ? 40 : 25 },
    );
  });

  it('when another view is asked for, then it is computed, and each view stays cached beside the other', async () => {
    const sample = fc.sample(portfolio, { numRuns: 1, seed: 7 })[0]!;
    const book: Portfolio = {
      ...sample,
      query: {
        ...sample.query,
        granularity: 'quarter',
        periodsFraction: 0.1,
        scenario: 'committed',
        whatIf: undefined,
      },
    };
    const auth = await store(database.db, book);
    const clients = (await clientIdsOf(auth)).length;
    const other: Portfolio = { ...book, query: { ...book.query, scenario: 'proposed' } };
    const wider: Portfolio = { ...book, query: { ...book.query, periodsFraction: 1 } };
    await read(auth, book);
    expect(await counted(() => read(auth, other))).toMatchObject({ hits: 0, misses: clients });
    expect(await counted(() => read(auth, wider))).toMatchObject({ hits: 0, misses: clients });
    expect(await counted(() => read(auth, book))).toMatchObject({ hits: clients, misses: 0 });
    expect(await counted(() => read(auth, other))).toMatchObject({ hits: clients, misses: 0 });
  });

  it('when a client is renamed or changes currency, then its figures come from the cache under the new header', async () => {
    const book = fc.sample(portfolio, { numRuns: 1, seed: 11 })[0]!;
    const auth = await store(database.db, book);
    const [clientId] = await clientIdsOf(auth);
    const before = await read(auth, book);
    await updateClient(database.db, auth, clientId!, { name: 'Renamed client', currency: 'JPY' });
    const after = await counted(() => read(auth, book));
    expect(after.misses).toBe(0);
    const renamed = after.result.clients.find((client) => client.clientId === clientId)!;
    expect(renamed).toMatchObject({ name: 'Renamed client', currency: 'JPY' });
    expect(after.result.currencies.map((currency) => currency.currency)).toContain('JPY');
    const { name: _n, currency: _c, ...figures } = renamed;
    const {
      name: _n2,
      currency: _c2,
      ...figuresBefore
    } = before.result.clients.find((client) => client.clientId === clientId)!;
    expect(figures).toEqual(figuresBefore);
  });
});

describe('portfolio cache across snapshots and processes', () => {
  const book: Portfolio = {
    mspPolicies: [
      { category: 'laptop', lifecycleMonths: 36, replacementCost: 120_000, bps: 300, dueSoonDays: null },
    ],
    clients: [
      {
        currency: 'USD',
        policies: [],
        assets: [],
        initiatives: [],
        recurring: true,
      },
      { currency: 'USD', policies: [], assets: [], initiatives: [], recurring: false },
    ],
    query: {
      asOf: TODAY,
      granularity: 'quarter',
      periodsFraction: 0.2,
      scenario: 'committed',
      fiscalYearStartMonth: 1,
      whatIf: undefined,
    },
  };
  const backup = {
    name: 'Backup',
    amount: 40_000,
    quantity: 1,
    interval: 'month' as const,
    startsOn: '2026-01-01',
    annualEscalationBps: 0,
  };

  (onPostgres() ? it : it.skip)(
    'when a write commits while a portfolio is read in an older snapshot, then that read files the old figures under the old version and the next read recomputes the client (PostgreSQL only: the embedded database has one connection)',
    async () => {
      const auth = await store(database.db, book);
      const [clientId] = await clientIdsOf(auth);
      const before = await read(auth, book);
      portfolioCacheOf(database.db).clear();
      const inOldSnapshot = await readSnapshot(database.db, async (tx) => {
        await sql`select 1`.execute(tx);
        // Another connection of the pool commits while this snapshot is open.
        await createRecurringCost(database.db, auth, clientId!, backup);
        return portfolioForecast(tx, auth, queryOf(book), TODAY);
      });
      expect(inOldSnapshot).toEqual(before.result);
      const after = await counted(() => read(auth, book));
      expect(after).toMatchObject({ hits: 1, misses: 1 });
      expect(after.result).not.toEqual(before.result);
      portfolioCacheOf(database.db).clear();
      expect(after.result).toEqual((await read(auth, book)).result);
    },
  );

  (onPostgres() ? it : it.skip)(
    'when another process changes a client, then this process recomputes that client on its next read (PostgreSQL only: the embedded database allows one process)',
    async () => {
      const other = await openTestDatabase();
      try {
        const auth = await store(database.db, book);
        const [first, second] = await clientIdsOf(auth);
        const before = await read(auth, book);
        await createRecurringCost(other.db, auth, second!, backup);
        const after = await counted(() => read(auth, book));
        expect(after).toMatchObject({ hits: 1, misses: 1 });
        const figuresOf = (result: PortfolioForecast, clientId: string) =>
          result.clients.find((client) => client.clientId === clientId);
        expect(figuresOf(after.result, first!)).toEqual(figuresOf(before.result, first!));
        expect(figuresOf(after.result, second!)!.totals!.opex.recurring).toBeGreaterThan(
          figuresOf(before.result, second!)!.totals!.opex.recurring,
        );
        expect(after.result).toEqual((await read(auth, book, 'engine')).result);
      } finally {
        await other.close();
      }
    },
  );
});

describe('data versions: the triggers', () => {
  async function newMsp() {
    const book: Portfolio = {
      mspPolicies: [],
      clients: [
        { currency: 'USD', policies: [], assets: [], initiatives: [], recurring: false },
        { currency: 'USD', policies: [], assets: [], initiatives: [], recurring: false },
      ],
      query: fc.sample(portfolio, { numRuns: 1, seed: 1 })[0]!.query,
    };
    const auth = await store(database.db, book);
    const [a, b] = await clientIdsOf(auth);
    return { auth, a: a!, b: b! };
  }

  /** The clients' and the MSP's versions: how much each moved since `since`. */
  async function versions(auth: Principal) {
    const clients = await database.db
      .selectFrom('clients')
      .select(['id', 'data_version'])
      .where('msp_id', '=', auth.mspId)
      .execute();
    const msp = await database.db
      .selectFrom('msps')
      .select('data_version')
      .where('id', '=', auth.mspId)
      .executeTakeFirstOrThrow();
    return {
      ...Object.fromEntries(clients.map((row) => [row.id, row.data_version])),
      msp: msp.data_version,
    } as Record<string, number>;
  }

  async function bumps(auth: Principal, work: () => Promise<unknown>): Promise<Record<string, number>> {
    const before = await versions(auth);
    await work();
    const after = await versions(auth);
    return Object.fromEntries(Object.keys(after).map((key) => [key, after[key]! - (before[key] ?? 0)]));
  }

  const insertAssets = (auth: Principal, clientId: string, count: number) =>
    sql`
      insert into assets (msp_id, client_id, name, category)
      select ${auth.mspId}::uuid, ${clientId}::uuid, 'Asset ' || g, 'laptop' from generate_series(1, ${count}::int) g`.execute(
      database.db,
    );

  it('when one statement imports a thousand assets, updates or deletes them, then the client’s version moves once each time', async () => {
    const { auth, a, b } = await newMsp();
    expect(await bumps(auth, () => insertAssets(auth, a, 1000))).toEqual({ [a]: 1, [b]: 0, msp: 0 });
    expect(
      await bumps(auth, () =>
        sql`update assets set lifecycle_months = 40 where client_id = ${a}`.execute(database.db),
      ),
    ).toEqual({ [a]: 1, [b]: 0, msp: 0 });
    expect(
      await bumps(auth, () => sql`delete from assets where client_id = ${a}`.execute(database.db)),
    ).toEqual({ [a]: 1, [b]: 0, msp: 0 });
  });

  it('when an asset moves to another client, then both clients’ versions move', async () => {
    const { auth, a, b } = await newMsp();
    await insertAssets(auth, a, 3);
    const [assetId] = await idsIn('assets', a);
    expect(
      await bumps(auth, () =>
        sql`update assets set client_id = ${b} where id = ${assetId}`.execute(database.db),
      ),
    ).toEqual({ [a]: 1, [b]: 1, msp: 0 });
  });

  it('when a statement matches no row, then no version moves', async () => {
    const { auth, a, b } = await newMsp();
    expect(
      await bumps(auth, () =>
        sql`update assets set lifecycle_months = 40 where client_id = ${a}`.execute(database.db),
      ),
    ).toEqual({ [a]: 0, [b]: 0, msp: 0 });
  });

  it('when initiatives are created, linked, changed and deleted, then their client’s version moves each time', async () => {
    const { auth, a, b } = await newMsp();
    await insertAssets(auth, a, 2);
    const assets = await idsIn('assets', a);
    let initiativeId = '';
    expect(
      await bumps(auth, async () => {
        initiativeId = (
          await createInitiative(database.db, auth, a, createInitiativeBody.parse({ title: 'Refresh' }))
        ).id;
      }),
    ).toEqual({ [a]: 1, [b]: 0, msp: 0 });
    const link = await bumps(auth, () =>
      sql`insert into initiative_assets (msp_id, initiative_id, asset_id) values (${auth.mspId}, ${initiativeId}, ${assets[0]})`.execute(
        database.db,
      ),
    );
    expect(link).toEqual({ [a]: 1, [b]: 0, msp: 0 });
    const unlink = await bumps(auth, () =>
      sql`delete from initiative_assets where initiative_id = ${initiativeId}`.execute(database.db),
    );
    expect(unlink).toEqual({ [a]: 1, [b]: 0, msp: 0 });
    expect(
      await bumps(auth, () =>
        updateInitiative(
          database.db,
          auth,
          a,
          initiativeId,
          updateInitiativeBody.parse({ status: 'approved' }),
        ),
      ),
    ).toMatchObject({ [b]: 0, msp: 0 });
    expect((await versions(auth))[a]).toBeGreaterThan(3);
    const deleted = await bumps(auth, () => deleteInitiative(database.db, auth, a, initiativeId));
    expect(deleted[a]).toBeGreaterThanOrEqual(1);
    expect(deleted).toMatchObject({ [b]: 0, msp: 0 });
  });

  it('when a linked asset is deleted, then the cascade to its links moves its client’s version and no other', async () => {
    const { auth, a, b } = await newMsp();
    await insertAssets(auth, a, 2);
    const assets = await idsIn('assets', a);
    await createInitiative(
      database.db,
      auth,
      a,
      createInitiativeBody.parse({ title: 'Refresh', kind: 'replacement', assetIds: assets }),
    );
    const moved = await bumps(auth, () => deleteAsset(database.db, auth, a, assets[0]!));
    expect(moved[a]).toBeGreaterThanOrEqual(1);
    expect(moved).toMatchObject({ [b]: 0, msp: 0 });
  });

  it('when recurring costs are created, changed and deleted, then their client’s version moves each time', async () => {
    const { auth, a, b } = await newMsp();
    let costId = '';
    const create = await bumps(auth, async () => {
      costId = (
        await createRecurringCost(database.db, auth, a, {
          name: 'Backup',
          amount: 100,
          quantity: 1,
          interval: 'month',
          startsOn: '2026-01-01',
          annualEscalationBps: 0,
        })
      ).id;
    });
    expect(create).toEqual({ [a]: 1, [b]: 0, msp: 0 });
    expect(
      await bumps(auth, () => updateRecurringCost(database.db, auth, a, costId, { amount: 200 })),
    ).toEqual({ [a]: 1, [b]: 0, msp: 0 });
    expect(await bumps(auth, () => deleteRecurringCost(database.db, auth, a, costId))).toEqual({
      [a]: 1,
      [b]: 0,
      msp: 0,
    });
  });

  it('when a client’s policy changes, then that client’s version moves; when the MSP’s does, then the MSP’s', async () => {
    const { auth, a, b } = await newMsp();
    const values = {
      lifecycleMonths: 30,
      replacementCost: null,
      annualEscalationBps: null,
      dueSoonDays: null,
    };
    const clientPut = await bumps(auth, () =>
      putPolicy(database.db, auth, { clientId: a }, 'laptop', values),
    );
    expect(clientPut[a]).toBeGreaterThanOrEqual(1);
    expect(clientPut).toMatchObject({ [b]: 0, msp: 0 });
    const clientAgain = await bumps(auth, () =>
      putPolicy(database.db, auth, { clientId: a }, 'laptop', { ...values, lifecycleMonths: 31 }),
    );
    expect(clientAgain[a]).toBeGreaterThanOrEqual(1);
    expect(await bumps(auth, () => deletePolicy(database.db, auth, { clientId: a }, 'laptop'))).toEqual({
      [a]: 1,
      [b]: 0,
      msp: 0,
    });
    const mspPut = await bumps(auth, () =>
      putPolicy(database.db, auth, { clientId: null }, 'server', values),
    );
    expect(mspPut.msp).toBeGreaterThanOrEqual(1);
    expect(mspPut).toMatchObject({ [a]: 0, [b]: 0 });
    expect(await bumps(auth, () => deletePolicy(database.db, auth, { clientId: null }, 'server'))).toEqual({
      [a]: 0,
      [b]: 0,
      msp: 1,
    });
  });

  it('when a client with assets, initiatives, costs and policies is deleted, then the cascade succeeds and the other client keeps its version', async () => {
    const { auth, a, b } = await newMsp();
    await insertAssets(auth, a, 3);
    await createInitiative(
      database.db,
      auth,
      a,
      createInitiativeBody.parse({ title: 'Refresh', kind: 'upgrade', assetIds: await idsIn('assets', a) }),
    );
    await putPolicy(database.db, auth, { clientId: a }, 'laptop', {
      lifecycleMonths: 30,
      replacementCost: null,
      annualEscalationBps: null,
      dueSoonDays: null,
    });
    const before = await versions(auth);
    await deleteClient(database.db, auth, a);
    const after = await versions(auth);
    expect(after[a]).toBeUndefined();
    expect(after[b]).toBe(before[b]);
    expect(after.msp).toBe(before.msp);
  });

  it('when a client changes its name, currency or fiscal year, then no version moves', async () => {
    const { auth, a, b } = await newMsp();
    expect(
      await bumps(auth, () =>
        updateClient(database.db, auth, a, { name: 'Renamed', currency: 'EUR', fiscalYearStartMonth: 7 }),
      ),
    ).toEqual({ [a]: 0, [b]: 0, msp: 0 });
  });

  it('when a table a forecast reads is truncated, then every client’s and the MSP’s versions move (on a database of its own)', async () => {
    const scratch = await openScratchDatabase();
    try {
      const { db } = scratch;
      const msp = await db
        .insertInto('msps')
        .values({ name: 'Truncated' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('clients')
        .values([
          { msp_id: msp.id, name: 'A', currency: 'USD' },
          { msp_id: msp.id, name: 'B', currency: 'USD' },
        ])
        .execute();
      const versionsOf = async () => ({
        clients: (await db.selectFrom('clients').select('data_version').orderBy('name').execute()).map(
          (row) => row.data_version,
        ),
        msp: (await db.selectFrom('msps').select('data_version').executeTakeFirstOrThrow()).data_version,
      });
      for (const table of [
        'initiative_assets',
        'assets',
        'initiatives',
        'recurring_costs',
        'lifecycle_policies',
      ]) {
        const before = await versionsOf();
        await sql`truncate ${sql.table(table)} cascade`.execute(db);
        const after = await versionsOf();
        after.clients.forEach((version, index) => expect(version).toBeGreaterThan(before.clients[index]!));
        expect(after.msp).toBeGreaterThan(before.msp);
      }
    } finally {
      await scratch.close();
    }
  });
});
