/** verifyReceipt's `batch` and `item` options, and every way a changed item fails (docs/batches.md). */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  batchAction,
  batchProof,
  hashAction,
  ReceiptError,
  verifyReceipt,
  type ReceiptClaims,
  type SigningKeySet,
  type VerifyReceiptOptions,
} from '../../packages/psea/src/receipt/index.ts';
import { loadSigningKeys } from '../../worker/receipts/signing-keys.ts';
import { signReceipt } from '../../worker/receipts/sign-receipt.ts';
import { leafOf, mth, path } from './independent-merkle.ts';
import { randomId } from '../../worker/lib/random-id.ts';

const ISS = 'https://approve.example.com';
const AUD = 'payments-api';
const SUB = 'u-123';
const NOW = 1_800_000_000;
const ITEMS = Array.from({ length: 25 }, (_, i) => ({
  type: 'wire.transfer',
  amount: `${100 + i}.50`,
  currency: 'EUR',
  to: `DE89-${i}`,
}));
const SINGLE = { type: 'wire.transfer', amount: '1.00', currency: 'EUR', to: 'DE89' };

let keys: SigningKeySet;
let batchToken: string;
let singleToken: string;

async function token(
  act: string,
  act_type: string,
  extra: Partial<ReceiptClaims> = {},
): Promise<string> {
  const claims: ReceiptClaims = {
    iss: ISS,
    sub: SUB,
    aud: AUD,
    iat: NOW,
    exp: NOW + 300,
    jti: randomId(),
    act,
    act_type,
    nonce: randomId(),
    uv: true,
    cred: {
      id: 'c',
      aaguid: '00000000-0000-0000-0000-000000000000',
      device_bound: true,
      backed_up: false,
    },
    ...extra,
  };
  return signReceipt(claims, keys.signer);
}

beforeAll(async () => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'jwk',
  });
  keys = await loadSigningKeys(JSON.stringify({ keys: [jwk] }));
  const built = batchAction('payroll.run', ITEMS);
  batchToken = await token(await hashAction(built), built.type, { batch: built.batch });
  singleToken = await token(await hashAction(SINGLE), SINGLE.type);
});

const opts = (extra: Record<string, unknown>): VerifyReceiptOptions =>
  ({
    jwks: keys.jwks,
    issuer: ISS,
    audience: AUD,
    subject: SUB,
    now: NOW * 1000 + 1000,
    ...extra,
  }) as VerifyReceiptOptions;

async function code(t: string, extra: Record<string, unknown>): Promise<string> {
  try {
    await verifyReceipt(t, opts(extra));
    return 'ok';
  } catch (e) {
    if (e instanceof ReceiptError) return e.code;
    throw e;
  }
}

const item = (index: number, value: unknown = ITEMS[index], proof = batchProof(ITEMS, index)) => ({
  item: { value, index, proof },
});

describe('a batch receipt', () => {
  it('verifies with every item, and carries the batch claim', async () => {
    const { claims } = await verifyReceipt(batchToken, opts({ batch: ITEMS }));
    expect(claims.act_type).toBe('payroll.run');
    expect(claims.batch).toEqual(batchAction('payroll.run', ITEMS).batch);
    expect(claims.batch?.totals).toEqual({ EUR: '2812.50' });
  });

  it('verifies one item with batchProof, at every index', async () => {
    for (let i = 0; i < ITEMS.length; i++) expect(await code(batchToken, item(i))).toBe('ok');
  });

  it('verifies one item with a proof made by an independent RFC 9162 implementation', async () => {
    const leaves = ITEMS.map(leafOf);
    expect(Buffer.from(mth(leaves)).toString('base64url')).toBe(
      batchAction('payroll.run', ITEMS).batch.root,
    );
    for (const i of [0, 7, 16, 24]) {
      const proof = path(i, leaves).map((b) => b.toString('base64'));
      expect(await code(batchToken, item(i, ITEMS[i], proof))).toBe('ok');
    }
  });

  it('verifies one item in another key order (JCS)', async () => {
    const { to, amount, currency, type } = ITEMS[3]!;
    expect(await code(batchToken, item(3, { to, currency, amount, type }))).toBe('ok');
  });

  it.each([
    [
      'a changed amount',
      () => ({ batch: ITEMS.map((x, i) => (i === 7 ? { ...x, amount: '107.51' } : x)) }),
    ],
    [
      'a changed payee',
      () => ({ batch: ITEMS.map((x, i) => (i === 7 ? { ...x, to: 'GB00-thief' } : x)) }),
    ],
    ['an added member', () => ({ batch: ITEMS.map((x, i) => (i === 7 ? { ...x, memo: '' } : x)) })],
    ['two items swapped', () => ({ batch: [ITEMS[1], ITEMS[0], ...ITEMS.slice(2)] })],
    ['an item left out', () => ({ batch: ITEMS.slice(1) })],
    ['an item added', () => ({ batch: [...ITEMS, ITEMS[0]] })],
    [
      'an item broken (no currency)',
      () => ({ batch: ITEMS.map((x, i) => (i === 2 ? { type: x.type, amount: x.amount } : x)) }),
    ],
    ['an item changed, with its proof', () => item(7, { ...ITEMS[7], amount: '999.00' })],
    ['an item at another index', () => item(8, ITEMS[7], batchProof(ITEMS, 7))],
    ["another item's proof", () => item(7, ITEMS[7], batchProof(ITEMS, 8))],
    ['a proof cut short', () => item(7, ITEMS[7], batchProof(ITEMS, 7).slice(1))],
    [
      'a proof one hash longer',
      () => item(7, ITEMS[7], [...batchProof(ITEMS, 7), batchProof(ITEMS, 7)[0]!]),
    ],
    ['a proof that is not base64', () => item(7, ITEMS[7], ['not a hash'])],
    ['an index past count', () => item(25, ITEMS[7], batchProof(ITEMS, 7))],
    [
      'an item of another batch',
      () =>
        item(
          0,
          { ...ITEMS[0], to: 'X' },
          batchProof([{ ...ITEMS[0], to: 'X' }, ...ITEMS.slice(1)], 0),
        ),
    ],
    ['the batch action itself', () => ({ action: batchAction('payroll.run', ITEMS) })],
    ['its actionHash', () => ({ actionHash: 'x' })],
  ])('fails with %s: action_mismatch', async (_, extra) => {
    const given = extra();
    if ('actionHash' in given)
      given.actionHash = await hashAction(batchAction('payroll.run', ITEMS));
    expect(await code(batchToken, given)).toBe('action_mismatch');
  });

  it('fails when its batch claim is not what act hashes', async () => {
    const built = batchAction('payroll.run', ITEMS);
    const forged = await token(await hashAction(built), built.type, {
      batch: { ...built.batch, count: 24 },
    });
    expect(await code(forged, { batch: ITEMS.slice(0, 24) })).toBe('action_mismatch');
    expect(await code(forged, item(0))).toBe('action_mismatch');
  });

  it('refuses a malformed batch claim', async () => {
    const built = batchAction('payroll.run', ITEMS);
    const bad = await token(await hashAction(built), built.type, {
      batch: { ...built.batch, root: 'short' },
    });
    expect(await code(bad, { batch: ITEMS })).toBe('claim_invalid');
  });
});

describe('a single receipt', () => {
  it('given batch or item: action_mismatch', async () => {
    expect(await code(singleToken, { batch: [SINGLE] })).toBe('action_mismatch');
    expect(await code(singleToken, { item: { value: SINGLE, index: 0, proof: [] } })).toBe(
      'action_mismatch',
    );
    expect(await code(singleToken, { action: SINGLE })).toBe('ok');
  });
});

describe('options', () => {
  it.each([
    [{ batch: ITEMS, action: SINGLE }],
    [{ item: { value: ITEMS[0], index: 0, proof: [] }, actionHash: 'x' }],
    [{ batch: ITEMS, item: { value: ITEMS[0], index: 0, proof: [] } }],
    [{ batch: [] }],
    [{ batch: 'items' }],
    [{ item: null }],
    [{ item: { value: ITEMS[0], index: -1, proof: [] } }],
    [{ item: { value: ITEMS[0], index: 0.5, proof: [] } }],
    [{ item: { value: 'x', index: 0, proof: [] } }],
    [{ item: { value: ITEMS[0], index: 0, proof: [1] } }],
    [{ item: { value: ITEMS[0], index: 0 } }],
  ])('refuses %j before the token: invalid_options', async (extra) => {
    expect(await code('not.a.token', extra)).toBe('invalid_options');
  });
});
