import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrator.js';
import { schemaColumns } from '../../src/db/schema.js';
import { testDatabaseUrl, urlForDatabase, withAdminClient } from '../support/databases.js';
import { onPostgres, openScratchDatabase, openTestDatabase } from '../support/test-database.js';
import { compiledOnce } from '../../src/db/compiled-once.js';

describe('migrations', () => {
  it('when applied to an empty embedded database, then every table of the domain exists and a second run applies nothing', async () => {
    const database = await openDatabase({ dataDir: '', inMemory: true });
    try {
      const first = await migrate(database.db);
      expect(first.applied.length).toBe(first.total);
      expect(first.total).toBeGreaterThan(0);
      expect((await migrate(database.db)).applied).toEqual([]);
      await expectSchemaMatchesTypes(database);
    } finally {
      await database.close();
    }
  });

  const postgresUrl = testDatabaseUrl();
  (postgresUrl ? it : it.skip)(
    'when applied to an empty PostgreSQL database (runs only with TEST_DATABASE_URL), then the schema is the same as on the embedded one',
    async () => {
      const name = `vcio_test_empty_${process.pid}`;
      await withAdminClient(postgresUrl!, (client) => client.query(`create database "${name}"`));
      const database = await openDatabase({ databaseUrl: urlForDatabase(postgresUrl!, name), dataDir: '' });
      try {
        // Two processes starting together: the advisory lock lets exactly one of them apply the migrations.
        const [a, b] = await Promise.all([migrate(database.db), migrate(database.db)]);
        expect(a.applied.length + b.applied.length).toBe(a.total);
        await expectSchemaMatchesTypes(database);
      } finally {
        await database.close();
        await withAdminClient(postgresUrl!, (client) => client.query(`drop database "${name}" with (force)`));
      }
    },
  );
});

async function expectSchemaMatchesTypes(database: Database): Promise<void> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' order by table_name, ordinal_position`.execute(database.db);
  const actual: Record<string, string[]> = {};
  for (const row of rows) (actual[row.table_name] ??= []).push(row.column_name);
  const expected = Object.fromEntries(
    Object.entries(schemaColumns).map(([table, columns]) => [table, [...columns]]),
  );
  expect(actual).toEqual(expected);
}

describe('driver differences are smoothed over in one place', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('when a DATE is read, then it comes back as the YYYY-MM-DD text, and int8 as a number', async () => {
    const { rows } = await sql<{ day: unknown; big: unknown; stamp: unknown }>`
      select '2024-02-29'::date as day, 9007199254740991::int8 as big, now() as stamp`.execute(database.db);
    expect(rows[0]).toEqual({ day: '2024-02-29', big: 9007199254740991, stamp: expect.any(Date) });
  });

  it('when an int8 is too large for a JS number, then reading it fails rather than rounding', async () => {
    await expect(sql`select 9007199254740993::int8 as big`.execute(database.db)).rejects.toThrow(
      /safe integer/,
    );
  });
});

describe('constraints', () => {
  let database: Database;
  let mspId: string;
  let clientId: string;
  beforeAll(async () => {
    database = await openTestDatabase();
    mspId = (
      await database.db
        .insertInto('msps')
        .values({ name: 'Constraint MSP' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    clientId = (
      await database.db
        .insertInto('clients')
        .values({ msp_id: mspId, name: 'Constraint client', currency: 'USD' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => database.close());

  const asset = (overrides: Record<string, unknown>) => ({
    msp_id: mspId,
    client_id: clientId,
    name: 'Asset',
    category: 'laptop',
    ...overrides,
  });

  it.each([
    ['a negative purchase cost', () => asset({ purchase_cost: -1 })],
    ['a lifecycle of 0 months', () => asset({ lifecycle_months: 0 })],
    ['a lifecycle of 601 months', () => asset({ lifecycle_months: 601 })],
    ['an unknown category', () => asset({ category: 'toaster' })],
    ['an unknown status', () => asset({ status: 'lost' })],
    ['a date without its provenance', () => asset({ purchased_on: '2024-01-01' })],
    ['an external id without its source', () => asset({ external_id: 'x-1' })],
    ['an empty name', () => asset({ name: '' })],
  ])('when an asset has %s, then the database refuses it', async (_label, values) => {
    await expect(
      database.db
        .insertInto('assets')
        .values(values() as never)
        .execute(),
    ).rejects.toThrow();
  });

  it('when an asset points at a client of another MSP, then the database refuses it', async () => {
    const otherMsp = (
      await database.db
        .insertInto('msps')
        .values({ name: 'Other MSP' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    await expect(
      database.db
        .insertInto('assets')
        .values({ ...asset({}), msp_id: otherMsp } as never)
        .execute(),
    ).rejects.toThrow();
  });

  it('when two assets of a client share an external source and id, then the second is refused', async () => {
    const values = asset({ external_source: 'rmm', external_id: 'dup-1' });
    await database.db
      .insertInto('assets')
      .values(values as never)
      .execute();
    await expect(
      database.db
        .insertInto('assets')
        .values(values as never)
        .execute(),
    ).rejects.toThrow();
  });

  it.each([
    ['a fiscal year start month of 13', { fiscal_year_start_month: 13 }],
    ['a lowercase currency', { currency: 'usd' }],
  ])('when a client has %s, then the database refuses it', async (_label, overrides) => {
    await expect(
      database.db
        .insertInto('clients')
        .values({ msp_id: mspId, name: `Bad ${_label}`, currency: 'USD', ...overrides })
        .execute(),
    ).rejects.toThrow();
  });

  it('when a recurring cost ends before it starts, then the database refuses it', async () => {
    await expect(
      database.db
        .insertInto('recurring_costs')
        .values({
          msp_id: mspId,
          client_id: clientId,
          name: 'Backwards',
          amount: 100,
          interval: 'month',
          starts_on: '2025-01-01',
          ends_on: '2024-12-31',
        })
        .execute(),
    ).rejects.toThrow();
  });

  it('when an initiative has an unknown status, then the database refuses it', async () => {
    await expect(
      database.db
        .insertInto('initiatives')
        .values({ msp_id: mspId, client_id: clientId, title: 'Bad', status: 'maybe' as never })
        .execute(),
    ).rejects.toThrow();
  });

  it('when a decision is edited or deleted directly, then the database refuses it, but deleting its initiative removes it', async () => {
    const initiative = await database.db
      .insertInto('initiatives')
      .values({ msp_id: mspId, client_id: clientId, title: 'Append-only check' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const decision = await database.db
      .insertInto('decisions')
      .values({ msp_id: mspId, initiative_id: initiative.id, decision: 'approved', decided_by: 'Owner' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      database.db
        .updateTable('decisions')
        .set({ decision: 'declined' })
        .where('id', '=', decision.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(database.db.deleteFrom('decisions').where('id', '=', decision.id).execute()).rejects.toThrow(
      /append-only/,
    );
    await database.db.deleteFrom('initiatives').where('id', '=', initiative.id).execute();
    const left = await database.db
      .selectFrom('decisions')
      .select('id')
      .where('id', '=', decision.id)
      .execute();
    expect(left).toEqual([]);
  });

  it('when a client-limited key asks for the admin scope, then the database refuses it', async () => {
    await expect(
      database.db
        .insertInto('api_keys')
        .values({
          msp_id: mspId,
          client_id: clientId,
          name: 'k',
          scope: 'admin',
          key_prefix: 'vcio_abcdefgh',
          key_hash: Buffer.alloc(32, 1),
        })
        .execute(),
    ).rejects.toThrow();
  });
});

describe('the embedded database on disk', () => {
  it('when the process restarts, then the data written before is still there', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vcio-restart-'));
    try {
      const first = await openDatabase({ dataDir });
      await migrate(first.db);
      await first.db.insertInto('msps').values({ name: 'Survives restarts' }).execute();
      await first.close();

      const second = await openDatabase({ dataDir });
      expect((await migrate(second.db)).applied).toEqual([]);
      const rows = await second.db.selectFrom('msps').select('name').execute();
      expect(rows.map((row) => row.name)).toEqual(['Survives restarts']);
      await second.close();
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('reads compiled once', () => {
  (onPostgres() ? it : it.skip)(
    'when one runs on PostgreSQL outside a transaction (runs only with TEST_DATABASE_URL), then it is a prepared statement named by its SQL, and gives the same rows as the query built each time',
    async () => {
      // A database of its own: its pool's sessions are this test's alone.
      const scratch = await openScratchDatabase();
      try {
        const { db, pool } = scratch;
        const { id } = await db
          .insertInto('msps')
          .values({ name: 'Prepared MSP', currency: 'USD' })
          .returning('id')
          .executeTakeFirstOrThrow();
        const build = (on: typeof db, mspId: string) =>
          on.selectFrom('msps').select('name').where('id', '=', mspId);
        const read = compiledOnce(build);
        expect(await read(db, id)).toEqual(await build(db, id).execute());
        expect(await read(db, id)).toEqual([{ name: 'Prepared MSP' }]);
        // Every session of the pool (two at most): the one that ran it holds the statement.
        const sessions = await Promise.all([pool!.connect(), pool!.connect()]);
        try {
          const prepared = await Promise.all(
            sessions.map((session) =>
              session.query<{ name: string; statement: string }>(
                'select name, statement from pg_prepared_statements',
              ),
            ),
          );
          expect(prepared.flatMap((result) => result.rows)).toEqual([
            {
              name: expect.stringMatching(/^compiled_[0-9a-f]{32}$/),
              statement: build(db, id).compile().sql,
            },
          ]);
        } finally {
          for (const session of sessions) session.release();
        }
      } finally {
        await scratch.close();
      }
    },
  );
});
