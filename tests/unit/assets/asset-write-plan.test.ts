import { ASSET_DEFAULTS, type AssetFields, type DateSources } from '../../../src/assets/asset.fields.js';
import { planAssetWrite, type AssetWrite, type WriteSource } from '../../../src/assets/asset.write-plan.js';

const NO_DATES: DateSources = {
  purchasedOn: null,
  inServiceOn: null,
  warrantyExpiresOn: null,
  endOfSupportOn: null,
};

/** A stored laptop whose in-service date was typed in by hand and whose purchase date came from a sync. */
const stored = (): AssetWrite => ({
  fields: {
    ...ASSET_DEFAULTS,
    name: 'Reception laptop',
    category: 'laptop',
    serialNumber: 'SN-1',
    purchasedOn: '2022-01-10',
    inServiceOn: '2022-02-01',
    externalSource: 'ninjaone',
    externalId: 'n-1',
  },
  dateSources: { ...NO_DATES, purchasedOn: 'sync', inServiceOn: 'manual' },
});

describe('a new asset', () => {
  it.each<WriteSource>(['manual', 'sync', 'import'])(
    'when it is written by %s, then every date it has comes from %s and the dates it lacks have no source',
    (source) => {
      const plan = planAssetWrite(
        undefined,
        { name: 'Core switch', category: 'network_switch', purchasedOn: '2021-05-01', endOfSupportOn: null },
        source,
      );
      expect(plan.dateSources).toEqual({ ...NO_DATES, purchasedOn: source });
      expect(plan.changed).toBe(true);
      expect(plan.changes).toEqual({ fields: plan.fields, dateSources: plan.dateSources });
    },
  );

  it('when it gives only a name and a category, then every other field takes its default: active, the rest empty', () => {
    const plan = planAssetWrite(undefined, { name: 'Printer', category: 'printer' }, 'manual');
    expect(plan.fields).toEqual<AssetFields>({
      name: 'Printer',
      category: 'printer',
      manufacturer: null,
      model: null,
      serialNumber: null,
      assetTag: null,
      location: null,
      assignedTo: null,
      operatingSystem: null,
      purchasedOn: null,
      inServiceOn: null,
      warrantyExpiresOn: null,
      endOfSupportOn: null,
      purchaseCost: null,
      replacementCost: null,
      lifecycleMonths: null,
      status: 'active',
      notes: null,
      externalSource: null,
      externalId: null,
    });
    expect(plan.dateSources).toEqual(NO_DATES);
  });

  it('when a field is given as undefined, then it is left at its default rather than written as undefined', () => {
    const plan = planAssetWrite(
      undefined,
      { name: 'Printer', category: 'printer', status: undefined, model: undefined },
      'manual',
    );
    expect(plan.fields.status).toBe('active');
    expect(plan.fields.model).toBeNull();
  });
});

describe('a stored asset', () => {
  it('when a sync omits a date typed in by hand, then the date and its manual provenance are kept', () => {
    const plan = planAssetWrite(stored(), { name: 'Reception laptop 2' }, 'sync');
    expect(plan.fields.inServiceOn).toBe('2022-02-01');
    expect(plan.dateSources.inServiceOn).toBe('manual');
    expect(plan.changes).toEqual({ fields: { name: 'Reception laptop 2' }, dateSources: {} });
  });

  it('when a sync sends a hand-typed date unchanged, then it keeps its manual provenance and nothing changed', () => {
    const plan = planAssetWrite(stored(), { inServiceOn: '2022-02-01', serialNumber: 'SN-1' }, 'sync');
    expect(plan.dateSources.inServiceOn).toBe('manual');
    expect(plan.changed).toBe(false);
    expect(plan.changes.dateSources).toEqual({ inServiceOn: 'manual' });
  });

  it.each<WriteSource>(['manual', 'sync', 'import'])(
    'when %s changes a date, then the date takes that source and the other dates keep theirs',
    (source) => {
      const plan = planAssetWrite(stored(), { inServiceOn: '2022-03-01' }, source);
      expect(plan.fields.inServiceOn).toBe('2022-03-01');
      expect(plan.dateSources).toEqual({ ...NO_DATES, purchasedOn: 'sync', inServiceOn: source });
      expect(plan.changes).toEqual({
        fields: { inServiceOn: '2022-03-01' },
        dateSources: { inServiceOn: source },
      });
      expect(plan.changed).toBe(true);
    },
  );

  it('when a date is cleared with null, then it has no provenance any more', () => {
    const plan = planAssetWrite(stored(), { purchasedOn: null }, 'manual');
    expect(plan.fields.purchasedOn).toBeNull();
    expect(plan.dateSources.purchasedOn).toBeNull();
    expect(plan.changes.dateSources).toEqual({ purchasedOn: null });
  });

  it('when a date that was empty is set, then it takes the source of the write', () => {
    const plan = planAssetWrite(stored(), { warrantyExpiresOn: '2025-01-10' }, 'import');
    expect(plan.dateSources.warrantyExpiresOn).toBe('import');
  });

  it('when a field other than a date changes, then no provenance changes', () => {
    const plan = planAssetWrite(stored(), { notes: 'Screen cracked', lifecycleMonths: 48 }, 'manual');
    expect(plan.dateSources).toEqual(stored().dateSources);
    expect(plan.changes.dateSources).toEqual({});
    expect(plan.fields).toEqual({ ...stored().fields, notes: 'Screen cracked', lifecycleMonths: 48 });
  });

  it('when every given field matches the stored one, then nothing changed, yet an update still writes what it was given', () => {
    const plan = planAssetWrite(stored(), { name: 'Reception laptop', status: 'active' }, 'manual');
    expect(plan.changed).toBe(false);
    expect(plan.fields).toEqual(stored().fields);
    expect(plan.changes.fields).toEqual({ name: 'Reception laptop', status: 'active' });
  });

  it('when nothing is given, then nothing changed and the stored asset is the result', () => {
    const plan = planAssetWrite(stored(), {}, 'sync');
    expect(plan.changed).toBe(false);
    expect(plan).toMatchObject(stored());
  });

  it('when the stored asset is planned over, then it is not modified', () => {
    const current = stored();
    planAssetWrite(current, { inServiceOn: '2023-01-01', name: 'Other' }, 'import');
    expect(current).toEqual(stored());
  });
});
