/**
 * verifyReceipt's `batch` and `item` options (docs/batches.md "Verifying"):
 * a batch receipt is checked against the items a backend executes, never
 * against its summary. `batch: items` rebuilds the whole signed action;
 * `item: { value, index, proof }` leads one item's leaf to `batch.root`.
 */
import { decodeB64url } from '../internal/base64url.ts';
import { canonicalJson } from '../internal/canonical-json.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';
import { decodeHashes } from '../log/hash-wire.ts';
import { rootFromInclusionProof } from '../log/verify-proofs.ts';
import { batchActionJson, batchLeaf, summarize, type BatchSummary } from './batch.ts';
import { MAX_BATCH_ITEMS } from './batch-items.ts';
import { ReceiptError } from './errors.ts';
import { badOptions as bad } from './token-options.ts';
import type { ReceiptClaims } from './types.ts';

/** One item and where it sits, as given. */
export interface BatchItemOption {
  /** The item exactly as sent in `batch.items`. */
  value: unknown;
  /** Its 0-based index in the batch. */
  index: number;
  /** `batchProof(items, index)`: standard base64 hashes. */
  proof: readonly string[];
}

/** What a batch receipt is compared with. */
export type BatchCheck = { items: readonly unknown[] } | { item: BatchItemOption };

const mismatch = (why: string) => new ReceiptError('action_mismatch', why);

/** The `batch` or `item` option, checked for shape before the token is looked at. */
export function batchCheckOf(options: { batch?: unknown; item?: unknown }): BatchCheck {
  if ('batch' in options) {
    const items = options.batch;
    if (!Array.isArray(items) || items.length < 1 || items.length > MAX_BATCH_ITEMS) {
      throw bad(
        `batch must be the array of 1 to ${MAX_BATCH_ITEMS} items sent to POST /v1/actions`,
      );
    }
    return { items: [...items] };
  }
  const item = options.item as Partial<BatchItemOption> | null;
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw bad('item must be { value, index, proof }');
  const { value, index, proof } = item;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('item.value must be the item object');
  if (!Number.isSafeInteger(index) || (index as number) < 0)
    throw bad('item.index must be a whole number (0-based)');
  if (!Array.isArray(proof) || proof.some((p) => typeof p !== 'string'))
    throw bad('item.proof must be an array of base64 hashes');
  canonicalJson(value); // an item with no JSON form fails here, before any crypto
  return { item: { value, index: index as number, proof: [...proof] } };
}

/** Constant-time-ish equality of two byte strings. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Check a verified receipt against the batch or item given: its `batch`
 * claim is required, `act` must be the hash of `{ type: act_type, batch }`,
 * and the items must rebuild that `batch` (or the item lead to its root).
 * @throws {ReceiptError} `action_mismatch`, saying why.
 */
export async function checkBatch(claims: ReceiptClaims, check: BatchCheck): Promise<void> {
  const batch = claims.batch;
  if (batch === undefined)
    throw mismatch('receipt is for a single action, not a batch; pass action or actionHash');
  if ((await sha256B64url(batchActionJson(claims.act_type, batch))) !== claims.act)
    throw mismatch('receipt act is not the hash of its batch');
  if ('items' in check) {
    const summary = summarize(check.items);
    if ('problem' in summary)
      throw mismatch(`the given batch cannot be the one approved (${summary.problem})`);
    if (!sameSummary(summary, batch))
      throw mismatch('the given items do not rebuild the receipt batch');
    return;
  }
  const { value, index, proof } = check.item;
  if (index >= batch.count) throw mismatch(`item ${index} is not in a batch of ${batch.count}`);
  let root: Uint8Array;
  try {
    root = await rootFromInclusionProof(batchLeaf(value), index, batch.count, decodeHashes(proof));
  } catch {
    throw mismatch('item.proof is not an inclusion proof of this item');
  }
  if (!sameBytes(root, decodeB64url(batch.root)))
    throw mismatch(`item ${index} with this proof does not lead to the receipt batch root`);
}

function sameSummary(a: BatchSummary, b: BatchSummary): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
