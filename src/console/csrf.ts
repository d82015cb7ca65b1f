import crypto from 'node:crypto';

/**
 * CSRF protection for every console form. Signed in, the form token is a synchronizer token bound to the session:
 * an HMAC of the session's own secret, so it needs no storage, changes whenever the session does (sign-in rotates
 * it) and cannot be computed by a page that cannot read the httpOnly cookie. Before sign-in (the sign-in and
 * set-password forms, where a forged sign-in would log a victim into the attacker's account) there is no session
 * yet, so the form token is double-submitted: a random value in a SameSite=Strict, httpOnly cookie and the same
 * value in the form. Either way the tokens are compared in constant time.
 */
export function sessionFormToken(sessionToken: string): string {
  return crypto.createHmac('sha256', sessionToken).update('vcio-planner console form').digest('base64url');
}

export const newPreSessionToken = (): string => crypto.randomBytes(32).toString('base64url');

/** Whether two tokens are equal, in time that depends on neither (both are hashed to the same length first). */
export function tokensMatch(expected: string | undefined, given: unknown): boolean {
  if (!expected || typeof given !== 'string' || given.length === 0) return false;
  const digest = (value: string) => crypto.createHash('sha256').update(value, 'utf8').digest();
  return crypto.timingSafeEqual(digest(expected), digest(given));
}
