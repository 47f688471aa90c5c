/** Single use of a receipt. */
import type { VaultState } from '../vault-state';
import { outcome } from '../outcome';
import { redeemOnce } from '../storage/redemptions';
import type { Outcome } from '../types';

/** Single use of a receipt's `jti`; rows live until past the receipt's expiry and clock tolerance. */
export async function redeem(v: VaultState, jti: string, exp: number, now: number): Promise<Outcome<null>> {
  return outcome(async () => (redeemOnce(v.sql, jti, exp, now), null));
}
