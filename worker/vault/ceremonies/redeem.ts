/** Single use of a receipt. */
import type { VaultState } from '../vault-state';
import { outcome } from '../outcome';
import { redeemOnce } from '../storage/redemptions';
import { redeemItemsOnce } from '../storage/item-redemptions';
import type { Outcome } from '../types';

/** Single use of items of a batch receipt: all of `indexes` or none (storage/item-redemptions.ts). */
export async function redeemItems(
  v: VaultState,
  jti: string,
  exp: number,
  indexes: number[],
  now: number,
): Promise<Outcome<null>> {
  return outcome(async () => (redeemItemsOnce(v.ctx.storage, jti, exp, indexes, now), null));
}

/** Single use of a receipt's `jti`; rows live until past the receipt's expiry and clock tolerance. */
export async function redeem(
  v: VaultState,
  jti: string,
  exp: number,
  now: number,
): Promise<Outcome<null>> {
  return outcome(async () => (redeemOnce(v.sql, jti, exp, now), null));
}
