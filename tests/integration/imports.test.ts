import fs from 'node:fs';
import path from 'node:path';
import { createAsset, createClient, clientLimitedApi } from '../support/planner-factories.js';
import { startTestApp, unique, type ApiClient, type TestApp, type Tenant } from '../support/test-app.js';

const fixtures = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
  'unit',
  'imports',
  'fixtures',
  'snipe-it',
);
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name));
const csv = (text: string) => Buffer.from(text, 'utf8');

function importFile(api: ApiClient, clientId: string, body: Buffer, query = '', contentType = 'text/csv') {
  return api.raw('POST', `/clients/${clientId}/imports${query}`, {
    body,
    headers: { 'content-type': contentType },
  });
}

function multipart(
  parts: { name: string; filename?: string; contentType?: string; body: Buffer | string }[],
) {
  const boundary = `----vcio${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.contentType ? `\r\nContent-Type: ${part.contentType}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('importing assets from CSV', () => {
  let app: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
  });
  afterAll(() => app.close());

  const storedAssets = (clientId: string) =>
    app.database.db
      .selectFrom('assets')
      .selectAll()
      .where('client_id', '=', clientId)
      .orderBy('asset_tag')
      .execute();

  it('when the Snipe-IT sample is sent without commit, then the dry run reports 22 creations and writes nothing', async () => {
    const clientId = await createClient(tenant.api);
    const response = await importFile(tenant.api, clientId, fixture('assets-sample.csv'), '?preset=snipe-it');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      committed: false,
      preset: 'snipe-it',
      rows: 22,
      created: 22,
      updated: 0,
      unchanged: 0,
      errorCount: 0,
      errors: [],
      file: { encoding: 'utf-8', delimiter: ',', headerRow: 1 },
    });
    expect(response.body.columns[2]).toEqual({ column: 'C', header: 'Asset Tag', field: 'assetTag' });
    expect(await storedAssets(clientId)).toEqual([]);
  });

  it('when the Snipe-IT sample is committed and then imported again, then 22 assets are created once and the second import changes nothing', async () => {
    const clientId = await createClient(tenant.api);
    const committed = await importFile(
      tenant.api,
      clientId,
      fixture('assets-sample.csv'),
      '?preset=snipe-it&commit=true',
    );
    expect(committed.status).toBe(200);
    expect(committed.body).toMatchObject({
      committed: true,
      created: 22,
      updated: 0,
      unchanged: 0,
      errorCount: 0,
    });
    const before = await storedAssets(clientId);
    expect(before).toHaveLength(22);

    const again = await importFile(
      tenant.api,
      clientId,
      fixture('assets-sample.csv'),
      '?preset=snipe-it&commit=true',
    );
    expect(again.body).toMatchObject({
      committed: true,
      created: 0,
      updated: 0,
      unchanged: 22,
      errorCount: 0,
    });
    const after = await storedAssets(clientId);
    expect(after.map((row) => row.updated_at.toISOString())).toEqual(
      before.map((row) => row.updated_at.toISOString()),
    );
  });

  it('when a committed import writes dates, then the database records their provenance as import', async () => {
    const clientId = await createClient(tenant.api);
    await importFile(tenant.api, clientId, fixture('assets-sample.csv'), '?preset=snipe-it&commit=true');
    const backhoe = (await storedAssets(clientId)).find((row) => row.asset_tag === 'ICC-2065556')!;
    expect(backhoe).toMatchObject({
      msp_id: tenant.mspId,
      name: 'Backhoe',
      category: 'other',
      model: 'Macbook Pro 13"',
      purchased_on: '2023-01-23',
      purchased_on_source: 'import',
      end_of_support_on: '2028-10-27',
      end_of_support_on_source: 'import',
      warranty_expires_on: null,
      warranty_expires_on_source: null,
      in_service_on_source: null,
      purchase_cost: 226613,
      status: 'active',
      external_source: null,
    });
    const listed = await tenant.api.get(`/clients/${clientId}/assets?q=ICC-2065556`);
    expect(listed.body.items[0]).toMatchObject({
      purchasedOn: '2023-01-23',
      dateSources: { purchasedOn: 'import', endOfSupportOn: 'import' },
    });
  });

  it('when the Windows-1252 export with CR line ends is committed, then its accents survive, and the same data with blank columns changes nothing', async () => {
    const clientId = await createClient(tenant.api);
    const bad = await importFile(
      tenant.api,
      clientId,
      fixture('assets-sample-BAD.csv'),
      '?preset=snipe-it&commit=true',
    );
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({
      committed: true,
      rows: 200,
      created: 200,
      errorCount: 0,
      file: { encoding: 'windows-1252' },
    });
    expect(bad.body.warnings[0].message).toMatch(/read as Windows-1252/);
    const stored = await storedAssets(clientId);
    expect(stored.find((row) => row.asset_tag === '666189117-3')).toMatchObject({
      location: 'Saint-Ìätienne',
      purchased_on: '2016-03-14',
      status: 'retired',
      warranty_expires_on: '2017-05-14',
      warranty_expires_on_source: 'import',
    });

    const blanks = await importFile(
      tenant.api,
      clientId,
      fixture('assets-sample-BLANKS.csv'),
      '?preset=snipe-it&commit=true',
    );
    expect(blanks.body).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 200 });
  });

  it('when the licence export is committed with the asset preset, then the answer is 422 naming the missing column and nothing is written', async () => {
    const clientId = await createClient(tenant.api);
    const response = await importFile(
      tenant.api,
      clientId,
      fixture('licenses-sample.csv'),
      '?preset=snipe-it&commit=true',
    );
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      status: 422,
      code: 'import_rejected',
      committed: false,
      created: 0,
      errorCount: 1,
    });
    expect(response.body.errors).toEqual([
      {
        row: 1,
        column: null,
        value: null,
        message: expect.stringMatching(/needs an "Asset Tag" column.*licence export/),
        path: 'row 1',
      },
    ]);
    expect(await storedAssets(clientId)).toEqual([]);
  });

  const HEADER = 'Name,Category,Asset Tag,Purchased On,Purchase Cost,Warranty Months\r\n';

  it('when two rows of five are wrong, then a dry run lists the errors and counts the rest, and a commit is 422 with nothing written', async () => {
    const clientId = await createClient(tenant.api);
    const file = csv(
      HEADER +
        'Reception PC,Desktop,T-1,1/15/23,"$1,049.00",36\r\n' +
        'Server,Servers,T-2,2/30/23,"$9,500.00",36\r\n' +
        'Laptop,Laptops,T-3,3/1/2023,899,12\r\n' +
        'Firewall,Firewall,T-4,2023-04-01,€1200,\r\n' +
        'Switch,Switches,T-5,4/1/23,450,\r\n',
    );
    const dryRun = await importFile(tenant.api, clientId, file);
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({ committed: false, rows: 5, created: 3, errorCount: 2 });
    expect(dryRun.body.errors).toEqual([
      {
        row: 3,
        column: 'Purchased On',
        value: '2/30/23',
        message: 'is not a real calendar date: February 2023 has 28 days',
      },
      {
        row: 5,
        column: 'Purchase Cost',
        value: '€1200',
        message: "is in another currency (€); this client's amounts are in USD",
      },
    ]);

    const commit = await importFile(tenant.api, clientId, file, '?commit=true');
    expect(commit.status).toBe(422);
    expect(commit.body.detail).toBe('The file has 2 errors; nothing was imported');
    expect(commit.body.errors[0]).toMatchObject({ row: 3, path: 'row 3, column Purchased On' });
    expect(await storedAssets(clientId)).toEqual([]);
  });

  it('when the only bad row comes after the first thousand good ones, then the commit still writes nothing', async () => {
    const clientId = await createClient(tenant.api);
    const rows = Array.from({ length: 1500 }, (_, index) => `PC-${index},Desktop,T-${index},1/15/23,999,36`);
    rows.push('Broken,Desktop,T-bad,13/45/23,999,36');
    const response = await importFile(tenant.api, clientId, csv(HEADER + rows.join('\r\n')), '?commit=true');
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({
      created: 1500,
      errorCount: 1,
      errors: [expect.objectContaining({ row: 1502, value: '13/45/23' })],
    });
    expect(await storedAssets(clientId)).toEqual([]);
  });

  it('when two commits of the same file race, then the assets are created once and the other commit finds them unchanged', async () => {
    const clientId = await createClient(tenant.api);
    const file = fixture('assets-sample.csv');
    const results = await Promise.all(
      [1, 2].map(() => importFile(tenant.api, clientId, file, '?preset=snipe-it&commit=true')),
    );
    expect(results.map((result) => result.status)).toEqual([200, 200]);
    expect(results.map((result) => result.body.created).sort()).toEqual([0, 22]);
    expect(results.map((result) => result.body.unchanged).sort()).toEqual([0, 22]);
    expect(await storedAssets(clientId)).toHaveLength(22);
  });

  it('when a stored asset has the tag, then the import updates it: blank cells keep values and only changed dates become import', async () => {
    const clientId = await createClient(tenant.api);
    const typed = await createAsset(tenant.api, clientId, {
      name: 'Reception PC',
      category: 'desktop',
      assetTag: 'T-1',
      purchasedOn: '2023-01-15',
      warrantyExpiresOn: '2026-01-15',
      notes: 'Typed in by hand',
      lifecycleMonths: 48,
    });
    const response = await importFile(
      tenant.api,
      clientId,
      csv(HEADER + 'Reception PC,,T-1,1/15/23,"$1,049.00",24\r\nNew laptop,Laptops,T-9,,,\r\n'),
      '?commit=true',
    );
    expect(response.body).toMatchObject({ committed: true, created: 1, updated: 1, unchanged: 0 });
    const updated = (await tenant.api.get(`/clients/${clientId}/assets/${typed.id}`)).body;
    expect(updated).toMatchObject({
      category: 'desktop',
      notes: 'Typed in by hand',
      lifecycleMonths: 48,
      purchaseCost: 104900,
      purchasedOn: '2023-01-15',
      warrantyExpiresOn: '2025-01-15',
      dateSources: {
        purchasedOn: 'manual',
        warrantyExpiresOn: 'import',
        inServiceOn: null,
        endOfSupportOn: null,
      },
    });
  });

  it('when the file is sent as a form with a mapping of its own headers, then the mapped columns are imported', async () => {
    const clientId = await createClient(tenant.api);
    const form = multipart([
      {
        name: 'mapping',
        body: JSON.stringify({
          Device: 'name',
          Kind: 'category',
          Tag: 'assetTag',
          Bought: 'purchasedOn',
          Colour: null,
        }),
      },
      {
        name: 'file',
        filename: 'inventory.csv',
        contentType: 'text/csv; charset=windows-1252',
        body: Buffer.from(
          'Device;Kind;Tag;Bought;Colour\r\nCaf\xe9 PC;Workstation;W-1;31.01.2024;grey\r\n',
          'latin1',
        ),
      },
    ]);
    const response = await importFile(
      tenant.api,
      clientId,
      form.body,
      '?commit=true&dateOrder=dmy',
      form.contentType,
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      committed: true,
      created: 1,
      errorCount: 0,
      file: { encoding: 'windows-1252', delimiter: ';' },
    });
    expect(await storedAssets(clientId)).toEqual([
      expect.objectContaining({
        name: 'Café PC',
        category: 'desktop',
        asset_tag: 'W-1',
        purchased_on: '2024-01-31',
      }),
    ]);
  });

  it('when the request itself is wrong, then it is a 4xx problem that names the field, never a 500', async () => {
    const clientId = await createClient(tenant.api);
    const noBody = await tenant.api.raw('POST', `/clients/${clientId}/imports`, {
      headers: { 'content-type': 'text/csv' },
    });
    expect(noBody.status).toBe(400);
    expect(noBody.body.errors).toEqual([
      {
        path: 'body',
        message: expect.stringMatching(/must be the file to import \(CSV as text\/csv, JSON as/),
      },
    ]);

    const badPreset = await importFile(
      tenant.api,
      clientId,
      csv('Name,Asset Tag\nA,1\n'),
      '?preset=lansweeper',
    );
    expect(badPreset.status).toBe(400);
    expect(badPreset.body.errors[0].path).toBe('query.preset');

    // JSON is a file for the JSON presets, not for the default CSV one.
    const json = await tenant.api.post(`/clients/${clientId}/imports`, { name: 'x' });
    expect(json.status).toBe(400);
    expect(json.body.errors[0].path).toBe('query.preset');
    const xml = await importFile(tenant.api, clientId, csv('<assets/>'), '', 'application/xml');
    expect(xml.status).toBe(415);

    const badMapping = multipart([
      { name: 'file', body: 'Name,Asset Tag\nA,1\n' },
      { name: 'mapping', body: '{"Name": "colour"}' },
    ]);
    const mapped = await importFile(tenant.api, clientId, badMapping.body, '', badMapping.contentType);
    expect(mapped.status).toBe(400);
    expect(mapped.body.errors[0]).toMatchObject({
      path: 'body.mapping.Name',
      message: expect.stringMatching(/must be one of name, category/),
    });

    const noFile = multipart([{ name: 'mapping', body: '{}' }]);
    const missing = await importFile(tenant.api, clientId, noFile.body, '', noFile.contentType);
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      { path: 'body.file', message: 'is required: the CSV or JSON file to import' },
    ]);

    const workbook = await importFile(
      tenant.api,
      clientId,
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]),
      '?commit=true',
    );
    expect(workbook.status).toBe(422);
    expect(workbook.body.errors[0].message).toMatch(/Excel workbook/);

    const unclosed = await importFile(
      tenant.api,
      clientId,
      csv('Name,Asset Tag,Notes\nA,1,"never closed\nB,2,x\n'),
    );
    expect(unclosed.status).toBe(200);
    expect(unclosed.body.errors).toEqual([
      {
        row: 2,
        column: null,
        value: null,
        message: 'A quoted field that starts in row 2 is never closed (a missing "?)',
      },
    ]);
    expect(await storedAssets(clientId)).toEqual([]);
  });

  it("when another MSP's client, an unknown client or a client outside a limited key is named, then the answer is 404 and nothing is written", async () => {
    const other = await app.createTenant(unique('Other MSP'));
    const theirClient = await createClient(other.api);
    const file = fixture('assets-sample.csv');
    for (const query of ['?preset=snipe-it', '?preset=snipe-it&commit=true']) {
      const response = await importFile(tenant.api, theirClient, file, query);
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not_found');
    }
    expect((await importFile(tenant.api, '00000000-0000-4000-8000-000000000000', file)).status).toBe(404);
    expect((await importFile(tenant.api, 'not-a-uuid', file)).status).toBe(404);
    expect(await storedAssets(theirClient)).toEqual([]);

    const mine = await createClient(tenant.api);
    const elsewhere = await createClient(tenant.api);
    const limited = await clientLimitedApi(app.url, tenant.api, mine);
    expect((await importFile(limited, elsewhere, file, '?preset=snipe-it&commit=true')).status).toBe(404);
    expect((await importFile(limited, mine, file, '?preset=snipe-it&commit=true')).body).toMatchObject({
      committed: true,
      created: 22,
    });

    const reader = await clientLimitedApi(app.url, tenant.api, mine, 'read');
    expect((await importFile(reader, mine, file, '?preset=snipe-it')).status).toBe(403);
  });

  it('when two clients import the same file, then each gets its own assets and neither sees the other', async () => {
    const first = await createClient(tenant.api);
    const second = await createClient(tenant.api);
    for (const clientId of [first, second]) {
      const response = await importFile(
        tenant.api,
        clientId,
        fixture('assets-sample.csv'),
        '?preset=snipe-it&commit=true',
      );
      expect(response.body).toMatchObject({ created: 22 });
    }
    expect(await storedAssets(first)).toHaveLength(22);
    expect(await storedAssets(second)).toHaveLength(22);
  });

  it('when the file maps external ids, then the assets carry the given source and a re-import matches them by it', async () => {
    const clientId = await createClient(tenant.api);
    const file = csv('Name,Category,External Id\r\nSRV-1,Servers,42\r\nSRV-2,Servers,43\r\n');
    const first = await importFile(tenant.api, clientId, file, '?commit=true&source=lansweeper');
    expect(first.body).toMatchObject({ committed: true, created: 2 });
    expect((await storedAssets(clientId)).map((row) => [row.external_source, row.external_id])).toEqual([
      ['lansweeper', '42'],
      ['lansweeper', '43'],
    ]);
    const renamed = await importFile(
      tenant.api,
      clientId,
      csv('Name,External Id\r\nSRV-1 (HQ),42\r\n'),
      '?commit=true&source=lansweeper',
    );
    expect(renamed.body).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
  });

  it('when the API document is built, then the import operation is in it with its query options and 422 answer', async () => {
    const document = (await tenant.api.get('/api/v1/openapi.json')).body;
    const operation = document.paths['/clients/{clientId}/imports'].post;
    expect(operation.operationId).toBe('importAssets');
    expect(operation.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['clientId', 'preset', 'commit', 'source', 'dateOrder']),
    );
    expect(Object.keys(operation.requestBody.content)).toEqual(
      expect.arrayContaining(['text/csv', 'multipart/form-data']),
    );
    expect(operation.responses['422']).toBeDefined();
  });
});
