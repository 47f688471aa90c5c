import { ReceiptError } from '../../packages/psea/src/receipt/errors';
import type { TokenChecks } from '../../packages/psea/src/receipt/token-options';
import { verifyQuorumToken } from '../../packages/psea/src/receipt/verify-quorum';
import type { ReceiptClaims } from '../../packages/psea/src/receipt/types';
import type { QuorumReceiptClaims } from '../../packages/psea/src/receipt/quorum-types';

/**
 * Redeem spends a quorum receipt once, like any receipt (docs/quorum.md): a
 * token refused as no single receipt (`typ_invalid`) is read again as a
 * quorum receipt. Its `sub` (the initiator) routes the `jti` to a vault.
 */
export async function verifyAnyReceiptToken(
  token: string,
  checks: TokenChecks,
  single: (token: string, checks: TokenChecks) => Promise<{ claims: ReceiptClaims }>,
): Promise<{ claims: ReceiptClaims | QuorumReceiptClaims }> {
  try {
    return await single(token, checks);
  } catch (err) {
    if (!(err instanceof ReceiptError) || err.code !== 'typ_invalid') throw err;
    return verifyQuorumToken(token, checks);
  }
}
