/** Batch totals, payees and item rules (docs/batches.md): exact decimals, never floating point. */
import { describe, expect, it } from 'vitest';
import { batchAction, ReceiptError } from '../../packages/psea/src/receipt/index.ts';
import { itemProblem } from '../../packages/psea/src/receipt/batch-items.ts';

const pay = (amount: string, currency = 'EUR', to = 'DE89') => ({
  type: 'wire.transfer',
  amount,
  currency,
  to,
});
const totals = (items: unknown[]) => batchAction('payroll.run', items).batch.totals;

describe('batch totals', () => {
  it('adds exactly where floating point would not', () => {
    expect(totals([pay('0.1'), pay('0.2')])).toEqual({ EUR: '0.3' });
    expect(totals([pay('1250.00'), pay('0.05')])).toEqual({ EUR: '1250.05' });
  });

  it('carries across many items', () => {
    const items = Array.from({ length: 10_000 }, () => pay('0.999999'));
    expect(totals(items)).toEqual({ EUR: '9999.990000' });
    expect(totals(Array.from({ length: 1000 }, () => pay('9.99')))).toEqual({ EUR: '9990.00' });
    expect(totals([pay('0.5'), pay('0.5')])).toEqual({ EUR: '1.0' });
  });

  it('keeps 6-digit fractions and 15-digit integers exactly, beyond 2^53', () => {
    const big = '999999999999999.999999';
    expect(totals([pay(big), pay(big), pay('0.000001')])).toEqual({
      EUR: '1999999999999999.999999',
    });
    expect(totals(Array.from({ length: 10_000 }, () => pay(big)))).toEqual({
      EUR: '9999999999999999999.990000',
    });
  });

  it('uses the longest fraction, no point when there is none, no leading zeros', () => {
    expect(totals([pay('1.5'), pay('2.25')])).toEqual({ EUR: '3.75' });
    expect(totals([pay('1.50'), pay('2.5')])).toEqual({ EUR: '4.00' });
    expect(totals([pay('007'), pay('3')])).toEqual({ EUR: '10' });
    expect(totals([pay('0.001'), pay('00.002')])).toEqual({ EUR: '0.003' });
    expect(totals([pay('0'), pay('0.000')])).toEqual({ EUR: '0.000' });
    expect(totals([pay('0')])).toEqual({ EUR: '0' });
  });

  it('sums each currency apart, in code-point order', () => {
    const t = totals([pay('1', 'USD'), pay('2.5', 'EUR'), pay('3', 'USD'), pay('0.25', 'CHF')]);
    expect(t).toEqual({ CHF: '0.25', EUR: '2.5', USD: '4' });
    expect(Object.keys(t)).toEqual(['CHF', 'EUR', 'USD']);
  });

  it('is {} when no item has an amount; counts items with and without', () => {
    const a = batchAction('perm.bulk', [
      { type: 'perm.grant', to: 'u1' },
      { type: 'perm.grant', to: 'u2' },
    ]);
    expect(a.batch.totals).toEqual({});
    expect(a.batch.count).toBe(2);
    const mixed = batchAction('mixed', [{ type: 'note' }, pay('5')]);
    expect(mixed.batch).toMatchObject({ count: 2, totals: { EUR: '5' }, payees: 1 });
  });

  it('counts payees by exact code units', () => {
    const items = [
      pay('1', 'EUR', 'é'),
      pay('1', 'EUR', 'e\u0301'),
      pay('1', 'EUR', 'é'),
      pay('1', 'EUR', 'E\u0301'),
      { type: 'x' },
    ];
    expect(batchAction('t', items).batch.payees).toBe(3);
    expect(batchAction('t', [pay('1', 'EUR', 'DE89 '), pay('1', 'EUR', 'DE89')]).batch.payees).toBe(
      2,
    );
  });
});

describe('item rules', () => {
  const bad = (item: unknown) => itemProblem(item, 7);
  it('accepts a plain item', () => expect(bad(pay('1.00'))).toBeUndefined());
  it.each([
    [[1], /^items\.7: must be a JSON object/],
    [null, /^items\.7: must be a JSON object/],
    [{ amount: '1' }, /^items\.7\.type/],
    [{ type: 5 }, /^items\.7\.type/],
    [{ type: '' }, /^items\.7\.type/],
    [{ type: 'psea.credential.add' }, /service's own/],
    [{ type: 't', n: 1.5 }, /^items\.7\.n: numbers must be safe integers/],
    [{ type: 't', n: 2 ** 53 }, /safe integers/],
    [{ type: 't', n: -0 }, /not -0/],
    [{ type: 't', deep: { s: 'a\ud800' } }, /^items\.7\.deep\.s: must be well-formed/],
    [{ type: 't', ['\udc00']: 1 }, /member name/],
    [{ type: 't', amount: 1, currency: 'EUR' }, /^items\.7\.amount/],
    [{ type: 't', amount: '1e3', currency: 'EUR' }, /^items\.7\.amount/],
    [{ type: 't', amount: '-1', currency: 'EUR' }, /^items\.7\.amount/],
    [{ type: 't', amount: ' 1', currency: 'EUR' }, /^items\.7\.amount/],
    [{ type: 't', amount: '1.', currency: 'EUR' }, /^items\.7\.amount/],
    [{ type: 't', amount: '.5', currency: 'EUR' }, /^items\.7\.amount/],
    [{ type: 't', amount: '1.0000001', currency: 'EUR' }, /^items\.7\.amount/],
    [{ type: 't', amount: '1234567890123456', currency: 'EUR' }, /^items\.7\.amount/],
    [{ type: 't', amount: '١', currency: 'EUR' }, /^items\.7\.amount/],
    [{ type: 't', amount: '1\n', currency: 'EUR' }, /^items\.7\.amount/],
    [{ type: 't', amount: '1' }, /^items\.7\.currency/],
    [{ type: 't', amount: '1', currency: 'eur' }, /^items\.7\.currency/],
    [{ type: 't', amount: '1', currency: 'EURO' }, /^items\.7\.currency/],
    [{ type: 't', amount: '1', currency: 'ÉUR' }, /^items\.7\.currency/],
    [{ type: 't', to: 5 }, /^items\.7\.to: must be a string/],
    [{ type: 't', to: null }, /^items\.7\.to/],
  ])('refuses %j', (item, why) => expect(bad(item)).toMatch(why));

  it('batchAction names the item that breaks a rule', () => {
    const err = (() => {
      try {
        batchAction('t', [pay('1'), pay('1', 'eur')]);
      } catch (e) {
        return e as ReceiptError;
      }
    })();
    expect(err).toBeInstanceOf(ReceiptError);
    expect(err?.code).toBe('invalid_options');
    expect(err?.message).toMatch(/^items\.1\.currency/);
  });
});
