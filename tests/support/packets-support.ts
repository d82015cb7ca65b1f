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
