import { z } from 'zod';
import { requiredText, uuid } from '../http/schemas.js';
import { GENERIC_COLUMNS, IMPORT_FIELDS, PRESET_IDS, PRESETS } from './presets.js';

/** The largest file an import accepts: about 200,000 rows of a typical export. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** Errors and warnings an answer lists; the counts say how many there were in all. */
export const MAX_LISTED_ISSUES = 1000;

export const IMPORT_MEDIA_TYPES = [
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
  'application/json',
  'multipart/form-data',
];

export const importParams = z.object({ clientId: uuid });

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

export const importQuery = z.strictObject({
  preset: z
    .enum(PRESET_IDS, { error: `must be one of ${PRESET_IDS.join(', ')}` })
    .default('generic')
    .describe(
      `What the file is. ${PRESET_IDS.map((id) => `${id} (${PRESETS[id].format.toUpperCase()}): ${PRESETS[id].description}`).join(' ')}`,
    ),
  commit: booleanFlag
    .default(false)
    .describe(
      'false (the default) only reports what would happen; true writes, all or nothing, and only without errors',
    ),
  source: requiredText(100)
    .optional()
    .describe(
      'Stored as externalSource on assets recognised by an external id; default intune for intune-graph, glpi for glpi, else import:<preset>',
    ),
  dateOrder: z
    .enum(['mdy', 'dmy'], { error: 'must be mdy or dmy' })
    .default('mdy')
    .describe('How to read numeric dates such as 3/4/23: month first (mdy, US exports) or day first (dmy)'),
});
export type ImportQuery = z.output<typeof importQuery>;

export const importFieldSchema = z.enum(IMPORT_FIELDS, {
  error: `must be one of ${IMPORT_FIELDS.join(', ')} (or null to leave the column out)`,
});

/** `{ "<their column header>": "<our field>" | null }` */
export const columnMappingSchema = z
  .record(z.string().min(1).max(200), importFieldSchema.nullable())
  .refine((mapping) => Object.keys(mapping).length <= 200, 'must name at most 200 columns')
  .describe(
    `Your column header → our field (${GENERIC_COLUMNS.map(([field]) => field).join(', ')}), or null to leave a ` +
      'column out; it wins over the preset for the columns it names',
  );

const issueFields = {
  row: z
    .int()
    .nullable()
    .describe(
      'CSV: as a spreadsheet numbers it (the header is row 1, the first data row is row 2). JSON: the record, ' +
        'counted from 1 in the order the file lists them',
    ),
  column: z
    .string()
    .nullable()
    .describe('The header of the column as the file spells it; for JSON, the path of the field'),
  value: z.string().nullable(),
  message: z.string(),
};

export const importIssueSchema = z.object(issueFields);
export const importWarningSchema = z.object({
  ...issueFields,
  count: z.int().describe('How many rows this warning concerns; row is the first of them'),
});

export const importResultSchema = z.object({
  committed: z.boolean().describe('True when the assets were written'),
  preset: z.enum(PRESET_IDS),
  rows: z.int().describe('Data rows read; blank rows are skipped'),
  created: z.int(),
  updated: z.int(),
  unchanged: z.int(),
  errorCount: z.int(),
  errors: z.array(importIssueSchema).describe(`Row errors, the first ${MAX_LISTED_ISSUES}`),
  warningCount: z.int(),
  warnings: z.array(importWarningSchema),
  file: z
    .object({
      format: z.enum(['csv', 'json']).describe('json for the intune-graph and glpi presets, else csv'),
      encoding: z.string().describe('utf-8, utf-16le, utf-16be or windows-1252'),
      delimiter: z.string().nullable().describe('CSV only; null for JSON'),
      headerRow: z.int().nullable().describe('CSV only; null for JSON'),
    })
    .nullable()
    .describe(
      "How the file was read; null when it could not be read at all (not CSV, or not the preset's JSON)",
    ),
  columns: z
    .array(
      z.object({
        column: z.string().describe("The spreadsheet letter; for JSON, the field's path"),
        header: z.string(),
        field: z.string().nullable(),
      }),
    )
    .describe('Which field each column (or JSON field) fed; null when it was not imported'),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** The 422 answer to a commit that found errors: a problem document that also carries the import's report. */
export const importRejectedSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.literal(422),
  detail: z.string(),
  code: z.literal('import_rejected'),
  ...importResultSchema.shape,
  errors: z.array(
    importIssueSchema.extend({
      path: z
        .string()
        .describe('The row and column (record and field for JSON), for generic problem readers'),
    }),
  ),
});
