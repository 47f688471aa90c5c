/**
 * `POST /v1/actions` with `batch` (docs/batches.md): every item checked and
 * named by its index, then the action the service builds and has signed
 * (`{ type, batch: { count, totals, payees, root } }`), its display, and the
 * rule the ticket needs (chosen for the built action and every item).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ProblemError } from '../errors';
import { canonicalJson } from '../../packages/psea/src/internal/canonical-json';
import { hashLeaf } from '../../packages/psea/src/log/merkle-hash';
import { combineRules } from '../policy/combine-rules';
import { findHidingChar } from '../policy/refuse-hiding-chars';
import { selectRule } from '../policy/select-rule';
import type { AppliedRule, Policy } from '../policy/types';
import { summarize, type BatchAction } from '../../packages/psea/src/receipt/batch';
import { itemProblem, MAX_ITEM_BYTES } from '../../packages/psea/src/receipt/batch-items';
import type { Display } from '../vault/types';
import { batchDisplay } from '../../packages/psea/src/receipt/batch-display';

export interface PreparedBatch {
  action: BatchAction;
  display: Display;
  rule: AppliedRule;
  /** Each item's JCS form, in order: what is stored, served and hashed. */
  items: string[];
}

const utf8 = new TextEncoder();
/** Check every item and build what the ticket holds. @throws ProblemError `invalid_request` naming the item. */
export function prepareBatch(
  policy: Policy,
  batch: { type: string; items: unknown[] },
): PreparedBatch {
  const { items } = batch;
  const jcs: string[] = new Array(items.length);
  const leaves: Uint8Array[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const problem = itemProblem(items[i], i);
    if (problem) throw new ProblemError('invalid_request', `batch.${problem}`);
    let text: string;
    try {
      text = canonicalJson(items[i]);
    } catch {
      throw new ProblemError(
        'invalid_request',
        `batch.items.${i}: not representable as canonical JSON`,
      );
    }
    const bytes = utf8.encode(text);
    if (bytes.length > MAX_ITEM_BYTES)
      throw new ProblemError('invalid_request', `batch.items.${i}: canonical form over 4 KiB`);
    jcs[i] = text;
    leaves[i] = hashLeaf(sha256, bytes);
  }
  const summary = summarize(items, leaves);
  // Every item met the rules above, so the summary has no problem to report.
  if ('problem' in summary) throw new ProblemError('invalid_request', `batch.${summary.problem}`);
  const action: BatchAction = { type: batch.type, batch: summary };
  const rule = combineRules([
    selectRule(policy, action as never),
    ...items.map((item) => selectRule(policy, item as never)),
  ]);
  if (rule.refuseFormatChars) {
    for (let i = 0; i < items.length; i++) {
      const found = findHidingChar(items[i], `batch.items.${i}`);
      if (found)
        throw new ProblemError(
          'invalid_request',
          `${found}, a character that hides or reorders text; the policy rule "${rule.id}" refuses them`,
        );
    }
  }
  return { action, display: batchDisplay(items, summary), rule, items: jcs };
}
