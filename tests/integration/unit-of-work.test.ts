import { jest } from '@jest/globals';
import { SelectQueryNode, type KyselyPlugin, type QueryId } from 'kysely';
import { createAsset } from '../../src/assets/asset.service.js';
import { createApiKey, revokeApiKey } from '../../src/api-keys/api-key.service.js';
import { createClient } from '../../src/clients/client.service.js';
import type { Database, Executor } from '../../src/db/database.js';
import {
  readSnapshot,
  withSnapshotSessions,
  withTransaction,
  type UnitOfWork,
} from '../../src/db/unit-of-work.js';
import { sql } from 'kysely';
import { systemPrincipal, type Principal } from '../../src/auth/principal.js';
import { policiesInEffect, putPolicy } from '../../src/lifecycle-policies/lifecycle-policy.service.js';
import { policyCacheOf } from '../../src/lifecycle-policies/policy-cache.js';
import { createMsp } from '../../src/msps/msp.service.js';
import { findMsp } from '../../src/msps/msp.repository.js';
import { preparePacket } from '../../src/packets/packet.service.js';
import { fixedClock } from '../../src/shared/clock.js';
import { testAccess, unique } from '../support/test-app.js';
import { onPostgres, openScratchDatabase, openTestDatabase } from '../support/test-database.js';

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database.close();
});

async function newTenant(): Promise<Principal> {
  const { msp } = await createMsp(database.db, { name: unique('Unit of work MSP') });
  return systemPrincipal('test', msp.id);
}

/** An MSP row written inside a transaction; it exists afterwards only if the transaction committed. */
async function insertMsp(tx: UnitOfWork): Promise<string> {
  const row = await tx
    .insertInto('msps')
    .values({ name: unique('Written in a transaction'), currency: 'USD' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const laptopMonths = (inEffect: Awaited<ReturnType<typeof policiesInEffect>>) =>
  inEffect?.msp.find((policy) => policy.category === 'laptop')?.lifecycleMonths;

describe('the unit of work', () => {
  it('when the transaction commits, then each after-commit hook runs once, after the commit, in order', async () => {
    const ran: string[] = [];
    let mspId = '';
    const result = await withTransaction(database.db, async (tx) => {
      mspId = await insertMsp(tx);
      tx.afterCommit(() => ran.push('first'));
      tx.afterCommit(async () => {
        // The hook sees the committed data from outside the transaction.
        ran.push((await findMsp(database.db, mspId)) ? 'second, committed' : 'second, not committed');
      });
      expect(ran).toEqual([]);
      return 'answer';
    });
    expect(result).toBe('answer');
    expect(ran).toEqual(['first', 'second, committed']);
  });

  it('when the work throws, then the transaction rolls back and no after-commit hook runs', async () => {
    const hook = jest.fn();
    let mspId = '';
    await expect(
      withTransaction(database.db, async (tx) => {
        mspId = await insertMsp(tx);
        tx.afterCommit(hook);
        throw new Error('the use case failed');
      }),
    ).rejects.toThrow('the use case failed');
    expect(hook).not.toHaveBeenCalled();
    expect(mspId).not.toBe('');
    expect(await findMsp(database.db, mspId)).toBeUndefined();
  });

  it('when withTransaction is called inside one, then it joins the outer transaction and its hooks wait for the outer commit', async () => {
    const inner = jest.fn();
    await withTransaction(database.db, async (outer) => {
      await withTransaction(outer, async (nested) => {
        expect(nested).toBe(outer);
        nested.afterCommit(inner);
      });
      expect(inner).not.toHaveBeenCalled();
    });
    expect(inner).toHaveBeenCalledTimes(1);
  });

  it('when the outer transaction fails after a nested one returned, then the nested writes roll back and its hooks never run', async () => {
    const inner = jest.fn();
    let mspId = '';
    await expect(
      withTransaction(database.db, async (outer) => {
        mspId = await withTransaction(outer, async (nested) => {
          nested.afterCommit(inner);
          return insertMsp(nested);
        });
        throw new Error('the outer use case failed');
      }),
    ).rejects.toThrow('the outer use case failed');
    expect(inner).not.toHaveBeenCalled();
    expect(await findMsp(database.db, mspId)).toBeUndefined();
  });

  it('when a hook fails, then the others still run and its error is thrown after the commit', async () => {
    const later = jest.fn();
    let mspId = '';
    await expect(
      withTransaction(database.db, async (tx) => {
        mspId = await insertMsp(tx);
        tx.afterCommit(() => {
          throw new Error('the hook failed');
        });
        tx.afterCommit(later);
      }),
    ).rejects.toThrow('the hook failed');
    expect(later).toHaveBeenCalledTimes(1);
    expect(await findMsp(database.db, mspId)).toBeDefined();
  });

  it('when a snapshot read is asked for inside a read-write transaction, then it refuses instead of reading two snapshots', async () => {
    await expect(withTransaction(database.db, (tx) => readSnapshot(tx, async () => 'read'))).rejects.toThrow(
      /snapshot/,
    );
    await expect(
      readSnapshot(database.db, (outer) => readSnapshot(outer, async (inner) => inner === outer)),
    ).resolves.toBe(true);
  });

  it('when a transaction is not one withTransaction opened, then joining it is refused (its hooks would never run)', async () => {
    await expect(
      database.db.transaction().execute((trx) => withTransaction(trx, async () => 'joined')),
    ).rejects.toThrow(/did not open/);
  });
});

describe('sessions that share a snapshot', () => {
  const mspCount = async (db: Executor) =>
    Number((await sql<{ n: string }>`select count(*) as n from msps`.execute(db)).rows[0]!.n);

  it('when a snapshot read asks for more sessions, then each reads what the transaction reads, not what committed since, and the sessions go back to the pool', async () => {
    // A database of its own: its pool (two sessions) is this test's alone.
    const scratch = await openScratchDatabase();
    try {
      const counts = await readSnapshot(scratch.db, async (tx) => {
        const before = await mspCount(tx);
        // Committed by another session after the snapshot was taken (the embedded database's one session is the
        // transaction's until it ends).
        if (onPostgres()) await createMsp(scratch.db, { name: unique('Committed meanwhile') });
        return withSnapshotSessions(tx, 4, (sessions) =>
          Promise.all(sessions.map(async (session) => ({ before, seen: await mspCount(session) }))),
        );
      });
      // On PostgreSQL the pool's second session joins; the embedded database has one session.
      expect(counts).toHaveLength(onPostgres() ? 2 : 1);
      for (const { before, seen } of counts) expect(seen).toBe(before);
      if (scratch.pool) {
        expect(scratch.pool.idleCount).toBe(scratch.pool.totalCount);
        // Nothing was left open on the session that was lent.
        const inTransaction = await scratch.pool.query(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'",
        );
        expect(inTransaction.rows[0].n).toBe(0);
      }
    } finally {
      await scratch.close();
    }
  });

  it('when the pool has no session to spare, or the transaction is not a snapshot read, then the work runs on the transaction alone', async () => {
    const scratch = await openScratchDatabase();
    try {
      const held = scratch.pool ? await scratch.pool.connect() : undefined;
      try {
        await readSnapshot(scratch.db, (tx) =>
          withSnapshotSessions(tx, 4, async (sessions) => expect(sessions).toEqual([tx])),
        );
      } finally {
        held?.release();
      }
      await withTransaction(scratch.db, (tx) =>
        withSnapshotSessions(tx, 4, async (sessions) => expect(sessions).toEqual([tx])),
      );
    } finally {
      await scratch.close();
    }
  });
});

describe('caches and the unit of work', () => {
  it('when a policy change commits, then the cached policies are forgotten after the commit and not before', async () => {
    const auth = await newTenant();
    const client = await createClient(database.db, auth, { name: unique('Client'), fiscalYearStartMonth: 1 });
    await putPolicy(database.db, auth, { clientId: null }, 'laptop', { lifecycleMonths: 36 });
    await policiesInEffect(database.db, auth, client.id);
    const cache = policyCacheOf(database.db);
    await withTransaction(database.db, async (tx) => {
      await putPolicy(tx, auth, { clientId: null }, 'laptop', { lifecycleMonths: 48 });
      expect(laptopMonths(cache.get(auth.mspId, client.id))).toBe(36);
    });
    expect(cache.get(auth.mspId, client.id)).toBeUndefined();
    expect(laptopMonths(await policiesInEffect(database.db, auth, client.id))).toBe(48);
  });

  it('when a policy change rolls back, then the cached policies stay', async () => {
    const auth = await newTenant();
    const client = await createClient(database.db, auth, { name: unique('Client'), fiscalYearStartMonth: 1 });
    await putPolicy(database.db, auth, { clientId: null }, 'laptop', { lifecycleMonths: 36 });
    await policiesInEffect(database.db, auth, client.id);
    await expect(
      withTransaction(database.db, async (tx) => {
        await putPolicy(tx, auth, { clientId: null }, 'laptop', { lifecycleMonths: 48 });
        throw new Error('the use case failed');
      }),
    ).rejects.toThrow('the use case failed');
    expect(laptopMonths(policyCacheOf(database.db).get(auth.mspId, client.id))).toBe(36);
  });

  (onPostgres() ? it : it.skip)(
    'when a reader asks for the policies while a change is uncommitted, then it sees the old ones and the next reader after the commit sees the new ones (PostgreSQL only: PGlite has one connection, so nothing reads during a transaction)',
    async () => {
      const auth = await newTenant();
      const client = await createClient(database.db, auth, {
        name: unique('Client'),
        fiscalYearStartMonth: 1,
      });
      await putPolicy(database.db, auth, { clientId: null }, 'laptop', { lifecycleMonths: 36 });
      await withTransaction(database.db, async (tx) => {
        await putPolicy(tx, auth, { clientId: null }, 'laptop', { lifecycleMonths: 48 });
        // Another request, on another connection: it reads the committed policies and caches them.
        expect(laptopMonths(await policiesInEffect(database.db, auth, client.id))).toBe(36);
      });
      // Had the change forgotten the cache before its commit, the reader above would have cached 36 again.
      expect(laptopMonths(await policiesInEffect(database.db, auth, client.id))).toBe(48);
    },
  );

  (onPostgres() ? it : it.skip)(
    'when a request uses a key while its revocation is uncommitted, then the key still works and after the commit it is refused (PostgreSQL only: PGlite has one connection, so nothing reads during a transaction)',
    async () => {
      const auth = await newTenant();
      const { authenticator } = testAccess(database);
      const key = await createApiKey(database.db, auth, { name: unique('Integration'), scope: 'read' });
      const read = { scope: 'read' as const, mspWide: false, clientId: undefined };
      await authenticator.authenticate(key.key, read, '127.0.0.1');
      await withTransaction(database.db, async (tx) => {
        await revokeApiKey(tx, authenticator, auth, key.id);
        await expect(authenticator.authenticate(key.key, read, '127.0.0.1')).resolves.toMatchObject({
          actor: { kind: 'api_key', keyId: key.id },
        });
      });
      await expect(authenticator.authenticate(key.key, read, '127.0.0.1')).rejects.toMatchObject({
        failure: { reason: 'invalid_credentials' },
      });
    },
  );
});

/** Runs `between` once, right after the first query that reads the assets table has answered. */
function afterFirstAssetRead(between: () => Promise<void>): KyselyPlugin & { fired: boolean } {
  const assetReads = new Set<QueryId>();
  return {
    fired: false,
    transformQuery(args) {
      if (SelectQueryNode.is(args.node) && /"name":"assets"/.test(JSON.stringify(args.node.from ?? {}))) {
        assetReads.add(args.queryId);
      }
      return args.node;
    },
    async transformResult(args) {
      if (!this.fired && assetReads.has(args.queryId)) {
        this.fired = true;
        await between();
      }
      return args.result;
    },
  };
}

describe('a packet and its snapshot', () => {
  (onPostgres() ? it : it.skip)(
    'when another connection adds an asset while a packet is read, then its forecast and its inventory agree (PostgreSQL only: PGlite has one connection, so nothing can commit in between)',
    async () => {
      const auth = await newTenant();
      const client = await createClient(database.db, auth, {
        name: unique('Client'),
        fiscalYearStartMonth: 1,
      });
      const overdueLaptop = {
        category: 'laptop' as const,
        inServiceOn: '2018-01-15',
        replacementCost: 150_000,
        lifecycleMonths: 48,
      };
      await createAsset(
        database.db,
        auth,
        client.id,
        { name: 'First laptop', ...overdueLaptop },
        '2026-11-22',
      );
      const plugin = afterFirstAssetRead(async () => {
        await createAsset(
          database.db,
          auth,
          client.id,
          { name: 'Added meanwhile', ...overdueLaptop },
          '2026-11-22',
        );
      });
      const deps = { db: database.db.withPlugin(plugin), clock: fixedClock('2026-11-22') };
      const request = { periods: 4, scenario: 'committed' as const };

      const during = await preparePacket(deps, auth, client.id, request);
      expect(plugin.fired).toBe(true);
      expect({
        assets: during.figures.counts.assets,
        refreshes: during.figures.nextFourQuarters.refreshCount,
      }).toEqual({ assets: 1, refreshes: 1 });

      const after = await preparePacket(deps, auth, client.id, request);
      expect({
        assets: after.figures.counts.assets,
        refreshes: after.figures.nextFourQuarters.refreshCount,
      }).toEqual({ assets: 2, refreshes: 2 });
    },
  );
});
