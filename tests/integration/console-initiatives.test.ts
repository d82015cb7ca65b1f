import { createConsoleUser } from '../support/console-browser.js';
import { ConsoleVisitor } from '../support/console-browserless.js';
import { createAsset, createClient, createInitiative } from '../support/planner-factories.js';
import { startTestApp, type TestApp, type Tenant } from '../support/test-app.js';

/** The initiatives pages over HTTP: the refusals a browser test would take long to reach. */
describe('the console’s initiative forms', () => {
  let app: TestApp;
  let tenant: Tenant;
  let visitor: ConsoleVisitor;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
    const vcio = await createConsoleUser(app, tenant.mspId, 'vcio');
    visitor = new ConsoleVisitor(app.url);
    expect((await visitor.signIn(vcio.email, vcio.password)).status).toBe(303);
  });
  afterAll(() => app.close());

  it('when a decision is sent without a choice, then the form says so by the field and keeps the name typed', async () => {
    const clientId = await createClient(tenant.api);
    const initiative = await createInitiative(tenant.api, clientId);
    const page = `/clients/${clientId}/initiatives/${initiative.id}`;
    const refused = await visitor.submit(page, `${page}/decisions`, {
      decidedBy: 'Dana Kowalski',
      role: 'CFO',
    });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain(
      '<p class="field-error" id="decision-error">Choose approved, declined or deferred.</p>',
    );
    expect(refused.html).toContain('value="Dana Kowalski"');
    expect(
      (await tenant.api.get(`/clients/${clientId}/initiatives/${initiative.id}`)).body.decisions,
    ).toEqual([]);
  });

  it('when the initiative is completed, then there is no decision form and a decision sent anyway gets the service’s reason', async () => {
    const clientId = await createClient(tenant.api);
    const initiative = await createInitiative(tenant.api, clientId, { status: 'completed' });
    const page = `/clients/${clientId}/initiatives/${initiative.id}`;
    const shown = await visitor.get(page);
    expect(shown.html).not.toContain('class="stacked decision-form"');
    expect(shown.html).toContain('The initiative is completed: there is nothing left to decide.');
    const refused = await visitor.submit(page, `${page}/decisions`, {
      decision: 'approved',
      decidedBy: 'Dana',
    });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('Decision cannot be recorded on a completed initiative.');
  });

  it('when a client keeps its books in yen, then a fractional amount is refused and a whole one stored as is', async () => {
    const clientId = await createClient(tenant.api, { currency: 'JPY' });
    const refused = await visitor.submit(
      `/clients/${clientId}/initiatives/new`,
      `/clients/${clientId}/initiatives`,
      {
        title: 'Replace the NAS',
        capexCost: '1,234.5',
        priority: 'medium',
        kind: 'project',
        status: 'proposed',
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('Capex “1,234.5” must be a whole amount: JPY has no decimals.');
    expect(refused.html).toContain('value="Replace the NAS"');
    const created = await visitor.submit(
      `/clients/${clientId}/initiatives/new`,
      `/clients/${clientId}/initiatives`,
      {
        title: 'Replace the NAS',
        capexCost: '¥1,234',
        priority: 'medium',
        kind: 'project',
        status: 'proposed',
      },
    );
    expect(created.status).toBe(303);
    const id = /initiatives\/([0-9a-f-]{36})\?done=created$/.exec(created.location ?? '')![1];
    expect((await tenant.api.get(`/clients/${clientId}/initiatives/${id}`)).body.capexCost).toBe(1234);
  });

  it('when a checklist names another client’s asset or the move names no quarter, then nothing changes', async () => {
    const clientId = await createClient(tenant.api);
    const otherClient = await createClient(tenant.api);
    const theirs = await createAsset(tenant.api, otherClient);
    const ours = await createAsset(tenant.api, clientId);
    const initiative = await createInitiative(tenant.api, clientId, { targetOn: '2027-02-15' });
    const page = `/clients/${clientId}/initiatives/${initiative.id}`;
    const linked = await visitor.submit(page, `${page}/assets`, { shown: theirs.id, asset: theirs.id });
    expect(linked.status).toBe(400);
    const moved = await visitor.submit(page, `${page}/move`, { quarter: 'FY2027-Q9' });
    expect(moved.status).toBe(400);
    expect(await tenant.api.get(`/clients/${clientId}/initiatives/${initiative.id}`)).toMatchObject({
      body: { assetIds: [], targetOn: '2027-02-15' },
    });
    // The page's own checklist links ours.
    const ok = await visitor.submit(page, `${page}/assets`, { shown: ours.id, asset: ours.id });
    expect(ok.status).toBe(303);
    expect((await tenant.api.get(`/clients/${clientId}/initiatives/${initiative.id}`)).body.assetIds).toEqual(
      [ours.id],
    );
  });

  it('when a client has more assets than a page, then the checklist pages through them and saving one page keeps the links of another', async () => {
    const clientId = await createClient(tenant.api);
    const assets = [];
    for (let index = 0; index < 23; index += 1) {
      assets.push(
        await createAsset(tenant.api, clientId, { name: `Desk ${String(index).padStart(2, '0')}` }),
      );
    }
    const initiative = await createInitiative(tenant.api, clientId, { assetIds: [assets[0].id] });
    const page = `/clients/${clientId}/initiatives/${initiative.id}`;
    const first = await visitor.get(page);
    const checklistIds = (html: string) =>
      [...html.matchAll(/id="asset-([0-9a-f-]{36})"/g)].map((match) => match[1]);
    expect(checklistIds(first.html)).toHaveLength(20);
    expect(first.html).toMatch(
      new RegExp(`id="asset-${assets[0].id}" name="asset" value="${assets[0].id}" checked`),
    );
    const next = /<a href="([^"]+)">Next assets<\/a>/
      .exec(first.html)![1]!
      .replace(/&amp;/g, '&')
      .replace(/&#x3D;/g, '=');
    const second = await visitor.get(next);
    expect(checklistIds(second.html)).toEqual(assets.slice(20).map((asset) => asset.id));
    expect(second.html).toContain('>First assets</a>');
    const ticked = assets.slice(20, 22).map((asset) => asset.id);
    const body = new URLSearchParams({ _csrf: ConsoleVisitor.formToken(second.html) });
    for (const asset of assets.slice(20)) body.append('shown', asset.id);
    for (const id of ticked) body.append('asset', id);
    const saved = await fetch(`${app.url}${page}/assets`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...visitor.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
      body: body.toString(),
    });
    expect(saved.status).toBe(303);
    const stored = await tenant.api.get(`/clients/${clientId}/initiatives/${initiative.id}`);
    expect(stored.body.assetIds).toEqual([assets[0].id, ...ticked].sort());
  });
});
