/**
 * Money is an integer number of minor units (SPEC §2). Escalation (SPEC §3) is
 * `round(base × (1 + bps/10000)^y)`, rounded half up per charge. It is computed on the exact rational
 * `base × (10000 + bps)^y / 10000^y` so that two implementations agree to the cent for any y and bps; a
 * floating-point power drifts by a unit in the last place and then rounds an exact half the wrong way.
 */

export const BASIS_POINTS = 10_000;

/**
 * `numerator / denominator` rounded half up to an integer. "Up" is away from zero, the usual financial
 * meaning (Java's ROUND_HALF_UP), so a credit of −0.5 becomes −1, the mirror of +0.5 → +1.
 */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('Division by zero');
  if (denominator < 0n) return roundHalfUp(-numerator, -denominator);
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = magnitude / denominator;
  const rounded = (magnitude % denominator) * 2n >= denominator ? quotient + 1n : quotient;
  return negative ? -rounded : rounded;
}

interface EscalationFactor {
  /** (10000 + bps)^y / 10000^y, reduced to lowest terms. */
  readonly numerator: bigint;
  readonly denominator: bigint;
  /** The same factor as doubles, when both terms are exact integers in double precision; else 0. */
  readonly numeratorNumber: number;
  readonly denominatorNumber: number;
  /** The largest |base| whose product with the numerator is still an exact double (-1: none). */
  readonly maxExactBase: number;
}

/** Factors by bps, then by year. Few distinct (bps, y) pairs exist in one forecast; each is computed once. */
const factors = new Map<number, EscalationFactor[]>();

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function escalationFactor(bps: number, years: number): EscalationFactor {
  let byYear = factors.get(bps);
  if (byYear === undefined) {
    byYear = [];
    factors.set(bps, byYear);
  }
  const cached = byYear[years];
  if (cached !== undefined) return cached;
  const common = gcd(BASIS_POINTS + bps, BASIS_POINTS);
  const numerator = BigInt((BASIS_POINTS + bps) / common) ** BigInt(years);
  const denominator = BigInt(BASIS_POINTS / common) ** BigInt(years);
  const exact =
    numerator <= BigInt(Number.MAX_SAFE_INTEGER) && denominator <= BigInt(Number.MAX_SAFE_INTEGER);
  const numeratorNumber = exact ? Number(numerator) : 0;
  const factor: EscalationFactor = {
    numerator,
    denominator,
    numeratorNumber,
    denominatorNumber: exact ? Number(denominator) : 0,
    maxExactBase: exact ? Math.floor(Number.MAX_SAFE_INTEGER / numeratorNumber) : -1,
  };
  byYear[years] = factor;
  return factor;
}

/**
 * `round(base × quantity × (1 + bps/10000)^years)`, exact, half up. `base` and `quantity` are integers (minor
 * units and seats); `bps` an integer above −10000; `years` a non-negative integer. Throws a RangeError when the
 * result is not a safe integer, rather than return a number that is silently wrong.
 */
export function escalate(base: number, bps: number, years: number, quantity = 1): number {
  const amount = quantity === 1 && Number.isSafeInteger(base) ? base : multiplyExactOrNaN(base, quantity);
  if (years === 0 || bps === 0) {
    if (Number.isNaN(amount)) {
      throw new RangeError(`Amount ${base} × ${quantity} exceeds the safe integer range`);
    }
    return amount;
  }
  if (!Number.isSafeInteger(bps) || bps <= -BASIS_POINTS) {
    throw new RangeError(`Invalid escalation bps: ${bps}`);
  }
  if (!Number.isSafeInteger(years) || years < 0) throw new RangeError(`Invalid escalation years: ${years}`);
  const factor = escalationFactor(bps, years);
  // amount × quantity is past 2^53 (bigint columns allow it): compute exactly and let the range check decide.
  if (Number.isNaN(amount)) return escalateBig(BigInt(base) * BigInt(quantity), factor);
  const magnitude = amount < 0 ? -amount : amount;
  if (magnitude <= factor.maxExactBase) {
    // Every term is an integer below 2^53, so the product, the remainder (fmod is exact) and the quotient of
    // an exact multiple are all exact doubles: the same answer as the BigInt path, without allocating.
    const product = magnitude * factor.numeratorNumber;
    const remainder = product % factor.denominatorNumber;
    const quotient = (product - remainder) / factor.denominatorNumber;
    const rounded = remainder * 2 >= factor.denominatorNumber ? quotient + 1 : quotient;
    return amount < 0 ? -rounded : rounded;
  }
  return escalateBig(BigInt(amount), factor);
}

function escalateBig(amount: bigint, factor: EscalationFactor): number {
  return toSafeNumber(roundHalfUp(amount * factor.numerator, factor.denominator));
}

function multiplyExactOrNaN(a: number, b: number): number {
  if (!Number.isSafeInteger(a)) throw new RangeError(`Amount must be an integer number of minor units: ${a}`);
  if (!Number.isSafeInteger(b)) throw new RangeError(`Quantity must be an integer: ${b}`);
  const product = a * b;
  return Number.isSafeInteger(product) ? product : Number.NaN;
}

function toSafeNumber(value: bigint): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new RangeError(`Amount ${value} exceeds the safe integer range`);
  return result;
}

const decimalsByCurrency = new Map<string, number>();

/**
 * How many decimals the currency's minor unit has (ISO 4217 as Intl knows it): USD 2, JPY 0, BHD 3. A code Intl
 * does not know is taken as 2 decimals, the common case.
 */
export function currencyDecimals(currency: string): number {
  let digits = decimalsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    decimalsByCurrency.set(currency, digits);
  }
  return digits;
}

/**
 * 123456 with 2 decimals → "1234.56", written from the integer's digits, so no float ever rounds a cent. No
 * grouping separators: the result is a plain decimal number any spreadsheet or Intl.NumberFormat reads exactly.
 */
export function minorToDecimal(minor: number, digits: number): string {
  if (!Number.isSafeInteger(minor))
    throw new RangeError(`amount ${minor} is not a whole number of minor units`);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
