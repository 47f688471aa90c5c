/**
 * Refuse SHA-1 attestation signatures before the library sees them. The
 * library verifies RS1 (-65535) TPM and packed statements; SHA-1 collisions
 * are practical, so an RS1 signature proves little (webauthn-rs refuses them
 * too, as CredentialInsecureCryptography). Credential keys are limited to
 * ES256, EdDSA and RS256 separately (cose-key.ts).
 */
import { ProblemError } from '../errors';

/** COSE RS1: RSASSA-PKCS1-v1_5 with SHA-1. */
const RS1 = -65535;

/** @throws ProblemError `attestation_rejected` for an `attStmt.alg` of RS1. */
export function refuseWeakAttestation(attStmt: ReadonlyMap<string, unknown>): void {
  if (attStmt.get('alg') === RS1) {
    throw new ProblemError(
      'attestation_rejected',
      'SHA-1 (RS1) attestation signatures are refused',
    );
  }
}
