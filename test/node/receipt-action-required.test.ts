/**
 * verifyReceipt refuses to compare nothing by accident (docs/backend.md): options without
 * `action`, `actionHash` or `action: false` fail with `invalid_options` at run time, as they fail
 * to compile (test/types/verify-receipt-options.ts). `batch` and `item` are typed ahead of their
 * checks: until those exist they are refused as unknown options, never silently ignored.
 */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  hashAction,
  verifyReceipt,
  type SigningKeySet,
} from '../../packages/psea/src/receipt/index.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { loadSigningKeys } from '../../worker/receipts/signing-keys.ts';
import { signReceipt } from '../../worker/receipts/sign-receipt.ts';

const ISS = 'https://approve.example.com';
const ACTION = { type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89…' };
const NOW = 1_800_000_000;

let keys: SigningKeySet;
let token: string;
beforeAll(async () => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  keys = await loadSigningKeys(JSON.stringify({ keys: [jwk] }));
  const claims = {
    iss: ISS,
    sub: 'u-123',
    aud: 'payments-api',
    iat: NOW,
    exp: NOW + 300,
    jti: randomId(),
    act: await hashAction(ACTION),
    act_type: ACTION.type,
    nonce: randomId(),
    uv: true,
    cred: {
      id: 'cred-1',
      aaguid: '00000000-0000-0000-0000-000000000000',
      device_bound: true,
      backed_up: false,
    },
  };
  token = await signReceipt(claims as never, keys.signer);
});

const base = () => ({
  jwks: keys.jwks,
  issuer: ISS,
  audience: 'payments-api',
  subject: 'u-123',
  now: new Date(NOW * 1000),
});

describe('verifyReceipt: what the action is compared with', () => {
  it('no action option at all: invalid_options, before any check of the token', async () => {
    await expect(verifyReceipt(token, base() as never)).rejects.toMatchObject({
      code: 'invalid_options',
      message: /exactly one of action/,
    });
  });

  it('batch and item check a batch receipt only: a single receipt given either is action_mismatch (docs/batches.md)', async () => {
    await expect(verifyReceipt(token, { ...base(), batch: [ACTION] })).rejects.toMatchObject({
      code: 'action_mismatch',
    });
    const item = { value: ACTION, index: 0, proof: [] };
    await expect(verifyReceipt(token, { ...base(), item })).rejects.toMatchObject({
      code: 'action_mismatch',
    });
    await expect(
      verifyReceipt(token, { ...base(), item, action: ACTION } as never),
    ).rejects.toMatchObject({ code: 'invalid_options' });
  });

  it('the action itself passes', async () => {
    await expect(verifyReceipt(token, { ...base(), action: ACTION })).resolves.toMatchObject({
      claims: { sub: 'u-123' },
    });
  });
});
