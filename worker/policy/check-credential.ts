import { PseaError } from '../errors';
import type { CredentialFacts, Policy, Requirement } from './types';

/** Why a credential falls short of a requirement, or undefined when it meets it. */
export function shortfall(req: Requirement, cred: CredentialFacts): string | undefined {
  if (req.deviceBound && !cred.deviceBound) return 'a device-bound credential is required';
  if (req.attested && !cred.attested) return 'an attested authenticator is required';
  if (req.aaguids && !req.aaguids.includes(cred.aaguid)) return 'this authenticator model is not allowed';
  return undefined;
}

/** Refuse an approval by a credential below the rule frozen into the ticket. */
export function checkRequirement(req: Requirement, cred: CredentialFacts): void {
  const why = shortfall(req, cred);
  if (why) throw new PseaError('policy_unmet', why);
}

/**
 * Refuse an enrollment the policy could never use: a denied or unlisted
 * model, a synced passkey where none may enroll, or one no rule accepts.
 */
export function admitEnrollment(policy: Policy, cred: CredentialFacts): void {
  if (policy.aaguidDeny?.includes(cred.aaguid)) throw new PseaError('attestation_rejected', 'authenticator model denied by policy');
  if (policy.aaguidAllow && !policy.aaguidAllow.includes(cred.aaguid)) {
    throw new PseaError('attestation_rejected', 'authenticator model not in the allow list');
  }
  if (!policy.allowSynced && !cred.deviceBound) throw new PseaError('attestation_rejected', 'synced passkeys are not allowed');
  if (policy.rules.every((r) => shortfall(r.require, cred) !== undefined)) {
    throw new PseaError('attestation_rejected', 'no policy rule accepts this authenticator');
  }
}
