import { sql } from 'kysely';
import { ASSET_FIELD_ENTRIES, ASSET_FIELDS, IMPORTABLE_FIELDS } from '../../src/assets/asset.fields.js';
import type { Database } from '../../src/db/database.js';
import { schemaColumns } from '../../src/db/schema.js';
import { readCsv } from '../../src/imports/csv.js';
import { planImport } from '../../src/imports/import-plan.js';
import { GENERIC_COLUMNS, IMPORT_FIELDS } from '../../src/imports/presets.js';
import { openTestDatabase } from '../support/test-database.js';

/**
 * The columns of `assets` that are not fields of an asset: its identity, tenant and timestamps, and the month-day
 * keys PostgreSQL derives from its dates for the portfolio's refresh query.
 */
const BOOKKEEPING_COLUMNS = [
  'id',
  'msp_id',
  'client_id',
  'created_at',
  'updated_at',
  'in_service_key',
  'end_of_support_key',
];

describe('the table of asset fields agrees with the database and the import', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it('when the migrated assets table is read from information_schema, then it has exactly the columns of the field table, with their SQL types', async () => {
    const { rows } = await sql<{ column_name: string; data_type: string }>`
      select column_name, data_type from information_schema.columns
      where table_schema = 'public' and table_name = 'assets' order by ordinal_position`.execute(database.db);
    const actual = Object.fromEntries(rows.map((row) => [row.column_name, row.data_type]));

    const expected: Record<string, string> = {};
    for (const [, spec] of ASSET_FIELD_ENTRIES) {
      expected[spec.column] = spec.sqlType;
      if ('sourceColumn' in spec) expected[spec.sourceColumn] = 'text';
    }
    const fieldColumns = Object.keys(actual).filter((column) => !BOOKKEEPING_COLUMNS.includes(column));
    expect(Object.fromEntries(fieldColumns.map((column) => [column, actual[column]]))).toEqual(expected);
    expect([...schemaColumns.assets].sort()).toEqual(Object.keys(actual).sort());
  });

  it('when the check constraints of the assets table are read, then each free-text field holds as many characters as the table says', async () => {
    const { rows } = await sql<{ definition: string }>`
      select pg_get_constraintdef(oid) as definition from pg_constraint
      where conrelid = 'public.assets'::regclass and contype = 'c'`.execute(database.db);
    const definitions = rows.map((row) => row.definition).join('\n');
    for (const [, spec] of ASSET_FIELD_ENTRIES) {
      if (!('maxLength' in spec)) continue;
      expect(definitions).toContain(`char_length(${spec.column}) <= ${spec.maxLength})`);
    }
  });

  it('when the import field list is compared with the table, then it is the importable fields plus warrantyMonths, each under its generic header', () => {
    expect(IMPORT_FIELDS.filter((field) => field !== 'warrantyMonths')).toEqual(IMPORTABLE_FIELDS);
    expect(IMPORT_FIELDS).toContain('warrantyMonths');
    expect(IMPORTABLE_FIELDS).not.toContain('externalSource');
    for (const [field, header] of GENERIC_COLUMNS) {
      if (field !== 'warrantyMonths') expect(ASSET_FIELDS[field].importHeader).toBe(header);
    }
  });

  it('when a generic file fills every column, then the import reads a value into every importable field', () => {
    const cells: Record<(typeof IMPORT_FIELDS)[number], string> = {
      name: 'Front desk PC',
      category: 'Desktop',
      manufacturer: 'Dell',
      model: 'OptiPlex 7010',
      serialNumber: 'SN-9',
      assetTag: 'T-9',
      location: 'HQ',
      assignedTo: 'Ann',
      operatingSystem: 'Windows 11 Pro',
      purchasedOn: '2023-01-02',
      inServiceOn: '2023-01-03',
      warrantyExpiresOn: '2026-01-02',
      warrantyMonths: '36',
      endOfSupportOn: '2030-01-01',
      purchaseCost: '900.00',
      replacementCost: '1000.00',
      lifecycleMonths: '48',
      status: 'In storage',
      notes: 'Spare',
      externalId: 'X-9',
    };
    const csv = [
      GENERIC_COLUMNS.map(([, header]) => header).join(','),
      GENERIC_COLUMNS.map(([field]) => cells[field]).join(','),
    ].join('\n');
    const plan = planImport(readCsv(Buffer.from(csv, 'utf8')), { preset: 'generic', currency: 'USD' });
    expect(plan.errors).toEqual([]);
    expect(Object.keys(plan.assets[0]!.values).sort()).toEqual([...IMPORTABLE_FIELDS].sort());
  });
});
