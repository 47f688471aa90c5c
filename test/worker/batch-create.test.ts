/** POST /v1/actions with a batch (docs/batches.md): every rule, the built action, its display and GET's items. */
import { describe, expect, it } from 'vitest';
import { batchAction, hashAction, hashDisplay } from '../../packages/psea/src/receipt/index';
import { ActionDetails } from '../../worker/openapi/responses';
import { call, callApp, details, enroll, expectProblem, newUserId, vaultRows } from './harness';

const pay = (i: number, amount = `${1000 + i}.25`, currency = 'EUR') => ({
  type: 'wire.transfer',
  amount,
  currency,
  to: `DE89-${i % 7}`,
});
const items = (n: number) => Array.from({ length: n }, (_, i) => pay(i));

async function enrolledUser(): Promise<string> {
  const userId = newUserId('batch');
  await enroll(userId);
  return userId;
}

const create = (userId: string, batch: unknown, extra: Record<string, unknown> = {}) =>
  call('POST', '/v1/actions', { user: { id: userId }, batch, audience: 'payments-api', ...extra });

describe('a batch ticket', () => {
  it('signs the built action; GET shows it, its display and every item', async () => {
    const userId = await enrolledUser();
    const list = [
      ...items(24),
      { type: 'wire.transfer', amount: '0.5', currency: 'CHF', to: 'CH93' },
    ];
    const created = await create(userId, { type: 'payroll.run', items: list });
    expect(created.status).toBe(201);
    const built = batchAction('payroll.run', list);
    expect(created.body.actionHash).toBe(await hashAction(built));
    const d = await details(created.body.ticket);
    expect(d.status).toBe(200);
    expect(d.body.action).toEqual(built);
    expect(d.body.items).toEqual(list);
    expect(d.body.display).toEqual({
      title: 'Approve 25 payments',
      fields: [
        { label: 'Total CHF', value: '0.5' },
        { label: 'Total EUR', value: '24282.00' },
        { label: 'Items', value: '25' },
        { label: 'Payees', value: '8' },
      ],
    });
    expect(created.body.dsp).toBe(await hashDisplay(d.body.display));
    expect(d.body.statement.act).toBe(created.body.actionHash);
    // The answer is what /openapi.json says it is.
    expect(ActionDetails.safeParse(d.body).success).toBe(true);
  });

  it('titles "items" unless every item has an amount, and "1 payment"', async () => {
    const userId = await enrolledUser();
    const one = await details((await create(userId, { type: 'p', items: [pay(0)] })).body.ticket);
    expect(one.body.display.title).toBe('Approve 1 payment');
    const mixed = await details(
      (await create(userId, { type: 'p', items: [pay(0), { type: 'note', to: 'x' }] })).body.ticket,
    );
    expect(mixed.body.display.title).toBe('Approve 2 items');
    const none = await details(
      (await create(userId, { type: 'p', items: [{ type: 'perm.grant' }] })).body.ticket,
    );
    expect(none.body.display).toEqual({
      title: 'Approve 1 item',
      fields: [
        { label: 'Items', value: '1' },
        { label: 'Payees', value: '0' },
      ],
    });
    expect(none.body.action.batch.totals).toEqual({});
  });

  it('stores the items apart from the ticket row, in chunks under the value cap', async () => {
    const userId = await enrolledUser();
    const big = Array.from({ length: 3000 }, (_, i) => ({ ...pay(i), memo: 'x'.repeat(1000) }));
    const created = await create(userId, { type: 'payroll.run', items: big });
    expect(created.status).toBe(201);
    const rows = await vaultRows<{ n: number; longest: number }>(
      userId,
      'SELECT count(*) AS n, max(length(items)) AS longest FROM batch_items',
    );
    expect(rows[0]!.n).toBeGreaterThan(1);
    expect(rows[0]!.longest).toBeLessThan(1_000_000);
    const ticketRow = await vaultRows<{ size: number }>(
      userId,
      "SELECT length(data) AS size FROM tickets WHERE kind = 'action'",
    );
    expect(ticketRow[0]!.size).toBeLessThan(4096);
    expect((await details(created.body.ticket)).body.items).toEqual(big);
  });

  it('takes 10,000 items in a body over 64 KiB', async () => {
    const userId = await enrolledUser();
    const created = await create(userId, { type: 'payroll.run', items: items(10_000) });
    expect(created.status).toBe(201);
    const d = await details(created.body.ticket);
    expect(d.body.items).toHaveLength(10_000);
    expect(d.body.action.batch.count).toBe(10_000);
  });
});

describe('a batch refused', () => {
  const u = 'u-refused';
  it.each([
    ['no items', { type: 'p', items: [] }, /^batch\.items/],
    [
      '10,001 items',
      { type: 'p', items: Array.from({ length: 10_001 }, () => ({ type: 't' })) },
      /^batch\.items/,
    ],
    ['items not an array', { type: 'p', items: {} }, /^batch\.items/],
    [
      'a psea. batch type',
      { type: 'psea.credential.add', items: [pay(0)] },
      /^batch\.type: .*service's own/,
    ],
    ['a batch type that is not a string', { type: 5, items: [pay(0)] }, /^batch\.type/],
    ['an unknown batch member', { type: 'p', items: [pay(0)], display: {} }, /^batch/],
    [
      'a psea. item type',
      { type: 'p', items: [pay(0), { type: 'psea.x' }] },
      /^batch\.items\.1\.type: .*service's own/,
    ],
    [
      'an item without type',
      { type: 'p', items: [pay(0), pay(1), { amount: '1', currency: 'EUR' }] },
      /^batch\.items\.2\.type/,
    ],
    [
      'an item that is an array',
      { type: 'p', items: [[]] },
      /^batch\.items\.0: must be a JSON object/,
    ],
    [
      'a number that is not a safe integer',
      { type: 'p', items: [{ type: 't', n: 0.5 }] },
      /^batch\.items\.0\.n: .*safe integers/,
    ],
    [
      'a bad amount',
      { type: 'p', items: [pay(0), pay(1, '1,000.00')] },
      /^batch\.items\.1\.amount/,
    ],
    ['a bad currency', { type: 'p', items: [pay(0, '1', 'eur')] }, /^batch\.items\.0\.currency/],
    [
      'an amount with no currency',
      { type: 'p', items: [{ type: 't', amount: '1' }] },
      /^batch\.items\.0\.currency/,
    ],
    [
      'a to that is not a string',
      { type: 'p', items: [{ type: 't', to: 42 }] },
      /^batch\.items\.0\.to/,
    ],
    [
      'an item over 4 KiB',
      { type: 'p', items: [pay(0), { type: 't', memo: 'é'.repeat(2040) }] },
      /^batch\.items\.1: canonical form over 4 KiB/,
    ],
  ])('%s: 400 naming it', async (_, batch, detail) => {
    const r = await create(u, batch);
    expectProblem(r, 400, 'invalid_request');
    expect(r.body.detail).toMatch(detail);
  });

  it('an item of exactly 4 KiB in JCS form is taken, one byte more is not; types up to 128 characters', async () => {
    const userId = await enrolledUser();
    const sized = (bytes: number) => {
      const base = { type: 't', memo: '' };
      return {
        ...base,
        memo:
          'é'.repeat(Math.floor((bytes - JSON.stringify(base).length) / 2)) +
          'x'.repeat((bytes - JSON.stringify(base).length) % 2),
      };
    };
    expect(new TextEncoder().encode(JSON.stringify(sized(4096))).length).toBe(4096);
    expect((await create(userId, { type: 'p', items: [sized(4096)] })).status).toBe(201);
    const over = await create(userId, { type: 'p', items: [sized(4097)] });
    expectProblem(over, 400, 'invalid_request');
    expect(over.body.detail).toMatch(/^batch\.items\.0: canonical form over 4 KiB/);
    expect(
      (await create(userId, { type: 'p'.repeat(128), items: [{ type: 't'.repeat(128) }] })).status,
    ).toBe(201);
    expect(
      (await create(userId, { type: 'p'.repeat(129), items: [{ type: 't' }] })).body.detail,
    ).toMatch(/^batch\.type/);
    expect(
      (await create(userId, { type: 'p', items: [{ type: 't'.repeat(129) }] })).body.detail,
    ).toMatch(/^batch\.items\.0\.type/);
  });

  it('a lone surrogate in an item: 400 naming the item', async () => {
    const raw = `{"user":{"id":"${u}"},"batch":{"type":"p","items":[{"type":"t"},{"type":"t","s":"\\ud800"}]}}`;
    const r = await call('POST', '/v1/actions', undefined, { raw });
    expectProblem(r, 400, 'invalid_request');
    expect(r.body.detail).toMatch(/^batch\.items\.1\.s: must be well-formed/);
  });

  it('-0 in an item: 400', async () => {
    const raw = `{"user":{"id":"${u}"},"batch":{"type":"p","items":[{"type":"t","n":-0}]}}`;
    const r = await call('POST', '/v1/actions', undefined, { raw });
    expect(r.body.detail).toMatch(/^batch\.items\.0\.n: .*not -0/);
  });

  it('display with a batch, or both action and batch, or neither: 400', async () => {
    const d = await create(
      u,
      { type: 'p', items: [pay(0)] },
      { display: { title: 'Pay', fields: [] } },
    );
    expectProblem(d, 400, 'invalid_request');
    expect(d.body.detail).toMatch(/^display: /);
    const both = await create(u, { type: 'p', items: [pay(0)] }, { action: pay(0) });
    expect(both.body.detail).toMatch(/^action: exactly one of action and batch/);
    const neither = await call('POST', '/v1/actions', { user: { id: u } });
    expect(neither.body.detail).toMatch(/^action: exactly one of action and batch/);
  });

  it('an action with a top-level batch member: 400, on every route that takes an action', async () => {
    const forged = { type: 'payroll.run', batch: { count: 1, totals: {}, payees: 0, root: 'x' } };
    const r = await call('POST', '/v1/actions', { user: { id: u }, action: forged });
    expectProblem(r, 400, 'invalid_request');
    expect(r.body.detail).toMatch(/^action\.batch: /);
    const offline = await call(
      'POST',
      '/v1/offline-proofs',
      { action: forged, statement: {}, assertion: {} },
      { auth: false },
    );
    expectProblem(offline, 400, 'invalid_request');
    expect(offline.body.detail).toMatch(/^action\.batch: /);
  });

  it('a body over 64 KiB without a batch: 413; a batch body over 4 MiB: 413', async () => {
    const fat = await call('POST', '/v1/actions', {
      user: { id: u },
      action: { type: 't', pad: 'x'.repeat(70_000) },
    });
    expectProblem(fat, 413, 'payload_too_large');
    const notJson = await call('POST', '/v1/actions', undefined, { raw: '{'.repeat(70_000) });
    expectProblem(notJson, 413, 'payload_too_large');
    const huge = Array.from({ length: 1100 }, (_, i) => ({ type: 't', i, memo: 'x'.repeat(3900) }));
    expectProblem(await create(u, { type: 'p', items: huge }), 413, 'payload_too_large');
    // Other routes keep 64 KiB.
    const redeem = await call('POST', '/v1/receipts/redeem', {
      receipt: 'a.b.c',
      audience: 'x',
      batch: 'x'.repeat(70_000),
    });
    expectProblem(redeem, 413, 'payload_too_large');
  });
});

describe('the batch rule', () => {
  const policy = JSON.stringify({
    rules: [
      {
        id: 'large',
        match: { type: 'wire.transfer', gt: { amount: 10000 } },
        require: { deviceBound: true },
      },
      {
        id: 'hosted',
        match: { type: 'payroll.run' },
        origins: ['http://localhost:8787'],
        require: {},
      },
      { id: 'clean', match: { type: 'note' }, refuseFormatChars: true, require: {} },
      { id: 'default', require: {} },
    ],
  });

  it('is every rule chosen for the built action and each item', async () => {
    const userId = await enrolledUser();
    const r = await callApp({ POLICY: policy }, 'POST', '/v1/actions', {
      user: { id: userId },
      batch: { type: 'payroll.run', items: [pay(0, '20000'), pay(1, '5')] },
    });
    expect(r.status).toBe(201);
    const rows = await vaultRows<{ data: string }>(
      userId,
      "SELECT data FROM tickets WHERE kind = 'action'",
    );
    const rule = JSON.parse(rows[0]!.data).rule;
    expect(rule).toEqual({
      id: 'hosted+large+default',
      require: { deviceBound: true },
      origins: ['http://localhost:8787'],
    });
  });

  it('refuses format characters in any item when any chosen rule says so', async () => {
    const r = await callApp({ POLICY: policy }, 'POST', '/v1/actions', {
      user: { id: 'u-x' },
      batch: {
        type: 'p',
        items: [
          pay(0),
          { type: 'wire.transfer', amount: '1', currency: 'EUR', to: 'DE\u202E89' },
          { type: 'note' },
        ],
      },
    });
    expectProblem(r, 400, 'invalid_request');
    expect(r.body.detail).toMatch(/^batch\.items\.1\.to: holds U\+202E/);
  });
});
