import type { LayoutView } from '../../../src/console/console-templates.js';
import { importPreviewView } from '../../../src/console/imports.pages.js';
import type { RowOutcome } from '../../../src/imports/import-plan.js';
import type { ImportResult } from '../../../src/imports/import.schemas.js';
import type { ImportPreview } from '../../../src/imports/import.service.js';

const layout: LayoutView = { title: 'Dry run', nav: null };
const client = { id: '00000000-0000-4000-8000-000000000001', name: 'Bright Smile Dental', currency: 'USD' };
const upload = {
  id: 'a'.repeat(24),
  fileName: 'assets.csv',
  preset: 'generic',
  detected: true,
  dateOrder: 'mdy',
} as const;

function result(fields: Partial<ImportResult> = {}): ImportResult {
  return {
    committed: false,
    preset: 'generic',
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    errorCount: 0,
    errors: [],
    warningCount: 0,
    warnings: [],
    file: { format: 'csv', encoding: 'utf-8', delimiter: ',', headerRow: 1 },
    columns: [],
    ...fields,
  };
}

const preview = (outcomes: RowOutcome[], fields: Partial<ImportResult> = {}): ImportPreview => ({
  result: result(fields),
  outcomes,
  fingerprint: 'digest',
});

describe('the import dry run view', () => {
  it('when a row changes money and dates, then each change reads old → new in the client currency and date format', () => {
    const view = importPreviewView(
      layout,
      upload,
      client,
      preview(
        [
          {
            row: 2,
            action: 'update',
            name: 'Front desk PC',
            identity: { column: 'Asset Tag', value: 'T-1' },
            changes: [
              { field: 'purchaseCost', from: 120_000, to: 99_950 },
              { field: 'purchasedOn', from: null, to: '2024-03-01' },
              { field: 'name', from: 'Front desk', to: 'Front desk PC' },
            ],
          },
        ],
        { rows: 1, updated: 1 },
      ),
      { page: 1, notice: null },
    );
    expect(view.rows[0]!.changes).toEqual([
      { label: 'Name', from: 'Front desk', to: 'Front desk PC' },
      { label: 'Purchased On', from: '—', to: 'Mar 1, 2024' },
      { label: 'Purchase Cost', from: '$1,200.00', to: '$999.50' },
    ]);
    expect(view.commit).toEqual({
      action: `/imports/${upload.id}/commit`,
      fingerprint: 'digest',
      label: 'Import 1 changed asset into Bright Smile Dental',
    });
  });

  it('when the file has errors, then no commit is offered and the reason counts them', () => {
    const view = importPreviewView(
      layout,
      upload,
      client,
      preview([], {
        rows: 3,
        created: 1,
        errorCount: 2,
        errors: [
          { row: 2, column: 'Purchased On', value: '2023-13-45', message: 'is not a date' },
          { row: null, column: null, value: null, message: 'file problem' },
        ],
      }),
      { page: 1, notice: null },
    );
    expect(view.commit).toBeNull();
    expect(view.noCommit).toContain('2 errors are fixed');
    expect(view.errors.map((error) => [error.row, error.column, error.value])).toEqual([
      ['2', 'Purchased On', '2023-13-45'],
      ['File', '—', '—'],
    ]);
  });

  it('when every row is unchanged, then there is nothing to commit; with many rows they are paged', () => {
    const outcomes: RowOutcome[] = Array.from({ length: 250 }, (_, index) => ({
      row: index + 2,
      action: 'unchanged',
      name: `PC ${index}`,
      identity: { column: 'Asset Tag', value: `T-${index}` },
      changes: [],
    }));
    const view = importPreviewView(layout, upload, client, preview(outcomes, { rows: 250, unchanged: 250 }), {
      page: 3,
      notice: null,
    });
    expect(view.commit).toBeNull();
    expect(view.noCommit).toContain('Nothing to import');
    expect(view.rows.map((row) => row.row)).toEqual(outcomes.slice(200).map((outcome) => outcome.row));
    expect(view.pages).toEqual({
      previous: `/imports/${upload.id}?page=2`,
      next: null,
      label: 'Page 3 of 3',
    });
  });
});
