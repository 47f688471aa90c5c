/**
 * Batches (docs/batches.md): one approval for many items. The service signs a
 * built action, `{ type, batch: { count, totals, payees, root } }`, whose
 * `root` is the RFC 9162 Merkle tree head over the items in order, with the
 * log's own tree (worker/log/): leaf = SHA-256(0x00 ‖ UTF-8(JCS(item))).
 * A backend rebuilds it from the items it executes (`batchAction`), or proves
 * one item with `batchProof` and verifyReceipt's `item` option.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeB64url } from '../internal/base64url.ts';
import { canonicalJson } from '../internal/canonical-json.ts';
import { encodeHashes } from '../log/hash-wire.ts';
import { entryBytes, hashLeaf, leafPreimage } from '../log/merkle-hash.ts';
import { MemoryLogStore } from '../log/memory-store.ts';
import { MerkleTree } from '../log/merkle-tree.ts';
import { itemProblem, MAX_BATCH_ITEMS } from './batch-items.ts';
import { addAmount, formatSum, type DecimalSum } from './decimal-sum.ts';
import { ReceiptError } from './errors.ts';

/** The signed summary of a batch: the receipt's `batch` claim. */
export interface BatchSummary {
  count: number;
  /** Exact decimal sum per currency; `{}` when no item has an amount. */
  totals: Record<string, string>;
  /** Distinct `to` strings, compared by code units. */
  payees: number;
  /** base64url (no padding) RFC 9162 tree head over the items. */
  root: string;
}

/** The action a batch approval signs. */
export interface BatchAction {
  type: string;
  batch: BatchSummary;
}

function checkList(items: readonly unknown[]): void {
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_BATCH_ITEMS) {
    throw new ReceiptError(
      'invalid_options',
      `items must be an array of 1 to ${MAX_BATCH_ITEMS} items`,
    );
  }
}

/** One item's leaf hash, H(0x00 ‖ UTF-8(JCS(item))). @throws {ReceiptError} `invalid_json`. */
export function batchLeaf(item: unknown): Uint8Array {
  return hashLeaf(sha256, entryBytes(item));
}

/**
 * Every item's leaf hash, with WebCrypto, all at once: in a browser, many
 * times faster than the synchronous hash over thousands of items.
 * @throws {ReceiptError} `invalid_json`.
 */
export function batchLeaves(items: readonly unknown[]): Promise<Uint8Array[]> {
  const preimages = items.map((item) => leafPreimage(entryBytes(item)));
  return Promise.all(
    preimages.map(async (p) => new Uint8Array(await crypto.subtle.digest('SHA-256', p))),
  );
}

/** The tree over leaf hashes, in order. */
function treeOf(leaves: Iterable<Uint8Array>): MerkleTree {
  const tree = new MerkleTree(new MemoryLogStore(), sha256);
  for (const leaf of leaves) tree.append(leaf);
  return tree;
}

/**
 * The root over the items' leaves, base64url.
 * @example batchRoot([{ type: 'wire.transfer', amount: '1.00', currency: 'EUR', to: 'DE89…' }]) // 43 characters
 */
export function batchRoot(items: readonly unknown[]): string {
  checkList(items);
  return encodeB64url(treeOf(items.map(batchLeaf)).root());
}

/**
 * The RFC 9162 inclusion proof of item `index` (0-based): standard base64 hashes, leaf level first.
 * @example const proof = batchProof(items, 3); // verifyReceipt(t, { …, item: { value: items[3], index: 3, proof } })
 */
export function batchProof(items: readonly unknown[], index: number): string[] {
  checkList(items);
  if (!Number.isSafeInteger(index) || index < 0 || index >= items.length) {
    throw new ReceiptError('invalid_options', `index must be a whole number below ${items.length}`);
  }
  return encodeHashes(treeOf(items.map(batchLeaf)).inclusionProof(index));
}

/**
 * The summary of a batch from its items, or the first rule an item breaks.
 * `leaves`: the items' leaf hashes, when the caller has them already.
 */
export function summarize(
  items: readonly unknown[],
  leaves?: readonly Uint8Array[],
): BatchSummary | { problem: string } {
  const sums = new Map<string, DecimalSum>();
  const payees = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const problem = itemProblem(items[i], i);
    if (problem) return { problem };
    const item = items[i] as Record<string, unknown>;
    if (typeof item.amount === 'string')
      sums.set(item.currency as string, addAmount(sums.get(item.currency as string), item.amount));
    if (typeof item.to === 'string') payees.add(item.to);
  }
  const totals: Record<string, string> = {};
  // Code-point order (currencies are ASCII): the order the display lists them in.
  for (const currency of [...sums.keys()].sort()) totals[currency] = formatSum(sums.get(currency)!);
  const root = encodeB64url(treeOf(leaves ?? items.map(batchLeaf)).root());
  return { count: items.length, totals, payees: payees.size, root };
}

/**
 * The action the service builds, hashes and has signed for a batch of these
 * items: hash it with `hashAction` to compare with a receipt's `act`.
 * @throws {ReceiptError} `invalid_options` when an item breaks a batch rule, `invalid_json` when one has no JSON form.
 * @example
 * ```ts
 * const action = batchAction('payroll.run', items);
 * // { type: 'payroll.run', batch: { count: 2, totals: { EUR: '2500.00' }, payees: 2, root: '…' } }
 * ```
 */
export function batchAction(type: string, items: readonly unknown[]): BatchAction {
  checkList(items);
  if (typeof type !== 'string' || type === '')
    throw new ReceiptError('invalid_options', 'type must be a non-empty string');
  const summary = summarize(items);
  if ('problem' in summary) throw new ReceiptError('invalid_options', summary.problem);
  return { type, batch: summary };
}

/** The JCS of a batch action rebuilt from a receipt's claims: what `act` hashes. */
export function batchActionJson(type: string, batch: BatchSummary): string {
  return canonicalJson({ type, batch });
}
