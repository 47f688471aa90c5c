import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { encodeB64url } from '../../../packages/psea/src/internal/base64url';
import { decodeAttestationObject } from '../../../packages/psea/src/webauthn/attestation-object';

/** A credential's `enrollment` in an evidence bundle: the registration's signed parts as received (base64url). */
export interface EnrollmentRecord {
  clientDataJSON: string;
  authenticatorData: string;
  attestationObject: string;
}

/**
 * What evidence keeps of a verified registration. `authenticatorData` is the
 * attestation object's own `authData`, the bytes that were verified (a
 * client's separate `authenticatorData` member is only a copy of them).
 */
export function enrollmentRecord(response: RegistrationResponseJSON): EnrollmentRecord {
  const { clientDataJSON, attestationObject } = response.response;
  return {
    clientDataJSON,
    authenticatorData: encodeB64url(decodeAttestationObject(attestationObject).authData),
    attestationObject,
  };
}
