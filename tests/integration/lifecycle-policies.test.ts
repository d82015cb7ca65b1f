import { clientLimitedApi, createAsset, createClient } from '../support/planner-factories.js';
import { startTestApp, type TestApp, type Tenant } from '../support/test-app.js';

describe('lifecycle policies', () => {
  let app: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
  });
  afterAll(() => app.close());

  it('when an MSP policy is put, read, replaced and removed, then each answer shows the stored policy', async () => {
    expect((await tenant.api.get('/lifecycle-policies/server')).status).toBe(404);
    const put = await tenant.api.put('/lifecycle-policies/server', {
      lifecycleMonths: 60,
      replacementCost: 900_000,
      annualEscalationBps: 300,
      dueSoonDays: 365,
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      category: 'server',
      lifecycleMonths: 60,
      replacementCost: 900_000,
      annualEscalationBps: 300,
      dueSoonDays: 365,
    });
    expect((await tenant.api.get('/lifecycle-policies/server')).body).toEqual(put.body);

    // PUT replaces the whole policy: what is left out inherits again.
    const replaced = await tenant.api.put('/lifecycle-policies/server', { lifecycleMonths: 72 });
    expect(replaced.body).toEqual({
      category: 'server',
      lifecycleMonths: 72,
      replacementCost: null,
      annualEscalationBps: null,
      dueSoonDays: null,
    });
    await tenant.api.put('/lifecycle-policies/desktop', { dueSoonDays: 90 });
    const list = await tenant.api.get('/lifecycle-policies');
    expect(list.body).toEqual({
      items: [expect.objectContaining({ category: 'desktop' }), replaced.body],
      nextCursor: null,
    });

    expect((await tenant.api.delete('/lifecycle-policies/server')).status).toBe(204);
    expect((await tenant.api.get('/lifecycle-policies/server')).status).toBe(404);
    expect((await tenant.api.delete('/lifecycle-policies/server')).status).toBe(404);
  });

  it('when a client policy is set, then it is listed for that client only and the MSP policy stays as it was', async () => {
    const own = await app.createTenant();
    const first = await createClient(own.api);
    const second = await createClient(own.api);
    await own.api.put('/lifecycle-policies/laptop', { lifecycleMonths: 36 });
    const put = await own.api.put(`/clients/${first}/lifecycle-policies/laptop`, { lifecycleMonths: 48 });
    expect(put.status).toBe(200);
    expect((await own.api.get(`/clients/${first}/lifecycle-policies`)).body.items).toEqual([put.body]);
    expect((await own.api.get(`/clients/${second}/lifecycle-policies`)).body.items).toEqual([]);
    expect((await own.api.get('/lifecycle-policies/laptop')).body.lifecycleMonths).toBe(36);
    expect((await own.api.get(`/clients/${first}/lifecycle-policies/laptop`)).body).toEqual(put.body);
    expect((await own.api.get(`/clients/${second}/lifecycle-policies/laptop`)).status).toBe(404);
  });

  it('when a client-limited key manages policies, then it may change its client but not the MSP level', async () => {
    const clientId = await createClient(tenant.api);
    const portal = await clientLimitedApi(app.url, tenant.api, clientId, 'write');
    expect(
      (await portal.put(`/clients/${clientId}/lifecycle-policies/firewall`, { lifecycleMonths: 60 })).status,
    ).toBe(200);
    expect((await portal.get('/lifecycle-policies')).status).toBe(403);
    expect((await portal.put('/lifecycle-policies/firewall', { lifecycleMonths: 60 })).status).toBe(403);
  });

  it('when a policy changes right after assets were read, then the next read already uses the new policy', async () => {
    const own = await app.createTenant();
    const clientId = await createClient(own.api);
    const created = await createAsset(own.api, clientId, { category: 'server', inServiceOn: '2024-01-10' });
    const read = async () => (await own.api.get(`/clients/${clientId}/assets/${created.id}`)).body.lifecycle;
    const listed = async () => (await own.api.get(`/clients/${clientId}/assets`)).body.items[0].lifecycle;
    expect((await read()).dueOn).toBe('2027-01-10');
    await own.api.put('/lifecycle-policies/server', { lifecycleMonths: 60 });
    expect((await read()).dueOn).toBe('2029-01-10');
    expect((await listed()).dueOn).toBe('2029-01-10');
    await own.api.put(`/clients/${clientId}/lifecycle-policies/server`, { lifecycleMonths: 48 });
    expect((await listed()).dueOn).toBe('2028-01-10');
    await own.api.delete('/lifecycle-policies/server');
    await own.api.delete(`/clients/${clientId}/lifecycle-policies/server`);
    expect((await read()).dueOn).toBe('2027-01-10');
  });

  it('when a client is deleted, then listing its assets answers 404 at once', async () => {
    const clientId = await createClient(tenant.api);
    await createAsset(tenant.api, clientId);
    expect((await tenant.api.get(`/clients/${clientId}/assets`)).status).toBe(200);
    expect((await tenant.api.delete(`/clients/${clientId}`)).status).toBe(204);
    expect((await tenant.api.get(`/clients/${clientId}/assets`)).status).toBe(404);
  });

  it('when the category is not one of the sixteen, then the policy does not exist', async () => {
    expect((await tenant.api.put('/lifecycle-policies/toaster', { lifecycleMonths: 12 })).status).toBe(404);
  });
});
