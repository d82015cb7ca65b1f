import fs from 'node:fs';
import path from 'node:path';
import { lookupEndOfSupport } from '../../../src/domain/end-of-support.js';
import { planImport } from '../../../src/imports/import-plan.js';
import { glpiOperatingSystem } from '../../../src/imports/glpi-inventory.js';
import { graphOperatingSystem } from '../../../src/imports/intune-graph.js';
import { JsonInventoryError, readJsonInventory, timestampDate } from '../../../src/imports/inventory-json.js';
import { PRESETS, type PresetId } from '../../../src/imports/presets.js';

const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
const INTUNE_FIXTURE = path.join(fixtures, 'intune', 'graph-docs-v1.0-list-managedDevices.example.json');
const GLPI_FIXTURE = path.join(fixtures, 'glpi', 'inventory-format-computer_1.json');

const plan = (preset: PresetId, document: unknown) =>
  planImport(readJsonInventory(Buffer.from(JSON.stringify(document)), PRESETS[preset].json!), {
    preset,
    currency: 'USD',
  });

describe("Graph's operating system strings", () => {
  it.each([
    ['Windows', '10.0.22631.2861', 'Windows 11 23H2 (10.0.22631.2861)', 'Windows 11', '23H2'],
    ['Windows', '10.0.19045.3803', 'Windows 10 22H2 (10.0.19045.3803)', 'Windows 10', '22H2'],
    ['Windows', '10.0.26100.2605', 'Windows 11 24H2 (10.0.26100.2605)', 'Windows 11', '24H2'],
    ['Windows', '10.0.22000.2538', 'Windows 11 21H2 (10.0.22000.2538)', 'Windows 11', '21H2'],
    ['Windows', '10.0.19044.1288', 'Windows 10 21H2 (10.0.19044.1288)', 'Windows 10', '21H2'],
    ['Windows', '10.0.22631', 'Windows 11 23H2 (10.0.22631)', 'Windows 11', '23H2'],
    ['Windows', '6.3.9600.20778', 'Windows 8.1 (6.3.9600.20778)', 'Windows 8.1', null],
    ['macOS', '14.2.1 (23C71)', 'macOS 14.2.1 (23C71)', 'macOS 14', null],
    ['macOS', '13.6', 'macOS 13.6', 'macOS 13', null],
    ['Windows Server', '10.0.17763.5329', 'Windows Server 10.0.17763.5329', 'Windows Server 2019', null],
    ['Windows Server', '10.0.20348.2227', 'Windows Server 10.0.20348.2227', 'Windows Server 2022', null],
  ])(
    'when %s reports %s, then it is "%s", which the catalogue reads as %s %s',
    (os, version, name, product, release) => {
      expect(graphOperatingSystem(os, version)).toBe(name);
      expect(lookupEndOfSupport(name)).toMatchObject({ product, release });
    },
  );

  it.each([
    ['Windows', '10.0.29999.1000', 'Windows 10.0.29999.1000'],
    ['Windows', '10.0.19046.1', 'Windows 10.0.19046.1'],
    ['Windows', '', 'Windows'],
    ['iOS', '17.2.1', 'iOS 17.2.1'],
    ['Android', '14', 'Android 14'],
    ['Operating System value', 'Os Version value', 'Operating System value Os Version value'],
  ])(
    'when %s reports the build or version %s that the catalogue does not list, then it is kept as "%s" and not matched',
    (os, version, name) => {
      expect(graphOperatingSystem(os, version)).toBe(name);
      expect(lookupEndOfSupport(name)).toBeNull();
    },
  );

  it('when neither field is given, then there is no operating system', () => {
    expect(graphOperatingSystem(undefined, undefined)).toBeUndefined();
    expect(graphOperatingSystem(' ', '')).toBeUndefined();
  });
});

describe('JSON timestamps', () => {
  it.each([
    ['2016-12-31T23:59:43.797191-08:00', '2016-12-31'],
    ['2017-01-01T00:00:56.8321556-08:00', '2017-01-01'],
    ['2024-03-05T23:30:00Z', '2024-03-05'],
    ['2024-03-05T01:30:00.1234567+14:00', '2024-03-05'],
    ['2024-03-05', '2024-03-05'],
  ])('when the timestamp is %s, then its date is the calendar date as written, %s', (timestamp, date) => {
    expect(timestampDate(timestamp)).toEqual({ text: date });
  });

  it("when the timestamp is .NET's minimum, then it means never and gives no date", () => {
    expect(timestampDate('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(timestampDate('0001-01-01T00:00:00.0000000+00:00')).toBeUndefined();
    expect(timestampDate(null)).toBeUndefined();
  });

  it('when the value is not a timestamp, then it is an error with the value', () => {
    expect(timestampDate('last Tuesday')).toEqual({
      error: expect.stringMatching(/not an ISO 8601 date or timestamp/),
      value: 'last Tuesday',
    });
    expect(timestampDate('2024-02-30T10:00:00Z')).toEqual({
      error: expect.stringMatching(/February 2024 has 29 days/),
      value: '2024-02-30T10:00:00Z',
    });
    expect(timestampDate('2024-02-03T25:00:00Z')).toMatchObject({ error: 'is not a real time of day' });
    expect(timestampDate(20240203)).toMatchObject({ error: expect.stringMatching(/not an ISO 8601/) });
    expect(timestampDate({ at: 'now' })).toEqual({ error: 'is an object, not text', value: null });
  });
});

describe('the intune-graph preset', () => {
  it('when the Graph documentation example is read, then its one device is planned by id with its enrolment date', () => {
    const result = planImport(
      readJsonInventory(fs.readFileSync(INTUNE_FIXTURE), PRESETS['intune-graph'].json!),
      { preset: 'intune-graph', currency: 'USD' },
    );
    expect(result).toMatchObject({ format: 'json', rows: 1, errors: [], externalSource: 'intune' });
    expect(result.assets).toEqual([
      {
        row: 1,
        identity: { kind: 'externalId', value: '705c034c-034c-705c-4c03-5c704c035c70', column: 'id' },
        values: {
          externalId: '705c034c-034c-705c-4c03-5c704c035c70',
          name: 'Device Name value',
          serialNumber: 'Serial Number value',
          manufacturer: 'Manufacturer value',
          model: 'Model value',
          operatingSystem: 'Operating System value Os Version value',
          inServiceOn: '2016-12-31',
          assignedTo: 'User Principal Name value',
        },
        fallbackName: 'Manufacturer value Model value',
      },
    ]);
  });

  it('when devices say their chassis, model or OS, then the category follows; a bare Windows PC gets none', () => {
    const result = plan('intune-graph', [
      { id: 'a', deviceName: 'A', chassisType: 'laptop', operatingSystem: 'Windows' },
      { id: 'b', deviceName: 'B', chassisType: 'enterpriseServer' },
      { id: 'c', deviceName: 'C', model: 'MacBook Air (M2, 2022)', operatingSystem: 'macOS' },
      { id: 'd', deviceName: 'D', model: 'iPhone 15', operatingSystem: 'iOS' },
      { id: 'e', deviceName: 'E', model: 'SM-X700', operatingSystem: 'Android' },
      {
        id: 'f',
        deviceName: 'F',
        model: 'Latitude 5440',
        operatingSystem: 'Windows',
        chassisType: 'unknown',
      },
    ]);
    expect(result.assets.map((asset) => asset.values.category)).toEqual([
      'laptop',
      'server',
      'laptop',
      'mobile',
      'mobile',
      undefined,
    ]);
  });

  it('when a Windows device has a server chassis, then its build is read as Windows Server, not as the Windows 10 release of the same build', () => {
    const result = plan('intune-graph', [
      {
        id: 's',
        deviceName: 'SRV',
        operatingSystem: 'Windows',
        osVersion: '10.0.17763.5329',
        chassisType: 'enterpriseServer',
      },
    ]);
    const os = result.assets[0]!.values.operatingSystem!;
    expect(os).toBe('Windows Server 10.0.17763.5329');
    expect(lookupEndOfSupport(os)).toMatchObject({ product: 'Windows Server 2019' });
  });

  it('when a device was never enrolled, then it has no in-service date rather than year 1', () => {
    const result = plan('intune-graph', {
      value: [{ id: 'x', deviceName: 'Never', enrolledDateTime: '0001-01-01T00:00:00Z' }],
    });
    expect(result.errors).toEqual([]);
    expect(result.assets[0]!.values).not.toHaveProperty('inServiceOn');
  });

  it('when records are broken, then each error names the record from 1 and the JSON field, and those records are not planned', () => {
    const result = plan('intune-graph', {
      value: [
        { id: 'ok', deviceName: 'Fine' },
        { id: 'bad-date', deviceName: 'Bad', enrolledDateTime: 'yesterday' },
        'not a device',
        { id: 'bad-serial', deviceName: 'Worse', serialNumber: { value: 1 } },
        { deviceName: 'No id' },
      ],
    });
    expect(result.rows).toBe(5);
    expect(result.assets.map((asset) => asset.row)).toEqual([1]);
    expect(result.errors).toEqual([
      {
        row: 2,
        column: 'enrolledDateTime',
        value: 'yesterday',
        message: expect.stringMatching(/not an ISO 8601/),
      },
      { row: 3, column: null, value: null, message: 'is a string, not an object' },
      { row: 4, column: 'serialNumber', value: null, message: 'is an object, not text' },
      { row: 5, column: null, value: null, message: expect.stringMatching(/has no "id" or "serialNumber"/) },
    ]);
  });

  it('when the file is a bare list, one device, or one page of several, then it is read; a page warns of the others', () => {
    expect(plan('intune-graph', [{ id: 'a', deviceName: 'A' }]).assets).toHaveLength(1);
    expect(
      plan('intune-graph', { '@odata.type': '#microsoft.graph.managedDevice', id: 'a', deviceName: 'A' })
        .assets,
    ).toHaveLength(1);
    const page = plan('intune-graph', {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices',
      '@odata.nextLink': 'https://graph.microsoft.com/v1.0/deviceManagement/managedDevices?$skiptoken=x',
      value: [{ id: 'a', deviceName: 'A' }],
    });
    expect(page.warnings).toEqual([
      expect.objectContaining({
        row: null,
        column: '@odata.nextLink',
        message: expect.stringMatching(/one page/),
      }),
    ]);
  });

  it('when the file is not JSON, not UTF-8, or not a device list, then it cannot be read at all', () => {
    const read = (bytes: Buffer) => () => readJsonInventory(bytes, PRESETS['intune-graph'].json!);
    expect(read(Buffer.from('id,name\n1,a\n'))).toThrow(JsonInventoryError);
    expect(read(Buffer.from('{"value": ['))).toThrow(/not valid JSON/);
    expect(read(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toThrow(/not UTF-8/);
    expect(read(Buffer.from('{"content": {"bios": {}}}'))).toThrow(
      /not a Microsoft Graph managed device list/,
    );
    expect(read(Buffer.from('"value"'))).toThrow(/not a Microsoft Graph managed device list/);
  });

  it('when Windows PowerShell saved the JSON as UTF-16 with a byte order mark, then it is read', () => {
    const text = JSON.stringify({ value: [{ id: 'a', deviceName: 'Zoë' }] });
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const table = readJsonInventory(bytes, PRESETS['intune-graph'].json!);
    expect(table.encoding).toBe('utf-16le');
    expect(table.records[0]!.cells[1]).toBe('Zoë');
  });
});

describe('the glpi preset', () => {
  it("when the GLPI project's example inventory is read, then the laptop is planned by deviceid with its firmware's serial, maker and model", () => {
    const result = planImport(readJsonInventory(fs.readFileSync(GLPI_FIXTURE), PRESETS.glpi.json!), {
      preset: 'glpi',
      currency: 'USD',
    });
    expect(result).toMatchObject({
      format: 'json',
      rows: 1,
      errors: [],
      warnings: [],
      externalSource: 'glpi',
    });
    expect(result.assets[0]!.values).toEqual({
      externalId: 'glpixps-2018-07-09-09-07-13',
      name: 'glpixps',
      serialNumber: '640HP72',
      manufacturer: 'Dell Inc.',
      model: 'XPS 13 9350',
      operatingSystem: 'Fedora 31 (Workstation Edition)',
      assignedTo: 'trasher',
      category: 'laptop',
    });
  });

  it('when firmware fields hold placeholders, then they are left blank; a chassis we do not know is a warning', () => {
    const result = plan('glpi', [
      {
        deviceid: 'pc-1',
        content: {
          hardware: { name: 'pc-1', chassis_type: 'Mini Tower', lastloggeduser: 'jdoe' },
          bios: {
            ssn: 'To Be Filled By O.E.M.',
            smanufacturer: 'System manufacturer',
            mmanufacturer: 'ASUSTeK',
          },
        },
      },
      { deviceid: 'pc-2', content: { hardware: { name: 'pc-2', chassis_type: 'Convertible' } } },
      { deviceid: 'pc-3', content: { hardware: { name: 'pc-3', chassis_type: 'Expansion Chassis' } } },
    ]);
    expect(result.assets.map((asset) => asset.values)).toEqual([
      { externalId: 'pc-1', name: 'pc-1', manufacturer: 'ASUSTeK', category: 'desktop', assignedTo: 'jdoe' },
      { externalId: 'pc-2', name: 'pc-2', category: 'laptop' },
      { externalId: 'pc-3', name: 'pc-3', category: 'other' },
    ]);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        row: 3,
        column: 'content.hardware.chassis_type',
        value: 'Expansion Chassis',
        message: 'is not a category we know; imported as other',
      }),
    ]);
  });

  it('when a Windows agent reports the kernel build, then the catalogue reads the release from it', () => {
    const os = glpiOperatingSystem({
      full_name: 'Microsoft Windows 11 Professionnel',
      version: '23H2',
      kernel_name: 'MSWin32',
      kernel_version: '10.0.22631',
    });
    expect(os).toEqual({ text: 'Microsoft Windows 11 Professionnel 23H2 10.0.22631' });
    expect(lookupEndOfSupport((os as { text: string }).text)).toMatchObject({
      product: 'Windows 11',
      release: '23H2',
    });
    expect(glpiOperatingSystem({ name: 'Ubuntu', version: '22.04.4 LTS (Jammy Jellyfish)' })).toEqual({
      text: 'Ubuntu 22.04.4 LTS (Jammy Jellyfish)',
    });
    expect(glpiOperatingSystem(undefined)).toBeUndefined();
  });

  it('when the document is not a GLPI inventory, then it cannot be read at all', () => {
    expect(() => readJsonInventory(fs.readFileSync(INTUNE_FIXTURE), PRESETS.glpi.json!)).toThrow(
      /not a GLPI native inventory/,
    );
  });
});
