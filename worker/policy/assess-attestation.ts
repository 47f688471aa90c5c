import type { VerifiedRegistration } from '../webauthn/verify-registration';

export interface AttestationFacts {
  /** The attestation chain verified against a trust anchor. */
  attested: boolean;
  /** The authenticator's model name, when metadata knows it. */
  name: string | null;
}

/** Formats whose chains the library checks against its built-in roots. */
const ROOTED_FORMATS = new Set(['android-key', 'android-safetynet', 'apple']);

/** What an enrollment's attestation proves about the authenticator. */
export function assessAttestation(reg: VerifiedRegistration): AttestationFacts {
  return { attested: ROOTED_FORMATS.has(reg.fmt), name: null };
}
