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
  action?: object;
  display?: unknown;
  actionHash?: unknown;
  statement?: { act?: unknown; dsp?: unknown };
  options?: { challenge?: unknown };
  items?: unknown;
}

/** The part's own messages: widget.js does not carry them (its size budget). */
const BATCH_MESSAGES = {
  items: 'Every item your passkey signs:',
  batch_mismatch: 'These items do not match what would be signed. Nothing was signed.',
};

const isItem = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The answer holds together: its items rebuild its action, display and challenge. The list, drawn meanwhile, or undefined. */
async function check(data: BatchAnswer): Promise<HTMLElement | undefined> {
  const items = data.items;
  const action = data.action as { type?: unknown } | undefined;
  if (
    !Array.isArray(items) ||
    items.length === 0 ||
    !items.every(isItem) ||
    typeof action?.type !== 'string'
  )
    return undefined;
  try {
    // The leaves hash off the main thread (WebCrypto) while the list is drawn; it is shown only if all holds.
    const leaves = batchLeaves(items);
    const list = itemList(items);
    const summary = summarize(items, await leaves);
    if ('problem' in summary) return undefined;
    const built = canonicalJson({ type: action.type, batch: summary });
    const display = canonicalJson(batchDisplay(items, summary));
    const [act, dsp, challenge] = await Promise.all([
      sha256B64url(built),
      sha256B64url(display),
      sha256B64url(canonicalJson(data.statement)),
    ]);
    const same =
      canonicalJson(action) === built &&
      canonicalJson(data.display) === display &&
      data.actionHash === act &&
      data.statement?.act === act &&
      data.statement?.dsp === dsp &&
      data.options?.challenge === challenge;
    return same ? list : undefined;
  } catch {
    return undefined;
  }
}

/** Hand over the widget's `Failure` class and its messages (which get this part's); returns what the element calls. */
export function init({
  Failure: F,
  messages,
}: {
  Failure: new (code: 'batch_mismatch', retry: boolean) => Error;
  messages: Record<string, string>;
}) {
  for (const [key, text] of Object.entries(BATCH_MESSAGES)) messages[key] ??= text;
  return {
    /** The answer with `list` (the hint and every item drawn), or a final `batch_mismatch`. */
    async prepare<T extends BatchAnswer>(data: T): Promise<T> {
      const list = await check(data);
      if (!list) throw new F('batch_mismatch', false);
      const hint = document.createElement('p');
      hint.className = 'hint';
      hint.textContent = messages.items!;
      const box = document.createElement('div');
      box.append(hint, list);
      return Object.assign(data, { list: box });
    },
  };
}

export type BatchPart = ReturnType<typeof init>;
