import querystring from 'node:querystring';
import { redactUrl } from '../../../src/http/log-redaction.js';

describe('redactUrl', () => {
  it.each([
    '/api/v1/clients/c/calendar.ics?token=vcal_secret',
    '/api/v1/clients/c/calendar.ics?quarters=4&token=vcal_secret',
    '/api/v1/clients/c/calendar.ics?%74oken=vcal_secret',
    '/api/v1/clients/c/calendar.ics?%74%6F%6b%65%6e=vcal_secret&asOf=2026-01-01',
    '/api/v1/clients/c/calendar.ics?token=vcal_secret&token=vcio_other',
  ])('when %s is logged, then no token the router would read is in the line', (url) => {
    const redacted = redactUrl(url);
    expect(redacted).not.toMatch(/vcal_secret|vcio_other/);
    // What the router reads from the logged URL holds no secret either.
    const query = querystring.parse(redacted.slice(redacted.indexOf('?') + 1));
    expect([query.token].flat()).not.toContain('vcal_secret');
  });

  it('when the query has no token, then the URL is logged as it came', () => {
    expect(redactUrl('/api/v1/clients?q=a%20b&limit=5&tokens=x')).toBe(
      '/api/v1/clients?q=a%20b&limit=5&tokens=x',
    );
    expect(redactUrl('/healthz')).toBe('/healthz');
  });

  it.each([
    '/p/Abc_DEF-123abcdefghijklmnopqrstuvwxyz0123456',
    '/p/Abc_DEF-123abcdefghijklmnopqrstuvwxyz0123456/initiatives/9c1d/decisions',
    '/P/Abc_DEF-123abcdefghijklmnopqrstuvwxyz0123456?x=1',
  ])('when the portal path %s is logged, then its share token is not in the line', (url) => {
    const redacted = redactUrl(url);
    expect(redacted).not.toContain('Abc_DEF-123');
    expect(redacted).toMatch(/^\/p\/\[redacted\]/);
  });

  it('when a path only starts like the portal, then it is logged as it came', () => {
    expect(redactUrl('/projects/p/abc')).toBe('/projects/p/abc');
    expect(redactUrl('/pages/abc')).toBe('/pages/abc');
  });
});
