/**
 * The batch part of the widget, `/pages/batch.js` (docs/batches.md "What the
 * person sees"): loaded on demand the first time an element shows a batch,
 * so widget.js stays within its size budget. It recomputes, from the very
 * items it draws, the count, totals, payees and root, the built action and
 * its hash, the display and its hash, and the challenge, and compares each
 * with what the service sent: any difference, and the element refuses with
 * `batch_mismatch` before any ceremony.
 */
import { canonicalJson } from '../../packages/psea/src/internal/canonical-json';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';
import { batchLeaves, summarize } from '../../packages/psea/src/receipt/batch';
import { batchDisplay } from '../../packages/psea/src/receipt/batch-display';
import { itemList } from './list';

/** What `GET /v1/actions/:ticket` answers for a batch, as far as it is checked here. */
export interface BatchAnswer {
  action: Record<string, unknown> & { type: string };
  display?: unknown;
  actionHash: string;
  statement: { act: string; dsp?: string };
  options: { challenge: string };
  items?: unknown;
}

/** The list to draw, or why the answer does not hold together. */
export type Prepared = { list: HTMLElement } | { mismatch: string };

const isItem = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export async function prepare(data: BatchAnswer): Promise<Prepared> {
  const items = data.items;
  if (!Array.isArray(items) || items.length === 0 || !items.every(isItem))
    return { mismatch: 'no items' };
  let same: boolean;
  let list: HTMLElement;
  try {
    // The leaves hash off the main thread (WebCrypto) while the list is drawn; it is shown only if all holds.
    const leaves = batchLeaves(items);
    list = itemList(items);
    const summary = summarize(items, await leaves);
    if ('problem' in summary) return { mismatch: summary.problem };
    const action = canonicalJson({ type: data.action.type, batch: summary });
    const display = canonicalJson(batchDisplay(items, summary));
    const [act, dsp, challenge] = await Promise.all([
      sha256B64url(action),
      sha256B64url(display),
      sha256B64url(canonicalJson(data.statement)),
    ]);
    same =
      canonicalJson(data.action) === action &&
      canonicalJson(data.display) === display &&
      data.actionHash === act &&
      data.statement.act === act &&
      data.statement.dsp === dsp &&
      data.options.challenge === challenge;
  } catch {
    return { mismatch: 'not JSON' };
  }
  return same ? { list } : { mismatch: 'recomputed batch differs' };
}
