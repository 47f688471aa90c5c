/**
 * A local revocation list. The library looks revocation up in CRLs over
 * the network and, when the download fails, treats the certificate as good
 * (fails open). PSEA needs no network at run time, so the relying party lists
 * the certificates it knows are revoked, by SHA-256 fingerprint, in POLICY
 * `revokedCertificates`, and a chain containing one is refused.
 */
import { ProblemError } from '../errors';
import { certificateFingerprint } from '../../packages/psea/src/internal/certificates';

/**
 * @throws ProblemError `attestation_rejected` when any certificate of the chain is listed.
 * @example await refuseRevoked(chain, new Set(['64e286b7…']))
 */
export async function refuseRevoked(
  chain: readonly Uint8Array<ArrayBuffer>[],
  revoked: ReadonlySet<string>,
): Promise<void> {
  if (revoked.size === 0) return;
  for (const der of chain) {
    if (revoked.has(await certificateFingerprint(der))) {
      throw new ProblemError(
        'attestation_rejected',
        'a certificate in the attestation chain is revoked',
      );
    }
  }
}
