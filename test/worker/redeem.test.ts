/** Redeeming a receipt: expiry is exact, and a spent jti outlives it (each test failed before its fix). */
import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { userVault } from '../../worker/http/ticket';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS } from '../../packages/psea/src/receipt/verify-options';
import type { UserVault } from '../../worker/vault/user-vault';
import { type ReceiptClaims } from '../../packages/psea/src/receipt/index';
import { loadSigningKeys } from '../../worker/receipts/signing-keys';
import { signReceipt } from '../../worker/receipts/sign-receipt';
import { BASE, call, details, expectProblem, pendingApproval, verify } from './harness';

function payload(jwt: string): ReceiptClaims {
  const part = jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(part));
}

describe('redeem: expiry is exact, and a spent jti outlives it', () => {
  it('a receipt that expired 1 s ago is 401 receipt_invalid: the service allows no skew on its own clock', async () => {
    const p = await pendingApproval();
    const d = await details(p.ticket);
    const r = await verify(p.ticket, await p.auth.assert(d.body.options, { origin: BASE }));
    expect(r.status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      ...payload(r.body.receipt),
      jti: crypto.randomUUID().replace(/-/g, ''),
      iat: now - 300,
      exp: now - 1,
    };
    const { signer } = await loadSigningKeys(env.RECEIPT_SIGNING_KEYS!);
    const receipt = await signReceipt(claims, signer);
    const redeem = () => call('POST', '/v1/receipts/redeem', { receipt, audience: claims.aud });
    const late = await redeem();
    expectProblem(late, 401, 'receipt_invalid');
    expect(late.body.detail).toContain('expired');
    // The same claims one minute before exp redeem once, then never again.
    const fresh = await signReceipt(
      { ...claims, jti: crypto.randomUUID().replace(/-/g, ''), iat: now - 240, exp: now + 60 },
      signer,
    );
    const redeemFresh = () =>
      call('POST', '/v1/receipts/redeem', { receipt: fresh, audience: claims.aud });
    expect((await redeemFresh()).status).toBe(200);
    expectProblem(await redeemFresh(), 409, 'receipt_redeemed');
    // Only expiry is exact: a receipt signed by a machine a second ahead (iat in the future) redeems.
    const ahead = await signReceipt(
      { ...claims, jti: crypto.randomUUID().replace(/-/g, ''), iat: now + 1, exp: now + 301 },
      signer,
    );
    expect(
      (await call('POST', '/v1/receipts/redeem', { receipt: ahead, audience: claims.aud })).status,
    ).toBe(200);
  });

  it('the vault keeps a spent jti for at least the tolerance past exp (injected clock)', async () => {
    const vault = userVault(env, `review-${crypto.randomUUID()}`);
    const exp = Math.floor(Date.now() / 1000);
    const at = (s: number) =>
      runInDurableObject(vault, (v: UserVault) => v.redeem('jti-1', exp, s * 1000));
    expect(await at(exp - 10)).toEqual({ ok: true, value: null });
    for (const t of [exp, exp + 1, exp + DEFAULT_CLOCK_TOLERANCE_SECONDS]) {
      expect(await at(t)).toEqual({ ok: false, problem: { code: 'receipt_redeemed' } });
    }
  });
});
