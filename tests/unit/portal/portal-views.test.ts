import { decisionForm, receiptIdOf } from '../../../src/portal/portal.pages.js';
import { shareLinkStatus, SHARE_TOKEN } from '../../../src/share-links/share-link.service.js';

describe('share link status', () => {
  it('when today is the last day, then the link still opens; the day after, it has expired', () => {
    expect(shareLinkStatus({ expiresOn: '2026-11-22', revokedAt: null }, '2026-11-22')).toBe('active');
    expect(shareLinkStatus({ expiresOn: '2026-11-22', revokedAt: null }, '2026-11-23')).toBe('expired');
  });

  it('when a link is revoked, then it is revoked whatever its expiry', () => {
    expect(shareLinkStatus({ expiresOn: '2027-01-01', revokedAt: new Date() }, '2026-11-22')).toBe('revoked');
  });

  it('when a token is not 43 base64url characters, then it is not a share token', () => {
    expect(SHARE_TOKEN.test('a'.repeat(43))).toBe(true);
    expect(SHARE_TOKEN.test('a'.repeat(42))).toBe(false);
    expect(SHARE_TOKEN.test(`${'a'.repeat(42)}/`)).toBe(false);
  });
});

describe('portal decision receipts', () => {
  it('when the same decision is asked for twice, then its receipt number is the same, and another decision has another', () => {
    const first = receiptIdOf('link', 'initiative', '2026-11-22T12:00:00.000Z');
    expect(first).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(receiptIdOf('link', 'initiative', '2026-11-22T12:00:00.000Z')).toBe(first);
    expect(receiptIdOf('link', 'initiative', '2026-11-22T12:00:00.001Z')).not.toBe(first);
  });
});

describe('the portal decision form', () => {
  const valid = { decision: 'approved', decidedBy: ' Dana ', role: 'Owner', note: '', authorised: 'yes' };

  it('when every field is given, then the name is trimmed and an empty note is none', () => {
    expect(decisionForm.parse(valid)).toEqual({
      decision: 'approved',
      decidedBy: 'Dana',
      role: 'Owner',
      note: null,
      authorised: 'yes',
    });
  });

  it.each([
    ['decision', { ...valid, decision: 'maybe' }],
    ['decidedBy', { ...valid, decidedBy: '  ' }],
    ['role', { ...valid, role: '' }],
    ['authorised', { ...valid, authorised: '' }],
  ])('when %s is missing or wrong, then the form names it', (field, values) => {
    const parsed = decisionForm.safeParse(values);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.path[0])).toEqual([field]);
  });
});
