/**
 * Judge a credential against the policy: at enrollment (could any rule ever
 * accept it?) and at approval (does it meet the rule frozen into the ticket?).
 */
import { ProblemError } from '../errors';
import { effectiveRequirement } from './select-rule';
import type { CredentialFacts, Policy, Requirement } from './types';

/** Why a credential falls short of a requirement, or undefined when it meets it. */
export function shortfall(req: Requirement, cred: CredentialFacts): string | undefined {
  if (req.notAaguids?.includes(cred.aaguid))
    return 'this authenticator model is denied or reported compromised';
  if (req.aaguids && !req.aaguids.includes(cred.aaguid))
    return 'this authenticator model is not allowed for this action';
  if (req.deviceBound && !cred.deviceBound)
    return 'a device-bound credential is required, not a synced passkey';
  if (req.attested && !cred.attested)
    return 'an authenticator with verified attestation is required';
  return undefined;
}

/**
 * Refuse an approval by a credential below the rule frozen into the ticket.
 * @throws ProblemError `policy_unmet`, with the shortfall as detail.
 */
export function checkRequirement(req: Requirement, cred: CredentialFacts): void {
  const why = shortfall(req, cred);
  if (why) throw new ProblemError('policy_unmet', why);
}

/**
 * Refuse an enrollment the policy could never use: a denied, compromised or
 * unlisted model, a synced passkey where none may approve, or one that no
 * rule (each tightened by the policy-wide constraints) would accept.
 * @throws ProblemError `attestation_rejected`.
 */
export function admitEnrollment(policy: Policy, cred: CredentialFacts): void {
  const reject = (why: string) => new ProblemError('attestation_rejected', why);
  if (policy.aaguidDeny?.includes(cred.aaguid))
    throw reject('authenticator model denied by policy');
  if (policy.compromised?.includes(cred.aaguid))
    throw reject('authenticator model reported revoked or compromised by FIDO metadata');
  if (policy.aaguidAllow && !policy.aaguidAllow.includes(cred.aaguid))
    throw reject('authenticator model not in the allow list');
  if (!policy.allowSynced && !cred.deviceBound) throw reject('synced passkeys are not allowed');
  if (
    policy.rules.every(
      (r) => shortfall(effectiveRequirement(policy, r.require), cred) !== undefined,
    )
  ) {
    throw reject('no policy rule accepts this authenticator');
  }
}
