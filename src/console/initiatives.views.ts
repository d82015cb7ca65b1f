/**
 * The initiatives board, an initiative's page and the decisions trail: their typed view models and the reading of
 * their forms. Pure (no I/O): the routes in initiatives.pages.ts call the services and pass what they answered.
 */
import type { Asset, AssetRecord } from '../assets/asset.schemas.js';
import type { Client } from '../clients/client.schemas.js';
import { addMonths, type IsoDate } from '../domain/dates.js';
import { horizonOf, type FiscalPeriod } from '../domain/fiscal-calendar.js';
import { INITIATIVE_KINDS, type InitiativeKind } from '../domain/forecast.types.js';
import { currencyDecimals, minorToDecimal } from '../domain/money.js';
import { AppError } from '../http/errors.js';
import { parseMoney, parseWholeNumber } from '../imports/values.js';
import {
  createInitiativeBody,
  decisionValueSchema,
  decisionViaSchema,
  initiativeStatusSchema,
  prioritySchema,
  recordDecisionBody,
  type CreateInitiative,
  type Decision,
  type DecisionVia,
  type InitiativeResource,
  type RecordDecision,
} from '../initiatives/initiative.schemas.js';
import { moneyFormat, plural } from '../packets/packet-format.js';
import { clientHeader, type ClientHeaderView } from './client-nav.js';
import { DASH, formatDateOrDash, formatInstant } from './console-format.js';
import type { LayoutView } from './console-templates.js';

type Status = InitiativeResource['status'];
type Priority = InitiativeResource['priority'];
type DecisionValue = Decision['decision'];

export const STATUS_LABELS: Record<Status, string> = {
  proposed: 'Proposed',
  approved: 'Approved',
  in_progress: 'In progress',
  completed: 'Completed',
  declined: 'Declined',
  deferred: 'Deferred',
};
export const PRIORITY_LABELS: Record<Priority, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};
export const KIND_LABELS: Record<InitiativeKind, string> = {
  replacement: 'Replacement',
  upgrade: 'Upgrade',
  project: 'Project',
};
export const DECISION_LABELS: Record<DecisionValue, string> = {
  approved: 'Approved',
  declined: 'Declined',
  deferred: 'Deferred',
};
export const VIA_LABELS: Record<DecisionVia, string> = { api: 'API', console: 'Console', portal: 'Portal' };

/** What a redirect after a change says on the next page: fixed messages only, never text from the query. */
export const DONE_NOTICES = {
  created: 'Initiative created.',
  saved: 'Changes saved.',
  moved: 'Initiative moved.',
  linked: 'Linked assets saved.',
  deleted: 'Initiative deleted.',
  decided: 'Decision recorded.',
} as const;
export type DoneNotice = keyof typeof DONE_NOTICES;

export function noticeOf(done: unknown): string | null {
  return typeof done === 'string' && Object.hasOwn(DONE_NOTICES, done)
    ? DONE_NOTICES[done as DoneNotice]
    : null;
}

const statusClass = (status: Status) => `status-${status.replace('_', '-')}`;

// ---------------------------------------------------------------------------------------------------------------
// Fiscal quarters

export const UNSCHEDULED = 'unscheduled';

/** The fiscal quarter that holds `date`, as the forecast and the packet's roadmap place it. */
export function fiscalQuarterContaining(date: IsoDate, fiscalYearStartMonth: number): FiscalPeriod {
  return horizonOf({ asOf: date, granularity: 'quarter', periods: 1, fiscalYearStartMonth }).periods[0]!;
}

/** The quarter a key such as `FY2027-Q2` names in this fiscal calendar, or undefined for anything else. */
export function fiscalQuarterOfKey(key: string, fiscalYearStartMonth: number): FiscalPeriod | undefined {
  const match = /^FY(\d{4})-Q([1-4])$/.exec(key);
  if (!match) return undefined;
  const fiscalYear = Number(match[1]);
  if (fiscalYear < 1901 || fiscalYear > 2199) return undefined;
  // FY2027 with a July start begins in July 2026; with a January start, in January 2027.
  const startYear = fiscalYearStartMonth === 1 ? fiscalYear : fiscalYear - 1;
  const yearStart = `${startYear}-${String(fiscalYearStartMonth).padStart(2, '0')}-01`;
  const quarter = horizonOf({ asOf: yearStart, granularity: 'quarter', periods: 4, fiscalYearStartMonth })
    .periods[Number(match[2]) - 1]!;
  return quarter.key === key ? quarter : undefined;
}

const monthIndexOf = (date: IsoDate) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

/**
 * Where "Move to" puts an initiative: it keeps its place in the quarter (same month of the quarter and day,
 * clamped to the month's end as addMonths does), so 2027-02-15 moved one quarter on is 2027-05-15. An undated one
 * lands on the quarter's first day. `null` (Unscheduled) clears the date.
 */
export function movedTargetOn(
  targetOn: IsoDate | null,
  destination: FiscalPeriod | null,
  fiscalYearStartMonth: number,
): IsoDate | null {
  if (destination === null) return null;
  if (targetOn === null) return destination.start;
  const from = fiscalQuarterContaining(targetOn, fiscalYearStartMonth);
  return addMonths(targetOn, monthIndexOf(destination.start) - monthIndexOf(from.start));
}

/** Quarters the board shows whatever the initiatives: this one and the next seven (two fiscal years ahead). */
const BOARD_QUARTERS = 8;

/**
 * The board's quarter columns: this quarter and the next seven, and any other quarter that holds an initiative
 * (an overdue one in the past, one planned further out), in date order.
 */
export function boardQuarters(
  today: IsoDate,
  fiscalYearStartMonth: number,
  targetDates: readonly (IsoDate | null)[],
): FiscalPeriod[] {
  const quarters = new Map<string, FiscalPeriod>();
  for (const quarter of horizonOf({
    asOf: today,
    granularity: 'quarter',
    periods: BOARD_QUARTERS,
    fiscalYearStartMonth,
  }).periods) {
    quarters.set(quarter.key, quarter);
  }
  for (const date of targetDates) {
    if (date === null) continue;
    const quarter = fiscalQuarterContaining(date, fiscalYearStartMonth);
    if (!quarters.has(quarter.key)) quarters.set(quarter.key, quarter);
  }
  return [...quarters.values()].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------------------------
// The board

export interface MoveOption {
  value: string;
  label: string;
  selected: boolean;
}

export interface BoardCard {
  id: string;
  href: string;
  title: string;
  kind: string;
  priority: string;
  priorityClass: string;
  status: string;
  statusClass: string;
  target: string;
  capex: string;
  opex: string;
  linkedAssets: string;
  decisions: string | null;
  moveOptions: MoveOption[];
  moveId: string;
}

export interface BoardColumn {
  key: string;
  headingId: string;
  label: string;
  range: string;
  current: boolean;
  past: boolean;
  count: string;
  capexTotal: string | null;
  cards: BoardCard[];
}

export interface BoardView extends LayoutView {
  header: ClientHeaderView;
  clientId: string;
  canEdit: boolean;
  notice: string | null;
  currency: string;
  columns: BoardColumn[];
  empty: boolean;
  newHref: string;
}

function rangeText(quarter: FiscalPeriod): string {
  return `${formatDateOrDash(quarter.start)} – ${formatDateOrDash(quarter.end)}`;
}

function opexText(initiative: InitiativeResource, currency: string): string {
  if (initiative.monthlyOpexCost === 0) return DASH;
  const monthly = `${moneyFormat(currency).money(initiative.monthlyOpexCost)}/mo`;
  return initiative.opexMonths === null
    ? `${monthly}, ongoing`
    : `${monthly} × ${plural(initiative.opexMonths, 'month')}`;
}

export function moveOptionsOf(quarters: readonly FiscalPeriod[], currentKey: string): MoveOption[] {
  return [
    ...quarters.map((quarter) => ({
      value: quarter.key,
      label: quarter.label,
      selected: quarter.key === currentKey,
    })),
    { value: UNSCHEDULED, label: 'Unscheduled', selected: currentKey === UNSCHEDULED },
  ];
}

export function boardView(
  layout: LayoutView,
  client: Client,
  initiatives: readonly InitiativeResource[],
  today: IsoDate,
  canEdit: boolean,
  notice: string | null,
): BoardView {
  const fiscalStart = client.fiscalYearStartMonth;
  const money = moneyFormat(client.currency);
  const quarters = boardQuarters(
    today,
    fiscalStart,
    initiatives.map((initiative) => initiative.targetOn),
  );
  const currentQuarter = fiscalQuarterContaining(today, fiscalStart);
  const byColumn = new Map<string, InitiativeResource[]>();
  for (const initiative of initiatives) {
    const key =
      initiative.targetOn === null
        ? UNSCHEDULED
        : fiscalQuarterContaining(initiative.targetOn, fiscalStart).key;
    byColumn.set(key, [...(byColumn.get(key) ?? []), initiative]);
  }
  const cardOf = (initiative: InitiativeResource, columnKey: string): BoardCard => ({
    id: initiative.id,
    href: `/clients/${client.id}/initiatives/${initiative.id}`,
    title: initiative.title,
    kind: KIND_LABELS[initiative.kind],
    priority: PRIORITY_LABELS[initiative.priority],
    priorityClass: `priority-${initiative.priority}`,
    status: STATUS_LABELS[initiative.status],
    statusClass: statusClass(initiative.status),
    target: formatDateOrDash(initiative.targetOn),
    capex: initiative.capexCost === 0 ? DASH : money.money(initiative.capexCost),
    opex: opexText(initiative, client.currency),
    linkedAssets: plural(initiative.assetIds.length, 'linked asset'),
    decisions: initiative.decisions.length === 0 ? null : plural(initiative.decisions.length, 'decision'),
    moveOptions: moveOptionsOf(quarters, columnKey),
    moveId: `move-${initiative.id}`,
  });
  const columnOf = (
    key: string,
    label: string,
    range: string,
    flags: { current: boolean; past: boolean },
  ): BoardColumn => {
    const held = byColumn.get(key) ?? [];
    const capex = held.reduce((sum, initiative) => sum + initiative.capexCost, 0);
    return {
      key,
      headingId: `column-${key.toLowerCase()}`,
      label,
      range,
      ...flags,
      count: plural(held.length, 'initiative'),
      capexTotal: capex === 0 ? null : `${money.money(capex)} capex`,
      cards: held.map((initiative) => cardOf(initiative, key)),
    };
  };
  const columns = [
    ...quarters.map((quarter) =>
      columnOf(quarter.key, quarter.label, rangeText(quarter), {
        current: quarter.key === currentQuarter.key,
        past: quarter.end < currentQuarter.start,
      }),
    ),
    columnOf(UNSCHEDULED, 'Unscheduled', 'No target date', { current: false, past: false }),
  ];
  return {
    ...layout,
    header: clientHeader(client, 'initiatives'),
    clientId: client.id,
    canEdit,
    notice,
    currency: client.currency,
    columns,
    empty: initiatives.length === 0,
    newHref: `/clients/${client.id}/initiatives/new`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The initiative form

export const INITIATIVE_FIELDS = [
  'title',
  'summary',
  'priority',
  'kind',
  'targetOn',
  'capexCost',
  'monthlyOpexCost',
  'opexMonths',
  'status',
] as const;
export type InitiativeField = (typeof INITIATIVE_FIELDS)[number];

/** What the person typed, kept as text so that a form shown again with an error holds their input. */
export type InitiativeFormValues = Record<InitiativeField, string>;
export type FieldErrors<Field extends string> = Partial<Record<Field, string>>;

const FIELD_LABELS: Record<InitiativeField, string> = {
  title: 'Title',
  summary: 'Summary',
  priority: 'Priority',
  kind: 'Kind',
  targetOn: 'Target date',
  capexCost: 'Capex',
  monthlyOpexCost: 'Monthly opex',
  opexMonths: 'Opex months',
  status: 'Status',
};

const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';

export function initiativeFormValues(form: Record<string, unknown>): InitiativeFormValues {
  return Object.fromEntries(
    INITIATIVE_FIELDS.map((field) => [field, textOf(form[field])]),
  ) as InitiativeFormValues;
}

/** An initiative's fields as the form shows them: money in major units without grouping, exactly. */
export function formValuesOf(initiative: InitiativeResource, currency: string): InitiativeFormValues {
  const digits = currencyDecimals(currency);
  return {
    title: initiative.title,
    summary: initiative.summary ?? '',
    priority: initiative.priority,
    kind: initiative.kind,
    targetOn: initiative.targetOn ?? '',
    capexCost: initiative.capexCost === 0 ? '' : minorToDecimal(initiative.capexCost, digits),
    monthlyOpexCost:
      initiative.monthlyOpexCost === 0 ? '' : minorToDecimal(initiative.monthlyOpexCost, digits),
    opexMonths: initiative.opexMonths === null ? '' : String(initiative.opexMonths),
    status: initiative.status,
  };
}

export const EMPTY_FORM: InitiativeFormValues = {
  title: '',
  summary: '',
  priority: 'medium',
  kind: 'project',
  targetOn: '',
  capexCost: '',
  monthlyOpexCost: '',
  opexMonths: '',
  status: 'proposed',
};

type InitiativeFields = Omit<CreateInitiative, 'assetIds'>;

/**
 * The form's text as the service's input: money typed in major units (1,234.50) becomes minor units exactly, by
 * the import's string arithmetic, and more decimals than the currency has is an error naming the field. The rest
 * is checked by the API's own schema, so the console accepts exactly what the API does.
 */
export function parseInitiativeForm(
  values: InitiativeFormValues,
  currency: string,
):
  | { input: InitiativeFields; errors?: undefined }
  | { input?: undefined; errors: FieldErrors<InitiativeField> } {
  const errors: FieldErrors<InitiativeField> = {};
  const moneyOf = (field: 'capexCost' | 'monthlyOpexCost'): number | undefined => {
    const raw = values[field].trim();
    if (raw === '') return 0;
    const parsed = parseMoney(raw, currency, { extraDecimals: 'reject' });
    if (parsed.error !== undefined) errors[field] = `${FIELD_LABELS[field]} “${raw}” ${parsed.error}.`;
    return parsed.value;
  };
  const capexCost = moneyOf('capexCost');
  const monthlyOpexCost = moneyOf('monthlyOpexCost');
  let opexMonths: number | null = null;
  const monthsText = values.opexMonths.trim();
  if (monthsText !== '') {
    const parsed = parseWholeNumber(monthsText, 1, 600, 'months');
    if (parsed.error !== undefined) errors.opexMonths = `${FIELD_LABELS.opexMonths} ${parsed.error}.`;
    else opexMonths = parsed.value;
  }
  const parsed = createInitiativeBody.safeParse({
    title: values.title,
    summary: values.summary,
    priority: values.priority,
    kind: values.kind,
    targetOn: values.targetOn.trim() === '' ? null : values.targetOn.trim(),
    capexCost: capexCost ?? 0,
    monthlyOpexCost: monthlyOpexCost ?? 0,
    opexMonths,
    status: values.status,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (typeof field === 'string' && (INITIATIVE_FIELDS as readonly string[]).includes(field)) {
        errors[field as InitiativeField] ??= `${FIELD_LABELS[field as InitiativeField]} ${issue.message}.`;
      }
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) {
    return { errors: Object.keys(errors).length > 0 ? errors : { title: 'The form is not valid.' } };
  }
  const { assetIds: _ignored, ...input } = parsed.data;
  return { input };
}

/**
 * A service's refusal as errors next to the fields it names (`body.title` → title); what names no field of the
 * form goes in `general`. Anything but a 4xx AppError is not the person's doing and is thrown on.
 */
export function fieldErrorsOf<Field extends string>(
  error: unknown,
  fields: readonly Field[],
  labels: Record<Field, string>,
): { fields: FieldErrors<Field>; general: string | null } {
  if (!(error instanceof AppError) || error.status >= 500 || error.status === 404 || error.status === 403)
    throw error;
  const out: FieldErrors<Field> = {};
  const general: string[] = [];
  for (const item of error.errors ?? []) {
    const field = /^body\.([A-Za-z]+)/.exec(item.path)?.[1];
    if (field && (fields as readonly string[]).includes(field))
      out[field as Field] ??= `${labels[field as Field]} ${item.message}.`;
    else general.push(item.message);
  }
  return {
    fields: out,
    general:
      Object.keys(out).length > 0 && general.length === 0 ? null : [error.message, ...general].join(': '),
  };
}

export const initiativeServiceErrors = (error: unknown) =>
  fieldErrorsOf(error, INITIATIVE_FIELDS, FIELD_LABELS);

interface Choice {
  value: string;
  label: string;
  selected: boolean;
}

export interface InitiativeFormView {
  action: string;
  submitLabel: string;
  values: InitiativeFormValues;
  errors: Record<InitiativeField, string | null>;
  hasErrors: boolean;
  general: string | null;
  currency: string;
  moneyHint: string;
  priorities: Choice[];
  kinds: Choice[];
  statuses: Choice[];
}

export function initiativeFormView(
  action: string,
  submitLabel: string,
  values: InitiativeFormValues,
  currency: string,
  errors: FieldErrors<InitiativeField> = {},
  general: string | null = null,
): InitiativeFormView {
  const choices = <Value extends string>(
    all: readonly Value[],
    labels: Record<Value, string>,
    chosen: string,
  ) => all.map((value) => ({ value, label: labels[value], selected: value === chosen }));
  const digits = currencyDecimals(currency);
  return {
    action,
    submitLabel,
    values,
    errors: Object.fromEntries(INITIATIVE_FIELDS.map((field) => [field, errors[field] ?? null])) as Record<
      InitiativeField,
      string | null
    >,
    hasErrors: Object.keys(errors).length > 0 || general !== null,
    general,
    currency,
    moneyHint:
      digits === 0
        ? `Amounts in ${currency}, whole units, e.g. 1,234.`
        : `Amounts in ${currency}, e.g. 1,234.${'5'.padEnd(digits, '0')}.`,
    priorities: choices(prioritySchema.options, PRIORITY_LABELS, values.priority),
    kinds: choices(INITIATIVE_KINDS, KIND_LABELS, values.kind),
    statuses: choices(initiativeStatusSchema.options, STATUS_LABELS, values.status),
  };
}

export interface NewInitiativeView extends LayoutView {
  header: ClientHeaderView;
  backHref: string;
  form: InitiativeFormView;
}

export function newInitiativeView(
  layout: LayoutView,
  client: Client,
  form: InitiativeFormView,
): NewInitiativeView {
  return {
    ...layout,
    header: clientHeader(client, 'initiatives', 'New initiative'),
    backHref: `/clients/${client.id}/initiatives`,
    form,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The decision form

export const DECISION_FIELDS = ['decision', 'decidedBy', 'role', 'note'] as const;
export type DecisionField = (typeof DECISION_FIELDS)[number];
export type DecisionFormValues = Record<DecisionField, string>;
const DECISION_FIELD_LABELS: Record<DecisionField, string> = {
  decision: 'Decision',
  decidedBy: 'Decided by',
  role: 'Role',
  note: 'Note',
};

export function decisionFormValues(form: Record<string, unknown>): DecisionFormValues {
  return Object.fromEntries(
    DECISION_FIELDS.map((field) => [field, textOf(form[field])]),
  ) as DecisionFormValues;
}

export function parseDecisionForm(
  values: DecisionFormValues,
): { input: RecordDecision; errors?: undefined } | { input?: undefined; errors: FieldErrors<DecisionField> } {
  const parsed = recordDecisionBody.safeParse({
    decision: values.decision,
    decidedBy: values.decidedBy,
    role: values.role,
    note: values.note,
  });
  if (parsed.success) return { input: parsed.data };
  const errors: FieldErrors<DecisionField> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as DecisionField;
    const message =
      field === 'decision'
        ? 'Choose approved, declined or deferred.'
        : `${DECISION_FIELD_LABELS[field]} ${issue.message}.`;
    errors[field] ??= message;
  }
  return { errors };
}

export const decisionServiceErrors = (error: unknown) =>
  fieldErrorsOf(error, DECISION_FIELDS, DECISION_FIELD_LABELS);

export interface DecisionFormView {
  action: string;
  values: DecisionFormValues;
  errors: Record<DecisionField, string | null>;
  hasErrors: boolean;
  general: string | null;
  choices: { value: string; label: string; checked: boolean; id: string }[];
}

export function decisionFormView(
  action: string,
  values: DecisionFormValues,
  errors: FieldErrors<DecisionField> = {},
  general: string | null = null,
): DecisionFormView {
  return {
    action,
    values,
    errors: Object.fromEntries(DECISION_FIELDS.map((field) => [field, errors[field] ?? null])) as Record<
      DecisionField,
      string | null
    >,
    hasErrors: Object.keys(errors).length > 0 || general !== null,
    general,
    choices: decisionValueSchema.options.map((value) => ({
      value,
      label: DECISION_LABELS[value],
      checked: values.decision === value,
      id: `decision-${value}`,
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The initiative's page

export interface DecisionRow {
  decision: string;
  decisionClass: string;
  decidedBy: string;
  role: string;
  via: string;
  recordedBy: string;
  when: string;
  note: string;
}

function decisionRow(decision: Decision): DecisionRow {
  return {
    decision: DECISION_LABELS[decision.decision],
    decisionClass: statusClass(decision.decision),
    decidedBy: decision.decidedBy,
    role: decision.role ?? DASH,
    via: VIA_LABELS[decision.via],
    recordedBy:
      decision.via === 'portal'
        ? [decision.ipAddress, decision.userAgent].filter(Boolean).join(' · ') || 'Share link'
        : (decision.recordedBy ?? DASH),
    when: formatInstant(decision.decidedAt),
    note: decision.note ?? DASH,
  };
}

export interface AssetChoice {
  id: string;
  name: string;
  detail: string;
  checked: boolean;
  inputId: string;
}

export interface AssetChecklist {
  /** The search box's text. */
  q: string;
  caption: string;
  none: string;
  items: AssetChoice[];
  nextHref: string | null;
  firstHref: string | null;
}

const CATEGORY_WORDS = (category: string) => category.replace('_', ' ');

function assetDetail(asset: Pick<AssetRecord, 'category' | 'model' | 'assignedTo' | 'status'>): string {
  return [
    CATEGORY_WORDS(asset.category),
    asset.model,
    asset.assignedTo,
    asset.status === 'active' ? null : asset.status.replace('_', ' '),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Linked assets shown (and unlinkable) on the page itself; more are found with the search. */
export const LINKED_SHOWN = 20;
/** Assets per page of the search checklist (with the linked ones, well within the form's 50 fields). */
export const CHECKLIST_PAGE = 20;

export interface InitiativePageView extends LayoutView {
  header: ClientHeaderView;
  canEdit: boolean;
  notice: string | null;
  backHref: string;
  initiative: {
    id: string;
    title: string;
    summary: string | null;
    status: string;
    statusClass: string;
    facts: { label: string; value: string }[];
  };
  move: { action: string; options: MoveOption[] };
  form: InitiativeFormView;
  linked: {
    action: string;
    count: string;
    items: AssetChoice[];
    more: string | null;
  };
  checklist: AssetChecklist & { action: string; searchAction: string };
  decisions: DecisionRow[];
  decisionForm: DecisionFormView | null;
  decisionClosed: string | null;
  deleteAction: string;
  deleteError: string | null;
}

export interface InitiativePageInput {
  client: Client;
  initiative: InitiativeResource;
  today: IsoDate;
  canEdit: boolean;
  notice: string | null;
  linkedAssets: readonly AssetRecord[];
  /** A page of the asset search: `paged` when it is not the first page. */
  search: { q: string; items: readonly Asset[]; nextCursor: string | null; paged: boolean };
  form?: InitiativeFormView;
  decisionForm?: DecisionFormView;
  deleteError?: string | null;
}

export function initiativePageView(layout: LayoutView, input: InitiativePageInput): InitiativePageView {
  const { client, initiative } = input;
  const base = `/clients/${client.id}/initiatives/${initiative.id}`;
  const fiscalStart = client.fiscalYearStartMonth;
  const money = moneyFormat(client.currency);
  const quarters = boardQuarters(input.today, fiscalStart, [initiative.targetOn]);
  const currentKey =
    initiative.targetOn === null
      ? UNSCHEDULED
      : fiscalQuarterContaining(initiative.targetOn, fiscalStart).key;
  const linkedIds = new Set(initiative.assetIds);
  const linkedShown = input.linkedAssets.slice(0, LINKED_SHOWN);
  const searchHref = (cursor: string | null) => {
    const query = new URLSearchParams();
    if (input.search.q) query.set('q', input.search.q);
    if (cursor) query.set('cursor', cursor);
    const text = query.toString();
    return `${base}${text ? `?${text}` : ''}#link-assets`;
  };
  const decisionOpen = initiative.status !== 'completed';
  return {
    ...layout,
    header: clientHeader(client, 'initiatives', initiative.title),
    canEdit: input.canEdit,
    notice: input.notice,
    backHref: `/clients/${client.id}/initiatives`,
    initiative: {
      id: initiative.id,
      title: initiative.title,
      summary: initiative.summary,
      status: STATUS_LABELS[initiative.status],
      statusClass: statusClass(initiative.status),
      facts: [
        {
          label: 'Quarter',
          value:
            initiative.targetOn === null
              ? 'Unscheduled'
              : fiscalQuarterContaining(initiative.targetOn, fiscalStart).label,
        },
        { label: 'Target date', value: formatDateOrDash(initiative.targetOn) },
        { label: 'Kind', value: KIND_LABELS[initiative.kind] },
        { label: 'Priority', value: PRIORITY_LABELS[initiative.priority] },
        {
          label: 'Capex',
          value: initiative.capexCost === 0 ? DASH : money.money(initiative.capexCost),
        },
        { label: 'Opex', value: opexText(initiative, client.currency) },
        { label: 'Linked assets', value: String(initiative.assetIds.length) },
      ],
    },
    move: { action: `${base}/move`, options: moveOptionsOf(quarters, currentKey) },
    form:
      input.form ??
      initiativeFormView(base, 'Save changes', formValuesOf(initiative, client.currency), client.currency),
    linked: {
      action: `${base}/assets`,
      count: plural(initiative.assetIds.length, 'linked asset'),
      items: linkedShown.map((asset) => ({
        id: asset.id,
        name: asset.name,
        detail: assetDetail(asset),
        checked: true,
        inputId: `linked-${asset.id}`,
      })),
      more:
        input.linkedAssets.length > LINKED_SHOWN
          ? `and ${plural(input.linkedAssets.length - LINKED_SHOWN, 'more asset')}: search below to find and unlink them`
          : null,
    },
    checklist: {
      action: `${base}/assets`,
      searchAction: `${base}#link-assets`,
      q: input.search.q,
      caption: input.search.q ? `Assets matching “${input.search.q}”` : `${client.name}’s assets, by name`,
      none: input.search.q ? 'No asset matches.' : 'This client has no assets yet.',
      items: input.search.items.map((asset) => ({
        id: asset.id,
        name: asset.name,
        detail: assetDetail(asset),
        checked: linkedIds.has(asset.id),
        inputId: `asset-${asset.id}`,
      })),
      nextHref: input.search.nextCursor ? searchHref(input.search.nextCursor) : null,
      firstHref: input.search.paged ? searchHref(null) : null,
    },
    decisions: initiative.decisions.map(decisionRow).reverse(),
    decisionForm: decisionOpen
      ? (input.decisionForm ??
        decisionFormView(`${base}/decisions`, {
          decision: '',
          decidedBy: client.contactName ?? '',
          role: '',
          note: '',
        }))
      : null,
    // A decision refused because the initiative was completed meanwhile says the service's reason.
    decisionClosed: decisionOpen
      ? null
      : (input.decisionForm?.general ??
        input.decisionForm?.errors.decision ??
        'The initiative is completed: there is nothing left to decide.'),
    deleteAction: `${base}/delete`,
    deleteError: input.deleteError ?? null,
  };
}

/**
 * The linked assets after a checklist was sent: the assets it showed are linked exactly when ticked, and links to
 * assets it did not show are kept.
 */
export function linkedAfterChecklist(
  linked: readonly string[],
  shown: readonly string[],
  ticked: readonly string[],
): string[] {
  const shownSet = new Set(shown);
  const tickedSet = new Set(ticked.filter((id) => shownSet.has(id)));
  const kept = linked.filter((id) => !shownSet.has(id));
  return [...new Set([...kept, ...tickedSet])].sort();
}

// ---------------------------------------------------------------------------------------------------------------
// The decisions trail

export interface DecisionsQuery {
  decision: DecisionValue | null;
  via: DecisionVia | null;
}

export function decisionsQueryOf(query: Record<string, unknown>): DecisionsQuery {
  const decision = decisionValueSchema.safeParse(textOf(query.decision));
  const via = decisionViaSchema.safeParse(textOf(query.via));
  return { decision: decision.success ? decision.data : null, via: via.success ? via.data : null };
}

export interface DecisionsView extends LayoutView {
  header: ClientHeaderView;
  action: string;
  filters: {
    decision: { value: string; label: string; selected: boolean }[];
    via: { value: string; label: string; selected: boolean }[];
    active: boolean;
    clearHref: string;
  };
  caption: string;
  rows: (DecisionRow & { initiativeTitle: string; initiativeHref: string; sortKey: string })[];
  empty: string;
}

export function decisionsView(
  layout: LayoutView,
  client: Client,
  initiatives: readonly InitiativeResource[],
  query: DecisionsQuery,
): DecisionsView {
  const all = initiatives.flatMap((initiative) =>
    initiative.decisions.map((decision) => ({ initiative, decision })),
  );
  const rows = all
    .filter(
      ({ decision }) =>
        (query.decision === null || decision.decision === query.decision) &&
        (query.via === null || decision.via === query.via),
    )
    .sort((a, b) =>
      a.decision.decidedAt === b.decision.decidedAt
        ? a.initiative.title.localeCompare(b.initiative.title)
        : a.decision.decidedAt < b.decision.decidedAt
          ? 1
          : -1,
    )
    .map(({ initiative, decision }) => ({
      ...decisionRow(decision),
      initiativeTitle: initiative.title,
      initiativeHref: `/clients/${client.id}/initiatives/${initiative.id}`,
      sortKey: decision.decidedAt,
    }));
  const active = query.decision !== null || query.via !== null;
  return {
    ...layout,
    header: clientHeader(client, 'decisions'),
    action: `/clients/${client.id}/decisions`,
    filters: {
      decision: [
        { value: '', label: 'Any decision', selected: query.decision === null },
        ...decisionValueSchema.options.map((value) => ({
          value,
          label: DECISION_LABELS[value],
          selected: query.decision === value,
        })),
      ],
      via: [
        { value: '', label: 'Any way', selected: query.via === null },
        ...decisionViaSchema.options.map((value) => ({
          value,
          label: VIA_LABELS[value],
          selected: query.via === value,
        })),
      ],
      active,
      clearHref: `/clients/${client.id}/decisions`,
    },
    caption: active
      ? `${plural(rows.length, 'decision')} of ${all.length}, newest first`
      : `${plural(rows.length, 'decision')}, newest first`,
    rows,
    empty: active
      ? 'No decision matches these filters.'
      : 'No decisions yet. They are recorded on each initiative’s page, in present mode, through the API or by the client in the portal.',
  };
}
