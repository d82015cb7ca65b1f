import { createClient, createInitiative, createRecurringCost } from '../support/planner-factories.js';
import { apiClient, startTestApp, type TestApp, type Tenant } from '../support/test-app.js';

const asOf = '2026-11-22';

describe('forecast limits: exact money and a levelling search that cannot stall the service', () => {
  let app: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
  });
  afterAll(() => app.close());

  it('when a recurring cost of 10^14 × 10^6 is forecast, then the answer is a 422 naming it, and the portfolio still answers for the other clients', async () => {
    const broken = await createClient(tenant.api);
    const cost = await createRecurringCost(tenant.api, broken, {
      name: 'Typo in the seat count',
      amount: 100_000_000_000_000,
      quantity: 1_000_000,
      startsOn: '2026-01-01',
    });
    const healthy = await createClient(tenant.api);
    await createRecurringCost(tenant.api, healthy, { amount: 2_200, quantity: 10, startsOn: '2026-01-01' });

    const forecast = await tenant.api.get(`/clients/${broken}/forecast?asOf=${asOf}`);
    expect(forecast.status).toBe(422);
    expect(forecast.body.type).toMatch(/forecast-out-of-range/);
    expect(forecast.body.errors).toEqual([
      { path: `recurringCosts[${cost.id}].amount`, message: expect.any(String) },
    ]);

    const portfolio = await tenant.api.get(`/forecast?asOf=${asOf}&periods=4`);
    expect(portfolio.status).toBe(200);
    const byId = new Map(portfolio.body.clients.map((client: any) => [client.clientId, client]));
    expect(byId.get(broken)).toMatchObject({
      error: { code: 'forecast_out_of_range', path: `recurringCosts[${cost.id}].amount` },
    });
    // 2,200 × 10 seats a month, on the 1st: December, then three months in each of the next three quarters.
    expect(byId.get(healthy)).toMatchObject({ totals: { opex: { recurring: 10 * 22_000 } } });
    const usd = portfolio.body.currencies.find((currency: any) => currency.currency === 'USD');
    expect(usd.excludedClients).toBeGreaterThanOrEqual(1);
  });

  it('when two valid clients sum past 2^53 − 1 cents, then the currency total is refused, never rounded', async () => {
    // Each client alone is exact: 2^46 a month for 64 months = 2^52, and the second one cent more. Their sum,
    // 2^53 + 1, is the first integer a double cannot hold: a naive sum would answer 2^53.
    const own = await app.createTenant();
    const first = await createClient(own.api, { currency: 'EUR' });
    const second = await createClient(own.api, { currency: 'EUR' });
    const monthly = 2 ** 46;
    for (const [clientId, capexCost] of [
      [first, 0],
      [second, 1],
    ] as const) {
      await createInitiative(own.api, clientId, {
        status: 'approved',
        targetOn: asOf,
        monthlyOpexCost: monthly,
        opexMonths: 64,
        capexCost,
      });
    }
    const portfolio = await own.api.get(`/forecast?asOf=${asOf}&periods=40`);
    expect(portfolio.status).toBe(200);
    const totals = portfolio.body.clients.map((client: any) => client.totals.total).sort();
    expect(totals).toEqual([2 ** 52, 2 ** 52 + 1]);
    const [eur] = portfolio.body.currencies;
    expect(eur).toMatchObject({ currency: 'EUR', clients: 2, error: { code: 'forecast_out_of_range' } });
    expect(eur.totals).toBeUndefined();
  });

  it('when a slow levelling search runs, then /healthz and another client are answered before it finishes', async () => {
    // 400 servers on a one-month lifecycle under a cap of one cent: every quarter overflows whatever moves. Its
    // heuristics alone take about 8 s on a quiet 2-core machine, four times the search's 2 s limit (at 200 servers
    // they took 2 s, and a fast run finished them and proved the plan optimal within the limit); 14,400 events in
    // a ±3-month window stay under the placements a search may have.
    const slow = await createClient(tenant.api);
    const sync = await tenant.api.post(`/clients/${slow}/assets/sync`, {
      externalSource: 'rmm',
      assets: Array.from({ length: 400 }, (_, index) => ({
        externalId: `srv-${index}`,
        name: `SRV-${String(index).padStart(3, '0')}`,
        category: 'server',
        inServiceOn: '2026-01-01',
        lifecycleMonths: 1,
        replacementCost: 950_000,
      })),
    });
    expect(sync.status).toBe(200);
    const other = await createClient(tenant.api);
    await createRecurringCost(tenant.api, other, { startsOn: '2026-01-01' });

    const finished: string[] = [];
    const levelling = tenant.api
      .post(`/clients/${slow}/forecast/level`, { asOf, periods: 12, quarterlyCapexCap: 1, windowMonths: 3 })
      .then((response) => {
        finished.push('levelling');
        return response;
      });
    // Give the request time to reach the search.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const anonymous = apiClient(app.url, undefined);
    const health = await anonymous.get('/healthz');
    finished.push('healthz');
    const forecast = await tenant.api.get(`/clients/${other}/forecast?asOf=${asOf}`);
    finished.push('other client');
    const levelled = await levelling;

    expect(health.status).toBe(200);
    expect(forecast.status).toBe(200);
    expect(finished).toEqual(['healthz', 'other client', 'levelling']);
    expect(levelled.status).toBe(200);
    // Stopped by its time limit with overflow left: the best plan found, and it says it may not be the best.
    expect(levelled.body.totals.overflowAfter).toBeGreaterThan(0);
    expect(levelled.body.totals.overflowAfter).toBeLessThanOrEqual(levelled.body.totals.overflowBefore);
    expect(levelled.body.optimal).toBe(false);
  });

  it('when the events times the window are too many to search, then the answer is a 422 naming windowMonths', async () => {
    const large = await createClient(tenant.api);
    await tenant.api.post(`/clients/${large}/assets/sync`, {
      externalSource: 'rmm',
      assets: Array.from({ length: 300 }, (_, index) => ({
        externalId: `pc-${index}`,
        name: `PC-${index}`,
        category: 'desktop',
        inServiceOn: '2026-01-01',
        lifecycleMonths: 1,
        replacementCost: 1_000,
      })),
    });
    const response = await tenant.api.post(`/clients/${large}/forecast/level`, {
      asOf,
      periods: 40,
      quarterlyCapexCap: 1,
      windowMonths: 60,
    });
    expect(response.status).toBe(422);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['body.windowMonths']);
  });

  it('when a levelled plan is within the cap, then it says optimal even if the search was cut short', async () => {
    const easy = await createClient(tenant.api);
    await tenant.api.post(`/clients/${easy}/assets/sync`, {
      externalSource: 'rmm',
      assets: [
        { externalId: 'one', name: 'One', category: 'laptop', inServiceOn: '2024-01-01', replacementCost: 1 },
      ],
    });
    const response = await tenant.api.post(`/clients/${easy}/forecast/level`, {
      asOf,
      quarterlyCapexCap: 1_000_000,
      windowMonths: 3,
    });
    expect(response.status).toBe(200);
    expect(response.body.totals.overflowAfter).toBe(0);
    expect(response.body.optimal).toBe(true);
  });
});
