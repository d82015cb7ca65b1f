import { z } from 'zod';
import { requiredText, uuid } from '../http/schemas.js';

export const calendarFeedSchema = z.object({
  id: uuid,
  clientId: uuid,
  name: z.string(),
  prefix: z.string().describe('The first characters of the token, to tell feeds apart'),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

export const createdCalendarFeedSchema = calendarFeedSchema.extend({
  token: z
    .string()
    .describe(
      'The feed token, for `calendar.ics?token=`. It is shown this once and cannot be retrieved again.',
    ),
  path: z.string().describe('The feed URL below /api/v1, token included, to give to the calendar app'),
});

export const calendarFeedListSchema = z.object({ items: z.array(calendarFeedSchema) });

export const createCalendarFeedBody = z.strictObject({
  name: requiredText(200).describe('Where the feed is used, e.g. "Alice\'s Outlook"'),
});

export const calendarFeedParams = z.object({ clientId: uuid, feedId: uuid });
