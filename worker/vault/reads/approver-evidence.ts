/**
 * One approver's part of a quorum's evidence (docs/quorum.md): the approval
 * this user gave the quorum, as a single approval's bundle has it (statement,
 * assertion as accepted, credential and enrollment, both log entries with
 * their proofs against this user's checkpoint, its custody), without a receipt of its own.
 */
import { getVars } from '../../config';
import { ProblemError } from '../../errors';
import { getLogSigner } from '../../log-config';
import { outcome } from '../outcome';
import { getEvidence } from '../storage/evidence';
import { quorumEvidenceHash } from '../storage/quorum-handoffs';
import type { VaultState } from '../vault-state';
import { evidenceBundle, type BundleRequest } from './evidence-bundle';

export async function approverEvidence(
  v: VaultState,
  quorumId: string,
  req: BundleRequest,
  now: number,
) {
  return outcome(async () => {
    const signer = await getLogSigner(v.env);
    const hash = quorumEvidenceHash(v.sql, quorumId);
    const row =
      hash === undefined
        ? undefined
        : getEvidence(v.sql, hash, now - getVars(v.env).evidenceTtlDays * 86_400_000);
    if (!row)
      throw new ProblemError(
        'not_found',
        'no evidence is kept for this approval (past EVIDENCE_TTL_DAYS)',
      );
    const size = v.log.size();
    const { statement, assertion, credential, log, custody } = evidenceBundle(
      v.sql,
      v.log,
      row,
      size,
      req,
    );
    return {
      statement,
      assertion,
      credential,
      log: { checkpoint: await v.log.checkpoint(signer, statement.sub, size), ...log },
      custody,
    };
  });
}
