import { z } from 'zod';
import { isoDate, money, repeatableParam, uuid } from '../http/schemas.js';
import { MAX_LIFECYCLE_MONTHS } from '../assets/asset.fields.js';
import { ASSET_CATEGORIES, type AssetCategory } from '../domain/forecast.types.js';
import { MAX_PERIOD_COUNT } from '../domain/fiscal-calendar.js';
import { MAX_LEVELLING_WINDOW_MONTHS } from '../domain/levelling.js';

const capex = z.object({ refresh: z.int(), initiatives: z.int(), total: z.int() });
const opex = z.object({ recurring: z.int(), initiatives: z.int(), total: z.int() });

export const forecastItemSchema = z
  .object({
    type: z.enum(['refresh', 'recurring', 'initiative_capex', 'initiative_opex']),
    refId: uuid,
    name: z.string(),
    date: z.string(),
    amount: z.int(),
    overdue: z.boolean(),
    reason: z
      .enum(['age', 'end_of_support'])
      .optional()
      .describe("Refresh items: why the event falls when it does (a later cycle's reason is age)"),
    cycle: z
      .int()
      .min(0)
      .optional()
      .describe("Refresh items: 0 for the asset's first event, k for the k-th lifecycle after it"),
    coveredBy: uuid
      .optional()
      .describe(
        'Refresh items: the replacement initiative that pays for this refresh instead; the item has amount 0 and ' +
          'is not in refreshCount',
      ),
  })
  .meta({ id: 'ForecastItem' });

export const forecastPeriodSchema = z
  .object({
    key: z
      .string()
      .describe('FY2027-Q1 or FY2027')
      .meta({ examples: ['FY2027-Q1'] }),
    label: z
      .string()
      .describe('FY2027 Q1 or FY2027')
      .meta({ examples: ['FY2027 Q1'] }),
    start: z.string(),
    end: z.string(),
    capex,
    opex,
    total: z.int(),
    refreshCount: z.int(),
    partial: z
      .boolean()
      .describe('True when asOf is after the period start: only the rest of the period is forecast'),
    items: z
      .array(forecastItemSchema)
      .optional()
      .describe('With include=items: the charges that sum to the cells'),
  })
  .meta({ id: 'ForecastPeriod' });

export const forecastTotalsSchema = z.object({ capex, opex, total: z.int(), refreshCount: z.int() });
export const forecastCountsSchema = z.object({ undated: z.int(), unpriced: z.int(), overdue: z.int() });

export const clientForecastSchema = z
  .object({
    clientId: uuid,
    currency: z.string(),
    asOf: z.string(),
    granularity: z.enum(['quarter', 'year']),
    scenario: z.enum(['committed', 'proposed']),
    fiscalYearStartMonth: z.int(),
    lifecycleOverrides: z
      .record(z.string(), z.int())
      .describe('What-if lifecycle months per category, as applied'),
    periods: z.array(forecastPeriodSchema),
    totals: forecastTotalsSchema,
    counts: forecastCountsSchema,
  })
  .meta({ id: 'ClientForecast' });

/**
 * `laptop:48,desktop:60` → { laptop: 48, desktop: 60 }: what-if lifecycle months per category for one forecast.
 * They replace the MSP and client policies for those categories; an asset's own lifecycle override still wins.
 */
export const lifecycleOverridesParam = z
  .string()
  .max(1000)
  .transform((value, ctx) => {
    const overrides: Partial<Record<AssetCategory, number>> = {};
    for (const part of value
      .split(',')
      .map((piece) => piece.trim())
      .filter(Boolean)) {
      const match = /^([a-z_]+):(\d{1,3})$/.exec(part);
      const category = match?.[1] as AssetCategory | undefined;
      const months = Number(match?.[2]);
      if (!match || !ASSET_CATEGORIES.includes(category!) || months < 1 || months > MAX_LIFECYCLE_MONTHS) {
        ctx.addIssue({
          code: 'custom',
          message: `"${part}" is not category:months with a known category and 1–${MAX_LIFECYCLE_MONTHS} months`,
        });
        return z.NEVER;
      }
      if (overrides[category!] !== undefined && overrides[category!] !== months) {
        ctx.addIssue({ code: 'custom', message: `gives ${category} more than one lifetime` });
        return z.NEVER;
      }
      overrides[category!] = months;
    }
    return overrides;
  })
  .describe(
    'What-if lifecycle months per category, e.g. laptop:48,desktop:60; may be repeated ' +
      '(lifecycleMonths=laptop:48&lifecycleMonths=desktop:60)',
  );

const horizonFields = {
  asOf: isoDate.optional().describe('Defaults to today (UTC)'),
  granularity: z.enum(['quarter', 'year']).default('quarter'),
  periods: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PERIOD_COUNT.quarter)
    .optional()
    .describe('Default 12 quarters or 5 years; at most 40 quarters or 10 years'),
  scenario: z.enum(['committed', 'proposed']).default('committed'),
  lifecycleMonths: repeatableParam(lifecycleOverridesParam.optional()),
};

function checkPeriods(
  value: { granularity: 'quarter' | 'year'; periods?: number | undefined },
  ctx: z.RefinementCtx,
) {
  const max = MAX_PERIOD_COUNT[value.granularity];
  if (value.periods !== undefined && value.periods > max) {
    ctx.addIssue({
      code: 'custom',
      path: ['periods'],
      message: `must be at most ${max} for granularity ${value.granularity}`,
    });
  }
}

/** `?units=minor`: CSV amounts as integers in minor units for tools; JSON is always in minor units. */
const csvUnits = z
  .enum(['major', 'minor'])
  .default('major')
  .describe(
    "CSV only: major writes amounts in the currency's major unit with its decimals (53240.00 for $53,240) under " +
      'headers that name the currency (total_USD); minor writes integers in minor units under plain headers',
  );

export const clientForecastQuery = z
  .strictObject({
    ...horizonFields,
    units: csvUnits,
    include: z.enum(['items']).optional().describe('items: list every charge per period'),
  })
  .superRefine(checkPeriods);

export const portfolioQuery = z
  .strictObject({
    ...horizonFields,
    units: csvUnits,
    fiscalYearStartMonth: z.coerce
      .number()
      .int()
      .min(1)
      .max(12)
      .default(1)
      .describe('One fiscal calendar for every client so that periods line up (default: calendar quarters)'),
  })
  .superRefine(checkPeriods);

export const levelForecastBody = z
  .strictObject({
    asOf: horizonFields.asOf,
    granularity: horizonFields.granularity,
    periods: z
      .int()
      .min(1)
      .max(MAX_PERIOD_COUNT.quarter)
      .optional()
      .describe('Default 12 quarters or 5 years; at most 40 quarters or 10 years'),
    scenario: horizonFields.scenario,
    lifecycleMonths: z
      .partialRecord(z.enum(ASSET_CATEGORIES), z.int().min(1).max(MAX_LIFECYCLE_MONTHS))
      .optional()
      .describe('What-if lifecycle months per category, e.g. { "laptop": 48 }'),
    quarterlyCapexCap: money.describe(
      'Most capex (refresh + initiatives) any fiscal quarter may carry, minor units',
    ),
    windowMonths: z
      .int()
      .min(0)
      .max(MAX_LEVELLING_WINDOW_MONTHS)
      .describe('How many months each refresh may move, earlier or later'),
    include: z.enum(['items']).optional(),
  })
  .superRefine(checkPeriods);

const moveSchema = z.object({
  assetId: uuid,
  name: z.string(),
  fromDate: z.string(),
  toDate: z.string(),
  monthsMoved: z.int().describe('Negative: brought forward'),
  amount: z.int().describe('The escalated cost at its new date'),
});

export const levelledForecastSchema = z.object({
  quarterlyCapexCap: z.int(),
  windowMonths: z.int(),
  forecast: clientForecastSchema,
  moves: z.array(moveSchema),
  overflow: z
    .array(
      z.object({
        key: z.string(),
        label: z.string(),
        start: z.string(),
        end: z.string(),
        capex: z.int(),
        cap: z.int(),
        overflow: z.int(),
      }),
    )
    .describe('Quarters still over the cap that no move within the window can fix'),
  totals: z.object({
    refreshBaseCost: z.int().describe('Before escalation: the same before and after levelling'),
    refreshCapexBefore: z.int(),
    refreshCapexAfter: z.int(),
    overflowBefore: z.int(),
    overflowAfter: z.int(),
  }),
  optimal: z
    .boolean()
    .describe(
      'True when no plan has less overflow: the search completed, or the plan is within the cap. False: the best ' +
        'plan found within the time and search budget',
    ),
});

const portfolioErrorSchema = z
  .object({
    code: z.enum(['forecast_out_of_range']),
    detail: z.string(),
    path: z.string().nullable().describe('The input to look at, e.g. recurringCosts[<id>].amount'),
  })
  .describe('Why there are no figures here; the rest of the portfolio is unaffected');

const portfolioClientHeader = { clientId: uuid, name: z.string(), currency: z.string() };
export const portfolioClientSchema = z.union([
  z.object({
    ...portfolioClientHeader,
    periods: z.array(
      z.object({
        key: z.string(),
        capex: z.int(),
        opex: z.int(),
        total: z.int(),
        refreshCount: z.int(),
        partial: z.boolean(),
      }),
    ),
    totals: forecastTotalsSchema,
    counts: forecastCountsSchema,
  }),
  z.object({ ...portfolioClientHeader, error: portfolioErrorSchema }),
]);

const portfolioCurrencyHeader = {
  currency: z.string(),
  clients: z.int(),
  excludedClients: z.int().describe('Clients left out of these totals because their forecast has an error'),
};

export const portfolioSchema = z
  .object({
    asOf: z.string(),
    granularity: z.enum(['quarter', 'year']),
    scenario: z.enum(['committed', 'proposed']),
    fiscalYearStartMonth: z.int(),
    periods: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        start: z.string(),
        end: z.string(),
        partial: z.boolean(),
      }),
    ),
    currencies: z
      .array(
        z.union([
          z.object({
            ...portfolioCurrencyHeader,
            periods: z.array(forecastPeriodSchema),
            totals: forecastTotalsSchema,
            counts: forecastCountsSchema,
          }),
          z.object({ ...portfolioCurrencyHeader, error: portfolioErrorSchema }),
        ]),
      )
      .describe(
        'Book-of-business totals, one entry per currency (amounts in different currencies are never added)',
      ),
    clients: z.array(portfolioClientSchema),
  })
  .meta({ id: 'PortfolioForecast' });

/** A forecast whose amounts would pass 2^53 − 1 minor units: refused, naming the input, never rounded. */
export const forecastOutOfRange = {
  description:
    "The forecast's amounts would pass the largest exact amount (2^53 − 1 minor units): forecast_out_of_range, " +
    'naming the input with the largest charges, e.g. recurringCosts[<id>].amount',
};
