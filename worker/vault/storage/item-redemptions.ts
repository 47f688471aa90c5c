/**
 * Per-item redemption of a batch receipt (docs/batches.md "Executing each
 * item once"): a `(jti, index)` row per spent item. Checked and written in one
 * synchronous transaction, so of concurrent redemptions of one item one wins;
 * an array is spent whole or not at all.
 */
import { ProblemError } from '../../errors';
import { REDEMPTION_RETENTION_SECONDS } from './redemptions';

/** Spend items `indexes` of the receipt `jti`; 409 `receipt_redeemed` (nothing spent) if any already is. */
export function redeemItemsOnce(
  storage: DurableObjectStorage,
  jti: string,
  exp: number,
  indexes: readonly number[],
  now: number,
): void {
  const sql = storage.sql;
  storage.transactionSync(() => {
    sql.exec(
      'DELETE FROM item_redemptions WHERE exp < ?',
      Math.floor(now / 1000) - REDEMPTION_RETENTION_SECONDS,
    );
    for (const index of indexes) {
      const inserted = sql.exec(
        'INSERT INTO item_redemptions (jti, idx, exp) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        jti,
        index,
        exp,
      ).rowsWritten;
      // Throwing rolls back every item this call inserted before.
      if (inserted === 0)
        throw new ProblemError('receipt_redeemed', `item ${index} is already redeemed`);
    }
  });
}
