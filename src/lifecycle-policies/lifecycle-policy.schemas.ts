import { z } from 'zod';
import { assetCategorySchema, lifecycleMonthsSchema } from '../assets/asset.fields.js';
import type { LifecyclePolicy } from '../domain/forecast.types.js';
import { money, uuid } from '../http/schemas.js';

export const lifecyclePolicySchema = z
  .object({
    category: assetCategorySchema,
    lifecycleMonths: z.int().nullable(),
    replacementCost: z.int().nullable(),
    annualEscalationBps: z.int().nullable(),
    dueSoonDays: z.int().nullable(),
  })
  .meta({ id: 'LifecyclePolicy' });
// The response schema describes the domain's LifecyclePolicy exactly.
const sameShape: [z.infer<typeof lifecyclePolicySchema>, LifecyclePolicy] extends [
  LifecyclePolicy,
  z.infer<typeof lifecyclePolicySchema>,
]
  ? true
  : never = true;
void sameShape;

const inherit = ' Null or left out: inherit (client → MSP policy → built-in default).';

/** PUT replaces the whole policy: a field left out is null, which inherits. */
export const putLifecyclePolicyBody = z.strictObject({
  lifecycleMonths: lifecycleMonthsSchema
    .nullable()
    .optional()
    .describe(`Months from in-service date to refresh (default 36).${inherit}`),
  replacementCost: money
    .nullable()
    .optional()
    .describe(`Minor units; prices refreshes of assets without their own replacement cost.${inherit}`),
  annualEscalationBps: z
    .int({ error: 'must be a whole number of basis points' })
    .min(0, 'must be from 0 to 10000 basis points')
    .max(10_000, 'must be from 0 to 10000 basis points')
    .nullable()
    .optional()
    .describe(`Yearly price increase in basis points (250 = 2.5%; default 0).${inherit}`),
  dueSoonDays: z
    .int({ error: 'must be a whole number of days' })
    .min(0, 'must be from 0 to 3650 days')
    .max(3650, 'must be from 0 to 3650 days')
    .nullable()
    .optional()
    .describe(`How many days before its due date an asset counts as due soon (default 180).${inherit}`),
});
export type PutLifecyclePolicy = z.output<typeof putLifecyclePolicyBody>;

export const mspPolicyParams = z.object({ category: assetCategorySchema });
export const clientPoliciesParams = z.object({ clientId: uuid });
export const clientPolicyParams = z.object({ clientId: uuid, category: assetCategorySchema });

export const lifecyclePolicyList = z.object({
  items: z.array(lifecyclePolicySchema),
  nextCursor: z.null().describe('Always null: there is at most one policy per category'),
});
