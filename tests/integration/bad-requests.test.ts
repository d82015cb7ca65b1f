import { sql } from 'kysely';
import {
  clientLimitedApi,
  createAsset,
  createClient,
  createInitiative,
  createRecurringCost,
} from '../support/planner-factories.js';
import { apiClient, startTestApp, type ApiClient, type TestApp, type Tenant } from '../support/test-app.js';

/**
 * Bad input of every kind gets the right 4xx problem+json naming the field, never a 500, and writes nothing.
 */

interface Fixtures {
  clientId: string;
  assetId: string;
  initiativeId: string;
  recurringCostId: string;
}

type Caller = 'admin' | 'read' | 'limited' | 'revoked' | 'none' | 'garbage' | 'basic';

interface BadRequest {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: (f: Fixtures) => string;
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  raw?: string | Buffer;
  contentType?: string;
  caller?: Caller;
  status: number;
  code?: string;
  /** The field the answer must name. */
  field?: string;
}

const assets = (f: Fixtures) => `/clients/${f.clientId}/assets`;
const asset = (f: Fixtures) => `/clients/${f.clientId}/assets/${f.assetId}`;
const sync = (f: Fixtures) => `/clients/${f.clientId}/assets/sync`;
const costs = (f: Fixtures) => `/clients/${f.clientId}/recurring-costs`;
const cost = (f: Fixtures) => `/clients/${f.clientId}/recurring-costs/${f.recurringCostId}`;
const initiatives = (f: Fixtures) => `/clients/${f.clientId}/initiatives`;
const decisions = (f: Fixtures) => `/clients/${f.clientId}/initiatives/${f.initiativeId}/decisions`;
const laptop = { name: 'Laptop', category: 'laptop' };
const validCost = { name: 'Backup', amount: 1000, interval: 'month', startsOn: '2026-01-01' };
const twoMegabytes = 'x'.repeat(2 * 1024 * 1024);
const syncRow = (index: number) => ({ externalId: `id-${index}`, name: `PC ${index}`, category: 'desktop' });
const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

const cases: BadRequest[] = [
  // The body is not JSON, or not an object.
  {
    name: 'malformed JSON',
    method: 'POST',
    path: assets,
    raw: '{"name": "PC", ',
    status: 400,
    code: 'malformed_json',
    field: 'body',
  },
  {
    name: 'JSON with a trailing comma',
    method: 'POST',
    path: assets,
    raw: '{"name":"PC","category":"laptop",}',
    status: 400,
    code: 'malformed_json',
    field: 'body',
  },
  {
    name: 'an array instead of an object',
    method: 'POST',
    path: assets,
    body: [laptop],
    status: 400,
    field: 'body',
  },
  {
    name: 'a bare string as the body',
    method: 'POST',
    path: assets,
    body: 'laptop',
    status: 400,
    field: 'body',
  },
  { name: 'null as the body', method: 'POST', path: assets, raw: 'null', status: 400, field: 'body' },
  { name: 'an empty body', method: 'POST', path: assets, raw: '', status: 400, field: 'body.name' },
  // Wrong types and shapes.
  {
    name: 'a number for a name',
    method: 'POST',
    path: assets,
    body: { ...laptop, name: 42 },
    status: 400,
    field: 'body.name',
  },
  {
    name: 'a missing name',
    method: 'POST',
    path: assets,
    body: { category: 'laptop' },
    status: 400,
    field: 'body.name',
  },
  {
    name: 'a name of spaces only',
    method: 'POST',
    path: assets,
    body: { ...laptop, name: '   ' },
    status: 400,
    field: 'body.name',
  },
  {
    name: 'a name one character too long',
    method: 'POST',
    path: assets,
    body: { ...laptop, name: 'n'.repeat(301) },
    status: 400,
    field: 'body.name',
  },
  {
    name: 'a NUL character in text',
    method: 'POST',
    path: assets,
    body: { ...laptop, name: 'PC\u0000' },
    status: 400,
    field: 'body.name',
  },
  {
    name: 'bytes that are not UTF-8 in text',
    method: 'POST',
    path: assets,
    raw: Buffer.concat([
      Buffer.from('{"name":"PC'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","category":"laptop"}'),
    ]),
    status: 400,
    field: 'body.name',
  },
  {
    name: 'a lone surrogate in text',
    method: 'POST',
    path: assets,
    raw: '{"name":"PC\\ud800","category":"laptop"}',
    status: 400,
    field: 'body.name',
  },
  {
    name: 'a NUL character in a search',
    method: 'GET',
    path: (f) => `${assets(f)}?q=PC%00`,
    status: 400,
    field: 'query.q',
  },
  {
    name: 'an unknown category',
    method: 'POST',
    path: assets,
    body: { ...laptop, category: 'toaster' },
    status: 400,
    field: 'body.category',
  },
  {
    name: 'an unknown status',
    method: 'POST',
    path: assets,
    body: { ...laptop, status: 'stolen' },
    status: 400,
    field: 'body.status',
  },
  {
    name: 'an unknown field',
    method: 'POST',
    path: assets,
    body: { ...laptop, colour: 'red' },
    status: 400,
    field: 'body.colour',
  },
  {
    name: 'an id in a change',
    method: 'PATCH',
    path: asset,
    body: { id: '00000000-0000-4000-8000-000000000000' },
    status: 400,
    field: 'body.id',
  },
  {
    name: 'an external source without an external id',
    method: 'POST',
    path: assets,
    body: { ...laptop, externalSource: 'rmm' },
    status: 400,
    field: 'body.externalId',
  },
  // Dates.
  {
    name: 'an impossible date (2023-02-30)',
    method: 'POST',
    path: assets,
    body: { ...laptop, purchasedOn: '2023-02-30' },
    status: 400,
    field: 'body.purchasedOn',
  },
  {
    name: 'month 13',
    method: 'POST',
    path: assets,
    body: { ...laptop, purchasedOn: '2023-13-01' },
    status: 400,
    field: 'body.purchasedOn',
  },
  {
    name: 'February 29 of a common year',
    method: 'PATCH',
    path: asset,
    body: { warrantyExpiresOn: '2023-02-29' },
    status: 400,
    field: 'body.warrantyExpiresOn',
  },
  {
    name: 'a date without leading zeros',
    method: 'POST',
    path: assets,
    body: { ...laptop, inServiceOn: '2023-1-5' },
    status: 400,
    field: 'body.inServiceOn',
  },
  {
    name: 'a date before 1900',
    method: 'POST',
    path: assets,
    body: { ...laptop, purchasedOn: '1899-12-31' },
    status: 400,
    field: 'body.purchasedOn',
  },
  {
    name: 'a date as a number',
    method: 'POST',
    path: assets,
    body: { ...laptop, inServiceOn: 20230101 },
    status: 400,
    field: 'body.inServiceOn',
  },
  {
    name: 'a timestamp for a date',
    method: 'POST',
    path: assets,
    body: { ...laptop, purchasedOn: '2023-01-01T00:00:00Z' },
    status: 400,
    field: 'body.purchasedOn',
  },
  // Money and numbers.
  {
    name: 'negative money',
    method: 'POST',
    path: assets,
    body: { ...laptop, purchaseCost: -1 },
    status: 400,
    field: 'body.purchaseCost',
  },
  {
    name: 'fractional cents',
    method: 'POST',
    path: assets,
    body: { ...laptop, purchaseCost: 19.99 },
    status: 400,
    field: 'body.purchaseCost',
  },
  {
    name: 'money as a string',
    method: 'POST',
    path: assets,
    body: { ...laptop, purchaseCost: '100' },
    status: 400,
    field: 'body.purchaseCost',
  },
  {
    name: 'a huge amount',
    method: 'POST',
    path: assets,
    body: { ...laptop, purchaseCost: 1e20 },
    status: 400,
    field: 'body.purchaseCost',
  },
  {
    name: 'an amount beyond the safe integers',
    method: 'POST',
    path: assets,
    raw: '{"name":"PC","category":"laptop","replacementCost":9007199254740993}',
    status: 400,
    field: 'body.replacementCost',
  },
  {
    name: 'a number that overflows to Infinity',
    method: 'POST',
    path: assets,
    raw: '{"name":"PC","category":"laptop","purchaseCost":1e400}',
    status: 400,
    field: 'body.purchaseCost',
  },
  {
    name: 'zero lifecycle months',
    method: 'POST',
    path: assets,
    body: { ...laptop, lifecycleMonths: 0 },
    status: 400,
    field: 'body.lifecycleMonths',
  },
  {
    name: '601 lifecycle months',
    method: 'PATCH',
    path: asset,
    body: { lifecycleMonths: 601 },
    status: 400,
    field: 'body.lifecycleMonths',
  },
  // Sync.
  {
    name: 'sync assets that are not a list',
    method: 'POST',
    path: sync,
    body: { externalSource: 'rmm', assets: {} },
    status: 400,
    field: 'body.assets',
  },
  {
    name: 'sync without a source',
    method: 'POST',
    path: sync,
    body: { assets: [syncRow(1)] },
    status: 400,
    field: 'body.externalSource',
  },
  {
    name: 'sync with retireMissing as text',
    method: 'POST',
    path: sync,
    body: { externalSource: 'rmm', retireMissing: 'yes', assets: [] },
    status: 400,
    field: 'body.retireMissing',
  },
  {
    name: 'sync of 5001 assets',
    method: 'POST',
    path: sync,
    body: { externalSource: 'rmm', assets: Array.from({ length: 5001 }, (_, i) => syncRow(i)) },
    status: 400,
    field: 'body.assets',
  },
  {
    name: 'sync repeating an external id',
    method: 'POST',
    path: sync,
    body: { externalSource: 'rmm', assets: [syncRow(1), syncRow(1)] },
    status: 400,
    field: 'body.assets[1].externalId',
  },
  {
    name: 'sync with a 2 MB name',
    method: 'POST',
    path: sync,
    body: { externalSource: 'rmm', assets: [{ ...syncRow(1), name: twoMegabytes }] },
    status: 400,
    field: 'body.assets[0].name',
  },
  {
    name: 'sync with an impossible date deep in the list',
    method: 'POST',
    path: sync,
    body: {
      externalSource: 'rmm',
      assets: [syncRow(1), syncRow(2), { ...syncRow(3), warrantyExpiresOn: '2024-04-31' }],
    },
    status: 400,
    field: 'body.assets[2].warrantyExpiresOn',
  },
  // Size and media type.
  {
    name: 'a 2 MB string on a 1 MiB route',
    method: 'POST',
    path: assets,
    body: { ...laptop, notes: twoMegabytes },
    status: 413,
    code: 'payload_too_large',
    field: 'body',
  },
  {
    name: 'a sync body over its 16 MiB limit',
    method: 'POST',
    path: sync,
    raw: JSON.stringify({
      externalSource: 'rmm',
      assets: [{ ...syncRow(1), notes: 'x'.repeat(17 * 1024 * 1024) }],
    }),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'text/plain instead of JSON',
    method: 'POST',
    path: assets,
    raw: JSON.stringify(laptop),
    contentType: 'text/plain',
    status: 415,
    field: 'header.content-type',
  },
  {
    name: 'a form instead of JSON',
    method: 'POST',
    path: assets,
    raw: 'name=PC&category=laptop',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    field: 'header.content-type',
  },
  {
    name: 'CSV to a JSON route',
    method: 'POST',
    path: costs,
    raw: 'name,amount\nBackup,1000\n',
    contentType: 'text/csv',
    status: 415,
    field: 'header.content-type',
  },
  {
    name: 'JSON in an unsupported charset',
    method: 'POST',
    path: assets,
    raw: JSON.stringify(laptop),
    contentType: 'application/json; charset=latin-9',
    status: 415,
  },
  // Keys and scopes.
  { name: 'no key', method: 'GET', path: assets, caller: 'none', status: 401, code: 'unauthorized' },
  {
    name: 'a key that was never issued',
    method: 'GET',
    path: assets,
    caller: 'garbage',
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'a revoked key',
    method: 'GET',
    path: assets,
    caller: 'revoked',
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'Basic instead of Bearer',
    method: 'POST',
    path: assets,
    body: laptop,
    caller: 'basic',
    status: 401,
    code: 'unauthorized',
  },
  {
    name: 'a read key writing',
    method: 'POST',
    path: assets,
    body: laptop,
    caller: 'read',
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'a read key deleting a client',
    method: 'DELETE',
    path: (f) => `/clients/${f.clientId}`,
    caller: 'read',
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'a client-limited key renaming its client',
    method: 'PATCH',
    path: (f) => `/clients/${f.clientId}`,
    body: { name: 'Renamed by the portal' },
    caller: 'limited',
    status: 403,
    code: 'forbidden',
    field: 'body.name',
  },
  {
    name: 'a client-limited key on the MSP policies',
    method: 'PUT',
    path: () => '/lifecycle-policies/laptop',
    body: { lifecycleMonths: 12 },
    caller: 'limited',
    status: 403,
    code: 'forbidden',
  },
  // Recurring costs.
  {
    name: 'a cost that ends before it starts',
    method: 'POST',
    path: costs,
    body: { ...validCost, endsOn: '2025-12-31' },
    status: 400,
    field: 'body.endsOn',
  },
  {
    name: 'a change that ends a cost before it starts',
    method: 'PATCH',
    path: cost,
    body: { endsOn: '2000-01-01' },
    status: 400,
    field: 'body.endsOn',
  },
  {
    name: 'a weekly interval',
    method: 'POST',
    path: costs,
    body: { ...validCost, interval: 'week' },
    status: 400,
    field: 'body.interval',
  },
  {
    name: 'zero seats',
    method: 'POST',
    path: costs,
    body: { ...validCost, quantity: 0 },
    status: 400,
    field: 'body.quantity',
  },
  {
    name: 'a cost without an amount',
    method: 'POST',
    path: costs,
    body: { name: 'Backup', interval: 'month', startsOn: '2026-01-01' },
    status: 400,
    field: 'body.amount',
  },
  {
    name: 'escalation above 100%',
    method: 'POST',
    path: costs,
    body: { ...validCost, annualEscalationBps: 10_001 },
    status: 400,
    field: 'body.annualEscalationBps',
  },
  // Initiatives and decisions.
  {
    name: 'a linked asset id that is not a UUID',
    method: 'POST',
    path: initiatives,
    body: { title: 'X', assetIds: ['not-a-uuid'] },
    status: 400,
    field: 'body.assetIds[0]',
  },
  {
    name: 'a linked asset that does not exist',
    method: 'POST',
    path: initiatives,
    body: { title: 'X', assetIds: ['00000000-0000-4000-8000-000000000000'] },
    status: 400,
    field: 'body.assetIds[0]',
  },
  {
    name: 'an unknown priority',
    method: 'POST',
    path: initiatives,
    body: { title: 'X', priority: 'urgent' },
    status: 400,
    field: 'body.priority',
  },
  {
    name: 'negative opex months',
    method: 'POST',
    path: initiatives,
    body: { title: 'X', opexMonths: -1 },
    status: 400,
    field: 'body.opexMonths',
  },
  {
    name: 'a decision of maybe',
    method: 'POST',
    path: decisions,
    body: { decision: 'maybe', decidedBy: 'CFO' },
    status: 400,
    field: 'body.decision',
  },
  {
    name: 'a decision without who decided',
    method: 'POST',
    path: decisions,
    body: { decision: 'approved' },
    status: 400,
    field: 'body.decidedBy',
  },
  {
    name: 'a decision note that is too long',
    method: 'POST',
    path: decisions,
    body: { decision: 'approved', decidedBy: 'CFO', note: 'n'.repeat(5001) },
    status: 400,
    field: 'body.note',
  },
  // Policies and clients.
  {
    name: 'negative policy months',
    method: 'PUT',
    path: (f) => `/clients/${f.clientId}/lifecycle-policies/server`,
    body: { lifecycleMonths: -1 },
    status: 400,
    field: 'body.lifecycleMonths',
  },
  {
    name: 'a due-soon window of 11 years',
    method: 'PUT',
    path: () => '/lifecycle-policies/server',
    body: { dueSoonDays: 4000 },
    status: 400,
    field: 'body.dueSoonDays',
  },
  {
    name: 'a negative policy replacement cost',
    method: 'PUT',
    path: () => '/lifecycle-policies/server',
    body: { replacementCost: -5 },
    status: 400,
    field: 'body.replacementCost',
  },
  {
    name: 'a policy for a category that does not exist',
    method: 'PUT',
    path: () => '/lifecycle-policies/toaster',
    body: { lifecycleMonths: 12 },
    status: 404,
  },
  {
    name: 'fiscal year starting in month 13',
    method: 'PATCH',
    path: (f) => `/clients/${f.clientId}`,
    body: { fiscalYearStartMonth: 13 },
    status: 400,
    field: 'body.fiscalYearStartMonth',
  },
  {
    name: 'a lower-case currency',
    method: 'POST',
    path: () => '/clients',
    body: { name: 'Lower', currency: 'usd' },
    status: 400,
    field: 'body.currency',
  },
  // Queries and paths.
  { name: 'limit 0', method: 'GET', path: (f) => `${assets(f)}?limit=0`, status: 400, field: 'query.limit' },
  {
    name: 'limit 501',
    method: 'GET',
    path: (f) => `${assets(f)}?limit=501`,
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'a limit that is not a number',
    method: 'GET',
    path: (f) => `${costs(f)}?limit=ten`,
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'an unknown lifecycle status',
    method: 'GET',
    path: (f) => `${assets(f)}?lifecycleStatus=soon`,
    status: 400,
    field: 'query.lifecycleStatus',
  },
  {
    name: 'an impossible asOf',
    method: 'GET',
    path: (f) => `${asset(f)}?asOf=2023-02-30`,
    status: 400,
    field: 'query.asOf',
  },
  {
    name: 'an unknown query parameter',
    method: 'GET',
    path: (f) => `${assets(f)}?colour=red`,
    status: 400,
    field: 'query.colour',
  },
  {
    name: 'a cursor that is not base64 JSON',
    method: 'GET',
    path: (f) => `${assets(f)}?cursor=%27%3B--`,
    status: 400,
    field: 'query.cursor',
  },
  {
    name: 'a forged cursor with a bad id',
    method: 'GET',
    path: (f) => `${assets(f)}?cursor=${cursorOf(['a', "' or 1=1"])}`,
    status: 400,
    field: 'query.cursor',
  },
  {
    name: 'a forged cursor with a bad date',
    method: 'GET',
    path: (f) =>
      `${initiatives(f)}?cursor=${cursorOf(['2023-02-30', '00000000-0000-4000-8000-000000000000'])}`,
    status: 400,
    field: 'query.cursor',
  },
  {
    name: 'an asset id that is not a UUID',
    method: 'GET',
    path: (f) => `/clients/${f.clientId}/assets/1%20or%201=1`,
    status: 404,
  },
  { name: 'a method the path does not have', method: 'PUT', path: asset, body: laptop, status: 405 },
];

describe('bad requests', () => {
  let app: TestApp;
  let tenant: Tenant;
  let fixtures: Fixtures;
  const callers = {} as Record<Caller, ApiClient>;

  async function rowCounts(): Promise<Record<string, number>> {
    const tables = [
      'msps',
      'clients',
      'api_keys',
      'lifecycle_policies',
      'assets',
      'recurring_costs',
      'initiatives',
      'initiative_assets',
      'decisions',
    ];
    const { rows } = await sql<Record<string, string | number>>`select ${sql.join(
      tables.map((table) => sql`(select count(*) from ${sql.table(table)}) as ${sql.ref(table)}`),
    )}`.execute(app.database.db);
    return Object.fromEntries(Object.entries(rows[0]!).map(([table, count]) => [table, Number(count)]));
  }

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
    const clientId = await createClient(tenant.api);
    fixtures = {
      clientId,
      assetId: (await createAsset(tenant.api, clientId)).id,
      initiativeId: (await createInitiative(tenant.api, clientId)).id,
      recurringCostId: (await createRecurringCost(tenant.api, clientId, { startsOn: '2026-01-01' })).id,
    };
    const read = await tenant.api.post('/api-keys', { name: 'Reader', scope: 'read' });
    const revoked = await tenant.api.post('/api-keys', { name: 'Revoked', scope: 'write' });
    await tenant.api.delete(`/api-keys/${revoked.body.id}`);
    callers.admin = tenant.api;
    callers.read = apiClient(app.url, read.body.key);
    callers.revoked = apiClient(app.url, revoked.body.key);
    callers.limited = await clientLimitedApi(app.url, tenant.api, clientId, 'write');
    callers.none = apiClient(app.url, undefined);
    callers.garbage = apiClient(app.url, `vcio_${'A'.repeat(43)}`);
    callers.basic = apiClient(app.url, undefined);
  });
  afterAll(() => app.close());

  it('when the table is counted, then it covers at least forty kinds of bad request', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((testCase) => [testCase.name, testCase] as const))(
    'when a request has %s, then it gets the right 4xx and nothing is written',
    async (_name, testCase) => {
      const before = await rowCounts();
      const caller = callers[testCase.caller ?? 'admin'];
      const hasBody = testCase.raw !== undefined || testCase.body !== undefined;
      const headers: Record<string, string> = hasBody
        ? { 'content-type': testCase.contentType ?? 'application/json' }
        : {};
      if (testCase.caller === 'basic') headers.authorization = 'Basic YWRtaW46YWRtaW4=';
      const response = await caller.raw(testCase.method, testCase.path(fixtures), {
        ...(hasBody ? { body: testCase.raw ?? JSON.stringify(testCase.body) } : {}),
        headers,
      });

      expect({
        status: response.status,
        text: response.status === testCase.status ? '' : response.text.slice(0, 400),
      }).toEqual({
        status: testCase.status,
        text: '',
      });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        status: testCase.status,
        title: expect.any(String),
        detail: expect.any(String),
      });
      if (testCase.code) expect(response.body.code).toBe(testCase.code);
      if (testCase.field) {
        expect(response.body.errors?.map((error: { path: string }) => error.path)).toContain(testCase.field);
      }
      expect(await rowCounts()).toEqual(before);
    },
  );

  it('when text carries SQL, HTML and unicode meta-characters, then it is stored and searched literally', async () => {
    const clientId = await createClient(tenant.api);
    const names = [
      "Robert'); DROP TABLE assets;--",
      '<script>alert("x")</script> &amp; <img src=x onerror=alert(1)>',
      'Ünïcödé 日本語 עברית 🖥️ e\u0301 \u202Eevil',
      '100% _match_ \\ back\\slash',
      '${process.env.SECRET} {{name}} `id`',
    ];
    for (const name of names) {
      const created = await tenant.api.post(`/clients/${clientId}/assets`, {
        name,
        category: 'other',
        notes: name,
        serialNumber: name.slice(0, 200),
      });
      expect(created.status).toBe(201);
      expect(created.body.name).toBe(name);
      expect((await tenant.api.get(`/clients/${clientId}/assets/${created.body.id}`)).body.notes).toBe(name);
    }
    const search = async (q: string) =>
      (await tenant.api.get(`/clients/${clientId}/assets?q=${encodeURIComponent(q)}`)).body.items.map(
        (item: { name: string }) => item.name,
      );
    expect(await search("'); DROP")).toEqual([names[0]]);
    expect(await search('<script>')).toEqual([names[1]]);
    expect(await search('日本語')).toEqual([names[2]]);
    expect(await search('100%')).toEqual([names[3]]);
    expect(await search('_match_')).toEqual([names[3]]);
    expect(await search('\\ back')).toEqual([names[3]]);
    expect(await search('%')).toEqual([names[3]]);
    expect(await search('{{name}}')).toEqual([names[4]]);
    const cost = await tenant.api.post(`/clients/${clientId}/recurring-costs`, {
      ...validCost,
      vendor: "' OR 1=1 --",
    });
    expect(cost.body.vendor).toBe("' OR 1=1 --");
    expect((await tenant.api.get(`/clients/${clientId}/assets`)).body.items).toHaveLength(names.length);
  });
});
