/**
 * Microsoft Intune's managed devices as Microsoft Graph returns them (`GET /deviceManagement/managedDevices`,
 * v1.0 or beta): `{ "value": [ managedDevice, … ] }`, also a bare list or one device. No I/O.
 *
 * A managed device has no purchase or warranty date; `enrolledDateTime` (when it joined Intune) is the nearest
 * thing to an in-service date. Graph reports the OS as a family and a version (`Windows` + `10.0.22631.2861`);
 * `graphOperatingSystem` turns that into the name the end-of-support catalogue matches (Windows 11 23H2).
 */
import { windowsReleaseOfBuild } from '../domain/end-of-support.js';
import type { AssetCategory } from '../domain/forecast.types.js';
import {
  firstText,
  isObject,
  textCell,
  timestampDate,
  valueAt,
  type JsonCell,
  type JsonColumn,
  type JsonIssue,
  type JsonSource,
} from './inventory-json.js';
import { mapCategory } from './values.js';

/** NT versions before Windows 10 that Intune still reports for old devices. */
const WINDOWS_BY_NT_VERSION = new Map([
  ['6.1', 'Windows 7'],
  ['6.2', 'Windows 8'],
  ['6.3', 'Windows 8.1'],
]);

/**
 * The operating system as the catalogue reads it, from Graph's `operatingSystem` and `osVersion`:
 * - Windows: the build decides the product and the feature release (`10.0.22631.2861` is Windows 11 23H2,
 *   `10.0.19045.…` Windows 10 22H2), named with the version kept in brackets. A build the catalogue does not list
 *   is kept as Graph gave it (`Windows 10.0.29999.1`), with no guess at the release.
 * - Windows Server (named so, or a Windows device whose chassis is a server): the family and the build, which
 *   the catalogue reads (`Windows Server 10.0.17763.…` is Windows Server 2019, not Windows 10 1809).
 * - Anything else (macOS `14.2.1`, iOS, iPadOS, Android): the family and the version, which the catalogue matches
 *   where it has rows (macOS) and leaves unmatched where it has none.
 */
export function graphOperatingSystem(operatingSystem: string | undefined, osVersion: string | undefined) {
  const family = operatingSystem?.trim() ?? '';
  const version = osVersion?.trim() ?? '';
  if (/^windows$/i.test(family)) {
    const build = /^10\.0\.(\d{5})(?:\.\d+)?$/.exec(version)?.[1];
    const release = build === undefined ? null : windowsReleaseOfBuild(build);
    if (release) return `${release.product} ${release.release} (${version})`;
    const older = WINDOWS_BY_NT_VERSION.get(/^(\d+\.\d+)\./.exec(version)?.[1] ?? '');
    if (older) return `${older} (${version})`;
  }
  if (version !== '' && family.toLowerCase().includes(version.toLowerCase())) return family || undefined;
  return [family, version].filter(Boolean).join(' ') || undefined;
}

/** Graph's `chassisType` (beta, and v1.0 on newer tenants). */
const CHASSIS_CATEGORIES = new Map<string, AssetCategory>([
  ['desktop', 'desktop'],
  ['laptop', 'laptop'],
  ['worksworkstation', 'desktop'],
  ['enterpriseserver', 'server'],
  ['phone', 'mobile'],
  ['tablet', 'mobile'],
  ['mobileother', 'mobile'],
  ['mobileunknown', 'mobile'],
]);

/** Families that are always a phone or a tablet. */
const MOBILE_FAMILY = /^(?:ios|ipados|android.*|windows ?(?:phone|mobile)|blackberry)$/i;

/**
 * The category: Graph's `chassisType` when it says; else the model when it names a laptop or a desktop
 * (`MacBook Air`, `iMac`, `Surface Laptop 5`); else phones and tablets by their OS. A Windows or macOS device
 * that says none of this is left without a category (imported as `other`, with a warning) rather than guessed.
 */
function categoryOf(record: unknown): JsonCell {
  const chassis = textCell(valueAt(record, 'chassisType'));
  if (chassis && 'text' in chassis) {
    const category = CHASSIS_CATEGORIES.get(chassis.text.toLowerCase());
    if (category) return { text: category };
  }
  const model = textCell(valueAt(record, 'model'));
  if (model && 'text' in model) {
    const { category } = mapCategory(model.text);
    if (category === 'laptop' || category === 'desktop') return { text: category };
  }
  const family = textCell(valueAt(record, 'operatingSystem'));
  if (family && 'text' in family && MOBILE_FAMILY.test(family.text)) return { text: 'mobile' };
  return undefined;
}

const text =
  (...paths: string[]) =>
  (record: unknown) =>
    firstText(record, paths);

export const INTUNE_COLUMNS = [
  { header: 'id', field: 'externalId', read: text('id') },
  { header: 'deviceName', field: 'name', read: text('deviceName', 'managedDeviceName') },
  { header: 'serialNumber', field: 'serialNumber', read: text('serialNumber') },
  { header: 'manufacturer', field: 'manufacturer', read: text('manufacturer') },
  { header: 'model', field: 'model', read: text('model') },
  {
    header: 'operatingSystem + osVersion',
    field: 'operatingSystem',
    read: (record) => {
      const family = textCell(record.operatingSystem);
      if (family && 'error' in family) return family;
      const version = textCell(record.osVersion);
      if (version && 'error' in version) return version;
      // A server's build numbers are shared with Windows 10 (17763 is 1809 and Server 2019): say it is a server.
      const server =
        family?.text.toLowerCase() === 'windows' &&
        String(record.chassisType).toLowerCase() === 'enterpriseserver';
      const name = graphOperatingSystem(server ? 'Windows Server' : family?.text, version?.text);
      return name === undefined ? undefined : { text: name };
    },
  },
  {
    header: 'enrolledDateTime',
    field: 'inServiceOn',
    read: (record) => timestampDate(record.enrolledDateTime),
  },
  { header: 'userPrincipalName', field: 'assignedTo', read: text('userPrincipalName', 'userDisplayName') },
  { header: 'chassisType / model / operatingSystem', field: 'category', read: categoryOf },
] as const satisfies readonly JsonColumn[];

function recordsOf(document: unknown) {
  const warnings: JsonIssue[] = [];
  if (Array.isArray(document)) return { records: document, warnings };
  if (!isObject(document)) {
    return { error: 'The file is not a Microsoft Graph managed device list: expected {"value": [...]}' };
  }
  if (Array.isArray(document.value)) {
    if (typeof document['@odata.nextLink'] === 'string') {
      warnings.push({
        row: null,
        column: '@odata.nextLink',
        value: null,
        message:
          'The file is one page of a longer list (Graph returns at most 1,000 devices a page); the devices on the other pages are not in it',
      });
    }
    return { records: document.value, warnings };
  }
  if ('deviceName' in document || document['@odata.type'] === '#microsoft.graph.managedDevice') {
    return { records: [document], warnings };
  }
  return {
    error:
      'The file is not a Microsoft Graph managed device list: expected {"value": [...]} as GET /deviceManagement/managedDevices returns it',
  };
}

export const intuneGraphSource: JsonSource<(typeof INTUNE_COLUMNS)[number]['field']> = {
  records: recordsOf,
  columns: INTUNE_COLUMNS,
};
