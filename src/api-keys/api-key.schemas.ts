import { z } from 'zod';
import { paginationQuery, requiredText, uuid } from '../http/schemas.js';

export const scopeSchema = z.enum(['admin', 'write', 'read']);

export const apiKeySchema = z.object({
  id: uuid,
  name: z.string(),
  scope: scopeSchema,
  clientId: uuid.nullable(),
  prefix: z.string().describe('The first characters of the key, to tell keys apart'),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const createdApiKeySchema = apiKeySchema.extend({
  key: z.string().describe('The key itself. It is shown this once and cannot be retrieved again.'),
});

export const createApiKeyBody = z.strictObject({
  name: requiredText(200),
  scope: scopeSchema,
  clientId: uuid.nullable().optional().describe('Limit the key to this client (read or write scope only)'),
});
export type CreateApiKey = z.output<typeof createApiKeyBody>;

export const apiKeyParams = z.object({ keyId: uuid });
export const listApiKeysQuery = z.strictObject(paginationQuery);
