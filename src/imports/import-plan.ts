/**
 * From a parsed file to what the import will do. No I/O: `planImport` reads every row into asset values and
 * row errors; `reconcile` matches the planned assets with the client's stored ones and splits them into
 * creates, updates and unchanged.
 *
 * The rules an MSP can rely on:
 * - An asset is recognised by its external id when the file maps one, else its asset tag, else its serial
 *   number, within the client. A row with none of the three is an error: importing it twice would add it twice.
 *   An external id that is new adopts a stored asset with the row's tag (or serial) that has no external id.
 * - A blank cell leaves the stored value alone (an export that lacks a value does not erase one typed in by
 *   hand); only new assets take defaults: category `other`, status `active`.
 * - Every date the import writes is recorded as coming from `import`; a date the file repeats unchanged keeps
 *   the provenance it had.
 * - Unknown categories and statuses are warnings, not errors: the asset is imported as `other` / `active`.
 */
import {
  ASSET_FIELDS,
  DATE_FIELDS,
  MAX_LIFECYCLE_MONTHS,
  TEXT_LIMITS,
  type AssetFields,
  type ImportableField,
  type TextField,
} from '../assets/asset.fields.js';
import { planAssetWrite, type AssetWrite } from '../assets/asset.write-plan.js';
import type { CsvTable } from './csv.js';
import type { JsonTable } from './inventory-json.js';
import {
  bindColumns,
  headerLabel,
  PRESETS,
  type BoundSource,
  type ColumnMapping,
  type ColumnReport,
  type ImportField,
  type PresetId,
} from './presets.js';
import {
  isZeroDate,
  looksLikeScientificNotation,
  mapCategory,
  mapStatus,
  parseImportDate,
  parseMoney,
  parseWholeNumber,
  warrantyEndOn,
  type DateOrder,
} from './values.js';

/** A problem with one cell, one row or (row null or the header row) the whole file. */
export interface ImportIssue {
  row: number | null;
  column: string | null;
  value: string | null;
  message: string;
}

/** A warning, once per kind and value, with how many rows it concerns; `row` is the first of them. */
export interface ImportWarning extends ImportIssue {
  count: number;
}

export type IdentityKind = 'externalId' | 'assetTag' | 'serialNumber';

export interface PlannedAsset {
  row: number;
  identity: { kind: IdentityKind; value: string; column: string };
  /** The values the row gives; a field it leaves blank is absent. */
  values: Partial<AssetFields>;
  /** The name a new asset gets when the row has none (the preset allows nameless rows). */
  fallbackName: string | null;
}

/** What the planner reads: a CSV file's table, or a JSON inventory's records as columns (inventory-json.ts). */
export type ImportTable = (CsvTable & { format?: 'csv' }) | JsonTable;

export interface ImportPlan {
  preset: PresetId;
  externalSource: string;
  format: 'csv' | 'json';
  encoding: string;
  /** CSV only: the delimiter and the header's row. */
  delimiter: string | null;
  headerRow: number | null;
  /** Data rows read (blank rows are not counted). */
  rows: number;
  columns: ColumnReport[];
  /** How errors name each mapped field's column. */
  fieldColumns: Partial<Record<ImportField, string>>;
  assets: PlannedAsset[];
  errors: ImportIssue[];
  warnings: ImportWarning[];
}

export interface PlanOptions {
  preset: PresetId;
  mapping?: ColumnMapping | undefined;
  /** The client's currency: amounts are read into its minor units. */
  currency: string;
  dateOrder?: DateOrder | undefined;
  /**
   * Stored with assets recognised by external id: the preset's own (`intune`, `glpi`), else `import:<preset>`,
   * unless the caller names one.
   */
  externalSource?: string | undefined;
}

/** The free-text fields a file can fill, with the most characters each holds. */
const IMPORTED_TEXT_LIMITS = TEXT_LIMITS.filter(
  (entry): entry is [TextField & ImportableField, number] => ASSET_FIELDS[entry[0]].importHeader !== null,
);

const MONEY_FIELDS = ['purchaseCost', 'replacementCost'] as const;

/** What exports write for "no value" in a date, number or money column. */
const PLACEHOLDERS = new Set(['-', '--', 'n/a', 'na', 'none', 'null', 'unknown', '?', 'tbd']);

const IDENTITY_LABEL: Record<IdentityKind, string> = {
  externalId: 'External Id',
  assetTag: 'Asset Tag',
  serialNumber: 'Serial Number',
};

export const defaultExternalSource = (preset: PresetId): string =>
  PRESETS[preset].externalSource ?? `import:${preset}`;

/** Collects warnings once per group, counting the rows each concerns. */
class WarningLog {
  private readonly groups = new Map<string, ImportWarning>();

  add(group: string, issue: ImportIssue): void {
    const existing = this.groups.get(group);
    if (existing) existing.count++;
    else this.groups.set(group, { ...issue, count: 1 });
  }

  list(): ImportWarning[] {
    return [...this.groups.values()].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  }
}

interface CellValue {
  text: string;
  column: string;
}

/** The first non-blank value among a field's sources; same-named columns that disagree are an error. */
function readField(
  cells: readonly string[],
  sources: readonly BoundSource[] | undefined,
  header: readonly string[],
  onConflict: (issue: Omit<ImportIssue, 'row'>) => void,
): CellValue | undefined {
  if (!sources) return undefined;
  for (const source of sources) {
    if (source.kind === 'join') {
      const parts = source.indexes.map((index) => (cells[index] ?? '').trim()).filter((part) => part !== '');
      if (parts.length > 0) return { text: parts.join(' '), column: source.label };
      continue;
    }
    let found: { text: string; index: number } | undefined;
    for (const index of source.indexes) {
      const text = (cells[index] ?? '').trim();
      if (text === '') continue;
      if (!found) found = { text, index };
      else if (found.text !== text) {
        onConflict({
          column: source.label,
          value: text,
          message: `disagrees with the other "${source.label}" column (${headerLabel(header, found.index)} says "${found.text}"); the file has this column twice`,
        });
      }
    }
    if (found) return { text: found.text, column: source.label };
  }
  return undefined;
}

/** Reads every data row of the file. */
export function planImport(table: ImportTable, options: PlanOptions): ImportPlan {
  const preset = PRESETS[options.preset];
  const externalSource = options.externalSource ?? defaultExternalSource(options.preset);
  const dateOrder = options.dateOrder ?? 'mdy';
  const bindings = bindColumns(table.header, preset, options.mapping);
  const warnings = new WarningLog();
  const errors: ImportIssue[] = table.format === 'json' ? [...table.errors] : [];
  if (table.format === 'json') {
    for (const warning of table.warnings) warnings.add(`json:${warning.column}`, warning);
  }
  const fieldColumns: Partial<Record<ImportField, string>> = {};
  for (const [field, sources] of Object.entries(bindings.fields)) {
    if (sources?.[0]) fieldColumns[field as ImportField] = sources[0].label;
  }
  const base = {
    preset: options.preset,
    externalSource,
    format: table.format ?? 'csv',
    encoding: table.encoding,
    delimiter: table.delimiter,
    headerRow: table.headerRow,
    // A JSON record whose values could not be read is counted here but not among the records to plan.
    rows: table.format === 'json' ? table.recordCount : table.records.length,
    // A JSON column is its path; a spreadsheet letter would mean nothing.
    columns:
      table.format === 'json'
        ? bindings.columns.map((column) => ({ ...column, column: column.header }))
        : bindings.columns,
    fieldColumns,
  };

  if (table.encodingFallback) {
    warnings.add('encoding', {
      row: null,
      column: null,
      value: null,
      message:
        'The file is not valid UTF-8; it was read as Windows-1252 (what Excel on Windows saves as CSV)',
    });
  }
  if (bindings.problems.length > 0) {
    const headerErrors = bindings.problems.map((problem) => ({
      row: table.headerRow,
      column: problem.column,
      value: null,
      message: problem.message,
    }));
    return { ...base, assets: [], errors: headerErrors, warnings: warnings.list() };
  }
  const unmapped = bindings.columns.filter((column) => column.field === null && column.header !== '');
  if (unmapped.length > 0) {
    warnings.add('unmapped', {
      row: table.headerRow,
      column: null,
      value: null,
      message: `These columns are not imported: ${[...new Set(unmapped.map((column) => column.header))].join(', ')}`,
    });
  }

  const assets: PlannedAsset[] = [];
  const seen = new Map<string, number>();
  // A file repeats a handful of category and status labels many thousand times.
  const categories = new Map<string, ReturnType<typeof mapCategory>>();
  const statuses = new Map<string, ReturnType<typeof mapStatus>>();
  const tenants = new Set<string>();
  const fields = bindings.fields;

  for (const record of table.records) {
    const { row, cells } = record;
    const rowErrors: ImportIssue[] = [];
    const fail = (column: string | null, value: string | null, message: string) =>
      rowErrors.push({ row, column, value, message });
    const read = (field: ImportField) =>
      readField(cells, fields[field], table.header, (issue) => rowErrors.push({ row, ...issue }));

    if (cells.length > table.header.length) {
      const extra = cells.slice(table.header.length).filter((cell) => cell.trim() !== '');
      if (extra.length > 0) {
        fail(
          null,
          extra[0]!,
          `has ${cells.length} cells but the header has ${table.header.length}; a value with an unquoted comma shifts the columns`,
        );
      }
    }
    if (bindings.tenantColumn !== undefined) {
      const tenant = (cells[bindings.tenantColumn] ?? '').trim();
      if (tenant) tenants.add(tenant);
    }

    const values: Partial<AssetFields> = {};
    for (const [field, limit] of IMPORTED_TEXT_LIMITS) {
      const cell = read(field);
      if (!cell) continue;
      if (cell.text.length > limit)
        fail(cell.column, cell.text.slice(0, 50), `is longer than ${limit} characters`);
      else if (cell.text.includes('\u0000')) fail(cell.column, cell.text, 'contains a NUL character');
      else values[field] = cell.text;
    }
    for (const field of ['serialNumber', 'assetTag', 'externalId'] as const) {
      const value = values[field];
      if (value && looksLikeScientificNotation(value)) {
        warnings.add(`scientific:${field}`, {
          row,
          column: fieldColumns[field] ?? null,
          value,
          message:
            'looks like a number that Excel turned into scientific notation; the original digits are lost',
        });
      }
    }

    const typed = (field: ImportField): CellValue | undefined => {
      const cell = read(field);
      return cell && !PLACEHOLDERS.has(cell.text.toLowerCase()) ? cell : undefined;
    };
    for (const field of DATE_FIELDS) {
      const cell = typed(field);
      if (!cell || isZeroDate(cell.text)) continue;
      const parsed = parseImportDate(cell.text, dateOrder);
      if (parsed.error !== undefined) fail(cell.column, cell.text, parsed.error);
      else values[field] = parsed.value;
    }
    for (const field of MONEY_FIELDS) {
      const cell = typed(field);
      if (!cell) continue;
      const parsed = parseMoney(cell.text, options.currency);
      if (parsed.error !== undefined) fail(cell.column, cell.text, parsed.error);
      else values[field] = parsed.value;
    }
    const lifecycle = typed('lifecycleMonths');
    if (lifecycle) {
      const parsed = parseWholeNumber(lifecycle.text, 1, MAX_LIFECYCLE_MONTHS, 'months');
      if (parsed.error !== undefined) fail(lifecycle.column, lifecycle.text, parsed.error);
      else values.lifecycleMonths = parsed.value;
    }
    const warranty = typed('warrantyMonths');
    if (warranty) {
      const parsed = parseWholeNumber(warranty.text, 0, MAX_LIFECYCLE_MONTHS, 'months');
      if (parsed.error !== undefined) fail(warranty.column, warranty.text, parsed.error);
      else if (parsed.value > 0 && values.warrantyExpiresOn === undefined) {
        // An explicit warranty end date, when the file has one, wins over the months.
        if (values.purchasedOn) values.warrantyExpiresOn = warrantyEndOn(values.purchasedOn, parsed.value);
        else if (!rowErrors.some((issue) => issue.column === fieldColumns.purchasedOn)) {
          warnings.add('warranty-without-purchase', {
            row,
            column: warranty.column,
            value: warranty.text,
            message:
              'gives warranty months but the row has no purchase date to count them from; the warranty end is left empty',
          });
        }
      }
    }

    const category = read('category');
    if (category) {
      let mapped = categories.get(category.text);
      if (!mapped) categories.set(category.text, (mapped = mapCategory(category.text)));
      values.category = mapped.category;
      if (!mapped.known) {
        warnings.add(`category:${category.text.toLowerCase()}`, {
          row,
          column: category.column,
          value: category.text,
          message: 'is not a category we know; imported as other',
        });
      }
    }
    const status = read('status');
    if (status) {
      const statusKey = `${values.assignedTo !== undefined}:${status.text}`;
      let mapped = statuses.get(statusKey);
      if (!mapped)
        statuses.set(statusKey, (mapped = mapStatus(status.text, values.assignedTo !== undefined)));
      values.status = mapped.status;
      if (!mapped.known) {
        warnings.add(`status:${status.text.toLowerCase()}`, {
          row,
          column: status.column,
          value: status.text,
          message: 'is not a status we know; imported as active',
        });
      }
    }

    const identityKind = (['externalId', 'assetTag', 'serialNumber'] as const).find(
      (kind) => values[kind] !== undefined,
    );
    let identity: PlannedAsset['identity'] | undefined;
    if (identityKind) {
      const value = values[identityKind]!;
      identity = {
        kind: identityKind,
        value,
        column: fieldColumns[identityKind] ?? IDENTITY_LABEL[identityKind],
      };
      const key = `${identityKind}\u0000${value}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, row);
      else fail(identity.column, value, `is also in row ${first}; each asset may appear only once in a file`);
    } else {
      const names = (['externalId', 'assetTag', 'serialNumber'] as const)
        .filter((kind) => fields[kind])
        .map((kind) => `"${fieldColumns[kind]}"`);
      fail(
        null,
        null,
        `has no ${names.join(', ').replace(/, ([^,]*)$/, ' or $1')}: without one a later import could not recognise the asset`,
      );
    }

    if (rowErrors.length > 0 || !identity) {
      errors.push(...rowErrors);
      continue;
    }
    const fallbackName = preset.nameFallback
      ? [values.manufacturer, values.model].filter(Boolean).join(' ') ||
        values.assetTag ||
        values.serialNumber ||
        null
      : null;
    assets.push({ row, identity, values, fallbackName });
  }

  if (tenants.size > 1 && preset.tenantColumn) {
    const names = [...tenants].slice(0, 5).join(', ');
    warnings.add('tenants', {
      row: null,
      column: preset.tenantColumn,
      value: null,
      message: `The file holds assets of ${tenants.size} companies (${names}${tenants.size > 5 ? ', …' : ''}); all of them are imported into this client`,
    });
  }
  return { ...base, assets, errors, warnings: warnings.list() };
}

export type { AssetWrite } from '../assets/asset.write-plan.js';

/** A stored asset, as far as matching and comparing need it. */
export interface ExistingAsset extends AssetWrite {
  id: string;
}

/** One field an update changes, with the stored value and the file's. */
export interface FieldChange {
  field: keyof AssetFields;
  from: AssetFields[keyof AssetFields];
  to: AssetFields[keyof AssetFields];
}

/** What the import does with one row that has no error: the preview a person reads row by row. */
export interface RowOutcome {
  row: number;
  action: 'create' | 'update' | 'unchanged';
  /** The asset's name: the stored one for a match, else the one the new asset gets. */
  name: string;
  identity: { column: string; value: string };
  /** For an update, the fields it changes; for a create, the fields the file gives. */
  changes: FieldChange[];
}

export interface Reconciliation {
  creates: AssetWrite[];
  updates: (AssetWrite & { id: string })[];
  unchanged: number;
  errors: ImportIssue[];
  warnings: ImportWarning[];
  /** Row by row, in the file's order; only when asked for (a large file's API import does not need them). */
  outcomes: RowOutcome[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The stored assets a planned row is: those with its identity; for an external id that no stored asset has yet,
 * those with the row's asset tag (else serial) that carry no external id at all, so that a file that gained an
 * ID column adopts the assets an earlier import created instead of duplicating them.
 */
function findMatches(
  byKind: Record<IdentityKind, Map<string, ExistingAsset[]>>,
  { identity, values }: PlannedAsset,
  fieldColumns: ImportPlan['fieldColumns'],
): { matches: ExistingAsset[]; via: { column: string; value: string } } {
  const direct = byKind[identity.kind].get(identity.value) ?? [];
  if (direct.length > 0 || identity.kind !== 'externalId') {
    return { matches: direct, via: { column: identity.column, value: identity.value } };
  }
  for (const kind of ['assetTag', 'serialNumber'] as const) {
    const value = values[kind];
    if (!value) continue;
    const unclaimed = (byKind[kind].get(value) ?? []).filter((asset) => asset.fields.externalId === null);
    if (unclaimed.length > 0)
      return { matches: unclaimed, via: { column: fieldColumns[kind] ?? IDENTITY_LABEL[kind], value } };
  }
  return { matches: [], via: { column: identity.column, value: identity.value } };
}

/** Matches the plan with the client's assets: what to create, what to change, what is already so. */
export function reconcile(
  plan: ImportPlan,
  existing: readonly ExistingAsset[],
  options: { outcomes?: boolean } = {},
): Reconciliation {
  const byKind: Record<IdentityKind, Map<string, ExistingAsset[]>> = {
    externalId: new Map(),
    assetTag: new Map(),
    serialNumber: new Map(),
  };
  for (const asset of existing) {
    if (asset.fields.externalSource === plan.externalSource && asset.fields.externalId !== null) {
      push(byKind.externalId, asset.fields.externalId, asset);
    }
    if (asset.fields.assetTag !== null) push(byKind.assetTag, asset.fields.assetTag, asset);
    if (asset.fields.serialNumber !== null) push(byKind.serialNumber, asset.fields.serialNumber, asset);
  }

  const creates: AssetWrite[] = [];
  const updates: (AssetWrite & { id: string })[] = [];
  const errors: ImportIssue[] = [];
  const warnings = new WarningLog();
  const claimedBy = new Map<string, number>();
  const outcomes: RowOutcome[] = [];
  let unchanged = 0;

  for (const planned of plan.assets) {
    const { row, identity, values } = planned;
    const { matches, via } = findMatches(byKind, planned, plan.fieldColumns);
    if (matches.length > 1) {
      errors.push({
        row,
        column: via.column,
        value: via.value,
        message: `matches ${matches.length} assets of this client; give them distinct values before importing`,
      });
      continue;
    }
    const target = matches[0];
    if (!target) {
      const name = values.name ?? planned.fallbackName;
      if (!name) {
        errors.push({
          row,
          column: plan.fieldColumns.name ?? 'Name',
          value: null,
          message: 'is empty; a new asset needs a name',
        });
        continue;
      }
      if (values.category === undefined) {
        warnings.add('category-empty', {
          row,
          column: plan.fieldColumns.category ?? null,
          value: null,
          message: plan.fieldColumns.category
            ? 'is empty; new assets without a category are imported as other'
            : 'The file has no Category column; new assets are imported as other',
        });
      }
      const { fields, dateSources } = planAssetWrite(
        undefined,
        {
          ...values,
          name,
          category: values.category ?? 'other',
          externalSource: identity.kind === 'externalId' ? plan.externalSource : null,
          externalId: identity.kind === 'externalId' ? identity.value : null,
        },
        'import',
      );
      creates.push({ fields, dateSources });
      if (options.outcomes) {
        outcomes.push({
          row,
          action: 'create',
          name,
          identity: { column: identity.column, value: identity.value },
          changes: (Object.keys(fields) as (keyof AssetFields)[])
            .filter((field) => fields[field] !== null)
            .map((field) => ({ field, from: null, to: fields[field] })),
        });
      }
      continue;
    }

    const firstRow = claimedBy.get(target.id);
    if (firstRow !== undefined) {
      errors.push({
        row,
        column: identity.column,
        value: identity.value,
        message: `is the same asset as row ${firstRow} (matched through another column); each asset may appear only once`,
      });
      continue;
    }
    claimedBy.set(target.id, row);
    // An asset first imported without external ids takes this file's source with its id (see findMatches).
    const given =
      identity.kind === 'externalId' ? { ...values, externalSource: plan.externalSource } : values;
    const { fields, dateSources, changed } = planAssetWrite(target, given, 'import');
    if (changed) updates.push({ id: target.id, fields, dateSources });
    else unchanged++;
    if (options.outcomes) {
      outcomes.push({
        row,
        action: changed ? 'update' : 'unchanged',
        name: target.fields.name,
        identity: { column: identity.column, value: identity.value },
        changes: (Object.keys(fields) as (keyof AssetFields)[])
          .filter((field) => fields[field] !== target.fields[field])
          .map((field) => ({ field, from: target.fields[field], to: fields[field] })),
      });
    }
  }
  return { creates, updates, unchanged, errors, warnings: warnings.list(), outcomes };
}
