/** psea/client for batches (docs/batches.md): the batch request and a redemption of items. */
import { describe, expect, it } from 'vitest';
import { PseaClient } from '../../packages/psea/src/client/index.ts';
import { fakeFetch, json } from '../support/fake-fetch';

const BASE = 'https://approve.example.com';

describe('psea/client batches', () => {
  it('sends a batch to POST /v1/actions, and item to redeem (not as a call option)', async () => {
    const { fetch, calls } = fakeFetch((req) => json({ ok: 1 }, req.method === 'POST' ? 201 : 200));
    const psea = new PseaClient({ baseUrl: BASE, apiKey: 'k'.repeat(40), fetch });
    const items = [{ type: 'wire.transfer', amount: '1.00', currency: 'EUR', to: 'DE89' }];
    await psea.requestBatchApproval({
      user: { id: 'u' },
      audience: 'payments-api',
      batch: { type: 'payroll.run', items },
    });
    await psea.redeem('jwt', 'payments-api', { item: 3 });
    await psea.redeem('jwt', 'payments-api', { item: [0, 1] });
    await psea.redeem('jwt', 'payments-api', {});
    expect(calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual([
      'POST /v1/actions',
      'POST /v1/receipts/redeem',
      'POST /v1/receipts/redeem',
      'POST /v1/receipts/redeem',
    ]);
    expect(JSON.parse(calls[0]!.body!)).toEqual({
      user: { id: 'u' },
      audience: 'payments-api',
      batch: { type: 'payroll.run', items },
    });
    expect(JSON.parse(calls[1]!.body!)).toEqual({
      receipt: 'jwt',
      audience: 'payments-api',
      item: 3,
    });
    expect(JSON.parse(calls[2]!.body!)).toEqual({
      receipt: 'jwt',
      audience: 'payments-api',
      item: [0, 1],
    });
    expect(JSON.parse(calls[3]!.body!)).toEqual({ receipt: 'jwt', audience: 'payments-api' });
  });
});
