import fs from 'node:fs';
import path from 'node:path';
import { createClient, clientLimitedApi } from '../support/planner-factories.js';
import { startTestApp, unique, type ApiClient, type TestApp, type Tenant } from '../support/test-app.js';

const fixtures = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
  'unit',
  'imports',
  'fixtures',
);
const INTUNE = fs.readFileSync(
  path.join(fixtures, 'intune', 'graph-docs-v1.0-list-managedDevices.example.json'),
);
const GLPI = fs.readFileSync(path.join(fixtures, 'glpi', 'inventory-format-computer_1.json'));
const json = (document: unknown) => Buffer.from(JSON.stringify(document), 'utf8');

function importFile(
  api: ApiClient,
  clientId: string,
  body: Buffer,
  query: string,
  contentType = 'application/json',
) {
  return api.raw('POST', `/clients/${clientId}/imports${query}`, {
    body,
    headers: { 'content-type': contentType },
  });
}

function form(file: Buffer, filename: string, contentType?: string, extra: Record<string, string> = {}) {
  const boundary = `----vcio${Math.random().toString(16).slice(2)}`;
  const type = contentType ? `\r\nContent-Type: ${contentType}` : '';
  const chunks = [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"${type}\r\n\r\n`,
    ),
    file,
    Buffer.from('\r\n'),
  ];
  for (const [name, value] of Object.entries(extra)) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('importing JSON inventories (Intune through Microsoft Graph, GLPI)', () => {
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
      .orderBy('name')
      .execute();

  it('when the Graph example is dry-run, committed and committed again, then one device is created once with its enrolment date from import, then unchanged', async () => {
    const clientId = await createClient(tenant.api);
    const dryRun = await importFile(tenant.api, clientId, INTUNE, '?preset=intune-graph');
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({
      committed: false,
      preset: 'intune-graph',
      rows: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
      errorCount: 0,
      errors: [],
      file: { format: 'json', encoding: 'utf-8', delimiter: null, headerRow: null },
    });
    expect(dryRun.body.columns).toContainEqual({
      column: 'enrolledDateTime',
      header: 'enrolledDateTime',
      field: 'inServiceOn',
    });
    // The fixture names no chassis, a placeholder model and OS: the category is not guessed.
    expect(dryRun.body.warnings).toEqual([
      expect.objectContaining({ row: 1, message: expect.stringMatching(/imported as other/) }),
    ]);
    expect(await storedAssets(clientId)).toEqual([]);

    const committed = await importFile(tenant.api, clientId, INTUNE, '?preset=intune-graph&commit=true');
    expect(committed.status).toBe(200);
    expect(committed.body).toMatchObject({ committed: true, created: 1, updated: 0, unchanged: 0 });
    const [device] = await storedAssets(clientId);
    expect(device).toMatchObject({
      msp_id: tenant.mspId,
      name: 'Device Name value',
      category: 'other',
      serial_number: 'Serial Number value',
      manufacturer: 'Manufacturer value',
      model: 'Model value',
      operating_system: 'Operating System value Os Version value',
      assigned_to: 'User Principal Name value',
      // 2016-12-31T23:59:43.797191-08:00: the date where it was written, not the UTC 2017-01-01.
      in_service_on: '2016-12-31',
      in_service_on_source: 'import',
      purchased_on: null,
      external_source: 'intune',
      external_id: '705c034c-034c-705c-4c03-5c704c035c70',
    });

    const again = await importFile(tenant.api, clientId, INTUNE, '?preset=intune-graph&commit=true');
    expect(again.body).toMatchObject({
      committed: true,
      created: 0,
      updated: 0,
      unchanged: 1,
      errorCount: 0,
    });
    const [after] = await storedAssets(clientId);
    expect(after!.updated_at.toISOString()).toBe(device!.updated_at.toISOString());
  });

  it("when GLPI's example inventory is dry-run, committed and committed again, then the laptop is created once by deviceid, then unchanged", async () => {
    const clientId = await createClient(tenant.api);
    const dryRun = await importFile(tenant.api, clientId, GLPI, '?preset=glpi');
    expect(dryRun.body).toMatchObject({
      committed: false,
      preset: 'glpi',
      rows: 1,
      created: 1,
      errorCount: 0,
      warningCount: 0,
      file: { format: 'json' },
    });
    expect(await storedAssets(clientId)).toEqual([]);

    const committed = await importFile(tenant.api, clientId, GLPI, '?preset=glpi&commit=true');
    expect(committed.body).toMatchObject({ committed: true, created: 1 });
    expect(await storedAssets(clientId)).toEqual([
      expect.objectContaining({
        name: 'glpixps',
        category: 'laptop',
        serial_number: '640HP72',
        manufacturer: 'Dell Inc.',
        model: 'XPS 13 9350',
        operating_system: 'Fedora 31 (Workstation Edition)',
        assigned_to: 'trasher',
        in_service_on: null,
        purchased_on: null,
        external_source: 'glpi',
        external_id: 'glpixps-2018-07-09-09-07-13',
      }),
    ]);
    const again = await importFile(tenant.api, clientId, GLPI, '?preset=glpi&commit=true');
    expect(again.body).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 1 });
  });

  it('when Intune reports Windows builds, then the assets match the end-of-support catalogue by release', async () => {
    const clientId = await createClient(tenant.api);
    const devices = {
      value: [
        {
          id: 'w10',
          deviceName: 'FRONT-DESK',
          operatingSystem: 'Windows',
          osVersion: '10.0.19045.3803',
          chassisType: 'desktop',
          enrolledDateTime: '2023-04-03T09:12:44Z',
        },
        {
          id: 'w11',
          deviceName: 'LAPTOP-CFO',
          operatingSystem: 'Windows',
          osVersion: '10.0.22631.2861',
          chassisType: 'laptop',
          enrolledDateTime: '2024-01-15T16:20:11.1234567Z',
        },
        {
          id: 'never',
          deviceName: 'SPARE',
          operatingSystem: 'Windows',
          osVersion: '10.0.29999.1',
          enrolledDateTime: '0001-01-01T00:00:00Z',
        },
      ],
    };
    const committed = await importFile(
      tenant.api,
      clientId,
      json(devices),
      '?preset=intune-graph&commit=true',
    );
    expect(committed.body).toMatchObject({ committed: true, created: 3, errorCount: 0 });
    const listed = await tenant.api.get(`/clients/${clientId}/assets?asOf=2026-06-01`);
    const byName = Object.fromEntries(
      listed.body.items.map((asset: { name: string }) => [asset.name, asset]),
    );
    expect(byName['FRONT-DESK']).toMatchObject({
      category: 'desktop',
      operatingSystem: 'Windows 10 22H2 (10.0.19045.3803)',
      inServiceOn: '2023-04-03',
      dateSources: { inServiceOn: 'import' },
      lifecycle: { endOfSupportOn: '2025-10-14', endOfSupportSource: 'catalogue', osStatus: 'unsupported' },
    });
    expect(byName['LAPTOP-CFO']).toMatchObject({
      category: 'laptop',
      operatingSystem: 'Windows 11 23H2 (10.0.22631.2861)',
      inServiceOn: '2024-01-15',
      lifecycle: { osStatus: 'update_due', osUpdateTo: expect.stringMatching(/^Windows 11/) },
    });
    expect(byName.SPARE).toMatchObject({
      operatingSystem: 'Windows 10.0.29999.1',
      inServiceOn: null,
      dateSources: { inServiceOn: null },
      lifecycle: { osStatus: 'unknown' },
    });
  });

  it('when records are broken, then the dry run numbers each by record with its JSON field, and a commit is 422 with nothing written', async () => {
    const clientId = await createClient(tenant.api);
    const devices = json({
      value: [
        { id: 'a', deviceName: 'Fine' },
        { id: 'b', deviceName: 'Late', enrolledDateTime: '2024-13-01T00:00:00Z' },
        { id: 'c', deviceName: 'Typed', serialNumber: ['SN1'] },
      ],
    });
    const dryRun = await importFile(tenant.api, clientId, devices, '?preset=intune-graph');
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({ rows: 3, created: 1, errorCount: 2 });
    expect(dryRun.body.errors).toEqual([
      {
        row: 2,
        column: 'enrolledDateTime',
        value: '2024-13-01T00:00:00Z',
        message: expect.stringMatching(/no month 13/),
      },
      { row: 3, column: 'serialNumber', value: null, message: 'is a list, not text' },
    ]);

    const commit = await importFile(tenant.api, clientId, devices, '?preset=intune-graph&commit=true');
    expect(commit.status).toBe(422);
    expect(commit.body).toMatchObject({ code: 'import_rejected', committed: false, errorCount: 2 });
    expect(commit.body.errors[0].path).toBe('record 2, field enrolledDateTime');
    expect(await storedAssets(clientId)).toEqual([]);
  });

  it('when the JSON comes as the file of a form, then it is imported as a raw body is', async () => {
    const clientId = await createClient(tenant.api);
    for (const [filename, type] of [
      ['managedDevices.json', 'application/json'],
      ['managedDevices.json', undefined],
      ['export', 'application/octet-stream'],
    ] as const) {
      const upload = form(INTUNE, filename, type);
      const response = await importFile(
        tenant.api,
        clientId,
        upload.body,
        '?preset=intune-graph',
        upload.contentType,
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ created: 1, errorCount: 0, file: { format: 'json' } });
    }
    // A form field without a filename (curl -F 'file=<devices.json') is text; the preset decides.
    const boundary = '----vcioTextPart';
    const textPart = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n`),
      INTUNE,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const fromText = await importFile(
      tenant.api,
      clientId,
      textPart,
      '?preset=intune-graph',
      `multipart/form-data; boundary=${boundary}`,
    );
    expect(fromText.body).toMatchObject({ created: 1, errorCount: 0, file: { format: 'json' } });

    const glpi = form(GLPI, 'computer.json', 'application/json');
    const committed = await importFile(
      tenant.api,
      clientId,
      glpi.body,
      '?preset=glpi&commit=true',
      glpi.contentType,
    );
    expect(committed.body).toMatchObject({ committed: true, created: 1 });
  });

  it('when the file and the preset disagree or the JSON cannot be read, then the answer names the problem, never a 500', async () => {
    const clientId = await createClient(tenant.api);
    const csvPreset = await importFile(tenant.api, clientId, INTUNE, '?preset=snipe-it');
    expect(csvPreset.status).toBe(400);
    expect(csvPreset.body.errors).toEqual([
      { path: 'query.preset', message: expect.stringMatching(/reads CSV.*preset=intune-graph or glpi/) },
    ]);
    const defaultPreset = await importFile(tenant.api, clientId, INTUNE, '');
    expect(defaultPreset.status).toBe(400);
    expect(defaultPreset.body.errors[0].path).toBe('query.preset');

    const csvFile = await importFile(
      tenant.api,
      clientId,
      Buffer.from('Name,Asset Tag\nA,1\n'),
      '?preset=glpi',
      'text/csv',
    );
    expect(csvFile.status).toBe(400);
    expect(csvFile.body.errors).toEqual([
      { path: 'query.preset', message: expect.stringMatching(/reads JSON/) },
    ]);

    const mapped = form(INTUNE, 'devices.json', 'application/json', { mapping: '{"deviceName": "name"}' });
    const withMapping = await importFile(
      tenant.api,
      clientId,
      mapped.body,
      '?preset=intune-graph',
      mapped.contentType,
    );
    expect(withMapping.status).toBe(400);
    expect(withMapping.body.errors[0].path).toBe('body.mapping');

    const truncated = await importFile(
      tenant.api,
      clientId,
      Buffer.from('{"value": [{"id": "a"'),
      '?preset=intune-graph',
    );
    expect(truncated.status).toBe(200);
    expect(truncated.body).toMatchObject({ committed: false, rows: 0, errorCount: 1, file: null });
    expect(truncated.body.errors[0]).toMatchObject({
      row: null,
      message: expect.stringMatching(/not valid JSON/),
    });

    const wrongDocument = await importFile(tenant.api, clientId, GLPI, '?preset=intune-graph&commit=true');
    expect(wrongDocument.status).toBe(422);
    expect(wrongDocument.body.errors[0].message).toMatch(/not a Microsoft Graph managed device list/);

    const scalar = await importFile(tenant.api, clientId, Buffer.from('42'), '?preset=glpi');
    expect(scalar.body.errors[0].message).toMatch(/not a GLPI native inventory/);
    expect(await storedAssets(clientId)).toEqual([]);
  });

  it("when another MSP's client or a client outside a limited key is named, then a JSON import is a 404 and writes nothing", async () => {
    const other = await app.createTenant(unique('Other MSP'));
    const theirClient = await createClient(other.api);
    for (const query of ['?preset=intune-graph', '?preset=intune-graph&commit=true']) {
      const response = await importFile(tenant.api, theirClient, INTUNE, query);
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('not_found');
    }
    expect(await storedAssets(theirClient)).toEqual([]);

    const mine = await createClient(tenant.api);
    const elsewhere = await createClient(tenant.api);
    const limited = await clientLimitedApi(app.url, tenant.api, mine);
    expect((await importFile(limited, elsewhere, GLPI, '?preset=glpi&commit=true')).status).toBe(404);
    expect((await importFile(limited, mine, GLPI, '?preset=glpi&commit=true')).body).toMatchObject({
      committed: true,
      created: 1,
    });
    expect(await storedAssets(elsewhere)).toEqual([]);
  });

  it('when the API document is built, then the import takes JSON as well as CSV and names the JSON presets', async () => {
    const document = (await tenant.api.get('/api/v1/openapi.json')).body;
    const operation = document.paths['/clients/{clientId}/imports'].post;
    expect(Object.keys(operation.requestBody.content)).toEqual(
      expect.arrayContaining(['text/csv', 'application/json', 'multipart/form-data']),
    );
    expect(JSON.stringify(operation.requestBody.content['application/json'].schema)).toMatch(/deviceid/);
    const preset = operation.parameters.find((parameter: { name: string }) => parameter.name === 'preset');
    expect(preset.schema.enum).toEqual(['generic', 'snipe-it', 'intune-graph', 'glpi']);
  });
});
