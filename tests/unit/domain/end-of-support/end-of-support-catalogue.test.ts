import catalogue from '../../../../src/domain/end-of-support-catalogue.json' with { type: 'json' };
import { catalogueVersion, endOfSupportCatalogue } from '../../../../src/domain/end-of-support.js';

interface RawEntry {
  product: string;
  edition: string | null;
  kind: string;
  release?: string;
  build?: string;
  releasedOn?: string;
  endOfSupportOn: string | null;
  updateTo?: string;
  estimated?: boolean;
  sourceUrl: string;
  notes?: string;
}

const entries: RawEntry[] = catalogue.entries;

const VENDOR_HOSTS: ReadonlyArray<[RegExp, string]> = [
  [/^Windows /, 'learn.microsoft.com'],
  [/^macOS /, 'support.apple.com'],
  [/^Ubuntu /, 'ubuntu.com'],
  [/^Red Hat Enterprise Linux /, 'access.redhat.com'],
];

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const describeEntry = (entry: RawEntry): string =>
  [entry.product, entry.edition, entry.release].filter((part) => part != null).join(' / ');

describe('end-of-support catalogue data', () => {
  test('when the catalogue is loaded, then it carries a dated version that the lookup reports', () => {
    expect(catalogue.version).toMatch(/^\d{4}\.\d{1,2}\.\d+$/);
    expect(isCalendarDate(catalogue.updatedOn)).toBe(true);
    expect(catalogueVersion).toBe(catalogue.version);
    expect(endOfSupportCatalogue).toHaveLength(entries.length);
  });

  test.each(entries.map((entry) => [describeEntry(entry), entry] as const))(
    'when reading %s, then its dates are real calendar dates in order',
    (_name, entry) => {
      // Only a product with no announced end (Windows 11) has no date.
      if (entry.endOfSupportOn === null) {
        expect(entry.kind).toBe('product');
        return;
      }
      expect(isCalendarDate(entry.endOfSupportOn)).toBe(true);
      if (entry.releasedOn !== undefined) {
        expect(isCalendarDate(entry.releasedOn)).toBe(true);
        expect(entry.releasedOn < entry.endOfSupportOn).toBe(true);
      }
    },
  );

  test.each(entries.map((entry) => [describeEntry(entry), entry] as const))(
    'when reading %s, then its source is the vendor lifecycle page over https',
    (_name, entry) => {
      const url = new URL(entry.sourceUrl);
      const vendor = VENDOR_HOSTS.find(([product]) => product.test(entry.product));
      expect(vendor).toBeDefined();
      expect(url.protocol).toBe('https:');
      expect(url.hostname).toBe(vendor?.[1]);
    },
  );

  test('when rows are keyed by product, edition and release, then no key appears twice', () => {
    const keys = entries.map((entry) => `${entry.product}|${entry.edition ?? ''}|${entry.release ?? ''}`);
    const duplicates = keys.filter((key, index) => keys.indexOf(key) !== index);
    expect(duplicates).toEqual([]);
  });

  test('when Microsoft ends servicing, then the date is a Patch Tuesday (second Tuesday of the month)', () => {
    const notPatchTuesday = entries
      .filter((entry) => entry.product.startsWith('Windows ') && entry.endOfSupportOn !== null)
      .filter((entry) => {
        const date = new Date(`${entry.endOfSupportOn}T00:00:00Z`);
        return date.getUTCDay() !== 2 || date.getUTCDate() < 8 || date.getUTCDate() > 14;
      })
      .map((entry) => `${describeEntry(entry)}: ${entry.endOfSupportOn}`);
    expect(notPatchTuesday).toEqual([]);
  });

  test.each(entries.map((entry) => [describeEntry(entry), entry] as const))(
    'when reading %s, then it is a product end of support or a release end of servicing with its remedy',
    (_name, entry) => {
      expect(['product', 'release']).toContain(entry.kind);
      if (entry.kind === 'product') {
        expect(entry.updateTo).toBeUndefined();
        return;
      }
      // A release's remedy is a newer release of the same product line, which the catalogue itself lists.
      if (entry.updateTo !== undefined) {
        const target = entries.find((other) =>
          [other.product, other.release].filter(Boolean).join(' ').startsWith(entry.updateTo!),
        );
        expect(target).toBeDefined();
        expect(target!.releasedOn ?? '9999').not.toBe(entry.releasedOn);
      }
    },
  );

  test('when products and releases are counted, then the product lines that end are products and the rest releases', () => {
    const kindOf = (product: string, release?: string) =>
      entries.find((entry) => entry.product === product && entry.release === release)?.kind;
    expect(kindOf('Windows 10')).toBe('product');
    expect(kindOf('Windows 10', '21H2')).toBe('release');
    expect(kindOf('Windows 10', '2021')).toBe('product');
    expect(kindOf('Windows 11')).toBe('product');
    expect(kindOf('Windows 11', '23H2')).toBe('release');
    expect(kindOf('Windows Server 2016')).toBe('product');
    expect(kindOf('macOS 13')).toBe('release');
    expect(kindOf('Ubuntu 22.04 LTS')).toBe('release');
    expect(kindOf('Red Hat Enterprise Linux 7')).toBe('product');
  });

  test('when a Windows build identifies a feature release, then it identifies exactly one per product', () => {
    const releasesByBuild = new Map<string, Set<string>>();
    for (const entry of entries) {
      if (entry.build === undefined || /LTS[BC]$/.test(entry.edition ?? '')) continue;
      const releases = releasesByBuild.get(entry.build) ?? new Set<string>();
      releases.add(`${entry.product} ${entry.release}`);
      releasesByBuild.set(entry.build, releases);
    }
    const ambiguous = [...releasesByBuild].filter(([, releases]) => releases.size > 1);
    expect(ambiguous).toEqual([]);
    expect(releasesByBuild.get('19045')).toEqual(new Set(['Windows 10 22H2']));
  });

  test('when Apple has not published a date, then the row is estimated and documents the convention', () => {
    const macos = entries.filter((entry) => entry.product.startsWith('macOS '));
    expect(macos.map((entry) => entry.product)).toEqual(
      expect.arrayContaining(['macOS 10.13', 'macOS 10.15', 'macOS 11', 'macOS 14', 'macOS 15', 'macOS 26']),
    );
    for (const entry of macos) expect(entry.notes).toMatch(/third successor/);
    expect(macos.find((entry) => entry.product === 'macOS 11')).toMatchObject({
      endOfSupportOn: '2023-09-11',
    });
    expect(macos.find((entry) => entry.product === 'macOS 11')?.estimated).toBeUndefined();
    expect(macos.find((entry) => entry.product === 'macOS 26')?.estimated).toBe(true);
  });

  test('when the catalogue lists Ubuntu LTS releases, then each names Expanded Security Maintenance', () => {
    const lts = entries.filter((entry) => /^Ubuntu \d{2}\.04 LTS$/.test(entry.product));
    expect(lts.map((entry) => entry.product)).toEqual(
      expect.arrayContaining([
        'Ubuntu 14.04 LTS',
        'Ubuntu 16.04 LTS',
        'Ubuntu 18.04 LTS',
        'Ubuntu 20.04 LTS',
      ]),
    );
    for (const entry of lts) expect(entry.notes).toMatch(/Expanded Security Maintenance/);
  });
});
