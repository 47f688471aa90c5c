/**
 * Everything an enrollment must pass before its credential is stored, as
 * one function the vault and the fixture tests both call: the WebAuthn
 * checks and the library's attestation verification, then what the
 * attestation proves (chain, metadata, revocation), then the policy.
 */
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { admitEnrollment } from '../policy/check-credential';
import type { Policy } from '../policy/types';
import {
  verifyRegistration,
  type RegistrationExpectation,
  type VerifiedRegistration,
} from '../webauthn/verify-registration';
import { assessAttestation } from './assess-attestation';
import type { AttestationFacts, Trust } from './types';

export interface CheckedEnrollment {
  reg: VerifiedRegistration;
  attestation: AttestationFacts;
  /** BE clear: the key cannot leave the authenticator. */
  deviceBound: boolean;
}

/**
 * @throws ProblemError with the docs/api.md code of the first check that fails
 * (`attestation_rejected` for the attestation and the policy).
 * @example const { reg, attestation, deviceBound } = await checkEnrollment(response, expected, getPolicy(env), getTrust(env));
 */
export async function checkEnrollment(
  response: RegistrationResponseJSON,
  expected: RegistrationExpectation,
  policy: Policy,
  trust: Trust,
): Promise<CheckedEnrollment> {
  const reg = await verifyRegistration(response, expected);
  const attestation = await assessAttestation(reg, trust);
  const deviceBound = !reg.backupEligible;
  admitEnrollment(policy, { aaguid: reg.aaguid, deviceBound, attested: attestation.attested });
  return { reg, attestation, deviceBound };
}
