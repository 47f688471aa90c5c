/**
 * SPEC.md v2 "Offline approvals": an offline receipt's claims rebuild the
 * offline statement (mode, signed_at, dsp), and a receipt that says offline
 * without the device's signed_at is no receipt (it would rebuild no statement).
 */
import { describe, expect, it } from 'vitest';
import {
  hashAction,
  statementFromClaims,
  verifyReceipt,
  type ReceiptClaims,
} from '../../packages/psea/src/receipt/index.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { signReceipt } from '../../worker/receipts/sign-receipt.ts';
import { offlineKeys } from '../support/offline-proofs';

const DOOR = { type: 'door.open', door: '7' };

async function claims(extra: Partial<ReceiptClaims> = {}): Promise<ReceiptClaims> {
  const iat = Math.floor(Date.now() / 1000);
  return {
    iss: 'https://approve.example.com',
    sub: 'u-1',
    aud: 'door-7',
    iat,
    exp: iat + 300,
    jti: randomId(),
    act: await hashAction(DOOR),
    act_type: 'door.open',
    nonce: randomId(),
    uv: true,
    cred: {
      id: 'c1',
      aaguid: '00000000-0000-0000-0000-000000000000',
      device_bound: true,
      backed_up: false,
    },
    ...extra,
  };
}

describe('statementFromClaims for an offline receipt', () => {
  it('rebuilds { v, iss, aud, sub, act, dsp?, nonce, mode: "offline", signed_at }', async () => {
    const c = await claims({ offline: true, signed_at: 1_800_000_060, dsp: 'D'.repeat(43) });
    expect(statementFromClaims(c)).toEqual({
      v: 1,
      iss: c.iss,
      aud: c.aud,
      sub: c.sub,
      act: c.act,
      dsp: c.dsp,
      nonce: c.nonce,
      mode: 'offline',
      signed_at: 1_800_000_060,
    });
    const online = await claims();
    expect(statementFromClaims(online)).not.toHaveProperty('mode');
  });

  it('verifyReceipt refuses offline: true without signed_at (claim_invalid), and accepts it with', async () => {
    const keys = await offlineKeys();
    const options = {
      jwks: keys.jwks,
      issuer: 'https://approve.example.com',
      audience: 'door-7',
      subject: 'u-1',
      action: DOOR,
      allowOffline: true,
    };
    const without = await signReceipt(await claims({ offline: true }), keys.signer);
    await expect(verifyReceipt(without, options)).rejects.toMatchObject({ code: 'claim_invalid' });
    const withIt = await signReceipt(
      await claims({ offline: true, signed_at: 1_800_000_060 }),
      keys.signer,
    );
    expect((await verifyReceipt(withIt, options)).statement).toMatchObject({
      mode: 'offline',
      signed_at: 1_800_000_060,
    });
  });
});
