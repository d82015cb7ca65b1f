import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../auth/principal.js';
import { scopeCovers } from '../auth/scopes.js';
import { getClient } from '../clients/client.service.js';
import type { Client } from '../clients/client.schemas.js';
import { AppError } from '../http/errors.js';
import { parseMoney } from '../imports/values.js';
import { moneyFormat } from '../packets/packet-format.js';
import { currencyDecimals, minorToDecimal } from '../domain/money.js';
import {
  ENDS_BEFORE_START,
  createRecurringCostBody,
  type CreateRecurringCost,
  type RecurringCostResource,
} from '../recurring-costs/recurring-cost.schemas.js';
import {
  createRecurringCost,
  deleteRecurringCost,
  getRecurringCost,
  listRecurringCosts,
  updateRecurringCost,
} from '../recurring-costs/recurring-cost.service.js';
import { clientHeader, type ClientHeaderView } from './client-nav.js';
import { DASH, formatDateOrDash } from './console-format.js';
import { layoutOf, requireScope, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';

/** The form's fields, in the order they are shown; each maps to the API's field of the same meaning. */
const COST_FIELDS = [
  'name',
  'vendor',
  'amount',
  'quantity',
  'interval',
  'startsOn',
  'endsOn',
  'escalation',
] as const;
type CostField = (typeof COST_FIELDS)[number];
type CostForm = Record<CostField, string>;

const API_FIELD: Record<string, CostField> = {
  name: 'name',
  vendor: 'vendor',
  amount: 'amount',
  quantity: 'quantity',
  interval: 'interval',
  startsOn: 'startsOn',
  endsOn: 'endsOn',
  annualEscalationBps: 'escalation',
};

const LABELS: Record<CostField, string> = {
  name: 'Name',
  vendor: 'Vendor (optional)',
  amount: 'Amount per unit',
  quantity: 'Quantity',
  interval: 'Charged every',
  startsOn: 'Starts on',
  endsOn: 'Ends on (optional)',
  escalation: 'Annual escalation (%)',
};

const DONE = {
  added: 'The recurring cost was added.',
  saved: 'The recurring cost was saved.',
  deleted: 'The recurring cost was deleted.',
} as const;

const INTERVAL_LABELS = { month: 'Month', year: 'Year' } as const;

export interface CostFieldView {
  id: string;
  name: CostField;
  label: string;
  value: string;
  error: string | null;
}

export interface CostFormView {
  action: string;
  submit: string;
  fields: Record<CostField, CostFieldView>;
  intervals: { value: string; label: string; selected: boolean }[];
  hasErrors: boolean;
}

export interface CostsView extends LayoutView {
  header: ClientHeaderView;
  notice: string | null;
  canEdit: boolean;
  caption: string;
  costs: {
    name: string;
    vendor: string;
    amount: string;
    quantity: number;
    interval: string;
    startsOn: string;
    endsOn: string;
    escalation: string;
    monthly: string;
    annual: string;
    editHref: string;
  }[];
  totals: { monthly: string; annual: string };
  form: CostFormView | null;
}

export interface CostEditView extends LayoutView {
  header: ClientHeaderView;
  heading: string;
  backHref: string;
  form: CostFormView;
  deleteAction: string;
}

/** 300 basis points → "3"; 250 → "2.5". */
const percentOf = (bps: number): string => String(bps / 100);

export function costFormOf(cost: RecurringCostResource, currency: string): CostForm {
  return {
    name: cost.name,
    vendor: cost.vendor ?? '',
    amount: minorToDecimal(cost.amount, currencyDecimals(currency)),
    quantity: String(cost.quantity),
    interval: cost.interval,
    startsOn: cost.startsOn,
    endsOn: cost.endsOn ?? '',
    escalation: percentOf(cost.annualEscalationBps),
  };
}

const EMPTY_FORM: CostForm = {
  name: '',
  vendor: '',
  amount: '',
  quantity: '1',
  interval: 'month',
  startsOn: '',
  endsOn: '',
  escalation: '0',
};

export function costFormView(
  action: string,
  submit: string,
  values: CostForm,
  errors: Partial<Record<CostField, string>>,
): CostFormView {
  const fields = Object.fromEntries(
    COST_FIELDS.map((name) => [
      name,
      { id: `cost-${name}`, name, label: LABELS[name], value: values[name], error: errors[name] ?? null },
    ]),
  ) as Record<CostField, CostFieldView>;
  return {
    action,
    submit,
    fields,
    intervals: (['month', 'year'] as const).map((value) => ({
      value,
      label: INTERVAL_LABELS[value],
      selected: values.interval === value,
    })),
    hasErrors: Object.keys(errors).length > 0,
  };
}

/**
 * A posted form into the API's create body, with each error on its own field: the amount in the client's currency
 * (major units, as typed), escalation as a percentage (3 or 2.5) rather than basis points.
 */
export function parseCostForm(
  body: Record<string, unknown>,
  currency: string,
): { values: CostForm; input?: CreateRecurringCost; errors: Partial<Record<CostField, string>> } {
  const values = Object.fromEntries(
    COST_FIELDS.map((name) => [name, typeof body[name] === 'string' ? (body[name] as string).trim() : '']),
  ) as CostForm;
  const errors: Partial<Record<CostField, string>> = {};
  let amount: number | undefined;
  if (values.amount === '') errors.amount = 'must not be empty';
  else {
    const parsed = parseMoney(values.amount, currency);
    if (parsed.error !== undefined) errors.amount = parsed.error;
    else amount = parsed.value;
  }
  let escalation: number | undefined;
  if (values.escalation === '') escalation = 0;
  else if (/^\d{1,3}(?:\.\d{1,2})?$/.test(values.escalation))
    escalation = Math.round(Number(values.escalation) * 100);
  else errors.escalation = 'must be a percentage such as 3 or 2.5';
  // The body's own check of the dates runs only once every other field is good; the form says it at once.
  const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (isDate(values.startsOn) && isDate(values.endsOn) && values.endsOn < values.startsOn)
    errors.endsOn = ENDS_BEFORE_START;
  const candidate = {
    name: values.name,
    vendor: values.vendor === '' ? null : values.vendor,
    amount: amount ?? 0,
    quantity: /^\d{1,9}$/.test(values.quantity) ? Number(values.quantity) : Number.NaN,
    interval: values.interval,
    startsOn: values.startsOn,
    endsOn: values.endsOn === '' ? null : values.endsOn,
    annualEscalationBps: escalation ?? 0,
  };
  const parsed = createRecurringCostBody.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = API_FIELD[String(issue.path[0])];
      if (field === undefined || errors[field] !== undefined) continue;
      errors[field] =
        field === 'startsOn' && values.startsOn === ''
          ? 'must not be empty'
          : field === 'quantity'
            ? 'must be a whole number from 1 to 1000000'
            : issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { values, errors };
  return { values, input: parsed.data, errors };
}

/** A service's 422 names its fields as `body.endsOn`: put each message next to the form's field. */
function fieldErrorsOf(error: unknown): Partial<Record<CostField, string>> | undefined {
  if (!(error instanceof AppError) || error.status !== 422 || !error.errors?.length) return undefined;
  const errors: Partial<Record<CostField, string>> = {};
  for (const entry of error.errors) {
    const field = API_FIELD[entry.path.replace(/^body\./, '')];
    if (field === undefined) return undefined;
    errors[field] = entry.message;
  }
  return errors;
}

function monthlyAndAnnual(cost: RecurringCostResource): { monthly: number; annual: number } {
  const perInterval = cost.amount * cost.quantity;
  return cost.interval === 'month'
    ? { monthly: perInterval, annual: perInterval * 12 }
    : { monthly: Math.round(perInterval / 12), annual: perInterval };
}

export function costsView(
  layout: LayoutView,
  client: Pick<Client, 'id' | 'name' | 'currency'>,
  costs: readonly RecurringCostResource[],
  options: { canEdit: boolean; notice: string | null; form: CostFormView | null },
): CostsView {
  const money = moneyFormat(client.currency);
  const equivalents = costs.map(monthlyAndAnnual);
  return {
    ...layout,
    header: clientHeader(client, 'costs'),
    notice: options.notice,
    canEdit: options.canEdit,
    caption: `Recurring costs (opex) in ${client.currency}`,
    costs: costs.map((cost, index) => ({
      name: cost.name,
      vendor: cost.vendor ?? DASH,
      amount: money.money(cost.amount),
      quantity: cost.quantity,
      interval: cost.interval === 'month' ? 'Monthly' : 'Yearly',
      startsOn: formatDateOrDash(cost.startsOn),
      endsOn: cost.endsOn ? formatDateOrDash(cost.endsOn) : 'Open-ended',
      escalation: cost.annualEscalationBps === 0 ? DASH : `${percentOf(cost.annualEscalationBps)}%`,
      monthly: money.money(equivalents[index]!.monthly),
      annual: money.money(equivalents[index]!.annual),
      editHref: `/clients/${client.id}/costs/${cost.id}`,
    })),
    totals: {
      monthly: money.money(equivalents.reduce((sum, entry) => sum + entry.monthly, 0)),
      annual: money.money(equivalents.reduce((sum, entry) => sum + entry.annual, 0)),
    },
    form: options.canEdit ? options.form : null,
  };
}

async function allCosts(context: AppContext, auth: Principal, clientId: string) {
  const costs: RecurringCostResource[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRecurringCosts(context.database.db, auth, clientId, { limit: 500, cursor });
    costs.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return costs;
}

const isUuid = (value: string) => z.uuid().safeParse(value).success;

/** The client's recurring costs: everyone reads the list, a vCIO (or above) adds, edits and deletes. */
export function costsPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;
  const base = (clientId: string) => `/clients/${clientId}/costs`;

  const showList = async (
    res: Response,
    status: number,
    clientId: string,
    path: string,
    notice: string | null,
    form?: { values: CostForm; errors: Partial<Record<CostField, string>> },
  ) => {
    const session = sessionOf(res);
    const auth = session.principal;
    const client = await getClient(db, auth, clientId);
    const costs = await allCosts(context, auth, clientId);
    sendPage<CostsView>(
      res,
      status,
      'costs',
      costsView(layoutOf(res, `Recurring costs · ${client.name}`, path), client, costs, {
        canEdit: scopeCovers(auth.scope, 'write'),
        notice,
        form: costFormView(base(clientId), 'Add cost', form?.values ?? EMPTY_FORM, form?.errors ?? {}),
      }),
    );
  };

  router.get('/clients/:clientId/costs', async (req, res, next) => {
    if (!isUuid(req.params.clientId)) {
      next();
      return;
    }
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    await showList(res, 200, req.params.clientId, req.path, DONE[done as keyof typeof DONE] ?? null);
  });

  router.post('/clients/:clientId/costs', async (req, res, next) => {
    if (!isUuid(req.params.clientId)) {
      next();
      return;
    }
    const auth = requireScope(res, 'write');
    const clientId = req.params.clientId;
    const client = await getClient(db, auth, clientId);
    const form = parseCostForm(req.body as Record<string, unknown>, client.currency);
    if (form.input === undefined) {
      await showList(res, 422, clientId, req.path, null, form);
      return;
    }
    await createRecurringCost(db, auth, clientId, form.input);
    res.redirect(303, `${base(clientId)}?done=added`);
  });

  const showEdit = async (
    res: Response,
    status: number,
    client: Client,
    cost: RecurringCostResource,
    form: { values: CostForm; errors: Partial<Record<CostField, string>> },
  ) => {
    const action = `${base(client.id)}/${cost.id}`;
    sendPage<CostEditView>(res, status, 'cost-edit', {
      ...layoutOf(res, `${cost.name} · ${client.name}`, action),
      header: clientHeader(client, 'costs', `Edit ${cost.name}`),
      heading: `Edit ${cost.name}`,
      backHref: base(client.id),
      form: costFormView(action, 'Save', form.values, form.errors),
      deleteAction: `${action}/delete`,
    });
  };

  router.get('/clients/:clientId/costs/:costId', async (req, res, next) => {
    const { clientId, costId } = req.params;
    if (!isUuid(clientId) || !isUuid(costId)) {
      next();
      return;
    }
    const auth = requireScope(res, 'write');
    const client = await getClient(db, auth, clientId);
    const cost = await getRecurringCost(db, auth, clientId, costId);
    await showEdit(res, 200, client, cost, { values: costFormOf(cost, client.currency), errors: {} });
  });

  router.post('/clients/:clientId/costs/:costId', async (req, res, next) => {
    const { clientId, costId } = req.params;
    if (!isUuid(clientId) || !isUuid(costId)) {
      next();
      return;
    }
    const auth = requireScope(res, 'write');
    const client = await getClient(db, auth, clientId);
    const cost = await getRecurringCost(db, auth, clientId, costId);
    const form = parseCostForm(req.body as Record<string, unknown>, client.currency);
    if (form.input === undefined) {
      await showEdit(res, 422, client, cost, form);
      return;
    }
    try {
      await updateRecurringCost(db, auth, clientId, costId, {
        ...form.input,
        vendor: form.input.vendor ?? null,
        endsOn: form.input.endsOn ?? null,
      });
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (errors === undefined) throw error;
      await showEdit(res, 422, client, cost, { values: form.values, errors });
      return;
    }
    res.redirect(303, `${base(clientId)}?done=saved`);
  });

  router.post('/clients/:clientId/costs/:costId/delete', async (req, res, next) => {
    const { clientId, costId } = req.params;
    if (!isUuid(clientId) || !isUuid(costId)) {
      next();
      return;
    }
    const auth = requireScope(res, 'write');
    await deleteRecurringCost(db, auth, clientId, costId);
    res.redirect(303, `${base(clientId)}?done=deleted`);
  });
  return router;
}
