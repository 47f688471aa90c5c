/**
 * Exact decimal sums for a batch's totals (docs/batches.md "Totals"): no
 * floating point anywhere. Amounts are decimal strings of at most 15 integer
 * and 6 fraction digits; each is read as a whole number of millionths
 * (a BigInt), summed, and written back with as many fraction digits as the
 * longest fraction among them.
 */

/** An amount, whole: 1 to 15 integer digits, optionally a point and 1 to 6 fraction digits. */
export const AMOUNT = /^[0-9]{1,15}(\.[0-9]{1,6})?$/;
/** A currency: three ASCII capital letters. */
export const CURRENCY = /^[A-Z]{3}$/;

const SCALE = 6;
const UNIT = 10n ** BigInt(SCALE);

/** A running sum of one currency's amounts. */
export interface DecimalSum {
  /** The sum in millionths. */
  micros: bigint;
  /** The longest fraction seen, in digits (0 to 6). */
  digits: number;
}

/** Add one amount (already matched against AMOUNT) to a sum, or start one. */
export function addAmount(sum: DecimalSum | undefined, amount: string): DecimalSum {
  const point = amount.indexOf('.');
  const whole = point < 0 ? amount : amount.slice(0, point);
  const fraction = point < 0 ? '' : amount.slice(point + 1);
  const micros = BigInt(whole) * UNIT + BigInt(fraction.padEnd(SCALE, '0'));
  return {
    micros: (sum?.micros ?? 0n) + micros,
    digits: Math.max(sum?.digits ?? 0, fraction.length),
  };
}

/**
 * A sum as text: no leading zeros (`0` when the integer part is zero), and
 * exactly `digits` fraction digits (no point when that is 0). The digits cut
 * are zeros: no amount had more.
 * @example formatSum(addAmount(addAmount(undefined, '0.5'), '0.25')) // '0.75'
 */
export function formatSum(sum: DecimalSum): string {
  const whole = (sum.micros / UNIT).toString();
  if (sum.digits === 0) return whole;
  const fraction = (sum.micros % UNIT).toString().padStart(SCALE, '0').slice(0, sum.digits);
  return `${whole}.${fraction}`;
}
