import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { MAX_LIFECYCLE_MONTHS } from '../assets/asset.fields.js';
import { getClient } from '../clients/client.service.js';
import type { Client } from '../clients/client.schemas.js';
import {
  ASSET_CATEGORIES,
  type AssetCategory,
  type LifecycleOverrides,
  type Scenario,
} from '../domain/forecast.types.js';
import { LevellingTooLargeError, MAX_LEVELLING_WINDOW_MONTHS } from '../domain/levelling.js';
import {
  clientForecast,
  levelClientForecast,
  type ClientForecast,
  type LevelledForecast,
} from '../forecast/forecast.service.js';
import { parseMoney } from '../imports/values.js';
import { lifecycleRulesFor } from '../lifecycle-policies/lifecycle-policy.service.js';
import { moneyFormat, type MoneyFormat } from '../packets/packet-format.js';
import { CATEGORY_LABELS } from '../packets/packet.copy.js';
import { clientAssetsById } from './client-assets.js';
import { clientHeader, type ClientHeaderView } from './client-nav.js';
import { DASH, formatDateOrDash } from './console-format.js';
import { layoutOf, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';

/** Quarters the levelling may cover: the forecast's own limits, in the choices the form offers. */
export const LEVEL_QUARTERS = [4, 8, 12, 16, 20] as const;
export const DEFAULT_WINDOW_MONTHS = 6;
export const DEFAULT_LEVEL_QUARTERS = 12;

type Plan = 'a' | 'b';
type Months = Partial<Record<AssetCategory, number>>;

/** What the what-if page was asked, read field by field so that each error stands next to its own input. */
export interface WhatIfInputs {
  scenario: Scenario;
  months: Record<Plan, Months>;
  level: { cap: number | null; windowMonths: number; quarters: number; plan: Plan };
  /** What the user typed, to show back in the forms. */
  raw: Record<string, string>;
  errors: Record<string, string>;
}

const single = (value: unknown): string =>
  typeof value === 'string' ? value.trim() : Array.isArray(value) ? single(value[0]) : '';

/** `a_laptop=36&b_laptop=48&cap=25000&window=6&quarters=12&plan=b`; blanks take the defaults. */
export function whatIfInputs(
  query: Request['query'],
  categories: readonly AssetCategory[],
  policyMonths: (category: AssetCategory) => number,
  currency: string,
): WhatIfInputs {
  const raw: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const months: Record<Plan, Months> = { a: {}, b: {} };
  const scenario = single(query.scenario) === 'proposed' ? 'proposed' : 'committed';
  for (const category of categories) {
    const policy = policyMonths(category);
    const defaults: Record<Plan, number> = { a: policy, b: Math.min(policy + 12, MAX_LIFECYCLE_MONTHS) };
    for (const plan of ['a', 'b'] as const) {
      const name = `${plan}_${category}`;
      const text = single(query[name]);
      raw[name] = text === '' ? String(defaults[plan]) : text;
      if (text === '') months[plan][category] = defaults[plan];
      else if (/^\d{1,3}$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_LIFECYCLE_MONTHS)
        months[plan][category] = Number(text);
      else errors[name] = `must be a whole number of months from 1 to ${MAX_LIFECYCLE_MONTHS}`;
    }
  }
  const capText = single(query.cap);
  raw.cap = capText;
  let cap: number | null = null;
  if (capText !== '') {
    const parsed = parseMoney(capText, currency);
    if (parsed.error !== undefined) errors.cap = parsed.error;
    else cap = parsed.value;
  }
  const windowText = single(query.window);
  raw.window = windowText === '' ? String(DEFAULT_WINDOW_MONTHS) : windowText;
  let windowMonths = DEFAULT_WINDOW_MONTHS;
  if (windowText !== '') {
    if (/^\d{1,3}$/.test(windowText) && Number(windowText) <= MAX_LEVELLING_WINDOW_MONTHS)
      windowMonths = Number(windowText);
    else errors.window = `must be a whole number of months from 0 to ${MAX_LEVELLING_WINDOW_MONTHS}`;
  }
  const quartersText = single(query.quarters);
  const quarters = (LEVEL_QUARTERS as readonly number[]).includes(Number(quartersText))
    ? Number(quartersText)
    : DEFAULT_LEVEL_QUARTERS;
  raw.quarters = String(quarters);
  const plan = single(query.plan) === 'b' ? 'b' : 'a';
  raw.plan = plan;
  raw.scenario = scenario;
  return { scenario, months, level: { cap, windowMonths, quarters, plan }, raw, errors };
}

interface FieldView {
  name: string;
  id: string;
  label: string;
  value: string;
  error: string | null;
}

export interface WhatIfView extends LayoutView {
  header: ClientHeaderView;
  action: string;
  scenario: { value: string; label: string; checked: boolean }[];
  hasCategories: boolean;
  lifecycle: {
    rows: { category: string; policy: string; a: FieldView; b: FieldView }[];
    /** The other form's values, so that each form keeps them. */
    carry: { name: string; value: string }[];
    hasErrors: boolean;
  };
  comparison: {
    caption: string;
    /** The categories the two plans keep for different lengths, e.g. "Laptops 48 → 60 months". */
    differences: string;
    rows: {
      label: string;
      aCount: number;
      a: string;
      bCount: number;
      b: string;
      difference: string;
      tone: string;
    }[];
    totals: { aCount: number; a: string; bCount: number; b: string; difference: string; tone: string };
  } | null;
  level: {
    cap: FieldView;
    window: FieldView;
    quarters: { value: number; label: string; selected: boolean }[];
    plans: { value: string; label: string; checked: boolean }[];
    carry: { name: string; value: string }[];
    hint: string;
  };
  levelled: {
    caption: string;
    summary: { label: string; value: string; tone: string }[];
    rows: {
      label: string;
      original: string;
      levelled: string;
      change: string;
      over: string;
      tone: string;
    }[];
    moves: { name: string; from: string; to: string; months: string; amount: string }[];
    note: string;
  } | null;
}

const signed = (money: MoneyFormat, minor: number): string =>
  minor === 0 ? DASH : `${minor > 0 ? '+' : '−'}${money.money(Math.abs(minor))}`;
const toneOf = (minor: number): string => (minor > 0 ? 'up' : minor < 0 ? 'down' : '');

function differencesOf(
  a: LifecycleOverrides,
  b: LifecycleOverrides,
  categories: readonly AssetCategory[],
): string {
  const changed = categories
    .filter((category) => a[category] !== b[category])
    .map((category) => `${CATEGORY_LABELS[category]} ${a[category]} → ${b[category]} months`);
  return changed.length
    ? `Plan A → plan B: ${changed.join(', ')}.`
    : 'Plans A and B keep every category as long.';
}

function field(name: string, label: string, inputs: WhatIfInputs): FieldView {
  return {
    name,
    id: `what-if-${name}`,
    label,
    value: inputs.raw[name] ?? '',
    error: inputs.errors[name] ?? null,
  };
}

const LIFECYCLE_FIELDS = (categories: readonly AssetCategory[]) =>
  categories.flatMap((category) => [`a_${category}`, `b_${category}`]);
const LEVEL_FIELDS = ['cap', 'window', 'quarters', 'plan'];

export interface WhatIfResults {
  planA: ClientForecast | null;
  planB: ClientForecast | null;
  original: ClientForecast;
  levelled: LevelledForecast | null;
}

export function whatIfView(
  layout: LayoutView,
  client: Pick<Client, 'id' | 'name' | 'currency'>,
  categories: readonly AssetCategory[],
  policyMonths: (category: AssetCategory) => number,
  inputs: WhatIfInputs,
  results: WhatIfResults,
): WhatIfView {
  const money = moneyFormat(client.currency);
  const carry = (names: readonly string[]) =>
    [...names, 'scenario'].map((name) => ({ name, value: inputs.raw[name] ?? '' }));
  const { planA, planB, original, levelled } = results;
  let comparison: WhatIfView['comparison'] = null;
  if (planA && planB) {
    const rows = planA.periods.map((period, index) => {
      const other = planB.periods[index]!;
      const difference = other.total - period.total;
      return {
        label: period.partial ? `${period.label} (from ${formatDateOrDash(planA.asOf)})` : period.label,
        aCount: period.refreshCount,
        a: money.money(period.total),
        bCount: other.refreshCount,
        b: money.money(other.total),
        difference: signed(money, difference),
        tone: toneOf(difference),
      };
    });
    const difference = planB.totals.total - planA.totals.total;
    comparison = {
      caption: `Total spend (capex and opex) per fiscal year in ${client.currency}, as of ${formatDateOrDash(planA.asOf)}`,
      differences: differencesOf(planA.lifecycleOverrides, planB.lifecycleOverrides, categories),
      rows,
      totals: {
        aCount: planA.totals.refreshCount,
        a: money.money(planA.totals.total),
        bCount: planB.totals.refreshCount,
        b: money.money(planB.totals.total),
        difference: signed(money, difference),
        tone: toneOf(difference),
      },
    };
  }
  const capexes = original.periods.map((period) => period.capex.total);
  const highest = Math.max(0, ...capexes);
  const average = capexes.length
    ? Math.round(capexes.reduce((sum, value) => sum + value, 0) / capexes.length)
    : 0;
  let levelledView: WhatIfView['levelled'] = null;
  if (levelled) {
    const overflowByKey = new Map(levelled.overflow.map((quarter) => [quarter.key, quarter.overflow]));
    const moved = levelled.moves.length;
    levelledView = {
      caption: `Capex per fiscal quarter in ${client.currency}, before and after levelling under ${money.money(levelled.quarterlyCapexCap)} a quarter`,
      summary: [
        { label: 'Refreshes moved', value: String(moved), tone: '' },
        { label: 'Over the cap before', value: money.money(levelled.totals.overflowBefore), tone: '' },
        {
          label: 'Over the cap after',
          value: money.money(levelled.totals.overflowAfter),
          tone: levelled.totals.overflowAfter > 0 ? 'alert' : '',
        },
        {
          label: 'Escalation change from the moves',
          value: money.money(levelled.totals.refreshCapexAfter - levelled.totals.refreshCapexBefore),
          tone: '',
        },
      ],
      rows: levelled.forecast.periods.map((period, index) => {
        const before = original.periods[index]!.capex.total;
        const change = period.capex.total - before;
        const over = overflowByKey.get(period.key) ?? 0;
        return {
          label: period.label,
          original: money.money(before),
          levelled: money.money(period.capex.total),
          change: signed(money, change),
          over: over > 0 ? money.money(over) : DASH,
          tone: over > 0 ? 'alert' : '',
        };
      }),
      moves: levelled.moves.map((move) => ({
        name: move.name,
        from: formatDateOrDash(move.fromDate),
        to: formatDateOrDash(move.toDate),
        months: `${move.monthsMoved > 0 ? '+' : '−'}${Math.abs(move.monthsMoved)}`,
        amount: money.money(move.amount),
      })),
      note: levelled.optimal
        ? levelled.totals.overflowAfter > 0
          ? 'No plan within the window does better: the quarters still over the cap need a wider window or a higher cap.'
          : 'Every quarter is within the cap.'
        : 'The best plan found within the search budget; a better one may exist.',
    };
  }
  return {
    ...layout,
    header: clientHeader(client, 'what-if'),
    action: `/clients/${client.id}/what-if`,
    scenario: [
      { value: 'committed', label: 'Committed', checked: inputs.scenario === 'committed' },
      { value: 'proposed', label: 'With proposed initiatives', checked: inputs.scenario === 'proposed' },
    ],
    hasCategories: categories.length > 0,
    lifecycle: {
      rows: categories.map((category) => ({
        category: CATEGORY_LABELS[category],
        policy: String(policyMonths(category)),
        a: field(`a_${category}`, `${CATEGORY_LABELS[category]}, plan A months`, inputs),
        b: field(`b_${category}`, `${CATEGORY_LABELS[category]}, plan B months`, inputs),
      })),
      carry: carry(LEVEL_FIELDS).filter((entry) => entry.name !== 'scenario'),
      hasErrors: LIFECYCLE_FIELDS(categories).some((name) => inputs.errors[name] !== undefined),
    },
    comparison,
    level: {
      cap: field('cap', `Capex cap per quarter (${client.currency})`, inputs),
      window: field('window', 'Months a refresh may move, earlier or later', inputs),
      quarters: LEVEL_QUARTERS.map((value) => ({
        value,
        label: `${value} quarters`,
        selected: value === inputs.level.quarters,
      })),
      plans: [
        { value: 'a', label: 'Plan A', checked: inputs.level.plan === 'a' },
        { value: 'b', label: 'Plan B', checked: inputs.level.plan === 'b' },
      ],
      carry: carry(LIFECYCLE_FIELDS(categories)),
      hint: `Today's plan over ${original.periods.length} quarters: highest quarter ${money.money(highest)}, average ${money.money(average)}.`,
    },
    levelled: levelledView,
  };
}

/** Counted (active or in-storage) assets' categories, in the catalogue's order. */
function categoriesOf(assets: Iterable<{ category: AssetCategory; status: string }>): AssetCategory[] {
  const present = new Set<AssetCategory>();
  for (const asset of assets)
    if (asset.status === 'active' || asset.status === 'in_storage') present.add(asset.category);
  return ASSET_CATEGORIES.filter((category) => present.has(category));
}

/**
 * What-ifs, nothing saved: two lifecycle plans side by side by fiscal year, and levelling under a quarterly capex
 * cap with what moved. Both are the forecast API's own services, with the inputs the API takes.
 */
export function whatIfPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;
  router.get('/clients/:clientId/what-if', async (req, res, next) => {
    const clientId = req.params.clientId;
    if (!z.uuid().safeParse(clientId).success) {
      next();
      return;
    }
    const auth = sessionOf(res).principal;
    const today = context.clock.today();
    const client = await getClient(db, auth, clientId);
    const [rules, assets] = await Promise.all([
      lifecycleRulesFor(db, auth, clientId, today),
      clientAssetsById(db, auth, clientId, today),
    ]);
    const categories = categoriesOf(assets.values());
    const policyMonths = (category: AssetCategory) => rules.forCategory(category).lifecycleMonths;
    const inputs = whatIfInputs(req.query, categories, policyMonths, client.currency);
    const lifecycleOk = !LIFECYCLE_FIELDS(categories).some((name) => inputs.errors[name] !== undefined);
    const horizon = { granularity: 'year' as const, scenario: inputs.scenario };
    const [planA, planB] = lifecycleOk
      ? await Promise.all(
          (['a', 'b'] as const).map((plan) =>
            clientForecast(db, auth, clientId, { ...horizon, lifecycleMonths: inputs.months[plan] }, today),
          ),
        )
      : [null, null];
    const levelPlan = lifecycleOk ? inputs.months[inputs.level.plan] : {};
    const quarterly = {
      granularity: 'quarter' as const,
      periods: inputs.level.quarters,
      scenario: inputs.scenario,
      lifecycleMonths: levelPlan,
    };
    const original = await clientForecast(db, auth, clientId, quarterly, today);
    let levelled: LevelledForecast | null = null;
    const cap = inputs.level.cap;
    if (cap !== null && lifecycleOk && inputs.errors.window === undefined) {
      try {
        levelled = await levelClientForecast(
          db,
          auth,
          clientId,
          { ...quarterly, quarterlyCapexCap: cap, windowMonths: inputs.level.windowMonths },
          today,
        );
      } catch (error) {
        if (!(error instanceof LevellingTooLargeError)) throw error;
        inputs.errors.window = 'is too wide for this many refreshes: try fewer months or fewer quarters';
      }
    }
    const errors = Object.keys(inputs.errors).length;
    sendPage<WhatIfView>(
      res,
      errors > 0 ? 400 : 200,
      'what-if',
      whatIfView(
        layoutOf(res, `What-if · ${client.name}`, req.path),
        client,
        categories,
        policyMonths,
        inputs,
        { planA: planA ?? null, planB: planB ?? null, original, levelled },
      ),
    );
  });
  return router;
}
