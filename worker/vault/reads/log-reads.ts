/**
 * The log routes' reads (docs/evidence.md ("The log")): a page of entries, and the
 * consistency proof from an earlier size, each against the tree size read
 * with it; the caller signs that size's checkpoint. Ranges the log cannot
 * answer are 400 `invalid_request`, naming the parameter.
 */
import { ProblemError } from '../../errors';
import { MAX_ENTRIES_PER_READ } from '../../../packages/psea/src/log/transparency-log';
import type { VaultLog } from '../storage/vault-log';

/** Entries [start, end) (end exclusive, clamped to the size; default a full page). */
export function logPage(log: VaultLog, start: number, end: number | undefined) {
  const size = log.size();
  if (start > size) throw new ProblemError('invalid_request', `start: the log has ${size} entries`);
  const last = end ?? start + MAX_ENTRIES_PER_READ;
  if (last < start) throw new ProblemError('invalid_request', 'end: before start');
  if (last - start > MAX_ENTRIES_PER_READ)
    throw new ProblemError(
      'invalid_request',
      `end: at most ${MAX_ENTRIES_PER_READ} entries a page`,
    );
  return { size, entries: log.entries(start, Math.min(last, size)) };
}

/** The consistency proof from size `from` to the current size. */
export function logConsistency(log: VaultLog, from: number) {
  const size = log.size();
  if (from > size) throw new ProblemError('invalid_request', `from: the log has ${size} entries`);
  return { size, proof: log.consistencyProof(from, size) };
}
