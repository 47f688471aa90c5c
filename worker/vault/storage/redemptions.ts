import { ProblemError } from '../../errors';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS } from '../../../packages/psea/src/receipt/verify-options';

/**
 * How long a spent `jti` is kept after `exp`. The redeem route allows no clock
 * skew, but it runs on many machines: the margin covers one whose clock is behind.
 */
export const REDEMPTION_RETENTION_SECONDS = DEFAULT_CLOCK_TOLERANCE_SECONDS + 60;

/** Spend a receipt's `jti` once; a second redemption is `receipt_redeemed`. */
export function redeemOnce(sql: SqlStorage, jti: string, exp: number, now: number): void {
  // Keep rows past `exp` for as long as verification still accepts the receipt (clock
  // tolerance): pruning at `exp` let an expired-but-tolerated receipt redeem on every call.
  sql.exec(
    'DELETE FROM redemptions WHERE exp < ?',
    Math.floor(now / 1000) - REDEMPTION_RETENTION_SECONDS,
  );
  const inserted = sql.exec(
    'INSERT INTO redemptions (jti, exp) VALUES (?, ?) ON CONFLICT DO NOTHING',
    jti,
    exp,
  ).rowsWritten;
  if (inserted === 0) throw new ProblemError('receipt_redeemed');
}
