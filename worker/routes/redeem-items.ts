/**
 * Which items a redemption spends (docs/batches.md "Executing each item
 * once"): a batch receipt requires `item`, an index or distinct indexes
 * below its `batch.count`; any other receipt takes none.
 */
import { ProblemError } from '../errors';
import type { ReceiptClaims } from '../../packages/psea/src/receipt/types';

/** The indexes to spend, or undefined for a receipt that is not a batch's. @throws ProblemError `invalid_request`. */
export function redeemedItems(
  claims: ReceiptClaims,
  item: number | number[] | undefined,
): number[] | undefined {
  if (claims.batch === undefined) {
    if (item !== undefined)
      throw new ProblemError('invalid_request', 'item: this receipt is not for a batch');
    return undefined;
  }
  if (item === undefined)
    throw new ProblemError(
      'invalid_request',
      'item: required for a batch receipt (an index, or an array of indexes)',
    );
  const indexes = Array.isArray(item) ? item : [item];
  const count = claims.batch.count;
  const seen = new Set<number>();
  for (const index of indexes) {
    if (index >= count)
      throw new ProblemError('invalid_request', `item: ${index} is not in a batch of ${count}`);
    if (seen.has(index)) throw new ProblemError('invalid_request', `item: ${index} is repeated`);
    seen.add(index);
  }
  return indexes;
}
