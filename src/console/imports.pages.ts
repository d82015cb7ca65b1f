import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../auth/principal.js';
import { ASSET_FIELD_NAMES, ASSET_FIELDS, type AssetFields } from '../assets/asset.fields.js';
import { getClient, listClients } from '../clients/client.service.js';
import type { Client } from '../clients/client.schemas.js';
import { AppError } from '../http/errors.js';
import { headerParameter, MultipartForm } from '../http/multipart.js';
import { csvColumns, declaredFormat, detectPreset, isJsonUpload } from '../imports/detect-preset.js';
import type { RowOutcome } from '../imports/import-plan.js';
import type { ImportResult } from '../imports/import.schemas.js';
import { columnMappingSchema } from '../imports/import.schemas.js';
import {
  commitImportUpload,
  findImportUpload,
  keepImportUpload,
  mapImportUpload,
  type ImportUpload,
} from '../imports/import-upload.service.js';
import { previewImport, type ImportPreview } from '../imports/import.service.js';
import {
  bindColumns,
  GENERIC_COLUMNS,
  PRESET_IDS,
  PRESETS,
  type ColumnMapping,
  type ImportField,
  type PresetId,
} from '../imports/presets.js';
import type { DateOrder } from '../imports/values.js';
import { DASH, formatDateOrDash, formatMoney } from './console-format.js';
import { layoutOf, requireScope, sendPage } from './console-http.js';
import type { LayoutView } from './console-templates.js';

const PRESET_LABELS: Record<PresetId, string> = {
  generic: 'Generic CSV (our column names)',
  'snipe-it': 'Snipe-IT asset export (CSV)',
  'intune-graph': 'Microsoft Intune managed devices (Graph JSON)',
  glpi: 'GLPI native inventory (JSON)',
};
const AUTO = 'auto';

const DATE_ORDERS: readonly { value: DateOrder; label: string }[] = [
  { value: 'mdy', label: 'Month first (3/4/23 is March 4)' },
  { value: 'dmy', label: 'Day first (3/4/23 is 3 April)' },
];

/** Each asset field by its words, for mapping choices and the preview's changes. */
const FIELD_LABELS: Partial<Record<keyof AssetFields | ImportField, string>> = {
  ...Object.fromEntries(GENERIC_COLUMNS.map(([field, header]) => [field, header])),
  externalSource: 'External Source',
};
const fieldLabel = (field: string): string => FIELD_LABELS[field as ImportField] ?? field;

/** Rows of the preview per page. */
const ROWS_PER_PAGE = 100;

/** The fixed notices a redirect may ask for (`?done=`); nothing from the query is printed as is. */
const NOTICES = {
  mapped: 'The column mapping was applied. Review the dry run below.',
  stale:
    "The client's inventory changed after this dry run, so nothing was imported. This is the new dry run: review it and import again.",
  rejected: 'The file has errors, so nothing was imported.',
} as const;

export interface ImportUploadView extends LayoutView {
  clients: { id: string; name: string; selected: boolean }[];
  presets: { value: string; label: string; selected: boolean }[];
  presetNotes: { label: string; description: string }[];
  dateOrders: { value: string; label: string; selected: boolean }[];
  errors: { client: string | null; file: string | null; preset: string | null };
  hasErrors: boolean;
}

interface UploadForm {
  clientId: string;
  preset: string;
  dateOrder: string;
}

export function importUploadView(
  layout: LayoutView,
  clients: readonly Pick<Client, 'id' | 'name'>[],
  form: UploadForm,
  errors: ImportUploadView['errors'] = { client: null, file: null, preset: null },
): ImportUploadView {
  return {
    ...layout,
    clients: clients.map((client) => ({
      id: client.id,
      name: client.name,
      selected: client.id === form.clientId,
    })),
    presets: [
      { value: AUTO, label: 'Detect from the file', selected: form.preset === AUTO },
      ...PRESET_IDS.map((id) => ({ value: id, label: PRESET_LABELS[id], selected: form.preset === id })),
    ],
    presetNotes: PRESET_IDS.map((id) => ({ label: PRESET_LABELS[id], description: PRESETS[id].description })),
    dateOrders: DATE_ORDERS.map((order) => ({ ...order, selected: order.value === form.dateOrder })),
    errors,
    hasErrors: Object.values(errors).some((error) => error !== null),
  };
}

export interface ImportPreviewView extends LayoutView {
  upload: {
    id: string;
    fileName: string;
    clientName: string;
    clientHref: string;
    preset: string;
    /** How numeric dates are read; null for JSON, whose timestamps say it themselves. */
    dateOrder: string | null;
  };
  notice: string | null;
  tiles: { label: string; value: string; tone: string }[];
  unit: { one: string; column: string };
  columns: { column: string; header: string; field: string }[];
  /** CSV columns have a spreadsheet letter; a JSON field is its path, which the header already says. */
  showLetters: boolean;
  mappingHref: string | null;
  errors: { row: string; column: string; value: string; message: string }[];
  errorsNote: string | null;
  warnings: { where: string; message: string; count: string }[];
  rows: {
    row: number;
    action: string;
    tone: string;
    name: string;
    identity: string;
    changes: { label: string; from: string | null; to: string }[];
  }[];
  rowsCaption: string;
  pages: { previous: string | null; next: string | null; label: string } | null;
  commit: { action: string; fingerprint: string; label: string } | null;
  /** Why there is nothing to commit, when there is not. */
  noCommit: string | null;
  startOverHref: string;
}

function formatValue(field: keyof AssetFields, value: unknown, currency: string): string {
  if (value === null || value === undefined || value === '') return DASH;
  if (field === 'purchaseCost' || field === 'replacementCost') return formatMoney(value as number, currency);
  if (ASSET_FIELDS[field].sqlType === 'date') return formatDateOrDash(value as string);
  return String(value);
}

const ACTIONS: Record<RowOutcome['action'], { label: string; tone: string }> = {
  create: { label: 'New', tone: 'create' },
  update: { label: 'Changed', tone: 'update' },
  unchanged: { label: 'Unchanged', tone: 'unchanged' },
};

/** Changes in the order the asset's fields are listed everywhere else: name, category, manufacturer, … */
const byFieldOrder = (a: { field: keyof AssetFields }, b: { field: keyof AssetFields }) =>
  ASSET_FIELD_NAMES.indexOf(a.field) - ASSET_FIELD_NAMES.indexOf(b.field);

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export function importPreviewView(
  layout: LayoutView,
  upload: Pick<ImportUpload, 'id' | 'fileName' | 'preset' | 'detected' | 'dateOrder'>,
  client: Pick<Client, 'id' | 'name' | 'currency'>,
  preview: ImportPreview,
  options: { page: number; notice: string | null },
): ImportPreviewView {
  const { result, outcomes } = preview;
  const json = PRESETS[upload.preset].format === 'json';
  const unit = json ? { one: 'Record', column: 'Field' } : { one: 'Row', column: 'Column' };
  const pageCount = Math.max(1, Math.ceil(outcomes.length / ROWS_PER_PAGE));
  const page = Math.min(Math.max(1, options.page), pageCount);
  const shown = outcomes.slice((page - 1) * ROWS_PER_PAGE, page * ROWS_PER_PAGE);
  const base = `/imports/${upload.id}`;
  const writes = result.created + result.updated;
  let noCommit: string | null = null;
  if (result.errorCount > 0) {
    noCommit = `Nothing can be imported until the file's ${plural(result.errorCount, 'error')} ${result.errorCount === 1 ? 'is' : 'are'} fixed: an import is all or nothing. Fix the file${json ? '' : ' or the column mapping'} and upload it again.`;
  } else if (writes === 0) {
    noCommit =
      result.rows === 0
        ? 'The file has no rows to import.'
        : 'Nothing to import: every asset in the file is already in the inventory as the file describes it.';
  }
  return {
    ...layout,
    upload: {
      id: upload.id,
      fileName: upload.fileName,
      clientName: client.name,
      clientHref: `/clients/${client.id}`,
      preset: `${PRESET_LABELS[upload.preset]}${upload.detected ? ', detected from the file' : ''}`,
      dateOrder: json ? null : DATE_ORDERS.find((order) => order.value === upload.dateOrder)!.label,
    },
    notice: options.notice,
    tiles: [
      { label: json ? 'Records read' : 'Rows read', value: String(result.rows), tone: '' },
      { label: 'New assets', value: String(result.created), tone: '' },
      { label: 'Changed', value: String(result.updated), tone: '' },
      { label: 'Unchanged', value: String(result.unchanged), tone: '' },
      { label: 'Errors', value: String(result.errorCount), tone: result.errorCount > 0 ? 'alert' : '' },
      { label: 'Warnings', value: String(result.warningCount), tone: '' },
    ],
    unit,
    columns: result.columns.map((column) => ({
      column: column.column,
      header: column.header === '' ? DASH : column.header,
      field: column.field === null ? 'Not imported' : fieldLabel(column.field),
    })),
    showLetters: !json,
    mappingHref: json || result.file === null ? null : `${base}/mapping`,
    errors: result.errors.map((issue) => ({
      row: issue.row === null ? 'File' : String(issue.row),
      column: issue.column ?? DASH,
      value: issue.value ?? DASH,
      message: issue.message,
    })),
    errorsNote:
      result.errorCount > result.errors.length
        ? `The first ${result.errors.length} of ${result.errorCount} errors are listed.`
        : null,
    warnings: result.warnings.map((warning) => ({
      where: [
        warning.row === null ? null : `${unit.one} ${warning.row}`,
        warning.column,
        warning.value === null ? null : `“${warning.value}”`,
      ]
        .filter((part) => part !== null)
        .join(', '),
      message: warning.message,
      count: warning.count > 1 ? `${plural(warning.count, unit.one.toLowerCase())}` : '',
    })),
    rows: shown.map((outcome) => ({
      row: outcome.row,
      action: ACTIONS[outcome.action].label,
      tone: ACTIONS[outcome.action].tone,
      name: outcome.name,
      identity: `${outcome.identity.column}: ${outcome.identity.value}`,
      changes: [...outcome.changes].sort(byFieldOrder).map((change) => ({
        label: fieldLabel(change.field),
        from: outcome.action === 'create' ? null : formatValue(change.field, change.from, client.currency),
        to: formatValue(change.field, change.to, client.currency),
      })),
    })),
    rowsCaption:
      outcomes.length > ROWS_PER_PAGE
        ? `What each ${unit.one.toLowerCase()} would do: ${(page - 1) * ROWS_PER_PAGE + 1}–${(page - 1) * ROWS_PER_PAGE + shown.length} of ${outcomes.length}`
        : `What each ${unit.one.toLowerCase()} would do`,
    pages:
      pageCount > 1
        ? {
            previous: page > 1 ? `${base}?page=${page - 1}` : null,
            next: page < pageCount ? `${base}?page=${page + 1}` : null,
            label: `Page ${page} of ${pageCount}`,
          }
        : null,
    commit:
      noCommit === null
        ? {
            action: `${base}/commit`,
            fingerprint: preview.fingerprint,
            label: `Import ${[
              result.created > 0 ? `${result.created} new` : null,
              result.updated > 0 ? `${result.updated} changed` : null,
            ]
              .filter(Boolean)
              .join(' and ')} ${writes === 1 ? 'asset' : 'assets'} into ${client.name}`,
          }
        : null,
    noCommit,
    startOverHref: `/imports?client=${client.id}`,
  };
}

export interface ImportMappingView extends LayoutView {
  upload: { id: string; fileName: string; clientName: string; previewHref: string };
  columns: {
    index: number;
    letter: string;
    header: string;
    sample: string;
    options: { value: string; label: string; selected: boolean }[];
  }[];
  error: string | null;
}

export function importMappingView(
  layout: LayoutView,
  upload: Pick<ImportUpload, 'id' | 'fileName'>,
  clientName: string,
  columns: { letter: string; header: string; sample: string; field: string | null }[],
  error: string | null = null,
): ImportMappingView {
  return {
    ...layout,
    upload: {
      id: upload.id,
      fileName: upload.fileName,
      clientName,
      previewHref: `/imports/${upload.id}`,
    },
    columns: columns.map((column, index) => ({
      index,
      letter: column.letter,
      header: column.header,
      sample: column.sample === '' ? DASH : column.sample,
      options: [
        { value: '', label: 'Not imported', selected: column.field === null },
        ...GENERIC_COLUMNS.map(([field, label]) => ({
          value: field,
          label,
          selected: column.field === field,
        })),
      ],
    })),
    error,
  };
}

export interface ImportResultView extends LayoutView {
  upload: { fileName: string; clientName: string };
  notice: string;
  tiles: { label: string; value: string; tone: string }[];
  links: { href: string; label: string; primary: boolean }[];
}

export function importResultView(
  layout: LayoutView,
  upload: Pick<ImportUpload, 'fileName'>,
  client: Pick<Client, 'id' | 'name'>,
  result: ImportResult,
): ImportResultView {
  return {
    ...layout,
    upload: { fileName: upload.fileName, clientName: client.name },
    notice: `Imported into ${client.name}: ${plural(result.created, 'new asset')}, ${plural(result.updated, 'asset')} changed, ${result.unchanged} unchanged.`,
    tiles: [
      { label: 'New assets', value: String(result.created), tone: '' },
      { label: 'Changed', value: String(result.updated), tone: '' },
      { label: 'Unchanged', value: String(result.unchanged), tone: '' },
    ],
    links: [
      { href: `/clients/${client.id}/assets`, label: `Open ${client.name}’s inventory`, primary: true },
      { href: `/clients/${client.id}`, label: 'Forecast', primary: false },
      { href: `/imports?client=${client.id}`, label: 'Import another file', primary: false },
    ],
  };
}

/** Every client the user may import into, by name. */
async function allClients(context: AppContext, auth: Principal): Promise<Client[]> {
  const clients: Client[] = [];
  let cursor: string | undefined;
  do {
    const page = await listClients(context.database.db, auth, { limit: 500, cursor });
    clients.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return clients;
}

const commitForm = z.object({ fingerprint: z.string().min(1).max(100) });

/** A form's fields, whether it came urlencoded or as multipart. */
function fieldsOf(req: Request): Map<string, string> {
  const body: unknown = req.body;
  if (body instanceof MultipartForm) return body.fields;
  return new Map(
    Object.entries((body ?? {}) as Record<string, unknown>).flatMap(([name, value]) =>
      typeof value === 'string' ? [[name, value] as [string, string]] : [],
    ),
  );
}

/**
 * The import page: choose a client, upload a CSV or JSON file, choose a preset (or let it be detected) or map the
 * columns, read the dry run row by row, then commit exactly what it showed. The file is kept between the steps
 * (in the database, see import-upload.service.ts). vCIOs and above: the page changes inventory, so even viewing it needs `write`.
 */
export function importPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;
  /** The upload the id names, if it is this session's; else the 404 page. */
  const uploadOf = async (req: Request, auth: Principal): Promise<ImportUpload> => {
    const id: unknown = req.params.uploadId;
    if (!z.uuid().safeParse(id).success) throw new AppError('not_found', 404, 'No such upload');
    return findImportUpload(db, auth, id as string, context.clock.now());
  };

  const showUploadForm = async (
    res: Response,
    status: number,
    auth: Principal,
    form: UploadForm,
    errors?: ImportUploadView['errors'],
  ) => {
    const clients = await allClients(context, auth);
    sendPage<ImportUploadView>(
      res,
      status,
      'import-upload',
      importUploadView(layoutOf(res, 'Import assets', '/imports'), clients, form, errors),
    );
  };

  router.get('/imports', async (req, res) => {
    const auth = requireScope(res, 'write');
    const client = typeof req.query.client === 'string' ? req.query.client : '';
    await showUploadForm(res, 200, auth, { clientId: client, preset: AUTO, dateOrder: 'mdy' });
  });

  router.post('/imports', async (req, res) => {
    const auth = requireScope(res, 'write');
    const body: unknown = req.body;
    const fields = fieldsOf(req);
    const form: UploadForm = {
      clientId: fields.get('clientId') ?? '',
      preset: fields.get('preset') ?? AUTO,
      dateOrder: fields.get('dateOrder') === 'dmy' ? 'dmy' : 'mdy',
    };
    const errors: ImportUploadView['errors'] = { client: null, file: null, preset: null };
    if (!z.uuid().safeParse(form.clientId).success) errors.client = 'Choose the client to import into.';
    const file = body instanceof MultipartForm ? body.files.get('file') : undefined;
    if (!file || file.data.length === 0) errors.file = 'Choose a CSV or JSON file to upload.';
    const chosen = form.preset === AUTO ? AUTO : PRESET_IDS.find((id) => id === form.preset);
    if (!chosen) errors.preset = 'Choose one of the listed presets.';
    if (file && file.data.length > 0 && chosen) {
      const declared = declaredFormat(file.contentType, file.filename);
      const json = isJsonUpload({ bytes: file.data, declared });
      if (chosen !== AUTO && json && PRESETS[chosen].format === 'csv') {
        errors.preset = `The file is JSON, but ${PRESET_LABELS[chosen]} reads CSV. Choose a JSON preset or let the preset be detected.`;
      } else if (chosen !== AUTO && !json && PRESETS[chosen].format === 'json') {
        errors.preset = `${PRESET_LABELS[chosen]} reads JSON, but the file is not JSON. Choose a CSV preset or let the preset be detected.`;
      }
    }
    if (errors.client || errors.file || errors.preset || !file || !chosen) {
      await showUploadForm(res, 422, auth, form, errors);
      return;
    }
    const declaredCharset = file.contentType ? headerParameter(file.contentType, 'charset') : undefined;
    // A charset name longer than any real one is no charset: the file's bytes decide.
    const charset = declaredCharset && declaredCharset.length <= 100 ? declaredCharset : undefined;
    const declared = declaredFormat(file.contentType, file.filename);
    const preset = chosen === AUTO ? detectPreset({ bytes: file.data, charset, declared }) : chosen;
    // Another MSP's client (a forged form) answers the 404 page.
    const id = await keepImportUpload(
      db,
      auth,
      {
        clientId: form.clientId,
        // The name is only shown; a very long one is cut where the page would not show it whole anyway.
        fileName: (file.filename?.trim() || 'upload').slice(0, 300),
        bytes: file.data,
        charset,
        declared,
        preset,
        detected: chosen === AUTO,
        mapping: undefined,
        dateOrder: form.dateOrder as DateOrder,
      },
      context.clock.now(),
    );
    res.redirect(303, `/imports/${id}`);
  });

  const requestOf = (upload: ImportUpload) => ({
    bytes: upload.bytes,
    charset: upload.charset,
    preset: upload.preset,
    mapping: upload.mapping,
    dateOrder: upload.dateOrder,
  });

  router.get('/imports/:uploadId', async (req, res) => {
    const auth = requireScope(res, 'write');
    const upload = await uploadOf(req, auth);
    const client = await getClient(db, auth, upload.clientId);
    if (upload.result) {
      sendPage<ImportResultView>(
        res,
        200,
        'import-result',
        importResultView(layoutOf(res, 'Imported', '/imports'), upload, client, upload.result),
      );
      return;
    }
    const preview = await previewImport(db, auth, upload.clientId, requestOf(upload));
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    const page = Number.parseInt(typeof req.query.page === 'string' ? req.query.page : '1', 10);
    sendPage<ImportPreviewView>(
      res,
      200,
      'import-preview',
      importPreviewView(layoutOf(res, `Dry run: ${upload.fileName}`, '/imports'), upload, client, preview, {
        page: Number.isFinite(page) ? page : 1,
        notice: done in NOTICES ? NOTICES[done as keyof typeof NOTICES] : null,
      }),
    );
  });

  /** The mapping form's columns: the file's headers, a sample value and the field each now feeds. */
  const mappingColumns = (upload: ImportUpload) => {
    const file = csvColumns(upload);
    if (!file) return [];
    const bound = bindColumns(file.header, PRESETS[upload.preset], upload.mapping).columns;
    return file.header.map((text, index) => ({
      letter: bound[index]?.column ?? String(index + 1),
      header: text,
      sample: file.sample[index] ?? '',
      field: bound[index]?.field ?? null,
    }));
  };

  router.get('/imports/:uploadId/mapping', async (req, res) => {
    const auth = requireScope(res, 'write');
    const upload = await uploadOf(req, auth);
    const client = await getClient(db, auth, upload.clientId);
    if (upload.result || PRESETS[upload.preset].format === 'json') {
      res.redirect(303, `/imports/${upload.id}`);
      return;
    }
    sendPage<ImportMappingView>(
      res,
      200,
      'import-mapping',
      importMappingView(
        layoutOf(res, `Map columns: ${upload.fileName}`, '/imports'),
        upload,
        client.name,
        mappingColumns(upload),
      ),
    );
  });

  router.post('/imports/:uploadId/mapping', async (req, res) => {
    const auth = requireScope(res, 'write');
    const upload = await uploadOf(req, auth);
    const client = await getClient(db, auth, upload.clientId);
    if (upload.result || PRESETS[upload.preset].format === 'json') {
      res.redirect(303, `/imports/${upload.id}`);
      return;
    }
    const fields = fieldsOf(req);
    const header = csvColumns(upload)?.header ?? [];
    // The mapping names only the columns whose field differs from the preset's own choice, so that what the
    // preset does beyond one column per field (joining first and last names) stays for the others.
    const presetFields = bindColumns(header, PRESETS[upload.preset]).columns;
    const mapping: Record<string, string | null> = {};
    const named = new Set<string>();
    header.forEach((text, index) => {
      // A blank header cannot be named in a mapping; a repeated one takes the first column's choice.
      if (text.trim() === '' || named.has(text)) return;
      named.add(text);
      const value = fields.get(`column-${index}`) ?? '';
      const field = value === '' ? null : value;
      if (field !== (presetFields[index]?.field ?? null)) mapping[text] = field;
    });
    const parsed = columnMappingSchema.safeParse(mapping);
    if (!parsed.success) {
      const columns = mappingColumns(upload).map((column, index) => {
        const value = fields.get(`column-${index}`) ?? '';
        return { ...column, field: value === '' ? null : value };
      });
      sendPage<ImportMappingView>(
        res,
        400,
        'import-mapping',
        importMappingView(
          layoutOf(res, `Map columns: ${upload.fileName}`, '/imports'),
          upload,
          client.name,
          columns,
          'Choose a field from the list for each column, or Not imported.',
        ),
      );
      return;
    }
    await mapImportUpload(
      db,
      auth,
      upload,
      Object.keys(parsed.data).length > 0 ? (parsed.data as ColumnMapping) : undefined,
    );
    res.redirect(303, `/imports/${upload.id}?done=mapped`);
  });

  router.post('/imports/:uploadId/commit', async (req, res) => {
    const auth = requireScope(res, 'write');
    const upload = await uploadOf(req, auth);
    if (upload.result) {
      res.redirect(303, `/imports/${upload.id}`);
      return;
    }
    const parsed = commitForm.safeParse(Object.fromEntries(fieldsOf(req)));
    if (!parsed.success) {
      res.redirect(303, `/imports/${upload.id}?done=stale`);
      return;
    }
    let result: ImportResult;
    try {
      result = await commitImportUpload(db, auth, upload, parsed.data.fingerprint);
    } catch (error) {
      if (error instanceof AppError && error.code === 'conflict') {
        res.redirect(303, `/imports/${upload.id}?done=stale`);
        return;
      }
      throw error;
    }
    if (!result.committed) {
      res.redirect(303, `/imports/${upload.id}?done=rejected`);
      return;
    }
    res.redirect(303, `/imports/${upload.id}`);
  });

  return router;
}
