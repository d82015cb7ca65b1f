import crypto from 'node:crypto';
import { insertAssets, updateAssets } from '../assets/asset.repository.js';
import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import type { Principal } from '../auth/principal.js';
import { CsvFormatError, readCsv } from './csv.js';
import {
  planImport,
  reconcile,
  type ImportIssue,
  type ImportPlan,
  type ImportTable,
  type Reconciliation,
  type RowOutcome,
} from './import-plan.js';
import { JsonInventoryError, readJsonInventory } from './inventory-json.js';
import { listAssetsToMatch, lockClientImports, type ImportTarget } from './import.repository.js';
import { MAX_LISTED_ISSUES, type ImportResult } from './import.schemas.js';
import { PRESETS, type ColumnMapping, type PresetId } from './presets.js';
import type { DateOrder } from './values.js';
import { publishEvent } from '../webhooks/webhook-events.js';
import { AppError } from '../http/errors.js';

export interface ImportRequest {
  /** The file as uploaded: CSV, or JSON for the presets that read JSON (intune-graph, glpi). */
  bytes: Uint8Array;
  /** A charset the upload declared (`text/csv; charset=windows-1252`); detected when absent. */
  charset?: string | undefined;
  preset: PresetId;
  mapping?: ColumnMapping | undefined;
  /** False: report what would happen and write nothing. */
  commit: boolean;
  source?: string | undefined;
  dateOrder: DateOrder;
  /**
   * A commit that must write exactly what a dry run showed: the dry run's fingerprint. When the client's assets
   * changed in between (so the commit would write something else), nothing is written and `import_stale` is thrown.
   */
  expectedFingerprint?: string | undefined;
}

/** A dry run as the console shows it: the API's report, each row's outcome, and what a commit must match. */
export interface ImportPreview {
  result: ImportResult;
  outcomes: RowOutcome[];
  /** Digest of the writes the dry run found; pass it back as `expectedFingerprint` to commit exactly those. */
  fingerprint: string;
}

/** The client a file is imported into; amounts are read into its currency's minor units. */
export type ImportInto = Pick<ImportTarget, 'mspId' | 'clientId' | 'currency'>;

/** Rows an UPDATE … FROM jsonb_to_recordset carries per statement. */
const UPDATE_BATCH = 5000;

/** The API's entry: the caller must be able to see the client; another tenant's client is a 404. */
export async function importAssets(
  db: Executor,
  auth: Principal,
  clientId: string,
  request: ImportRequest,
): Promise<ImportResult> {
  const client = await getClient(db, auth, clientId);
  return importIntoClient(db, { mspId: auth.mspId, clientId, currency: client.currency }, request);
}

/** The file read and planned; a file that cannot be read at all is answered at once. */
function planFile(target: ImportInto, request: Omit<ImportRequest, 'commit'>): ImportPlan | ImportResult {
  let table: ImportTable;
  const json = PRESETS[request.preset].json;
  try {
    table = json
      ? readJsonInventory(request.bytes, json)
      : readCsv(request.bytes, { charset: request.charset });
  } catch (error) {
    if (error instanceof CsvFormatError) return unreadableFile(request.preset, error.message, error.row);
    if (error instanceof JsonInventoryError) return unreadableFile(request.preset, error.message, null);
    throw error;
  }
  return planImport(table, {
    preset: request.preset,
    mapping: request.mapping,
    currency: target.currency,
    dateOrder: request.dateOrder,
    externalSource: request.source,
  });
}

const isResult = (planned: ImportPlan | ImportResult): planned is ImportResult => 'committed' in planned;

/** The writes a reconciliation would make, as a digest: equal digests, equal writes. */
function fingerprintOf(reconciliation: Reconciliation): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([reconciliation.creates, reconciliation.updates, reconciliation.unchanged]))
    .digest('base64url');
}

/** A dry run with each row's outcome, for the console's preview; writes nothing. */
export async function previewImport(
  db: Executor,
  auth: Principal,
  clientId: string,
  request: Omit<ImportRequest, 'commit' | 'expectedFingerprint'>,
): Promise<ImportPreview> {
  const client = await getClient(db, auth, clientId);
  const planned = planFile({ mspId: auth.mspId, clientId, currency: client.currency }, request);
  if (isResult(planned)) return { result: planned, outcomes: [], fingerprint: '' };
  const existing = await listAssetsToMatch(db, auth.mspId, clientId);
  const reconciliation = reconcile(planned, existing, { outcomes: true });
  return {
    result: summarize(planned, reconciliation, false),
    outcomes: reconciliation.outcomes,
    fingerprint: fingerprintOf(reconciliation),
  };
}

/**
 * Reads the file, matches it with the client's assets and, when asked to commit and nothing is wrong, writes
 * every create and update in one transaction. With any error nothing is written and `committed` is false.
 */
export async function importIntoClient(
  db: Executor,
  target: ImportInto,
  request: ImportRequest,
): Promise<ImportResult> {
  const plan = planFile(target, request);
  if (isResult(plan)) return plan;

  if (!request.commit || plan.errors.length > 0) {
    const existing = await listAssetsToMatch(db, target.mspId, target.clientId);
    return summarize(plan, reconcile(plan, existing), false);
  }

  return withTransaction(db, async (trx) => {
    await lockClientImports(trx, target.clientId);
    const existing = await listAssetsToMatch(trx, target.mspId, target.clientId);
    const reconciliation = reconcile(plan, existing);
    if (reconciliation.errors.length > 0) return summarize(plan, reconciliation, false);
    if (
      request.expectedFingerprint !== undefined &&
      fingerprintOf(reconciliation) !== request.expectedFingerprint
    ) {
      throw new AppError(
        'conflict',
        409,
        "The client's inventory changed since the dry run; nothing was imported. Review the new dry run.",
      );
    }
    await insertAssets(trx, target.mspId, target.clientId, reconciliation.creates);
    for (let start = 0; start < reconciliation.updates.length; start += UPDATE_BATCH) {
      await updateAssets(
        trx,
        target.mspId,
        target.clientId,
        reconciliation.updates.slice(start, start + UPDATE_BATCH),
      );
    }
    const result = summarize(plan, reconciliation, true);
    await publishEvent(trx, target.mspId, 'import.committed', {
      clientId: target.clientId,
      preset: result.preset,
      rows: result.rows,
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
    });
    return result;
  });
}

function byRow(a: ImportIssue, b: ImportIssue): number {
  return (a.row ?? 0) - (b.row ?? 0);
}

function summarize(plan: ImportPlan, reconciliation: Reconciliation, committed: boolean): ImportResult {
  const errors = [...plan.errors, ...reconciliation.errors].sort(byRow);
  const warnings = [...plan.warnings, ...reconciliation.warnings].sort(byRow);
  return {
    committed,
    preset: plan.preset,
    rows: plan.rows,
    created: reconciliation.creates.length,
    updated: reconciliation.updates.length,
    unchanged: reconciliation.unchanged,
    errorCount: errors.length,
    errors: errors.slice(0, MAX_LISTED_ISSUES),
    warningCount: warnings.length,
    warnings: warnings.slice(0, MAX_LISTED_ISSUES),
    file: {
      format: plan.format,
      encoding: plan.encoding,
      delimiter: plan.delimiter,
      headerRow: plan.headerRow,
    },
    columns: plan.columns,
  };
}

function unreadableFile(preset: PresetId, message: string, row: number | null): ImportResult {
  return {
    committed: false,
    preset,
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    errorCount: 1,
    errors: [{ row, column: null, value: null, message }],
    warningCount: 0,
    warnings: [],
    file: null,
    columns: [],
  };
}
