/**
 * GLPI's native inventory format (glpi-project/inventory_format), what the GLPI Agent and FusionInventory send
 * to GLPI: `{ "deviceid": …, "action": "inventory", "content": { "hardware", "bios", "operatingsystem", … } }`,
 * one device a document; a list of such documents is read as several devices. No I/O.
 *
 * The format carries no purchase, warranty or in-service date. `bios.bdate` is the date of the firmware build,
 * which a BIOS update moves, and `accesslog.logdate` is when the agent last ran; neither starts a refresh clock,
 * so no date is imported and the assets wait for one (the category's policy, a sync, or a person).
 */
import type { AssetCategory } from '../domain/forecast.types.js';
import {
  firstText,
  isObject,
  textCell,
  valueAt,
  type JsonCell,
  type JsonColumn,
  type JsonSource,
} from './inventory-json.js';

/** What firmware writes when the maker left a field empty (GLPI ignores the same values). */
const FIRMWARE_PLACEHOLDERS = new Set([
  'to be filled by o.e.m.',
  'to be filled by oem',
  'default string',
  'system serial number',
  'system manufacturer',
  'system product name',
  'not specified',
  'not applicable',
  'none',
  'n/a',
  '0',
  '0000000000',
  '123456789',
]);

function firmwareText(record: unknown, paths: readonly string[]): JsonCell {
  for (const path of paths) {
    const cell = textCell(valueAt(record, path));
    if (!cell) continue;
    if ('error' in cell) return cell;
    if (!FIRMWARE_PLACEHOLDERS.has(cell.text.toLowerCase())) return cell;
  }
  return undefined;
}

/** SMBIOS chassis types (as the agents name them) that our category words do not already cover. */
const CHASSIS_CATEGORIES = new Map<string, AssetCategory>([
  ['portable', 'laptop'],
  ['sub notebook', 'laptop'],
  ['convertible', 'laptop'],
  ['detachable', 'laptop'],
  ['tablet', 'mobile'],
  ['hand held', 'mobile'],
  ['space-saving', 'desktop'],
  ['lunch box', 'desktop'],
  ['pizza box', 'desktop'],
  ['stick pc', 'desktop'],
  ['rack mount chassis', 'server'],
  ['main server chassis', 'server'],
  ['multi-system chassis', 'server'],
  ['blade', 'server'],
  ['blade enclosure', 'server'],
]);

/** `hardware.chassis_type`: `Laptop`, `Notebook`, `Desktop`, `Tower`, …; unknown text goes to the planner as is. */
function categoryOf(record: unknown): JsonCell {
  const chassis = textCell(valueAt(record, 'content.hardware.chassis_type'));
  if (!chassis || 'error' in chassis) return chassis;
  const known = CHASSIS_CATEGORIES.get(chassis.text.toLowerCase());
  return known ? { text: known } : chassis;
}

/**
 * `operatingsystem.full_name` (`Fedora 31 (Workstation Edition)`, `Microsoft Windows 11 Professionnel`), with the
 * `version` when the name lacks it, and on Windows the `kernel_version` (`10.0.22631`), whose build the
 * catalogue reads as the feature release.
 */
export function glpiOperatingSystem(os: unknown): JsonCell {
  const name = firstText(os, ['full_name', 'name']);
  if (!name || 'error' in name) return name;
  const parts = [name.text];
  const contains = (part: string) => parts.join(' ').toLowerCase().includes(part.toLowerCase());
  const version = textCell(valueAt(os, 'version'));
  if (version && 'text' in version && !contains(version.text)) parts.push(version.text);
  const kernel = textCell(valueAt(os, 'kernel_version'));
  if (/windows/i.test(name.text) && kernel && 'text' in kernel && !contains(kernel.text))
    parts.push(kernel.text);
  return { text: parts.join(' ') };
}

/** The first user the agent lists (`login`, with `@domain` when it gives one), else the last one logged in. */
function userOf(record: unknown): JsonCell {
  const login = textCell(valueAt(record, 'content.users.0.login'));
  if (login && 'text' in login) {
    const domain = textCell(valueAt(record, 'content.users.0.domain'));
    return domain && 'text' in domain ? { text: `${login.text}@${domain.text}` } : login;
  }
  return login ?? textCell(valueAt(record, 'content.hardware.lastloggeduser'));
}

export const GLPI_COLUMNS = [
  { header: 'deviceid', field: 'externalId', read: (record) => textCell(record.deviceid) },
  {
    header: 'content.hardware.name',
    field: 'name',
    read: (record) => firstText(record, ['content.hardware.name', 'content.operatingsystem.fqdn']),
  },
  {
    header: 'content.bios.ssn',
    field: 'serialNumber',
    read: (record) => firmwareText(record, ['content.bios.ssn']),
  },
  {
    header: 'content.bios.smanufacturer',
    field: 'manufacturer',
    read: (record) => firmwareText(record, ['content.bios.smanufacturer', 'content.bios.mmanufacturer']),
  },
  {
    header: 'content.bios.smodel',
    field: 'model',
    read: (record) => firmwareText(record, ['content.bios.smodel', 'content.bios.mmodel']),
  },
  {
    header: 'content.operatingsystem',
    field: 'operatingSystem',
    read: (record) => glpiOperatingSystem(valueAt(record, 'content.operatingsystem')),
  },
  { header: 'content.users[0].login', field: 'assignedTo', read: userOf },
  { header: 'content.hardware.chassis_type', field: 'category', read: categoryOf },
] as const satisfies readonly JsonColumn[];

function recordsOf(document: unknown) {
  const expected =
    'The file is not a GLPI native inventory: expected {"deviceid": …, "content": {"hardware": …, "bios": …}} as the GLPI Agent sends it';
  const documents = Array.isArray(document) ? document : [document];
  if (!Array.isArray(document) && !(isObject(document) && isObject(document.content))) {
    return { error: expected };
  }
  return { records: documents, warnings: [] };
}

export const glpiSource: JsonSource<(typeof GLPI_COLUMNS)[number]['field']> = {
  records: recordsOf,
  columns: GLPI_COLUMNS,
};
