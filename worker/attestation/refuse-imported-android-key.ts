/**
 * Android Keystore attests a key an app imported as readily as one its secure
 * hardware generated; only the leaf's KeyDescription extension tells them
 * apart. WebAuthn §8.4.1 asks that the key's origin be KM_ORIGIN_GENERATED
 * and its purpose include KM_PURPOSE_SIGN. The library checks the challenge,
 * allApplications and the chain, not these.
 *
 * Trade-off: PSEA reads only the TEE-enforced list, the spec's choice for a
 * relying party that accepts only keys from a trusted execution environment,
 * and wants the attestation made at TEE or StrongBox level. What Android's
 * software claims, its secure hardware did not vouch for, and a device-bound
 * claim must rest on the hardware.
 */
import { SecurityLevel, type KeyDescription } from '@peculiar/asn1-android';
import { ProblemError } from '../errors';

const KM_ORIGIN_GENERATED = 0;
const KM_PURPOSE_SIGN = 2;

/**
 * Refuse an android-key attestation whose key the TEE does not vouch was
 * generated inside it for signing.
 * @throws ProblemError `attestation_rejected`
 * @example if (reg.fmt === 'android-key') refuseImportedAndroidKey(keyDescription(chain[0]));
 */
export function refuseImportedAndroidKey(kd: KeyDescription | undefined): void {
  // Fail closed: without a readable KeyDescription nothing is known of the key.
  if (!kd)
    throw new ProblemError('attestation_rejected', 'android-key: no readable KeyDescription');
  // Require the attestation itself to come from secure hardware.
  if (
    kd.attestationSecurityLevel !== SecurityLevel.trustedEnvironment &&
    kd.attestationSecurityLevel !== SecurityLevel.strongBox
  ) {
    throw new ProblemError(
      'attestation_rejected',
      'android-key: attested by software, not secure hardware',
    );
  }
  // Require the key to have been generated inside, not imported.
  if (kd.teeEnforced.origin !== KM_ORIGIN_GENERATED) {
    throw new ProblemError(
      'attestation_rejected',
      'android-key: key not generated in secure hardware',
    );
  }
  // Require a signing key.
  if (!kd.teeEnforced.purpose?.includes(KM_PURPOSE_SIGN)) {
    throw new ProblemError('attestation_rejected', 'android-key: key purpose is not sign');
  }
}
