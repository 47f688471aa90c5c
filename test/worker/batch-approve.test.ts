/**
 * A batch approved and executed item by item (docs/batches.md): the receipt's
 * batch claim, verifyReceipt over the items, per-item redemption exactly once
 * under concurrency, and the evidence of a batch approval.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import {
  batchAction,
  batchProof,
  hashAction,
  ReceiptError,
  verifyReceipt,
} from '../../packages/psea/src/receipt/index';
import { verifyEvidence } from '../../packages/psea/src/evidence/index';
import { verifierKeyOf } from '../../packages/psea/src/log/index';
import {
  BASE,
  OTHER_ALLOWED_ORIGIN,
  ORIGIN,
  assertion,
  call,
  enroll,
  expectProblem,
  newUserId,
  requestAction,
  verify,
} from './harness';

const ITEMS = Array.from({ length: 25 }, (_, i) => ({
  type: 'wire.transfer',
  amount: `${(i + 1) * 10}.10`,
  currency: 'EUR',
  to: `DE89-supplier-${i}`,
}));

async function approvedBatch(items: unknown[] = ITEMS) {
  const userId = newUserId('batch-ok');
  const { auth } = await enroll(userId);
  // The checkpoint an RP keeps after the enrollment: what anchors the evidence's custody check.
  const known = (await call('GET', `/v1/users/${userId}/log`)).body.checkpoint as string;
  const created = await call('POST', '/v1/actions', {
    user: { id: userId },
    batch: { type: 'supplier.run', items },
    audience: 'payments-api',
  });
  expect(created.status).toBe(201);
  const ok = await verify(created.body.ticket, await assertion(created.body.ticket, auth));
  expect(ok.status).toBe(200);
  return {
    userId,
    known,
    ticket: created.body.ticket as string,
    actionHash: created.body.actionHash as string,
    receipt: ok.body.receipt as string,
  };
}

const jwks = async () =>
  (await call('GET', '/.well-known/jwks.json', undefined, { auth: false })).body;
const redeem = (receipt: string, item?: unknown) =>
  call('POST', '/v1/receipts/redeem', {
    receipt,
    audience: 'payments-api',
    ...(item === undefined ? {} : { item }),
  });

describe('a batch approval', () => {
  it('gets a receipt with the batch claim that verifies over the items, or one item', async () => {
    const a = await approvedBatch();
    const base = { jwks: await jwks(), issuer: BASE, audience: 'payments-api', subject: a.userId };
    const { claims } = await verifyReceipt(a.receipt, { ...base, batch: ITEMS });
    expect(claims.act_type).toBe('supplier.run');
    expect(claims.act).toBe(a.actionHash);
    expect(claims.batch).toEqual(batchAction('supplier.run', ITEMS).batch);
    expect(claims.batch!.totals).toEqual({ EUR: '3252.50' });
    expect(claims.pol).toBe('default');
    await verifyReceipt(a.receipt, {
      ...base,
      item: { value: ITEMS[12], index: 12, proof: batchProof(ITEMS, 12) },
    });
    const changed = ITEMS.map((x, i) => (i === 12 ? { ...x, to: 'GB-thief' } : x));
    await expect(verifyReceipt(a.receipt, { ...base, batch: changed })).rejects.toMatchObject({
      code: 'action_mismatch',
    });
    await expect(
      verifyReceipt(a.receipt, { ...base, actionHash: a.actionHash }),
    ).rejects.toBeInstanceOf(ReceiptError);
    expect(await hashAction(batchAction('supplier.run', ITEMS))).toBe(a.actionHash);
  });

  it('redeems each item once; an array all or nothing; other items unaffected', async () => {
    const a = await approvedBatch();
    expectProblem(await redeem(a.receipt), 400, 'invalid_request');
    expectProblem(await redeem(a.receipt, 25), 400, 'invalid_request');
    expectProblem(await redeem(a.receipt, []), 400, 'invalid_request');
    expectProblem(await redeem(a.receipt, [1, 1]), 400, 'invalid_request');
    expectProblem(await redeem(a.receipt, -1), 400, 'invalid_request');
    expectProblem(await redeem(a.receipt, '3'), 400, 'invalid_request');
    const first = await redeem(a.receipt, 3);
    expect(first.status).toBe(200);
    expect(first.body.claims.batch.count).toBe(25);
    expectProblem(await redeem(a.receipt, 3), 409, 'receipt_redeemed');
    // An array holding a spent item spends nothing.
    expectProblem(await redeem(a.receipt, [4, 5, 3]), 409, 'receipt_redeemed');
    expect((await redeem(a.receipt, [4, 5])).status).toBe(200);
    expect((await redeem(a.receipt, 0)).status).toBe(200);
    expect((await redeem(a.receipt, 24)).status).toBe(200);
    expectProblem(await redeem(a.receipt, [6, 24]), 409, 'receipt_redeemed');
    expect((await redeem(a.receipt, 6)).status).toBe(200);
  });

  it('one item redeemed concurrently: one 200', async () => {
    const a = await approvedBatch();
    const replies = await Promise.all(Array.from({ length: 20 }, () => redeem(a.receipt, 7)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of replies) if (r.status !== 200) expectProblem(r, 409, 'receipt_redeemed');
    // Overlapping arrays at once: every item is spent exactly once.
    const sets = [[8, 9], [9, 10], [10, 11], [11, 8], [12]];
    const many = await Promise.all(sets.map((s) => redeem(a.receipt, s)));
    const spent = sets.filter((_, i) => many[i]!.status === 200).flat();
    expect(new Set(spent).size).toBe(spent.length);
    expect(spent).toContain(12);
  });

  it('a single receipt given item: 400', async () => {
    const userId = newUserId('single');
    const { auth } = await enroll(userId);
    const t = await requestAction(userId);
    const ok = await verify(t.ticket, await assertion(t.ticket, auth));
    expectProblem(await redeem(ok.body.receipt, 0), 400, 'invalid_request');
    expect((await redeem(ok.body.receipt)).status).toBe(200);
  });

  it('an invalid receipt is 401 before the item is looked at', async () => {
    expectProblem(await redeem('a.b.c', 99_999), 401, 'receipt_invalid');
  });

  it('has evidence whose action is the built action, and every check passes', async () => {
    const a = await approvedBatch();
    const r = await call('GET', `/v1/actions/${a.ticket}/evidence?since=1`);
    expect(r.status).toBe(200);
    expect(r.body.action).toEqual(batchAction('supplier.run', ITEMS));
    const rp = { rpId: 'localhost', origins: [ORIGIN, OTHER_ALLOWED_ORIGIN] };
    const result = await verifyEvidence(r.body, {
      ...rp,
      logKey: await verifierKeyOf(env.LOG_SIGNING_KEY!),
      knownCheckpoint: a.known,
      jwks: await jwks(),
      subject: a.userId,
      action: r.body.action,
    });
    expect(result.checks.filter((c) => c.result !== 'pass')).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
