import {
  verifyRegistrationResponse,
  type RegistrationResponseJSON,
  type VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import { convertAAGUIDToString, isoBase64URL } from '@simplewebauthn/server/helpers';
import { refuseDuplicableTpmKey } from './refuse-duplicable-tpm-key';
import { refuseMismatchedPackedAlg } from './refuse-mismatched-packed-alg';
import { refuseWeakAttestation } from './refuse-weak-attestation';
import { ProblemError } from '../errors';
import { decodeAttestationObject } from '../../packages/psea/src/webauthn/attestation-object';
import {
  checkAuthenticatorData,
  decodeAuthenticatorData,
} from '../../packages/psea/src/webauthn/authenticator-data';
import { checkClientData, decodeClientData } from '../../packages/psea/src/webauthn/client-data';
import {
  checkCosePublicKey,
  SUPPORTED_ALGS,
  type SupportedAlg,
} from '../../packages/psea/src/webauthn/cose-key';
import { isStrictDerEcdsaP256 } from '../../packages/psea/src/webauthn/ecdsa-der';

export interface RegistrationExpectation {
  challenge: string;
  rpId: string;
  rpIdHash: Uint8Array<ArrayBuffer>;
  allowedOrigins: ReadonlySet<string>;
}

export interface VerifiedRegistration {
  credentialId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  alg: SupportedAlg;
  counter: number;
  aaguid: string;
  fmt: string;
  backupEligible: boolean;
  backedUp: boolean;
  transports: string[];
  /** The attestation statement, for the chain and metadata assessment. */
  attStmt: ReadonlyMap<string, unknown>;
}

/**
 * Verify an enrollment: our own checks first (each with its docs/api.md code), then
 * the library's attestation verification, which decides `attestation_rejected`.
 */
export async function verifyRegistration(
  response: RegistrationResponseJSON,
  expected: RegistrationExpectation,
): Promise<VerifiedRegistration> {
  const clientData = decodeClientData(response.response.clientDataJSON);
  checkClientData(clientData, {
    type: 'webauthn.create',
    challenge: expected.challenge,
    allowedOrigins: expected.allowedOrigins,
  });

  const attestation = decodeAttestationObject(response.response.attestationObject);
  const authData = decodeAuthenticatorData(attestation.authData, 'attestationObject.authData');
  checkAuthenticatorData(authData, expected.rpIdHash);
  // Require attested credential data, and the id the client claims to be the one inside it.
  if (
    !authData.flags.at ||
    !authData.credentialID ||
    !authData.credentialPublicKey ||
    !authData.aaguid
  ) {
    throw new ProblemError('attestation_rejected', 'no attested credential data');
  }
  if (
    isoBase64URL.fromBuffer(authData.credentialID) !== response.id ||
    response.id !== response.rawId
  ) {
    throw new ProblemError('attestation_rejected', 'credential id does not match the attested one');
  }
  // WebAuthn §7.1: an RP SHOULD refuse credential ids over 1023 bytes.
  if (authData.credentialID.length > 1023)
    throw new ProblemError('attestation_rejected', 'credential id over 1023 bytes');
  // No id may read as a root of custody ("first", "migrated", …): see docs/evidence.md.
  if (authData.credentialID.length < 16)
    throw new ProblemError('attestation_rejected', 'credential id under 16 bytes');
  const alg = await checkCosePublicKey(authData.credentialPublicKey);
  // Refuse SHA-1 attestation signatures, which the library accepts.
  refuseWeakAttestation(attestation.attStmt);
  // A packed statement's alg must be its signer's (the library does not check).
  refuseMismatchedPackedAlg(attestation.fmt, attestation.attStmt, alg);
  // A TPM key the TPM could let go of is no hardware key.
  refuseDuplicableTpmKey(attestation.fmt, attestation.attStmt);
  const sig = attestation.attStmt.get('sig');
  if (
    attestation.fmt === 'packed' &&
    attestation.attStmt.get('alg') === -7 &&
    !(sig instanceof Uint8Array && isStrictDerEcdsaP256(sig))
  ) {
    throw new ProblemError('attestation_rejected', 'attestation signature is not DER');
  }

  let verified: VerifiedRegistrationResponse;
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: expected.challenge,
      expectedOrigin: [...expected.allowedOrigins],
      expectedRPID: expected.rpId,
      requireUserVerification: true,
      supportedAlgorithmIDs: [...SUPPORTED_ALGS],
    });
  } catch {
    // The library's message may quote attacker bytes; the code is what clients need.
    throw new ProblemError('attestation_rejected', 'attestation did not verify');
  }
  const info = verified.registrationInfo;
  if (!verified.verified || !info)
    throw new ProblemError('attestation_rejected', 'attestation did not verify');

  return {
    credentialId: info.credential.id,
    publicKey: info.credential.publicKey,
    alg,
    counter: info.credential.counter,
    aaguid: convertAAGUIDToString(authData.aaguid),
    fmt: info.fmt,
    backupEligible: authData.flags.be,
    backedUp: authData.flags.bs,
    transports: response.response.transports ?? [],
    attStmt: attestation.attStmt,
  };
}
