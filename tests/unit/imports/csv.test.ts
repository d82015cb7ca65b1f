import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  columnLetter,
  CsvFormatError,
  decodeCsvBytes,
  parseCsvRecords,
  readCsv,
} from '../../../src/imports/csv.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'snipe-it');
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name));
const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('readCsv on the Snipe-IT sample exports', () => {
  it('when the file starts with a UTF-8 byte order mark and ends lines with LF, then the BOM is not part of the first header', () => {
    const bytes = fixture('assets-sample.csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const table = readCsv(bytes);
    expect(table.encoding).toBe('utf-8');
    expect(table.encodingFallback).toBe(false);
    expect(table.header[0]).toBe('Company');
    expect(table.header).toHaveLength(21);
    expect(table.records).toHaveLength(22);
    expect(table.records[0]!.row).toBe(2);
    expect(table.records.at(-1)!.row).toBe(23);
  });

  it('when a quoted field holds commas and doubled quotes, then it is one cell with single quotes', () => {
    const table = readCsv(fixture('assets-sample.csv'));
    const second = table.records[1]!.cells;
    expect(second[0]).toBe('Quitzon, Oberbrunner and Dibbert');
    expect(second[8]).toBe('Macbook Pro 13"');
    expect(table.records.every((record) => record.cells.length === 21)).toBe(true);
  });

  it.each(['assets-sample-BAD.csv', 'assets-sample-BLANKS.csv'])(
    'when %s has CR-only line ends and bytes that are not UTF-8, then it is read as Windows-1252 into 200 rows',
    (name) => {
      const bytes = fixture(name);
      expect(bytes.includes(0x0a)).toBe(false);
      const table = readCsv(bytes);
      expect(table.encoding).toBe('windows-1252');
      expect(table.encodingFallback).toBe(true);
      expect(table.records).toHaveLength(200);
      expect(table.records.map((record) => record.row)).toEqual(
        Array.from({ length: 200 }, (_, index) => index + 2),
      );
      const saintEtienne = table.records.find((record) => record.cells.includes('Saint-Ìätienne'));
      expect(saintEtienne?.row).toBe(32);
    },
  );

  it('when the header repeats a name or has blank names, then every column is kept in place', () => {
    expect(
      readCsv(fixture('assets-sample-BAD.csv')).header.filter((name) => name === 'Category'),
    ).toHaveLength(2);
    const blanks = readCsv(fixture('assets-sample-BLANKS.csv')).header;
    expect(blanks.filter((name) => name === '')).toHaveLength(3);
    expect(blanks[4]).toBe('');
  });

  it('when a quoted note spans several lines, then the record keeps its one spreadsheet row and the next row follows it', () => {
    const table = readCsv(fixture('licenses-sample.csv'));
    expect(table.records).toHaveLength(50);
    const first = table.records[0]!;
    expect(first.row).toBe(2);
    expect(first.cells.at(-1)).toContain('\n\nProin interdum');
    expect(table.records[1]!.row).toBe(3);
  });
});

describe('decodeCsvBytes', () => {
  it('when the text is UTF-16 with either byte order mark, then it is decoded as such', () => {
    const text = 'Name,Asset Tag\r\nZoë’s laptop,A-1\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    expect(decodeCsvBytes(le)).toMatchObject({ text, encoding: 'utf-16le' });
    expect(decodeCsvBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toMatchObject({
      text,
      encoding: 'utf-16be',
    });
  });

  it('when UTF-16 comes without a byte order mark, then the zero bytes give it away', () => {
    expect(decodeCsvBytes(Buffer.from('Name,Asset Tag\nLaptop,A-1\n', 'utf16le'))).toMatchObject({
      text: 'Name,Asset Tag\nLaptop,A-1\n',
      encoding: 'utf-16le',
    });
  });

  it('when the bytes are valid UTF-8, then they are UTF-8 even with accents; otherwise Windows-1252', () => {
    expect(decodeCsvBytes(utf8('Café,€5'))).toEqual({ text: 'Café,€5', encoding: 'utf-8', fallback: false });
    expect(decodeCsvBytes(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x2c, 0x80, 0x35]))).toEqual({
      text: 'Café,€5',
      encoding: 'windows-1252',
      fallback: true,
    });
  });

  it('when the upload declares a charset, then it is used instead of guessing', () => {
    expect(decodeCsvBytes(Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]), 'iso-8859-1').text).toBe(
      'Müller',
    );
  });

  it('when a workbook or a PDF is uploaded, then the error says what it is', () => {
    expect(() => decodeCsvBytes(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14]))).toThrow(/Excel workbook/);
    expect(() => decodeCsvBytes(Buffer.from('%PDF-1.7'))).toThrow(/PDF/);
  });
});

describe('parseCsvRecords', () => {
  it('when CRLF, LF and lone CR are mixed, then each ends one record and a final line end adds no record', () => {
    expect(parseCsvRecords('a,b\r\nc,d\ne,f\rg,h\r\n', ',').map((record) => record.cells)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('when quoted fields hold delimiters, line ends of every kind and doubled quotes, then they are data', () => {
    const records = parseCsvRecords('"a,1","line\r\nbreak","cr\ronly","say ""hi"""\nnext,"",x', ',');
    expect(records).toEqual([
      { row: 1, cells: ['a,1', 'line\r\nbreak', 'cr\ronly', 'say "hi"'] },
      { row: 2, cells: ['next', '', 'x'] },
    ]);
  });

  it('when a quote appears inside an unquoted field or after a closing quote, then it is kept as text', () => {
    expect(parseCsvRecords('Macbook 13",5" drive\n"abc"def,x', ',').map((record) => record.cells)).toEqual([
      ['Macbook 13"', '5" drive'],
      ['abcdef', 'x'],
    ]);
  });

  it('when rows are ragged or blank, then they keep their cells and their row numbers', () => {
    expect(parseCsvRecords('a,b,c\n1\n\n1,2,3,4\n,,\n', ',')).toEqual([
      { row: 1, cells: ['a', 'b', 'c'] },
      { row: 2, cells: ['1'] },
      { row: 3, cells: [''] },
      { row: 4, cells: ['1', '2', '3', '4'] },
      { row: 5, cells: ['', '', ''] },
    ]);
  });

  it('when the last field is empty after a trailing delimiter, then it is still a cell', () => {
    expect(parseCsvRecords('a,', ',')).toEqual([{ row: 1, cells: ['a', ''] }]);
  });

  it('when a quoted field is never closed, then the error names the row where it starts', () => {
    const attempt = () => parseCsvRecords('Name,Notes\nA,ok\nB,"runs away\nC,x\n', ',');
    expect(attempt).toThrow(CsvFormatError);
    expect(attempt).toThrow(/starts in row 3/);
  });
});

describe('readCsv', () => {
  it('when the header uses semicolons or tabs, then that is the delimiter', () => {
    expect(readCsv(utf8('Name;Purchase Cost\nPC;1.234,56\n'))).toMatchObject({
      delimiter: ';',
      records: [{ row: 2, cells: ['PC', '1.234,56'] }],
    });
    expect(readCsv(utf8('Name\tAsset Tag\nPC\tA,1\n')).records[0]!.cells).toEqual(['PC', 'A,1']);
  });

  it("when the file starts with Excel's sep= line, then it sets the delimiter and is not a row", () => {
    const table = readCsv(utf8('sep=;\r\nName;Tag\r\nPC;A-1\r\n'));
    expect(table).toMatchObject({ delimiter: ';', header: ['Name', 'Tag'], headerRow: 1 });
    expect(table.records).toEqual([{ row: 2, cells: ['PC', 'A-1'] }]);
  });

  it('when blank lines come before the header and between rows, then rows keep the numbers a spreadsheet shows', () => {
    const table = readCsv(utf8('\n\n Name , Asset Tag \nA,1\n\n,\nB,2\n'));
    expect(table.headerRow).toBe(3);
    expect(table.header).toEqual(['Name', 'Asset Tag']);
    expect(table.records).toEqual([
      { row: 4, cells: ['A', '1'] },
      { row: 7, cells: ['B', '2'] },
    ]);
  });

  it('when the file is empty or blank, then it is a format error', () => {
    expect(() => readCsv(Buffer.alloc(0))).toThrow(/no header row/);
    expect(() => readCsv(utf8('\r\n , \r\n'))).toThrow(/no header row/);
  });
});

describe('columnLetter', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [51, 'AZ'],
    [52, 'BA'],
    [701, 'ZZ'],
    [702, 'AAA'],
  ])('when the column index is %i, then the spreadsheet letter is %s', (index, letter) => {
    expect(columnLetter(index)).toBe(letter);
  });
});
