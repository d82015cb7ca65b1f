import type { Principal } from '../auth/principal.js';
import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import { AppError } from '../http/errors.js';
import * as uploads from './import-upload.repository.js';
import type { ImportUpload, NewImportUpload } from './import-upload.repository.js';
import type { ImportResult } from './import.schemas.js';
import { importAssets } from './import.service.js';
import type { ColumnMapping } from './presets.js';

export type { ImportUpload, NewImportUpload } from './import-upload.repository.js';

/** How long an upload waits for its commit. */
const UPLOAD_TTL_MS = 60 * 60 * 1000;
/** Uploads one session keeps; a new one pushes out its oldest. */
const KEPT_PER_SESSION = 5;

/** Uploads are kept for a console session: an API key or a process has none and sends its file with each call. */
function sessionIdOf(auth: Principal): string {
  if (auth.actor.kind !== 'user') {
    throw new AppError('forbidden', 403, 'Uploads are kept for console sessions only');
  }
  return auth.actor.sessionId;
}

const noSuchUpload = () => new AppError('not_found', 404, 'No such upload');

/** Keeps a file for its dry run and commit; its id, which only this session and MSP can use. */
export async function keepImportUpload(
  db: Executor,
  auth: Principal,
  upload: NewImportUpload,
  now: Date,
): Promise<string> {
  const sessionId = sessionIdOf(auth);
  // Another MSP's client (or one a limited caller may not see) is a 404.
  await getClient(db, auth, upload.clientId);
  return withTransaction(db, async (trx) => {
    await uploads.pruneImportUploads(trx, auth.mspId, sessionId, KEPT_PER_SESSION - 1, now);
    return uploads.insertImportUpload(
      trx,
      auth.mspId,
      sessionId,
      upload,
      new Date(now.getTime() + UPLOAD_TTL_MS),
    );
  });
}

/** The session's upload; another session's, another MSP's, an expired or a made-up id is a 404. */
export async function findImportUpload(
  db: Executor,
  auth: Principal,
  id: string,
  now: Date,
): Promise<ImportUpload> {
  const upload = await uploads.findImportUpload(db, auth.mspId, sessionIdOf(auth), id, now);
  if (!upload) throw noSuchUpload();
  return upload;
}

export async function mapImportUpload(
  db: Executor,
  auth: Principal,
  upload: Pick<ImportUpload, 'id'>,
  mapping: ColumnMapping | undefined,
): Promise<void> {
  await uploads.setImportUploadMapping(db, auth.mspId, upload.id, mapping);
}

/**
 * Imports the upload exactly as its dry run showed (`fingerprint`), in one transaction with recording the result,
 * or not at all: 409 `conflict` when the client's assets changed since the dry run.
 */
export async function commitImportUpload(
  db: Executor,
  auth: Principal,
  upload: ImportUpload,
  fingerprint: string,
): Promise<ImportResult> {
  return withTransaction(db, async (trx) => {
    const result = await importAssets(trx, auth, upload.clientId, {
      bytes: upload.bytes,
      charset: upload.charset,
      preset: upload.preset,
      mapping: upload.mapping,
      dateOrder: upload.dateOrder,
      commit: true,
      expectedFingerprint: fingerprint,
    });
    if (result.committed) await uploads.setImportUploadResult(trx, auth.mspId, upload.id, result);
    return result;
  });
}
