/**
 * Which column of a file feeds which asset field. No I/O.
 *
 * Headers are compared case-, space- and punctuation-insensitively (`Serial Number`, `serial_number` and
 * `SerialNumber` are one header), so the generic preset also accepts the API's own field names.
 */
import { ASSET_FIELD_ENTRIES, type ImportableField } from '../assets/asset.fields.js';
import { columnLetter } from './csv.js';
import { GLPI_COLUMNS, glpiSource } from './glpi-inventory.js';
import { INTUNE_COLUMNS, intuneGraphSource } from './intune-graph.js';
import type { JsonSource } from './inventory-json.js';

/** An import-only input: the warranty's length, counted from the purchase date into warrantyExpiresOn. */
const WARRANTY_MONTHS = {
  field: 'warrantyMonths',
  header: 'Warranty Months',
  after: 'warrantyExpiresOn',
} as const;

export type ImportField = ImportableField | typeof WARRANTY_MONTHS.field;

/**
 * The documented column set of the generic preset, in the human form of Appendix A's names: the asset's
 * importable fields (see asset.fields.ts) with `warrantyMonths` after the warranty's end.
 */
export const GENERIC_COLUMNS: readonly [ImportField, string][] = ASSET_FIELD_ENTRIES.flatMap(
  ([field, spec]): [ImportField, string][] => {
    if (spec.importHeader === null) return [];
    const column: [ImportField, string] = [field as ImportableField, spec.importHeader];
    return field === WARRANTY_MONTHS.after
      ? [column, [WARRANTY_MONTHS.field, WARRANTY_MONTHS.header]]
      : [column];
  },
);

/** What a column can feed: the asset's importable fields and `warrantyMonths`. */
export const IMPORT_FIELDS = GENERIC_COLUMNS.map(([field]) => field) as [ImportField, ...ImportField[]];

export const PRESET_IDS = ['generic', 'snipe-it', 'intune-graph', 'glpi'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

/** One way to fill a field: a column known by any of `headers`, or several columns joined with spaces. */
type PresetSource = { headers: readonly string[] } | { join: readonly string[] };

interface PresetField {
  field: ImportField;
  /** Tried in order for each row; the first that gives a non-blank value wins. */
  sources: readonly PresetSource[];
}

export interface ColumnPreset {
  id: PresetId;
  description: string;
  /** What the file is: CSV, or a JSON document whose records `json` turns into the columns `fields` names. */
  format: 'csv' | 'json';
  json?: JsonSource<ImportField>;
  /** The externalSource of the assets it recognises by external id, unless the request names one. */
  externalSource?: string;
  fields: readonly PresetField[];
  /** Each entry is a set of fields of which the file must map at least one, and what to say when it maps none. */
  required: readonly { anyOf: readonly ImportField[]; message: string }[];
  /** When a row's name is blank, name a new asset after its manufacturer and model, else its tag or serial. */
  nameFallback: boolean;
  /** A column whose several distinct values mean that the file mixes organisations (Snipe-IT's Company). */
  tenantColumn?: string;
}

const one = (...headers: string[]): PresetSource => ({ headers });

const generic: ColumnPreset = {
  id: 'generic',
  description:
    'Columns named like the API fields in words: ' +
    GENERIC_COLUMNS.map(([, header]) => header).join(', ') +
    '.',
  fields: GENERIC_COLUMNS.map(([field, header]) => ({ field, sources: [one(header)] })),
  required: [
    { anyOf: ['name'], message: 'needs a "Name" column' },
    {
      anyOf: ['externalId', 'assetTag', 'serialNumber'],
      message:
        'needs an "Asset Tag", "Serial Number" or "External Id" column to recognise assets on the next import',
    },
  ],
  nameFallback: false,
  format: 'csv',
};

/**
 * Snipe-IT's hardware export (Assets → Export, or a custom asset report) and its importer's column names.
 * "Warranty" is in months; "Asset EOL Date" (Snipe-IT's end of life) becomes the end-of-support date, so that
 * the refresh falls due no later than Snipe-IT says; Company, Supplier, Order Number and the model's number
 * and notes have no field here.
 */
const snipeIt: ColumnPreset = {
  id: 'snipe-it',
  description:
    "Snipe-IT's asset export: Asset Tag, Name (or Item Name), Serial, Model (or Model Name), Manufacturer, Category, " +
    'Location, Purchase Date, Purchase Cost, Warranty (months), Warranty Expires, Asset EOL Date, Status, ' +
    'Notes (or Asset Notes), Checked Out To (or Full Name, First/Last Name, Username, Email), ID.',
  fields: [
    { field: 'externalId', sources: [one('ID', 'Asset ID')] },
    { field: 'assetTag', sources: [one('Asset Tag')] },
    { field: 'name', sources: [one('Name', 'Item Name', 'Asset Name')] },
    { field: 'serialNumber', sources: [one('Serial', 'Serial Number')] },
    { field: 'model', sources: [one('Model', 'Model Name')] },
    { field: 'manufacturer', sources: [one('Manufacturer')] },
    { field: 'category', sources: [one('Category')] },
    { field: 'location', sources: [one('Location', 'Current Location', 'Default Location')] },
    {
      field: 'assignedTo',
      sources: [
        one('Checked Out To', 'Assigned To', 'Full Name', 'Checked Out To: Full Name'),
        { join: ['Checked Out To: First Name', 'Checked Out To: Last Name'] },
        { join: ['First Name', 'Last Name'] },
        one('Checked Out To: Username', 'Username'),
        one('Checked Out To: Email', 'Email'),
        one('Checked Out To: Location'),
      ],
    },
    { field: 'operatingSystem', sources: [one('Operating System', 'OS')] },
    { field: 'purchasedOn', sources: [one('Purchase Date', 'Purchased On')] },
    { field: 'purchaseCost', sources: [one('Purchase Cost', 'Cost')] },
    { field: 'warrantyMonths', sources: [one('Warranty', 'Warranty Months')] },
    {
      field: 'warrantyExpiresOn',
      sources: [one('Warranty Expires', 'Warranty Expiration', 'Warranty Expiration Date')],
    },
    { field: 'endOfSupportOn', sources: [one('Asset EOL Date', 'EOL Date', 'End of Life')] },
    { field: 'status', sources: [one('Status', 'Status Label')] },
    { field: 'notes', sources: [one('Notes', 'Asset Notes')] },
  ],
  required: [
    {
      anyOf: ['assetTag'],
      message: 'needs an "Asset Tag" column: every Snipe-IT asset export has one',
    },
    { anyOf: ['name', 'model'], message: 'needs a "Name" (or "Item Name") or "Model" column' },
  ],
  nameFallback: true,
  tenantColumn: 'Company',
  format: 'csv',
};

/** A JSON preset's fields: each of its columns (named by JSON path) feeds one field. */
const jsonFields = (columns: readonly { header: string; field: ImportField }[]) =>
  columns.map(({ header, field }) => ({ field, sources: [one(header)] }));

/**
 * Microsoft Intune's managed devices as Microsoft Graph lists them (see intune-graph.ts): recognised by the
 * device's Intune id, with externalSource `intune`.
 */
const intuneGraph: ColumnPreset = {
  id: 'intune-graph',
  description:
    'JSON from Microsoft Graph GET /deviceManagement/managedDevices ({"value": [...]}): id, deviceName, ' +
    'serialNumber, manufacturer, model, operatingSystem + osVersion (Windows builds named by release, e.g. ' +
    '10.0.22631 is Windows 11 23H2), enrolledDateTime as the in-service date (its calendar date as written; ' +
    '0001-01-01 is none), userPrincipalName as assigned to, the category from chassisType, model or OS.',
  fields: jsonFields(INTUNE_COLUMNS),
  required: [],
  nameFallback: true,
  format: 'json',
  json: intuneGraphSource,
  externalSource: 'intune',
};

/** GLPI's native inventory JSON (see glpi-inventory.ts): recognised by the agent's deviceid, externalSource `glpi`. */
const glpi: ColumnPreset = {
  id: 'glpi',
  description:
    "JSON in GLPI's native inventory format, as the GLPI Agent sends it (one document, or a list of them): " +
    'deviceid, hardware.name, bios.ssn, bios.smanufacturer, bios.smodel, operatingsystem, the first of users, ' +
    'hardware.chassis_type as the category. The format has no purchase or in-service date.',
  fields: jsonFields(GLPI_COLUMNS),
  required: [],
  nameFallback: true,
  format: 'json',
  json: glpiSource,
  externalSource: 'glpi',
};

export const PRESETS: Record<PresetId, ColumnPreset> = {
  generic,
  'snipe-it': snipeIt,
  'intune-graph': intuneGraph,
  glpi,
};

/** The comparable form of a header: `Checked Out To: Username` → `checkedouttousername`. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** A caller's own mapping: their header → our field, or null to leave a column out. */
export type ColumnMapping = Record<string, ImportField | null>;

/** One way a row fills a field, resolved to column indexes. */
export interface BoundSource {
  /** How errors name it: the header as the file spells it (or the joined headers). */
  label: string;
  /**
   * `columns`: same-named columns (duplicate headers), the first non-blank is used and they must agree;
   * `join`: the non-blank values of the columns joined with a space.
   */
  kind: 'columns' | 'join';
  indexes: number[];
}

export interface ColumnReport {
  /** The spreadsheet letter: A, B, … AA. */
  column: string;
  header: string;
  field: ImportField | null;
}

export interface HeaderProblem {
  column: string | null;
  message: string;
}

export interface ColumnBindings {
  fields: Partial<Record<ImportField, BoundSource[]>>;
  columns: ColumnReport[];
  problems: HeaderProblem[];
  /** The index of the preset's tenant column (Snipe-IT's Company), when the file has one. */
  tenantColumn?: number | undefined;
}

/** What a header is called in messages: its text, or its letter when it is blank. */
export function headerLabel(header: readonly string[], index: number): string {
  const text = header[index]?.trim();
  return text ? text : `(column ${columnLetter(index)})`;
}

/** Heuristics that tell the user which file they uploaded when it is not an asset export. */
function describeWrongFile(normalized: ReadonlySet<string>): string | undefined {
  const licence = [
    'seats',
    'licensedtoname',
    'licensedtoemail',
    'productkey',
    'licensekey',
    'expirationdate',
  ];
  const hits = licence.filter((header) => normalized.has(header));
  if (hits.length >= 2 || normalized.has('seats')) {
    return 'this looks like a Snipe-IT licence export (it has Seats / Licensed To columns), which holds software licences, not hardware; export the assets (Hardware) instead';
  }
  if (
    normalized.has('accessoryname') ||
    normalized.has('consumablename') ||
    normalized.has('componentname')
  ) {
    return 'this looks like a Snipe-IT accessories, consumables or components export, not assets';
  }
  return undefined;
}

/**
 * Resolves the preset (and the caller's mapping, which wins for the columns it names) against the file's header.
 * Problems are what makes the whole file unusable: a required field without a column, a mapping that names a
 * column the file does not have.
 */
export function bindColumns(
  header: readonly string[],
  preset: ColumnPreset,
  mapping: ColumnMapping = {},
): ColumnBindings {
  const normalized = header.map(normalizeHeader);
  const problems: HeaderProblem[] = [];
  const fields: Partial<Record<ImportField, BoundSource[]>> = {};
  const fieldOf: (ImportField | null)[] = header.map(() => null);
  const claimed = new Set<number>();

  const indexesNamed = (name: string): number[] => {
    const exact = header.flatMap((text, index) => (text === name.trim() ? [index] : []));
    if (exact.length > 0) return exact;
    const wanted = normalizeHeader(name);
    return wanted === '' ? [] : normalized.flatMap((text, index) => (text === wanted ? [index] : []));
  };
  const add = (field: ImportField, source: BoundSource) => {
    (fields[field] ??= []).push(source);
    for (const index of source.indexes) fieldOf[index] ??= field;
  };

  for (const [name, field] of Object.entries(mapping)) {
    const indexes = indexesNamed(name);
    if (indexes.length === 0) {
      problems.push({ column: name, message: 'is named in the mapping but is not a column of this file' });
      continue;
    }
    for (const index of indexes) claimed.add(index);
    if (field !== null) add(field, { label: headerLabel(header, indexes[0]!), kind: 'columns', indexes });
  }

  for (const { field, sources } of preset.fields) {
    for (const source of sources) {
      if ('headers' in source) {
        for (const name of source.headers) {
          const wanted = normalizeHeader(name);
          const indexes = normalized.flatMap((text, index) =>
            text === wanted && !claimed.has(index) ? [index] : [],
          );
          if (indexes.length > 0)
            add(field, { label: headerLabel(header, indexes[0]!), kind: 'columns', indexes });
        }
      } else {
        const indexes = source.join.map((name) => normalized.indexOf(normalizeHeader(name)));
        if (indexes.every((index) => index >= 0 && !claimed.has(index))) {
          add(field, {
            label: indexes.map((index) => headerLabel(header, index)).join(' + '),
            kind: 'join',
            indexes,
          });
        }
      }
    }
  }

  const present = new Set(Object.keys(fields));
  const missing = preset.required.filter((rule) => !rule.anyOf.some((field) => present.has(field)));
  if (missing.length > 0) {
    const wrongFile = describeWrongFile(new Set(normalized));
    for (const rule of missing) {
      problems.push({
        column: null,
        message: `The ${preset.id} preset ${rule.message}${wrongFile ? `; ${wrongFile}` : ''}`,
      });
    }
  }

  const tenantIndex = preset.tenantColumn ? normalized.indexOf(normalizeHeader(preset.tenantColumn)) : -1;
  return {
    fields,
    columns: header.map((text, index) => ({
      column: columnLetter(index),
      header: text,
      field: fieldOf[index] ?? null,
    })),
    problems,
    tenantColumn: tenantIndex >= 0 ? tenantIndex : undefined,
  };
}
