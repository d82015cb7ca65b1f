import type { Asset } from '../../../src/assets/asset.schemas.js';
import {
  assetDetailView,
  assetFormView,
  inventoryQuery,
  inventoryView,
  pageNumbers,
  readAssetForm,
} from '../../../src/console/assets.pages.js';
import type { LayoutView } from '../../../src/console/console-templates.js';

const layout: LayoutView = { title: 'Inventory', nav: null };
const client = { id: '00000000-0000-4000-8000-000000000001', name: 'Bright Smile Dental', currency: 'USD' };

function asset(name: string, fields: Partial<Asset> = {}): Asset {
  return {
    id: '00000000-0000-4000-8000-000000000002',
    clientId: client.id,
    name,
    category: 'laptop',
    manufacturer: 'Dell',
    model: 'Latitude 5440',
    serialNumber: 'SN-1',
    assetTag: null,
    location: null,
    assignedTo: 'Dr. Patel',
    operatingSystem: null,
    purchasedOn: null,
    inServiceOn: '2022-05-01',
    warrantyExpiresOn: null,
    endOfSupportOn: null,
    purchaseCost: null,
    replacementCost: 145_000,
    lifecycleMonths: null,
    status: 'active',
    notes: null,
    externalSource: null,
    externalId: null,
    dateSources: { purchasedOn: null, inServiceOn: 'import', warrantyExpiresOn: null, endOfSupportOn: null },
    createdAt: '2026-11-01T09:00:00.000Z',
    updatedAt: '2026-11-01T09:00:00.000Z',
    lifecycle: {
      lifecycleMonths: 48,
      dueOn: '2026-05-01',
      dueReason: 'age',
      status: 'overdue',
      warrantyStatus: 'unknown',
      endOfSupportOn: null,
      endOfSupportSource: null,
      osStatus: 'unknown',
      osUpdateTo: null,
    },
    ...fields,
  };
}

describe('the inventory list view', () => {
  it('when the list has 1,234 matching assets and page 2 is shown, then it says which rows and links every nearby page', () => {
    const query = inventoryQuery.parse({ q: 'latitude', category: 'laptop', status: '', page: '2' });
    const view = inventoryView(layout, client, { items: [asset('A')], total: 1234 }, query);
    expect(view.showing).toBe('Showing 51–51 of 1,234 assets that match.');
    expect(view.pager?.previous).toBe(`/clients/${client.id}/assets?q=latitude&category=laptop`);
    expect(view.pager?.next).toBe(`/clients/${client.id}/assets?q=latitude&category=laptop&page=3`);
    expect(view.pager?.pages.map((page) => page.label)).toEqual(['1', '2', '3', '4', '…', '25']);
    expect(view.rows[0]).toMatchObject({
      name: 'A',
      detail: 'Dr. Patel · SN-1',
      category: 'Laptop',
      model: 'Dell Latitude 5440',
      inService: 'May 1, 2022',
      dueOn: 'May 1, 2026',
      tag: { label: 'Overdue', tone: 'overdue' },
      replacementCost: '1,450.00',
    });
  });

  it('when a column is the current sort, then its link reverses it and it is marked for screen readers', () => {
    const view = inventoryView(
      layout,
      client,
      { items: [], total: 0 },
      inventoryQuery.parse({ sort: 'dueOn' }),
    );
    const due = view.columns.find((column) => column.label === 'Refresh due')!;
    expect(due).toMatchObject({
      ariaSort: 'ascending',
      href: `/clients/${client.id}/assets?sort=dueOn&dir=desc`,
    });
    expect(view.empty).toBe('No assets yet. Add them through the API, a sync from your RMM, or an import.');
    expect(view.pager).toBeNull();
  });

  it('when the query names an unknown filter value, then it is refused', () => {
    expect(inventoryQuery.safeParse({ lifecycleStatus: 'soon' }).success).toBe(false);
    expect(inventoryQuery.safeParse({ page: '0' }).success).toBe(false);
  });

  it('when pages are many, then the first, the last and two either side of the current are linked', () => {
    expect(pageNumbers(1, 1)).toEqual([1]);
    expect(pageNumbers(10, 20)).toEqual([1, null, 8, 9, 10, 11, 12, null, 20]);
    expect(pageNumbers(3, 5)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('the asset edit form', () => {
  const filled = {
    name: ' Reception PC ',
    category: 'desktop',
    status: 'active',
    model: '',
    inServiceOn: '2024-02-01',
    purchasedOn: '',
    replacementCost: '$1,234.50',
    purchaseCost: '',
    lifecycleMonths: '60',
  };

  it('when the form is filled, then blanks clear their fields and amounts are read in minor units', () => {
    const form = readAssetForm(filled, 'USD');
    expect(form.errors).toEqual({});
    expect(form.input).toMatchObject({
      name: 'Reception PC',
      category: 'desktop',
      model: null,
      inServiceOn: '2024-02-01',
      purchasedOn: null,
      replacementCost: 123_450,
      purchaseCost: null,
      lifecycleMonths: 60,
    });
  });

  it('when fields are wrong, then each error names its field and the input is kept as typed', () => {
    const form = readAssetForm(
      { ...filled, name: '  ', replacementCost: 'lots', lifecycleMonths: '0', inServiceOn: '2024-02-30' },
      'USD',
    );
    expect(form.input).toBeUndefined();
    expect(form.errors).toEqual({
      name: 'Name must not be empty.',
      replacementCost: 'Replacement cost is not an amount of money (e.g. 1234.56 or $1,234.56).',
      lifecycleMonths: 'Lifecycle (months) must be from 1 to 600 months.',
      inServiceOn: 'In service on must be a real calendar date as YYYY-MM-DD.',
    });
    const view = assetFormView(layout, client, asset('Reception PC'), form.values, form.errors);
    const field = view.fields.find((entry) => entry.name === 'replacementCost')!;
    expect(field).toMatchObject({
      value: 'lots',
      label: 'Replacement cost (USD)',
      describedBy: 'asset-replacementCost-hint asset-replacementCost-error',
    });
    expect(view.errorCount).toBe('4 fields need a fix.');
    expect(view.errorLinks[0]).toEqual({ href: '#asset-name', text: 'Name must not be empty.' });
  });
});

describe('the asset detail view', () => {
  it('when the asset is past its lifecycle, then it shows the months used and where each date came from', () => {
    const view = assetDetailView(layout, client, asset('Front desk laptop'), [], {
      canEdit: false,
      done: undefined,
      asOf: '2026-11-22',
    });
    expect(view.lifecycle.used).toMatchObject({
      months: 48,
      of: 48,
      text: '54 of 48 months used (6 past its lifecycle)',
    });
    expect(view.provenance).toContainEqual({
      label: 'In service on',
      value: 'May 1, 2022',
      source: 'From a CSV import',
    });
    expect(view.provenance).toContainEqual({ label: 'Purchased on', value: '—', source: 'Not recorded' });
    expect(view.actions).toBeNull();
  });

  it('when the asset is retired, then it has no clock and no reset or retire action', () => {
    const retired = asset('Old server', {
      status: 'retired',
      lifecycle: { ...asset('x').lifecycle, dueOn: null, dueReason: null, status: 'inactive' },
    });
    const view = assetDetailView(layout, client, retired, [], {
      canEdit: true,
      done: 'retired',
      asOf: '2026-11-22',
    });
    expect(view.asset.tag).toEqual({ label: 'Retired', tone: 'inactive' });
    expect(view.lifecycle.used).toBeNull();
    expect(view.actions).toMatchObject({ canReset: false, canRetire: false });
    expect(view.notice).toBe(
      'The asset was retired: it no longer has a refresh clock or counts in forecasts.',
    );
  });
});
