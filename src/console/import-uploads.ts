import crypto from 'node:crypto';
import type { ImportResult } from '../imports/import.schemas.js';
import type { ColumnMapping, PresetId } from '../imports/presets.js';
import type { DateOrder } from '../imports/values.js';
import type { Clock } from '../shared/clock.js';

/** A file uploaded on the import page, kept between its dry run and its commit so it is not sent twice. */
export interface StoredUpload {
  id: string;
  mspId: string;
  /** The console session that uploaded it: only that session sees it. */
  sessionId: string;
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
  expiresAt: number;
  /** What the commit did, once committed; the upload then only shows this. */
  result: ImportResult | null;
}

export type NewUpload = Omit<StoredUpload, 'id' | 'expiresAt' | 'result'>;

/** How long an upload waits for its commit. */
const UPLOAD_TTL_MS = 60 * 60 * 1000;
/** At most this many bytes of uploads are kept at once; the oldest go first. */
const MAX_KEPT_BYTES = 256 * 1024 * 1024;
/** Uploads one session keeps; a new one pushes out its oldest. */
const MAX_PER_SESSION = 5;

/**
 * Uploads in this process's memory, keyed by a random id and bound to the MSP and the console session that sent
 * them: an id from another session or MSP, guessed or forged, finds nothing. They expire after an hour; nothing
 * here is needed to recover after a restart (the person uploads the file again), and a commit is one transaction
 * of its own. Behind several app processes without sticky sessions, a dry run and its commit may reach different
 * processes: the commit then asks for the file again.
 */
export class ImportUploads {
  private readonly uploads = new Map<string, StoredUpload>();

  constructor(private readonly clock: Clock) {}

  add(upload: NewUpload): StoredUpload {
    this.prune();
    const sessionUploads = [...this.uploads.values()].filter(
      (stored) => stored.sessionId === upload.sessionId,
    );
    for (const stale of sessionUploads.slice(0, Math.max(0, sessionUploads.length - MAX_PER_SESSION + 1))) {
      this.uploads.delete(stale.id);
    }
    const stored: StoredUpload = {
      ...upload,
      id: crypto.randomBytes(18).toString('base64url'),
      expiresAt: this.clock.now().getTime() + UPLOAD_TTL_MS,
      result: null,
    };
    this.uploads.set(stored.id, stored);
    let kept = [...this.uploads.values()].reduce((sum, item) => sum + item.bytes.length, 0);
    for (const oldest of this.uploads.values()) {
      if (kept <= MAX_KEPT_BYTES || oldest.id === stored.id) break;
      kept -= oldest.bytes.length;
      this.uploads.delete(oldest.id);
    }
    return stored;
  }

  /** The upload, if it exists, has not expired and belongs to this MSP and session. */
  find(id: string, owner: { mspId: string; sessionId: string }): StoredUpload | undefined {
    const upload = this.uploads.get(id);
    if (!upload || upload.mspId !== owner.mspId || upload.sessionId !== owner.sessionId) return undefined;
    if (upload.expiresAt <= this.clock.now().getTime()) {
      this.uploads.delete(id);
      return undefined;
    }
    return upload;
  }

  private prune(): void {
    const now = this.clock.now().getTime();
    for (const upload of this.uploads.values()) {
      if (upload.expiresAt <= now) this.uploads.delete(upload.id);
    }
  }
}
