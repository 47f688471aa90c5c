/**
 * The display the service builds for a batch (docs/batches.md "What the
 * person sees"): "Approve N payments" when every item has an amount (else
 * "items"), then a total per currency in code-point order, the item count and
 * the payee count. The widget rebuilds it from the items it shows and
 * compares, so it lives beside the summary, free of service code.
 */
import type { BatchSummary } from './batch.ts';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function batchDisplay(
  items: readonly unknown[],
  batch: BatchSummary,
): { title: string; fields: { label: string; value: string }[] } {
  const payments = items.every((item) => Object.hasOwn(item as object, 'amount'));
  const title = `Approve ${plural(batch.count, payments ? 'payment' : 'item')}`;
  const totals = Object.keys(batch.totals)
    .sort()
    .map((cur) => ({ label: `Total ${cur}`, value: batch.totals[cur]! }));
  return {
    title,
    fields: [
      ...totals,
      { label: 'Items', value: String(batch.count) },
      { label: 'Payees', value: String(batch.payees) },
    ],
  };
}
