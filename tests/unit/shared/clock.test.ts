import { jest } from '@jest/globals';
import { systemClock } from '../../../src/shared/clock.js';

describe("the system clock's today", () => {
  afterEach(() => jest.restoreAllMocks());

  const at = (instant: string) => jest.spyOn(Date, 'now').mockReturnValue(Date.parse(instant));

  it('when the UTC day turns, then today is the new date, and going back in time gives the earlier one', () => {
    at('2026-12-02T23:59:59.999Z');
    expect(systemClock.today()).toBe('2026-12-02');
    at('2026-12-03T00:00:00.000Z');
    expect(systemClock.today()).toBe('2026-12-03');
    at('2026-12-03T18:30:00.000Z');
    expect(systemClock.today()).toBe('2026-12-03');
    at('2026-12-01T12:00:00.000Z');
    expect(systemClock.today()).toBe('2026-12-01');
  });
});
