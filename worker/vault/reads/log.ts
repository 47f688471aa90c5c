/** The user's log (docs/evidence.md): a page of entries, and consistency proofs. Each reads the size with what it proves, synchronously, then signs that size's checkpoint. */
import type { VaultState } from '../vault-state';
import { outcome } from '../outcome';
import { getLogSigner } from '../../log-config';
import { logConsistency as consistencyProof, logPage } from './log-reads';

/** Entries [start, end) of this user's log and the current checkpoint. */
export async function readLog(
  v: VaultState,
  userId: string,
  start: number,
  end: number | undefined,
) {
  return outcome(async () => {
    const signer = await getLogSigner(v.env);
    const { size, entries } = logPage(v.log, start, end);
    return { checkpoint: await v.log.checkpoint(signer, userId, size), entries };
  });
}

/** The current checkpoint and the consistency proof from size `from` to it. */
export async function logConsistency(v: VaultState, userId: string, from: number) {
  return outcome(async () => {
    const signer = await getLogSigner(v.env);
    const { size, proof } = consistencyProof(v.log, from);
    return { checkpoint: await v.log.checkpoint(signer, userId, size), proof };
  });
}
