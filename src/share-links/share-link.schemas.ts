import { z } from 'zod';
import { isoDate, requiredText, uuid } from '../http/schemas.js';
import { userEmail } from '../users/user.schemas.js';

export const SHARE_LINK_SCOPES = ['view', 'view_and_decide'] as const;
export const shareLinkScopeSchema = z
  .enum(SHARE_LINK_SCOPES)
  .describe('view: read the plan; view_and_decide: also approve, decline or defer proposed initiatives');
export type ShareLinkScope = z.infer<typeof shareLinkScopeSchema>;

/** The longest a link may live: a meeting's follow-up, not a standing door into the plan. */
export const MAX_SHARE_LINK_DAYS = 366;

export const shareLinkSchema = z
  .object({
    id: uuid,
    clientId: uuid,
    recipientName: z.string(),
    recipientEmail: z.string().nullable(),
    scope: shareLinkScopeSchema,
    expiresOn: z.string().describe('The last day the link opens (date)'),
    status: z
      .enum(['active', 'expired', 'revoked'])
      .describe('Whether the link opens today; expired and revoked links answer 410'),
    createdAt: z.string(),
    createdBy: z.string().nullable().describe('The console user or API key that created it, by name'),
    revokedAt: z.string().nullable(),
    lastOpenedAt: z.string().nullable(),
  })
  .meta({ id: 'ShareLink' });
export type ShareLink = z.infer<typeof shareLinkSchema>;

export const createdShareLinkSchema = shareLinkSchema
  .extend({
    url: z
      .string()
      .describe('The portal address to send to the recipient, token included. Shown this once; never again.'),
  })
  .meta({ id: 'CreatedShareLink' });

export const shareLinkListSchema = z
  .object({ items: z.array(shareLinkSchema) })
  .meta({ id: 'ShareLinkList' });

export const createShareLinkBody = z
  .strictObject({
    recipientName: requiredText(200).describe('Who the link is for, as the portal greets them'),
    recipientEmail: userEmail.optional().describe('Where it was sent, for the record (nothing is mailed)'),
    scope: shareLinkScopeSchema,
    expiresOn: isoDate.describe(
      `The last day the link opens (date): from today to ${MAX_SHARE_LINK_DAYS} days ahead`,
    ),
  })
  .meta({ id: 'CreateShareLink' });
export type CreateShareLink = z.infer<typeof createShareLinkBody>;

export const shareLinkParams = z.object({ clientId: uuid, shareLinkId: uuid });
