/**
 * The one table of an asset's own fields. The request and response schemas, the `AssetFields` type, the
 * repository's row mapping, the fields a sync may set and the fields an import can fill are all derived from it,
 * so adding a field is one row here (plus its migration).
 */
import { z } from 'zod';
import type { AssetTable, DateSource } from '../db/schema.js';
import { ASSET_CATEGORIES, type AssetStatus } from '../domain/forecast.types.js';
import { isoDate, money, requiredText, text } from '../http/schemas.js';

export type { AssetCategory, AssetStatus } from '../domain/forecast.types.js';
export type { DateSource } from '../db/schema.js';

/** The longest lifecycle anything may name: an asset, a policy, a what-if, an import cell. */
export const MAX_LIFECYCLE_MONTHS = 600;

export const lifecycleMonthsSchema = z
  .int({ error: 'must be a whole number of months' })
  .min(1, `must be from 1 to ${MAX_LIFECYCLE_MONTHS} months`)
  .max(MAX_LIFECYCLE_MONTHS, `must be from 1 to ${MAX_LIFECYCLE_MONTHS} months`);

/** Every value of the domain's AssetStatus, in the order the API documents them. */
export const ASSET_STATUSES = [
  'active',
  'in_storage',
  'retired',
  'disposed',
] as const satisfies readonly AssetStatus[];
/** Every value of the stored DateSource. */
export const DATE_SOURCES = [
  'manual',
  'import',
  'sync',
  'catalogue',
] as const satisfies readonly DateSource[];

type Exhaustive<Union, Listed> = [Exclude<Union, Listed>] extends [never] ? true : never;
const statusesExhaustive: Exhaustive<AssetStatus, (typeof ASSET_STATUSES)[number]> = true;
const sourcesExhaustive: Exhaustive<DateSource, (typeof DATE_SOURCES)[number]> = true;
void statusesExhaustive;
void sourcesExhaustive;

export const assetCategorySchema = z
  .enum(ASSET_CATEGORIES)
  .describe('What kind of device or product the asset is');
export const assetStatusSchema = z
  .enum(ASSET_STATUSES)
  .describe('Only active and in_storage assets have a refresh clock and count in forecasts');
export const dateSourceSchema = z.enum(DATE_SOURCES);

/** The SQL types of the asset's field columns (as information_schema names them). */
export type SqlType = 'text' | 'date' | 'bigint' | 'integer';

interface AssetFieldSpec {
  /** What a request may send (create, update, sync); nullable fields accept null to clear. */
  readonly input: z.ZodType;
  /** How a response shows the stored value. */
  readonly output: z.ZodType;
  readonly column: keyof AssetTable & string;
  readonly sqlType: SqlType;
  /** A new asset needs it: no default. */
  readonly required?: true;
  /** The value of a new asset that does not give the field (null unless said otherwise). */
  readonly initial?: string;
  /** Free text: the most characters it holds. */
  readonly maxLength?: number;
  /** A date: the column that records where it came from. */
  readonly sourceColumn?: keyof AssetTable & string;
  /** A sync item may set it (externalSource and externalId are the sync's key, not fields of an item). */
  readonly synced: boolean;
  /** The header of its column in the generic import preset; null when an import cannot fill it. */
  readonly importHeader: string | null;
}

const freeText = (maxLength: number, description?: string) => {
  const input = text(maxLength).nullable();
  return {
    input: description === undefined ? input : input.describe(description),
    output: z.string().nullable(),
    sqlType: 'text',
    maxLength,
  } as const;
};
const date = <Column extends keyof AssetTable & string>(sourceColumn: Column, description?: string) => {
  const input = isoDate.nullable();
  return {
    input: description === undefined ? input : input.describe(description),
    output: z.string().nullable(),
    sqlType: 'date',
    sourceColumn,
  } as const;
};
const minorUnits = (description?: string) => {
  const input = money.nullable();
  return {
    input: description === undefined ? input : input.describe(description),
    output: z.int().nullable(),
    sqlType: 'bigint',
  } as const;
};

export const ASSET_FIELDS = {
  name: {
    input: requiredText(300),
    output: z.string(),
    sqlType: 'text',
    maxLength: 300,
    required: true,
    column: 'name',
    synced: true,
    importHeader: 'Name',
  },
  category: {
    input: assetCategorySchema,
    output: assetCategorySchema,
    sqlType: 'text',
    required: true,
    column: 'category',
    synced: true,
    importHeader: 'Category',
  },
  manufacturer: { ...freeText(200), column: 'manufacturer', synced: true, importHeader: 'Manufacturer' },
  model: { ...freeText(200), column: 'model', synced: true, importHeader: 'Model' },
  serialNumber: { ...freeText(200), column: 'serial_number', synced: true, importHeader: 'Serial Number' },
  assetTag: { ...freeText(200), column: 'asset_tag', synced: true, importHeader: 'Asset Tag' },
  location: { ...freeText(200), column: 'location', synced: true, importHeader: 'Location' },
  assignedTo: { ...freeText(200), column: 'assigned_to', synced: true, importHeader: 'Assigned To' },
  operatingSystem: {
    ...freeText(
      200,
      'As the RMM reports it, e.g. "Microsoft Windows 10 Pro 22H2"; matched against the end-of-support catalogue',
    ),
    column: 'operating_system',
    synced: true,
    importHeader: 'Operating System',
  },
  purchasedOn: {
    ...date('purchased_on_source'),
    column: 'purchased_on',
    synced: true,
    importHeader: 'Purchased On',
  },
  inServiceOn: {
    ...date('in_service_on_source', 'Starts the refresh clock; purchasedOn is used when it is empty'),
    column: 'in_service_on',
    synced: true,
    importHeader: 'In Service On',
  },
  warrantyExpiresOn: {
    ...date('warranty_expires_on_source'),
    column: 'warranty_expires_on',
    synced: true,
    importHeader: 'Warranty Expires On',
  },
  endOfSupportOn: {
    ...date('end_of_support_on_source', "Overrides the catalogue's end of support for the operating system"),
    column: 'end_of_support_on',
    synced: true,
    importHeader: 'End Of Support On',
  },
  purchaseCost: { ...minorUnits(), column: 'purchase_cost', synced: true, importHeader: 'Purchase Cost' },
  replacementCost: {
    ...minorUnits('Minor units; when empty the lifecycle policy, then purchaseCost, prices the refresh'),
    column: 'replacement_cost',
    synced: true,
    importHeader: 'Replacement Cost',
  },
  lifecycleMonths: {
    input: lifecycleMonthsSchema.nullable().describe('Overrides the lifecycle policy of the category'),
    output: z.int().nullable(),
    sqlType: 'integer',
    column: 'lifecycle_months',
    synced: true,
    importHeader: 'Lifecycle Months',
  },
  status: {
    input: assetStatusSchema,
    output: assetStatusSchema,
    sqlType: 'text',
    initial: 'active',
    column: 'status',
    synced: true,
    importHeader: 'Status',
  },
  notes: { ...freeText(10_000), column: 'notes', synced: true, importHeader: 'Notes' },
  externalSource: {
    ...freeText(100, 'The tool the asset comes from (e.g. "ninjaone"); set together with externalId'),
    column: 'external_source',
    synced: false,
    // An import names the source once for the whole file (?source=).
    importHeader: null,
  },
  externalId: {
    ...freeText(200, "The asset's id in externalSource; unique per client and source"),
    column: 'external_id',
    synced: false,
    importHeader: 'External Id',
  },
} as const satisfies Record<string, AssetFieldSpec>;

type Table = typeof ASSET_FIELDS;
export type AssetFieldName = keyof Table;

/** Every stored field of an asset, after validation. */
export type AssetFields = { -readonly [K in AssetFieldName]: z.output<Table[K]['input']> };

/** The table's rows in order, with their names. */
export const ASSET_FIELD_ENTRIES = Object.entries(ASSET_FIELDS) as {
  [K in AssetFieldName]: [K, Table[K]];
}[AssetFieldName][];
export const ASSET_FIELD_NAMES = ASSET_FIELD_ENTRIES.map(([name]) => name);

type NamesWhere<Condition> = {
  [K in AssetFieldName]: Table[K] extends Condition ? K : never;
}[AssetFieldName];
const namesWhere = <Name extends AssetFieldName>(test: (spec: AssetFieldSpec) => boolean) =>
  ASSET_FIELD_ENTRIES.filter(([, spec]) => test(spec)).map(([name]) => name) as Name[];

export type DateField = NamesWhere<{ sourceColumn: string }>;
export type RequiredField = NamesWhere<{ required: true }>;
export type SyncedField = NamesWhere<{ synced: true }>;
export type ImportableField = NamesWhere<{ importHeader: string }>;
export type TextField = NamesWhere<{ maxLength: number }>;

export const DATE_FIELDS: readonly DateField[] = namesWhere<DateField>(
  (spec) => spec.sourceColumn !== undefined,
);
export const SYNCED_FIELDS: readonly SyncedField[] = namesWhere<SyncedField>((spec) => spec.synced);
export const IMPORTABLE_FIELDS: readonly ImportableField[] = namesWhere<ImportableField>(
  (spec) => spec.importHeader !== null,
);
/** Free-text fields with the most characters each holds. */
export const TEXT_LIMITS = ASSET_FIELD_ENTRIES.flatMap(([name, spec]) =>
  'maxLength' in spec ? [[name, spec.maxLength] as [TextField, number]] : [],
);

export type DateSources = Record<DateField, DateSource | null>;

/** A new asset's values for every field it may leave out. */
export const ASSET_DEFAULTS: Readonly<Omit<AssetFields, RequiredField>> = Object.freeze(
  Object.fromEntries(
    ASSET_FIELD_ENTRIES.filter(([, spec]) => !('required' in spec)).map(([name, spec]) => [
      name,
      'initial' in spec ? spec.initial : null,
    ]),
  ) as Omit<AssetFields, RequiredField>,
);

/** The request schema of every field, keyed by name, in the table's order. */
export const assetInputSchemas = Object.fromEntries(
  ASSET_FIELD_ENTRIES.map(([name, spec]) => [name, spec.input]),
) as { [K in AssetFieldName]: Table[K]['input'] };

/** The response schemas of every field, keyed by name, in the table's order. */
export const assetOutputSchemas = Object.fromEntries(
  ASSET_FIELD_ENTRIES.map(([name, spec]) => [name, spec.output]),
) as { [K in AssetFieldName]: Table[K]['output'] };

/** The fields of any object that carries them (an asset record, a sync item), and only those. */
export function pickAssetFields(value: AssetFields): AssetFields {
  const out: Partial<Record<AssetFieldName, unknown>> = {};
  for (const name of ASSET_FIELD_NAMES) out[name] = value[name];
  return out as AssetFields;
}
