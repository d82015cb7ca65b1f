/**
 * A CSV reader for the files people actually export: RFC 4180 plus what spreadsheets and asset tools do to it.
 * No I/O: bytes in, a table out.
 *
 * - Encoding: a UTF-8 or UTF-16 byte order mark wins; then a charset the caller declares (the HTTP
 *   `Content-Type` parameter); then UTF-8 when the bytes are valid UTF-8, else Windows-1252 (what Excel on
 *   Windows writes as "CSV", and what Snipe-IT exports become after a round trip through it).
 * - Line ends: CRLF, LF and a lone CR (old Mac Excel) all end a record, mixed freely.
 * - Quotes: a field that starts with `"` runs to the matching `"`; `""` inside it is one quote, and delimiters
 *   and line ends inside it are data. A quote in the middle of an unquoted field is data (`Macbook 13"`).
 * - Delimiter: `,`, `;` (Excel in most of Europe) or tab, whichever the header line uses most; Excel's
 *   `sep=;` first line is honoured and not counted as a row.
 * - Ragged rows are kept as they are; the caller decides what a short or long row means.
 *
 * Row numbers are what a spreadsheet shows: each record is one row, the first record is row 1, a blank line is
 * a row too, and a quoted field that spans lines stays in its one row. So in a file whose header is the first
 * line, the first data row is row 2.
 */

import { TextDecoder } from 'node:util';

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvRecord {
  /** 1-based, as a spreadsheet numbers it (see the module comment). */
  row: number;
  cells: string[];
}

export interface CsvTable {
  /** The encoding the bytes were read as: `utf-8`, `utf-16le`, `utf-16be`, `windows-1252` or a declared one. */
  encoding: string;
  /** True when the file was not valid UTF-8 and was read as Windows-1252 instead. */
  encodingFallback: boolean;
  delimiter: CsvDelimiter;
  /** The header cells, trimmed. */
  header: string[];
  headerRow: number;
  /** The data records after the header; records whose cells are all blank are left out. */
  records: CsvRecord[];
}

/** The file cannot be read as CSV at all (as opposed to a row whose values are wrong). */
export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly row: number | null,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

export interface DecodedText {
  text: string;
  encoding: string;
  fallback: boolean;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** Formats that people upload by mistake, recognised by their first bytes so that the message can say so. */
const NOT_CSV: { magic: number[]; message: string }[] = [
  {
    magic: [0x50, 0x4b, 0x03, 0x04],
    message: 'This is an Excel workbook or another zip file, not CSV; save it as CSV first',
  },
  {
    magic: [0xd0, 0xcf, 0x11, 0xe0],
    message: 'This is a legacy Excel (.xls) file, not CSV; save it as CSV first',
  },
  { magic: [0x25, 0x50, 0x44, 0x46], message: 'This is a PDF, not CSV' },
];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, index) => bytes[index] === byte);
}

function decoderFor(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}

/** UTF-16 without a byte order mark still shows itself: ASCII text leaves every other byte zero. */
function guessBomlessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const sample = Math.min(bytes.length, 512) & ~1;
  if (sample < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let index = 0; index < sample; index += 2) {
    if (bytes[index] === 0) evenZeros++;
    if (bytes[index + 1] === 0) oddZeros++;
  }
  const pairs = sample / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/** Turns the uploaded bytes into text (see the module comment for the order of the rules). */
export function decodeCsvBytes(bytes: Uint8Array, declaredCharset?: string): DecodedText {
  for (const { magic, message } of NOT_CSV) {
    if (startsWith(bytes, magic)) throw new CsvFormatError(message, null);
  }
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8', fallback: false };
  }
  if (startsWith(bytes, [0xff, 0xfe])) {
    return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le', fallback: false };
  }
  if (startsWith(bytes, [0xfe, 0xff])) {
    return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be', fallback: false };
  }
  const declared = declaredCharset?.trim().toLowerCase();
  if (declared && !['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(declared)) {
    const decoder = decoderFor(declared);
    if (decoder) return { text: decoder.decode(bytes), encoding: decoder.encoding, fallback: false };
  }
  const utf16 = guessBomlessUtf16(bytes);
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes), encoding: utf16, fallback: false };
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true }).decode(bytes),
      encoding: 'utf-8',
      fallback: false,
    };
  } catch {
    // Not UTF-8: the bytes are almost certainly Excel's "CSV" on Windows.
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252', fallback: true };
  }
}

/** The delimiter the header line uses most, counting only outside quotes; `,` when it uses none. */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && (char === ',' || char === ';' || char === '\t')) counts[char]++;
  }
  let best: CsvDelimiter = ',';
  for (const candidate of [';', '\t'] as const) if (counts[candidate] > counts[best]) best = candidate;
  return best;
}

/**
 * Splits text into records. Throws CsvFormatError when a quoted field is never closed: everything after it
 * would be one enormous field, so nothing after it can be trusted.
 */
export function parseCsvRecords(text: string, delimiter: CsvDelimiter): CsvRecord[] {
  const records: CsvRecord[] = [];
  const length = text.length;
  const delimiterCode = delimiter.charCodeAt(0);
  if (length === 0) return records;
  let index = 0;
  let row = 1;
  let cells: string[] = [];
  for (;;) {
    let value: string;
    if (text.charCodeAt(index) === QUOTE) {
      value = '';
      let from = index + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) {
          throw new CsvFormatError(
            `A quoted field that starts in row ${row} is never closed (a missing "?)`,
            row,
          );
        }
        if (text.charCodeAt(quote + 1) === QUOTE) {
          value += text.slice(from, quote + 1);
          from = quote + 2;
          continue;
        }
        value += text.slice(from, quote);
        index = quote + 1;
        break;
      }
      // Text between the closing quote and the delimiter (`"abc"def`) is kept, as spreadsheets do.
      const tail = index;
      while (index < length) {
        const code = text.charCodeAt(index);
        if (code === delimiterCode || code === CR || code === LF) break;
        index++;
      }
      if (index > tail) value += text.slice(tail, index);
    } else {
      const start = index;
      while (index < length) {
        const code = text.charCodeAt(index);
        if (code === delimiterCode || code === CR || code === LF) break;
        index++;
      }
      value = text.slice(start, index);
    }
    cells.push(value);

    if (index >= length) {
      records.push({ row, cells });
      return records;
    }
    const code = text.charCodeAt(index);
    if (code === delimiterCode) {
      index++;
      continue;
    }
    index += code === CR && text.charCodeAt(index + 1) === LF ? 2 : 1;
    records.push({ row, cells });
    if (index >= length) return records;
    cells = [];
    row++;
  }
}

export function isBlankRecord(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

/** Decodes, splits and finds the header: the first record that is not blank. */
export function readCsv(
  bytes: Uint8Array,
  options: { charset?: string | undefined; delimiter?: CsvDelimiter } = {},
): CsvTable {
  const decoded = decodeCsvBytes(bytes, options.charset);
  let text = decoded.text;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  let delimiter = options.delimiter;
  const hint = /^sep=(.)(\r\n|\r|\n)/i.exec(text);
  if (hint && (hint[1] === ',' || hint[1] === ';' || hint[1] === '\t')) {
    delimiter ??= hint[1];
    text = text.slice(hint[0].length);
  }
  delimiter ??= detectDelimiter(text);

  const all = parseCsvRecords(text, delimiter);
  const headerIndex = all.findIndex((record) => !isBlankRecord(record.cells));
  if (headerIndex < 0) throw new CsvFormatError('The file is empty: it has no header row', null);
  const headerRecord = all[headerIndex]!;
  const records: CsvRecord[] = [];
  for (let index = headerIndex + 1; index < all.length; index++) {
    const record = all[index]!;
    if (!isBlankRecord(record.cells)) records.push(record);
  }
  return {
    encoding: decoded.encoding,
    encodingFallback: decoded.fallback,
    delimiter,
    header: headerRecord.cells.map((cell) => cell.trim()),
    headerRow: headerRecord.row,
    records,
  };
}

/** The spreadsheet letter of a 0-based column index: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}
