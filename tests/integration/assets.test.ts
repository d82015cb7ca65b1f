import { createAsset, createClient } from '../support/planner-factories.js';
import { startTestApp, type TestApp, type Tenant } from '../support/test-app.js';

// The test app's clock is fixed at 2026-11-22.
const assetKeys = [
  'id',
  'clientId',
  'name',
  'category',
  'manufacturer',
  'model',
  'serialNumber',
  'assetTag',
  'location',
  'assignedTo',
  'operatingSystem',
  'purchasedOn',
  'inServiceOn',
  'warrantyExpiresOn',
  'endOfSupportOn',
  'purchaseCost',
  'replacementCost',
  'lifecycleMonths',
  'status',
  'notes',
  'externalSource',
  'externalId',
  'createdAt',
  'updatedAt',
  'lifecycle',
  'dateSources',
];
const lifecycleKeys = [
  'lifecycleMonths',
  'dueOn',
  'dueReason',
  'status',
  'warrantyStatus',
  'endOfSupportOn',
  'endOfSupportSource',
  'osStatus',
  'osUpdateTo',
];

describe('assets over HTTP', () => {
  let app: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
  });
  afterAll(() => app.close());

  it('when an asset is created, read, changed and deleted, then the JSON contract of appendix A holds', async () => {
    const clientId = await createClient(tenant.api);
    const created = await tenant.api.post(`/clients/${clientId}/assets`, {
      name: '  FRONT-DESK-01 ',
      category: 'desktop',
      manufacturer: 'Dell',
      model: 'OptiPlex 7010',
      serialNumber: 'SN-123',
      assetTag: 'A-001',
      location: 'Reception',
      assignedTo: 'Pat',
      operatingSystem: 'Ubuntu 24.04 LTS',
      purchasedOn: '2024-03-01',
      inServiceOn: '2024-03-10',
      warrantyExpiresOn: '2027-03-01',
      purchaseCost: 95_000,
      replacementCost: 110_000,
      notes: 'Front desk',
    });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual([...assetKeys].sort());
    expect(Object.keys(created.body.lifecycle).sort()).toEqual([...lifecycleKeys].sort());
    expect(created.body).toMatchObject({
      clientId,
      name: 'FRONT-DESK-01',
      status: 'active',
      lifecycleMonths: null,
      endOfSupportOn: null,
      externalSource: null,
      dateSources: {
        purchasedOn: 'manual',
        inServiceOn: 'manual',
        warrantyExpiresOn: 'manual',
        endOfSupportOn: null,
      },
      lifecycle: {
        lifecycleMonths: 36,
        dueOn: '2027-03-10',
        dueReason: 'age',
        status: 'due_soon',
        warrantyStatus: 'active',
        // Ubuntu 24.04 is a release (standard support to 2029-05-31, then a free update to 26.04): it has no
        // product end of support to move the clock.
        endOfSupportOn: null,
        endOfSupportSource: null,
        osStatus: 'supported',
        osUpdateTo: null,
      },
    });

    const path = `/clients/${clientId}/assets/${created.body.id}`;
    expect((await tenant.api.get(path)).body).toEqual(created.body);

    const changed = await tenant.api.patch(path, {
      status: 'in_storage',
      notes: null,
      inServiceOn: null,
      lifecycleMonths: 60,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      status: 'in_storage',
      notes: null,
      inServiceOn: null,
      dateSources: { purchasedOn: 'manual', inServiceOn: null },
      lifecycle: { lifecycleMonths: 60, dueOn: '2029-03-01', status: 'ok' },
    });
    expect(changed.body.name).toBe('FRONT-DESK-01');

    expect((await tenant.api.delete(path)).status).toBe(204);
    expect((await tenant.api.get(path)).status).toBe(404);
    expect((await tenant.api.delete(path)).status).toBe(404);
  });

  it('when policies exist at MSP and client level, then the lifecycle takes the asset override, then the client, then the MSP, then 36 months', async () => {
    const own = await app.createTenant();
    const withPolicy = await createClient(own.api);
    const withoutPolicy = await createClient(own.api);
    expect((await own.api.put('/lifecycle-policies/laptop', { lifecycleMonths: 60 })).status).toBe(200);
    expect(
      (
        await own.api.put(`/clients/${withPolicy}/lifecycle-policies/laptop`, {
          lifecycleMonths: 48,
          dueSoonDays: 30,
        })
      ).status,
    ).toBe(200);

    const clientPolicy = await createAsset(own.api, withPolicy, { inServiceOn: '2023-01-15' });
    expect(clientPolicy.lifecycle).toMatchObject({ lifecycleMonths: 48, dueOn: '2027-01-15', status: 'ok' });
    const mspPolicy = await createAsset(own.api, withoutPolicy, { inServiceOn: '2023-01-15' });
    expect(mspPolicy.lifecycle).toMatchObject({ lifecycleMonths: 60, dueOn: '2028-01-15', status: 'ok' });
    const override = await createAsset(own.api, withPolicy, {
      inServiceOn: '2023-01-15',
      lifecycleMonths: 24,
    });
    expect(override.lifecycle).toMatchObject({ lifecycleMonths: 24, dueOn: '2025-01-15', status: 'overdue' });
    const noPolicy = await createAsset(own.api, withPolicy, {
      category: 'server',
      purchasedOn: '2023-12-31',
    });
    expect(noPolicy.lifecycle).toMatchObject({
      lifecycleMonths: 36,
      dueOn: '2026-12-31',
      status: 'due_soon',
    });

    // asOf moves the clock's reading, not the stored asset.
    const later = await own.api.get(`/clients/${withPolicy}/assets/${clientPolicy.id}?asOf=2026-12-20`);
    expect(later.body.lifecycle.status).toBe('due_soon');
    const afterDue = await own.api.get(`/clients/${withPolicy}/assets/${clientPolicy.id}?asOf=2027-01-16`);
    expect(afterDue.body.lifecycle.status).toBe('overdue');

    // Removing the client override falls back to the MSP policy.
    expect((await own.api.delete(`/clients/${withPolicy}/lifecycle-policies/laptop`)).status).toBe(204);
    const fallback = await own.api.get(`/clients/${withPolicy}/assets/${clientPolicy.id}`);
    expect(fallback.body.lifecycle).toMatchObject({ lifecycleMonths: 60, dueOn: '2028-01-15' });
  });

  it('when support for the operating system ends before the age limit, then the asset is due at end of support', async () => {
    const clientId = await createClient(tenant.api);
    const catalogued = await createAsset(tenant.api, clientId, {
      inServiceOn: '2024-01-01',
      operatingSystem: 'Microsoft Windows 10 Pro',
    });
    expect(catalogued.lifecycle).toMatchObject({
      dueOn: '2025-10-14',
      dueReason: 'end_of_support',
      status: 'overdue',
      endOfSupportOn: '2025-10-14',
      endOfSupportSource: 'catalogue',
      osStatus: 'unsupported',
      osUpdateTo: null,
    });
    expect(catalogued.endOfSupportOn).toBeNull();

    const ownDate = await createAsset(tenant.api, clientId, {
      inServiceOn: '2024-01-01',
      operatingSystem: 'Microsoft Windows 10 Pro',
      endOfSupportOn: '2030-01-01',
    });
    expect(ownDate.lifecycle).toMatchObject({
      dueOn: '2027-01-01',
      dueReason: 'age',
      endOfSupportOn: '2030-01-01',
      endOfSupportSource: 'asset',
    });
    expect(ownDate.dateSources.endOfSupportOn).toBe('manual');
  });

  it('when assets lack dates, are retired or have warranties in various states, then the clock says so', async () => {
    const clientId = await createClient(tenant.api);
    const undated = await createAsset(tenant.api, clientId);
    expect(undated.lifecycle).toMatchObject({
      status: 'undated',
      dueOn: null,
      dueReason: null,
      warrantyStatus: 'unknown',
    });
    const retired = await createAsset(tenant.api, clientId, { inServiceOn: '2020-01-01', status: 'retired' });
    expect(retired.lifecycle).toMatchObject({ status: 'inactive', dueOn: null });
    const warranties = await Promise.all(
      ['2026-11-21', '2026-11-22', '2027-02-20', '2027-02-21'].map((warrantyExpiresOn) =>
        createAsset(tenant.api, clientId, { warrantyExpiresOn }),
      ),
    );
    expect(warranties.map((asset) => asset.lifecycle.warrantyStatus)).toEqual([
      'expired',
      'expiring',
      'expiring',
      'active',
    ]);
  });

  it('when assets are listed with filters, then each filter narrows the list and text matches literally', async () => {
    const clientId = await createClient(tenant.api);
    const laptop = await createAsset(tenant.api, clientId, {
      name: 'Laptop A',
      serialNumber: 'XZ-100%',
      inServiceOn: '2020-01-01',
    });
    const server = await createAsset(tenant.api, clientId, {
      name: 'Server B',
      category: 'server',
      assetTag: 'TAG_7',
      assignedTo: 'Ops team',
      inServiceOn: '2026-06-01',
    });
    const stored = await createAsset(tenant.api, clientId, {
      name: 'Spare C',
      status: 'in_storage',
      model: 'ThinkPad T14',
    });
    const gone = await createAsset(tenant.api, clientId, {
      name: 'Old D',
      status: 'disposed',
      operatingSystem: 'Windows 7',
    });
    const names = async (query: string) =>
      (await tenant.api.get(`/clients/${clientId}/assets?${query}`)).body.items.map(
        (asset: { name: string }) => asset.name,
      );

    expect(await names('')).toEqual(['Laptop A', 'Old D', 'Server B', 'Spare C']);
    expect(await names('category=server')).toEqual([server.name]);
    expect(await names('status=in_storage')).toEqual([stored.name]);
    expect(await names('lifecycleStatus=overdue')).toEqual([laptop.name]);
    expect(await names('lifecycleStatus=ok')).toEqual([server.name]);
    expect(await names('lifecycleStatus=undated')).toEqual([stored.name]);
    expect(await names('lifecycleStatus=inactive')).toEqual([gone.name]);
    expect(await names('lifecycleStatus=due_soon')).toEqual([]);
    expect(await names('q=xz-100%25')).toEqual([laptop.name]);
    expect(await names('q=100_')).toEqual([]);
    expect(await names('q=tag_7')).toEqual([server.name]);
    expect(await names('q=ops')).toEqual([server.name]);
    expect(await names('q=thinkpad')).toEqual([stored.name]);
    expect(await names('q=windows 7')).toEqual([gone.name]);
    expect(await names('q=%25')).toEqual([laptop.name]);
    expect(await names('category=server&lifecycleStatus=overdue')).toEqual([]);
  });

  it('when a computed lifecycle filter thins a long list, then the cursor walks every matching asset exactly once', async () => {
    const clientId = await createClient(tenant.api);
    const assets = Array.from({ length: 1100 }, (_, index) => ({
      externalId: `dev-${index}`,
      name: `Device ${String(index).padStart(4, '0')}`,
      category: 'desktop',
      inServiceOn: index % 4 === 0 ? '2019-05-05' : '2026-05-05',
    }));
    const synced = await tenant.api.post(`/clients/${clientId}/assets/sync`, {
      externalSource: 'rmm',
      assets,
    });
    expect(synced.body).toEqual({ created: 1100, updated: 0, unchanged: 0, retired: 0 });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: {
        body: { items: { name: string; lifecycle: { status: string } }[]; nextCursor: string | null };
      } = await tenant.api.get(
        `/clients/${clientId}/assets?lifecycleStatus=overdue&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.every((asset) => asset.lifecycle.status === 'overdue')).toBe(true);
      seen.push(...page.body.items.map((asset) => asset.name));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(assets.filter((_, index) => index % 4 === 0).map((asset) => asset.name));
  });

  it('when an external id is already used in the client, then a second asset with it is a 409 naming the field', async () => {
    const clientId = await createClient(tenant.api);
    const first = await createAsset(tenant.api, clientId, { externalSource: 'psa', externalId: 'CI-42' });
    const again = await tenant.api.post(`/clients/${clientId}/assets`, {
      name: 'Copy',
      category: 'laptop',
      externalSource: 'psa',
      externalId: 'CI-42',
    });
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([
      { path: 'body.externalId', message: expect.stringContaining(first.id) },
    ]);
    const other = await createAsset(tenant.api, clientId);
    const patched = await tenant.api.patch(`/clients/${clientId}/assets/${other.id}`, {
      externalSource: 'psa',
      externalId: 'CI-42',
    });
    expect(patched.status).toBe(409);
    const half = await tenant.api.patch(`/clients/${clientId}/assets/${other.id}`, { externalSource: 'psa' });
    expect(half.status).toBe(400);
    expect(half.body.errors[0].path).toBe('body.externalSource');
  });

  it('when a synced asset is changed by hand, then only the changed date is recorded as manual', async () => {
    const clientId = await createClient(tenant.api);
    await tenant.api.post(`/clients/${clientId}/assets/sync`, {
      externalSource: 'rmm',
      assets: [
        {
          externalId: 'r1',
          name: 'PC',
          category: 'desktop',
          purchasedOn: '2024-01-01',
          warrantyExpiresOn: '2027-01-01',
        },
      ],
    });
    const [asset] = (await tenant.api.get(`/clients/${clientId}/assets`)).body.items;
    expect(asset.dateSources).toEqual({
      purchasedOn: 'sync',
      inServiceOn: null,
      warrantyExpiresOn: 'sync',
      endOfSupportOn: null,
    });
    const changed = await tenant.api.patch(`/clients/${clientId}/assets/${asset.id}`, {
      purchasedOn: '2024-01-01',
      warrantyExpiresOn: '2028-01-01',
    });
    expect(changed.body.dateSources).toEqual({
      purchasedOn: 'sync',
      inServiceOn: null,
      warrantyExpiresOn: 'manual',
      endOfSupportOn: null,
    });
  });
});
