import { bindColumns, GENERIC_COLUMNS, normalizeHeader, PRESETS } from '../../../src/imports/presets.js';

describe('normalizeHeader', () => {
  it('when headers differ in case, spaces or punctuation, then they compare equal', () => {
    const forms = ['Serial Number', 'serial number', 'SERIAL_NUMBER', 'SerialNumber', ' serial-number '];
    expect(new Set(forms.map(normalizeHeader))).toEqual(new Set(['serialnumber']));
    expect(normalizeHeader('Checked Out To: Username')).toBe('checkedouttousername');
  });
});

describe('the generic preset', () => {
  it("when the file uses the documented headers or the API's field names, then every field is mapped", () => {
    const human = bindColumns(
      GENERIC_COLUMNS.map(([, header]) => header.toUpperCase()),
      PRESETS.generic,
    );
    const api = bindColumns(
      GENERIC_COLUMNS.map(([field]) => field),
      PRESETS.generic,
    );
    for (const bindings of [human, api]) {
      expect(bindings.problems).toEqual([]);
      expect(bindings.columns.map((column) => column.field)).toEqual(GENERIC_COLUMNS.map(([field]) => field));
    }
  });

  it('when the file has no Name or no way to recognise an asset, then the header is rejected with what is missing', () => {
    expect(bindColumns(['Asset Tag', 'Category'], PRESETS.generic).problems).toEqual([
      { column: null, message: 'The generic preset needs a "Name" column' },
    ]);
    expect(bindColumns(['Name', 'Category'], PRESETS.generic).problems[0]!.message).toMatch(
      /needs an "Asset Tag", "Serial Number" or "External Id" column/,
    );
  });
});

describe('the snipe-it preset', () => {
  it('when the export has Snipe-IT headers, then they feed our fields and the rest is reported as not imported', () => {
    const header = [
      'Asset Tag',
      'Name',
      'Serial',
      'Model',
      'Manufacturer',
      'Category',
      'Purchase Date',
      'Warranty',
      'Supplier',
    ];
    const bindings = bindColumns(header, PRESETS['snipe-it']);
    expect(bindings.problems).toEqual([]);
    expect(Object.fromEntries(bindings.columns.map((column) => [column.header, column.field]))).toEqual({
      'Asset Tag': 'assetTag',
      Name: 'name',
      Serial: 'serialNumber',
      Model: 'model',
      Manufacturer: 'manufacturer',
      Category: 'category',
      'Purchase Date': 'purchasedOn',
      Warranty: 'warrantyMonths',
      Supplier: null,
    });
  });

  it('when a header is repeated, then both columns feed the field, in file order', () => {
    const bindings = bindColumns(
      ['Asset Tag', 'item Name', 'Category', 'Notes', 'Category'],
      PRESETS['snipe-it'],
    );
    expect(bindings.fields.category).toEqual([{ label: 'Category', kind: 'columns', indexes: [2, 4] }]);
    expect(bindings.fields.name).toEqual([{ label: 'item Name', kind: 'columns', indexes: [1] }]);
  });

  it('when the checked-out user comes as first and last name, then they are joined, after a full name if there is one', () => {
    const bindings = bindColumns(
      [
        'Asset Tag',
        'Name',
        'Checked Out To: First Name',
        'Checked Out To: Last Name',
        'Checked Out To: Username',
      ],
      PRESETS['snipe-it'],
    );
    expect(bindings.fields.assignedTo).toEqual([
      { label: 'Checked Out To: First Name + Checked Out To: Last Name', kind: 'join', indexes: [2, 3] },
      { label: 'Checked Out To: Username', kind: 'columns', indexes: [4] },
    ]);
  });

  it('when a licence export is given to the asset preset, then the error says it is a licence export', () => {
    const header = [
      'Full Name',
      'Email',
      'Username',
      'Item name',
      'serial number',
      'Category',
      'Licensed To Name',
      'seats',
    ];
    const [problem] = bindColumns(header, PRESETS['snipe-it']).problems;
    expect(problem!.message).toMatch(/^The snipe-it preset needs an "Asset Tag" column/);
    expect(problem!.message).toMatch(/licence export/);
  });
});

describe('a caller mapping', () => {
  it('when it names columns, then it wins over the preset, and null leaves a column out', () => {
    const bindings = bindColumns(['Device', 'Name', 'Tag', 'Secret'], PRESETS.generic, {
      Device: 'name',
      Tag: 'assetTag',
      Name: null,
      secret: null,
    });
    expect(bindings.problems).toEqual([]);
    expect(bindings.columns.map((column) => column.field)).toEqual(['name', null, 'assetTag', null]);
    expect(bindings.fields.name).toEqual([{ label: 'Device', kind: 'columns', indexes: [0] }]);
  });

  it('when it names a column that the file does not have, then that is a header problem', () => {
    expect(bindColumns(['Name', 'Asset Tag'], PRESETS.generic, { Bought: 'purchasedOn' }).problems).toEqual([
      { column: 'Bought', message: 'is named in the mapping but is not a column of this file' },
    ]);
  });
});
