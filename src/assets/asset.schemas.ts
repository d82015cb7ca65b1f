import { z } from 'zod';
import { ASSET_CATEGORIES } from '../domain/forecast.types.js';
import { isoDate, money, paginationQuery, requiredText, text, uuid } from '../http/schemas.js';

export const assetCategorySchema = z
  .enum(ASSET_CATEGORIES)
  .describe('What kind of device or product the asset is');
export const assetStatusSchema = z
  .enum(['active', 'in_storage', 'retired', 'disposed'])
  .describe('Only active and in_storage assets have a refresh clock and count in forecasts');
export const dateSourceSchema = z.enum(['manual', 'import', 'sync', 'catalogue']);
export const lifecycleStatusSchema = z.enum(['ok', 'due_soon', 'overdue', 'undated', 'inactive']);

/** The most assets one sync request may carry. */
export const MAX_SYNC_ASSETS = 5000;

const lifecycleMonths = z
  .int({ error: 'must be a whole number of months' })
  .min(1, 'must be from 1 to 600 months')
  .max(600, 'must be from 1 to 600 months');

/** The writable fields of an asset, as the API names them. */
const assetFields = {
  name: requiredText(300),
  category: assetCategorySchema,
  manufacturer: text(200).nullable(),
  model: text(200).nullable(),
  serialNumber: text(200).nullable(),
  assetTag: text(200).nullable(),
  location: text(200).nullable(),
  assignedTo: text(200).nullable(),
  operatingSystem: text(200)
    .nullable()
    .describe(
      'As the RMM reports it, e.g. "Microsoft Windows 10 Pro 22H2"; matched against the end-of-support catalogue',
    ),
  purchasedOn: isoDate.nullable(),
  inServiceOn: isoDate.nullable().describe('Starts the refresh clock; purchasedOn is used when it is empty'),
  warrantyExpiresOn: isoDate.nullable(),
  endOfSupportOn: isoDate
    .nullable()
    .describe("Overrides the catalogue's end of support for the operating system"),
  purchaseCost: money.nullable(),
  replacementCost: money
    .nullable()
    .describe('Minor units; when empty the lifecycle policy, then purchaseCost, prices the refresh'),
  lifecycleMonths: lifecycleMonths.nullable().describe('Overrides the lifecycle policy of the category'),
  status: assetStatusSchema,
  notes: text(10_000).nullable(),
  externalSource: text(100)
    .nullable()
    .describe('The tool the asset comes from (e.g. "ninjaone"); set together with externalId'),
  externalId: text(200).nullable().describe("The asset's id in externalSource; unique per client and source"),
};

export type AssetCategory = z.infer<typeof assetCategorySchema>;
export type AssetStatus = z.infer<typeof assetStatusSchema>;
export type DateSource = z.infer<typeof dateSourceSchema>;

/** Every stored field of an asset, after validation. */
export interface AssetFields {
  name: string;
  category: AssetCategory;
  manufacturer: string | null;
  model: string | null;
  serialNumber: string | null;
  assetTag: string | null;
  location: string | null;
  assignedTo: string | null;
  operatingSystem: string | null;
  purchasedOn: string | null;
  inServiceOn: string | null;
  warrantyExpiresOn: string | null;
  endOfSupportOn: string | null;
  purchaseCost: number | null;
  replacementCost: number | null;
  lifecycleMonths: number | null;
  status: AssetStatus;
  notes: string | null;
  externalSource: string | null;
  externalId: string | null;
}

/** Every optional field of an asset, unset: the starting point of a new asset before its given fields. */
export const NO_OPTIONAL_ASSET_FIELDS: Readonly<Omit<AssetFields, 'name' | 'category' | 'status'>> =
  Object.freeze({
    manufacturer: null,
    model: null,
    serialNumber: null,
    assetTag: null,
    location: null,
    assignedTo: null,
    operatingSystem: null,
    purchasedOn: null,
    inServiceOn: null,
    warrantyExpiresOn: null,
    endOfSupportOn: null,
    purchaseCost: null,
    replacementCost: null,
    lifecycleMonths: null,
    notes: null,
    externalSource: null,
    externalId: null,
  });

export const DATE_FIELDS = ['purchasedOn', 'inServiceOn', 'warrantyExpiresOn', 'endOfSupportOn'] as const;
export type DateField = (typeof DATE_FIELDS)[number];
export type DateSources = Record<DateField, DateSource | null>;

const dateSourcesSchema = z
  .object({
    purchasedOn: dateSourceSchema.nullable(),
    inServiceOn: dateSourceSchema.nullable(),
    warrantyExpiresOn: dateSourceSchema.nullable(),
    endOfSupportOn: dateSourceSchema.nullable(),
  })
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

export const assetSchema = z.object({
  id: uuid,
  clientId: uuid,
  name: z.string(),
  category: assetCategorySchema,
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  serialNumber: z.string().nullable(),
  assetTag: z.string().nullable(),
  location: z.string().nullable(),
  assignedTo: z.string().nullable(),
  operatingSystem: z.string().nullable(),
  purchasedOn: z.string().nullable(),
  inServiceOn: z.string().nullable(),
  warrantyExpiresOn: z.string().nullable(),
  endOfSupportOn: z.string().nullable(),
  purchaseCost: z.int().nullable(),
  replacementCost: z.int().nullable(),
  lifecycleMonths: z.int().nullable(),
  status: assetStatusSchema,
  notes: z.string().nullable(),
  externalSource: z.string().nullable(),
  externalId: z.string().nullable(),
  dateSources: dateSourcesSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  lifecycle: lifecycleSchema,
});
export type Asset = z.infer<typeof assetSchema>;
/** An asset as stored, before its clock is computed. */
export type AssetRecord = Omit<Asset, 'lifecycle'>;

const optionalFields = Object.fromEntries(
  Object.entries(assetFields)
    .filter(([name]) => name !== 'name' && name !== 'category')
    .map(([name, schema]) => [name, schema.optional()]),
) as {
  [K in Exclude<keyof typeof assetFields, 'name' | 'category'>]: z.ZodOptional<(typeof assetFields)[K]>;
};

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
  .strictObject({ name: assetFields.name, category: assetFields.category, ...optionalFields })
  .superRefine(bothOrNeitherExternal);
export type CreateAsset = z.output<typeof createAssetBody>;

export const updateAssetBody = z.strictObject(assetFields).partial();
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
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'Matches part of the name, model, serial number, asset tag, assigned to or operating system, case-insensitively',
    ),
  asOf: asOfQuery,
});
export type ListAssetsQuery = z.output<typeof listAssetsQuery>;

const syncItemFields = Object.fromEntries(
  Object.entries(optionalFields).filter(([name]) => name !== 'externalSource' && name !== 'externalId'),
) as Omit<typeof optionalFields, 'externalSource' | 'externalId'>;

export const syncAssetItem = z.strictObject({
  externalId: requiredText(200).describe("The asset's id in the external tool"),
  name: assetFields.name,
  category: assetFields.category,
  ...syncItemFields,
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
