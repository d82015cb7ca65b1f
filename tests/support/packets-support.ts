import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { minorToDecimal } from '../../src/packets/packet-format.js';

/** Reading packets back the way a person would see them: poppler's pdftotext and pdfinfo. */

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcio-packet-test-'));
let sequence = 0;

function writePdf(pdf: Buffer): string {
  const file = path.join(workDir, `packet-${(sequence += 1)}.pdf`);
  fs.writeFileSync(file, pdf);
  return file;
}

/**
 * The PDF's text: `layout` keeps columns where they are on the page (tables read as rows); `raw` keeps the order
 * text was drawn in, so a long name that wraps inside a table cell stays in one piece.
 */
export function pdfText(pdf: Buffer, mode: 'layout' | 'raw' = 'layout'): string {
  return execFileSync('pdftotext', [`-${mode}`, writePdf(pdf), '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The text of each page, in order (pdftotext separates pages with a form feed). */
export function pdfPages(pdf: Buffer): string[] {
  const pages = pdfText(pdf).split('\f');
  if (pages.at(-1)?.trim() === '') pages.pop();
  return pages;
}

export function pdfInfo(pdf: Buffer): { pages: number; pageSize: string } {
  const info = execFileSync('pdfinfo', [writePdf(pdf)], { encoding: 'utf8' });
  return {
    pages: Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]),
    pageSize: /^Page size:\s+(.+)$/m.exec(info)?.[1]?.trim() ?? '',
  };
}

/** How the packet prints an amount in USD: `$1,234.56`, or `1,234.56` in tables. */
export const usd = (minor: number): string =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(
    minorToDecimal(minor, 2) as unknown as number,
  );
export const plainUsd = (minor: number): string => usd(minor).replace('$', '');

/** Turns a printed table amount back into minor units; an em dash is zero. */
export function parseAmount(text: string): number {
  if (text === '—') return 0;
  const match = /^\$?([\d,]+)\.(\d{2})$/.exec(text);
  if (!match) throw new Error(`not an amount: ${text}`);
  return Number(match[1]!.replaceAll(',', '')) * 100 + Number(match[2]);
}

/**
 * The forecast table's rows as printed: label, then eight columns (refresh, initiatives, capex, recurring,
 * initiatives, opex, total, refresh count), recognised by their shape in pdftotext's layout.
 */
export function forecastTableRows(text: string): Map<string, { cells: number[]; refreshCount: number }> {
  const rows = new Map<string, { cells: number[]; refreshCount: number }>();
  const amount = String.raw`(?:[\d,]+\.\d{2}|—)`;
  const pattern = new RegExp(
    String.raw`^\s*(FY\d{4}(?: Q[1-4]| subtotal(?: \(\d of 4 quarters\))?)|Total)\s+` +
      `((?:${amount}\\s+){7})(\\d+)\\s*$`,
  );
  for (const line of text.split('\n')) {
    const match = pattern.exec(line);
    if (!match) continue;
    const cells = match[2]!.trim().split(/\s+/).map(parseAmount);
    rows.set(match[1]!, { cells, refreshCount: Number(match[3]) });
  }
  return rows;
}

/** Text with all white space removed: a long name wraps inside a table cell, its characters stay in order. */
export const squeeze = (text: string): string => text.replace(/\s+/g, '');

/** A valid 1×1 PNG. */
export const tinyPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Where a heading starts in pdftotext's output. Letter-spaced headings come out with stray spaces inside words
 * ("R OA D M A P") depending on the font's kerning, so whitespace between letters is ignored.
 */
export function headingIndex(text: string, heading: string): number {
  const pattern = new RegExp(
    [...heading.replace(/\s+/g, '')].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*'),
  );
  return text.search(pattern);
}

/**
 * How far down each page its content reaches, from 0 (nothing below the running header) to 1 (down to the
 * footer): the PDF is rendered with pdftoppm at 20 dpi in grey, and the lowest pixel row darker than near-white
 * inside the body area (the page less its top and bottom margins, where the running header and footer sit) is
 * taken as a fraction of the body's height. A page stranded by a forced break (a row or two, then white) reads
 * well under 0.2; a full page reads close to 1. Reach rather than ink density, because a dense table and an
 * airy summary are both full pages.
 */
export function pageReach(pdf: Buffer, margins = { topMm: 20, bottomMm: 18 }): number[] {
  const file = writePdf(pdf);
  const prefix = path.join(workDir, `reach-${(sequence += 1)}`);
  execFileSync('pdftoppm', ['-r', '20', '-gray', file, prefix]);
  const pages = fs
    .readdirSync(workDir)
    .filter((name) => name.startsWith(path.basename(prefix) + '-') && name.endsWith('.pgm'))
    .sort();
  return pages.map((name) => {
    const { width, height, pixels } = readPgm(fs.readFileSync(path.join(workDir, name)));
    const pxPerMm = 20 / 25.4;
    const top = Math.ceil(margins.topMm * pxPerMm);
    const bottom = height - Math.ceil(margins.bottomMm * pxPerMm);
    let lowest = top;
    for (let y = top; y < bottom; y += 1) {
      for (let x = 0; x < width; x += 1) {
        if (pixels[y * width + x]! < 235) {
          lowest = y;
          break;
        }
      }
    }
    return (lowest - top) / (bottom - top);
  });
}

/** A binary (P5) greymap: the header's three numbers, then one byte per pixel. */
function readPgm(data: Buffer): { width: number; height: number; pixels: Uint8Array } {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(data.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not a binary PGM');
  const width = Number(header[1]);
  const height = Number(header[2]);
  return { width, height, pixels: data.subarray(header[0].length, header[0].length + width * height) };
}

/** The eyebrow each section of the packet opens with, squeezed ("1·EXECUTIVESUMMARY"). */
export const SECTION_EYEBROWS = [
  '1 · EXECUTIVE SUMMARY',
  '1 · ROADMAP TIMELINE',
  '1 · WHAT CHANGED',
  '2 · BUDGET FORECAST',
  '3 · REFRESH SCHEDULE',
  '4 · RISK',
  '5 · ROADMAP',
  '6 · RECORD',
  'APPENDIX',
].map(squeeze);

/** Whether each page opens a section: the first line under the running header is a section's eyebrow. */
export function opensSection(pages: readonly string[]): boolean[] {
  return pages.map((page) => {
    const lines = page.split('\n').filter((line) => line.trim() !== '');
    const first = squeeze(lines[1] ?? '');
    // Numbered eyebrows ("3 · REFRESH SCHEDULE") open sections too, whatever sections are added later.
    return SECTION_EYEBROWS.includes(first) || /^\d+·[A-Z]/.test(first);
  });
}

/**
 * Words of the given names (longer than three characters) that pdftotext finds broken across a line end: "RVM-LT-"
 * at the end of one line and "ALVAREZ-13" at the start of the next, with or without the hyphen poppler may drop.
 */
export function brokenWords(rawText: string, names: readonly string[]): string[] {
  const lines = rawText.split('\n').map((line) => line.trim());
  const broken = new Set<string>();
  const words = new Set(names.flatMap((name) => name.split(/\s+/)).filter((word) => word.length > 3));
  for (let index = 0; index + 1 < lines.length; index += 1) {
    const end = lines[index]!.split(/\s+/).at(-1) ?? '';
    const start = lines[index + 1]!.split(/\s+/)[0] ?? '';
    if (end === '' || start === '') continue;
    for (const word of words) {
      if (end === word || !word.startsWith(end)) continue;
      const rest = word.slice(end.length);
      // poppler may join a line that ends in a hyphen to the next and drop the hyphen.
      if (rest.startsWith(start) || (rest.startsWith('-') && rest.slice(1).startsWith(start)))
        broken.add(word);
    }
  }
  // Or joined without the hyphen on one line: "RVM-LTALVAREZ-13".
  const tokens = new Set(rawText.split(/\s+/));
  for (const word of words)
    for (let at = word.indexOf('-'); at > 0; at = word.indexOf('-', at + 1))
      if (tokens.has(word.slice(0, at) + word.slice(at + 1))) broken.add(word);
  return [...broken];
}
