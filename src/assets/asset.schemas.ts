import { z } from 'zod';
import { isoDate, paginationQuery, requiredText, uuid, searchTerm } from '../http/schemas.js';
import {
  ASSET_FIELD_NAMES,
  ASSET_FIELDS,
  assetInputSchemas,
  assetCategorySchema,
  assetOutputSchemas,
  assetStatusSchema,
  DATE_FIELDS,
  dateSourceSchema,
  SYNCED_FIELDS,
  type AssetFieldName,
  type DateField,
  type RequiredField,
} from './asset.fields.js';

export const lifecycleStatusSchema = z.enum(['ok', 'due_soon', 'overdue', 'undated', 'inactive']);

/** The most assets one sync request may carry. */
export const MAX_SYNC_ASSETS = 5000;

const dateSourcesSchema = z
  .object(
    Object.fromEntries(DATE_FIELDS.map((field) => [field, dateSourceSchema.nullable()])) as Record<
      DateField,
      z.ZodNullable<typeof dateSourceSchema>
    >,
  )
  .describe('Where each date came from; null when the date is empty');

export const lifecycleSchema = z
  .object({
    lifecycleMonths: z
      .int()
      .describe('The lifecycle in effect: asset override, else client policy, else MSP policy, else 36'),
    dueOn: z.string().nullable().describe('YYYY-MM-DD; null when the asset is undated or inactive'),
    dueReason: z.enum(['age', 'end_of_support']).nullable(),
    status: lifecycleStatusSchema,
    warrantyStatus: z.enum(['unknown', 'expired', 'expiring', 'active']),
    endOfSupportOn: z
      .string()
      .nullable()
      .describe(
        "The operating system's end of support: the asset's own date, else the catalogue's product end of support. " +
          'It moves the refresh clock only when it falls after the in-service date',
      ),
    endOfSupportSource: z.enum(['asset', 'catalogue']).nullable(),
    osStatus: z
      .enum(['unsupported', 'update_due', 'supported', 'unknown'])
      .describe(
        'unsupported: its end of support has passed (a paid upgrade or new hardware); update_due: its release is ' +
          'out of servicing and a free in-place update to osUpdateTo fixes it; supported; unknown: no date and no ' +
          'catalogue match',
      ),
    osUpdateTo: z
      .string()
      .nullable()
      .describe('With osStatus update_due: the release to update to, e.g. "Windows 11 25H2"'),
  })
  .describe('Computed, read-only: the refresh clock at today or at ?asOf=');

export const assetSchema = z
  .object({
    id: uuid,
    clientId: uuid,
    ...assetOutputSchemas,
    dateSources: dateSourcesSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
    lifecycle: lifecycleSchema,
  })
  .meta({ id: 'Asset' });
export type Asset = z.infer<typeof assetSchema>;
/** An asset as stored, before its clock is computed. */
export type AssetRecord = Omit<Asset, 'lifecycle'>;

/** The given fields but the required ones, optional: a create or a sync item may leave them out. */
function optionalInputsOf<const Names extends readonly AssetFieldName[]>(names: Names) {
  return Object.fromEntries(
    names
      .filter((name) => !('required' in ASSET_FIELDS[name]))
      .map((name) => [name, ASSET_FIELDS[name].input.optional()]),
  ) as {
    [K in Exclude<Names[number], RequiredField>]: z.ZodOptional<(typeof ASSET_FIELDS)[K]['input']>;
  };
}

const bothOrNeitherExternal = (
  value: { externalSource?: string | null; externalId?: string | null },
  ctx: z.RefinementCtx,
) => {
  const hasSource = value.externalSource != null;
  const hasId = value.externalId != null;
  if (hasSource !== hasId) {
    ctx.addIssue({
      code: 'custom',
      path: [hasSource ? 'externalId' : 'externalSource'],
      message: 'externalSource and externalId are set together',
    });
  }
};

export const createAssetBody = z
  .strictObject({
    name: assetInputSchemas.name,
    category: assetInputSchemas.category,
    ...optionalInputsOf(ASSET_FIELD_NAMES),
  })
  .superRefine(bothOrNeitherExternal);
export type CreateAsset = z.output<typeof createAssetBody>;

export const updateAssetBody = z.strictObject(assetInputSchemas).partial();
export type UpdateAsset = z.output<typeof updateAssetBody>;

export const clientAssetsParams = z.object({ clientId: uuid });
export const assetParams = z.object({ clientId: uuid, assetId: uuid });

const asOfQuery = isoDate
  .optional()
  .describe('The date the lifecycle is computed at (YYYY-MM-DD); today when omitted');

export const getAssetQuery = z.strictObject({ asOf: asOfQuery });

export const listAssetsQuery = z.strictObject({
  ...paginationQuery,
  category: assetCategorySchema.optional(),
  status: assetStatusSchema.optional(),
  lifecycleStatus: lifecycleStatusSchema.optional().describe('Computed at asOf'),
  q: searchTerm().describe(
    'Matches part of the name, model, serial number, asset tag, assigned to or operating system, case-insensitively',
  ),
  asOf: asOfQuery,
});
export type ListAssetsQuery = z.output<typeof listAssetsQuery>;

export const syncAssetItem = z.strictObject({
  externalId: requiredText(200).describe("The asset's id in the external tool"),
  name: assetInputSchemas.name,
  category: assetInputSchemas.category,
  ...optionalInputsOf(SYNCED_FIELDS),
});
export type SyncAssetItem = z.output<typeof syncAssetItem>;

export const syncAssetsBody = z
  .strictObject({
    externalSource: requiredText(100).describe('The tool the assets come from, e.g. "ninjaone"'),
    assets: z
      .array(syncAssetItem)
      .max(MAX_SYNC_ASSETS, `must hold at most ${MAX_SYNC_ASSETS} assets per request`)
      .describe(
        'Upserted by (externalSource, externalId). A field left out keeps its stored value (null for a new asset); ' +
          'an explicit null clears it.',
      ),
    retireMissing: z
      .boolean()
      .default(false)
      .describe(
        "Set status retired on this source's active or in-storage assets that the payload does not list",
      ),
  })
  .superRefine((value, ctx) => {
    const firstIndex = new Map<string, number>();
    value.assets.forEach((asset, index) => {
      if (typeof asset?.externalId !== 'string') return;
      const first = firstIndex.get(asset.externalId);
      if (first === undefined) firstIndex.set(asset.externalId, index);
      else {
        ctx.addIssue({
          code: 'custom',
          path: ['assets', index, 'externalId'],
          message: `duplicates body.assets[${first}].externalId (${JSON.stringify(asset.externalId)})`,
        });
      }
    });
  });
export type SyncAssets = z.output<typeof syncAssetsBody>;

export const syncResultSchema = z.object({
  created: z.int(),
  updated: z.int(),
  unchanged: z.int().describe('Listed assets whose fields all matched what was stored'),
  retired: z.int(),
});
export type SyncResult = z.infer<typeof syncResultSchema>;
