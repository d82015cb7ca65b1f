import { z } from 'zod';
import { currency, isoDate, paginationQuery, requiredText, text, uuid, searchTerm } from '../http/schemas.js';

export const clientSchema = z
  .object({
    id: uuid,
    name: z.string().meta({ examples: ['Bright Smile Dental'] }),
    currency: z.string(),
    fiscalYearStartMonth: z
      .int()
      .min(1)
      .max(12)
      .meta({ examples: [7] }),
    contactName: z
      .string()
      .nullable()
      .meta({ examples: ['Dr. Ada Park'] }),
    contactEmail: z
      .string()
      .nullable()
      .meta({ examples: ['ada@brightsmile.example'] }),
    vcioName: z
      .string()
      .nullable()
      .meta({ examples: ['Sam Rivera'] }),
    nextMeetingOn: z.string().nullable().describe('YYYY-MM-DD'),
    notes: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Client' });
export type Client = z.infer<typeof clientSchema>;

const clientFields = {
  name: requiredText(200).meta({ examples: ['Bright Smile Dental'] }),
  currency: currency.optional().describe("ISO 4217 code; defaults to the MSP's currency"),
  fiscalYearStartMonth: z
    .int()
    .min(1, 'must be a month from 1 to 12')
    .max(12, 'must be a month from 1 to 12'),
  contactName: text(200).nullable(),
  contactEmail: z.email('must be an email address').max(320).nullable(),
  vcioName: text(200).nullable(),
  nextMeetingOn: isoDate.nullable(),
  notes: text(10_000).nullable(),
};

export const createClientBody = z.strictObject({
  ...clientFields,
  fiscalYearStartMonth: clientFields.fiscalYearStartMonth.default(1),
  contactName: clientFields.contactName.optional(),
  contactEmail: clientFields.contactEmail.optional(),
  vcioName: clientFields.vcioName.optional(),
  nextMeetingOn: clientFields.nextMeetingOn.optional(),
  notes: clientFields.notes.optional(),
});
export type CreateClient = z.output<typeof createClientBody>;

export const updateClientBody = z.strictObject(clientFields).partial();
export type UpdateClient = z.output<typeof updateClientBody>;

export const clientParams = z.object({ clientId: uuid });

export const listClientsQuery = z.strictObject({
  ...paginationQuery,
  q: searchTerm().describe('Matches part of the name, case-insensitively'),
});
