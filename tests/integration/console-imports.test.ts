import fs from 'node:fs';
import path from 'node:path';
import { loadDemo, type LoadedDemo } from '../../src/demo/demo.service.js';
import type { Clock } from '../../src/shared/clock.js';
import { packageRoot } from '../../src/shared/paths.js';
import { ConsoleVisitor } from '../support/console-browserless.js';
import { createConsoleUser } from '../support/console-browser.js';
import { createClient } from '../support/planner-factories.js';
import { apiClient, startTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

const SNIPE_IT = path.join(
  packageRoot,
  'tests',
  'unit',
  'imports',
  'fixtures',
  'snipe-it',
  'assets-sample.csv',
);

describe('the import page over HTTP', () => {
  let app: TestApp;
  let demo: LoadedDemo;
  let api: ApiClient;
  let now = new Date('2026-11-22T12:00:00Z').getTime();
  const clock: Clock = { now: () => new Date(now), today: () => new Date(now).toISOString().slice(0, 10) };

  beforeAll(async () => {
    app = await startTestApp({ clock });
    demo = await loadDemo(app.database.db, app.context.clock);
    api = apiClient(app.url, demo.apiKey);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function signedIn(): Promise<ConsoleVisitor> {
    const user = await createConsoleUser(app, demo.msp.id, 'vcio');
    const visitor = new ConsoleVisitor(app.url);
    expect((await visitor.signIn(user.email, user.password)).status).toBe(303);
    return visitor;
  }

  /** Sends the upload form as a browser would: token first, then the fields, then the file. */
  async function upload(
    visitor: ConsoleVisitor,
    fields: Record<string, string>,
    file: { name: string; type: string; bytes: Buffer },
  ): Promise<Response> {
    const form = new FormData();
    if (visitor.cookies.size > 0) {
      form.append('_csrf', ConsoleVisitor.formToken((await visitor.get('/imports')).html));
    }
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
    const cookie = [...visitor.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return fetch(`${app.url}/imports`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
      headers: { accept: 'text/html', cookie },
    });
  }

  const snipeIt = () => ({ name: 'assets-sample.csv', type: 'text/csv', bytes: fs.readFileSync(SNIPE_IT) });
  const storedUploads = async () =>
    (await app.database.db.selectFrom('import_uploads').select('id').execute()).length;

  it("when Snipe-IT's sample export is uploaded with the preset detected, then it imports cleanly, and again changes nothing", async () => {
    const clientId = await createClient(api);
    const visitor = await signedIn();
    const sent = await upload(visitor, { clientId, preset: 'auto', dateOrder: 'mdy' }, snipeIt());
    expect(sent.status).toBe(303);
    const dryRunPath = sent.headers.get('location')!;
    const dryRun = await visitor.get(dryRunPath);
    expect(dryRun.status).toBe(200);
    expect(dryRun.html).toContain('Snipe-IT asset export (CSV), detected from the file');
    const apiDryRun = await api.raw('POST', `/clients/${clientId}/imports?preset=snipe-it`, {
      body: fs.readFileSync(SNIPE_IT),
      headers: { 'content-type': 'text/csv' },
    });
    expect(apiDryRun.body.errorCount).toBe(0);
    expect(dryRun.html).toContain(`Import ${apiDryRun.body.created} new assets into`);

    const fingerprint = /name="fingerprint" value="([^"]+)"/.exec(dryRun.html)![1]!;
    const committed = await visitor.submit(dryRunPath, `${dryRunPath}/commit`, { fingerprint });
    expect(committed).toMatchObject({ status: 303, location: dryRunPath });
    const result = await visitor.get(dryRunPath);
    expect(result.html).toContain(`${apiDryRun.body.created} new assets`);
    expect((await api.get(`/clients/${clientId}/assets?limit=200`)).body.items).toHaveLength(
      apiDryRun.body.created,
    );
    // Sending the commit again does not import twice.
    expect((await visitor.submit(dryRunPath, `${dryRunPath}/commit`, { fingerprint })).status).toBe(303);
    expect((await api.get(`/clients/${clientId}/assets?limit=200`)).body.items).toHaveLength(
      apiDryRun.body.created,
    );

    const again = await upload(visitor, { clientId, preset: 'snipe-it', dateOrder: 'mdy' }, snipeIt());
    const second = await visitor.get(again.headers.get('location')!);
    expect(second.html).toContain('Nothing to import');
    expect(second.html).not.toContain('name="fingerprint"');
  });

  it('when a commit carries a fingerprint other than its dry run’s, then nothing is written', async () => {
    const clientId = await createClient(api);
    const visitor = await signedIn();
    const sent = await upload(visitor, { clientId, preset: 'auto', dateOrder: 'mdy' }, snipeIt());
    const dryRunPath = sent.headers.get('location')!;
    const refused = await visitor.submit(dryRunPath, `${dryRunPath}/commit`, { fingerprint: 'made-up' });
    expect(refused).toMatchObject({ status: 303, location: `${dryRunPath}?done=stale` });
    expect((await api.get(`/clients/${clientId}/assets`)).body.items).toEqual([]);
  });

  it('when the file has a very long name, then it is kept, cut to 300 characters', async () => {
    const clientId = await createClient(api);
    const visitor = await signedIn();
    const name = `${'inventory-'.repeat(40)}.csv`;
    const sent = await upload(
      visitor,
      { clientId, preset: 'auto', dateOrder: 'mdy' },
      { ...snipeIt(), name },
    );
    expect(sent.status).toBe(303);
    const dryRun = await visitor.get(sent.headers.get('location')!);
    expect(dryRun.html).toContain(`Dry run: ${name.slice(0, 300)}</h1>`);
  });

  it('when an hour has passed since the upload, then it is gone and the page answers 404', async () => {
    const clientId = await createClient(api);
    const visitor = await signedIn();
    const sent = await upload(visitor, { clientId, preset: 'auto', dateOrder: 'mdy' }, snipeIt());
    const dryRunPath = sent.headers.get('location')!;
    expect((await visitor.get(dryRunPath)).status).toBe(200);
    now += 61 * 60 * 1000;
    expect((await visitor.get(dryRunPath)).status).toBe(404);
    expect((await visitor.get(`${dryRunPath}/mapping`)).status).toBe(404);
  });

  it('when an upload comes without a session, then it is answered 401 and nothing is read or stored', async () => {
    const before = await storedUploads();
    const clientId = await createClient(api);
    const anonymous = await upload(new ConsoleVisitor(app.url), { clientId }, snipeIt());
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('Signed out');
    expect(await storedUploads()).toBe(before);
  });

  it('when the form misses the client or the file, or names a CSV preset for a JSON file, then it is shown again with the error by the field', async () => {
    const clientId = await createClient(api);
    const visitor = await signedIn();
    const noClient = await upload(visitor, { clientId: '', preset: 'auto', dateOrder: 'mdy' }, snipeIt());
    expect(noClient.status).toBe(422);
    const html = await noClient.text();
    expect(html).toContain('aria-describedby="clientId-error"');
    expect(html).toContain('Choose the client to import into.');

    const wrongPreset = await upload(
      visitor,
      { clientId, preset: 'snipe-it', dateOrder: 'dmy' },
      { name: 'devices.json', type: 'application/json', bytes: Buffer.from('{"value": []}') },
    );
    expect(wrongPreset.status).toBe(422);
    const again = await wrongPreset.text();
    expect(again).toContain('id="preset-error"');
    expect(again).toContain('The file is JSON, but Snipe-IT asset export (CSV) reads CSV.');
    // What was chosen is kept.
    expect(again).toContain(`<option value="${clientId}" selected>`);
    expect(again).toContain('<option value="dmy" selected>');
  });
});
