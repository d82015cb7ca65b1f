import { z } from 'zod';
import { currency, requiredText, text, uuid } from '../http/schemas.js';

export const mspSchema = z
  .object({
    id: uuid,
    name: z.string().meta({ examples: ['Acme IT'] }),
    currency: z.string(),
    pageSize: z.enum(['letter', 'a4']),
    accentColor: z.string(),
    footerText: z.string().nullable(),
    hasLogo: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Msp' });

export const updateMspBody = z
  .strictObject({
    name: requiredText(200),
    currency,
    pageSize: z.enum(['letter', 'a4']),
    accentColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb')
      .transform((value) => value.toLowerCase()),
    footerText: text(500).nullable(),
  })
  .partial();
