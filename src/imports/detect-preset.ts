/**
 * Which preset reads an uploaded file, when the person importing it does not say. No I/O.
 *
 * A JSON file is the first JSON preset whose document it is (Graph's `{ value: [...] }`, GLPI's `deviceid` and
 * `content`); a CSV file is the CSV preset whose columns it fills without a header problem and with the most
 * columns bound (Snipe-IT's export binds more of its own columns than the generic preset does); generic when
 * nothing fits, so that the dry run says what is missing.
 */
import { CsvFormatError, readCsv } from './csv.js';
import { JsonInventoryError, readJsonInventory } from './inventory-json.js';
import { bindColumns, PRESET_IDS, PRESETS, type PresetId } from './presets.js';

export interface UploadedFile {
  bytes: Uint8Array;
  charset?: string | undefined;
  /** What the upload says it is, from its media type or file name; undefined when it does not say. */
  declared?: 'csv' | 'json' | undefined;
}

const CSV_TYPES = ['text/csv', 'application/csv', 'application/vnd.ms-excel'];

/** What an upload says it is, from its media type, else its file name; undefined when neither says. */
export function declaredFormat(
  contentType: string | null,
  filename: string | null,
): 'csv' | 'json' | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (CSV_TYPES.includes(type)) return 'csv';
  if (filename && /\.json$/i.test(filename)) return 'json';
  if (filename && /\.csv$/i.test(filename)) return 'csv';
  return undefined;
}

/** Whether the bytes look like JSON: an object or array first, after any byte order mark and white space. */
function looksLikeJson(bytes: Uint8Array): boolean {
  for (const byte of bytes.subarray(0, 4096)) {
    // UTF-8 and UTF-16 byte order marks, NULs of UTF-16, and white space.
    if ([0xef, 0xbb, 0xbf, 0xfe, 0xff, 0x00, 0x20, 0x09, 0x0a, 0x0d].includes(byte)) continue;
    return byte === 0x7b || byte === 0x5b;
  }
  return false;
}

export function isJsonUpload(file: UploadedFile): boolean {
  return file.declared === 'json' || (file.declared === undefined && looksLikeJson(file.bytes));
}

export function detectPreset(file: UploadedFile): PresetId {
  if (isJsonUpload(file)) {
    for (const id of PRESET_IDS) {
      const json = PRESETS[id].json;
      if (!json) continue;
      try {
        readJsonInventory(file.bytes, json);
        return id;
      } catch (error) {
        if (!(error instanceof JsonInventoryError)) throw error;
      }
    }
    return PRESET_IDS.find((id) => PRESETS[id].format === 'json')!;
  }
  const header = csvColumns(file)?.header;
  if (header === undefined) return 'generic';
  let best: { id: PresetId; bound: number } = { id: 'generic', bound: -1 };
  for (const id of PRESET_IDS) {
    if (PRESETS[id].format !== 'csv') continue;
    const bindings = bindColumns(header, PRESETS[id]);
    if (bindings.problems.length > 0) continue;
    const bound = bindings.columns.filter((column) => column.field !== null).length;
    if (bound > best.bound) best = { id, bound };
  }
  return best.id;
}

/**
 * The header cells of a CSV file as it spells them, with the first data row's cells as samples; undefined when
 * the file cannot be read as CSV.
 */
export function csvColumns(file: UploadedFile): { header: string[]; sample: string[] } | undefined {
  try {
    const table = readCsv(file.bytes, { charset: file.charset });
    return { header: table.header, sample: table.records[0]?.cells ?? [] };
  } catch (error) {
    if (error instanceof CsvFormatError) return undefined;
    throw error;
  }
}
