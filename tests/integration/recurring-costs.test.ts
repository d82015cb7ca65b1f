import { createClient, createRecurringCost } from '../support/planner-factories.js';
import { startTestApp, type TestApp, type Tenant } from '../support/test-app.js';

describe('recurring costs', () => {
  let app: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
  });
  afterAll(() => app.close());

  it('when a recurring cost is created, read, changed and deleted, then the JSON contract of appendix A holds', async () => {
    const clientId = await createClient(tenant.api);
    const created = await tenant.api.post(`/clients/${clientId}/recurring-costs`, {
      name: 'Microsoft 365 Business Premium',
      vendor: 'Microsoft',
      amount: 2200,
      quantity: 25,
      interval: 'month',
      startsOn: '2026-01-01',
    });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(
      [
        'id',
        'name',
        'vendor',
        'amount',
        'quantity',
        'interval',
        'startsOn',
        'endsOn',
        'annualEscalationBps',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
    expect(created.body).toMatchObject({ quantity: 25, endsOn: null, annualEscalationBps: 0 });
    const path = `/clients/${clientId}/recurring-costs/${created.body.id}`;
    expect((await tenant.api.get(path)).body).toEqual(created.body);
    const changed = await tenant.api.patch(path, {
      quantity: 30,
      endsOn: '2028-12-31',
      annualEscalationBps: 500,
    });
    expect(changed.body).toMatchObject({
      quantity: 30,
      endsOn: '2028-12-31',
      annualEscalationBps: 500,
      name: 'Microsoft 365 Business Premium',
    });
    expect((await tenant.api.delete(path)).status).toBe(204);
    expect((await tenant.api.get(path)).status).toBe(404);
  });

  it('when endsOn would fall before startsOn, then the answer names the field that made it so', async () => {
    const clientId = await createClient(tenant.api);
    const refused = await tenant.api.post(`/clients/${clientId}/recurring-costs`, {
      name: 'Backup',
      amount: 100,
      interval: 'year',
      startsOn: '2026-05-01',
      endsOn: '2026-04-30',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: 'body.endsOn', message: 'must be on or after startsOn' }]);

    const cost = await createRecurringCost(tenant.api, clientId, {
      startsOn: '2026-01-01',
      endsOn: '2026-12-31',
    });
    const path = `/clients/${clientId}/recurring-costs/${cost.id}`;
    const endsEarly = await tenant.api.patch(path, { endsOn: '2025-12-31' });
    expect(endsEarly.body.errors).toEqual([{ path: 'body.endsOn', message: 'must be on or after startsOn' }]);
    const startsLate = await tenant.api.patch(path, { startsOn: '2027-01-01' });
    expect(startsLate.status).toBe(400);
    expect(startsLate.body.errors[0].path).toBe('body.startsOn');
    expect((await tenant.api.patch(path, { startsOn: '2027-01-01', endsOn: null })).body).toMatchObject({
      startsOn: '2027-01-01',
      endsOn: null,
    });
  });

  it('when recurring costs are listed a page at a time and filtered, then each appears once, by name', async () => {
    const clientId = await createClient(tenant.api);
    const names = ['Antivirus', 'Backup', 'Domain', 'Email', 'Firewall licence'];
    for (const name of names)
      await createRecurringCost(tenant.api, clientId, {
        name,
        interval: name === 'Domain' ? 'year' : 'month',
        vendor: name === 'Email' ? 'Microsoft' : null,
      });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { name: string }[]; nextCursor: string | null } } = await tenant.api.get(
        `/clients/${clientId}/recurring-costs?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((cost) => cost.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(names);
    const yearly = await tenant.api.get(`/clients/${clientId}/recurring-costs?interval=year`);
    expect(yearly.body.items.map((cost: { name: string }) => cost.name)).toEqual(['Domain']);
    const vendor = await tenant.api.get(`/clients/${clientId}/recurring-costs?q=micro`);
    expect(vendor.body.items.map((cost: { name: string }) => cost.name)).toEqual(['Email']);
  });
});
