import { z } from 'zod';
import { INITIATIVE_KINDS } from '../domain/forecast.types.js';
import { isoDate, money, paginationQuery, requiredText, text, uuid } from '../http/schemas.js';

export const initiativeStatusSchema = z
  .enum(['proposed', 'approved', 'in_progress', 'completed', 'declined', 'deferred'])
  .describe('Recording a decision moves the status to approved, declined or deferred');
export const prioritySchema = z.enum(['low', 'medium', 'high', 'critical']);
export const initiativeKindSchema = z
  .enum(INITIATIVE_KINDS)
  .describe(
    'What the initiative does to its linked assets: replacement replaces them on targetOn (their own refreshes ' +
      'are dropped from the forecast and a fresh clock starts), upgrade upgrades their operating system (its end ' +
      'of support no longer moves their refresh), project only refers to them',
  );
export const decisionValueSchema = z.enum(['approved', 'declined', 'deferred']);

export const decisionViaSchema = z
  .enum(['api', 'console', 'portal'])
  .describe(
    'Through what the decision was recorded: an API key, a console user, or a share link in the portal',
  );
export type DecisionVia = z.infer<typeof decisionViaSchema>;

export const decisionSchema = z
  .object({
    decision: decisionValueSchema,
    decidedBy: z.string(),
    role: z.string().nullable(),
    note: z.string().nullable(),
    decidedAt: z.string().describe('When the decision was recorded (ISO 8601 timestamp)'),
    via: decisionViaSchema,
    recordedBy: z
      .string()
      .nullable()
      .describe('The console user or API key that recorded it, by name at the time; null through the portal'),
    shareLinkId: z.string().nullable().describe('Through the portal: the share link it was made with'),
    ipAddress: z.string().nullable().describe('Through the portal: the signer’s IP address'),
    userAgent: z.string().nullable().describe('Through the portal: the signer’s browser'),
  })
  .meta({ id: 'Decision' });
export type Decision = z.infer<typeof decisionSchema>;

export const initiativeSchema = z
  .object({
    id: uuid,
    title: z.string(),
    summary: z.string().nullable(),
    priority: prioritySchema,
    kind: initiativeKindSchema,
    targetOn: z.string().nullable(),
    capexCost: z.int(),
    monthlyOpexCost: z.int(),
    opexMonths: z.int().nullable(),
    status: initiativeStatusSchema,
    assetIds: z.array(uuid).describe('Linked assets of the same client, ordered by id'),
    decisions: z.array(decisionSchema).describe("The client's decisions, oldest first; never edited"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Initiative' });
export type InitiativeResource = z.infer<typeof initiativeSchema>;
export type InitiativeRecord = Omit<InitiativeResource, 'assetIds' | 'decisions'>;

export const MAX_LINKED_ASSETS = 1000;

const assetIds = z
  .array(uuid)
  .max(MAX_LINKED_ASSETS, `must list at most ${MAX_LINKED_ASSETS} assets`)
  .superRefine((ids, ctx) => {
    const firstIndex = new Map<string, number>();
    ids.forEach((id, index) => {
      const first = firstIndex.get(id);
      if (first === undefined) firstIndex.set(id, index);
      else ctx.addIssue({ code: 'custom', path: [index], message: `duplicates body.assetIds[${first}]` });
    });
  })
  .describe('Assets of the same client that the initiative replaces or concerns; replaces the whole list');

const fields = {
  title: requiredText(200),
  summary: text(5000).nullable(),
  priority: prioritySchema,
  kind: initiativeKindSchema,
  targetOn: isoDate.nullable().describe('When the work is planned (YYYY-MM-DD); capex is charged then'),
  capexCost: money.describe('One-time capital cost, minor units'),
  monthlyOpexCost: money.describe('Operating cost a month from targetOn, minor units'),
  opexMonths: z
    .int({ error: 'must be a whole number of months' })
    .min(1, 'must be from 1 to 600 months')
    .max(600, 'must be from 1 to 600 months')
    .nullable()
    .describe('For how many months the operating cost runs; null: open-ended'),
  status: initiativeStatusSchema,
  assetIds,
};

export const createInitiativeBody = z.strictObject({
  ...fields,
  summary: fields.summary.optional(),
  priority: fields.priority.default('medium'),
  kind: fields.kind.default('project'),
  targetOn: fields.targetOn.optional(),
  capexCost: fields.capexCost.default(0),
  monthlyOpexCost: fields.monthlyOpexCost.default(0),
  opexMonths: fields.opexMonths.optional(),
  status: fields.status.default('proposed'),
  assetIds: fields.assetIds.default([]),
});
export type CreateInitiative = z.output<typeof createInitiativeBody>;

export const updateInitiativeBody = z.strictObject(fields).partial();
export type UpdateInitiative = z.output<typeof updateInitiativeBody>;

export const recordDecisionBody = z.strictObject({
  decision: decisionValueSchema,
  decidedBy: requiredText(200).describe('Who decided, e.g. the client executive'),
  role: text(200).nullable().optional().describe('Their role, e.g. "CFO"'),
  note: text(5000).nullable().optional(),
});
export type RecordDecision = z.output<typeof recordDecisionBody>;

export const clientInitiativesParams = z.object({ clientId: uuid });
export const initiativeParams = z.object({ clientId: uuid, initiativeId: uuid });

export const listInitiativesQuery = z.strictObject({
  ...paginationQuery,
  status: initiativeStatusSchema.optional(),
  priority: prioritySchema.optional(),
});
export type ListInitiativesQuery = z.output<typeof listInitiativesQuery>;
