import fc from 'fast-check';

import { escalate, roundHalfUp } from '../../../../src/domain/money.js';

/** The definition, written plainly: floor((2·base·(10000+bps)^y + 10000^y) / (2·10000^y)) for base ≥ 0. */
function referenceEscalation(base: number, bps: number, years: number, quantity = 1): bigint {
  const numerator = BigInt(base) * BigInt(quantity) * BigInt(10_000 + bps) ** BigInt(years);
  const denominator = 10_000n ** BigInt(years);
  return (2n * numerator + denominator) / (2n * denominator);
}

describe('roundHalfUp', () => {
  it.each([
    [5n, 10n, 1n],
    [4n, 10n, 0n],
    [15n, 10n, 2n],
    [-5n, 10n, -1n],
    [-4n, 10n, 0n],
    [-15n, 10n, -2n],
    [7n, -2n, -4n],
    [20n, 10n, 2n],
  ])('when %i / %i is rounded, then it is %i (halves away from zero)', (numerator, denominator, rounded) => {
    expect(roundHalfUp(numerator, denominator)).toBe(rounded);
  });

  it('when the denominator is zero, then it throws', () => {
    expect(() => roundHalfUp(1n, 0n)).toThrow(RangeError);
  });
});

describe('escalate', () => {
  it.each([
    // 100000 × 1.03² = 100000 × 1.0609 = 106090 exactly.
    [100_000, 300, 2, 106_090],
    // 50 × 1.01 = 50.5 → 51 (half up); 49 × 1.01 = 49.49 → 49.
    [50, 100, 1, 51],
    [49, 100, 1, 49],
    // 100 × 1.025 = 102.5 exactly → 103. In doubles 1.025 is 1.02499999…, and Math.round gives 102.
    [100, 250, 1, 103],
    // 60 × 1.025 = 61.5 → 62 (doubles give 61.49999999999999).
    [60, 250, 1, 62],
    // 123456789 × 2^10 = 126419751936: a 100% rate for ten years, exact.
    [123_456_789, 10_000, 10, 126_419_751_936],
    [100_000, 0, 7, 100_000],
    // 1.0001⁴ = 10001⁴ / 10000⁴: the numerator is past 2^53, so even these take the exact BigInt path.
    [0, 1, 4, 0],
    [100, 1, 4, 100],
    [100_000, 500, 0, 100_000],
  ])('when %i escalates at %i bps for %i years, then it costs %i', (base, bps, years, expected) => {
    expect(escalate(base, bps, years)).toBe(expected);
  });

  it('when a quantity is given, then the product escalates as one charge: 2200 × 10 × 1.05 = 23100', () => {
    expect(escalate(2_200, 500, 1, 10)).toBe(23_100);
  });

  it('when the base times the factor is beyond 2^53 before division, then the result is still exact', () => {
    // 10^12 × 1.0375^9: the numerator (10375^9 ≈ 1.4·10^36) forces the BigInt path.
    expect(escalate(1_000_000_000_000, 375, 9)).toBe(Number(referenceEscalation(1_000_000_000_000, 375, 9)));
  });

  it('when the charge is beyond 2^53 minor units, then it throws rather than return a rounded number', () => {
    // 10^14 × 10^6 × 1.03 ≈ 1.03·10^20: no double holds it exactly.
    expect(() => escalate(100_000_000_000_000, 300, 1, 1_000_000)).toThrow(RangeError);
  });

  it('when any base, rate and year count are escalated, then the result equals the exact rational rounded half up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 1000 }),
        (base, bps, years, quantity) => {
          const expected = referenceEscalation(base, bps, years, quantity);
          if (expected > BigInt(Number.MAX_SAFE_INTEGER)) {
            expect(() => escalate(base, bps, years, quantity)).toThrow(RangeError);
          } else {
            expect(escalate(base, bps, years, quantity)).toBe(Number(expected));
          }
        },
      ),
    );
  });

  it('when a credit (negative base) escalates, then it mirrors the positive amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 0, max: 10 }),
        (base, bps, years) => {
          expect(escalate(-base, bps, years)).toBe(-escalate(base, bps, years));
        },
      ),
    );
  });

  it('when the base is not a whole number of minor units, then it throws', () => {
    expect(() => escalate(10.5, 300, 1)).toThrow(RangeError);
    expect(() => escalate(10.5, 300, 0)).toThrow(RangeError);
    expect(() => escalate(10, 300, 1, 1.5)).toThrow(RangeError);
  });

  it('when the rate or the year count is invalid, then it throws', () => {
    expect(() => escalate(100, -10_000, 1)).toThrow(RangeError);
    expect(() => escalate(100, 300, -1)).toThrow(RangeError);
    expect(() => escalate(100, 300, 1.5)).toThrow(RangeError);
  });
});
