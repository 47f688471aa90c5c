/**
 * Single use through the caller's store, first-fail-last-add: a nonce
 * already seen fails before any signature is checked, and a nonce is added
 * only once every check has passed, so a failed proof never uses up its
 * grant (docs/api.md: "a failed proof does not use up its grant").
 *
 * Between the first look and the add there are awaits (the signature, an
 * async store), so two verifications of one proof could both pass the first
 * look. The last look and the add therefore run one at a time per store
 * object: of two concurrent proofs on one grant in this process, one is
 * accepted and the other gets `ticket_used`. Across processes sharing a
 * store, only the store can decide: its `add` must refuse a duplicate.
 */
import { OfflineProofError } from './errors.ts';
import type { SeenNonces } from './types.ts';

const used = () => new OfflineProofError('ticket_used', 'this grant was already used');

/** The tail of each store's queue of commits. Weak, so a dropped store is collected. */
const queues = new WeakMap<SeenNonces, Promise<unknown>>();

/** The first look: refuse a nonce already accepted. */
export async function refuseSeen(seen: SeenNonces, nonce: string): Promise<void> {
  if (await seen.has(nonce)) throw used();
}

/** The last look and the add, one at a time per store. */
export function commitNonce(seen: SeenNonces, nonce: string): Promise<void> {
  const previous = queues.get(seen) ?? Promise.resolve();
  const mine = previous.then(async () => {
    if (await seen.has(nonce)) throw used();
    await seen.add(nonce);
  });
  // The queue goes on whatever this commit's fate; the caller sees its own failure.
  queues.set(
    seen,
    mine.catch(() => undefined),
  );
  return mine;
}
