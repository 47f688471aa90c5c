import { ReceiptError } from '../../packages/psea/src/receipt/errors';
import type { TokenChecks } from '../../packages/psea/src/receipt/token-options';
import { verifyQuorumToken } from '../../packages/psea/src/receipt/verify-quorum';

/**
 * Redeem spends a quorum receipt once, like any receipt (docs/quorum.md): a
 * token refused as no single receipt (`typ_invalid`) is read again as a
 * quorum receipt. Its `sub` (the initiator) routes the `jti` to a vault.
 */
export async function verifyAnyReceiptToken<T extends { claims: { sub: string; jti: string; exp: number } }>(
  token: string,
  checks: TokenChecks,
  single: (token: string, checks: TokenChecks) => Promise<T>,
): Promise<{ claims: { sub: string; jti: string; exp: number } }> {
  try {
    return await single(token, checks);
  } catch (err) {
    if (!(err instanceof ReceiptError) || err.code !== 'typ_invalid') throw err;
    return verifyQuorumToken(token, checks);
  }
}
