import { z } from 'zod';
import { requiredText } from '../http/schemas.js';
import type { UserRole } from '../db/schema.js';

export const USER_ROLES = ['owner', 'admin', 'vcio', 'viewer'] as const satisfies readonly UserRole[];
export const userRole = z.enum(USER_ROLES);
export type { UserRole };

/** Emails are compared lower-cased: one person, one address, whatever case they type it in. */
export const userEmail = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be an email address'))
  .transform((email) => email.toLowerCase());

/** Long enough to resist guessing once hashed; no composition rules (NIST SP 800-63B). */
export const MIN_PASSWORD_LENGTH = 12;
export const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256, 'must be at most 256 characters');

export const createUserInput = z.strictObject({
  email: userEmail,
  name: requiredText(200),
  role: userRole,
});
export type CreateUserInput = z.infer<typeof createUserInput>;

export interface User {
  id: string;
  mspId: string;
  email: string;
  name: string;
  role: UserRole;
  hasPassword: boolean;
  createdAt: string;
}

export interface UserSession {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  userAgent: string | null;
  ipAddress: string | null;
}
