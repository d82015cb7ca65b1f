import { fixedClock } from '../../src/shared/clock.js';
import {
  clientLimitedApi,
  createAsset,
  createClient,
  createInitiative,
} from '../support/planner-factories.js';
import { startTestApp, type TestApp, type Tenant } from '../support/test-app.js';

describe('initiatives and decisions', () => {
  let app: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp({ clock: fixedClock('2026-11-22T15:30:00Z') });
    tenant = await app.createTenant();
  });
  afterAll(() => app.close());

  it('when an initiative is created with linked assets, read and changed, then the JSON contract of appendix A holds', async () => {
    const clientId = await createClient(tenant.api);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => createAsset(tenant.api, clientId)));
    const created = await tenant.api.post(`/clients/${clientId}/initiatives`, {
      title: 'Replace the file server',
      summary: 'Move to a new host with 5-year warranty',
      priority: 'high',
      targetOn: '2027-03-01',
      capexCost: 1_250_000,
      monthlyOpexCost: 9_900,
      opexMonths: 36,
      assetIds: [a.id, b.id],
    });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(
      [
        'id',
        'title',
        'summary',
        'priority',
        'kind',
        'targetOn',
        'capexCost',
        'monthlyOpexCost',
        'opexMonths',
        'status',
        'assetIds',
        'decisions',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
    expect(created.body).toMatchObject({
      status: 'proposed',
      kind: 'project',
      decisions: [],
      assetIds: [a.id, b.id].sort(),
    });

    const path = `/clients/${clientId}/initiatives/${created.body.id}`;
    expect((await tenant.api.get(path)).body).toEqual(created.body);
    const changed = await tenant.api.patch(path, {
      assetIds: [c.id],
      kind: 'replacement',
      status: 'in_progress',
      opexMonths: null,
    });
    expect(changed.body).toMatchObject({
      assetIds: [c.id],
      kind: 'replacement',
      status: 'in_progress',
      opexMonths: null,
      title: 'Replace the file server',
    });

    // A deleted asset drops out of the links.
    await tenant.api.delete(`/clients/${clientId}/assets/${c.id}`);
    expect((await tenant.api.get(path)).body.assetIds).toEqual([]);
  });

  it('when the kind is not one of replacement, upgrade or project, then the answer names the field and nothing is written', async () => {
    const clientId = await createClient(tenant.api);
    const refused = await tenant.api.post(`/clients/${clientId}/initiatives`, {
      title: 'Odd',
      kind: 'retire',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { path: string }) => error.path)).toEqual(['body.kind']);
    expect((await tenant.api.get(`/clients/${clientId}/initiatives`)).body.items).toEqual([]);
  });

  it('when linked assets belong to another client, then the answer names each one and nothing changes', async () => {
    const clientId = await createClient(tenant.api);
    const otherClient = await createClient(tenant.api);
    const mine = await createAsset(tenant.api, clientId);
    const theirs = await createAsset(tenant.api, otherClient);
    const refused = await tenant.api.post(`/clients/${clientId}/initiatives`, {
      title: 'Mixed',
      assetIds: [mine.id, theirs.id, '00000000-0000-4000-8000-000000000000'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { path: 'body.assetIds[1]', message: 'is not an asset of this client' },
      { path: 'body.assetIds[2]', message: 'is not an asset of this client' },
    ]);
    expect((await tenant.api.get(`/clients/${clientId}/initiatives`)).body.items).toEqual([]);

    const initiative = await createInitiative(tenant.api, clientId, { assetIds: [mine.id] });
    const patched = await tenant.api.patch(`/clients/${clientId}/initiatives/${initiative.id}`, {
      assetIds: [theirs.id],
    });
    expect(patched.body.errors).toEqual([
      { path: 'body.assetIds[0]', message: 'is not an asset of this client' },
    ]);
    expect((await tenant.api.get(`/clients/${clientId}/initiatives/${initiative.id}`)).body.assetIds).toEqual(
      [mine.id],
    );

    const repeated = await tenant.api.patch(`/clients/${clientId}/initiatives/${initiative.id}`, {
      assetIds: [mine.id, mine.id],
    });
    expect(repeated.body.errors).toEqual([
      { path: 'body.assetIds[1]', message: 'duplicates body.assetIds[0]' },
    ]);
  });

  it('when the client decides several times, then every decision is kept in order and the status follows the latest', async () => {
    const clientId = await createClient(tenant.api);
    const initiative = await createInitiative(tenant.api, clientId);
    const decide = (body: Record<string, unknown>) =>
      tenant.api.post(`/clients/${clientId}/initiatives/${initiative.id}/decisions`, body);

    const deferred = await decide({
      decision: 'deferred',
      decidedBy: 'Dana Smith',
      role: 'CFO',
      note: 'Next fiscal year',
    });
    expect(deferred.status).toBe(201);
    expect(deferred.body.status).toBe('deferred');
    expect(deferred.body.decisions).toEqual([
      {
        decision: 'deferred',
        decidedBy: 'Dana Smith',
        role: 'CFO',
        note: 'Next fiscal year',
        decidedAt: '2026-11-22T15:30:00.000Z',
        // Through the API, the key that recorded it is named; the portal's fields stay empty.
        via: 'api',
        recordedBy: 'API key “First admin key”',
        shareLinkId: null,
        ipAddress: null,
        userAgent: null,
      },
    ]);
    await decide({ decision: 'declined', decidedBy: 'Dana Smith' });
    const approved = await decide({ decision: 'approved', decidedBy: 'Lee Wong', role: 'Owner' });
    expect(approved.body.status).toBe('approved');
    expect(approved.body.decisions.map((entry: { decision: string }) => entry.decision)).toEqual([
      'deferred',
      'declined',
      'approved',
    ]);
    const times = approved.body.decisions.map((entry: { decidedAt: string }) => entry.decidedAt);
    expect([...times].sort()).toEqual(times);
    expect(new Set(times).size).toBe(3);

    const listed = await tenant.api.get(`/clients/${clientId}/initiatives?status=approved`);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([initiative.id]);
    expect((await tenant.api.get(`/clients/${clientId}/initiatives?status=proposed`)).body.items).toEqual([]);

    // The history is the client's record: the initiative cannot be deleted from under it.
    const removal = await tenant.api.delete(`/clients/${clientId}/initiatives/${initiative.id}`);
    expect(removal.status).toBe(409);
    await expect(
      app.database.db
        .updateTable('decisions')
        .set({ note: 'edited' })
        .where('initiative_id', '=', initiative.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
  });

  it('when an initiative is completed, then no further decision can be recorded on it', async () => {
    const clientId = await createClient(tenant.api);
    const initiative = await createInitiative(tenant.api, clientId, { status: 'completed' });
    const refused = await tenant.api.post(`/clients/${clientId}/initiatives/${initiative.id}/decisions`, {
      decision: 'approved',
      decidedBy: 'X',
    });
    expect(refused.status).toBe(409);
    expect(
      (await tenant.api.get(`/clients/${clientId}/initiatives/${initiative.id}`)).body.decisions,
    ).toEqual([]);
  });

  it("when a client's portal key decides, then the decision is recorded for its own client", async () => {
    const clientId = await createClient(tenant.api);
    const initiative = await createInitiative(tenant.api, clientId);
    const portal = await clientLimitedApi(app.url, tenant.api, clientId, 'write');
    const decided = await portal.post(`/clients/${clientId}/initiatives/${initiative.id}/decisions`, {
      decision: 'approved',
      decidedBy: 'Owner',
    });
    expect(decided.status).toBe(201);
  });

  it('when initiatives are listed a page at a time, then they come by target date with undated ones last, each once', async () => {
    const clientId = await createClient(tenant.api);
    const dates = [null, '2027-06-01', '2027-01-15', null, '2027-01-15', '2026-12-01'];
    for (const targetOn of dates)
      await createInitiative(tenant.api, clientId, { targetOn, title: `Target ${targetOn ?? 'none'}` });
    const seen: (string | null)[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { targetOn: string | null }[]; nextCursor: string | null } } =
        await tenant.api.get(`/clients/${clientId}/initiatives?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((item) => item.targetOn));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['2026-12-01', '2027-01-15', '2027-01-15', '2027-06-01', null, null]);
  });

  it('when an initiative without decisions is deleted, then it and its links are gone', async () => {
    const clientId = await createClient(tenant.api);
    const asset = await createAsset(tenant.api, clientId);
    const initiative = await createInitiative(tenant.api, clientId, { assetIds: [asset.id] });
    expect((await tenant.api.delete(`/clients/${clientId}/initiatives/${initiative.id}`)).status).toBe(204);
    const links = await app.database.db
      .selectFrom('initiative_assets')
      .selectAll()
      .where('initiative_id', '=', initiative.id)
      .execute();
    expect(links).toEqual([]);
    expect((await tenant.api.get(`/clients/${clientId}/assets/${asset.id}`)).status).toBe(200);
  });
});
