import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssetFields } from '../../../src/assets/asset.fields.js';
import { readCsv } from '../../../src/imports/csv.js';
import {
  planImport,
  reconcile,
  type AssetWrite,
  type ExistingAsset,
  type ImportPlan,
  type PlanOptions,
} from '../../../src/imports/import-plan.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'snipe-it');
const fixturePlan = (name: string, options: Partial<PlanOptions> = {}) =>
  planImport(readCsv(fs.readFileSync(path.join(fixtures, name))), {
    preset: 'snipe-it',
    currency: 'USD',
    ...options,
  });
const csvPlan = (text: string, options: Partial<PlanOptions> = {}) =>
  planImport(readCsv(Buffer.from(text, 'utf8')), { preset: 'generic', currency: 'USD', ...options });

/** The client's assets after a commit of `writes`, as the next import would find them. */
const stored = (writes: readonly AssetWrite[]): ExistingAsset[] =>
  writes.map((write, index) => ({
    id: `asset-${index}`,
    fields: { ...write.fields },
    dateSources: { ...write.dateSources },
  }));

const assetAt = (plan: ImportPlan, row: number) => plan.assets.find((asset) => asset.row === row);

describe('planning the Snipe-IT sample exports', () => {
  it('when assets-sample.csv is read with the snipe-it preset, then all 22 rows become assets with exact values', () => {
    const plan = fixturePlan('assets-sample.csv');
    expect(plan.errors).toEqual([]);
    expect(plan.rows).toBe(22);
    expect(plan.assets).toHaveLength(22);
    expect(assetAt(plan, 2)).toEqual({
      row: 2,
      identity: { kind: 'assetTag', value: 'ICC-2065556', column: 'Asset Tag' },
      values: {
        name: 'Backhoe',
        manufacturer: 'Berge Inc',
        model: 'Macbook Pro 13"',
        assetTag: 'ICC-2065556',
        location: 'Wilkinson, Waters and Kerluke',
        notes:
          'at nulla suspendisse potenti cras in purus eu magna vulputate luctus cum sociis natoque penatibus et magnis dis',
        purchasedOn: '2023-01-23',
        endOfSupportOn: '2028-10-27',
        purchaseCost: 226613,
        category: 'other',
      },
      fallbackName: 'Berge Inc Macbook Pro 13"',
    });
    // Checked out to a user (first + last name) or to a location.
    expect(assetAt(plan, 3)!.values.assignedTo).toBe('Gage McCrackem');
    expect(assetAt(plan, 4)!.values.assignedTo).toBe('Pacocha-Kiehn');
    expect(assetAt(plan, 12)!.values.endOfSupportOn).toBeUndefined();
  });

  it('when assets-sample.csv is planned, then the warnings name the unknown categories, the unmapped columns and the many companies', () => {
    const plan = fixturePlan('assets-sample.csv');
    const messages = plan.warnings.map((warning) => warning.message);
    expect(messages).toContain(
      'These columns are not imported: Company, Supplier, Order Number, Model Notes, Model Number, Checkout Type',
    );
    expect(messages.some((message) => /^The file holds assets of 22 companies/.test(message))).toBe(true);
    expect(plan.warnings).toContainEqual({
      row: 2,
      column: 'Category',
      value: 'Ornamental Railings',
      message: 'is not a category we know; imported as other',
      count: 2,
    });
  });

  it('when assets-sample-BAD.csv (Windows-1252, CR line ends, repeated headers) is planned, then all 200 rows import', () => {
    const plan = fixturePlan('assets-sample-BAD.csv');
    expect(plan.errors).toEqual([]);
    expect(plan.assets).toHaveLength(200);
    expect(plan.warnings[0]).toMatchObject({
      row: null,
      message: expect.stringMatching(/read as Windows-1252/),
    });
    expect(assetAt(plan, 2)!.values).toEqual({
      name: 'eget nunc donec quis',
      manufacturer: 'Linkbridge',
      model: 'massa id',
      serialNumber: '27aa8378-b0f4-4289-84a4-405da95c6147',
      assetTag: '970882174-8',
      location: 'Daping',
      assignedTo: 'Bonnie Nelson',
      notes:
        'Curabitur in libero ut massa volutpat convallis. Morbi odio odio, elementum eu, interdum eu, tincidunt in, leo. Maecenas pulvinar lobortis est.',
      purchasedOn: '2016-04-05',
      purchaseCost: 13328959,
      warrantyExpiresOn: '2017-06-05',
      category: 'other',
      status: 'retired',
    });
    expect(assetAt(plan, 32)!.values.location).toBe('Saint-Ìätienne');
    // 1/31/16 + 20 months of warranty: September has 30 days.
    expect(assetAt(plan, 90)!.values).toMatchObject({
      purchasedOn: '2016-01-31',
      warrantyExpiresOn: '2017-09-30',
    });
    // A blank Purchase Cost stays absent rather than 0.
    expect(assetAt(plan, 5)!.values.purchaseCost).toBeUndefined();
  });

  it("when assets-sample-BAD.csv's Snipe-IT statuses are mapped, then checked-out deployables are active and the rest follow their label", () => {
    const creates = reconcile(fixturePlan('assets-sample-BAD.csv'), []).creates;
    const byStatus: Record<string, number> = {};
    for (const { fields } of creates) byStatus[fields.status] = (byStatus[fields.status] ?? 0) + 1;
    // Archived 39 + Undeployable 32 retired; Lost 37 disposed; Pending Diagnostics 36 in storage;
    // Ready to Deploy 28 (all checked out) + blank 28 active.
    expect(byStatus).toEqual({ retired: 71, disposed: 37, in_storage: 36, active: 56 });
  });

  it('when assets-sample-BLANKS.csv (the same export with blank columns) is planned, then it gives exactly the assets of the BAD file', () => {
    const bad = fixturePlan('assets-sample-BAD.csv');
    const blanks = fixturePlan('assets-sample-BLANKS.csv');
    expect(blanks.errors).toEqual([]);
    expect(blanks.assets).toEqual(bad.assets);
    expect(blanks.columns.filter((column) => column.header === '').map((column) => column.column)).toEqual([
      'E',
      'I',
      'N',
    ]);
  });

  it('when the licence export is given to the snipe-it asset preset, then the file is rejected at its header with a clear reason', () => {
    const plan = fixturePlan('licenses-sample.csv');
    expect(plan.assets).toEqual([]);
    expect(plan.errors).toEqual([
      {
        row: 1,
        column: null,
        value: null,
        message: expect.stringMatching(/needs an "Asset Tag" column.*Snipe-IT licence export/),
      },
    ]);
  });

  it('when the licence export is given to the generic preset, then it is rejected too: it has no Name column', () => {
    const plan = fixturePlan('licenses-sample.csv', { preset: 'generic' });
    expect(plan.assets).toEqual([]);
    expect(plan.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(
        /^The generic preset needs a "Name" column; this looks like a Snipe-IT licence export/,
      ),
    ]);
  });
});

const HEADER =
  'Name,Category,Asset Tag,Serial Number,Purchased On,Purchase Cost,Warranty Months,Warranty Expires On,Status\n';

describe('planning rows', () => {
  it('when cells are wrong, then each is a row error with the spreadsheet row, the column and the value, and other rows still plan', () => {
    const plan = csvPlan(
      HEADER +
        'Front desk PC,Desktop,A-1,,2/30/23,$1.200,,,\n' +
        'Server,Servers,A-2,,1/15/23,"$4,500.00",,,\n' +
        'Laptop,Laptop,A-3,,1/15/2023,twelve,x,,\n',
    );
    expect(plan.errors).toEqual([
      {
        row: 2,
        column: 'Purchased On',
        value: '2/30/23',
        message: 'is not a real calendar date: February 2023 has 28 days',
      },
      {
        row: 4,
        column: 'Purchase Cost',
        value: 'twelve',
        message: 'is not an amount of money (e.g. 1234.56 or $1,234.56)',
      },
      { row: 4, column: 'Warranty Months', value: 'x', message: 'is not a whole number of months' },
    ]);
    expect(plan.assets.map((asset) => asset.row)).toEqual([3]);
    expect(plan.assets[0]!.values).toMatchObject({
      category: 'server',
      purchasedOn: '2023-01-15',
      purchaseCost: 450000,
    });
  });

  it('when the same asset tag appears twice, then the later row is an error that points at the first', () => {
    const plan = csvPlan(HEADER + 'A,Desktop,T-1,,,,,,\nB,Desktop,T-2,,,,,,\nC,Desktop,T-1,,,,,,\n');
    expect(plan.errors).toEqual([
      {
        row: 4,
        column: 'Asset Tag',
        value: 'T-1',
        message: 'is also in row 2; each asset may appear only once in a file',
      },
    ]);
  });

  it('when a row has no asset tag, serial or external id, then it is an error: a re-import could not find it', () => {
    const plan = csvPlan(HEADER + 'A,Desktop,,,,,,,\nB,Desktop,,SN-9,,,,,\n');
    expect(plan.errors).toEqual([
      {
        row: 2,
        column: null,
        value: null,
        message:
          'has no "Asset Tag" or "Serial Number": without one a later import could not recognise the asset',
      },
    ]);
    expect(plan.assets[0]!.identity).toEqual({
      kind: 'serialNumber',
      value: 'SN-9',
      column: 'Serial Number',
    });
  });

  it('when the file maps an external id, then it identifies the asset before the tag, under the import source', () => {
    const plan = csvPlan('Name,External Id,Asset Tag\nA,ninja-1,T-1\nB,,T-2\n', {
      externalSource: 'ninjaone',
    });
    expect(plan.externalSource).toBe('ninjaone');
    expect(plan.assets.map((asset) => asset.identity.kind)).toEqual(['externalId', 'assetTag']);
    expect(csvPlan('Name,External Id\nA,x-1\n').externalSource).toBe('import:generic');
  });

  it('when a row has more cells than the header and the extra ones are not empty, then the columns are shifted: an error', () => {
    const plan = csvPlan('Name,Asset Tag\nA,T-1,\nB,T-2,oops\n');
    expect(plan.assets.map((asset) => asset.row)).toEqual([2]);
    expect(plan.errors).toEqual([
      {
        row: 3,
        column: null,
        value: 'oops',
        message: 'has 3 cells but the header has 2; a value with an unquoted comma shifts the columns',
      },
    ]);
  });

  it('when a row is shorter than the header, then the missing cells are blank', () => {
    const plan = csvPlan(HEADER + 'A,Desktop,T-1\n');
    expect(plan.errors).toEqual([]);
    expect(plan.assets[0]!.values).toEqual({ name: 'A', category: 'desktop', assetTag: 'T-1' });
  });

  it('when a repeated column disagrees with its twin, then the row is an error', () => {
    const plan = csvPlan(
      'Name,Asset Tag,Category,Category\nA,T-1,Laptop,Laptop\nB,T-2,Laptop,Server\nC,T-3,,Server\n',
    );
    expect(plan.errors).toEqual([
      {
        row: 3,
        column: 'Category',
        value: 'Server',
        message:
          'disagrees with the other "Category" column (Category says "Laptop"); the file has this column twice',
      },
    ]);
    expect(assetAt(plan, 4)!.values.category).toBe('server');
  });

  it('when warranty months come without a purchase date, then the warranty end stays empty with a warning; an explicit end date wins', () => {
    const plan = csvPlan(
      HEADER + 'A,Desktop,T-1,,,,36,,\nB,Desktop,T-2,,1/31/23,,1,,\nC,Desktop,T-3,,1/31/23,,36,2024-06-30,\n',
    );
    expect(assetAt(plan, 2)!.values.warrantyExpiresOn).toBeUndefined();
    expect(plan.warnings).toContainEqual(
      expect.objectContaining({
        row: 2,
        column: 'Warranty Months',
        value: '36',
        message: expect.stringMatching(/no purchase date/),
      }),
    );
    expect(assetAt(plan, 3)!.values.warrantyExpiresOn).toBe('2023-02-28');
    expect(assetAt(plan, 4)!.values.warrantyExpiresOn).toBe('2024-06-30');
  });

  it('when unknown categories and statuses repeat, then each value is one warning with its row count', () => {
    const plan = csvPlan(HEADER + 'A,Gizmo,T-1,,,,,,Shelved\nB,gizmo,T-2,,,,,,\nC,Gizmo,T-3,,,,,,Shelved\n');
    expect(plan.warnings).toEqual([
      {
        row: 2,
        column: 'Category',
        value: 'Gizmo',
        message: 'is not a category we know; imported as other',
        count: 3,
      },
      {
        row: 2,
        column: 'Status',
        value: 'Shelved',
        message: 'is not a status we know; imported as active',
        count: 2,
      },
    ]);
    expect(plan.assets.map((asset) => asset.values.category)).toEqual(['other', 'other', 'other']);
  });

  it('when a serial has been turned into scientific notation by Excel, then there is a warning', () => {
    const plan = csvPlan('Name,Serial Number\nA,6.37702E+15\n');
    expect(plan.warnings).toContainEqual(
      expect.objectContaining({
        row: 2,
        value: '6.37702E+15',
        message: expect.stringMatching(/scientific notation/),
      }),
    );
  });

  it('when a date, number or money cell holds a placeholder such as N/A, or a zero date, then it is blank', () => {
    const plan = csvPlan(HEADER + 'A,Desktop,T-1,,0000-00-00,N/A,-,n/a,\n');
    expect(plan.errors).toEqual([]);
    expect(plan.assets[0]!.values).toEqual({ name: 'A', category: 'desktop', assetTag: 'T-1' });
  });

  it('when a text value is longer than the API allows, then it is an error rather than a database failure', () => {
    const plan = csvPlan(`Name,Asset Tag\n${'x'.repeat(301)},T-1\n`);
    expect(plan.errors).toEqual([
      { row: 2, column: 'Name', value: 'x'.repeat(50), message: 'is longer than 300 characters' },
    ]);
  });

  it('when the caller maps their own headers, then those columns are read as the fields they name', () => {
    const plan = csvPlan('Device,Bought,Price,Tag\nPC-1,2024-03-01,999.99,T-1\n', {
      mapping: { Device: 'name', Bought: 'purchasedOn', Price: 'purchaseCost', Tag: 'assetTag' },
    });
    expect(plan.errors).toEqual([]);
    expect(plan.assets[0]!.values).toEqual({
      name: 'PC-1',
      purchasedOn: '2024-03-01',
      purchaseCost: 99999,
      assetTag: 'T-1',
    });
  });

  it('when dates are day-first and the caller says so, then they are read day-first', () => {
    const plan = csvPlan('Name,Asset Tag,Purchased On\nA,T-1,23/01/2023\n', { dateOrder: 'dmy' });
    expect(plan.assets[0]!.values.purchasedOn).toBe('2023-01-23');
  });
});

const baseFields: AssetFields = {
  name: 'Reception PC',
  category: 'desktop',
  manufacturer: 'Dell',
  model: 'OptiPlex 7010',
  serialNumber: 'SN-1',
  assetTag: 'T-1',
  location: 'Front desk',
  assignedTo: null,
  operatingSystem: 'Windows 11 Pro',
  purchasedOn: '2022-03-01',
  inServiceOn: null,
  warrantyExpiresOn: '2025-03-01',
  endOfSupportOn: null,
  purchaseCost: 99900,
  replacementCost: null,
  lifecycleMonths: 48,
  status: 'active',
  notes: 'Typed in by hand',
  externalSource: null,
  externalId: null,
};
const manualAsset: ExistingAsset = {
  id: 'stored-1',
  fields: baseFields,
  dateSources: {
    purchasedOn: 'manual',
    inServiceOn: null,
    warrantyExpiresOn: 'manual',
    endOfSupportOn: null,
  },
};

describe('reconcile', () => {
  it('when nothing is stored, then every planned asset is created with defaults and import provenance for its dates', () => {
    const plan = csvPlan(HEADER + 'A,,T-1,,3/1/22,,,,\n');
    const { creates, updates, unchanged, errors, warnings } = reconcile(plan, []);
    expect({ updates, unchanged, errors }).toEqual({ updates: [], unchanged: 0, errors: [] });
    expect(creates).toEqual([
      {
        fields: expect.objectContaining({
          name: 'A',
          category: 'other',
          status: 'active',
          assetTag: 'T-1',
          purchasedOn: '2022-03-01',
          externalSource: null,
        }),
        dateSources: {
          purchasedOn: 'import',
          inServiceOn: null,
          warrantyExpiresOn: null,
          endOfSupportOn: null,
        },
      },
    ]);
    expect(warnings).toEqual([
      {
        row: 2,
        column: 'Category',
        value: null,
        message: 'is empty; new assets without a category are imported as other',
        count: 1,
      },
    ]);
  });

  it('when a stored asset has the tag, then blank cells keep its values, a changed date becomes import and an unchanged one stays manual', () => {
    const plan = csvPlan(HEADER + 'Reception PC,,T-1,,3/1/22,"$1,049.00",,2026-03-01,\n');
    const { creates, updates, unchanged } = reconcile(plan, [manualAsset]);
    expect(creates).toEqual([]);
    expect(unchanged).toBe(0);
    expect(updates).toEqual([
      {
        id: 'stored-1',
        fields: { ...baseFields, purchaseCost: 104900, warrantyExpiresOn: '2026-03-01' },
        dateSources: {
          purchasedOn: 'manual',
          inServiceOn: null,
          warrantyExpiresOn: 'import',
          endOfSupportOn: null,
        },
      },
    ]);
  });

  it('when the file says what is stored, then the asset is unchanged', () => {
    const plan = csvPlan(HEADER + 'Reception PC,Desktops,T-1,SN-1,3/1/2022,999,,,Deployed\n');
    expect(reconcile(plan, [manualAsset])).toMatchObject({
      creates: [],
      updates: [],
      unchanged: 1,
      errors: [],
    });
  });

  it.each(['assets-sample.csv', 'assets-sample-BAD.csv', 'assets-sample-BLANKS.csv'])(
    'when %s is planned again after its assets were created, then every asset is unchanged',
    (name) => {
      const first = reconcile(fixturePlan(name), []);
      expect(first.errors).toEqual([]);
      const again = reconcile(fixturePlan(name), stored(first.creates));
      expect(again).toMatchObject({ creates: [], updates: [], unchanged: first.creates.length, errors: [] });
    },
  );

  it('when two stored assets share the tag, then the row is an error rather than a guess', () => {
    const twin = { ...manualAsset, id: 'stored-2' };
    const { errors, updates } = reconcile(csvPlan(HEADER + 'X,,T-1,,,,,,\n'), [manualAsset, twin]);
    expect(updates).toEqual([]);
    expect(errors).toEqual([
      {
        row: 2,
        column: 'Asset Tag',
        value: 'T-1',
        message: 'matches 2 assets of this client; give them distinct values before importing',
      },
    ]);
  });

  it('when two rows reach the same stored asset through different columns, then the second is an error', () => {
    const plan = csvPlan(HEADER + 'X,,T-1,,,,,,\nY,,,SN-1,,,,,\n');
    expect(reconcile(plan, [manualAsset]).errors).toEqual([
      {
        row: 3,
        column: 'Serial Number',
        value: 'SN-1',
        message:
          'is the same asset as row 2 (matched through another column); each asset may appear only once',
      },
    ]);
  });

  it('when an external id is the identity, then only assets of the same source match it', () => {
    const synced: ExistingAsset = {
      ...manualAsset,
      fields: { ...baseFields, externalSource: 'ninjaone', externalId: 'n-1' },
    };
    const plan = csvPlan('Name,External Id\nReception PC,n-1\n', { externalSource: 'ninjaone' });
    expect(reconcile(plan, [synced])).toMatchObject({ creates: [], unchanged: 1 });
    const other = reconcile(csvPlan('Name,External Id\nPC,n-1\n'), [synced]);
    expect(other.creates).toHaveLength(1);
    expect(other.creates[0]!.fields).toMatchObject({ externalSource: 'import:generic', externalId: 'n-1' });
  });

  it('when a file gains an external id column, then its rows adopt the assets an earlier import made from their tags', () => {
    const plan = csvPlan(
      'Name,Asset Tag,Serial Number,External Id\nReception PC,T-1,SN-1,snipe-7\nOther,T-2,,snipe-8\n',
      {
        externalSource: 'import:snipe-it',
      },
    );
    const taken: ExistingAsset = {
      ...manualAsset,
      id: 'stored-2',
      fields: {
        ...baseFields,
        assetTag: 'T-2',
        serialNumber: null,
        externalSource: 'rmm',
        externalId: 'r-2',
      },
    };
    const { updates, creates, errors } = reconcile(plan, [manualAsset, taken]);
    expect(errors).toEqual([]);
    expect(updates).toEqual([
      expect.objectContaining({
        id: 'stored-1',
        fields: { ...baseFields, externalSource: 'import:snipe-it', externalId: 'snipe-7' },
      }),
    ]);
    // An asset that another source already identifies is not taken over.
    expect(creates.map((create) => create.fields)).toEqual([
      expect.objectContaining({
        name: 'Other',
        assetTag: 'T-2',
        externalSource: 'import:snipe-it',
        externalId: 'snipe-8',
      }),
    ]);
    const again = reconcile(plan, [
      ...stored(creates),
      { ...manualAsset, fields: updates[0]!.fields },
      taken,
    ]);
    expect(again).toMatchObject({ creates: [], updates: [], unchanged: 2 });
  });

  it('when a new asset has no name, then generic rejects the row and snipe-it names it after its model or tag', () => {
    expect(reconcile(csvPlan('Name,Asset Tag\n,T-9\n'), []).errors).toEqual([
      { row: 2, column: 'Name', value: null, message: 'is empty; a new asset needs a name' },
    ]);
    const snipe = csvPlan('Asset Tag,Name,Manufacturer,Model\nT-1,,Dell,Latitude 5440\nT-2,,,\n', {
      preset: 'snipe-it',
    });
    expect(reconcile(snipe, []).creates.map((create) => create.fields.name)).toEqual([
      'Dell Latitude 5440',
      'T-2',
    ]);
    // On an update a blank name keeps the stored one.
    expect(reconcile(csvPlan('Name,Asset Tag\n,T-1\n'), [manualAsset])).toMatchObject({
      unchanged: 1,
      errors: [],
    });
  });
});
