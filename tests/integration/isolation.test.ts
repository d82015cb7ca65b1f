import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { RouteDefinition } from '../../src/http/route.js';
import { apiRoutes } from '../../src/routes.js';
import {
  clientLimitedApi,
  createAsset,
  createClient,
  createInitiative,
  createRecurringCost,
} from '../support/planner-factories.js';
import { startTestApp, type ApiClient, type TestApp, type TestResponse } from '../support/test-app.js';

/**
 * Tenant isolation, proved for every route of the registry that takes an id: whoever asks with an id that is not
 * theirs (another MSP's, or another client's through a client-limited key) hears 404, exactly as for an id that
 * does not exist, and nothing is read or written. New routes are covered as soon as they are registered; a route
 * whose parameter this file does not know fails the coverage test below until a fixture is added for it.
 */

/** Path parameters that identify a tenant-owned row, and the fixture that provides one. */
const ID_PARAMETERS = [
  'clientId',
  'assetId',
  'recurringCostId',
  'initiativeId',
  'keyId',
  'packetId',
  'runId',
  'feedId',
  'webhookId',
  'shareLinkId',
] as const;
type IdParameter = (typeof ID_PARAMETERS)[number];
/** Path parameters that name something every tenant has (a category), with the value used. */
const SHARED_PARAMETERS: Record<string, string> = { category: 'laptop' };
/** Parameters that are children of a client (the rest, like keyId, belong to the MSP as a whole). */
const CLIENT_CHILDREN: readonly IdParameter[] = [
  'assetId',
  'recurringCostId',
  'initiativeId',
  'packetId',
  'feedId',
  'shareLinkId',
];

/**
 * Valid bodies, so that a request gets past validation and the id itself decides the answer. A string is sent as
 * is, with the route's first accepted media type; anything else as JSON.
 */
const SAMPLE_BODIES: Record<string, unknown> = {
  importAssets: 'name,category\nIntruder,laptop\n',
  updateClient: { notes: 'changed by an intruder' },
  putClientLifecyclePolicy: { lifecycleMonths: 12 },
  createAsset: { name: 'Intruder', category: 'laptop' },
  syncAssets: {
    externalSource: 'rmm',
    retireMissing: true,
    assets: [{ externalId: 'x', name: 'Intruder', category: 'laptop' }],
  },
  updateAsset: { name: 'Intruder' },
  createRecurringCost: { name: 'Intruder', amount: 1, interval: 'month', startsOn: '2026-01-01' },
  updateRecurringCost: { amount: 1 },
  createInitiative: { title: 'Intruder' },
  updateInitiative: { title: 'Intruder' },
  recordDecision: { decision: 'approved', decidedBy: 'Intruder' },
  levelClientForecast: { quarterlyCapexCap: 100_000, windowMonths: 3 },
  createCalendarFeed: { name: 'Intruder' },
  createShareLink: { recipientName: 'Intruder', scope: 'view_and_decide', expiresOn: '2026-12-31' },
  updateWebhook: { description: 'Intruder' },
};

const parametersOf = (route: RouteDefinition): string[] =>
  [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
const idParametersOf = (route: RouteDefinition): IdParameter[] =>
  parametersOf(route).filter((name): name is IdParameter =>
    (ID_PARAMETERS as readonly string[]).includes(name),
  );
const routeName = (route: RouteDefinition) => `${route.method.toUpperCase()} ${route.path}`;
const routesWithIds = apiRoutes.filter((route) => idParametersOf(route).length > 0);

type Resources = Record<IdParameter, string>;

describe('tenant isolation across every route that takes an id', () => {
  let app: TestApp;
  /** The attacker: an MSP with its own client A1 and a second client A2 that a key limited to A1 must not reach. */
  let attacker: ApiClient;
  let limitedToOwnClient: ApiClient;
  let own: Resources;
  let sameMspOtherClient: Resources;
  /** Another MSP with the same kinds of rows. */
  let victim: Resources;
  let mspIds: string[];

  async function seed(api: ApiClient, mspId: string): Promise<Resources> {
    const clientId = await createClient(api);
    const asset = await createAsset(api, clientId, {
      inServiceOn: '2022-01-01',
      externalSource: 'rmm',
      externalId: 'x',
    });
    const cost = await createRecurringCost(api, clientId);
    const initiative = await createInitiative(api, clientId, { assetIds: [asset.id] });
    await api.post(`/clients/${clientId}/initiatives/${initiative.id}/decisions`, {
      decision: 'deferred',
      decidedBy: 'Owner',
    });
    await api.put(`/clients/${clientId}/lifecycle-policies/laptop`, { lifecycleMonths: 48 });
    await api.put('/lifecycle-policies/laptop', { lifecycleMonths: 36 });
    const key = await api.post('/api-keys', { name: 'Integration', scope: 'read' });
    const feed = await api.post(`/clients/${clientId}/calendar-feeds`, { name: 'Outlook' });
    const shareLink = await api.post(`/clients/${clientId}/share-links`, {
      recipientName: 'Owner',
      scope: 'view',
      expiresOn: '2026-12-31',
    });
    const packet = await app.database.db
      .insertInto('packets')
      .values({
        msp_id: mspId,
        client_id: clientId,
        as_of: '2026-11-22',
        period_label: 'FY2027 Q1',
        scenario: 'committed',
        periods: 12,
        sha256: 'a'.repeat(64),
        page_count: 1,
        size_bytes: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const webhook = await api.post('/webhooks', {
      url: 'https://93.184.215.14/hooks',
      events: ['decision.recorded'],
    });
    const run = await sql<{ id: string }>`
      insert into packet_runs (msp_id, as_of, scenario, periods, total) values (${mspId}, '2026-11-22', 'committed', 12, 1)
      returning id`.execute(app.database.db);
    return {
      clientId,
      assetId: asset.id,
      recurringCostId: cost.id,
      initiativeId: initiative.id,
      keyId: key.body.id,
      packetId: packet.id,
      runId: run.rows[0]!.id,
      feedId: feed.body.id,
      webhookId: webhook.body.id,
      shareLinkId: shareLink.body.id,
    };
  }

  /**
   * Every row of both MSPs in every tenant table (any table with an msp_id column, so new tables count too), in a
   * stable order; a key's last-used time is the one thing a request may move.
   */
  async function snapshot(): Promise<Record<string, string[]>> {
    const { rows: tenantTables } = await sql<{ table_name: string }>`
      select table_name from information_schema.columns
      where table_schema = current_schema() and column_name = 'msp_id' order by table_name`.execute(
      app.database.db,
    );
    const tables = ['msps', ...tenantTables.map((row) => row.table_name)];
    const out: Record<string, string[]> = {};
    for (const table of tables) {
      const column = table === 'msps' ? 'id' : 'msp_id';
      const { rows } = await sql<
        Record<string, unknown>
      >`select * from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(mspIds)})`.execute(
        app.database.db,
      );
      out[table] = rows.map(({ last_used_at: _ignored, ...row }) => JSON.stringify(row)).sort();
    }
    return out;
  }

  beforeAll(async () => {
    // A sealing key, so that each tenant can have a webhook subscription (to a public address: nothing is sent).
    app = await startTestApp({ env: { WEBHOOK_SECRET_KEY: crypto.randomBytes(32).toString('base64') } });
    const attackerTenant = await app.createTenant();
    const victimTenant = await app.createTenant();
    attacker = attackerTenant.api;
    mspIds = [attackerTenant.mspId, victimTenant.mspId];
    own = await seed(attacker, attackerTenant.mspId);
    sameMspOtherClient = await seed(attacker, attackerTenant.mspId);
    victim = await seed(victimTenant.api, victimTenant.mspId);
    limitedToOwnClient = await clientLimitedApi(app.url, attacker, own.clientId, 'write');
  });
  afterAll(() => app.close());

  function send(api: ApiClient, route: RouteDefinition, ids: Partial<Resources>): Promise<TestResponse> {
    const path = route.path.replace(
      /:([A-Za-z0-9_]+)/g,
      (_match, name: string) => ids[name as IdParameter] ?? SHARED_PARAMETERS[name] ?? 'unknown',
    );
    if (!route.body) return api.raw(route.method.toUpperCase(), path);
    const body = SAMPLE_BODIES[route.operationId] ?? {};
    const contentType =
      typeof body === 'string' ? (route.bodyContentTypes?.[0] ?? 'text/plain') : 'application/json';
    return api.raw(route.method.toUpperCase(), path, {
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': contentType },
    });
  }

  /** The route's ids from `base` with `foreign` swapped in for the named parameters. */
  const idsWith = (
    route: RouteDefinition,
    base: Resources,
    foreign: Resources,
    swapped: readonly IdParameter[],
  ) =>
    Object.fromEntries(
      idParametersOf(route).map((name) => [name, (swapped.includes(name) ? foreign : base)[name]]),
    ) as Partial<Resources>;

  function expectNotFound(route: RouteDefinition, response: TestResponse, what: string): void {
    if ((response.status === 400 || response.status === 415) && route.body) {
      throw new Error(
        `${routeName(route)}: add a valid sample body for ${route.operationId} (got 400: ${response.text})`,
      );
    }
    if (response.status !== 404) {
      throw new Error(
        `${routeName(route)} with ${what} answered ${response.status}, not 404: ${response.text.slice(0, 300)}`,
      );
    }
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  }

  it('when a route takes a path parameter, then this matrix knows what it stands for', () => {
    const unknown = apiRoutes.flatMap((route) =>
      parametersOf(route)
        .filter(
          (name) => !(ID_PARAMETERS as readonly string[]).includes(name) && !(name in SHARED_PARAMETERS),
        )
        .map((name) => `${routeName(route)} :${name}`),
    );
    expect(unknown).toEqual([]);
    expect(routesWithIds.length).toBeGreaterThanOrEqual(20);
  });

  it('when rows are compared before and after, then every tenant table is in the comparison and holds both tenants', async () => {
    const tables = await snapshot();
    for (const table of [
      'clients',
      'api_keys',
      'lifecycle_policies',
      'assets',
      'recurring_costs',
      'initiatives',
      'initiative_assets',
      'decisions',
      'packets',
      'calendar_feed_tokens',
      'share_links',
      'webhook_subscriptions',
    ]) {
      expect({ table, rows: tables[table]!.length > 1 }).toEqual({ table, rows: true });
    }
  });

  describe.each(routesWithIds.map((route) => [routeName(route), route] as const))('%s', (_name, route) => {
    const parameters = idParametersOf(route);
    const limitedKeyCannotCall = route.mspWide === true || route.scope === 'admin';

    it("when called with another MSP's ids, then it answers 404 and changes nothing", async () => {
      const before = await snapshot();
      // Every id foreign, then one foreign id at a time among the caller's own.
      expectNotFound(
        route,
        await send(attacker, route, idsWith(route, own, victim, parameters)),
        "another MSP's ids",
      );
      if (parameters.length > 1) {
        for (const parameter of parameters) {
          expectNotFound(
            route,
            await send(attacker, route, idsWith(route, own, victim, [parameter])),
            `another MSP's ${parameter}`,
          );
        }
      }
      expect(await snapshot()).toEqual(before);
    });

    if (parameters.includes('clientId') && parameters.some((name) => CLIENT_CHILDREN.includes(name))) {
      it("when a client's path carries another client's child id, then it answers 404 and changes nothing", async () => {
        const before = await snapshot();
        for (const parameter of parameters.filter((name) => CLIENT_CHILDREN.includes(name))) {
          const ids = idsWith(route, own, sameMspOtherClient, [parameter]);
          expectNotFound(route, await send(attacker, route, ids), `another client's ${parameter}`);
        }
        expect(await snapshot()).toEqual(before);
      });
    }

    it("when a client-limited key uses another client's ids, then the answer tells them from nothing", async () => {
      const before = await snapshot();
      for (const parameter of parameters) {
        const ids = idsWith(route, own, sameMspOtherClient, [parameter]);
        const response = await send(limitedToOwnClient, route, ids);
        if (limitedKeyCannotCall) {
          // The key may never call this route; the refusal must not depend on whose id it is.
          const random = await send(limitedToOwnClient, route, { ...ids, [parameter]: crypto.randomUUID() });
          expect([response.status, random.status]).toEqual([403, 403]);
          expect(response.body.detail).toBe(random.body.detail);
        } else {
          expectNotFound(route, response, `another client's ${parameter} through a limited key`);
        }
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  it("when a body names another tenant's rows, then the request is refused naming the field and nothing is written", async () => {
    const before = await snapshot();
    const initiative = await attacker.post(`/clients/${own.clientId}/initiatives`, {
      title: 'Borrow',
      assetIds: [victim.assetId],
    });
    expect(initiative.status).toBe(400);
    expect(initiative.body.errors).toEqual([
      { path: 'body.assetIds[0]', message: 'is not an asset of this client' },
    ]);
    const sibling = await attacker.patch(`/clients/${own.clientId}/initiatives/${own.initiativeId}`, {
      assetIds: [sameMspOtherClient.assetId],
    });
    expect(sibling.body.errors).toEqual([
      { path: 'body.assetIds[0]', message: 'is not an asset of this client' },
    ]);
    const key = await attacker.post('/api-keys', {
      name: 'Borrow',
      scope: 'read',
      clientId: victim.clientId,
    });
    expect(key.status).toBe(400);
    expect(key.body.errors[0].path).toBe('body.clientId');
    expect(await snapshot()).toEqual(before);
  });

  it("when lists are read, then they never include another MSP's or, for a limited key, another client's rows", async () => {
    const clients = await attacker.get('/clients?limit=500');
    const clientIds = clients.body.items.map((client: { id: string }) => client.id);
    expect(clientIds).toEqual(expect.arrayContaining([own.clientId, sameMspOtherClient.clientId]));
    expect(clientIds).not.toContain(victim.clientId);
    const limitedList = await limitedToOwnClient.get('/clients');
    expect(limitedList.body.items.map((client: { id: string }) => client.id)).toEqual([own.clientId]);
    const keys = await attacker.get('/api-keys?limit=500');
    expect(keys.body.items.map((key: { id: string }) => key.id)).not.toContain(victim.keyId);
    const policies = await attacker.get('/lifecycle-policies');
    expect(policies.body.items).toEqual([
      expect.objectContaining({ category: 'laptop', lifecycleMonths: 36 }),
    ]);
  });
});
