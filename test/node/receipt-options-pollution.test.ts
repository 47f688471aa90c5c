/**
 * verifyReceipt's options against a backend's own prototype pollution (a
 * vulnerable deep merge of request JSON with `__proto__`, a common bug
 * class): inherited members must not count as options the caller passed, or
 * a polluted `Object.prototype.clockTolerance` would revive every expired
 * receipt and `allowOffline` accept offline approvals the backend never
 * opted into. checkOptions reads own members only, once.
 */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  hashAction,
  ReceiptError,
  verifyReceipt,
  type SigningKeySet,
} from '../../packages/psea/src/receipt/index.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { loadSigningKeys } from '../../worker/receipts/signing-keys.ts';
import { signReceipt } from '../../worker/receipts/sign-receipt.ts';

const ISS = 'https://approve.example.com';
const AUD = 'payments-api';
const NOW = 1_800_000_000;
const SUB = 'u-123';
const ACTION = { type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89…' };

let keys: SigningKeySet;
let act: string;
beforeAll(async () => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  keys = await loadSigningKeys(JSON.stringify({ keys: [jwk] }));
  act = await hashAction(ACTION);
});

const receipt = (extra: Record<string, unknown> = {}) =>
  signReceipt(
    {
      iss: ISS,
      sub: SUB,
      aud: AUD,
      iat: NOW,
      exp: NOW + 300,
      jti: randomId(),
      act,
      act_type: ACTION.type,
      nonce: randomId(),
      uv: true,
      cred: {
        id: 'cred-1',
        aaguid: '00000000-0000-0000-0000-000000000000',
        device_bound: true,
        backed_up: false,
      },
      ...extra,
    } as never,
    keys.signer,
  );

/** Run `fn` with `Object.prototype[name] = value`, always cleaning up. */
async function polluted<T>(name: string, value: unknown, fn: () => Promise<T>): Promise<T> {
  Object.defineProperty(Object.prototype, name, {
    value,
    configurable: true,
    writable: true,
    enumerable: false,
  });
  try {
    return await fn();
  } finally {
    delete (Object.prototype as Record<string, unknown>)[name];
  }
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ReceiptError ? e.code : `threw ${String(e)}`),
  );

describe('verifyReceipt reads only the options the caller passed', () => {
  const options = (now: number) => ({
    jwks: keys.jwks,
    issuer: ISS,
    audience: AUD,
    subject: SUB,
    action: ACTION,
    now: new Date(now * 1000),
  });

  it('refuses an expired receipt (holds without pollution)', async () => {
    expect(await codeOf(verifyReceipt(await receipt(), options(NOW + 3600)))).toBe('expired');
  });

  // HOLE (low): an inherited clockTolerance is taken as the caller's. Found: 'ok' for a receipt an hour expired.
  it('an inherited clockTolerance does not revive an expired receipt', async () => {
    const token = await receipt();
    expect(
      await polluted('clockTolerance', 10 ** 9, () =>
        codeOf(verifyReceipt(token, options(NOW + 3600))),
      ),
    ).toBe('expired');
  });

  // HOLE (low): an inherited allowOffline accepts an offline receipt the backend never opted into.
  it('an inherited allowOffline does not accept an offline receipt', async () => {
    const token = await receipt({ offline: true, signed_at: NOW }); // an offline receipt carries the device's signed_at
    expect(
      await polluted('allowOffline', true, () => codeOf(verifyReceipt(token, options(NOW + 10)))),
    ).toBe('offline_not_allowed');
  });

  // HOLE (low): an inherited `action: false` turns a missing action (a caller bug, invalid_options) into "compare none".
  it('an inherited action: false does not stand in for a missing action', async () => {
    const token = await receipt();
    const { action: _a, ...noAction } = options(NOW + 10);
    expect(
      await polluted('action', false, () => codeOf(verifyReceipt(token, noAction as never))),
    ).toBe('invalid_options');
  });
});
