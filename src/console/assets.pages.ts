import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ASSET_STATUSES, type AssetStatus, type DateField } from '../assets/asset.fields.js';
import {
  lifecycleStatusSchema,
  updateAssetBody,
  type Asset,
  type UpdateAsset,
} from '../assets/asset.schemas.js';
import {
  ASSET_LIST_ORDERS,
  browseAssets,
  getAsset,
  updateAsset,
  type AssetListOrder,
} from '../assets/asset.service.js';
import type { Principal } from '../auth/principal.js';
import { scopeCovers } from '../auth/scopes.js';
import { getClient } from '../clients/client.service.js';
import type { Client } from '../clients/client.schemas.js';
import type { Executor } from '../db/database.js';
import { wholeMonthsBetween } from '../domain/dates.js';
import { ASSET_CATEGORIES } from '../domain/forecast.types.js';
import { currencyDecimals, minorToDecimal } from '../domain/money.js';
import type { LifecycleStatus } from '../domain/refresh-clock.js';
import { moneyFormat } from '../packets/packet-format.js';
import { parseMoney } from '../imports/values.js';
import { listInitiatives } from '../initiatives/initiative.service.js';
import type { InitiativeResource } from '../initiatives/initiative.schemas.js';
import {
  ASSET_STATUS_LABELS,
  CATEGORY_SINGULAR,
  INITIATIVE_STATUS_LABELS,
  LIFECYCLE_LABELS,
} from '../packets/packet.copy.js';
import { clientHeader, type ClientHeaderView } from './client-nav.js';
import { DASH, formatDateOrDash, formatInstant, formatMoney } from './console-format.js';
import { layoutOf, requireScope, sendMessage, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';

/** Rows per inventory page. */
export const INVENTORY_PAGE_SIZE = 50;

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalChoice = <T extends z.ZodType>(schema: T) => z.preprocess(blankAsUndefined, schema.optional());

export const inventoryQuery = z.object({
  q: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.string().trim().max(200).optional(),
  ),
  category: optionalChoice(z.enum(ASSET_CATEGORIES)),
  status: optionalChoice(z.enum(ASSET_STATUSES)),
  lifecycleStatus: optionalChoice(lifecycleStatusSchema),
  sort: z.enum(ASSET_LIST_ORDERS).default('name'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type InventoryQuery = z.infer<typeof inventoryQuery>;

interface Choice {
  value: string;
  label: string;
  selected: boolean;
}

export interface StatusTag {
  label: string;
  tone: string;
}

export interface InventoryView extends LayoutView {
  header: ClientHeaderView;
  action: string;
  search: string;
  sort: AssetListOrder;
  dir: 'asc' | 'desc';
  filters: { category: Choice[]; status: Choice[]; lifecycleStatus: Choice[] };
  filtered: boolean;
  clearHref: string;
  showing: string;
  caption: string;
  columns: { label: string; href: string; ariaSort: 'ascending' | 'descending' | 'none'; numeric: boolean }[];
  rows: {
    href: string;
    name: string;
    detail: string | null;
    category: string;
    model: string;
    inService: string;
    dueOn: string;
    tag: StatusTag;
    replacementCost: string;
  }[];
  pager: {
    previous: string | null;
    next: string | null;
    pages: { label: string; href: string | null; current: boolean }[];
  } | null;
  empty: string | null;
}

const COLUMNS: { key: AssetListOrder; label: string; numeric: boolean; firstDir: 'asc' | 'desc' }[] = [
  { key: 'name', label: 'Name', numeric: false, firstDir: 'asc' },
  { key: 'category', label: 'Category', numeric: false, firstDir: 'asc' },
  { key: 'model', label: 'Model', numeric: false, firstDir: 'asc' },
  { key: 'inService', label: 'In service', numeric: false, firstDir: 'asc' },
  { key: 'dueOn', label: 'Refresh due', numeric: false, firstDir: 'asc' },
];

const LIFECYCLE_FILTER_LABELS: Record<LifecycleStatus, string> = {
  overdue: 'Overdue',
  due_soon: 'Due soon',
  ok: 'Current',
  undated: 'Undated (no date)',
  inactive: 'Retired or disposed',
};

const TONES: Record<LifecycleStatus, string> = {
  overdue: 'overdue',
  due_soon: 'due-soon',
  ok: 'current',
  undated: 'undated',
  inactive: 'inactive',
};

/** The status tag of an asset: its clock's status, or for a retired or disposed asset, that. */
export function statusTagOf(asset: Pick<Asset, 'status' | 'lifecycle'>): StatusTag {
  const status = asset.lifecycle.status;
  return {
    label: status === 'inactive' ? ASSET_STATUS_LABELS[asset.status] : LIFECYCLE_LABELS[status],
    tone: TONES[status],
  };
}

const thousands = new Intl.NumberFormat('en-US');

function inventoryHref(clientId: string, query: InventoryQuery, changes: Partial<InventoryQuery>): string {
  const merged = { ...query, ...changes };
  const params = new URLSearchParams();
  if (merged.q) params.set('q', merged.q);
  if (merged.category) params.set('category', merged.category);
  if (merged.status) params.set('status', merged.status);
  if (merged.lifecycleStatus) params.set('lifecycleStatus', merged.lifecycleStatus);
  if (merged.sort !== 'name') params.set('sort', merged.sort);
  if (merged.dir !== 'asc') params.set('dir', merged.dir);
  if (merged.page !== 1) params.set('page', String(merged.page));
  const text = params.toString();
  return `/clients/${clientId}/assets${text ? `?${text}` : ''}`;
}

/** Page numbers to link: the first, the last and two either side of the current one, with gaps marked. */
export function pageNumbers(current: number, last: number): (number | null)[] {
  const shown = [...new Set([1, current - 2, current - 1, current, current + 1, current + 2, last])]
    .filter((page) => page >= 1 && page <= last)
    .sort((a, b) => a - b);
  const out: (number | null)[] = [];
  for (const page of shown) {
    const previous = out.at(-1);
    if (typeof previous === 'number' && page - previous > 1) out.push(null);
    out.push(page);
  }
  return out;
}

const choices = <T extends string>(values: readonly T[], labels: Record<T, string>, selected?: string) => [
  { value: '', label: 'Any', selected: selected === undefined },
  ...values.map((value) => ({ value, label: labels[value], selected: value === selected })),
];

export function inventoryView(
  layout: LayoutView,
  client: Pick<Client, 'id' | 'name' | 'currency'>,
  page: { items: Asset[]; total: number },
  query: InventoryQuery,
): InventoryView {
  const lastPage = Math.max(1, Math.ceil(page.total / INVENTORY_PAGE_SIZE));
  const first = (query.page - 1) * INVENTORY_PAGE_SIZE;
  const filtered = Boolean(query.q || query.category || query.status || query.lifecycleStatus);
  const showing =
    page.items.length === 0
      ? `No assets${filtered ? ' match' : ''}${page.total > 0 ? ` on page ${query.page}` : ''}.`
      : `Showing ${thousands.format(first + 1)}–${thousands.format(first + page.items.length)} of ${thousands.format(page.total)} ${page.total === 1 ? 'asset' : 'assets'}${filtered ? ' that match' : ''}.`;
  const href = (changes: Partial<InventoryQuery>) => inventoryHref(client.id, query, changes);
  const amounts = moneyFormat(client.currency);
  const columns = [
    ...COLUMNS,
    {
      key: 'replacementCost' as const,
      label: `Replacement (${client.currency})`,
      numeric: true,
      firstDir: 'desc' as const,
    },
  ];
  return {
    ...layout,
    header: clientHeader(client, 'assets'),
    action: `/clients/${client.id}/assets`,
    search: query.q ?? '',
    sort: query.sort,
    dir: query.dir,
    filters: {
      category: choices(ASSET_CATEGORIES, CATEGORY_SINGULAR, query.category),
      status: choices(ASSET_STATUSES, ASSET_STATUS_LABELS, query.status),
      lifecycleStatus: choices(lifecycleStatusSchema.options, LIFECYCLE_FILTER_LABELS, query.lifecycleStatus),
    },
    filtered,
    clearHref: `/clients/${client.id}/assets`,
    showing,
    caption: `Inventory of ${client.name}, page ${query.page} of ${lastPage}, sortable by each column`,
    columns: columns.map((column) => {
      const current = column.key === query.sort;
      const dir = current ? (query.dir === 'asc' ? 'desc' : 'asc') : column.firstDir;
      return {
        label: column.label,
        numeric: column.numeric,
        href: href({ sort: column.key, dir, page: 1 }),
        ariaSort: current ? (query.dir === 'asc' ? 'ascending' : 'descending') : 'none',
      };
    }),
    rows: page.items.map((asset) => ({
      href: `/clients/${client.id}/assets/${asset.id}`,
      name: asset.name,
      detail: [asset.assignedTo, asset.serialNumber].filter(Boolean).join(' · ') || null,
      category: CATEGORY_SINGULAR[asset.category],
      model: [asset.manufacturer, asset.model].filter(Boolean).join(' ') || DASH,
      inService: formatDateOrDash(asset.inServiceOn ?? asset.purchasedOn),
      dueOn: formatDateOrDash(asset.lifecycle.dueOn),
      tag: statusTagOf(asset),
      replacementCost: asset.replacementCost === null ? DASH : amounts.amount(asset.replacementCost),
    })),
    pager:
      lastPage === 1
        ? null
        : {
            previous: query.page > 1 ? href({ page: query.page - 1 }) : null,
            next: query.page < lastPage ? href({ page: query.page + 1 }) : null,
            pages: pageNumbers(Math.min(query.page, lastPage), lastPage).map((number) =>
              number === null
                ? { label: '…', href: null, current: false }
                : { label: String(number), href: href({ page: number }), current: number === query.page },
            ),
          },
    empty:
      page.total === 0
        ? filtered
          ? 'No asset matches this search and these filters.'
          : 'No assets yet. Add them through the API, a sync from your RMM, or an import.'
        : page.items.length === 0
          ? `There are only ${lastPage} pages.`
          : null,
  };
}

/** The editable fields, in the form's order, with their labels. */
const FORM_FIELDS = [
  ['name', 'Name'],
  ['category', 'Category'],
  ['status', 'Status'],
  ['manufacturer', 'Manufacturer'],
  ['model', 'Model'],
  ['serialNumber', 'Serial number'],
  ['assetTag', 'Asset tag'],
  ['location', 'Location'],
  ['assignedTo', 'Assigned to'],
  ['operatingSystem', 'Operating system'],
  ['purchasedOn', 'Purchased on'],
  ['inServiceOn', 'In service on'],
  ['warrantyExpiresOn', 'Warranty expires on'],
  ['endOfSupportOn', 'End of support on'],
  ['purchaseCost', 'Purchase cost'],
  ['replacementCost', 'Replacement cost'],
  ['lifecycleMonths', 'Lifecycle (months)'],
  ['notes', 'Notes'],
] as const;
type FormField = (typeof FORM_FIELDS)[number][0];
export type AssetFormValues = Record<FormField, string>;
export type AssetFormErrors = Partial<Record<FormField, string>>;

const DATE_INPUTS = new Set<FormField>(['purchasedOn', 'inServiceOn', 'warrantyExpiresOn', 'endOfSupportOn']);
const MONEY_INPUTS = new Set<FormField>(['purchaseCost', 'replacementCost']);
const HINTS: Partial<Record<FormField, string>> = {
  inServiceOn: 'Starts the refresh clock; the purchase date is used when this is empty.',
  endOfSupportOn: "Overrides the end-of-support catalogue's date for the operating system.",
  replacementCost: 'When empty, the lifecycle policy, then the purchase cost, prices the refresh.',
  lifecycleMonths: 'Empty: the category’s lifecycle policy applies.',
};

/** The stored asset as the form shows it. */
export function assetFormValues(asset: Asset, currency: string): AssetFormValues {
  const digits = currencyDecimals(currency);
  const money = (minor: number | null) => (minor === null ? '' : minorToDecimal(minor, digits));
  return {
    name: asset.name,
    category: asset.category,
    status: asset.status,
    manufacturer: asset.manufacturer ?? '',
    model: asset.model ?? '',
    serialNumber: asset.serialNumber ?? '',
    assetTag: asset.assetTag ?? '',
    location: asset.location ?? '',
    assignedTo: asset.assignedTo ?? '',
    operatingSystem: asset.operatingSystem ?? '',
    purchasedOn: asset.purchasedOn ?? '',
    inServiceOn: asset.inServiceOn ?? '',
    warrantyExpiresOn: asset.warrantyExpiresOn ?? '',
    endOfSupportOn: asset.endOfSupportOn ?? '',
    purchaseCost: money(asset.purchaseCost),
    replacementCost: money(asset.replacementCost),
    lifecycleMonths: asset.lifecycleMonths === null ? '' : String(asset.lifecycleMonths),
    notes: asset.notes ?? '',
  };
}

/**
 * Reads the edit form into the API's update body, or the errors by field. Blank optional fields clear the value;
 * amounts are read as an import reads them (`1,234.56`, `$1,234.56`), in the client's currency.
 */
export function readAssetForm(
  body: Record<string, unknown>,
  currency: string,
): { values: AssetFormValues; input?: UpdateAsset; errors: AssetFormErrors } {
  const values = Object.fromEntries(
    FORM_FIELDS.map(([field]) => {
      const raw = body[field];
      return [field, typeof raw === 'string' ? raw : ''];
    }),
  ) as AssetFormValues;
  const errors: AssetFormErrors = {};
  const candidate: Record<string, unknown> = {};
  for (const [field, label] of FORM_FIELDS) {
    const raw = values[field].trim();
    if (DATE_INPUTS.has(field)) candidate[field] = raw === '' ? null : raw;
    else if (MONEY_INPUTS.has(field)) {
      if (raw === '') candidate[field] = null;
      else {
        const parsed = parseMoney(raw, currency);
        if (parsed.error !== undefined) errors[field] = `${label} ${parsed.error}.`;
        else candidate[field] = parsed.value;
      }
    } else if (field === 'lifecycleMonths') {
      if (raw === '') candidate[field] = null;
      else if (/^\d{1,6}$/.test(raw)) candidate[field] = Number(raw);
      else errors[field] = `${label} must be a whole number of months.`;
    } else candidate[field] = values[field];
  }
  const parsed = updateAssetBody.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as FormField;
      const label = FORM_FIELDS.find(([name]) => name === field)?.[1] ?? String(field);
      errors[field] ??= `${label} ${issue.message}.`;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { values, errors };
  return { values, input: parsed.data, errors };
}

export interface AssetFormView extends LayoutView {
  header: ClientHeaderView;
  backHref: string;
  action: string;
  assetName: string;
  errorCount: string | null;
  /** Each error, linking to its field. */
  errorLinks: { href: string; text: string }[];
  fields: {
    id: string;
    name: string;
    label: string;
    value: string;
    /** The input's type, when it is an input. */
    type: 'text' | 'date';
    select: Choice[] | null;
    textarea: boolean;
    wide: boolean;
    inputmode: string | null;
    required: boolean;
    hint: string | null;
    error: string | null;
    describedBy: string | null;
  }[];
}

export function assetFormView(
  layout: LayoutView,
  client: Pick<Client, 'id' | 'name' | 'currency'>,
  asset: Pick<Asset, 'id' | 'name'>,
  values: AssetFormValues,
  errors: AssetFormErrors,
): AssetFormView {
  const count = Object.keys(errors).length;
  return {
    ...layout,
    header: clientHeader(client, 'assets', `Edit ${asset.name}`),
    backHref: `/clients/${client.id}/assets/${asset.id}`,
    action: `/clients/${client.id}/assets/${asset.id}`,
    assetName: asset.name,
    errorCount: count === 0 ? null : count === 1 ? '1 field needs a fix.' : `${count} fields need a fix.`,
    errorLinks: FORM_FIELDS.flatMap(([field]) => {
      const error = errors[field];
      return error ? [{ href: `#asset-${field}`, text: error }] : [];
    }),
    fields: FORM_FIELDS.map(([field, label]) => {
      const error = errors[field] ?? null;
      const hint = HINTS[field] ?? null;
      const id = `asset-${field}`;
      const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null]
        .filter(Boolean)
        .join(' ');
      const select =
        field === 'category'
          ? ASSET_CATEGORIES.map((value) => ({
              value,
              label: CATEGORY_SINGULAR[value],
              selected: value === values.category,
            }))
          : field === 'status'
            ? ASSET_STATUSES.map((value) => ({
                value,
                label: ASSET_STATUS_LABELS[value],
                selected: value === values.status,
              }))
            : [];
      return {
        id,
        name: field,
        label: MONEY_INPUTS.has(field) ? `${label} (${client.currency})` : label,
        value: values[field],
        type: DATE_INPUTS.has(field) ? 'date' : 'text',
        select: select.length > 0 ? select : null,
        textarea: field === 'notes',
        wide: field === 'notes' || field === 'name',
        inputmode: MONEY_INPUTS.has(field) ? 'decimal' : field === 'lifecycleMonths' ? 'numeric' : null,
        required: field === 'name',
        hint,
        error,
        describedBy: describedBy || null,
      };
    }),
  };
}

const DONE_MESSAGES = {
  saved: 'The asset was saved.',
  reset: 'The refresh clock restarts today: the in-service date is now today.',
  retired: 'The asset was retired: it no longer has a refresh clock or counts in forecasts.',
} as const;
type Done = keyof typeof DONE_MESSAGES;

const SOURCE_LABELS = {
  manual: 'Entered by hand (console or API)',
  import: 'From a CSV import',
  sync: 'From a sync',
  catalogue: 'From the end-of-support catalogue',
} as const;

const DATE_LABELS: Record<DateField, string> = {
  purchasedOn: 'Purchased on',
  inServiceOn: 'In service on',
  warrantyExpiresOn: 'Warranty expires on',
  endOfSupportOn: 'End of support on',
};

const OS_STATUS_LABELS = {
  unsupported: 'Unsupported: past its end of support',
  update_due: 'Update due',
  supported: 'Supported',
  unknown: 'Unknown: no end-of-support date and no catalogue match',
} as const;
const WARRANTY_LABELS = {
  unknown: 'Unknown',
  expired: 'Expired',
  expiring: 'Expiring within 90 days',
  active: 'Active',
} as const;

export interface AssetDetailView extends LayoutView {
  header: ClientHeaderView;
  backHref: string;
  notice: string | null;
  asset: { name: string; tag: StatusTag; statusLabel: string };
  lifecycle: {
    tiles: { label: string; value: string; tone: string }[];
    /** For the meter: green below `low`, amber to `high`, red from there (the lifecycle's last month on). */
    used: { months: number; of: number; low: number; high: number; text: string } | null;
    lines: string[];
  };
  facts: { label: string; value: string }[];
  provenance: { label: string; value: string; source: string }[];
  provenanceNotes: string[];
  initiatives: { title: string; kind: string; status: string; target: string }[];
  notes: string | null;
  actions: {
    editHref: string;
    resetAction: string;
    retireAction: string;
    canReset: boolean;
    canRetire: boolean;
  } | null;
}

const KIND_LABELS = {
  replacement: 'Replaces it',
  upgrade: 'Upgrades its operating system',
  project: 'Project (for reference)',
} as const;

export function assetDetailView(
  layout: LayoutView,
  client: Pick<Client, 'id' | 'name' | 'currency'>,
  asset: Asset,
  initiatives: InitiativeResource[],
  options: { canEdit: boolean; done: Done | undefined; asOf: string },
): AssetDetailView {
  const clock = asset.lifecycle;
  const startedOn = asset.inServiceOn ?? asset.purchasedOn;
  const active = asset.status === 'active' || asset.status === 'in_storage';
  const used =
    startedOn !== null && active
      ? Math.max(0, Math.min(wholeMonthsBetween(startedOn, options.asOf), clock.lifecycleMonths * 10))
      : null;
  const tag = statusTagOf(asset);
  const hasOs = asset.operatingSystem !== null || clock.endOfSupportOn !== null;
  const money = (minor: number | null) => formatMoney(minor, client.currency);
  const lines: string[] = [];
  if (!active)
    lines.push(`${ASSET_STATUS_LABELS[asset.status]}: it has no refresh clock and is not forecast.`);
  else if (startedOn === null)
    lines.push('No in-service or purchase date: no refresh is planned until one is recorded.');
  else {
    lines.push(
      `The clock runs from ${formatDateOrDash(startedOn)}${asset.inServiceOn === null ? ' (the purchase date: no in-service date is recorded)' : ''} for ${clock.lifecycleMonths} months${asset.lifecycleMonths === null ? ', the category’s lifecycle policy' : ', this asset’s own lifecycle'}.`,
    );
    if (clock.dueOn !== null)
      lines.push(
        clock.dueReason === 'end_of_support'
          ? `Refresh due ${formatDateOrDash(clock.dueOn)}, brought forward by the operating system’s end of support.`
          : `Refresh due ${formatDateOrDash(clock.dueOn)}, by age.`,
      );
  }
  if (clock.osStatus === 'update_due' && clock.osUpdateTo)
    lines.push(
      `A free in-place update to ${clock.osUpdateTo} brings its operating system back into support.`,
    );

  const provenanceNotes: string[] = [];
  if (asset.externalSource !== null)
    provenanceNotes.push(`Synced from ${asset.externalSource} as ${asset.externalId ?? DASH}.`);
  return {
    ...layout,
    header: clientHeader(client, 'assets', asset.name),
    backHref: `/clients/${client.id}/assets`,
    notice: options.done ? DONE_MESSAGES[options.done] : null,
    asset: { name: asset.name, tag, statusLabel: ASSET_STATUS_LABELS[asset.status] },
    lifecycle: {
      tiles: [
        { label: 'In service since', value: formatDateOrDash(startedOn), tone: '' },
        {
          label: 'Refresh due',
          value: formatDateOrDash(clock.dueOn),
          tone: clock.status === 'overdue' ? 'alert' : '',
        },
        { label: 'Lifecycle status', value: tag.label, tone: clock.status === 'overdue' ? 'alert' : '' },
        hasOs
          ? {
              label: 'Operating system',
              value: OS_STATUS_LABELS[clock.osStatus].split(':')[0]!,
              tone: clock.osStatus === 'unsupported' ? 'alert' : '',
            }
          : {
              label: 'Warranty',
              value: WARRANTY_LABELS[clock.warrantyStatus],
              tone: clock.warrantyStatus === 'expired' ? 'alert' : '',
            },
      ],
      used:
        used === null
          ? null
          : {
              months: Math.min(used, clock.lifecycleMonths),
              of: clock.lifecycleMonths,
              low: Math.floor(clock.lifecycleMonths * 0.75),
              high: Math.max(clock.lifecycleMonths - 1, 0),
              text: `${used} of ${clock.lifecycleMonths} months used${used > clock.lifecycleMonths ? ` (${used - clock.lifecycleMonths} past its lifecycle)` : ''}`,
            },
      lines,
    },
    facts: [
      { label: 'Category', value: CATEGORY_SINGULAR[asset.category] },
      { label: 'Status', value: ASSET_STATUS_LABELS[asset.status] },
      { label: 'Manufacturer', value: asset.manufacturer ?? DASH },
      { label: 'Model', value: asset.model ?? DASH },
      { label: 'Serial number', value: asset.serialNumber ?? DASH },
      { label: 'Asset tag', value: asset.assetTag ?? DASH },
      { label: 'Location', value: asset.location ?? DASH },
      { label: 'Assigned to', value: asset.assignedTo ?? DASH },
      { label: 'Operating system', value: asset.operatingSystem ?? DASH },
      {
        label: 'OS status',
        value: hasOs ? OS_STATUS_LABELS[clock.osStatus] : 'No operating system recorded',
      },
      {
        label: 'OS end of support',
        value:
          clock.endOfSupportOn === null
            ? DASH
            : `${formatDateOrDash(clock.endOfSupportOn)} (${clock.endOfSupportSource === 'asset' ? 'this asset’s own date' : 'end-of-support catalogue'})`,
      },
      { label: 'Warranty', value: WARRANTY_LABELS[clock.warrantyStatus] },
      { label: 'Purchase cost', value: money(asset.purchaseCost) },
      { label: 'Replacement cost', value: money(asset.replacementCost) },
      {
        label: 'Lifecycle',
        value:
          asset.lifecycleMonths === null
            ? `${clock.lifecycleMonths} months (policy)`
            : `${asset.lifecycleMonths} months (this asset)`,
      },
      { label: 'Added', value: formatInstant(asset.createdAt) },
      { label: 'Last changed', value: formatInstant(asset.updatedAt) },
    ],
    provenance: (Object.keys(DATE_LABELS) as DateField[]).map((field) => {
      const source = asset.dateSources[field];
      return {
        label: DATE_LABELS[field],
        value: formatDateOrDash(asset[field]),
        source:
          asset[field] === null || source === null
            ? 'Not recorded'
            : source === 'sync' && asset.externalSource
              ? `From a sync with ${asset.externalSource}`
              : SOURCE_LABELS[source],
      };
    }),
    provenanceNotes,
    initiatives: initiatives.map((initiative) => ({
      title: initiative.title,
      kind: KIND_LABELS[initiative.kind],
      status: INITIATIVE_STATUS_LABELS[initiative.status],
      target: formatDateOrDash(initiative.targetOn),
    })),
    notes: asset.notes,
    actions: options.canEdit
      ? {
          editHref: `/clients/${client.id}/assets/${asset.id}/edit`,
          resetAction: `/clients/${client.id}/assets/${asset.id}/reset-clock`,
          retireAction: `/clients/${client.id}/assets/${asset.id}/retire`,
          canReset: active,
          canRetire: active,
        }
      : null,
  };
}

/** The client's initiatives that link this asset; a client has tens of initiatives, read a page at a time. */
async function initiativesOfAsset(
  db: Executor,
  auth: Principal,
  clientId: string,
  assetId: string,
): Promise<InitiativeResource[]> {
  const linked: InitiativeResource[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await listInitiatives(db, auth, clientId, { limit: 500, cursor });
    linked.push(...page.items.filter((initiative) => initiative.assetIds.includes(assetId)));
    if (page.nextCursor === null) return linked;
    cursor = page.nextCursor;
  }
}

const isUuid = (value: string) => z.uuid().safeParse(value).success;
const doneQuery = z.object({ done: z.enum(['saved', 'reset', 'retired']).optional().catch(undefined) });

export function assetsPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;

  /** The client and asset ids of the path; null when either is not a UUID (the 404 page answers). */
  const idsOf = (req: Request): { clientId: string; assetId: string } | null => {
    const { clientId, assetId } = req.params as { clientId: string; assetId: string };
    return isUuid(clientId) && isUuid(assetId) ? { clientId, assetId } : null;
  };

  router.get('/clients/:clientId/assets', async (req, res, next) => {
    const clientId = req.params.clientId;
    if (!isUuid(clientId)) {
      next();
      return;
    }
    const parsed = inventoryQuery.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      sendMessage(res, 400, 'Bad request', `The ${issue.path.join('.')} parameter ${issue.message}.`, {
        href: `/clients/${clientId}/assets`,
        label: 'Back to the inventory',
      });
      return;
    }
    const query = parsed.data;
    const auth = sessionOf(res).principal;
    const [client, page] = await Promise.all([
      getClient(db, auth, clientId),
      browseAssets(
        db,
        auth,
        clientId,
        {
          q: query.q,
          category: query.category,
          status: query.status,
          lifecycleStatus: query.lifecycleStatus,
          order: query.sort,
          direction: query.dir,
          offset: (query.page - 1) * INVENTORY_PAGE_SIZE,
          limit: INVENTORY_PAGE_SIZE,
        },
        context.clock.today(),
      ),
    ]);
    sendPage<InventoryView>(
      res,
      200,
      'assets',
      inventoryView(layoutOf(res, `Inventory · ${client.name}`, req.path), client, page, query),
    );
  });

  router.get('/clients/:clientId/assets/:assetId', async (req, res, next) => {
    const ids = idsOf(req);
    if (!ids) {
      next();
      return;
    }
    const auth = sessionOf(res).principal;
    const today = context.clock.today();
    const [client, asset] = await Promise.all([
      getClient(db, auth, ids.clientId),
      getAsset(db, auth, ids.clientId, ids.assetId, today),
    ]);
    const initiatives = await initiativesOfAsset(db, auth, ids.clientId, ids.assetId);
    sendPage<AssetDetailView>(
      res,
      200,
      'asset',
      assetDetailView(layoutOf(res, `${asset.name} · ${client.name}`, req.path), client, asset, initiatives, {
        canEdit: scopeCovers(auth.scope, 'write'),
        done: doneQuery.parse(req.query).done,
        asOf: today,
      }),
    );
  });

  const sendForm = (
    res: Response,
    status: number,
    path: string,
    client: Client,
    asset: Asset,
    values: AssetFormValues,
    errors: AssetFormErrors,
  ) =>
    sendPage<AssetFormView>(
      res,
      status,
      'asset-edit',
      assetFormView(
        layoutOf(res, `Edit ${asset.name} · ${client.name}`, path),
        client,
        asset,
        values,
        errors,
      ),
    );

  router.get('/clients/:clientId/assets/:assetId/edit', async (req, res, next) => {
    const ids = idsOf(req);
    if (!ids) {
      next();
      return;
    }
    const auth = requireScope(res, 'write');
    const [client, asset] = await Promise.all([
      getClient(db, auth, ids.clientId),
      getAsset(db, auth, ids.clientId, ids.assetId, context.clock.today()),
    ]);
    sendForm(res, 200, req.path, client, asset, assetFormValues(asset, client.currency), {});
  });

  router.post('/clients/:clientId/assets/:assetId', async (req, res, next) => {
    const ids = idsOf(req);
    if (!ids) {
      next();
      return;
    }
    const auth = requireScope(res, 'write');
    const today = context.clock.today();
    const [client, asset] = await Promise.all([
      getClient(db, auth, ids.clientId),
      getAsset(db, auth, ids.clientId, ids.assetId, today),
    ]);
    const form = readAssetForm(req.body as Record<string, unknown>, client.currency);
    if (!form.input) {
      sendForm(res, 422, `${req.path}/edit`, client, asset, form.values, form.errors);
      return;
    }
    await updateAsset(db, auth, ids.clientId, ids.assetId, form.input, today);
    res.redirect(303, `/clients/${ids.clientId}/assets/${ids.assetId}?done=saved`);
  });

  const action = (path: string, done: Done, change: (today: string) => UpdateAsset, allowed: AssetStatus[]) =>
    router.post(`/clients/:clientId/assets/:assetId/${path}`, async (req, res, next) => {
      const ids = idsOf(req);
      if (!ids) {
        next();
        return;
      }
      const auth = requireScope(res, 'write');
      const today = context.clock.today();
      const asset = await getAsset(db, auth, ids.clientId, ids.assetId, today);
      if (!allowed.includes(asset.status)) {
        sendMessage(
          res,
          409,
          'Could not do that',
          `This asset is ${ASSET_STATUS_LABELS[asset.status].toLowerCase()}: it has no refresh clock to change.`,
          { href: `/clients/${ids.clientId}/assets/${ids.assetId}`, label: 'Back to the asset' },
        );
        return;
      }
      await updateAsset(db, auth, ids.clientId, ids.assetId, change(today), today);
      res.redirect(303, `/clients/${ids.clientId}/assets/${ids.assetId}?done=${done}`);
    });
  // Resetting the clock records today as the in-service date (as entered by hand), so the lifecycle starts again.
  action('reset-clock', 'reset', (today) => ({ inServiceOn: today }), ['active', 'in_storage']);
  action('retire', 'retired', () => ({ status: 'retired' }), ['active', 'in_storage']);
  return router;
}
