import { Router, type Response } from 'express';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../auth/principal.js';
import { getClient, listClients } from '../clients/client.service.js';
import type { Client } from '../clients/client.schemas.js';
import { ASSET_CATEGORIES, type AssetCategory, type LifecyclePolicy } from '../domain/forecast.types.js';
import { currencyDecimals, minorToDecimal } from '../domain/money.js';
import { DEFAULT_DUE_SOON_DAYS, DEFAULT_LIFECYCLE_MONTHS } from '../domain/refresh-clock.js';
import { AppError } from '../http/errors.js';
import { parseMoney } from '../imports/values.js';
import { putLifecyclePolicyBody } from '../lifecycle-policies/lifecycle-policy.schemas.js';
import { deletePolicy, listPolicies, putPolicy } from '../lifecycle-policies/lifecycle-policy.service.js';
import { getMsp } from '../msps/msp.service.js';
import { CATEGORY_LABELS } from '../packets/packet.copy.js';
import { moneyFormat } from '../packets/packet-format.js';
import { layoutOf, requireScope, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';
import { settingsNav, type SettingsNavView } from './settings-nav.js';

const FIELDS = ['lifecycleMonths', 'replacementCost', 'annualEscalationBps', 'dueSoonDays'] as const;
type PolicyField = (typeof FIELDS)[number];

const FIELD_LABELS: Record<PolicyField, string> = {
  lifecycleMonths: 'Lifecycle (months)',
  replacementCost: 'Replacement cost',
  annualEscalationBps: 'Yearly price rise (basis points)',
  dueSoonDays: 'Due soon (days before)',
};

export interface PoliciesView extends LayoutView {
  settingsNav: SettingsNavView;
  notice: string | null;
  error: string | null;
  level: {
    /** Null at the MSP's level. */
    clientId: string | null;
    clientName: string | null;
    heading: string;
    explanation: string;
    currency: string;
  };
  picker: { value: string; label: string; selected: boolean }[];
  columns: { field: PolicyField; label: string }[];
  rows: PolicyRowView[];
}

interface PolicyRowView {
  category: AssetCategory;
  label: string;
  formId: string;
  /** Whether this level sets anything for the category (an override, at a client's level). */
  set: boolean;
  status: string;
  cells: {
    field: PolicyField;
    inputId: string;
    label: string;
    value: string;
    /** The value in effect at this level, for readers who cannot edit. */
    shown: string;
    /** What applies when the field is left empty, and where it comes from. */
    inherited: string;
    hintId: string;
    error: string | null;
    errorId: string;
  }[];
}

const NOTICES: Record<string, string> = {
  saved: 'Policy saved. Forecasts use it from now on.',
  cleared: 'Policy cleared: the category inherits again.',
};

type Level = { client: Client | null; currency: string };

/** A typed form row to show again with its errors, so that nothing the user typed is lost. */
interface RowInput {
  category: AssetCategory;
  values: Record<PolicyField, string>;
  errors: Partial<Record<PolicyField, string>>;
}

function policyValues(policy: LifecyclePolicy | undefined, currency: string): Record<PolicyField, string> {
  const digits = currencyDecimals(currency);
  const shown = (value: number | null | undefined) =>
    value === null || value === undefined ? '' : String(value);
  return {
    lifecycleMonths: shown(policy?.lifecycleMonths),
    replacementCost:
      policy?.replacementCost === null || policy?.replacementCost === undefined
        ? ''
        : minorToDecimal(policy.replacementCost, digits),
    annualEscalationBps: shown(policy?.annualEscalationBps),
    dueSoonDays: shown(policy?.dueSoonDays),
  };
}

/** A policy value as people read it: money in the currency, basis points with their percentage. */
function readable(field: PolicyField, value: number, currency: string): string {
  if (field === 'replacementCost') return moneyFormat(currency).money(value);
  if (field === 'annualEscalationBps') return `${value} bps (${(value / 100).toFixed(2)}%)`;
  return String(value);
}

/** What applies when a field is left empty, and where it comes from. */
function inheritedText(
  field: PolicyField,
  mspPolicy: LifecyclePolicy | undefined,
  atClientLevel: boolean,
  currency: string,
): string {
  const fromMsp = atClientLevel ? mspPolicy?.[field] : null;
  if (fromMsp !== null && fromMsp !== undefined) return `${readable(field, fromMsp, currency)}, from the MSP`;
  switch (field) {
    case 'lifecycleMonths':
      return `${DEFAULT_LIFECYCLE_MONTHS}, the default`;
    case 'replacementCost':
      return 'none: each asset’s own cost';
    case 'annualEscalationBps':
      return '0, the default';
    case 'dueSoonDays':
      return `${DEFAULT_DUE_SOON_DAYS}, the default`;
  }
}

export function policiesView(
  layout: LayoutView,
  nav: SettingsNavView,
  level: Level,
  clients: Client[],
  mspPolicies: LifecyclePolicy[],
  levelPolicies: LifecyclePolicy[],
  options: { notice: string | null; input?: RowInput },
): PoliciesView {
  const atClient = level.client !== null;
  const mspBy = new Map(mspPolicies.map((policy) => [policy.category, policy]));
  const levelBy = new Map(levelPolicies.map((policy) => [policy.category, policy]));
  return {
    ...layout,
    settingsNav: nav,
    notice: options.notice,
    error: options.input ? 'Nothing was saved: correct the field marked below.' : null,
    level: {
      clientId: level.client?.id ?? null,
      clientName: level.client?.name ?? null,
      heading: atClient ? `Overrides for ${level.client!.name}` : 'MSP policies',
      explanation: atClient
        ? 'A value set here overrides the MSP policy for this client only. An empty field inherits the MSP’s value, ' +
          'else the built-in default. An asset’s own lifecycle or cost still comes first.'
        : 'Every client inherits these, unless it overrides them. An empty field uses the built-in default. An ' +
          'asset’s own lifecycle or cost still comes first.',
      currency: level.currency,
    },
    picker: [
      { value: '', label: 'The MSP (every client)', selected: !atClient },
      ...clients.map((client) => ({
        value: client.id,
        label: client.name,
        selected: client.id === level.client?.id,
      })),
    ],
    columns: FIELDS.map((field) => ({
      field,
      label: field === 'replacementCost' ? `${FIELD_LABELS[field]}, ${level.currency}` : FIELD_LABELS[field],
    })),
    rows: ASSET_CATEGORIES.map((category) => {
      const stored = levelBy.get(category);
      const input = options.input?.category === category ? options.input : undefined;
      const values = input?.values ?? policyValues(stored, level.currency);
      return {
        category,
        label: CATEGORY_LABELS[category],
        formId: `policy-${category}`,
        set: stored !== undefined,
        status: stored ? (atClient ? 'Overridden' : 'Set') : atClient ? 'Inherited' : 'Defaults',
        cells: FIELDS.map((field) => ({
          field,
          inputId: `${category}-${field}`,
          label: `${CATEGORY_LABELS[category]}: ${FIELD_LABELS[field]}`,
          value: values[field],
          shown: (() => {
            const value = stored?.[field];
            return value === null || value === undefined
              ? `${inheritedText(field, mspBy.get(category), atClient, level.currency)} (inherited)`
              : readable(field, value, level.currency);
          })(),
          inherited: `If empty: ${inheritedText(field, mspBy.get(category), atClient, level.currency)}`,
          hintId: `${category}-${field}-hint`,
          error: input?.errors[field] ?? null,
          errorId: `${category}-${field}-error`,
        })),
      };
    }),
  };
}

/** Reads one row's form into a policy, or the errors by field. Empty fields inherit (null). */
function parseRow(
  body: Record<string, unknown>,
  currency: string,
): { values: Record<PolicyField, string>; errors: Partial<Record<PolicyField, string>>; parsed?: unknown } {
  const values = Object.fromEntries(
    FIELDS.map((field) => [field, typeof body[field] === 'string' ? body[field].trim() : '']),
  ) as Record<PolicyField, string>;
  const errors: Partial<Record<PolicyField, string>> = {};
  const candidate: Record<string, number | null> = {};
  for (const field of FIELDS) {
    const raw = values[field];
    if (raw === '') {
      candidate[field] = null;
    } else if (field === 'replacementCost') {
      const money = parseMoney(raw, currency);
      if (money.error !== undefined) errors[field] = money.error;
      else candidate[field] = money.value;
    } else if (!/^-?\d+$/.test(raw)) {
      errors[field] = 'must be a whole number';
    } else {
      candidate[field] = Number(raw);
    }
  }
  const parsed = putLifecyclePolicyBody.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as PolicyField;
      errors[field] ??= issue.message;
    }
  }
  return Object.keys(errors).length > 0 ? { values, errors } : { values, errors, parsed: parsed.data };
}

const isCategory = (value: unknown): value is AssetCategory =>
  typeof value === 'string' && (ASSET_CATEGORIES as readonly string[]).includes(value);

const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** Every client of the MSP, by name, for the picker (pages of the API's largest size). */
async function allClients(context: AppContext, auth: Principal): Promise<Client[]> {
  const clients: Client[] = [];
  let cursor: string | undefined;
  do {
    const page = await listClients(context.database.db, auth, { limit: 500, cursor });
    clients.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return clients;
}

export function settingsPoliciesPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;

  async function levelOf(auth: Principal, clientParam: unknown): Promise<Level> {
    const msp = await getMsp(db, auth);
    if (clientParam === undefined || clientParam === '') return { client: null, currency: msp.currency };
    // A malformed or another MSP's id is the 404 page.
    if (!isUuid(clientParam)) throw new AppError('not_found', 404, 'No such client');
    const client = await getClient(db, auth, clientParam);
    return { client, currency: client.currency };
  }

  async function sendPolicies(
    res: Response,
    status: number,
    auth: Principal,
    level: Level,
    options: { notice: string | null; input?: RowInput },
  ): Promise<void> {
    const [clients, mspPolicies, levelPolicies] = await Promise.all([
      allClients(context, auth),
      listPolicies(db, auth, { clientId: null }),
      level.client ? listPolicies(db, auth, { clientId: level.client.id }) : undefined,
    ]);
    sendPage<PoliciesView>(
      res,
      status,
      'settings-policies',
      policiesView(
        layoutOf(res, 'Lifecycle policies', '/settings/policies'),
        settingsNav(auth, 'policies'),
        level,
        clients,
        mspPolicies.items,
        levelPolicies?.items ?? mspPolicies.items,
        options,
      ),
    );
  }

  router.get('/settings/policies', async (req, res) => {
    const auth = sessionOf(res).principal;
    const level = await levelOf(auth, req.query.client);
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    await sendPolicies(res, 200, auth, level, { notice: NOTICES[done] ?? null });
  });

  // One category at one level: save its fields, or clear it (the category inherits again).
  router.post('/settings/policies', async (req, res) => {
    const auth = requireScope(res, 'admin');
    const body = req.body as Record<string, unknown>;
    const level = await levelOf(auth, body.client);
    if (!isCategory(body.category)) throw new AppError('validation_failed', 400, 'No such asset category');
    const category = body.category;
    const policyLevel = { clientId: level.client?.id ?? null };
    const back = (done: string) =>
      `/settings/policies?${level.client ? `client=${level.client.id}&` : ''}done=${done}#policy-${category}`;
    const clear = async () => {
      try {
        await deletePolicy(db, auth, policyLevel, category);
      } catch (error) {
        if (!(error instanceof AppError && error.status === 404)) throw error;
      }
    };
    if (body.intent === 'clear') {
      await clear();
      res.redirect(303, back('cleared'));
      return;
    }
    const row = parseRow(body, level.currency);
    if (row.parsed === undefined) {
      await sendPolicies(res, 422, auth, level, {
        notice: null,
        input: { category, values: row.values, errors: row.errors },
      });
      return;
    }
    const values = row.parsed as Parameters<typeof putPolicy>[4];
    if (Object.values(values).every((value) => value === null || value === undefined)) {
      await clear();
      res.redirect(303, back('cleared'));
      return;
    }
    await putPolicy(db, auth, policyLevel, category, values);
    res.redirect(303, back('saved'));
  });

  return router;
}
