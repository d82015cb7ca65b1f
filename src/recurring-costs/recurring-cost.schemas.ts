import { z } from 'zod';
import { isoDate, money, paginationQuery, requiredText, text, uuid, searchTerm } from '../http/schemas.js';

export const recurringIntervalSchema = z.enum(['month', 'year']).describe('How often `amount` is charged');

export const recurringCostSchema = z
  .object({
    id: uuid,
    name: z.string(),
    vendor: z.string().nullable(),
    amount: z.int(),
    quantity: z.int(),
    interval: recurringIntervalSchema,
    startsOn: z.string(),
    endsOn: z.string().nullable(),
    annualEscalationBps: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'RecurringCost' });
export type RecurringCostResource = z.infer<typeof recurringCostSchema>;

const fields = {
  name: requiredText(200),
  vendor: text(200).nullable(),
  amount: money.describe('Per unit per interval, in minor units (cents)'),
  quantity: z
    .int({ error: 'must be a whole number' })
    .min(1, 'must be from 1 to 1000000')
    .max(1_000_000, 'must be from 1 to 1000000')
    .describe('Units (seats, licences) charged each interval'),
  interval: recurringIntervalSchema,
  startsOn: isoDate.describe(
    'First charge date (YYYY-MM-DD); later charges fall on the same day of the month',
  ),
  endsOn: isoDate.nullable().describe('Last day a charge can fall on; null: open-ended'),
  annualEscalationBps: z
    .int({ error: 'must be a whole number of basis points' })
    .min(0, 'must be from 0 to 10000 basis points')
    .max(10_000, 'must be from 0 to 10000 basis points')
    .describe('Yearly increase on each anniversary of startsOn, in basis points (300 = 3%)'),
};

export const ENDS_BEFORE_START = 'must be on or after startsOn';

export const createRecurringCostBody = z
  .strictObject({
    ...fields,
    vendor: fields.vendor.optional(),
    quantity: fields.quantity.default(1),
    endsOn: fields.endsOn.optional(),
    annualEscalationBps: fields.annualEscalationBps.default(0),
  })
  .superRefine((value, ctx) => {
    if (value.endsOn != null && value.endsOn < value.startsOn) {
      ctx.addIssue({ code: 'custom', path: ['endsOn'], message: ENDS_BEFORE_START });
    }
  });
export type CreateRecurringCost = z.output<typeof createRecurringCostBody>;

export const updateRecurringCostBody = z.strictObject(fields).partial();
export type UpdateRecurringCost = z.output<typeof updateRecurringCostBody>;

export const clientRecurringCostsParams = z.object({ clientId: uuid });
export const recurringCostParams = z.object({ clientId: uuid, recurringCostId: uuid });

export const listRecurringCostsQuery = z.strictObject({
  ...paginationQuery,
  interval: recurringIntervalSchema.optional(),
  q: searchTerm().describe('Matches part of the name or vendor, case-insensitively'),
});
export type ListRecurringCostsQuery = z.output<typeof listRecurringCostsQuery>;
