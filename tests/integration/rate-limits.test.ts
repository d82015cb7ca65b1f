import crypto from 'node:crypto';
import { jest } from '@jest/globals';
import type { KyselyPlugin } from 'kysely';
import { Authenticator } from '../../src/auth/authenticator.js';
import { createRateLimits, leaseSize, type RateLimitRule } from '../../src/auth/rate-limits.js';
import type { Database } from '../../src/db/database.js';
import { createMsp } from '../../src/msps/msp.service.js';
import { onPostgres, openTestDatabase } from '../support/test-database.js';
import { apiClient, startTestApp, unique, type TestApp } from '../support/test-app.js';

/** A client address of its own for each test (TEST-NET and documentation ranges), since counters outlive a file on PostgreSQL. */
const newAddress = (): string =>
  `2001:db8::${crypto.randomBytes(2).toString('hex')}:${crypto.randomBytes(2).toString('hex')}`;
const from = (address: string) => ({ 'x-forwarded-for': address });
const badKey = () => `vcio_${crypto.randomBytes(32).toString('base64url')}`;

describe('rate limits shared by every API process on one PostgreSQL database', () => {
  let first: TestApp | undefined;
  let second: TestApp | undefined;
  afterEach(async () => {
    await first?.close();
    await second?.close();
    first = second = undefined;
  });

  (onPostgres() ? it : it.skip)(
    'when one key calls two app instances on the same database, then together they let through its limit and no more (PostgreSQL only: the embedded database allows one process, so it counts in memory)',
    async () => {
      // Two apps with their own database handles and pools, as two processes would have.
      first = await startTestApp({ rateLimitPerMinute: 5 });
      second = await startTestApp({ rateLimitPerMinute: 5 });
      const tenant = await first.createTenant();
      const apis = [apiClient(first.url, tenant.key), apiClient(second.url, tenant.key)];
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await apis[i % 2]!.get('/clients')).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      for (const api of apis) {
        const refused = await api.get('/clients');
        expect(refused.status).toBe(429);
        expect(refused.body.code).toBe('rate_limited');
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      }
      // Another key of the same deployment is not held back by the first one's limit.
      expect((await apiClient(second.url, (await second.createTenant()).key).get('/clients')).status).toBe(
        200,
      );
    },
  );

  (onPostgres() ? it : it.skip)(
    'when an address sends invalid keys to two app instances, then its failures add up across both (PostgreSQL only: the embedded database allows one process)',
    async () => {
      first = await startTestApp({ authFailureLimit: 4 });
      second = await startTestApp({ authFailureLimit: 4 });
      const address = newAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const app = i % 2 === 0 ? first : second;
        statuses.push((await apiClient(app.url, badKey()).get('/clients', from(address))).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      expect((await apiClient(first.url, badKey()).get('/clients', from(address))).status).toBe(429);
    },
  );
});

describe('failed authentication is throttled per client address', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ authFailureLimit: 3 });
  });
  afterAll(() => app.close());

  it('when an address sends invalid keys past the limit, then it hears 429 with Retry-After, while a valid key from another address still passes', async () => {
    const tenant = await app.createTenant();
    const attacker = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await apiClient(app.url, badKey()).get('/clients', from(attacker))).status);
    expect(statuses).toEqual([401, 401, 401]);

    const refused = await apiClient(app.url, badKey()).get('/clients', from(attacker));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'rate_limited', status: 429 });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(300);

    expect((await tenant.api.get('/clients', from(newAddress()))).status).toBe(200);
    // A key this process has not just verified is refused from the throttled address before it is looked up.
    const other = await tenant.api.post('/api-keys', { name: unique('Other'), scope: 'read' });
    expect((await apiClient(app.url, other.body.key).get('/clients', from(attacker))).status).toBe(429);
  });

  it('when an address sends valid keys between invalid ones, then only the invalid ones count', async () => {
    const tenant = await app.createTenant();
    const address = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      for (let j = 0; j < 3; j += 1) statuses.push((await tenant.api.get('/clients', from(address))).status);
      statuses.push((await apiClient(app.url, badKey()).get('/clients', from(address))).status);
    }
    expect(statuses).toEqual([200, 200, 200, 401, 200, 200, 200, 401, 200, 200, 200, 401]);
    expect((await apiClient(app.url, badKey()).get('/clients', from(address))).status).toBe(429);
  });

  it('when an address sends invalid calendar feed tokens, then they count like invalid keys', async () => {
    const tenant = await app.createTenant();
    const client = await tenant.api.post('/clients', { name: unique('Client') });
    const address = newAddress();
    const feed = (token: string) =>
      apiClient(app.url, undefined).get(
        `/clients/${client.body.id}/calendar.ics?token=${token}`,
        from(address),
      );
    expect((await feed(`vcal_${crypto.randomBytes(32).toString('base64url')}`)).status).toBe(401);
    expect((await feed(badKey())).status).toBe(401);
    expect((await apiClient(app.url, badKey()).get('/clients', from(address))).status).toBe(401);
    const refused = await feed(`vcal_${crypto.randomBytes(32).toString('base64url')}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('a throttled address costs no key lookup', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('when an address is over its failure limit, then its next key is neither hashed nor looked up', async () => {
    let queries = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        queries += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const authenticator = new Authenticator(database.db.withPlugin(counting), {
      rateLimits: createRateLimits(database),
      rateLimitPerMinute: 1000,
      failedAuth: { limit: 2, windowSeconds: 300 },
    });
    const { apiKey } = await createMsp(database.db, { name: unique('Throttle MSP') });
    const read = { scope: 'read' as const, mspWide: false, clientId: undefined };
    const address = newAddress();
    for (let i = 0; i < 2; i += 1) {
      await expect(authenticator.authenticate(badKey(), read, address)).rejects.toMatchObject({
        failure: { reason: 'invalid_credentials' },
      });
    }
    expect(queries).toBe(2);

    // Hashing is observed through node:crypto, which the key hashing calls (the spies pass every call through).
    const hashed: unknown[] = [];
    const createHash = crypto.createHash.bind(crypto);
    const spy = jest.spyOn(crypto, 'createHash').mockImplementation((algorithm, options) => {
      const hash = createHash(algorithm, options);
      const update = hash.update.bind(hash);
      hash.update = ((data: unknown, encoding?: BufferEncoding) => {
        hashed.push(data);
        return encoding ? update(data as string, encoding) : update(data as string);
      }) as typeof hash.update;
      return hash;
    });
    const hashOnce = crypto.hash.bind(crypto);
    const oneShotSpy = jest.spyOn(crypto, 'hash').mockImplementation(((
      algorithm: string,
      data: string,
      encoding?: 'buffer',
    ) => {
      hashed.push(data);
      return hashOnce(algorithm, data, encoding);
    }) as typeof crypto.hash);
    try {
      const secret = badKey();
      await expect(authenticator.authenticate(secret, read, address)).rejects.toMatchObject({
        failure: { reason: 'too_many_failures', retryAfterSeconds: expect.any(Number) },
      });
      await expect(authenticator.authenticate(apiKey, read, address)).rejects.toMatchObject({
        failure: { reason: 'too_many_failures' },
      });
      expect(hashed).not.toContain(secret);
      expect(hashed).not.toContain(apiKey);
      expect(queries).toBe(2);
      // Another address is served as usual: its key is hashed and looked up.
      await expect(authenticator.authenticate(apiKey, read, newAddress())).resolves.toMatchObject({
        actor: { kind: 'api_key' },
      });
      expect(hashed).toContain(apiKey);
      expect(queries).toBeGreaterThan(2);
    } finally {
      spy.mockRestore();
      oneShotSpy.mockRestore();
    }
  });
});

describe('a busy key takes its points from PostgreSQL a few at a time', () => {
  it('when the limit is generous and points are plenty, then a lease doubles up to a fiftieth of the limit (at most 100); near the limit, or for a limit under 100, it is one point', () => {
    expect(leaseSize(600, 1, 599)).toBe(2);
    expect(leaseSize(600, 8, 500)).toBe(12);
    expect(leaseSize(1_000_000, 64, 900_000)).toBe(100);
    expect(leaseSize(600, 8, 40)).toBe(5);
    expect(leaseSize(600, 8, 15)).toBe(1);
    expect(leaseSize(99, 1, 98)).toBe(1);
    expect(leaseSize(5, 1, 4)).toBe(1);
  });

  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  const rule = (): RateLimitRule => ({ name: 'lease-test', points: 500, windowSeconds: 60, lease: true });
  const stored = async (key: string): Promise<number> => {
    const { rows } = await database.pool!.query<{ points: number }>(
      'select points from rate_limits where key = $1',
      [`lease-test:${key}`],
    );
    return rows[0]?.points ?? 0;
  };

  (onPostgres() ? it : it.skip)(
    'when one key is spent through two processes, then every request let through was counted in PostgreSQL first, together they let through at most the limit and at least all but one lease each, and they write far less often than once a request (PostgreSQL only)',
    async () => {
      // Two sets of limits on one database, with their own leases, as two processes would have.
      const processes = [
        createRateLimits(database).limiter(rule()),
        createRateLimits(database).limiter(rule()),
      ];
      const key = crypto.randomUUID();
      const writes = jest.spyOn(database.pool!, 'query');
      let allowed = 0;
      const verdicts: boolean[] = [];
      try {
        for (let i = 0; i < 600; i += 1) {
          const verdict = await processes[i % 2]!.consume(key);
          verdicts.push(verdict.allowed);
          if (verdict.allowed) {
            allowed += 1;
            if (i % 25 === 0) expect(await stored(key)).toBeGreaterThanOrEqual(allowed);
          }
        }
        const storeCalls = writes.mock.calls.length;
        expect(storeCalls).toBeLessThan(150);
      } finally {
        writes.mockRestore();
      }
      expect(allowed).toBeLessThanOrEqual(500);
      expect(allowed).toBeGreaterThanOrEqual(500 - 2 * 10);
      expect(await stored(key)).toBeGreaterThanOrEqual(allowed);
      // Once refused, a key stays refused in both processes until its window ends.
      expect(verdicts.slice(verdicts.indexOf(false))).not.toContain(true);
      for (const limiter of processes) expect((await limiter.consume(key)).allowed).toBe(false);
    },
  );

  (onPostgres() ? it : it.skip)(
    'when a limit counts failures, then it never leases: each point is written as it is spent (PostgreSQL only)',
    async () => {
      const limiter = createRateLimits(database).limiter({
        name: 'lease-test',
        points: 500,
        windowSeconds: 60,
      });
      const key = crypto.randomUUID();
      for (let i = 0; i < 20; i += 1) await limiter.consume(key);
      expect(await stored(key)).toBe(20);
    },
  );
});

describe('which proxies may name the client address', () => {
  it('when TRUST_PROXY is false, then X-Forwarded-For is ignored and failures count against the connecting address itself', async () => {
    const app = await startTestApp({ authFailureLimit: 2, env: { TRUST_PROXY: 'false' } });
    try {
      // Each request claims a new address; without a trusted proxy they are all the test's own 127.0.0.1, so the
      // third is refused. (On PostgreSQL that address's counter is shared with earlier tests of the run, so it may
      // be refused sooner; trusting the header would answer 401 to all three.)
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push((await apiClient(app.url, badKey()).get('/clients', from(newAddress()))).status);
      expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(2);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await app.close();
    }
  });
});

describe('old counters are swept from PostgreSQL', () => {
  (onPostgres() ? it : it.skip)(
    'when five minutes pass, then windows that ended over an hour ago are deleted and the rest kept; once the pool is closed, the sweep stops without touching it (PostgreSQL only)',
    async () => {
      // Only the sweep's interval is simulated: the driver keeps its real timers.
      jest.useFakeTimers({
        doNotFake: [
          'Date',
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'setImmediate',
          'clearImmediate',
          'setTimeout',
          'clearTimeout',
        ],
      });
      const own = await openTestDatabase();
      try {
        createRateLimits(own);
        const prefix = `sweep-test:${crypto.randomUUID()}`;
        const now = Date.now();
        const rows = { old: now - 2 * 60 * 60 * 1000, recent: now - 10 * 60 * 1000, open: now + 60 * 1000 };
        for (const [name, expire] of Object.entries(rows)) {
          await own.pool!.query('insert into rate_limits (key, points, expire) values ($1, 1, $2)', [
            `${prefix}:${name}`,
            expire,
          ]);
        }
        const left = async () =>
          (
            await own.pool!.query<{ key: string }>(
              'select key from rate_limits where key like $1 order by key',
              [`${prefix}:%`],
            )
          ).rows.map((row) => row.key.slice(prefix.length + 1));
        jest.advanceTimersByTime(4 * 60 * 1000);
        expect(await left()).toEqual(['old', 'open', 'recent']);
        jest.advanceTimersByTime(60 * 1000);
        for (let tries = 0; tries < 50 && (await left()).includes('old'); tries += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(await left()).toEqual(['open', 'recent']);
      } finally {
        await own.close();
      }
      const queries = jest.spyOn(own.pool!, 'query');
      try {
        jest.advanceTimersByTime(10 * 60 * 1000);
        expect(queries).not.toHaveBeenCalled();
        expect(jest.getTimerCount()).toBe(0);
      } finally {
        queries.mockRestore();
        jest.useRealTimers();
      }
    },
  );
});
