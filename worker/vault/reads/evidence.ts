/** An approved ticket's evidence bundle (docs/evidence.md). */
import type { VaultState } from '../vault-state';
import { getVars } from '../../config';
import { outcome } from '../outcome';
import { getLogSigner } from '../../log-config';
import { evidenceBundle, refuseNoEvidence, type BundleRequest } from './evidence-bundle';
import { getEvidence } from '../storage/evidence';

/** An approved ticket's evidence bundle; 409 `not_approved` until it is approved. */
export async function evidence(v: VaultState, hash: string, req: BundleRequest, now: number) {
  return outcome(async () => {
    const signer = await getLogSigner(v.env);
    const row =
      getEvidence(v.sql, hash, now - getVars(v.env).evidenceTtlDays * 86_400_000) ??
      refuseNoEvidence(v.sql, hash, now);
    const size = v.log.size();
    const { log, ...bundle } = evidenceBundle(v.sql, v.log, row, size, req);
    return {
      ...bundle,
      log: { checkpoint: await v.log.checkpoint(signer, bundle.statement.sub, size), ...log },
    };
  });
}
