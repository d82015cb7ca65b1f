import { createAsset, createClient } from '../support/planner-factories.js';
import { startTestApp, type TestApp, type Tenant } from '../support/test-app.js';

describe('asset sync from other tools', () => {
  let app: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
  });
  afterAll(() => app.close());

  const countAssets = async (clientId: string) =>
    Number(
      (
        await app.database.db
          .selectFrom('assets')
          .select((eb) => eb.fn.countAll().as('count'))
          .where('client_id', '=', clientId)
          .executeTakeFirstOrThrow()
      ).count,
    );
  const byExternalId = async (clientId: string) => {
    const items = (await tenant.api.get(`/clients/${clientId}/assets?limit=500`)).body.items as Record<
      string,
      any
    >[];
    return new Map(items.map((asset) => [asset.externalId as string, asset]));
  };

  it('when the same payload is synced twice, then the second sync changes nothing and says so', async () => {
    const clientId = await createClient(tenant.api);
    const payload = {
      externalSource: 'ninjaone',
      assets: [
        {
          externalId: '1',
          name: 'PC-1',
          category: 'desktop',
          purchasedOn: '2023-05-01',
          purchaseCost: 80_000,
        },
        {
          externalId: '2',
          name: 'SRV-1',
          category: 'server',
          operatingSystem: 'Windows Server 2016 Standard',
        },
      ],
    };
    const first = await tenant.api.post(`/clients/${clientId}/assets/sync`, payload);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ created: 2, updated: 0, unchanged: 0, retired: 0 });
    const before = await byExternalId(clientId);
    expect(before.get('1')).toMatchObject({
      externalSource: 'ninjaone',
      purchaseCost: 80_000,
      dateSources: { purchasedOn: 'sync' },
    });
    expect(before.get('2')!.lifecycle).toMatchObject({
      status: 'undated',
      endOfSupportOn: '2027-01-12',
      endOfSupportSource: 'catalogue',
    });

    const second = await tenant.api.post(`/clients/${clientId}/assets/sync`, payload);
    expect(second.body).toEqual({ created: 0, updated: 0, unchanged: 2, retired: 0 });
    const after = await byExternalId(clientId);
    expect(after.get('1')!.updatedAt).toBe(before.get('1')!.updatedAt);
  });

  it('when an item changes a field, leaves one out or sends null, then it is updated, kept and cleared respectively', async () => {
    const clientId = await createClient(tenant.api);
    await tenant.api.post(`/clients/${clientId}/assets/sync`, {
      externalSource: 'rmm',
      assets: [
        {
          externalId: 'a',
          name: 'PC-A',
          category: 'desktop',
          model: 'OptiPlex',
          location: 'HQ',
          inServiceOn: '2024-01-01',
        },
      ],
    });
    const manual = (await byExternalId(clientId)).get('a')!;
    await tenant.api.patch(`/clients/${clientId}/assets/${manual.id}`, {
      replacementCost: 120_000,
      notes: 'Keep me',
    });

    const synced = await tenant.api.post(`/clients/${clientId}/assets/sync`, {
      externalSource: 'rmm',
      assets: [
        {
          externalId: 'a',
          name: 'PC-A',
          category: 'desktop',
          model: 'OptiPlex 7020',
          location: null,
          inServiceOn: '2024-02-01',
        },
      ],
    });
    expect(synced.body).toEqual({ created: 0, updated: 1, unchanged: 0, retired: 0 });
    expect((await byExternalId(clientId)).get('a')).toMatchObject({
      model: 'OptiPlex 7020',
      location: null,
      replacementCost: 120_000,
      notes: 'Keep me',
      inServiceOn: '2024-02-01',
      dateSources: { inServiceOn: 'sync' },
      lifecycle: { dueOn: '2027-02-01' },
    });
  });

  it('when retireMissing is set, then only active assets of this source that the payload leaves out are retired', async () => {
    const clientId = await createClient(tenant.api);
    const sync = (body: Record<string, unknown>) => tenant.api.post(`/clients/${clientId}/assets/sync`, body);
    await sync({
      externalSource: 'rmm',
      assets: ['k', 'gone', 'stored', 'disposed'].map((externalId) => ({
        externalId,
        name: `PC ${externalId}`,
        category: 'desktop',
        status: externalId === 'stored' ? 'in_storage' : externalId === 'disposed' ? 'disposed' : 'active',
      })),
    });
    await sync({
      externalSource: 'psa',
      assets: [{ externalId: 'gone', name: 'Other source', category: 'desktop' }],
    });
    const handMade = await createAsset(tenant.api, clientId);

    const result = await sync({
      externalSource: 'rmm',
      retireMissing: true,
      assets: [{ externalId: 'k', name: 'PC k', category: 'desktop' }],
    });
    expect(result.body).toEqual({ created: 0, updated: 0, unchanged: 1, retired: 2 });
    const items = (await tenant.api.get(`/clients/${clientId}/assets`)).body.items as Record<string, any>[];
    const status = (source: string | null, externalId: string | null) =>
      items.find((asset) => asset.externalSource === source && asset.externalId === externalId)?.status;
    expect(status('rmm', 'k')).toBe('active');
    expect(status('rmm', 'gone')).toBe('retired');
    expect(status('rmm', 'stored')).toBe('retired');
    expect(status('rmm', 'disposed')).toBe('disposed');
    expect(status('psa', 'gone')).toBe('active');
    expect(items.find((asset) => asset.id === handMade.id)?.status).toBe('active');

    const again = await sync({
      externalSource: 'rmm',
      retireMissing: true,
      assets: [{ externalId: 'k', name: 'PC k', category: 'desktop' }],
    });
    expect(again.body.retired).toBe(0);
  });

  it('when a payload repeats an external id, then it is refused naming both indices and nothing is written', async () => {
    const clientId = await createClient(tenant.api);
    const response = await tenant.api.post(`/clients/${clientId}/assets/sync`, {
      externalSource: 'rmm',
      assets: [
        { externalId: 'x', name: 'One', category: 'desktop' },
        { externalId: 'y', name: 'Two', category: 'desktop' },
        { externalId: 'x', name: 'Three', category: 'desktop' },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'body.assets[2].externalId', message: expect.stringContaining('body.assets[0].externalId') },
    ]);
    expect(await countAssets(clientId)).toBe(0);
  });

  it('when one item of many is not valid, then the answer names it and no item is written', async () => {
    const clientId = await createClient(tenant.api);
    const assets = Array.from({ length: 300 }, (_, index) => ({
      externalId: `e${index}`,
      name: `PC ${index}`,
      category: 'desktop',
    }));
    assets[217] = { ...assets[217]!, purchasedOn: '2023-02-30' } as (typeof assets)[number];
    const response = await tenant.api.post(`/clients/${clientId}/assets/sync`, {
      externalSource: 'rmm',
      assets,
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { path: 'body.assets[217].purchasedOn', message: expect.any(String) },
    ]);
    expect(await countAssets(clientId)).toBe(0);
  });

  it('when 5000 assets arrive in one request, then all are created in one go and a repeat finds them unchanged', async () => {
    const clientId = await createClient(tenant.api);
    const assets = Array.from({ length: 5000 }, (_, index) => ({
      externalId: `dev-${index}`,
      name: `Workstation ${index}`,
      category: index % 10 === 0 ? 'server' : 'desktop',
      manufacturer: 'Lenovo',
      serialNumber: `SN${index}`,
      operatingSystem: index % 2 ? 'Windows 11 Pro' : 'Windows 10 Pro 22H2',
      purchasedOn: '2023-06-15',
      warrantyExpiresOn: '2026-06-15',
      purchaseCost: 90_000 + index,
    }));
    const created = await tenant.api.post(`/clients/${clientId}/assets/sync`, {
      externalSource: 'rmm',
      assets,
    });
    expect(created.body).toEqual({ created: 5000, updated: 0, unchanged: 0, retired: 0 });
    expect(await countAssets(clientId)).toBe(5000);

    assets[4999] = { ...assets[4999]!, purchaseCost: 1 };
    const repeated = await tenant.api.post(`/clients/${clientId}/assets/sync`, {
      externalSource: 'rmm',
      assets,
    });
    expect(repeated.body).toEqual({ created: 0, updated: 1, unchanged: 4999, retired: 0 });
    expect(await countAssets(clientId)).toBe(5000);
  });

  it('when two clients sync the same external ids, then each keeps its own assets', async () => {
    const first = await createClient(tenant.api);
    const second = await createClient(tenant.api);
    const payload = {
      externalSource: 'rmm',
      assets: [{ externalId: 'shared', name: 'PC', category: 'laptop' }],
    };
    expect((await tenant.api.post(`/clients/${first}/assets/sync`, payload)).body.created).toBe(1);
    expect((await tenant.api.post(`/clients/${second}/assets/sync`, payload)).body.created).toBe(1);
    expect(await countAssets(first)).toBe(1);
    expect(await countAssets(second)).toBe(1);
  });
});
