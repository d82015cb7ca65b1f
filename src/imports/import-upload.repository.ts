import type { Executor } from '../db/database.js';
import type { ImportResult } from './import.schemas.js';
import type { ColumnMapping, PresetId } from './presets.js';
import type { DateOrder } from './values.js';

/** A file uploaded on the console's import page, kept between its dry run and its commit. */
export interface ImportUpload {
  id: string;
  clientId: string;
  fileName: string;
  bytes: Buffer;
  charset: string | undefined;
  declared: 'csv' | 'json' | undefined;
  preset: PresetId;
  /** True when the preset was detected rather than chosen. */
  detected: boolean;
  mapping: ColumnMapping | undefined;
  dateOrder: DateOrder;
  /** What the commit did, once committed; the upload then only shows this. */
  result: ImportResult | null;
}

export type NewImportUpload = Omit<ImportUpload, 'id' | 'result'>;

/** jsonb comes back parsed from pg and PGlite alike; a string (from a driver that does not parse it) is parsed here. */
const parsedJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

export async function insertImportUpload(
  db: Executor,
  mspId: string,
  sessionId: string,
  upload: NewImportUpload,
  expiresAt: Date,
): Promise<string> {
  const row = await db
    .insertInto('import_uploads')
    .values({
      msp_id: mspId,
      session_id: sessionId,
      client_id: upload.clientId,
      file_name: upload.fileName,
      content: upload.bytes,
      charset: upload.charset ?? null,
      declared: upload.declared ?? null,
      preset: upload.preset,
      detected: upload.detected,
      mapping: upload.mapping ? JSON.stringify(upload.mapping) : null,
      date_order: upload.dateOrder,
      expires_at: expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The upload, if it belongs to this MSP and session and has not expired. */
export async function findImportUpload(
  db: Executor,
  mspId: string,
  sessionId: string,
  id: string,
  now: Date,
): Promise<ImportUpload | undefined> {
  const row = await db
    .selectFrom('import_uploads')
    .select([
      'id',
      'client_id',
      'file_name',
      'content',
      'charset',
      'declared',
      'preset',
      'detected',
      'mapping',
      'date_order',
      'result',
    ])
    .where('msp_id', '=', mspId)
    .where('session_id', '=', sessionId)
    .where('id', '=', id)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  const mapping = parsedJson(row.mapping);
  const result = parsedJson(row.result);
  return {
    id: row.id,
    clientId: row.client_id,
    fileName: row.file_name,
    bytes: Buffer.from(row.content),
    charset: row.charset ?? undefined,
    declared: row.declared ?? undefined,
    preset: row.preset as PresetId,
    detected: row.detected,
    mapping: mapping ? (mapping as ColumnMapping) : undefined,
    dateOrder: row.date_order,
    result: result ? (result as ImportResult) : null,
  };
}

export async function setImportUploadMapping(
  db: Executor,
  mspId: string,
  id: string,
  mapping: ColumnMapping | undefined,
): Promise<void> {
  await db
    .updateTable('import_uploads')
    .set({ mapping: mapping ? JSON.stringify(mapping) : null })
    .where('msp_id', '=', mspId)
    .where('id', '=', id)
    .execute();
}

/** Records the commit's result and lets go of the file, which is not needed any more. */
export async function setImportUploadResult(
  db: Executor,
  mspId: string,
  id: string,
  result: ImportResult,
): Promise<void> {
  await db
    .updateTable('import_uploads')
    .set({ result: JSON.stringify(result), content: Buffer.alloc(0) })
    .where('msp_id', '=', mspId)
    .where('id', '=', id)
    .execute();
}

/** Deletes the MSP's expired uploads, and the session's oldest beyond the `keep` newest. */
export async function pruneImportUploads(
  db: Executor,
  mspId: string,
  sessionId: string,
  keep: number,
  now: Date,
): Promise<void> {
  await db.deleteFrom('import_uploads').where('msp_id', '=', mspId).where('expires_at', '<=', now).execute();
  await db
    .deleteFrom('import_uploads')
    .where('msp_id', '=', mspId)
    .where('session_id', '=', sessionId)
    .where(
      'id',
      'not in',
      db
        .selectFrom('import_uploads')
        .select('id')
        .where('msp_id', '=', mspId)
        .where('session_id', '=', sessionId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(keep),
    )
    .execute();
}
